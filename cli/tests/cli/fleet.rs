//! Many databases at once: `upgrade`, `upgrade --dry-run`, `status` and
//! `diff` with `--db 'tenants/*.db'` or `--dbs FILE`.

use std::collections::BTreeMap;

use crate::harness::*;

const THREE: [(&str, &str); 3] = [
    (
        "0001_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
    ),
    (
        "0002_score.sql",
        "ALTER TABLE games ADD COLUMN score INTEGER;\n",
    ),
    (
        "0003_by_name.sql",
        "CREATE INDEX games_by_name ON games (name);\n",
    ),
];

/// A project with `n` tenant databases `tenants/t001.db`..., each at version 1.
fn fleet(n: usize) -> Project {
    let p = Project::with(&THREE[..1]);
    fs::create_dir(p.path("tenants")).expect("mkdir tenants");
    for i in 1..=n {
        // an empty file is an empty SQLite database
        fs::write(p.path(&tenant(i)), b"").expect("create tenant");
    }
    p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--keep-going",
    ])
    .code(0)
    .out(&format!("{n} of {n} migrated"));
    for (name, sql) in &THREE[1..] {
        p.write(name, sql);
    }
    p
}

fn tenant(i: usize) -> String {
    format!("tenants/t{i:03}.db")
}

/// A database that records a migration this build lacks.
fn make_ahead(p: &Project, i: usize) {
    p.conn_at(&tenant(i))
        .execute_batch(
            "INSERT INTO _driftless_migrations (version, name, checksum, applied_at, duration_ms) \
             VALUES (9, 'from_the_future', x'00', '2026-11-30T10:00:00Z', 1)",
        )
        .expect("record an unknown migration");
}

/// Each database's entry in a JSON report, by path.
fn entries(json: &Value) -> BTreeMap<String, Value> {
    json["databases"]
        .as_array()
        .expect("a databases array")
        .iter()
        .map(|d| (d["path"].as_str().expect("path").to_string(), d.clone()))
        .collect()
}

#[test]
fn a_locked_a_corrupted_and_an_ahead_database_are_each_reported_and_the_rest_migrated() {
    let p = fleet(100);
    make_ahead(&p, 30);
    fs::write(
        p.path(&tenant(50)),
        b"this is not a database, it was overwritten",
    )
    .expect("corrupt");
    // another writer holds t070 for the whole run
    let mut writer = p.conn_at(&tenant(70));
    let lock = writer
        .transaction_with_behavior(driftless::rusqlite::TransactionBehavior::Immediate)
        .expect("hold the write lock");

    let args = [
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--busy-timeout",
        "0.3",
    ];
    let run = p.run(
        &[
            &["upgrade"],
            &args[..],
            &["--keep-going", "--format", "json"],
        ]
        .concat(),
    );
    run.code(1);
    let json = run.json();
    let by_path = entries(&json);
    assert_eq!(by_path.len(), 100, "every database is reported");
    let kind = |i: usize| {
        by_path[&tenant(i)]["error"]["kind"]
            .as_str()
            .map(String::from)
    };
    assert_eq!(kind(30).as_deref(), Some("ahead"));
    assert_eq!(kind(50).as_deref(), Some("unreadable"));
    assert_eq!(kind(70).as_deref(), Some("locked"));
    let message = by_path[&tenant(70)]["error"]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("locked by another connection"),
        "{message}"
    );
    let upgraded: Vec<&String> = by_path
        .iter()
        .filter(|(_, d)| d["outcome"] == "upgraded")
        .map(|(p, _)| p)
        .collect();
    assert_eq!(upgraded.len(), 97);
    assert!(
        by_path
            .values()
            .filter(|d| d["outcome"] == "upgraded")
            .all(|d| d["after"] == 3)
    );
    assert_eq!(json["summary"]["failed"], 3);
    let counted = &json["summary"]["versions"];
    assert!(
        counted
            .as_array()
            .expect("versions")
            .contains(&serde_json::json!({"version": 3, "databases": 97})),
        "{counted}"
    );
    // the failures changed nothing
    drop(lock);
    assert_eq!(versions(&p.conn_at(&tenant(70))), [1]);
    assert_eq!(versions(&p.conn_at(&tenant(30))), [1, 9]);
    assert_eq!(versions(&p.conn_at(&tenant(1))), [1, 2, 3]);

    // fixed: the lock is gone, the ahead database stamped back, the corrupted one replaced
    p.conn_at(&tenant(30))
        .execute_batch("DELETE FROM _driftless_migrations WHERE version = 9")
        .expect("forget the unknown migration");
    fs::write(p.path(&tenant(50)), b"").expect("replace the corrupted file");
    let rerun = p.run(&[&["upgrade"], &args[..], &["--format", "json"]].concat());
    rerun.code(0);
    let again = entries(&rerun.json());
    let upgraded: Vec<&str> = again
        .iter()
        .filter(|(_, d)| d["outcome"] == "upgraded")
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(upgraded, [tenant(30), tenant(50), tenant(70)]);
    assert_eq!(
        again
            .values()
            .filter(|d| d["outcome"] == "up-to-date")
            .count(),
        97
    );
    assert_eq!(versions(&p.conn_at(&tenant(50))), [1, 2, 3]);
}

#[test]
fn the_text_report_names_each_failure_and_counts_the_versions() {
    let p = fleet(5);
    fs::write(p.path(&tenant(2)), b"garbage garbage garbage").expect("corrupt");
    make_ahead(&p, 4);
    p.run(&["upgrade", "--dir", DIR, "--db", "tenants/*.db", "--keep-going", "--jobs", "2"])
        .code(1)
        .out("upgrading 5 databases with migrations (2 jobs)")
        .out("unreadable: tenants/t002.db\n    SQLite error: file is not a database")
        .out("ahead: tenants/t004.db (left at version 9)\n    the database records migrations this build does not have:")
        .out("error: 3 of 5 migrated, 2 failed")
        .out("  at version 9: 1 database\n  at version 3 (latest): 3 databases")
        .out("time per database: median ");
}

#[test]
fn the_first_failure_stops_new_work_and_the_rest_are_listed_as_not_started() {
    let p = fleet(20);
    fs::write(p.path(&tenant(5)), b"garbage garbage garbage").expect("corrupt");
    let run = p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--jobs",
        "1",
    ]);
    run.code(1)
        .out("error: 4 of 20 migrated, 1 failed, 15 not started")
        .out("15 databases not started after the first failure (run again to carry on):\n  tenants/t006.db\n")
        .out("  ... and 5 more");
    assert_eq!(versions(&p.conn_at(&tenant(4))), [1, 2, 3]);
    assert_eq!(versions(&p.conn_at(&tenant(6))), [1], "not started");
}

#[test]
fn a_failing_canary_stops_before_the_rest() {
    let p = fleet(12);
    fs::write(p.path(&tenant(3)), b"garbage garbage garbage").expect("corrupt");
    let run = p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--canary",
        "4",
        "--keep-going",
        "--format",
        "json",
    ]);
    run.code(1);
    let json = run.json();
    assert_eq!(json["summary"]["canary_failed"], true);
    assert_eq!(json["summary"]["skipped"], 8);
    let by_path = entries(&json);
    for i in [1, 2, 4] {
        assert_eq!(by_path[&tenant(i)]["outcome"], "upgraded", "canary {i}");
    }
    for i in 5..=12 {
        assert_eq!(by_path[&tenant(i)]["outcome"], "skipped", "tenant {i}");
        assert_eq!(versions(&p.conn_at(&tenant(i))), [1]);
    }
    // healthy canaries: everything is migrated
    fs::write(p.path(&tenant(3)), b"").expect("replace");
    p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--canary",
        "4",
    ])
    .code(0)
    .out("12 of 12 migrated");
}

#[test]
fn a_list_file_and_a_glob_name_each_database_once_and_a_missing_one_fails() {
    let p = fleet(3);
    fs::write(
        p.path("tenants.txt"),
        format!(
            "# the tenants\n{}\n\n{}\ntenants/gone.db\n",
            tenant(1),
            tenant(3)
        ),
    )
    .expect("write the list");
    let run = p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/t00[12].db",
        "--dbs",
        "tenants.txt",
        "--keep-going",
        "--format",
        "json",
    ]);
    run.code(1);
    let json = run.json();
    let by_path = entries(&json);
    assert_eq!(by_path.len(), 4, "{by_path:?}");
    assert_eq!(by_path["tenants/gone.db"]["error"]["kind"], "missing");
    assert!(
        !p.path("tenants/gone.db").exists(),
        "a missing database is not created"
    );
    for i in 1..=3 {
        assert_eq!(by_path[&tenant(i)]["outcome"], "upgraded");
    }
}

#[test]
fn fleet_usage_errors_exit_2() {
    let p = fleet(2);
    p.run(&["upgrade", "--dir", DIR, "--db", "nowhere/*.db"])
        .code(2)
        .err("no database matches --db 'nowhere/*.db'");
    p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--backup",
        "one.db",
    ])
    .code(2)
    .err("with many databases, --backup (no path) backs each up beside itself");
    p.run(&["upgrade", "--dir", DIR, "--db", &tenant(1), "--canary", "1"])
        .code(2)
        .err("--canary, --keep-going and --jobs are for many databases");
    p.run(&[
        "diff",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--write",
        "keep",
    ])
    .code(2)
    .err("--write saves one database's changes");
    p.run(&["upgrade", "--dir", DIR, "--dbs", "no-such-list.txt"])
        .code(2)
        .err("cannot read the list --dbs no-such-list.txt");
}

#[test]
fn backups_go_beside_each_database() {
    let p = fleet(2);
    p.run(&["upgrade", "--dir", DIR, "--db", "tenants/*.db", "--backup"])
        .code(0);
    let backups = fs::read_dir(p.path("tenants"))
        .expect("read tenants")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".bak"))
        })
        .count();
    assert_eq!(backups, 2);
    // a backup is a database too, but the glob `*.db` does not match it
    p.run(&["status", "--dir", DIR, "--db", "tenants/*.db"])
        .code(0)
        .out("2 databases against migrations (latest: 3)");
}

#[test]
fn status_counts_versions_and_lists_drift_unknown_and_modified_migrations() {
    let p = fleet(6);
    p.run(&["upgrade", "--dir", DIR, "--db", "tenants/t00[1-4].db"])
        .code(0);
    p.conn_at(&tenant(2))
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at TEXT")
        .expect("a hand patch");
    make_ahead(&p, 3);
    p.conn_at(&tenant(4))
        .execute_batch("UPDATE _driftless_migrations SET checksum = x'01' WHERE version = 2")
        .expect("a changed checksum");
    fs::write(p.path(&tenant(6)), b"garbage garbage garbage").expect("corrupt");
    let run = p.run(&["status", "--dir", DIR, "--db", "tenants/*.db"]);
    run.code(1)
        .out("6 databases against migrations (latest: 3)\n")
        .out("  at version 9: 1 database\n  at version 3 (latest): 3 databases\n  at version 1: 1 database\n")
        .out("1 database with pending migrations")
        .out("4 databases need attention:")
        .out("! tenants/t002.db\n    drift: ")
        .out("paused_at")
        .out("! tenants/t003.db\n    records migration 9 (from_the_future, applied 2026-11-30T10:00:00Z) that this build lacks")
        .out("! tenants/t004.db\n    migrations/0002_score.sql changed since it was applied")
        .out("! tenants/t006.db\n    unreadable: ")
        .out_lacks("t001")
        .out_lacks("t005");
    let json = p
        .run(&[
            "status",
            "--dir",
            DIR,
            "--db",
            "tenants/*.db",
            "--format",
            "json",
        ])
        .json();
    let by_path = entries(&json);
    assert_eq!(by_path[&tenant(5)]["pending"], 2);
    assert_eq!(by_path[&tenant(5)]["outcome"], "ok");
    assert_eq!(
        by_path[&tenant(2)]["drift"][0]["fix"],
        "ALTER TABLE games DROP COLUMN paused_at;"
    );
    assert_eq!(json["summary"]["needing_attention"], 4);

    // all fine: exit 0, pending migrations are no problem
    for i in [2, 3, 4, 6] {
        fs::remove_file(p.path(&tenant(i))).expect("remove");
    }
    p.run(&["status", "--dir", DIR, "--db", "tenants/*.db"])
        .code(0)
        .out("no database needs attention");
}

#[test]
fn diff_over_a_fleet_shows_the_fix_for_each_database_that_drifted() {
    let p = fleet(3);
    p.conn_at(&tenant(2))
        .execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        .expect("a hand-made table");
    p.run(&["diff", "--dir", DIR, "--db", "tenants/*.db"])
        .code(1)
        .out("1 of 3 databases differ from their applied migrations or could not be read:")
        .out("! tenants/t002.db\n")
        .out("DROP TABLE notes;")
        .out_lacks("t001");
    fs::remove_file(p.path(&tenant(2))).expect("remove");
    p.run(&["diff", "--dir", DIR, "--db", "tenants/*.db"])
        .code(0)
        .out("all 2 databases match their applied migrations");
}

#[test]
fn a_dry_run_over_a_fleet_names_the_databases_where_a_migration_would_fail() {
    let p = fleet(4);
    p.write(
        "0004_rank.sql",
        "ALTER TABLE games ADD COLUMN rank INTEGER NOT NULL;\n",
    );
    // only this tenant has rows: the NOT NULL column fails there
    p.conn_at(&tenant(3))
        .execute_batch("INSERT INTO games (name) VALUES ('quiz')")
        .expect("a row");
    let before: Vec<Vec<u8>> = (1..=4)
        .map(|i| fs::read(p.path(&tenant(i))).expect("read"))
        .collect();
    let run = p.run(&[
        "upgrade",
        "--dir",
        DIR,
        "--db",
        "tenants/*.db",
        "--dry-run",
        "--keep-going",
    ]);
    run.code(1)
        .out("dry run on a copy of each of 4 databases")
        .out("would fail: tenants/t003.db: migrations/0004_rank.sql would fail\n")
        .out("Cannot add a NOT NULL column with default value NULL")
        .out("error: 3 of 4 would migrate, 1 failed")
        .out("nothing was written");
    let after: Vec<Vec<u8>> = (1..=4)
        .map(|i| fs::read(p.path(&tenant(i))).expect("read"))
        .collect();
    assert_eq!(before, after, "the databases are only read");
    let json = p
        .run(&[
            "upgrade",
            "--dir",
            DIR,
            "--db",
            "tenants/*.db",
            "--dry-run",
            "--keep-going",
            "--format",
            "json",
        ])
        .json();
    let by_path = entries(&json);
    assert_eq!(by_path[&tenant(3)]["outcome"], "would-fail");
    assert_eq!(by_path[&tenant(1)]["outcome"], "would-apply");
    assert_eq!(by_path[&tenant(3)]["migrations"][2]["status"], "failed");
}
