//! The database a test starts from: the newest schema stamped as migrated,
//! an earlier one (`at`) for testing a data migration, and a second
//! migration set (`db`).

use driftless::rusqlite::Connection;
use driftless_testdb::MIGRATIONS;

#[driftless::test]
fn starts_at_the_newest_schema_with_its_history(conn: Connection) {
    let status = MIGRATIONS.status(&conn).expect("status");
    assert!(status.is_up_to_date(), "{status:?}");
    assert_eq!(status.applied.len(), 4);
    // the row a migration inserts is there, as after a real upgrade
    let system: String = conn
        .query_row(
            "SELECT email FROM accounts WHERE name = 'system'",
            [],
            |r| r.get(0),
        )
        .expect("system account");
    assert_eq!(system, "system@example.com");
    let fk: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert!(fk, "foreign keys are on, as the migrator runs");
}

/// The data migration 0003 backfills `email` from rows that were there
/// before it: rows at 0002, then the migrator's upgrade, then the check.
#[driftless::test(
    at = "0002",
    fixtures(path = "tests/fixtures/at-0002", scripts("accounts"))
)]
fn the_email_backfill_keeps_and_fills_every_account(mut conn: Connection) {
    assert!(
        conn.prepare("SELECT email FROM accounts").is_err(),
        "0003 has not run"
    );
    let report = MIGRATIONS.upgrade(&mut conn).expect("upgrade");
    let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!(ran, [3, 4]);
    let accounts: Vec<(String, Option<String>)> = conn
        .prepare("SELECT name, email FROM accounts ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("accounts");
    assert_eq!(
        accounts,
        [
            ("Ada".to_string(), Some("ada@example.com".to_string())),
            (
                "Grace Hopper".to_string(),
                Some("grace hopper@example.com".to_string())
            ),
            ("system".to_string(), Some("system@example.com".to_string())),
        ]
    );
    let status: String = conn
        .query_row("SELECT status FROM orders", [], |r| r.get(0))
        .expect("order kept");
    assert_eq!(status, "open");
}

/// `at` also takes the file's name.
#[driftless::test(at = "0001_create_accounts.sql")]
fn at_a_file_name(conn: Connection) {
    let status = MIGRATIONS.status(&conn).expect("status");
    assert_eq!(status.applied.len(), 1);
    assert_eq!(status.pending.len(), 3);
    assert!(conn.prepare("SELECT id FROM orders").is_err());
}

#[driftless::test(db = "archive", fixtures("archived"))]
fn a_second_set(conn: Connection) -> Result<(), driftless::rusqlite::Error> {
    let n: i64 = conn.query_row("SELECT count(*) FROM archived_orders", [], |r| r.get(0))?;
    assert_eq!(n, 1);
    assert!(
        conn.prepare("SELECT id FROM accounts").is_err(),
        "another set's table"
    );
    Ok(())
}
