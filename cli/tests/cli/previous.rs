//! `driftless check --previous REF`: the code of the release still running,
//! built against today's migrations, on a real crate in a real git history.
//! One crate and one worktree for both outcomes, so the old code compiles
//! (in check mode) twice in all.

use driftless_tests::{Scratch, git, workspace};

use crate::harness::{Project, TWO_TABLES};

const BUILD_RS: &str = "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n";

/// The model of the release `v1`: it reads `paused_at`.
const GAME_V1: &str = "#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub name: String,\n    pub paused_at: Option<String>,\n}\n";

fn driftless(s: &Scratch, args: &[&str]) -> (i32, String, String) {
    crate::harness::in_scratch(s, args)
}

fn commit(s: &Scratch, message: &str) {
    git(s.path(), &["add", "-A"]);
    git(s.path(), &["commit", "-q", "-m", message]);
}

/// A new column keeps the code of `v1` building; then a migration drops the
/// column `v1` reads, and the check fails at v1's field, naming the
/// migration and the split to make instead.
#[test]
fn a_dropped_column_the_previous_release_reads_fails_at_its_field() {
    let mut s = Scratch::new("previous", Some(BUILD_RS));
    s.write(
        "migrations/0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, paused_at TEXT);\n",
    );
    s.lib(GAME_V1);
    git(s.path(), &["init", "-q"]);
    commit(&s, "v1");
    git(s.path(), &["tag", "v1"]);

    // expand: a column more is nothing the old code minds
    s.write(
        "migrations/0002_add_score.sql",
        "ALTER TABLE games ADD COLUMN score INTEGER;\n",
    );
    s.lib(&GAME_V1.replace("}\n", "    pub score: Option<i64>,\n}\n"));
    commit(&s, "score");
    let (code, out, err) = driftless(&s, &["check", "--previous", "v1"]);
    assert_eq!(
        code, 0,
        "the code at v1 builds with a new column:\n{out}\n{err}"
    );
    let worktree_note = out
        .lines()
        .find(|l| l.starts_with("note: `--previous v1`: built the code at v1 ("))
        .unwrap_or_else(|| panic!("no note of the build:\n{out}"))
        .to_string();
    assert!(
        worktree_note.contains("against today's 2 migrations (1 new since v1) in "),
        "{worktree_note}"
    );
    assert!(!out.contains("error[previous]"), "{out}");

    // contract too early: the column v1 reads is dropped in the same release
    s.write(
        "migrations/0003_drop_paused_at.sql",
        "ALTER TABLE games DROP COLUMN paused_at;\n",
    );
    s.lib("#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub name: String,\n    pub score: Option<i64>,\n}\n");
    commit(&s, "drop paused_at");
    let (code, out, err) = driftless(&s, &["check", "--previous", "v1"]);
    assert_eq!(
        code, 1,
        "the code at v1 reads a dropped column:\n{out}\n{err}"
    );
    let line = format!("use driftless::Model;\n\n{GAME_V1}")
        .lines()
        .position(|l| l.contains("pub paused_at"))
        .expect("the field is in the model")
        + 1;
    assert!(
        out.contains(&format!(
            "error[previous]: v1:src/lib.rs:{line}: table `games` has no column `paused_at`\n  \
             help: `0003_drop_paused_at.sql` drops `games.paused_at`, which the code at v1 uses: \
             during a rolling deploy, and after a rollback to v1, that code runs on this schema. \
             Split the change (expand/contract): keep `paused_at` in this release and stop using it; \
             drop it in a migration of the next release, once no running code uses it\n"
        )),
        "{out}\n{err}"
    );
    assert_eq!(out.matches("error[previous]").count(), 1, "{out}");
    // the worktree of the first run was reused, its migrations restored to v1's first
    assert!(
        out.contains("against today's 3 migrations (2 new since v1) in "),
        "{out}"
    );
    assert!(
        out.contains(&worktree_note[worktree_note.find(" in ").unwrap_or(0)..]),
        "{out}"
    );

    // the worktree is the tool's, in the target directory: clean it up
    let worktree = worktree_note
        .rsplit_once(" in ")
        .map(|(_, path)| std::path::PathBuf::from(path))
        .expect("the note names the worktree");
    assert!(
        worktree.starts_with(workspace().join("target").join("e2e").join("driftless")),
        "{}",
        worktree.display()
    );
    assert!(
        worktree
            .join("migrations/0003_drop_paused_at.sql")
            .is_file()
    );
    git(
        s.path(),
        &[
            "worktree",
            "remove",
            "--force",
            &worktree.display().to_string(),
        ],
    );
}

/// A revision git cannot find, or a directory outside git, is a usage
/// error that says what to do, before anything is built.
#[test]
fn a_revision_git_cannot_find_is_a_usage_error() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("check", &["--previous", "v1"])
        .code(2)
        .err("is not in a git checkout");
    git(p.root.path(), &["init", "-q"]);
    git(p.root.path(), &["add", "-A"]);
    git(p.root.path(), &["commit", "-q", "-m", "one"]);
    p.cmd("check", &["--previous", "no-such-tag"])
        .code(2)
        .err("git knows no commit `no-such-tag`")
        .err("git fetch --tags");
}
