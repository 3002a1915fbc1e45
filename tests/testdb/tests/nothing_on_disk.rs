//! A test that fails, or whose process is killed, leaves nothing on disk:
//! its database only ever lived in memory. Each runs this binary again for
//! one ignored test, in an empty directory with an empty TMPDIR.

use std::process::Command;

use driftless::rusqlite::Connection;

#[driftless::test(fixtures("accounts"))]
#[ignore = "fails on purpose: run by a_failing_test_leaves_nothing_on_disk"]
fn fails_on_purpose(conn: Connection) {
    conn.execute("INSERT INTO accounts (name) VALUES ('doomed')", [])
        .expect("insert");
    panic!("failing on purpose");
}

#[driftless::test(fixtures("accounts"))]
#[ignore = "aborts on purpose: run by a_killed_test_leaves_nothing_on_disk"]
fn aborts_on_purpose(conn: Connection) {
    conn.execute("INSERT INTO accounts (name) VALUES ('doomed')", [])
        .expect("insert");
    std::process::abort();
}

/// Runs the ignored test `name` of this binary; its output and what was left.
fn run_alone(name: &str) -> (std::process::Output, Vec<std::path::PathBuf>) {
    let cwd = tempfile::tempdir().expect("cwd");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--ignored", "--exact", name, "--test-threads", "1"])
        .current_dir(cwd.path())
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run the test");
    let left = [cwd.path(), tmp.path()]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("read"))
        .map(|e| e.expect("entry").path())
        .collect();
    (out, left)
}

#[test]
fn a_failing_test_leaves_nothing_on_disk() {
    let (out, left) = run_alone("fails_on_purpose");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("failing on purpose"), "{stdout}");
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_killed_test_leaves_nothing_on_disk() {
    let (out, left) = run_alone("aborts_on_purpose");
    assert!(!out.status.success());
    assert!(left.is_empty(), "left behind: {left:?}");
}
