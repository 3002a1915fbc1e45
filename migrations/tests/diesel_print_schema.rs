//! `schema --diesel` against the real `diesel print-schema`: each folder of
//! `tests/diesel/` holds migrations and `expected.rs`, the file diesel_cli
//! 2.3.14 printed for the database those migrations build (run with no
//! `diesel.toml`, and with the one `diesel setup` writes: the same). The
//! cases cover keyword and odd names, keys and rowids, every type word,
//! foreign-key rules, virtual tables and line widths.
//!
//! Each printed file must be byte for byte diesel's, and the check must
//! find nothing wrong with diesel's own file.

use std::path::Path;

use driftless_migrations::diesel::{check_schema_rs, infer, print_schema};
use driftless_migrations::{discover, replay::replay_database};

#[test]
fn prints_what_diesel_cli_prints_and_accepts_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diesel");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/diesel")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let expected = std::fs::read_to_string(case.join("expected.rs")).expect("expected.rs");
        let set = discover(case.join("migrations")).expect("migrations");
        let (conn, _) = replay_database(&set).expect("replay");
        let printed = print_schema(&infer(&conn).expect("infer")).expect("print");
        if printed != expected {
            failures.push(format!(
                "{name}: printed\n{printed}\ndiesel printed\n{expected}"
            ));
        }
        let found = check_schema_rs(&conn, &set, &expected).expect("check");
        if !found.is_empty() {
            failures.push(format!("{name}: diesel's own file is refused: {found:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
