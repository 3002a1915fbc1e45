//! A squashed history (`driftless squash`): the migrator on a baseline,
//! against real SQLite files migrated before the squash.

use driftless::Error;
use driftless_migrations::MigrationSet;

mod common;
use common::Fixture;

const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
const SCORE: &str = "ALTER TABLE games ADD COLUMN score INTEGER;\n";
const SEED: &str = "INSERT INTO games (name, score) VALUES ('seed', 1);\n";
const HOSTS: &str = "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n";

/// The history, a database migrated through `to` with it, and the
/// directory squashed to version 3 afterwards.
fn squashed_after(to: u64) -> Fixture {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_score.sql", SCORE),
        ("0003_seed.sql", SEED),
        ("0004_hosts.sql", HOSTS),
    ]);
    if to > 0 {
        let mut conn = f.open();
        f.migrations().upgrade_to(&mut conn, to).expect("upgrade");
    }
    let set = driftless_migrations::discover(f.dir.path().join("migrations")).expect("discover");
    let replaced = MigrationSet {
        dir: set.dir.clone(),
        migrations: set.migrations[..3].to_vec(),
    };
    let text = driftless_migrations::squash::baseline(&replaced, "test").expect("baseline");
    for name in ["0001_games.sql", "0002_score.sql", "0003_seed.sql"] {
        f.remove(name);
    }
    f.write("0003_squashed.sql", &text);
    f
}

#[test]
fn a_new_database_runs_the_baseline_then_the_rest() {
    let f = squashed_after(0);
    let m = f.migrations();
    let mut conn = f.open();
    let report = m.upgrade(&mut conn).expect("upgrade");
    assert_eq!(report.ran.len(), 2);
    let seed: i64 = conn
        .query_row("SELECT score FROM games WHERE name = 'seed'", [], |r| {
            r.get(0)
        })
        .expect("the seed row");
    assert_eq!(seed, 1);
    assert!(m.status(&conn).expect("status").is_up_to_date());
    assert!(m.verify(&conn).expect("verify").is_empty());
}

#[test]
fn a_database_past_the_baseline_keeps_its_history() {
    for to in [3, 4] {
        let f = squashed_after(to);
        let m = f.migrations();
        let mut conn = f.open();
        let status = m.status(&conn).expect("status");
        assert!(
            status.unknown.is_empty() && status.modified.is_empty(),
            "{status:?}"
        );
        assert_eq!(status.pending.len(), usize::from(to == 3));
        m.upgrade(&mut conn).expect("upgrade");
        assert!(m.status(&conn).expect("status").is_up_to_date());
        assert!(m.verify(&conn).expect("verify").is_empty());
    }
}

#[test]
fn a_database_part_way_is_refused_and_left_as_it_was() {
    let f = squashed_after(1);
    let before = f.bytes();
    let m = f.migrations();
    let mut conn = f.open();
    match m.upgrade(&mut conn) {
        Err(Error::BelowBaseline {
            current, version, ..
        }) => assert_eq!((current, version), (1, 3)),
        other => panic!("expected BelowBaseline, got {other:?}"),
    }
    drop(conn);
    assert_eq!(f.bytes(), before);
}

#[test]
fn a_replaced_migration_that_ran_with_other_text_is_modified() {
    let f = squashed_after(3);
    let conn = f.open();
    conn.execute(
        "UPDATE _driftless_migrations SET checksum = zeroblob(32) WHERE version = 2",
        [],
    )
    .expect("tamper");
    let status = f.migrations().status(&conn).expect("status");
    assert_eq!(status.modified.len(), 1, "{status:?}");
    assert_eq!(status.modified[0].file, "0002_score.sql");
    assert!(matches!(status.problem(), Some(Error::Modified { .. })));
}
