//! Runs the app against a real SQLite file, twice: driftless migrates it
//! once, and diesel's queries work on the schema the migrations made.

use std::process::Command;

fn run(db: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trivia-diesel"))
        .arg(db)
        .output()
        .expect("run trivia-diesel");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "trivia-diesel failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn migrates_and_queries_a_real_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("trivia.db");
    let first = run(&db);
    assert!(
        first.contains("5 migrations applied by driftless"),
        "{first}"
    );
    assert!(first.contains("game 1 \"Friday pub quiz\""), "{first}");
    assert!(first.contains(r#"won by ["Ada"]"#), "{first}");
    assert!(first.contains("2 players"), "{first}");
    let second = run(&db);
    assert!(second.contains("0 migrations applied"), "{second}");
    assert!(second.contains("game 2 \"Friday pub quiz\""), "{second}");
    assert!(second.contains("     Ada 3"), "{second}");
}
