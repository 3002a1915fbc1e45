//! Properties over arbitrary input: the scanner, the splitter, checksums and
//! discovery never panic on anything a user could write, and every
//! discovery error names a file or the directory.

use driftless_migrations::discover::{checksum, discover};
use driftless_migrations::scan::tokens;
use driftless_migrations::split::split;
use proptest::prelude::*;

/// SQL-ish text: the characters that steer the scanner, and any others.
fn sqlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("`".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("--".to_string()),
            Just("/*".to_string()),
            Just("*/".to_string()),
            Just(";".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("CREATE TRIGGER t BEGIN ".to_string()),
            Just("CASE ".to_string()),
            Just("END".to_string()),
            Just("é".to_string()),
            "[ -~]{0,8}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tokens_cover_every_non_blank_byte(sql in sqlish()) {
        let mut covered = vec![false; sql.len()];
        for t in tokens(&sql) {
            prop_assert_eq!(&sql[t.offset..t.end()], t.text);
            covered[t.offset..t.end()].iter_mut().for_each(|c| *c = true);
        }
        for (i, b) in sql.bytes().enumerate() {
            prop_assert!(covered[i] || b.is_ascii_whitespace(), "byte {} of {:?}", i, sql);
        }
    }

    #[test]
    fn statements_are_slices_of_the_script_in_order(sql in sqlish()) {
        let mut last = 0;
        for s in split(&sql) {
            prop_assert!(s.offset >= last);
            prop_assert_eq!(&sql[s.offset..s.offset + s.sql.len()], s.sql);
            prop_assert!(s.at.line >= 1 && s.at.column >= 1);
            last = s.offset + s.sql.len();
            let _ = s.shown();
        }
    }

    #[test]
    fn checksums_ignore_line_endings_and_a_bom(sql in sqlish()) {
        let unix = sql.replace("\r\n", "\n");
        prop_assert_eq!(checksum(&format!("\u{feff}{}", unix.replace('\n', "\r\n"))), checksum(&unix));
    }

    #[test]
    fn discovery_never_panics_and_names_what_it_refuses(
        files in proptest::collection::vec(("[0-9A-Za-z_.\\-]{1,24}", proptest::collection::vec(any::<u8>(), 0..64)), 0..6)
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, bytes) in &files {
            if name == "." || name == ".." {
                continue;
            }
            std::fs::write(dir.path().join(name), bytes).expect("write");
        }
        if let Err(e) = discover(dir.path()) {
            let text = e.to_string();
            let names_one = files.iter().any(|(n, _)| text.contains(n.as_str()))
                || text.contains(&dir.path().display().to_string());
            prop_assert!(names_one, "{}", text);
        }
    }
}
