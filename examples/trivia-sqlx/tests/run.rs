//! Runs the app against a real SQLite file, twice: sqlx migrates it once,
//! and every checked query works on the schema the migrations made.

use std::process::Command;

fn run(db: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trivia-sqlx"))
        .arg(db)
        .output()
        .expect("run trivia-sqlx");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "trivia-sqlx failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn migrates_and_queries_a_real_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("trivia.db");
    let first = run(&db);
    assert!(first.contains("game 1 \"Friday pub quiz\""), "{first}");
    assert!(first.contains("won by Ada"), "{first}");
    assert!(first.contains("2 players"), "{first}");
    let second = run(&db);
    assert!(second.contains("game 2 \"Friday pub quiz\""), "{second}");
    assert!(second.contains("     Ada 3"), "{second}");
}
