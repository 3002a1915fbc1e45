//! `driftless status, history`.

use crate::harness::*;

#[test]
fn status_and_history_of_a_missing_db_exit_2() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("status", &[]).code(2).err("does not exist");
    p.db_cmd("history", &[]).code(2).err("does not exist");
    p.db_cmd("diff", &[]).code(2).err("does not exist");
    p.db_cmd("downgrade", &["--to", "0"])
        .code(2)
        .err("does not exist");
    p.db_cmd("adopt", &[]).code(2).err("does not exist");
    assert!(!p.path(DB).exists(), "a read command created the database");
}

#[test]
fn status_and_history_after_a_partial_upgrade() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"])
        .code(0)
        .out("applied migrations/0001_create_a.sql")
        .out_lacks("0002_create_b")
        .out("app.db is at version 1 (1 applied)");
    let run = p.db_cmd("status", &[]);
    run.code(0).out_lacks("up to date");
    assert!(
        run.line("current")
            .ends_with("1 (migrations/0001_create_a.sql)"),
        "{}",
        run.stdout
    );
    assert!(run.line("latest").ends_with(" 2"), "{}", run.stdout);
    assert!(run.line("pending").ends_with(" 1"), "{}", run.stdout);
    run.out("2  migrations/0002_create_b.sql");

    let doc = p.db_cmd("status", &["--format", "json"]).code(0).json();
    assert_eq!(doc["current"], 1);
    assert_eq!(doc["latest"], 2);
    assert_eq!(doc["pending"][0]["version"], 2);
    assert_eq!(doc["pending"][0]["file"], "migrations/0002_create_b.sql");
    assert_eq!(doc["pending"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["problem"], Value::Null);

    let history = p.db_cmd("history", &[]);
    history.code(0).out("version").out("create_a");
    assert!(
        history.line("1 ").contains("create_a"),
        "{}",
        history.stdout
    );
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    let rows = rows.as_array().expect("history is an array");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["version"], 1);
    assert_eq!(rows[0]["name"], "create_a");
    assert_eq!(rows[0]["checksum"].as_str().map(str::len), Some(64));
}

#[test]
fn history_of_a_db_without_migrations() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch("CREATE TABLE other (x);")
        .expect("sql");
    p.db_cmd("history", &[])
        .code(0)
        .out("no migrations applied to app.db");
    p.db_cmd("status", &[])
        .code(0)
        .out("none applied")
        .out_lacks("up to date");
}

#[test]
fn status_up_to_date() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("status", &[]).code(0).out("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(0).json();
    assert_eq!(doc["current"], 2);
    assert_eq!(doc["pending"].as_array().map(Vec::len), Some(0));
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
}

#[test]
fn status_with_an_unknown_applied_version() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute(
            "INSERT INTO _driftless_migrations (version, name, checksum, applied_at, duration_ms, no_transaction) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![3, "ghost", vec![0u8; 32], "2026-01-01T00:00:00Z", 5, 0],
        )
        .expect("insert a history row by hand");
    p.db_cmd("status", &[])
        .code(1)
        .out("3 ghost")
        .out("stamp")
        .out_lacks("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["unknown"][0]["version"], 3);
    assert_eq!(doc["unknown"][0]["name"], "ghost");
    assert!(doc["problem"].as_str().is_some_and(|p| p.contains("stamp")));
    // history lists it, with a note (it is a listing: exit 0)
    let history = p.db_cmd("history", &[]);
    history.code(0);
    assert!(
        history.line("3 ").contains("ghost") && history.line("3 ").contains("not in migrations"),
        "{}",
        history.stdout
    );
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    assert_eq!(rows[2]["version"], 3);
    assert!(
        rows[2]["notes"]
            .as_str()
            .is_some_and(|n| n.contains("not in migrations"))
    );
    // and upgrade refuses
    p.db_cmd("upgrade", &[]).code(1).err("3 ghost").err("stamp");
}

#[test]
fn status_with_a_modified_migration() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.write(
        "0001_create_a.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT, extra TEXT);\n",
    );
    p.db_cmd("status", &[])
        .code(1)
        .out("changed after they ran")
        .out("1 migrations/0001_create_a.sql")
        .out_lacks("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["modified"][0]["version"], 1);
    assert_eq!(doc["modified"][0]["file"], "migrations/0001_create_a.sql");
    assert_ne!(
        doc["modified"][0]["checksum_applied"],
        doc["modified"][0]["checksum_now"]
    );
    let history = p.db_cmd("history", &[]);
    history.code(0);
    assert!(
        history.line("1 ").contains("file changed since"),
        "{}",
        history.stdout
    );
    p.db_cmd("upgrade", &[])
        .code(1)
        .err("0001_create_a.sql")
        .err("changed after they ran");
}

#[test]
fn status_with_an_out_of_order_migration() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0003_c.sql", "CREATE TABLE c (x);\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    // a branch merged late
    p.write("0002_b.sql", "CREATE TABLE b (x);\n");
    p.db_cmd("status", &[])
        .code(1)
        .out("2  migrations/0002_b.sql")
        .out("older than the newest applied one (3)");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["out_of_order"][0]["version"], 2);
    p.db_cmd("upgrade", &[])
        .code(1)
        .err("older than the newest applied one")
        .err("help: on the command line: `driftless upgrade --allow-out-of-order`");
    assert_eq!(versions(&p.conn()), [1, 3]);
}
