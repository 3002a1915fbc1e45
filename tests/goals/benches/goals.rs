//! The goals benchmark (issues 12, 17, 18 and 20): each performance goal measured against its
//! reference in one run, printed as one table (goal, reference, driftless,
//! ratio, met).
//!
//! `cargo bench -p driftless-goals --bench goals` generates the apps and
//! histories as scratch crates in `target/bench` (built `--offline` against
//! the workspace's `Cargo.lock`, in the default dev profile, as a user's
//! `cargo build` is), times their build scripts through `DRIFTLESS_TRACE`
//! and their incremental `cargo check`, and runs the migrator in this
//! process. The first run compiles sqlx and diesel into `target/bench`:
//! expect about ten minutes. `BENCH_GOAL=8` runs one goal (its group).
//! `BENCH_RUNS=n` changes how many runs each
//! median takes (default 5). Times are medians; where a reference is
//! measured back to back with what it is compared to, the ratio is the
//! median of those runs' ratios.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use driftless::Migrations;
use driftless::rusqlite::Connection;
use driftless_tests::{Scratch, toml_str, workspace};

/// The build script of the history apps: the replay, then its peak memory;
/// with `BENCH_RAW` set, first the same scripts on raw SQLite compiled as
/// this build script's is, one transaction each.
const HISTORY_BUILD_RS: &str = r#"use std::io::Write;

fn trace(line: String) {
    if let Some(path) = std::env::var_os("DRIFTLESS_TRACE")
        && let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path)
    {
        let _ = f.write_all(format!("{line}\n").as_bytes());
    }
}

fn main() {
    if std::env::var_os("BENCH_RAW").is_some() {
        let mut files: Vec<_> = std::fs::read_dir("migrations")
            .expect("migrations")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let scripts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read"))
            .collect();
        let conn = driftless::rusqlite::Connection::open_in_memory().expect("open");
        let started = std::time::Instant::now();
        for sql in &scripts {
            conn.execute_batch(&format!("BEGIN;\n{sql}COMMIT;")).expect("raw");
        }
        trace(format!("bench raw {} us", started.elapsed().as_micros()));
    }
    let replay = driftless::build::migrations("migrations");
    if std::env::var_os("BENCH_REHEARSE").is_some() {
        replay.rehearse().run();
    } else {
        replay.run();
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(peak) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        trace(format!("bench peak {}", peak.trim()));
    }
}
"#;

/// How the 100-table apps' tables look: the same four columns each.
const COLUMNS: &str =
    "id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER, active BOOLEAN NOT NULL";

/// One line of the table.
struct Row {
    goal: String,
    reference: String,
    driftless: String,
    ratio: Option<f64>,
    met: String,
}

fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
        .max(1)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median of the ratios `a[i] / b[i]` of runs measured back to back:
/// steadier than a ratio of medians when the machine's load drifts.
fn paired(a: &[Duration], b: &[Duration]) -> f64 {
    let mut ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

/// The `i`th migration (from 0) of a long history: 200 tables, then
/// columns added to them in turn.
fn migration(i: usize) -> String {
    if i < 200 {
        format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n")
    } else {
        format!("ALTER TABLE t{} ADD COLUMN c{i} INTEGER;\n", i % 200)
    }
}

fn migration_file(i: usize) -> String {
    format!("migrations/{:05}_m{i}.sql", i + 1)
}

/// The prefix cache of every bench app (removed to force a full replay).
fn cache_dir() -> PathBuf {
    workspace().join("target/bench/debug/build/driftless-cache")
}

fn manifest(name: &str, deps: &str, extra: &str) -> String {
    let runtime = toml_str(&workspace().join("runtime"));
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ndriftless = {{ path = {runtime} }}\n{deps}\n\
         [build-dependencies]\ndriftless = {{ path = {runtime} }}\n{extra}"
    )
}

/// A crate whose build script replays `n` migrations.
fn history_app(name: &str, n: usize, profile: &str) -> Scratch {
    let mut s = Scratch::locked("bench", name);
    let manifest = manifest(&s.name, "", profile);
    s.write("Cargo.toml", &manifest);
    s.write("build.rs", HISTORY_BUILD_RS);
    s.write("src/lib.rs", "//! A long migration history.\n");
    for i in 0..n {
        s.write(&migration_file(i), &migration(i));
    }
    s
}

fn build(s: &mut Scratch, command: &str) {
    let (ok, stderr) = s.cargo(command, &[]);
    assert!(ok, "cargo {command} of {}:\n{stderr}", s.name);
}

/// The last value traced as `<prefix>... in <n> us` or `<prefix><n> ...`.
fn last_traced(s: &Scratch, prefix: &str) -> Option<String> {
    s.trace_text()
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(prefix))
        .map(str::to_string)
}

/// The build script's replay time in its last run.
fn last_replay(s: &Scratch) -> Duration {
    last_timed(s, "replay ")
}

/// The time of the last line traced as `<prefix>... in <n> us`.
fn last_timed(s: &Scratch, prefix: &str) -> Duration {
    let line = last_traced(s, prefix).expect("a replay was traced");
    let micros = line
        .rsplit_once(" in ")
        .and_then(|(_, t)| t.strip_suffix(" us"))
        .and_then(|t| t.parse().ok())
        .expect("`in <n> us`");
    Duration::from_micros(micros)
}

/// The raw SQLite run the build script made before its replay.
fn traced_raw(s: &Scratch) -> Duration {
    let raw = last_traced(s, "bench raw ").expect("raw traced");
    Duration::from_micros(raw.trim_end_matches(" us").parse().expect("micros"))
}

/// Rebuilds with an empty cache: the build script replays everything.
/// It runs the scripts on raw SQLite first, compiled as it is itself.
fn full_replay(s: &mut Scratch) -> Duration {
    let _ = std::fs::remove_dir_all(cache_dir());
    // rewriting a file reruns the build script
    s.write(&migration_file(0), &migration(0));
    s.env.push(("BENCH_RAW".into(), PathBuf::from("1")));
    build(s, "build");
    s.env.clear();
    last_replay(s)
}

/// Rebuilds with an empty cache and `.rehearse()`: the full replay, and
/// the rehearsal on rows after it, in one run of the build script.
fn rehearsal(s: &mut Scratch) -> (Duration, Duration) {
    let _ = std::fs::remove_dir_all(cache_dir());
    s.write(&migration_file(0), &migration(0));
    s.env.push(("BENCH_REHEARSE".into(), PathBuf::from("1")));
    build(s, "build");
    s.env.clear();
    (last_replay(s), last_timed(s, "rehearse "))
}

/// Adds one migration after `n`, rebuilds, and removes it again: the
/// replay time of the build with it.
fn plus_one(s: &mut Scratch, n: usize, round: usize) -> Duration {
    let file = migration_file(n);
    s.write(
        &file,
        &format!("ALTER TABLE t{round} ADD COLUMN extra{round} INTEGER;\n"),
    );
    build(s, "build");
    let took = last_replay(s);
    s.remove(&file);
    build(s, "build");
    took
}

/// Raw SQLite (compiled as this benchmark is: optimized) running the
/// history's scripts in memory, one transaction each.
fn raw_replay(n: usize) -> Duration {
    let scripts: Vec<String> = (0..n).map(migration).collect();
    let conn = Connection::open_in_memory().expect("open");
    let started = Instant::now();
    for sql in &scripts {
        conn.execute_batch(&format!("BEGIN;\n{sql}COMMIT;"))
            .expect("raw");
    }
    started.elapsed()
}

fn history_goals(rows: &mut Vec<Row>) {
    eprintln!("bench: 1,000 migrations (goals 1, 2, 4 and 7)");
    let mut h = history_app("history", 1000, "");
    build(&mut h, "build");
    // the same history with the lines the slow-replay hint gives
    let mut p = history_app(
        "history-optimized",
        1000,
        &format!("\n{}\n", driftless_migrations::profile::OPTIMIZE_SQLITE),
    );
    build(&mut p, "build");
    // interleaved, so that the machine's load weighs on each alike
    let (mut raw, mut full, mut raw_dev) = (vec![], vec![], vec![]);
    let (mut raw_p, mut optimized) = (vec![], vec![]);
    for _ in 0..runs() {
        raw.push(raw_replay(1000));
        full.push(full_replay(&mut h));
        raw_dev.push(traced_raw(&h));
        raw_p.push(raw_replay(1000));
        optimized.push(full_replay(&mut p));
    }
    let (ratio2, ratio2b, ratio2c) = (
        paired(&full, &raw),
        paired(&full, &raw_dev),
        paired(&optimized, &raw_p),
    );
    let (mut plain, mut rehearsed) = (vec![], vec![]);
    for _ in 0..runs() {
        let (replay, rehearse) = rehearsal(&mut h);
        plain.push(replay);
        rehearsed.push(rehearse);
    }
    let ratio7 = paired(&rehearsed, &plain);
    let (plain, rehearsed) = (median(plain), median(rehearsed));
    let plus: Vec<Duration> = (0..runs()).map(|r| plus_one(&mut h, 1000, r)).collect();
    raw.extend(raw_p);
    let (raw, full, raw_dev, optimized, plus) = (
        median(raw),
        median(full),
        median(raw_dev),
        median(optimized),
        median(plus),
    );

    let (replays, loads) = (h.traced("replay "), h.traced("load snapshot"));
    build(&mut h, "build");
    let noop = (h.traced("replay ") - replays) + (h.traced("load snapshot") - loads);

    eprintln!("bench: 5,000 migrations (goal 5)");
    let mut big = history_app("history-5000", 5000, "");
    let _ = std::fs::remove_dir_all(cache_dir());
    build(&mut big, "build");
    let big_full = last_replay(&big);
    let peak = last_traced(&big, "bench peak ").unwrap_or_else(|| "n/a".into());
    let big_plus = plus_one(&mut big, 5000, 0);
    let peak_plus = last_traced(&big, "bench peak ").unwrap_or_else(|| "n/a".into());
    let peak_mib = |kb: &str| -> Option<f64> {
        let kb: f64 = kb.trim_end_matches(" kB").parse().ok()?;
        Some(kb / 1024.0)
    };

    let ratio1 = plus.as_secs_f64() / full.as_secs_f64();
    rows.push(Row {
        goal: "1. +1 migration on 1,000: replay".into(),
        reference: format!("full replay {}", ms(full)),
        driftless: ms(plus),
        ratio: Some(ratio1),
        met: verdict(ratio1 <= 0.1, "<= 0.1"),
    });
    rows.push(Row {
        goal: "2. full replay of 1,000, dev profile".into(),
        reference: format!("raw SQLite {}", ms(raw)),
        driftless: ms(full),
        ratio: Some(ratio2),
        met: verdict(ratio2 <= 1.2, "<= 1.2"),
    });
    rows.push(Row {
        goal: "   (same, against SQLite built as the build script's)".into(),
        reference: format!("raw SQLite at opt-level 0 {}", ms(raw_dev)),
        driftless: ms(full),
        ratio: Some(ratio2b),
        met: verdict(ratio2b <= 1.2, "<= 1.2"),
    });
    rows.push(Row {
        goal: "   (with the hint's lines: SQLite and the engine at opt-level 3)".into(),
        reference: format!("raw SQLite {}", ms(raw)),
        driftless: ms(optimized),
        ratio: Some(ratio2c),
        met: verdict(ratio2c <= 1.2, "<= 1.2"),
    });
    rows.push(Row {
        goal: "4. no-op build: replays and snapshot loads".into(),
        reference: "nothing changed".into(),
        driftless: format!("{noop}"),
        ratio: None,
        met: verdict(noop == 0, "0"),
    });
    rows.push(Row {
        goal: "7. rehearsal on rows of 1,000 (`.rehearse()`), dev profile".into(),
        reference: format!("the same build's replay {}", ms(plain)),
        driftless: ms(rehearsed),
        ratio: Some(ratio7),
        met: verdict(ratio7 <= 1.5, "<= 1.5"),
    });
    let mib = peak_mib(&peak).unwrap_or(f64::NAN);
    rows.push(Row {
        goal: "5. build script peak memory, 5,000".into(),
        reference: "100 MiB".into(),
        driftless: format!(
            "{mib:.1} MiB (+1: {:.1} MiB)",
            peak_mib(&peak_plus).unwrap_or(f64::NAN)
        ),
        ratio: Some(mib / 100.0),
        met: verdict(mib < 100.0, "< 1.0"),
    });
    rows.push(Row {
        goal: "   (5,000: +1 migration against full replay)".into(),
        reference: format!("full replay {}", ms(big_full)),
        driftless: ms(big_plus),
        ratio: Some(big_plus.as_secs_f64() / big_full.as_secs_f64()),
        met: "-".into(),
    });
}

/// The times of incremental `cargo check`s after `touch src/lib.rs`, for
/// each app, the apps taking turns.
fn incremental_checks(apps: &mut [&mut Scratch]) -> Vec<Vec<Duration>> {
    let mut libs = Vec::new();
    for s in apps.iter_mut() {
        build(s, "check");
        libs.push(std::fs::read_to_string(s.path().join("src/lib.rs")).expect("lib.rs"));
    }
    let mut times = vec![Vec::new(); apps.len()];
    for _ in 0..runs() {
        for ((s, lib), times) in apps.iter_mut().zip(&libs).zip(&mut times) {
            s.write("src/lib.rs", lib);
            let started = Instant::now();
            build(s, "check");
            times.push(started.elapsed());
        }
    }
    times
}

/// A 100-table app: `deps` besides driftless, its build script, and
/// `src/lib.rs` made of `head` and `table(i)` for each table.
fn app(
    name: &str,
    deps: &str,
    build_rs: &str,
    head: &str,
    table: impl Fn(usize) -> String,
) -> Scratch {
    let mut s = Scratch::locked("bench", name);
    let m = manifest(&s.name, deps, "");
    s.write("Cargo.toml", &m);
    s.write("build.rs", build_rs);
    let lib: String = std::iter::once(head.to_string())
        .chain((1..=100).map(table))
        .collect();
    s.write("src/lib.rs", &lib);
    s
}

fn hundred_tables(s: &mut Scratch) {
    for i in 1..=100 {
        s.write(
            &format!("migrations/{i:04}_t{i}.sql"),
            &format!("CREATE TABLE t{i} ({COLUMNS});\n"),
        );
    }
}

/// The same 100-table app three ways: driftless's checked derive, sqlx's
/// `FromRow` (which checks nothing at build time), and diesel's `table!`
/// with `Selectable` and `check_for_backend`.
fn check_goals(rows: &mut Vec<Row>) {
    eprintln!("bench: incremental cargo check of 100 tables (goal 3)");
    let model = |i: usize| {
        format!(
            "pub struct T{i} {{\n    pub id: i64,\n    pub name: String,\n    pub score: Option<i64>,\n    pub active: bool,\n}}\n\n"
        )
    };
    let mut d = app(
        "driftless-app",
        "",
        "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n",
        "use driftless::Model;\n\n",
        |i| format!("#[derive(Model)]\n#[model(table = \"t{i}\")]\n{}", model(i)),
    );
    hundred_tables(&mut d);
    let mut x = app(
        "sqlx-app",
        "sqlx = { version = \"0.8\", default-features = false, features = [\"sqlite\", \"macros\", \"migrate\", \"runtime-tokio\", \"json\"] }\n",
        "fn main() {}\n",
        "",
        |i| format!("#[derive(sqlx::FromRow)]\n{}", model(i)),
    );
    let mut z = app(
        "diesel-app",
        "diesel = { version = \"2.3\", default-features = false, features = [\"sqlite\"] }\n",
        "fn main() {}\n",
        "use diesel::prelude::*;\n\n",
        |i| {
            format!(
                "diesel::table! {{\n    t{i} (id) {{\n        id -> BigInt,\n        name -> Text,\n        score -> Nullable<BigInt>,\n        active -> Bool,\n    }}\n}}\n\n\
                 #[derive(Queryable, Selectable)]\n#[diesel(table_name = t{i})]\n#[diesel(check_for_backend(diesel::sqlite::Sqlite))]\n{}",
                model(i)
            )
        },
    );
    let times = incremental_checks(&mut [&mut d, &mut x, &mut z]);
    let (ratio_sqlx, ratio_diesel) = (paired(&times[0], &times[1]), paired(&times[0], &times[2]));
    let mut medians = times.into_iter().map(median);
    let (driftless, sqlx, diesel) = (
        medians.next().unwrap_or_default(),
        medians.next().unwrap_or_default(),
        medians.next().unwrap_or_default(),
    );

    eprintln!("bench: no-op cargo check (goal 4)");
    let (replays, loads) = (d.traced("replay "), d.traced("load snapshot"));
    build(&mut d, "check");
    let noop = (d.traced("replay ") - replays) + (d.traced("load snapshot") - loads);

    let ratio = ratio_sqlx;
    rows.push(Row {
        goal: "3. incremental check, 100 tables".into(),
        reference: format!("sqlx FromRow {}", ms(sqlx)),
        driftless: ms(driftless),
        ratio: Some(ratio),
        met: verdict(ratio <= 1.0, "<= 1.0"),
    });
    let ratio = ratio_diesel;
    rows.push(Row {
        goal: "3. incremental check, 100 tables".into(),
        reference: format!("diesel {}", ms(diesel)),
        driftless: ms(driftless),
        ratio: Some(ratio),
        met: verdict(ratio <= 0.1, "<= 0.1"),
    });
    rows.push(Row {
        goal: "4. no-op check of 100 models: replays and loads".into(),
        reference: "nothing changed".into(),
        driftless: format!("{noop}"),
        ratio: None,
        met: verdict(noop == 0, "0"),
    });
}

/// `upgrade` applying 1,000 pending migrations to a file database, against
/// raw SQLite running the same scripts with one transaction each.
fn upgrade_goal(rows: &mut Vec<Row>) {
    eprintln!("bench: upgrade of 1,000 migrations (goal 6)");
    let dir = tempfile::tempdir().expect("temp dir");
    let migrations_dir = dir.path().join("migrations");
    std::fs::create_dir(&migrations_dir).expect("mkdir");
    let scripts: Vec<String> = (0..1000).map(migration).collect();
    for (i, sql) in scripts.iter().enumerate() {
        std::fs::write(migrations_dir.join(format!("{:04}_m{i}.sql", i + 1)), sql).expect("write");
    }
    let set = Migrations::from_dir(&migrations_dir).expect("migrations");
    let (mut upgrade, mut raw, mut status) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs() {
        let mut conn =
            Connection::open(dir.path().join(format!("driftless{run}.db"))).expect("open");
        let started = Instant::now();
        set.upgrade(&mut conn).expect("upgrade");
        upgrade.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(set.status(&conn).expect("status"));
        status.push(started.elapsed());

        let conn = Connection::open(dir.path().join(format!("raw{run}.db"))).expect("open");
        let started = Instant::now();
        for sql in &scripts {
            conn.execute_batch(&format!("BEGIN;\n{sql}COMMIT;"))
                .expect("raw");
        }
        raw.push(started.elapsed());
    }
    let ratio = paired(&upgrade, &raw);
    let (upgrade, raw, status) = (median(upgrade), median(raw), median(status));
    rows.push(Row {
        goal: "6. upgrade, 1,000 pending, file database".into(),
        reference: format!("raw SQLite {}", ms(raw)),
        driftless: ms(upgrade),
        ratio: Some(ratio),
        met: verdict(ratio <= 1.2, "<= 1.2"),
    });
    rows.push(Row {
        goal: "   (status over the 1,000 applied)".into(),
        reference: "-".into(),
        driftless: ms(status),
        ratio: None,
        met: "-".into(),
    });
}

/// Goal 9 (issue 20): a test's database. `#[driftless::test]` restores the
/// build's migrated database (`driftless::testing::connection`, SQLite's
/// deserialize), against `#[sqlx::test]`'s way, sqlx's migrator running the
/// whole history on a fresh database per test, measured in the same run;
/// the backup API, the other way to restore, is shown beside it.
fn test_setup_goal(rows: &mut Vec<Row>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    for n in [200, 1000] {
        eprintln!("bench: a test's database at {n} migrations (goal 9)");
        let dir = tempfile::tempdir().expect("temp dir");
        let migrations_dir = dir.path().join("migrations");
        std::fs::create_dir(&migrations_dir).expect("mkdir");
        for i in 0..n {
            std::fs::write(
                migrations_dir.join(format!("{:04}_m{i}.sql", i + 1)),
                migration(i),
            )
            .expect("write");
        }
        // the image: what the build script saves, a migrated database file
        let file = dir.path().join("image.db");
        let mut conn = Connection::open(&file).expect("open");
        Migrations::from_dir(&migrations_dir)
            .expect("migrations")
            .upgrade(&mut conn)
            .expect("upgrade");
        drop(conn);
        let image = std::fs::read(&file).expect("image");
        // the same schema from one migration: what a restore would cost
        // if it depended on the schema alone, not on the history
        let one_dir = dir.path().join("one");
        std::fs::create_dir(&one_dir).expect("mkdir");
        let schema: Vec<String> = Connection::open(&file)
            .and_then(|c| {
                c.prepare("SELECT sql FROM sqlite_schema WHERE name NOT LIKE '\\_%' ESCAPE '\\' AND sql IS NOT NULL")?
                    .query_map([], |r| r.get(0))?
                    .collect()
            })
            .expect("schema");
        std::fs::write(one_dir.join("0001_all.sql"), schema.join(";\n") + ";\n").expect("write");
        let one_file = dir.path().join("one.db");
        Migrations::from_dir(&one_dir)
            .expect("one migration")
            .upgrade(&mut Connection::open(&one_file).expect("open"))
            .expect("upgrade");
        let one_image = std::fs::read(&one_file).expect("image");
        let template = driftless::testing::connection(&image).expect("template");
        let migrator = runtime
            .block_on(sqlx::migrate::Migrator::new(migrations_dir.as_path()))
            .expect("sqlx migrator");
        // per test: restore (or migrate) and answer a first query
        let probe = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM t0", [], |r| r.get::<_, i64>(0))
                .expect("probe")
        };
        let per_test = 20;
        let (mut deserialize, mut backup, mut sqlx_way) = (Vec::new(), Vec::new(), Vec::new());
        let mut one = Vec::new();
        for _ in 0..runs() {
            let started = Instant::now();
            for _ in 0..per_test {
                let conn = driftless::testing::connection(&one_image).expect("restore");
                std::hint::black_box(probe(&conn));
            }
            one.push(started.elapsed() / per_test);

            let started = Instant::now();
            for _ in 0..per_test {
                let conn = driftless::testing::connection(&image).expect("restore");
                std::hint::black_box(probe(&conn));
            }
            deserialize.push(started.elapsed() / per_test);

            let started = Instant::now();
            for _ in 0..per_test {
                let mut conn = Connection::open_in_memory().expect("open");
                driftless::rusqlite::backup::Backup::new(&template, &mut conn)
                    .and_then(|b| b.step(-1))
                    .expect("backup");
                conn.pragma_update(None, "foreign_keys", true).expect("fk");
                std::hint::black_box(probe(&conn));
            }
            backup.push(started.elapsed() / per_test);

            let started = Instant::now();
            runtime.block_on(async {
                let pool = sqlx::SqlitePool::connect("sqlite::memory:")
                    .await
                    .expect("pool");
                migrator.run(&pool).await.expect("sqlx migrate");
                let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t0")
                    .fetch_one(&pool)
                    .await
                    .expect("probe");
                std::hint::black_box(n);
                pool.close().await;
            });
            sqlx_way.push(started.elapsed());
        }
        let ratio = paired(&deserialize, &sqlx_way);
        let goal = if n == 1000 {
            "9. a test's database, 1,000 migrations"
        } else {
            "9. a test's database, 200 migrations"
        };
        rows.push(Row {
            goal: goal.into(),
            reference: format!("sqlx migrator per test {}", ms(median(sqlx_way))),
            driftless: format!("{} ms", ms_fine(median(deserialize))),
            ratio: Some(ratio),
            met: if n == 1000 {
                verdict(ratio <= 0.05, "<= 0.05")
            } else {
                "-".into()
            },
        });
        rows.push(Row {
            goal: format!("   (the same schema from 1 migration instead of {n})"),
            reference: "-".into(),
            driftless: format!("{} ms", ms_fine(median(one))),
            ratio: None,
            met: "-".into(),
        });
        rows.push(Row {
            goal: format!("   (backup API instead of deserialize, {n})"),
            reference: "-".into(),
            driftless: format!("{} ms", ms_fine(median(backup))),
            ratio: None,
            met: "-".into(),
        });
    }
}

/// Milliseconds to the microsecond: a restore takes a fraction of one.
fn ms_fine(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// The pending migrations of every tenant in the fleet goal: a column, an
/// index, a table, rows and a view, after the table the tenants already have.
const TENANT_MIGRATIONS: [&str; 6] = [
    "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO games (name) VALUES ('quiz'), ('pub quiz');\n",
    "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n",
    "CREATE INDEX games_by_name ON games (name);\n",
    "CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), name TEXT NOT NULL);\n",
    "INSERT INTO players (game_id, name) SELECT id, 'host' FROM games;\n",
    "CREATE VIEW scores AS SELECT g.name, count(p.id) AS players FROM games g LEFT JOIN players p ON p.game_id = g.id GROUP BY g.id;\n",
];

/// `n` copies of `base` in a fresh directory `name` under `root`.
fn tenants(root: &std::path::Path, name: &str, base: &std::path::Path, n: usize) -> Vec<PathBuf> {
    let dir = root.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).expect("mkdir tenants");
    let databases = (0..n)
        .map(|i| {
            let path = dir.join(format!("t{i:05}.db"));
            std::fs::copy(base, &path).expect("copy a tenant");
            path
        })
        .collect();
    // the copies on disk before the clock starts: their writeback is not the upgrade's
    let _ = std::process::Command::new("sync").status();
    databases
}

/// The reference: the same scripts with raw SQLite, each in a transaction
/// with its history row, `jobs` databases at a time.
fn raw_fleet(databases: &[PathBuf], scripts: &[String], jobs: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(db) = databases.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let conn = Connection::open(db).expect("open");
                    for (i, sql) in scripts.iter().enumerate() {
                        conn.execute_batch(&format!(
                            "BEGIN IMMEDIATE;\n{sql}INSERT INTO _driftless_migrations \
                             (version, name, checksum, applied_at, duration_ms) VALUES ({}, 'm', x'00', 'now', 0);\nCOMMIT;",
                            i + 2
                        ))
                        .expect("raw");
                    }
                }
            });
        }
    });
}

/// The CLI's peak memory (KiB) upgrading `n` tenants, read by `/usr/bin/time`.
fn cli_peak(root: &std::path::Path, base: &std::path::Path, n: usize) -> Option<u64> {
    let cli = workspace().join("target/release/driftless");
    let dir = format!("peak{n}");
    tenants(root, &dir, base, n);
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak %M"])
        .arg(&cli)
        .args(["upgrade", "--dir", "migrations", "--db"])
        .arg(format!("{dir}/*.db"))
        .current_dir(root)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak ")?.trim().parse().ok())
}

fn fleet_goal(rows: &mut Vec<Row>) {
    const TENANTS: usize = 10_000;
    eprintln!("bench: upgrade of 10,000 tenant databases, 5 pending migrations each (goal 8)");
    let root = tempfile::tempdir().expect("temp dir");
    let migrations_dir = root.path().join("migrations");
    std::fs::create_dir(&migrations_dir).expect("mkdir");
    for (i, sql) in TENANT_MIGRATIONS.iter().enumerate() {
        std::fs::write(migrations_dir.join(format!("{:04}_m{i}.sql", i + 1)), sql).expect("write");
    }
    let set = Migrations::from_dir(&migrations_dir).expect("migrations");
    // every tenant starts at version 1
    let base = root.path().join("base.db");
    set.upgrade_to(&mut Connection::open(&base).expect("open"), 1)
        .expect("base");
    let scripts: Vec<String> = TENANT_MIGRATIONS[1..]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for run in 0..runs().min(3) {
        // which goes first alternates: neither always follows the other's writeback
        for ours_now in [run % 2 == 0, run % 2 == 1] {
            if ours_now {
                let databases = tenants(root.path(), "driftless", &base, TENANTS);
                let started = Instant::now();
                let tally = set.fleet().jobs(jobs).upgrade(databases, |_| {});
                ours.push(started.elapsed());
                assert_eq!(tally.done, TENANTS, "{tally:?}");
            } else {
                let databases = tenants(root.path(), "raw", &base, TENANTS);
                let started = Instant::now();
                raw_fleet(&databases, &scripts, jobs);
                raw.push(started.elapsed());
            }
        }
    }
    let ratio = paired(&ours, &raw);
    rows.push(Row {
        goal: format!("8. fleet: 10,000 tenants x 5 pending, {jobs} jobs"),
        reference: format!("raw SQLite loop {}", ms(median(raw))),
        driftless: ms(median(ours)),
        ratio: Some(ratio),
        met: verdict(ratio <= 1.2, "<= 1.2"),
    });
    let built = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--offline", "-p", "driftless-cli"])
        .current_dir(workspace())
        .status()
        .is_ok_and(|s| s.success());
    let peaks = built
        .then(|| {
            Some((
                cli_peak(root.path(), &base, 1_000)?,
                cli_peak(root.path(), &base, 10_000)?,
            ))
        })
        .flatten();
    rows.push(Row {
        goal: "   (`driftless upgrade --db GLOB` peak RSS, 1,000 / 10,000 tenants)".into(),
        reference: "-".into(),
        driftless: peaks.map_or("no /usr/bin/time".into(), |(a, b)| {
            format!(
                "{:.1} MiB / {:.1} MiB",
                a as f64 / 1024.0,
                b as f64 / 1024.0
            )
        }),
        ratio: peaks.map(|(a, b)| b as f64 / a as f64),
        met: "-".into(),
    });
}

fn verdict(met: bool, goal: &str) -> String {
    format!("{} ({goal})", if met { "met" } else { "NOT met" })
}

fn main() {
    let started = Instant::now();
    let mut rows = Vec::new();
    // `BENCH_GOAL=8` runs that goal alone
    let only = std::env::var("BENCH_GOAL").ok();
    let wanted = |goals: &[&str]| only.as_deref().is_none_or(|g| goals.contains(&g));
    if wanted(&["1", "2", "4", "5", "7"]) {
        history_goals(&mut rows);
    }
    if wanted(&["3", "4"]) {
        check_goals(&mut rows);
    }
    if wanted(&["6"]) {
        upgrade_goal(&mut rows);
    }
    if wanted(&["8"]) {
        fleet_goal(&mut rows);
    }
    if wanted(&["9"]) {
        test_setup_goal(&mut rows);
    }
    // in goal order, each indented line after the goal it belongs to
    let mut goal = 0;
    let mut keyed: Vec<(u32, Row)> = rows
        .into_iter()
        .map(|row| {
            if let Some(n) = row.goal.chars().next().and_then(|c| c.to_digit(10)) {
                goal = n;
            }
            (goal, row)
        })
        .collect();
    keyed.sort_by_key(|(goal, _)| *goal);
    let rows: Vec<Row> = keyed.into_iter().map(|(_, row)| row).collect();
    println!(
        "\nthe goals of issues 12, 17, 18 and 20, one run of `cargo bench -p driftless-goals --bench goals` ({:.0} s): times are medians of {} runs; a ratio against a reference measured back to back is the median of the runs' ratios\n",
        started.elapsed().as_secs_f64(),
        runs()
    );
    println!("| goal | reference | driftless | ratio | met |");
    println!("|---|---|---|---|---|");
    for row in &rows {
        // a ratio far below 0.01 keeps its first significant digits
        let ratio = row.ratio.map_or("-".to_string(), |r| {
            if r < 0.01 {
                format!("{r:.4}x")
            } else {
                format!("{r:.2}x")
            }
        });
        println!(
            "| {} | {} | {} | {} | {} |",
            row.goal, row.reference, row.driftless, ratio, row.met
        );
    }
}
