//! The snapshot file: a schema together with the migrations that produced
//! it, written by the build script into `OUT_DIR` and read by the derive.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::discover::MigrationSet;
use crate::error::{Error, Result, display_path};
use crate::schema::Schema;

/// Which migrations a snapshot's schema came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The migrations directory, as shown to users.
    pub dir: String,
    /// The migrations replayed, in order.
    pub migrations: Vec<SourceMigration>,
    /// What built the schema when no SQL migrations did: code the build
    /// script ran (`driftless::build::built_by`), e.g. `migration::Migrator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_by: Option<String>,
}

/// One replayed migration, as recorded in a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMigration {
    /// Its version.
    pub version: u64,
    /// Its name.
    pub name: String,
    /// Its file (or diesel folder) name.
    pub file: String,
    /// SHA-256 of its up script, hex.
    pub checksum: String,
}

impl Source {
    /// Describes a migration set.
    pub fn of(set: &MigrationSet) -> Source {
        Source {
            dir: display_path(&set.dir),
            migrations: set
                .migrations
                .iter()
                .map(|m| SourceMigration {
                    version: m.version,
                    name: m.name.to_string(),
                    file: m.file_name(),
                    checksum: m.checksum_hex(),
                })
                .collect(),
            built_by: None,
        }
    }

    /// One line saying where a schema came from, for error messages:
    /// `schema from 4 migrations in migrations/ (latest: 0004_add_completed_at.sql)`.
    pub fn describe(&self) -> String {
        if let Some(code) = &self.built_by {
            return format!("schema built by `{code}` in build.rs");
        }
        let dir = self.dir.trim_end_matches('/');
        match self.migrations.last() {
            None => format!("schema from 0 migrations in {dir}/ (the directory has none)"),
            Some(last) => format!(
                "schema from {} migration{} in {dir}/ (latest: {})",
                self.migrations.len(),
                if self.migrations.len() == 1 { "" } else { "s" },
                last.file
            ),
        }
    }
}

/// A schema together with the migrations that produced it: the file the
/// build script writes into `OUT_DIR` and the derive reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The snapshot format, [`Snapshot::FORMAT`].
    pub format: u32,
    /// Where the schema came from.
    pub source: Source,
    /// The schema.
    pub schema: Schema,
}

impl Snapshot {
    /// The current snapshot format.
    pub const FORMAT: u32 = 1;

    /// The environment variable through which the build script tells the
    /// derive where the snapshot of migration set `db` is. Names map to
    /// variables one to one: letters and digits stay, any other character
    /// becomes `_` and its hex code.
    ///
    /// ```
    /// use driftless_migrations::Snapshot;
    /// assert_eq!(Snapshot::env_var(None), "DRIFTLESS_SNAPSHOT");
    /// assert_eq!(Snapshot::env_var(Some("audit-log")), "DRIFTLESS_SNAPSHOT_audit_2Dlog");
    /// assert_ne!(Snapshot::env_var(Some("audit-log")), Snapshot::env_var(Some("audit_log")));
    /// ```
    pub fn env_var(db: Option<&str>) -> String {
        let Some(db) = db else {
            return "DRIFTLESS_SNAPSHOT".to_string();
        };
        let mut var = "DRIFTLESS_SNAPSHOT_".to_string();
        for c in db.chars() {
            if c.is_ascii_alphanumeric() {
                var.push(c);
            } else {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    var.push_str(&format!("_{b:02X}"));
                }
            }
        }
        var
    }

    /// Where the build script saves the replayed database beside the
    /// snapshot at `snapshot`: the same name, ending `.db`. It holds the
    /// schema, the rows the migrations insert, and the history table as the
    /// migrator leaves it; sqlx's macros describe queries against it and
    /// `#[driftless::test]` starts tests from it.
    ///
    /// ```
    /// use driftless_migrations::Snapshot;
    /// let db = Snapshot::database_path("out/DRIFTLESS_SNAPSHOT.0123456789abcdef.json".as_ref());
    /// assert_eq!(db, std::path::Path::new("out/DRIFTLESS_SNAPSHOT.0123456789abcdef.db"));
    /// ```
    pub fn database_path(snapshot: &Path) -> std::path::PathBuf {
        snapshot.with_extension("db")
    }

    /// Serializes the snapshot as pretty JSON.
    pub fn to_json(&self) -> String {
        // A snapshot holds only strings, numbers and booleans: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the snapshot to `path`, leaving the file untouched when its
    /// content would not change (so nothing downstream sees a new mtime),
    /// and otherwise through a temporary file renamed into place, so a
    /// reader never sees half a snapshot.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = self.to_json();
        if std::fs::read_to_string(path).is_ok_and(|old| old == json) {
            return Ok(());
        }
        let error = |e: std::io::Error| Error::Snapshot {
            path: path.to_path_buf(),
            message: format!("cannot write: {e}"),
        };
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, json).map_err(error)?;
        std::fs::rename(&temp, path).map_err(error)
    }

    /// Reads a snapshot written by [`Snapshot::write`].
    ///
    /// # Errors
    /// When the file is missing, unreadable, or of another format.
    pub fn read(path: &Path) -> Result<Snapshot> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Snapshot {
            path: path.to_path_buf(),
            message: format!("cannot read: {e}"),
        })?;
        let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| Error::Snapshot {
            path: path.to_path_buf(),
            message: format!("not a driftless snapshot: {e}"),
        })?;
        if snapshot.format != Self::FORMAT {
            return Err(Error::Snapshot {
                path: path.to_path_buf(),
                message: format!(
                    "format {} is not the expected {}: it was written by another version of driftless",
                    snapshot.format,
                    Self::FORMAT
                ),
            });
        }
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tests::schema_of;

    #[test]
    fn snapshot_round_trips_and_rejects_other_formats() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("s.json");
        let snap = Snapshot {
            format: Snapshot::FORMAT,
            source: Source::default(),
            schema: schema_of("CREATE TABLE a (x INTEGER NOT NULL);"),
        };
        snap.write(&path).expect("write");
        assert_eq!(Snapshot::read(&path).expect("read"), snap);
        std::fs::write(
            &path,
            snap.to_json().replace("\"format\": 1", "\"format\": 99"),
        )
        .expect("write");
        let err = Snapshot::read(&path).expect_err("format");
        assert!(err.to_string().contains("format 99"), "{err}");
    }
}
