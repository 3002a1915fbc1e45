//! What the runtime's test binaries share: a migrations directory and a
//! database file in a temporary directory.

// each test binary uses its own part of it
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use driftless::Migrations;
use driftless::rusqlite::Connection;

/// A database file and a migrations directory in a temp dir.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("migrations")).expect("mkdir");
        let f = Fixture { dir };
        for (name, sql) in files {
            f.write(name, sql);
        }
        f
    }

    pub fn write(&self, name: &str, sql: &str) {
        let path = self.dir.path().join("migrations").join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, sql).expect("write migration");
    }

    pub fn remove(&self, name: &str) {
        fs::remove_file(self.dir.path().join("migrations").join(name)).expect("remove");
    }

    pub fn migrations(&self) -> Migrations {
        Migrations::from_dir(self.dir.path().join("migrations")).expect("migrations")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("app.db")
    }

    pub fn open(&self) -> Connection {
        Connection::open(self.db_path()).expect("open db")
    }
}

impl Fixture {
    /// The database file's bytes, with its WAL and journal if any.
    pub fn bytes(&self) -> Vec<Vec<u8>> {
        ["", "-wal", "-journal"]
            .iter()
            .map(|suffix| {
                let mut p = self.db_path().into_os_string();
                p.push(suffix);
                fs::read(Path::new(&p)).unwrap_or_default()
            })
            .collect()
    }
}
