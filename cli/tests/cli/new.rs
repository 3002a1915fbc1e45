//! `driftless new`.

use crate::harness::*;

#[test]
fn new_in_an_empty_dir_uses_a_timestamp() {
    let p = Project::new();
    let before = utc_stamp();
    let run = p.cmd("new", &["Add completed-at"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = &files[0];
    let stamp = name
        .strip_suffix("_add_completed_at.sql")
        .unwrap_or_else(|| panic!("{name} is not <timestamp>_add_completed_at.sql"));
    assert_timestamp(stamp, before, after);
    assert_eq!(run.stdout.trim(), format!("{DIR}/{name}"));
    // the new file is a valid (empty) migration
    p.cmd("check", &[])
        .code(0)
        .out("checked 1 migration in migrations: 0 errors, 0 warnings");
}

#[test]
fn new_creates_a_missing_dir() {
    let p = Project::new();
    let run = p.run(&["new", "--dir", "db/migrations", "init"]);
    run.code(0);
    let created = PathBuf::from(run.stdout.trim());
    assert!(created.starts_with("db/migrations"), "{}", run.stdout);
    assert!(p.path(run.stdout.trim()).is_file());
}

#[test]
fn new_follows_sequential_numbers_and_padding() {
    let p = Project::with(&[("0001_a.sql", "CREATE TABLE a (x);\n")]);
    p.cmd("new", &["add_b"])
        .code(0)
        .out("migrations/0002_add_b.sql");
    assert_eq!(p.files(), ["0001_a.sql", "0002_add_b.sql"]);
}

#[test]
fn new_reversible_creates_up_and_down() {
    let p = Project::new();
    let before = utc_stamp();
    let run = p.cmd("new", &["create_hosts", "--reversible"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 2, "{files:?}");
    let stamp = files[0]
        .strip_suffix("_create_hosts.down.sql")
        .expect("a .down.sql file");
    assert_timestamp(stamp, before, after);
    assert_eq!(files[1], format!("{stamp}_create_hosts.up.sql"));
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            format!("{DIR}/{stamp}_create_hosts.up.sql"),
            format!("{DIR}/{stamp}_create_hosts.down.sql")
        ]
    );
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn new_follows_reversible_files_without_the_flag() {
    let p = Project::with(&[
        ("0007_a.up.sql", "CREATE TABLE a (x);\n"),
        ("0007_a.down.sql", "DROP TABLE a;\n"),
    ]);
    let run = p.cmd("new", &["next"]);
    run.code(0);
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            "migrations/0008_next.up.sql",
            "migrations/0008_next.down.sql"
        ]
    );
    assert_eq!(
        p.files(),
        [
            "0007_a.down.sql",
            "0007_a.up.sql",
            "0008_next.down.sql",
            "0008_next.up.sql"
        ]
    );
}

#[test]
fn new_follows_the_diesel_layout() {
    let p = Project::with(&[
        (
            "2024-01-01-120000_x/up.sql",
            "CREATE TABLE x (id INTEGER);\n",
        ),
        ("2024-01-01-120000_x/down.sql", "DROP TABLE x;\n"),
    ]);
    let before = utc_stamp();
    let run = p.cmd("new", &["add_y"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 2, "{files:?}");
    let folder = &files[1];
    let stamp = folder
        .strip_suffix("_add_y")
        .unwrap_or_else(|| panic!("{folder} is not <YYYY-MM-DD-hhmmss>_add_y"));
    let dashes: Vec<usize> = stamp.match_indices('-').map(|(i, _)| i).collect();
    assert_eq!(dashes, [4, 7, 10], "{stamp} is not YYYY-MM-DD-hhmmss");
    assert_timestamp(&stamp.replace('-', ""), before, after);
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            format!("{DIR}/{folder}/up.sql"),
            format!("{DIR}/{folder}/down.sql")
        ]
    );
    assert!(p.path(DIR).join(folder).join("up.sql").is_file());
    assert!(p.path(DIR).join(folder).join("down.sql").is_file());
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn new_follows_the_refinery_layout() {
    let p = Project::with(&[("V1__x.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y"])
        .code(0)
        .out("migrations/V2__add_y.sql");
    assert_eq!(p.files(), ["V1__x.sql", "V2__add_y.sql"]);
}

#[test]
fn new_follows_the_prisma_layout() {
    let p = Project::with(&[
        ("migration_lock.toml", "provider = \"sqlite\"\n"),
        (
            "20240101000000_init/migration.sql",
            "CREATE TABLE x (id INTEGER);\n",
        ),
    ]);
    let run = p.cmd("new", &["add_y"]);
    run.code(0).out("/migration.sql");
    let folders: Vec<String> = p
        .files()
        .into_iter()
        .filter(|f| f.ends_with("_add_y"))
        .collect();
    assert_eq!(folders.len(), 1, "{:?}", p.files());
    assert!(
        p.path(DIR)
            .join(&folders[0])
            .join("migration.sql")
            .is_file()
    );
    let stamp = folders[0].split('_').next().expect("stamp");
    assert_eq!(stamp.len(), 14, "{stamp}");
    p.cmd("new", &["undo", "--reversible"])
        .code(2)
        .err("Prisma's layout");
}

#[test]
fn new_follows_the_goose_and_dbmate_layouts() {
    for (marker, down) in [
        ("-- +goose Up", "-- +goose Down"),
        ("-- migrate:up", "-- migrate:down"),
    ] {
        let p = Project::with(&[(
            "20240101000000_init.sql",
            &format!("{marker}\nCREATE TABLE x (id INTEGER);\n{down}\nDROP TABLE x;\n"),
        )]);
        p.cmd("new", &["add_y"]).code(0);
        let files = p.files();
        let new = files
            .iter()
            .find(|f| f.ends_with("_add_y.sql"))
            .unwrap_or_else(|| panic!("{files:?}"));
        let text = fs::read_to_string(p.path(DIR).join(new)).expect("read");
        assert!(text.starts_with(marker) && text.contains(down), "{text}");
        p.cmd("check", &[]).code(0);
    }
}

#[test]
fn new_reversible_in_a_refinery_dir_exits_2() {
    let p = Project::with(&[("V1__x.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y", "--reversible"])
        .code(2)
        .err("refinery")
        .err("no down migrations");
    assert_eq!(p.files(), ["V1__x.sql"], "nothing may be written");
}

#[test]
fn new_after_a_future_timestamp_comes_after_it() {
    let p = Project::with(&[("20990101000000_future.sql", "CREATE TABLE f (x);\n")]);
    p.cmd("new", &["next"])
        .code(0)
        .out("migrations/20990101000001_next.sql");
    p.cmd("new", &["then", "--reversible"])
        .code(0)
        .out("migrations/20990101000002_then.up.sql")
        .out("migrations/20990101000002_then.down.sql");
    assert_eq!(
        p.files(),
        [
            "20990101000000_future.sql",
            "20990101000001_next.sql",
            "20990101000002_then.down.sql",
            "20990101000002_then.up.sql"
        ]
    );
    p.cmd("check", &[]).code(0).out("checked 3 migrations");
}

#[test]
fn new_after_a_future_diesel_folder_comes_after_it() {
    let p = Project::with(&[
        ("2099-01-01-000000_future/up.sql", "CREATE TABLE f (x);\n"),
        ("2099-01-01-000000_future/down.sql", "DROP TABLE f;\n"),
    ]);
    p.cmd("new", &["next"])
        .code(0)
        .out("migrations/2099-01-01-000001_next/up.sql")
        .out("migrations/2099-01-01-000001_next/down.sql");
    assert_eq!(
        p.files(),
        ["2099-01-01-000000_future", "2099-01-01-000001_next"]
    );
}

#[test]
fn new_with_a_bad_name_exits_2() {
    let p = Project::new();
    // `--` so that clap takes `---` as the name rather than as a flag
    p.run(&["new", "--dir", DIR, "--", "---"])
        .code(2)
        .err("`---` is not a migration name");
    p.cmd("new", &["!!!"])
        .code(2)
        .err("is not a migration name");
    assert!(p.files().is_empty(), "{:?}", p.files());
}

#[test]
fn new_follows_the_flyway_layout() {
    // the next whole version after the highest first part; --reversible
    // writes Flyway's undo script beside it
    let p = Project::with(&[
        ("V1__x.sql", "CREATE TABLE x (id INTEGER);\n"),
        ("V1.1__y.sql", "CREATE TABLE y (id INTEGER);\n"),
        (
            "R__v.sql",
            "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id FROM x;\n",
        ),
    ]);
    p.cmd("new", &["add_z"])
        .code(0)
        .out("migrations/V2__add_z.sql");
    p.cmd("new", &["add_w", "--reversible"])
        .code(0)
        .out("migrations/V3__add_w.sql")
        .out("migrations/U3__add_w.sql");
    assert_eq!(
        p.files(),
        [
            "R__v.sql",
            "U3__add_w.sql",
            "V1.1__y.sql",
            "V1__x.sql",
            "V2__add_z.sql",
            "V3__add_w.sql"
        ]
    );
}

#[test]
fn new_follows_rusqlite_migration_files_and_folders() {
    // the files an `M::up(include_str!(..))` list names
    let p = Project::with(&[("0001-init.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y"])
        .code(0)
        .out("migrations/0002-add_y.sql");
    p.cmd("new", &["undo_y", "--reversible"])
        .code(2)
        .err("rusqlite_migration files")
        .err("from_directory");
    assert_eq!(p.files(), ["0001-init.sql", "0002-add_y.sql"]);
    p.cmd("check", &[]).code(0);
    // `from_directory`'s folders: ids stay consecutive, with the width they have
    let p = Project::with(&[("01-init/up.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y", "--reversible"]).code(0);
    assert_eq!(p.files(), ["01-init", "02-add_y"]);
    let folder = p.path(DIR).join("02-add_y");
    assert!(folder.join("up.sql").is_file() && folder.join("down.sql").is_file());
    p.cmd("check", &[]).code(0);
}

#[test]
fn new_in_a_cloudflare_workers_app_writes_as_wrangler_does() {
    let p = Project::new();
    fs::write(p.path("wrangler.toml"), "name = \"trivia\"\n").expect("wrangler.toml");
    p.cmd("new", &["create games"])
        .code(0)
        .out("migrations/0001_create_games.sql");
    p.cmd("new", &["add_winners"])
        .code(0)
        .out("migrations/0002_add_winners.sql");
    let text = fs::read_to_string(p.path(DIR).join("0002_add_winners.sql")).expect("read");
    let header = text.lines().next().expect("a first line");
    let stamp = header
        .strip_prefix("-- Migration number: 0002 \t ")
        .unwrap_or_else(|| panic!("wrangler's header: {header:?}"));
    assert_eq!(
        (stamp.len(), &stamp[10..11], &stamp[19..]),
        (24, "T", ".000Z")
    );
    p.cmd("check", &[]).code(0);
}
