//! A migration set the runtime applies: embedded at compile time by
//! `embed_migrations!`, or read from a directory at run time (the CLI).

use std::borrow::Cow;
use std::path::Path;

use driftless_migrations::discover;
use driftless_migrations::discover::hex;
use driftless_migrations::error::display_path;

use crate::error::Result;

/// One migration as the runtime applies it.
///
/// `embed_migrations!` builds these from files; fields are public so that
/// the macro's output is a plain `static`.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let m = migrations.get(1).unwrap();
/// assert_eq!((m.name.as_ref(), m.down.is_none()), ("games", true));
/// assert_eq!(m.checksum_hex().len(), 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// Its version.
    pub version: u64,
    /// Its name, e.g. `create_games`.
    pub name: Cow<'static, str>,
    /// Its up file as users know it, e.g. `migrations/0001_create_games.sql`.
    pub file: Cow<'static, str>,
    /// The up script as written.
    pub up: Cow<'static, str>,
    /// The down script, when there is one.
    pub down: Option<Cow<'static, str>>,
    /// The down file, when there is one.
    pub down_file: Option<Cow<'static, str>>,
    /// Runs outside a transaction (`-- driftless:no-transaction`).
    pub no_transaction: bool,
    /// SHA-256 of the normalized up script, as the engine computes it.
    pub checksum: [u8; 32],
}

impl Migration {
    /// The checksum as lowercase hex.
    ///
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert!(M.iter().all(|m| m.checksum_hex().len() == 64));
    /// ```
    pub fn checksum_hex(&self) -> String {
        hex(&self.checksum)
    }
}

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
        let set = discover(dir.as_ref())?;
        let list = set
            .migrations
            .into_iter()
            .map(|m| Migration {
                version: m.version,
                file: Cow::Owned(display_path(&m.up.path)),
                name: Cow::Owned(m.name),
                up: Cow::Owned(m.up.sql),
                down_file: m.down.as_ref().map(|d| Cow::Owned(display_path(&d.path))),
                down: m.down.map(|d| Cow::Owned(d.sql)),
                no_transaction: m.no_transaction,
                checksum: m.checksum,
            })
            .collect();
        Ok(Migrations {
            list: Cow::Owned(list),
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
        self.list.iter().find(|m| m.version == version)
    }

    /// The newest version, if any.
    /// ```
    /// static M: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// assert_eq!(M.latest(), None);
    /// ```
    pub fn latest(&self) -> Option<u64> {
        self.list.last().map(|m| m.version)
    }
}
