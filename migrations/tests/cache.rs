//! The prefix cache never changes a result: replays with and without it
//! over random edits of a history (edit, insert in the middle, delete,
//! rename, reorder) give the same database, or the same error; and
//! replays sharing one cache at once do not corrupt it.

use std::path::Path;

use driftless_migrations::cache::{PrefixCache, TRACKED, replay_cached};
use driftless_migrations::replay::replay_database;
use driftless_migrations::{MigrationSet, discover};
use rusqlite::Connection;

/// A small deterministic generator (xorshift), so that a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).expect("fits")
    }
}

/// One migration of the generated history.
#[derive(Clone, Debug)]
struct Entry {
    version: u64,
    name: String,
    sql: String,
}

/// A script from a pool chosen so that most histories replay, some fail,
/// and some change connection state a checkpoint must carry or refuse.
fn script(rng: &mut Rng, serial: u64) -> String {
    let t = rng.below(4);
    let u = rng.below(4);
    let ensure = |t: usize| {
        format!(
            "CREATE TABLE IF NOT EXISTS t{t} (id INTEGER PRIMARY KEY, a TEXT, p INTEGER REFERENCES t{t}(id));\n"
        )
    };
    match rng.below(22) {
        0..=2 => ensure(t),
        3..=4 => format!(
            "{}ALTER TABLE t{t} ADD COLUMN c{serial} INTEGER NOT NULL DEFAULT {serial};",
            ensure(t)
        ),
        // a parent that may be missing: a failure when foreign keys are on
        5 => format!(
            "{}INSERT INTO t{t} (a, p) VALUES ('row {serial}', {});",
            ensure(t),
            ["NULL", "NULL", "NULL", "1"][rng.below(4)]
        ),
        6 => format!(
            "{}CREATE VIEW IF NOT EXISTS v{t} AS SELECT id, a FROM t{t};",
            ensure(t)
        ),
        7 => format!("DROP VIEW IF EXISTS v{t};\nDROP TABLE IF EXISTS t{t};"),
        8 => format!(
            "{}CREATE INDEX IF NOT EXISTS i{t}_{serial} ON t{t} (a);",
            ensure(t)
        ),
        9 if t != u => format!(
            "{}DROP VIEW IF EXISTS v{u};\nDROP TABLE IF EXISTS t{u};\nALTER TABLE t{t} RENAME TO t{u};",
            ensure(t)
        ),
        10 => ["PRAGMA foreign_keys = ON;", "PRAGMA foreign_keys = OFF;"][rng.below(2)].into(),
        11 => format!("PRAGMA user_version = {serial};"),
        12 => "PRAGMA legacy_alter_table = ON;".into(),
        // a TEMP table, which no checkpoint may be taken with, kept or dropped
        13 => format!(
            "-- driftless:no-transaction\nCREATE TEMP TABLE IF NOT EXISTS scratch{t} (x);\nINSERT INTO scratch{t} VALUES ({serial});{}",
            if rng.below(2) == 0 {
                format!("\nDROP TABLE temp.scratch{t};")
            } else {
                String::new()
            }
        ),
        // a pragma that stays with the connection, written three ways
        14 => [
            "PRAGMA case_sensitive_like = ON;",
            "EXPLAIN PRAGMA case_sensitive_like = ON;",
            "PRAGMA --.user_version\ncase_sensitive_like = ON;",
        ][rng.below(3)]
        .into(),
        // the connection's counters and versions, which a restore resets
        18 => format!(
            "{}CREATE TABLE IF NOT EXISTS counted (at INTEGER, total INTEGER, version INTEGER);\n\
             INSERT INTO counted SELECT last_insert_rowid(), total_changes(), schema_version FROM pragma_schema_version;",
            ensure(t)
        ),
        // statistics whose sampling a connection setting limits
        19 => format!(
            "PRAGMA analysis_limit = {};\nCREATE TABLE IF NOT EXISTS big (a);\nCREATE INDEX IF NOT EXISTS big_a ON big (a);\n\
             INSERT INTO big WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 300) SELECT v % 7 FROM n;",
            rng.below(3) * 10
        ),
        20 => "ANALYZE;".into(),
        15 => format!("SELECT * FROM t{t};"), // fails unless t{t} exists
        16 => format!("{}DELETE FROM t{t} WHERE a LIKE 'ROW%';", ensure(t)),
        _ => format!(
            "{}DELETE FROM t{t} WHERE id % 2 = {};",
            ensure(t),
            rng.below(2)
        ),
    }
}

fn write(dir: &Path, entries: &[Entry]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("mkdir");
    for e in entries {
        std::fs::write(dir.join(format!("{:05}_{}.sql", e.version, e.name)), &e.sql)
            .expect("write");
    }
}

/// Everything a replay leaves that a later migration or the snapshot could
/// see: the schema objects, every row, the file's user version and the
/// tracked pragmas.
fn dump(conn: &Connection) -> String {
    let mut out = String::new();
    let mut objects = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema \
             UNION ALL SELECT 'temp ' || type, name, tbl_name, sql FROM sqlite_temp_schema \
             ORDER BY 1, 2",
        )
        .expect("schema");
    let rows: Vec<(String, String, String, Option<String>)> = objects
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (kind, name, table, sql) in rows {
        out.push_str(&format!("{kind} {name} on {table}: {sql:?}\n"));
        if kind.ends_with("table") {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
                .expect("select");
            let width = stmt.column_count();
            let mut rows = stmt.query([]).expect("rows");
            while let Some(row) = rows.next().expect("row") {
                let values: Vec<String> = (0..width)
                    .map(|i| format!("{:?}", row.get_ref(i).expect("value")))
                    .collect();
                out.push_str(&format!("  {}\n", values.join(", ")));
            }
        }
    }
    let user_version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version");
    out.push_str(&format!("user_version {user_version}\n"));
    // case_sensitive_like cannot be read back, only seen at work
    let like: bool = conn
        .query_row("SELECT 'a' LIKE 'A'", [], |r| r.get(0))
        .expect("like");
    out.push_str(&format!("case-insensitive like {like}\n"));
    for pragma in TRACKED {
        let value: i64 = conn
            .pragma_query_value(None, pragma, |r| r.get(0))
            .expect("pragma");
        out.push_str(&format!("{pragma} {value}\n"));
    }
    out
}

/// The database and snapshot, or the error, as text.
fn outcome(
    result: driftless_migrations::Result<(Connection, driftless_migrations::Snapshot)>,
) -> String {
    match result {
        Ok((conn, snapshot)) => format!("{}\n{}", dump(&conn), snapshot.to_json()),
        Err(e) => format!("error: {e}"),
    }
}

fn set(dir: &Path) -> MigrationSet {
    discover(dir).expect("discover")
}

#[test]
fn the_cache_never_changes_a_result_over_random_edits() {
    let root = tempfile::tempdir().expect("dir");
    let dir = root.path().join("migrations");
    let cache = PrefixCache::new(root.path().join("cache")).every_nth(3);
    let mut rng = Rng(0x5eed_cafe_f00d);
    let mut serial = 0;
    let mut entries: Vec<Entry> = (0..12)
        .map(|i| {
            serial += 1;
            Entry {
                version: (i + 1) * 100,
                name: format!("m{serial}"),
                sql: script(&mut rng, serial),
            }
        })
        .collect();
    let (mut hits, mut failures) = (0, 0);
    for round in 0..150 {
        serial += 1;
        let at = rng.below(entries.len());
        match rng.below(5) {
            // edit
            0 => entries[at].sql = script(&mut rng, serial),
            // insert in the middle (or at the end)
            1 => {
                let before = if at == 0 { 0 } else { entries[at - 1].version };
                let version = if entries[at].version - before > 1 {
                    before + (entries[at].version - before) / 2
                } else {
                    entries.last().map_or(0, |e| e.version) + 100
                };
                entries.push(Entry {
                    version,
                    name: format!("m{serial}"),
                    sql: script(&mut rng, serial),
                });
            }
            // delete
            2 if entries.len() > 3 => {
                entries.remove(at);
            }
            // rename: the same place in the order, another name
            3 => entries[at].name = format!("renamed{serial}"),
            // reorder: move to a new version elsewhere
            _ => {
                let version = (rng.next() % 200_000) * 2 + 1;
                if entries.iter().all(|e| e.version != version) {
                    entries[at].version = version;
                }
            }
        }
        entries.sort_by_key(|e| e.version);
        write(&dir, &entries);
        let set = set(&dir);
        let plain = outcome(replay_database(&set));
        hits += usize::from(cache.held_prefix(&set).expect("held") > 0);
        let cached = outcome(replay_cached(&set, &cache));
        assert_eq!(cached, plain, "round {round}: {entries:#?}");
        // again, now that the whole history is cached
        let again = outcome(replay_cached(&set, &cache));
        assert_eq!(again, plain, "round {round}, from the cache: {entries:#?}");
        failures += usize::from(plain.starts_with("error"));
    }
    // the generator exercised both sides
    eprintln!("{hits} rounds restored from the cache, {failures} failed");
    assert!(hits > 50, "the cache was used in {hits} rounds");
    assert!(
        (3..140).contains(&failures),
        "{failures} of 150 rounds failed"
    );
}

#[test]
fn appending_a_migration_replays_only_it() {
    let root = tempfile::tempdir().expect("dir");
    let dir = root.path().join("migrations");
    let cache = PrefixCache::new(root.path().join("cache"));
    let mut entries: Vec<Entry> = (0..40)
        .map(|i| Entry {
            version: i + 1,
            name: format!("m{i}"),
            sql: format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY);"),
        })
        .collect();
    write(&dir, &entries);
    // how much of the history the cache holds, then a replay (which stores more)
    let replayed = |set: &MigrationSet| {
        let held = cache.held_prefix(set).expect("held");
        replay_cached(set, &cache).expect("replay");
        set.migrations.len() - held
    };
    assert_eq!(replayed(&set(&dir)), 40);
    entries.push(Entry {
        version: 41,
        name: "m40".into(),
        sql: "ALTER TABLE t0 ADD COLUMN x TEXT;".into(),
    });
    write(&dir, &entries);
    assert_eq!(replayed(&set(&dir)), 1);
    // editing the newest migration: from the checkpoint before it
    entries[40].sql = "ALTER TABLE t1 ADD COLUMN y TEXT;".into();
    write(&dir, &entries);
    assert_eq!(replayed(&set(&dir)), 1);
    // nothing changed: nothing replayed
    assert_eq!(replayed(&set(&dir)), 0);
    // undoing the edit (switching back to a branch): the superseded
    // checkpoint was kept
    entries[40].sql = "ALTER TABLE t0 ADD COLUMN x TEXT;".into();
    write(&dir, &entries);
    assert_eq!(replayed(&set(&dir)), 0);
}

#[test]
fn off_chain_checkpoints_are_bounded() {
    let root = tempfile::tempdir().expect("dir");
    let dir = root.path().join("migrations");
    let cache = PrefixCache::new(root.path().join("cache"));
    let mut entries = vec![Entry {
        version: 1,
        name: "base".into(),
        sql: "CREATE TABLE t (id INTEGER PRIMARY KEY);".into(),
    }];
    for edit in 0..40 {
        entries.truncate(1);
        entries.push(Entry {
            version: 2,
            name: "edited".into(),
            sql: format!("ALTER TABLE t ADD COLUMN c{edit} INTEGER;"),
        });
        write(&dir, &entries);
        replay_cached(&set(&dir), &cache).expect("replay");
    }
    let held = std::fs::read_dir(cache.dir()).expect("cache").count();
    // the two of this history, and the newest 16 others
    assert_eq!(held, 18);
}

#[test]
fn a_short_or_damaged_checkpoint_is_never_restored_into_a_result() {
    let root = tempfile::tempdir().expect("dir");
    let dir = root.path().join("migrations");
    let cache = PrefixCache::new(root.path().join("cache")).every_nth(1);
    let entries: Vec<Entry> = (0..6)
        .map(|i| Entry {
            version: i + 1,
            name: format!("m{i}"),
            sql: format!(
                "CREATE TABLE t{i} (id INTEGER PRIMARY KEY);\nINSERT INTO t{i} DEFAULT VALUES;"
            ),
        })
        .collect();
    write(&dir, &entries);
    let set = set(&dir);
    let plain = outcome(replay_database(&set));
    // what a crash can leave: files cut short, or overwritten with garbage
    for damage in [
        |path: &Path| std::fs::write(path, b"").expect("truncate"),
        |path: &Path| {
            let len = std::fs::metadata(path).expect("len").len();
            let garbage: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(path, garbage).expect("garbage");
        },
    ] {
        replay_cached(&set, &cache).expect("fill the cache");
        for entry in std::fs::read_dir(cache.dir()).expect("cache") {
            damage(&entry.expect("entry").path());
        }
        assert_eq!(outcome(replay_cached(&set, &cache)), plain);
    }
}

#[test]
fn replays_sharing_one_cache_at_once_agree() {
    let root = tempfile::tempdir().expect("dir");
    let dir = root.path().join("migrations");
    let mut rng = Rng(0xfeed_beef_1234);
    let entries: Vec<Entry> = (0..60)
        .map(|i| Entry {
            version: i + 1,
            name: format!("m{i}"),
            sql: if i < 10 {
                format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY);")
            } else {
                format!(
                    "ALTER TABLE t{} ADD COLUMN c{i} INTEGER;\nINSERT INTO t{} DEFAULT VALUES;",
                    rng.below(10),
                    rng.below(10)
                )
            },
        })
        .collect();
    write(&dir, &entries);
    let set = set(&dir);
    let plain = outcome(replay_database(&set));
    let cache = PrefixCache::new(root.path().join("cache")).every_nth(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..5)
                        .map(|_| outcome(replay_cached(&set, &cache)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            for result in worker.join().expect("thread") {
                assert_eq!(result, plain);
            }
        }
    });
    // no temporary file is left behind
    for entry in std::fs::read_dir(cache.dir()).expect("cache") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(name.ends_with(".sqlite"), "{name}");
    }
}

/// Each thing a backup does not carry, set by one migration and seen by
/// the next one appended later (so that the replay restores in between).
#[test]
fn what_a_backup_does_not_carry_never_reaches_a_later_migration() {
    let cases: [(&str, &str); 9] = [
        (
            "PRAGMA analysis_limit = 10;\nCREATE TABLE big (a);\nCREATE INDEX big_a ON big (a);\n\
             INSERT INTO big WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 2000) SELECT v % 97 FROM n;",
            "ANALYZE;",
        ),
        (
            "CREATE TABLE p (id INTEGER PRIMARY KEY);\nINSERT INTO p VALUES (41);",
            "CREATE TABLE c AS SELECT last_insert_rowid() AS at, total_changes() AS total, changes() AS n;",
        ),
        (
            "CREATE TABLE w (a TEXT);\nINSERT INTO w VALUES ('row');\nEXPLAIN PRAGMA case_sensitive_like = ON;",
            "DELETE FROM w WHERE a LIKE 'ROW';",
        ),
        (
            "CREATE TABLE w (a TEXT);\nINSERT INTO w VALUES ('row');\nPRAGMA /* user_version */ case_sensitive_like = ON;",
            "DELETE FROM w WHERE a LIKE 'ROW';",
        ),
        (
            "PRAGMA foreign_keys = ON;\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p INTEGER REFERENCES p (id));",
            "INSERT INTO c VALUES (7);",
        ),
        // (foreign_keys is a no-op inside a transaction)
        (
            "-- driftless:no-transaction\nPRAGMA foreign_keys = OFF;\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p INTEGER REFERENCES p (id));",
            "INSERT INTO c VALUES (7);",
        ),
        (
            "PRAGMA legacy_alter_table = ON;\nCREATE TABLE a (x);\nCREATE VIEW v AS SELECT x FROM a;",
            "ALTER TABLE a RENAME TO b;",
        ),
        (
            "CREATE TABLE a (x);\nCREATE TABLE b (x);\nDROP TABLE b;",
            "CREATE TABLE v AS SELECT schema_version FROM pragma_schema_version;",
        ),
        (
            "-- driftless:no-transaction\nCREATE TEMP TABLE scratch (x);\nINSERT INTO scratch VALUES (1);",
            "CREATE TABLE kept AS SELECT * FROM scratch;",
        ),
    ];
    for (first, then) in cases {
        let root = tempfile::tempdir().expect("dir");
        let dir = root.path().join("migrations");
        let cache = PrefixCache::new(root.path().join("cache"));
        let mut entries = vec![Entry {
            version: 1,
            name: "first".into(),
            sql: first.into(),
        }];
        write(&dir, &entries);
        replay_cached(&set(&dir), &cache).expect("first replay");
        entries.push(Entry {
            version: 2,
            name: "then".into(),
            sql: then.into(),
        });
        write(&dir, &entries);
        let set = set(&dir);
        let plain = outcome(replay_database(&set));
        assert_eq!(
            outcome(replay_cached(&set, &cache)),
            plain,
            "{first}\n-- then --\n{then}"
        );
    }
}
