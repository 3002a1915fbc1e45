//! `.rehearse()` in a build script, on scratch crates built with cargo: a
//! new migration that works only on empty tables fails the build; one the
//! git base already has, or any in a crate outside git, is a warning.

use driftless_tests::{Scratch, git};

const BUILD_RS: &str =
    "fn main() {\n    driftless::build::migrations(\"migrations\").rehearse().run();\n}\n";

const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
const SCORE: &str = "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n";

#[test]
fn a_new_migration_that_fails_on_rows_fails_the_build() {
    let mut s = Scratch::new("rehearse", Some(BUILD_RS));
    s.lib("");
    s.write("migrations/0001_games.sql", GAMES);
    s.write(".gitignore", "target\n");
    git(s.path(), &["init", "-q", "."]);
    git(s.path(), &["add", "."]);
    git(s.path(), &["commit", "-q", "-m", "games"]);
    s.builds("a history that works on rows");
    assert_eq!(s.traced("rehearse "), 1, "{}", s.trace_text());

    git(s.path(), &["checkout", "-q", "-b", "score"]);
    s.write("migrations/0002_score.sql", SCORE);
    s.fails(
        "a NOT NULL column without a default, not merged",
        &[
            "migration `migrations/0002_score.sql` fails at line 1 once its tables hold rows (table `games`)",
            "Cannot add a NOT NULL column with default value NULL",
            "help: give the column a constant default",
            "driftless:allow(fails-on-rows)",
        ],
    );

    // once main has it, it may have run: a warning, and the build goes on
    git(s.path(), &["add", "."]);
    git(s.path(), &["commit", "-q", "-m", "score"]);
    git(s.path(), &["checkout", "-q", "main"]);
    git(s.path(), &["merge", "-q", "score"]);
    s.write("migrations/0002_score.sql", SCORE);
    let stderr = s.builds("a merged migration is a warning");
    assert!(
        stderr.contains("warning: driftless-e2e-rehearse@0.1.0: migration `migrations/0002_score.sql` fails at line 1"),
        "{stderr}"
    );
}

#[test]
fn outside_git_it_is_a_warning() {
    let mut s = Scratch::new("rehearse-no-git", Some(BUILD_RS));
    s.lib("");
    s.write("migrations/0001_games.sql", GAMES);
    s.write("migrations/0002_score.sql", SCORE);
    let stderr = s.builds("a packaged crate builds as published");
    assert!(
        stderr.contains("Cannot add a NOT NULL column with default value NULL"),
        "{stderr}"
    );
}
