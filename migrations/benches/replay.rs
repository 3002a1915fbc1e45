//! What a build pays for driftless: replaying migrations (once per build, in
//! the build script), loading the snapshot (once per compiler process) and
//! checking each model (once per derive).
//!
//! `cargo bench -p driftless-migrations` prints the median of each over a
//! number of runs, for a crate of 100 tables built by 200 migrations.

use std::hint::black_box;
use std::time::{Duration, Instant};

use driftless_migrations::{FieldDef, ModelDef, Snapshot, check_model, discover, replay};

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
    println!(
        "{} migrations, {TABLES} tables, median of {RUNS} runs:",
        set.migrations.len()
    );
    println!("  discover (read + checksum)  {:>10.2?}", discover_t);
    println!("  replay (in-memory SQLite)   {:>10.2?}", replay_t);
    println!("  snapshot load (JSON)        {:>10.2?}", load_t);
    println!("  check {TABLES} models             {:>10.2?}", check_t);
    println!(
        "  replay / snapshot load      {:>10.1}x",
        replay_t.as_secs_f64() / load_t.as_secs_f64()
    );
}
