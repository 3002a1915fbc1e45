//! trybuild cases: each `ui/<topic>/<case>.rs` is one mistake a user makes,
//! and its `.stderr` is the message we want them to read.

use std::path::Path;

use driftless_migrations::replay::{replay_database, save};
use driftless_migrations::{Snapshot, discover};

#[test]
fn ui() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    // The second migration set is what a build script would register with
    // `.db("records")`: replay it and hand the snapshot over the same way.
    let out = tempfile::tempdir().expect("temp dir");
    let (db, records) = replay_database(&discover(ui.join("record-migrations")).expect("fixtures"))
        .expect("record fixtures replay");
    let snapshot = out.path().join("records.json");
    records.write(&snapshot).expect("write snapshot");
    // and the database beside it, which `#[driftless::test]` starts from
    save(&db, &Snapshot::database_path(&snapshot)).expect("save the database");
    // `#[driftless::test]` reads fixtures from `tests/fixtures` of the crate
    // trybuild compiles: its project directory in the target directory
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| ui.join("../../target"), std::path::PathBuf::from);
    let fixtures = target.join("tests/trybuild/driftless-tests/tests/fixtures");
    std::fs::create_dir_all(&fixtures).expect("fixtures directory");
    for entry in std::fs::read_dir(ui.join("testdb/fixtures")).expect("ui fixtures") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), fixtures.join(entry.file_name())).expect("copy a fixture");
    }
    // SAFETY: set before trybuild starts its cargo, while this test's thread
    // is the only one reading the environment.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("DRIFTLESS_MIGRATIONS_DIR", ui.join("migrations"));
        std::env::set_var(Snapshot::env_var(Some("records")), &snapshot);
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/schema/*.rs");
    t.compile_fail("ui/attrs/*.rs");
    t.compile_fail("ui/check/*.rs");
    t.compile_fail("ui/embed/*.rs");
    t.compile_fail("ui/query/*.rs");
    t.compile_fail("ui/features/*.rs");
    t.compile_fail("ui/testdb/*.rs");
    t.pass("ui/pass/*.rs");
}
