//! `embed_migrations!` embeds exactly the set the build script checked
//! (this crate's build.rs registers `fixtures/embedded`), as the same
//! migration type `Migrations::from_dir` reads.

use std::path::Path;

use driftless::Migrations;
use driftless::rusqlite::Connection;

static EMBEDDED: Migrations = driftless::embed_migrations!("fixtures/embedded");

#[test]
fn embedded_migrations_match_the_directory() {
    let from_dir =
        Migrations::from_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/embedded"))
            .expect("dir");
    assert_eq!(EMBEDDED.len(), 2);
    for (a, b) in EMBEDDED.iter().zip(from_dir.iter()) {
        assert_eq!(
            (a.version, &a.name, a.checksum, a.no_transaction),
            (b.version, &b.name, b.checksum, b.no_transaction)
        );
        // one migration type, the same text: the raw file, as written
        assert_eq!((&a.up.file, &a.up.raw), (&b.up.file, &b.up.raw));
        assert_eq!(a.layout, b.layout);
        assert!(a.up.file.starts_with("fixtures/embedded/"), "{}", a.up.file);
        assert_eq!(
            a.down.as_ref().map(|d| &d.raw),
            b.down.as_ref().map(|d| &d.raw)
        );
    }
    let mut conn = Connection::open_in_memory().expect("db");
    EMBEDDED.upgrade(&mut conn).expect("upgrade");
    assert!(EMBEDDED.status(&conn).expect("status").applied[1].no_transaction);
    EMBEDDED.downgrade_to(&mut conn, 0).expect("down");
}
