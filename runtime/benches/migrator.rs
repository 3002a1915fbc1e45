//! The migrator on a long history, against its reference in the same run:
//! `upgrade` applying 1,000 pending migrations to a file database, against
//! raw SQLite running the same scripts with one transaction each (issue
//! 12's goal: at most 1.2x), and `status` over the applied history.
//!
//! `cargo bench -p driftless --bench migrator` prints the medians and ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use driftless::Migrations;
use driftless::rusqlite::Connection;

const MIGRATIONS: usize = 1000;
const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let migrations_dir = dir.path().join("migrations");
    std::fs::create_dir(&migrations_dir).expect("mkdir");
    // 200 tables, then 800 columns added to them
    let mut scripts = Vec::new();
    for i in 0..MIGRATIONS {
        let sql = if i < 200 {
            format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n")
        } else {
            format!("ALTER TABLE t{} ADD COLUMN c{i} INTEGER;\n", i % 200)
        };
        std::fs::write(migrations_dir.join(format!("{:04}_m{i}.sql", i + 1)), &sql).expect("write");
        scripts.push(sql);
    }
    let set = Migrations::from_dir(&migrations_dir).expect("migrations");

    let mut upgrade_t = Vec::new();
    let mut raw_t = Vec::new();
    let mut status_t = Vec::new();
    for run in 0..RUNS {
        let db = dir.path().join(format!("driftless{run}.db"));
        let mut conn = Connection::open(&db).expect("open");
        let started = Instant::now();
        set.upgrade(&mut conn).expect("upgrade");
        upgrade_t.push(started.elapsed());

        let started = Instant::now();
        black_box(set.status(&conn).expect("status"));
        status_t.push(started.elapsed());

        let raw = Connection::open(dir.path().join(format!("raw{run}.db"))).expect("open");
        let started = Instant::now();
        for sql in &scripts {
            raw.execute_batch(&format!("BEGIN;\n{sql}COMMIT;"))
                .expect("raw script");
        }
        raw_t.push(started.elapsed());
    }
    let (upgrade, raw, status) = (median(upgrade_t), median(raw_t), median(status_t));
    println!("{MIGRATIONS} migrations to a file database, median of {RUNS} runs:");
    println!("  raw SQLite, a transaction each   {raw:>10.2?}");
    println!("  driftless upgrade                {upgrade:>10.2?}");
    let ratio = upgrade.as_secs_f64() / raw.as_secs_f64();
    println!(
        "  upgrade / raw                    {ratio:>9.2}x (goal: at most 1.2x: {})",
        if ratio <= 1.2 { "met" } else { "not met" }
    );
    println!("  status over {MIGRATIONS} applied          {status:>10.2?}");
}
