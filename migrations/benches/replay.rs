//! What a build pays for driftless: replaying migrations (once per build, in
//! the build script), loading the snapshot (once per compiler process),
//! checking each model (once per derive), and checking each query (once per
//! `query!`: rebuilding the schema database once per compiler process, then
//! preparing, reading nullability and parameter uses per query).
//!
//! `cargo bench -p driftless-migrations` prints the median of each over a
//! number of runs, for a crate of 100 tables built by 200 migrations; then
//! the replay of a 1,000-migration history before and after `driftless
//! squash` folds it into one baseline.

use std::hint::black_box;
use std::time::{Duration, Instant};

use driftless_migrations::query::describe::describe;
use driftless_migrations::query::schema_database;
use driftless_migrations::{FieldDef, ModelDef, ReadBy, Snapshot, check_model, discover, replay};

const TABLES: usize = 100;
const RUNS: usize = 21;

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    for t in 0..TABLES {
        let create = format!(
            "CREATE TABLE t{t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);\nCREATE INDEX t{t}_name ON t{t} (name);\n"
        );
        std::fs::write(
            dir.path().join(format!("{:04}_create_t{t}.sql", 2 * t + 1)),
            create,
        )
        .expect("write");
        let alter = format!("ALTER TABLE t{t} ADD COLUMN tags JSON;\n");
        std::fs::write(
            dir.path().join(format!("{:04}_alter_t{t}.sql", 2 * t + 2)),
            alter,
        )
        .expect("write");
    }
    let set = discover(dir.path()).expect("discover");
    let snapshot = replay(&set).expect("replay");
    let json = snapshot.to_json();
    let models: Vec<ModelDef> = (0..TABLES)
        .map(|t| ModelDef {
            name: format!("T{t}"),
            table: format!("t{t}"),
            table_explicit: true,
            partial: false,
            fields: vec![
                FieldDef::new("id", "i64"),
                FieldDef::new("name", "String"),
                FieldDef::new("score", "Option<f64>"),
                FieldDef::new("created", "String"),
                FieldDef::new("tags", "Option<String>"),
            ],
            read_by: ReadBy::Driftless,
        })
        .collect();

    let discover_t = median(|| {
        black_box(discover(dir.path()).expect("discover"));
    });
    let replay_t = median(|| {
        black_box(replay(&set).expect("replay"));
    });
    let load_t = median(|| {
        black_box(serde_json::from_str::<Snapshot>(&json).expect("parse"));
    });
    let check_t = median(|| {
        for m in &models {
            black_box(check_model(m, &snapshot.schema));
        }
    });
    // 200 queries of the kinds apps write: by key, joins, aggregates, writes
    let queries: Vec<String> = (0..200)
        .map(|i| {
            let (t, u) = (i % TABLES, (i + 1) % TABLES);
            match i % 5 {
                0 => format!("SELECT id, name, score FROM t{t} WHERE id = ?1"),
                1 => format!("SELECT a.name, b.score FROM t{t} a LEFT JOIN t{u} b ON b.id = a.id WHERE a.name LIKE ?1"),
                2 => format!("SELECT name, count(*) AS n, max(score) AS best FROM t{t} GROUP BY name ORDER BY n DESC LIMIT ?1"),
                3 => format!("INSERT INTO t{t} (name, score) VALUES (?1, ?2) RETURNING id"),
                _ => format!("UPDATE t{t} SET score = :score WHERE id = :id AND tags IS NOT NULL"),
            }
        })
        .collect();
    let schema_db_t = median(|| {
        black_box(schema_database(&snapshot.schema).expect("schema database"));
    });
    let conn = schema_database(&snapshot.schema).expect("schema database");
    let queries_t = median(|| {
        for q in &queries {
            black_box(describe(&conn, &snapshot.schema, q).expect("a query that checks"));
        }
    });
    println!(
        "{} migrations, {TABLES} tables, median of {RUNS} runs:",
        set.migrations.len()
    );
    println!("  discover (read + checksum)  {:>10.2?}", discover_t);
    println!("  replay (in-memory SQLite)   {:>10.2?}", replay_t);
    println!("  snapshot load (JSON)        {:>10.2?}", load_t);
    println!("  check {TABLES} models             {:>10.2?}", check_t);
    println!("  schema database (per process) {:>8.2?}", schema_db_t);
    println!(
        "  check {} queries            {:>10.2?}",
        queries.len(),
        queries_t
    );
    let per_query = queries_t.as_secs_f64() * 1000.0 / queries.len() as f64;
    println!(
        "  per query                   {:>8.3} ms (goal: at most 1 ms: {})",
        per_query,
        if per_query <= 1.0 { "met" } else { "not met" }
    );
    println!(
        "  replay / snapshot load      {:>10.1}x",
        replay_t.as_secs_f64() / load_t.as_secs_f64()
    );
    squashed();
}

/// A 1,000-migration history (100 tables, each created and then altered
/// nine times) replayed as it is and as one baseline.
fn squashed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut version = 0;
    for t in 0..TABLES {
        version += 1;
        let create = format!("CREATE TABLE h{t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n");
        std::fs::write(
            dir.path().join(format!("{version:04}_create_h{t}.sql")),
            create,
        )
        .expect("write");
        for c in 0..9 {
            version += 1;
            let alter = match c {
                4 => format!("CREATE INDEX h{t}_c3 ON h{t} (c3);\n"),
                _ => format!("ALTER TABLE h{t} ADD COLUMN c{c} TEXT;\n"),
            };
            std::fs::write(
                dir.path().join(format!("{version:04}_alter_h{t}_{c}.sql")),
                alter,
            )
            .expect("write");
        }
    }
    let history = discover(dir.path()).expect("discover");
    let baseline = driftless_migrations::squash::baseline(&history, "bench").expect("baseline");
    let squashed_dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        squashed_dir
            .path()
            .join(format!("{version:04}_squashed.sql")),
        baseline,
    )
    .expect("write");
    let squashed = discover(squashed_dir.path()).expect("discover");
    assert_eq!(
        replay(&history).expect("replay").schema,
        replay(&squashed).expect("replay").schema,
        "the baseline replays to the same schema"
    );
    let before = median(|| {
        black_box(replay(&history).expect("replay"));
    });
    let after = median(|| {
        black_box(replay(&squashed).expect("replay"));
    });
    println!(
        "{} migrations squashed into 1, median of {RUNS} runs:",
        history.migrations.len()
    );
    println!("  replay of the history       {:>10.2?}", before);
    println!("  replay of the baseline      {:>10.2?}", after);
    println!(
        "  history / baseline          {:>10.1}x",
        before.as_secs_f64() / after.as_secs_f64()
    );
}
