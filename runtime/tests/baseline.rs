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
        Err(Error::BelowBaseline { part_way }) => {
            assert_eq!(
                (part_way.current.as_str(), part_way.version.as_str()),
                ("1", "3")
            );
            assert_eq!(part_way.missing, ["0002_score.sql", "0003_seed.sql"]);
        }
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

/// A history with a gap (0002 never ran, 0003 did) is no history the
/// baseline vouches for: refused, not accepted in silence.
#[test]
fn a_gap_in_the_replaced_history_is_refused() {
    let f = squashed_after(3);
    let conn = f.open();
    conn.execute("DELETE FROM _driftless_migrations WHERE version = 2", [])
        .expect("a gap");
    let status = f.migrations().status(&conn).expect("status");
    let part_way = status.below_baseline.clone().expect("part-way");
    assert_eq!(part_way.missing, ["0002_score.sql"]);
    assert!(matches!(
        status.problem(),
        Some(Error::BelowBaseline { .. })
    ));
}

/// Squashed twice: databases from the original history, from the first
/// baseline and new ones all stand; stamping keeps what the baseline vouches for.
#[test]
fn squashed_twice_every_database_stands() {
    let f = squashed_after(4);
    // a database made from the first baseline
    let from_first = f.dir.path().join("first.db");
    let mut conn = driftless::rusqlite::Connection::open(&from_first).expect("open");
    f.migrations().upgrade(&mut conn).expect("upgrade");
    drop(conn);
    let set = driftless_migrations::discover(f.dir.path().join("migrations")).expect("discover");
    let text = driftless_migrations::squash::baseline(&set, "again").expect("baseline");
    f.remove("0003_squashed.sql");
    f.remove("0004_hosts.sql");
    f.write("0004_squashed.sql", &text);
    f.write(
        "0005_more.sql",
        "CREATE TABLE more (id INTEGER PRIMARY KEY);\n",
    );
    let m = f.migrations();
    for path in [f.db_path(), from_first] {
        let mut conn = driftless::rusqlite::Connection::open(&path).expect("open");
        let status = m.status(&conn).expect("status");
        assert!(status.problem().is_none(), "{}: {status:?}", path.display());
        m.upgrade(&mut conn).expect("upgrade");
        assert!(m.verify(&conn).expect("verify").is_empty());
        let rows = m.status(&conn).expect("status").applied.len();
        m.stamp(&mut conn, 5).expect("stamp");
        assert_eq!(
            m.status(&conn).expect("status").applied.len(),
            rows,
            "stamp kept the rows"
        );
        assert!(
            m.status(&conn).expect("status").is_up_to_date(),
            "{}",
            path.display()
        );
    }
}

/// Flyway's dotted versions: a database past the baseline is not "ahead"
/// of the migrations after it, and messages name versions as files do.
#[test]
fn flyway_dotted_versions_past_the_baseline() {
    let f = Fixture::new(&[
        ("V1.1__a.sql", "CREATE TABLE a (id INTEGER);\n"),
        ("V1.2__b.sql", "CREATE TABLE b (id INTEGER);\n"),
        ("V1.3__c.sql", "CREATE TABLE c (id INTEGER);\n"),
    ]);
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    let below = f.dir.path().join("below.db");
    let mut early = driftless::rusqlite::Connection::open(&below).expect("open");
    let v11 = f
        .migrations()
        .iter()
        .next()
        .map(|m| m.version)
        .expect("V1.1");
    f.migrations().upgrade_to(&mut early, v11).expect("upgrade");
    let set = driftless_migrations::discover(f.dir.path().join("migrations")).expect("discover");
    let text = driftless_migrations::squash::baseline(&set, "flyway").expect("baseline");
    for name in ["V1.1__a.sql", "V1.2__b.sql", "V1.3__c.sql"] {
        f.remove(name);
    }
    f.write("V1.3__squashed.sql", &text);
    f.write("V2__d.sql", "CREATE TABLE d (id INTEGER);\n");
    let m = f.migrations();
    m.upgrade(&mut conn)
        .expect("V2 runs after the squashed history");
    assert!(m.status(&conn).expect("status").is_up_to_date());
    match m.upgrade(&mut early) {
        Err(e @ Error::BelowBaseline { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("at version 1.1, part-way") && text.contains("up to version 1.3"),
                "{text}"
            );
        }
        other => panic!("expected BelowBaseline, got {other:?}"),
    }
}
