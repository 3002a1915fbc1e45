//! A branch's migrations against those of the branch it merges into.
//!
//! A migration the base already has may have run on production: its text,
//! name and version are history. A migration the branch adds must come
//! after everything the base has, or databases already past it meet it out
//! of order. [`review`] compares the three sets git gives (the merge base,
//! the base's tip, the branch) and says which of those rules a branch
//! breaks; the command line turns each [`Finding`] into a message.

use std::collections::HashMap;

use crate::Migration;
use crate::MigrationSet;
use crate::discover::sort;

/// What a branch did to the base's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A merged migration whose up script changed.
    Edited,
    /// A merged migration that is gone.
    Deleted,
    /// A merged migration moved to another version (same text).
    Renumbered,
    /// A merged migration under another name, same version and text.
    Renamed,
    /// A new migration that sorts before the base's newest.
    NonLinear,
    /// A new migration whose version the base gained since the branch forked.
    Duplicate,
}

impl Kind {
    /// The finding's code, as `check` prints it: `edited-after-merge`.
    ///
    /// ```
    /// assert_eq!(driftless_migrations::branch::Kind::NonLinear.code(), "non-linear");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Kind::Edited => "edited-after-merge",
            Kind::Deleted => "deleted",
            Kind::Renumbered => "renumbered",
            Kind::Renamed => "renamed",
            Kind::NonLinear => "non-linear",
            Kind::Duplicate => "duplicate-version",
        }
    }
}

/// One rule a branch breaks.
#[derive(Debug)]
pub struct Finding<'a> {
    /// Which rule.
    pub kind: Kind,
    /// The branch's migration it is about (`None` for a deleted one).
    pub head: Option<&'a Migration>,
    /// The base's migration: the one edited, deleted, renamed or renumbered,
    /// or for a new migration, the one it sorts before or shares a version with.
    pub base: &'a Migration,
}

/// What [`review`] found.
#[derive(Debug, Default)]
pub struct Review<'a> {
    /// In the base's order, then the branch's.
    pub findings: Vec<Finding<'a>>,
    /// When a new migration is out of place: every migration the branch
    /// adds, in its order, to be numbered after [`Review::newest`].
    pub renumber: Vec<&'a Migration>,
    /// The base's newest migration (at its tip).
    pub newest: Option<&'a Migration>,
}

/// Compares `head`, the branch's migrations, with `merged` (those at the
/// merge base: what the branch started from) and `tip` (those the base has
/// now, which may include migrations merged since the branch forked).
/// Flyway's repeatable migrations are left out: they are meant to change.
///
/// ```
/// use driftless_migrations::branch::{review, Kind};
/// let base = tempfile::tempdir().unwrap();
/// std::fs::write(base.path().join("0001_a.sql"), "CREATE TABLE a (id INTEGER);").unwrap();
/// std::fs::write(base.path().join("0002_b.sql"), "CREATE TABLE b (id INTEGER);").unwrap();
/// let head = tempfile::tempdir().unwrap();
/// std::fs::write(head.path().join("0001_a.sql"), "CREATE TABLE a (id INTEGER, x TEXT);").unwrap();
/// let (base, head) = (driftless_migrations::discover(base.path()).unwrap(), driftless_migrations::discover(head.path()).unwrap());
/// let found = review(&base, &base, &head);
/// let kinds: Vec<_> = found.findings.iter().map(|f| f.kind).collect();
/// assert_eq!(kinds, [Kind::Edited, Kind::Deleted]);
/// ```
pub fn review<'a>(
    merged: &'a MigrationSet,
    tip: &'a MigrationSet,
    head: &'a MigrationSet,
) -> Review<'a> {
    let versioned = |set: &'a MigrationSet| -> HashMap<u64, &'a Migration> {
        set.migrations
            .iter()
            .filter(|m| !m.repeatable)
            .map(|m| (m.version, m))
            .collect()
    };
    let (in_merged, in_tip, in_head) = (versioned(merged), versioned(tip), versioned(head));
    let mut review = Review::default();
    // a migration that moved to another version is no new migration
    let mut moved = Vec::new();
    // what a baseline of the branch (`driftless squash`) replaced is no loss
    let squashed = head
        .migrations
        .first()
        .and_then(|b| crate::squash::replaced(&b.up.sql()))
        .unwrap_or_default();
    for m in merged.migrations.iter().filter(|m| !m.repeatable) {
        if squashed
            .iter()
            .any(|r| r.version == m.version && r.checksum == m.checksum)
        {
            continue;
        }
        let (kind, now) = match in_head.get(&m.version) {
            Some(h) if h.checksum != m.checksum => (Kind::Edited, Some(*h)),
            Some(h) if h.file_name() != m.file_name() => (Kind::Renamed, Some(*h)),
            Some(_) => continue,
            None => match head.migrations.iter().find(|h| {
                !h.repeatable && h.checksum == m.checksum && !in_merged.contains_key(&h.version)
            }) {
                Some(h) => {
                    moved.push(h.version);
                    (Kind::Renumbered, Some(h))
                }
                None => (Kind::Deleted, None),
            },
        };
        review.findings.push(Finding {
            kind,
            head: now,
            base: m,
        });
    }
    let new: Vec<&Migration> = head
        .migrations
        .iter()
        .filter(|h| !h.repeatable && !in_merged.contains_key(&h.version))
        .filter(|h| !moved.contains(&h.version))
        // merged into the base since the fork (a squash merge of an
        // earlier pull request, a cherry-pick): no longer new
        .filter(|h| {
            in_tip
                .get(&h.version)
                .is_none_or(|t| t.checksum != h.checksum)
        })
        .collect();
    review.newest = newest([tip, merged]);
    let mut misplaced = false;
    for h in &new {
        match in_tip.get(&h.version) {
            // the base has it, under its name, with other text
            Some(other) if other.file_name() == h.file_name() => {
                review.findings.push(Finding {
                    kind: Kind::Edited,
                    head: Some(h),
                    base: other,
                });
            }
            Some(other) => {
                review.findings.push(Finding {
                    kind: Kind::Duplicate,
                    head: Some(h),
                    base: other,
                });
                misplaced = true;
            }
            None => {
                if let Some(newest) = review.newest
                    && sorts_before(h, newest)
                {
                    review.findings.push(Finding {
                        kind: Kind::NonLinear,
                        head: Some(h),
                        base: newest,
                    });
                    misplaced = true;
                }
            }
        }
    }
    // what the base already has stays; the rest moves after its newest
    let new: Vec<&Migration> = new
        .into_iter()
        .filter(|h| {
            in_tip
                .get(&h.version)
                .is_none_or(|t| t.file_name() != h.file_name())
        })
        .collect();
    if misplaced {
        review.renumber = new;
    }
    review
}

/// The last versioned migration of the sets, in their tool's order.
fn newest<'a>(sets: [&'a MigrationSet; 2]) -> Option<&'a Migration> {
    let last = |s: &'a MigrationSet| s.migrations.iter().rfind(|m| !m.repeatable);
    match (last(sets[0]), last(sets[1])) {
        (Some(a), Some(b)) => Some(if sorts_before(a, b) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Whether the tool runs `a` before `b`.
fn sorts_before(a: &Migration, b: &Migration) -> bool {
    let mut pair = [b.clone(), a.clone()];
    sort(&mut pair);
    pair[0].checksum == a.checksum && pair[0].file_name() == a.file_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(path, sql).expect("write");
        }
        let set = crate::discover(dir.path()).expect("discover");
        (dir, set)
    }

    fn kinds(r: &Review<'_>) -> Vec<(Kind, String)> {
        r.findings
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.head
                        .map_or_else(|| f.base.file_name(), Migration::file_name),
                )
            })
            .collect()
    }

    #[test]
    fn a_clean_branch_adds_after_the_newest() {
        let (_a, base) = set(&[("0001_a.sql", "SELECT 1;"), ("0002_b.sql", "SELECT 2;")]);
        let (_b, head) = set(&[
            ("0001_a.sql", "SELECT 1;"),
            ("0002_b.sql", "SELECT 2;"),
            ("0003_c.sql", "SELECT 3;"),
        ]);
        let r = review(&base, &base, &head);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert!(r.renumber.is_empty());
        assert_eq!(
            r.newest.map(Migration::file_name).as_deref(),
            Some("0002_b.sql")
        );
    }

    #[test]
    fn renumbered_and_renamed_merged_migrations() {
        let (_a, base) = set(&[("0001_a.sql", "SELECT 1;"), ("0002_b.sql", "SELECT 2;")]);
        let (_b, head) = set(&[("0001_first.sql", "SELECT 1;"), ("0003_b.sql", "SELECT 2;")]);
        let r = review(&base, &base, &head);
        assert_eq!(
            kinds(&r),
            [
                (Kind::Renamed, "0001_first.sql".to_string()),
                (Kind::Renumbered, "0003_b.sql".to_string())
            ]
        );
        // the moved one is not a new migration to renumber
        assert!(r.renumber.is_empty());
    }

    #[test]
    fn a_version_the_base_gained_since_the_fork() {
        let (_a, merged) = set(&[("0001_a.sql", "SELECT 1;")]);
        let (_b, tip) = set(&[
            ("0001_a.sql", "SELECT 1;"),
            ("0002_theirs.sql", "SELECT 2;"),
            ("0003_more.sql", "SELECT 3;"),
        ]);
        let (_c, head) = set(&[
            ("0001_a.sql", "SELECT 1;"),
            ("0002_ours.sql", "SELECT 22;"),
            ("0004_later.sql", "SELECT 4;"),
        ]);
        let r = review(&merged, &tip, &head);
        assert_eq!(kinds(&r), [(Kind::Duplicate, "0002_ours.sql".to_string())]);
        let names: Vec<_> = r.renumber.iter().map(|m| m.file_name()).collect();
        assert_eq!(names, ["0002_ours.sql", "0004_later.sql"]);
        assert_eq!(
            r.newest.map(Migration::file_name).as_deref(),
            Some("0003_more.sql")
        );
    }

    #[test]
    fn a_migration_the_base_took_since_the_fork_is_merged() {
        // an earlier pull request of the branch, squash-merged into main
        let (_a, merged) = set(&[("0001_a.sql", "SELECT 1;")]);
        let (_b, tip) = set(&[("0001_a.sql", "SELECT 1;"), ("0002_b.sql", "SELECT 2;")]);
        let (_c, head) = set(&[
            ("0001_a.sql", "SELECT 1;"),
            ("0002_b.sql", "SELECT 2;"),
            ("0003_c.sql", "SELECT 3;"),
        ]);
        let r = review(&merged, &tip, &head);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        // and edited on the branch after that merge
        let (_d, head) = set(&[
            ("0001_a.sql", "SELECT 1;"),
            ("0002_b.sql", "SELECT 22;"),
            ("0003_c.sql", "SELECT 3;"),
        ]);
        let r = review(&merged, &tip, &head);
        assert_eq!(kinds(&r), [(Kind::Edited, "0002_b.sql".to_string())]);
        assert!(r.renumber.is_empty());
    }

    #[test]
    fn non_linear_in_flyway_and_diesel_order() {
        // V1.10 runs after V1.9 though its derived integer says nothing of it
        let (_a, base) = set(&[("V1_9__a.sql", "SELECT 1;"), ("V1_10__b.sql", "SELECT 2;")]);
        let (_b, head) = set(&[
            ("V1_9__a.sql", "SELECT 1;"),
            ("V1_10__b.sql", "SELECT 2;"),
            ("V1_9_5__c.sql", "SELECT 3;"),
            ("R__view.sql", "SELECT 4;"),
        ]);
        let r = review(&base, &base, &head);
        assert_eq!(kinds(&r), [(Kind::NonLinear, "V1_9_5__c.sql".to_string())]);
        let (_c, base) = set(&[("2024-03-06-170000_a/up.sql", "SELECT 1;")]);
        let (_d, head) = set(&[
            ("2024-03-06-170000_a/up.sql", "SELECT 1;"),
            ("2024-03-01-000000_b/up.sql", "SELECT 2;"),
        ]);
        let r = review(&base, &base, &head);
        assert_eq!(
            kinds(&r),
            [(Kind::NonLinear, "2024-03-01-000000_b".to_string())]
        );
    }
}
