//! Advice on the build profile: in the dev profile cargo compiles build
//! scripts and their dependencies (the bundled SQLite among them) without
//! optimisation, and only the workspace's own `Cargo.toml` can change that.

use std::path::Path;
use std::time::Duration;

/// The lines that make the build script's replays as fast as SQLite gets:
/// in the dev profile cargo compiles build scripts and their dependencies
/// (the bundled SQLite among them) without optimisation, which makes a
/// replay about twice as slow as an optimised SQLite. Only the workspace's
/// own `Cargo.toml` can change that; a dependency cannot.
pub const OPTIMIZE_SQLITE: &str = "[profile.dev.package.libsqlite3-sys]\nopt-level = 3\n[profile.dev.package.driftless-migrations]\nopt-level = 3";

/// What to tell a user whose replay of `migrations` took `took`, when that
/// is slow enough to matter (a second or more) and no `Cargo.toml` from
/// `project` up sets a dev-profile `opt-level` for libsqlite3-sys or build
/// scripts: the lines to add to the workspace's `Cargo.toml`.
///
/// ```
/// use std::time::Duration;
/// use driftless_migrations::profile::slow_replay_hint;
/// let project = tempfile::tempdir().unwrap();
/// assert!(slow_replay_hint(1000, Duration::from_millis(300), project.path()).is_none());
/// let hint = slow_replay_hint(1000, Duration::from_millis(1500), project.path()).unwrap();
/// assert!(hint.contains("opt-level = 3"));
/// std::fs::write(project.path().join("Cargo.toml"), "[profile.dev.package.libsqlite3-sys]\nopt-level = 2\n").unwrap();
/// assert!(slow_replay_hint(1000, Duration::from_millis(1500), project.path()).is_none());
/// ```
pub fn slow_replay_hint(migrations: usize, took: Duration, project: &Path) -> Option<String> {
    if took < Duration::from_secs(1) || optimizes_sqlite(project) {
        return None;
    }
    Some(format!(
        "replaying {migrations} migrations took {:.1} s: in the dev profile cargo builds the build script's SQLite without optimisation, \
         which makes it about twice as slow. Add these lines to the workspace's Cargo.toml:\n{OPTIMIZE_SQLITE}\n\
         (with the prefix cache, only a first build, `cargo clean` or an edit to an early migration replays everything)",
        took.as_secs_f64()
    ))
}

/// Whether a `Cargo.toml` in `dir` or above has a dev-profile section for
/// libsqlite3-sys, every package, or build scripts.
fn optimizes_sqlite(dir: &Path) -> bool {
    dir.ancestors().any(|d| {
        std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|manifest| {
            manifest.lines().any(|l| {
                let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                l.starts_with("[profile.dev.")
                    && (l.contains("libsqlite3-sys")
                        || l.contains("build-override")
                        || l.contains("\"*\""))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dev_profile_section_for_sqlite_or_build_scripts_silences_the_hint() {
        let root = tempfile::tempdir().expect("dir");
        let crate_dir = root.path().join("app");
        std::fs::create_dir(&crate_dir).expect("mkdir");
        std::fs::write(crate_dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").expect("write");
        for (workspace, optimizes) in [
            ("[workspace]\n", false),
            (
                "[profile.release.package.libsqlite3-sys]\nopt-level = 3\n",
                false,
            ),
            (
                "[profile.dev.package.libsqlite3-sys]\nopt-level = 3\n",
                true,
            ),
            ("[ profile.dev.build-override ]\nopt-level = 3\n", true),
            ("[profile.dev.package.\"*\"]\nopt-level = 1\n", true),
        ] {
            std::fs::write(root.path().join("Cargo.toml"), workspace).expect("write");
            assert_eq!(
                optimizes_sqlite(&crate_dir.join("migrations")),
                optimizes,
                "{workspace}"
            );
        }
    }
}
