//! trybuild cases: each `ui/<topic>/<case>.rs` is one mistake a user makes,
//! and its `.stderr` is the message we want them to read.

use std::path::Path;

use driftless_migrations::{Snapshot, discover, replay};

#[test]
fn ui() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    // The second migration set is what a build script would register with
    // `.db("records")`: replay it and hand the snapshot over the same way.
    let out = tempfile::tempdir().expect("temp dir");
    let records = replay(&discover(ui.join("record-migrations")).expect("fixtures"))
        .expect("record fixtures replay");
    let snapshot = out.path().join("records.json");
    records.write(&snapshot).expect("write snapshot");
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
    t.pass("ui/pass/*.rs");
}
