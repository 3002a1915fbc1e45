//! `driftless check --base`: a branch's migrations against the branch it
//! merges into, in scratch repositories with a `main` and a `feature`
//! branch; and the same findings as GitHub annotations and SARIF.

use crate::harness::*;

const GAMES: (&str, &str) = (
    "0001_games.sql",
    "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
);
const SCORE: (&str, &str) = (
    "0002_score.sql",
    "ALTER TABLE games ADD COLUMN score INTEGER;\n",
);

/// A repository whose `main` has `base`, checked out on a new `feature` branch.
fn forked(base: &[(&str, &str)]) -> Project {
    let p = Project::with(base);
    let root = p.root.path();
    git(root, &["init", "-q", "-b", "main", "."]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "main"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    p
}

/// Commits everything on the branch checked out.
fn commit(p: &Project, message: &str) {
    git(p.root.path(), &["add", "-A"]);
    git(p.root.path(), &["commit", "-q", "-m", message]);
}

/// `main` gains `files` while `feature` is away (then `feature` again).
fn main_gains(p: &Project, files: &[(&str, &str)]) {
    let root = p.root.path();
    git(root, &["checkout", "-q", "main"]);
    for (name, sql) in files {
        p.write(name, sql);
    }
    commit(p, "main moves on");
    git(root, &["checkout", "-q", "feature"]);
}

#[test]
fn a_branch_adding_after_the_base_is_clean() {
    let p = forked(&[GAMES, SCORE]);
    main_gains(
        &p,
        &[(
            "0003_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        )],
    );
    p.write(
        "0004_paused.sql",
        "ALTER TABLE games ADD COLUMN paused_at TEXT;\n",
    );
    commit(&p, "paused");
    p.cmd("check", &[])
        .code(0)
        .out("checked 3 migrations in migrations: 0 errors, 0 warnings")
        .out_lacks("note:");
}

#[test]
fn editing_a_merged_migration_is_an_error() {
    let p = forked(&[GAMES, SCORE]);
    p.write(
        "0002_score.sql",
        "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n",
    );
    // uncommitted edits count: the check reads the files as they are
    p.cmd("check", &[])
        .code(1)
        .out("error[edited-after-merge]: migrations/0002_score.sql:1: changed since `main` merged it (at ")
        .out("`status` calls them modified")
        .out("help: restore it (`git checkout ")
        .out(" -- migrations/0002_score.sql`) and write the change as a new migration (`driftless new`)")
        .out("1 error, 1 warning");
    commit(&p, "edit");
    let doc = p.cmd("check", &["--format", "json"]).code(1).json();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["edited-after-merge"]);
    // against the branch itself nothing was merged before the edit
    p.cmd("check", &["--base", "feature"]).code(0);
}

#[test]
fn deleting_renumbering_and_renaming_merged_migrations() {
    let p = forked(&[
        GAMES,
        SCORE,
        (
            "0003_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        ),
    ]);
    let root = p.root.path();
    git(root, &["rm", "-q", "migrations/0003_hosts.sql"]);
    git(
        root,
        &[
            "mv",
            "migrations/0002_score.sql",
            "migrations/0009_score.sql",
        ],
    );
    git(
        root,
        &[
            "mv",
            "migrations/0001_games.sql",
            "migrations/0001_create_games.sql",
        ],
    );
    commit(&p, "reshuffle");
    p.cmd("check", &[])
        .code(1)
        .out("warning[renamed]: migrations/0001_create_games.sql: is `0001_games.sql` of `main` (at ")
        .out("but their history keeps the old name")
        .out("error[renumbered]: migrations/0009_score.sql: is `0002_score.sql` of `main` (at ")
        .out("databases that ran it as version 2 would run it again as version 9")
        .out("help: give it back its name, `0002_score.sql`")
        .out("error[deleted]: migrations/0003_hosts.sql: is in `main` (at ")
        .out("record version 3 that this build does not have")
        .out(" -- migrations/0003_hosts.sql`)")
        .out("2 errors, 1 warning");
}

#[test]
fn a_migration_below_the_bases_newest_is_non_linear() {
    let p = forked(&[GAMES]);
    // main merged 0005 after this branch forked; the branch wrote 0003 and 0004
    main_gains(
        &p,
        &[(
            "0005_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        )],
    );
    p.write("0003_score.sql", SCORE.1);
    p.write(
        "0004_paused.sql",
        "ALTER TABLE games ADD COLUMN paused_at TEXT;\n",
    );
    commit(&p, "two");
    let run = p.cmd("check", &[]);
    run.code(1)
        .out("error[non-linear]: migrations/0003_score.sql: is new on this branch but sorts before `0005_hosts.sql`, the newest migration of `main`")
        .out("error[non-linear]: migrations/0004_paused.sql:")
        .out("rename `0004_paused.sql` to `0007_paused.sql`, `0003_score.sql` to `0006_score.sql`, in this order (the numbers `driftless new` gives next)")
        .out("2 errors, 0 warnings");
    // renumbered as told: clean
    let root = p.root.path();
    git(
        root,
        &[
            "mv",
            "migrations/0003_score.sql",
            "migrations/0006_score.sql",
        ],
    );
    git(
        root,
        &[
            "mv",
            "migrations/0004_paused.sql",
            "migrations/0007_paused.sql",
        ],
    );
    commit(&p, "renumbered");
    p.cmd("check", &[]).code(0);
}

#[test]
fn two_branches_taking_one_version() {
    let p = forked(&[GAMES]);
    main_gains(
        &p,
        &[(
            "0002_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        )],
    );
    p.write("0002_score.sql", SCORE.1);
    commit(&p, "score");
    p.cmd("check", &[])
        .code(1)
        .out("error[duplicate-version]: migrations/0002_score.sql: has version 2, and so has `0002_hosts.sql`, which `main` gained after this branch forked")
        .out("rename `0002_score.sql` to `0003_score.sql`");
    // and once merged, the directory itself has two files of version 2
    git(p.root.path(), &["merge", "-q", "--no-edit", "main"]);
    p.cmd("check", &[])
        .code(1)
        .out("error[duplicate-version]: migrations/0002_hosts.sql:");
}

#[test]
fn every_layout_is_renumbered_in_its_own_form() {
    // diesel: folders by timestamp
    let p = forked(&[
        ("2024-01-01-000000_games/up.sql", GAMES.1),
        ("2024-01-01-000000_games/down.sql", "DROP TABLE games;\n"),
    ]);
    main_gains(
        &p,
        &[
            (
                "2024-06-01-000000_hosts/up.sql",
                "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
            ),
            ("2024-06-01-000000_hosts/down.sql", "DROP TABLE hosts;\n"),
        ],
    );
    p.write("2024-03-01-000000_score/up.sql", SCORE.1);
    p.write(
        "2024-03-01-000000_score/down.sql",
        "ALTER TABLE games DROP COLUMN score;\n",
    );
    commit(&p, "score");
    let run = p.cmd("check", &[]);
    run.code(1)
        .out("error[non-linear]: migrations/2024-03-01-000000_score/up.sql:")
        .out("sorts before `2024-06-01-000000_hosts`");
    let help = run.line("  help: renumber");
    let renamed = help
        .split("rename `2024-03-01-000000_score` to `")
        .nth(1)
        .expect("a diesel folder renamed");
    // the clock's time, in diesel's form: 2026-12-03-114500_score
    assert_eq!(&renamed[4..5], "-", "{help}");
    assert!(
        renamed[..17]
            .replace('-', "")
            .bytes()
            .all(|b| b.is_ascii_digit()),
        "{help}"
    );
    assert!(renamed[17..].starts_with("_score`"), "{help}");

    // Flyway: dotted versions, compared part by part; and an undo script
    let p = forked(&[("V1__games.sql", GAMES.1), ("V1_10__score.sql", SCORE.1)]);
    p.write(
        "V1_9__hosts.sql",
        "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
    );
    p.write("U1_9__hosts.sql", "DROP TABLE hosts;\n");
    commit(&p, "hosts");
    p.cmd("check", &[])
        .code(1)
        .out("error[non-linear]: migrations/V1_9__hosts.sql: is new on this branch but sorts before `V1_10__score.sql`")
        .out("rename `U1_9__hosts.sql` to `U2__hosts.sql`, `V1_9__hosts.sql` to `V2__hosts.sql`, in this order");

    // sqlx's reversible pairs move together
    let p = forked(&[
        ("0001_games.up.sql", GAMES.1),
        ("0001_games.down.sql", "DROP TABLE games;\n"),
    ]);
    main_gains(
        &p,
        &[
            (
                "0002_hosts.up.sql",
                "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
            ),
            ("0002_hosts.down.sql", "DROP TABLE hosts;\n"),
        ],
    );
    p.write("0002_score.up.sql", SCORE.1);
    p.write(
        "0002_score.down.sql",
        "ALTER TABLE games DROP COLUMN score;\n",
    );
    commit(&p, "score");
    p.cmd("check", &[])
        .code(1)
        .out("error[duplicate-version]: migrations/0002_score.up.sql:")
        .out("rename `0002_score.down.sql` to `0003_score.down.sql`, `0002_score.up.sql` to `0003_score.up.sql`, in this order");

    // rusqlite_migration's folders move whole, keeping their ids' width
    let p = forked(&[("01-games/up.sql", GAMES.1)]);
    main_gains(
        &p,
        &[(
            "02-hosts/up.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        )],
    );
    p.write("02-score/up.sql", SCORE.1);
    p.write(
        "02-score/down.sql",
        "ALTER TABLE games DROP COLUMN score;\n",
    );
    commit(&p, "score");
    p.cmd("check", &[])
        .code(1)
        .out("error[duplicate-version]: migrations/02-score/up.sql:")
        .out("rename `02-score` to `03-score`");
}

/// A squash on the branch: the replaced migrations are no deletions, and a
/// baseline edited by hand (its header vouching for history it no longer
/// equals) is an error.
#[test]
fn a_squash_on_the_branch_and_a_baseline_edited_by_hand() {
    let p = forked(&[
        GAMES,
        SCORE,
        (
            "0003_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        ),
    ]);
    p.cmd("squash", &["--to", "3"]).code(0);
    commit(&p, "squash");
    p.cmd("check", &[])
        .code(0)
        .out_lacks("deleted")
        .out_lacks("edited-after-merge");
    let path = p.path(DIR).join("0003_squashed.sql");
    let text = fs::read_to_string(&path).expect("baseline");
    fs::write(
        &path,
        text.replace(
            "(id INTEGER PRIMARY KEY)",
            "(id INTEGER PRIMARY KEY, extra TEXT)",
        ),
    )
    .expect("edit");
    commit(&p, "edit the baseline");
    p.cmd("check", &[])
        .code(1)
        .out("error[baseline]: migrations/0003_squashed.sql: replays to another schema than the migrations of `main` it replaces: column `hosts.extra`")
        .out("`driftless squash --to 3`");
}

#[test]
fn a_base_git_cannot_find_and_a_checkout_without_one() {
    let p = forked(&[GAMES]);
    p.cmd("check", &["--base", "nope"])
        .code(2)
        .err("`--base nope` is not a commit git knows here");
    let q = Project::with(&[GAMES]);
    git(q.root.path(), &["init", "-q", "-b", "trunk", "."]);
    commit(&q, "x");
    q.cmd("check", &[])
        .code(0)
        .out("note: the branch was not compared with the branch it merges into (no upstream branch")
        .out("give `--base REF`");
}

/// The findings of a branch that breaks three rules, as one project.
fn three_rules_broken() -> Project {
    let p = forked(&[GAMES, SCORE]);
    main_gains(
        &p,
        &[(
            "0003_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
        )],
    );
    p.write(
        "0002_score.sql",
        "ALTER TABLE games ADD COLUMN score INTEGER DEFAULT 0;\n",
    );
    p.write(
        "0003_paused.sql",
        "-- pause\nALTER TABLE games ADD COLUMN paused_at TEXT NOT NULL;\n",
    );
    commit(&p, "three");
    p
}

/// Compares `actual` with the golden file, or writes it with `BLESS=1`.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/golden")
        .join(name);
    // the version changes with every release; the golden file says VERSION
    let actual = actual.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"VERSION\"",
    );
    if std::env::var_os("BLESS").is_some() {
        fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        fs::write(&path, &actual).expect("write golden file");
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} ({e}): run with BLESS=1 to write it", path.display()));
    assert_eq!(
        actual,
        expected,
        "{} differs (BLESS=1 rewrites it)",
        path.display()
    );
}

#[test]
fn github_annotations_at_file_and_line() {
    let p = three_rules_broken();
    let run = p.cmd("check", &["--format", "github"]);
    run.code(1);
    golden("check.github", &run.stdout);
}

#[test]
fn sarif_for_code_scanning() {
    let p = three_rules_broken();
    let run = p.cmd("check", &["--format", "sarif"]);
    run.code(1);
    let doc = run.json();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(3));
    golden("check.sarif", &run.stdout);
}
