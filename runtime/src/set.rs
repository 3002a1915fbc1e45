//! A migration set the runtime applies: embedded at compile time by
//! `embed_migrations!`, or read from a directory at run time (the CLI).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use driftless_migrations::squash::Replaced;
use driftless_migrations::{Migration, discover, flyway};

use crate::error::Result;

/// A migration set: what `upgrade`, `status` and friends work on.
///
/// ```
/// use driftless::Migrations;
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = Migrations::from_dir(dir.path())?;
/// assert_eq!(migrations.len(), 1);
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// migrations.upgrade(&mut conn)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Migrations {
    list: Cow<'static, [Migration]>,
    /// Each version's position, built on first use: `status` and friends
    /// look versions up once per applied migration, which a scan made
    /// quadratic in the length of the history.
    positions: OnceLock<HashMap<u64, usize>>,
    /// What the set's baseline (`driftless squash`, its first migration)
    /// replaces, in history order, and each version's place in it.
    replaced: OnceLock<(Vec<Replaced>, HashMap<u64, usize>)>,
}

impl Migrations {
    /// A set from a static list, sorted by version: what `embed_migrations!` expands to.
    ///
    /// ```
    /// static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert!(NONE.is_empty());
    /// ```
    pub const fn from_static(list: &'static [Migration]) -> Migrations {
        Migrations {
            list: Cow::Borrowed(list),
            positions: OnceLock::new(),
            replaced: OnceLock::new(),
        }
    }

    /// Reads a migration directory at run time with the same resolver as
    /// the build script and `embed_migrations!`.
    ///
    /// # Errors
    /// As [`driftless_migrations::discover()`]: a missing directory, a bad file
    /// name, a duplicate version, ...
    ///
    /// ```
    /// let err = driftless::Migrations::from_dir("no/such/dir").unwrap_err();
    /// assert!(err.to_string().contains("does not exist"));
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrations> {
        Ok(Migrations {
            list: Cow::Owned(discover(dir.as_ref())?.migrations),
            positions: OnceLock::new(),
            replaced: OnceLock::new(),
        })
    }

    /// The migrations, lowest version first.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert_eq!(M.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Migration> {
        self.list.iter()
    }

    /// How many there are.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert_eq!(M.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert!(M.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration with this version.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert!(M.get(1).is_none());
    /// ```
    pub fn get(&self, version: u64) -> Option<&Migration> {
        self.position(version).and_then(|i| self.list.get(i))
    }

    /// Compares two versions in this set's order, the order its migrations
    /// run in: by position where both are in the set (diesel orders its
    /// versions as text, not as numbers), else as numbers.
    ///
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert!(M.cmp_versions(2, 10).is_lt());
    /// ```
    pub fn cmp_versions(&self, a: u64, b: u64) -> std::cmp::Ordering {
        // what a baseline replaced comes before it, in history order
        let (listed, index) = self.replaced_index();
        let order = |v: u64| {
            self.position(v)
                .map(|p| p + listed.len())
                .or_else(|| index.get(&v).copied())
        };
        match (order(a), order(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.cmp(&b),
        }
    }

    /// The baseline that replaced `version` (`driftless squash`), when this
    /// set no longer has it but its first migration, a baseline, lists it.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0002_squashed.sql"), format!(
    ///     "-- driftless:baseline\n-- replaces 1 {} 0001_a.sql\nCREATE TABLE a (x);\n", "00".repeat(32)))?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// assert_eq!(migrations.replaced_by(1).map(|m| m.version), Some(2));
    /// assert!(migrations.replaced_by(2).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replaced_by(&self, version: u64) -> Option<&Migration> {
        if self.get(version).is_some() {
            return None;
        }
        self.replaced_index().1.contains_key(&version).then(|| self.list.first()).flatten()
    }

    /// What the set's baseline replaces (`driftless squash`), oldest
    /// first; empty when its first migration is no baseline.
    pub(crate) fn replaced(&self) -> &[Replaced] {
        &self.replaced_index().0
    }

    /// The entry a baseline lists for `version` with `checksum`, else any
    /// it lists for `version`.
    pub(crate) fn replaced_entry(&self, version: u64, checksum: &[u8]) -> Option<&Replaced> {
        let listed = self.replaced();
        listed
            .iter()
            .find(|r| r.version == version && r.checksum[..] == *checksum)
            .or_else(|| listed.iter().find(|r| r.version == version))
    }

    fn replaced_index(&self) -> &(Vec<Replaced>, HashMap<u64, usize>) {
        self.replaced.get_or_init(|| {
            let listed = self
                .list
                .first()
                .and_then(|m| driftless_migrations::squash::replaced(&m.up.sql()))
                .unwrap_or_default();
            let index = listed
                .iter()
                .enumerate()
                .map(|(i, r)| (r.version, i))
                .collect();
            (listed, index)
        })
    }

    /// Where `version` is in the set.
    fn position(&self, version: u64) -> Option<usize> {
        self.positions
            .get_or_init(|| {
                self.list
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.version, i))
                    .collect()
            })
            .get(&version)
            .copied()
    }

    /// The newest of these versions in this set's order; Flyway's
    /// repeatable migrations are no version, and do not count.
    pub(crate) fn newest(&self, versions: impl Iterator<Item = u64>) -> Option<u64> {
        versions
            .filter(|v| self.get(*v).is_none_or(|m| !m.repeatable))
            .max_by(|a, b| self.cmp_versions(*a, *b))
    }

    /// A version as its file writes it: `1.1` for Flyway's `V1.1__x.sql`,
    /// `R__views` for a repeatable migration, else the number.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("V1.1__games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let v = migrations.iter().next().map(|m| m.version).unwrap_or(0);
    /// assert_eq!(migrations.label(v), "1.1");
    /// assert_eq!(migrations.label(7), "7");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn label(&self, version: u64) -> String {
        if let Some(m) = self.get(version) {
            return m.label();
        }
        // a version a baseline replaced, as its file wrote it
        self.replaced()
            .iter()
            .rfind(|r| r.version == version)
            .and_then(|r| flyway::file_version(&r.file))
            .map_or_else(|| version.to_string(), |v| v.to_string())
    }

    /// The version that runs before `version` (0: none), what to `stamp`
    /// to run `version` again.
    pub(crate) fn before(&self, version: u64) -> u64 {
        let versioned = self.list.iter().filter(|m| !m.repeatable);
        let mut previous = 0;
        for m in versioned {
            if m.version == version {
                return previous;
            }
            previous = m.version;
        }
        0
    }

    /// The newest version, if any.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert_eq!(M.latest(), None);
    /// ```
    pub fn latest(&self) -> Option<u64> {
        self.list.iter().rfind(|m| !m.repeatable).map(|m| m.version)
    }
}
