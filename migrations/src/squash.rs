//! Squashing: one baseline migration in place of a long history.
//!
//! A baseline is the schema (and the rows) the migrations it replaces
//! produce, written as one script whose header lists each of them by
//! version and checksum:
//!
//! ```sql
//! -- driftless:baseline
//! -- replaces 1 4f2a…e1 0001_create_games.sql
//! -- replaces 2 9c0d…7b 0002_add_score.sql
//! CREATE TABLE games (…);
//! ```
//!
//! A new database runs it, then what follows. A database whose history
//! has those rows keeps them: the migrator accepts each listed version with
//! its listed checksum. A database part-way through them cannot be brought
//! to the baseline by this build and is refused.

use rusqlite::Connection;

use crate::discover::hex;
use crate::error::Result;
use crate::{Migration, MigrationSet};

/// The first line of every baseline.
pub const MARKER: &str = "-- driftless:baseline";

/// A header line naming a replaced migration: version, checksum, file.
const REPLACES: &str = "-- replaces ";

/// The same for a replaced baseline (a directory squashed twice).
const REPLACES_BASELINE: &str = "-- replaces-baseline ";

/// A migration a baseline replaces, as its header records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replaced {
    /// Its version.
    pub version: u64,
    /// SHA-256 of its up script, as the history records it.
    pub checksum: [u8; 32],
    /// Its file name (the folder's, for diesel and Prisma).
    pub file: String,
    /// Whether it was a baseline itself (a directory squashed twice): a
    /// database that recorded it never ran what it replaced.
    pub baseline: bool,
}

/// The migrations `m` replaces when it is a baseline, oldest first.
///
/// ```
/// use driftless_migrations::squash::replaced;
/// let sql = format!("-- driftless:baseline\n-- replaces 7 {} 0007_a.sql\nCREATE TABLE a (x);\n", "ab".repeat(32));
/// let r = replaced(&sql).unwrap();
/// assert_eq!((r[0].version, r[0].file.as_str()), (7, "0007_a.sql"));
/// assert!(replaced("CREATE TABLE a (x);").is_none());
/// ```
pub fn replaced(sql: &str) -> Option<Vec<Replaced>> {
    // after goose's or dbmate's section marker, when the layout has one
    let mut lines = sql.lines().skip_while(|l| {
        l.trim().is_empty() || l.starts_with("-- +goose") || l.starts_with("-- migrate:")
    });
    if lines.next()?.trim_end() != MARKER {
        return None;
    }
    let mut all = Vec::new();
    for line in lines {
        let (rest, baseline) = match (
            line.strip_prefix(REPLACES),
            line.strip_prefix(REPLACES_BASELINE),
        ) {
            (Some(rest), _) => (rest, false),
            (_, Some(rest)) => (rest, true),
            _ if line.starts_with("--") => continue,
            _ => break,
        };
        let mut parts = rest.splitn(3, ' ');
        let (Some(version), Some(sum), Some(file)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(version), Some(checksum)) = (version.parse(), unhex(sum)) else {
            continue;
        };
        all.push(Replaced {
            version,
            checksum,
            file: file.trim().to_string(),
            baseline,
        });
    }
    Some(all)
}

/// The baseline equal to replaying `set`: its header (every migration of
/// `set`, and what a baseline among them replaced), the schema's
/// statements as SQLite stores them, in the order they were made, and the
/// rows the migrations inserted. `note` goes in the header for people.
///
/// # Errors
/// A migration that does not replay; a virtual table whose module
/// driftless's SQLite lacks (its statement cannot be written back).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT);").unwrap();
/// std::fs::write(dir.path().join("0002_seed.sql"), "INSERT INTO t (kind) VALUES ('it''s');").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let text = driftless_migrations::squash::baseline(&set, "squashed").unwrap();
/// assert!(text.starts_with("-- driftless:baseline\n"));
/// assert!(text.contains("INSERT INTO \"t\" (\"id\", \"kind\") VALUES (1, 'it''s');"));
/// ```
pub fn baseline(set: &MigrationSet, note: &str) -> Result<String> {
    let (conn, snapshot) = crate::replay::replay_database(set)?;
    for t in &snapshot.schema.tables {
        if let Some(module) = crate::stand_in::module_of(&t.sql) {
            return Err(crate::Error::Unsquashable {
                table: t.name.clone(),
                module: module.to_string(),
            });
        }
    }
    let mut out = format!("{MARKER}\n");
    for line in note.lines() {
        out.push_str(&format!("-- {line}\n"));
    }
    for r in replaced_by(&set.migrations) {
        let prefix = if r.baseline {
            REPLACES_BASELINE
        } else {
            REPLACES
        };
        out.push_str(&format!(
            "{prefix}{} {} {}\n",
            r.version,
            hex(&r.checksum),
            r.file
        ));
    }
    out.push_str(
        "\n-- rows are inserted before indexes, views and triggers are made, as the\n\
         -- migrations left them; foreign keys are checked when the transaction ends\n\
         PRAGMA defer_foreign_keys = ON;\n\n",
    );
    // goose splits its files at semicolons unless told a statement spans them
    let goose = set
        .migrations
        .iter()
        .any(|m| m.layout == crate::Layout::Goose);
    out.push_str(&dump(&conn, goose)?);
    Ok(out)
}

/// What a baseline of `migrations` replaces, in history order: each of
/// them, and before a baseline among them, what it replaced in turn (its
/// last version then has two checksums, the original's and the baseline's,
/// each accepted).
pub fn replaced_by(migrations: &[Migration]) -> Vec<Replaced> {
    let mut all = Vec::new();
    for m in migrations.iter().filter(|m| !m.repeatable) {
        let earlier = replaced(&m.up.sql());
        let baseline = earlier.is_some();
        all.extend(earlier.unwrap_or_default());
        all.push(Replaced {
            version: m.version,
            checksum: m.checksum,
            file: m.file_name(),
            baseline,
        });
    }
    all
}

/// The entries a database must have recorded to stand past the baseline
/// that lists `listed`, given whether it recorded each (`recorded`): those
/// after the last replaced baseline it recorded, baselines left out. Empty
/// when it has them all.
pub fn missing(listed: &[Replaced], recorded: impl Fn(&Replaced) -> bool) -> Vec<&Replaced> {
    let start = listed
        .iter()
        .rposition(|r| r.baseline && recorded(r))
        .map_or(0, |i| i + 1);
    listed[start..]
        .iter()
        .filter(|r| !r.baseline && !recorded(r))
        .collect()
}

/// Tables (with their rows), then indexes, views and triggers, in the
/// order the migrations made them. Shadow tables of virtual tables and
/// SQLite's own are left to SQLite; `sqlite_sequence` keeps its counters.
fn dump(conn: &Connection, goose: bool) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT s.type, s.name, s.sql FROM sqlite_schema s \
         LEFT JOIN pragma_table_list l ON l.schema = 'main' AND l.name = s.name \
         WHERE s.sql IS NOT NULL AND substr(s.name, 1, 7) <> 'sqlite_' \
         AND coalesce(l.type, '') != 'shadow' ORDER BY s.rowid",
    )?;
    let objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = String::new();
    let mut rows = String::new();
    let mut rest = String::new();
    for (kind, name, sql) in &objects {
        if kind == "table" {
            tables.push_str(&format!("{sql};\n\n"));
            rows.push_str(&inserts(conn, name)?);
        } else if goose && kind == "trigger" {
            rest.push_str(&format!(
                "-- +goose StatementBegin\n{sql};\n-- +goose StatementEnd\n\n"
            ));
        } else {
            rest.push_str(&format!("{sql};\n\n"));
        }
    }
    let has_sequence: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'sqlite_sequence'",
        [],
        |r| r.get(0),
    )?;
    if has_sequence {
        let mut stmt = conn.prepare("SELECT quote(name), seq FROM sqlite_sequence")?;
        let counters: Vec<(String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // the rows above set counters of their own: the migrations' win
        rows.push_str("DELETE FROM sqlite_sequence;\n");
        for (name, seq) in counters {
            rows.push_str(&format!(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ({name}, {seq});\n"
            ));
        }
    }
    if !rows.is_empty() {
        rows.push('\n');
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != 0 {
        rest.push_str(&format!("PRAGMA user_version = {version};\n"));
    }
    Ok(format!("{tables}{rows}{rest}").trim_end().to_string() + "\n")
}

/// `INSERT` statements for the rows of `table`, written by SQLite's
/// `quote()` (text, blobs and reals exactly); generated columns left out.
fn inserts(conn: &Connection, table: &str) -> Result<String> {
    let ident = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let columns: Vec<String> = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if columns.is_empty() {
        return Ok(String::new());
    }
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| format!("quote({})", ident(c)))
        .collect();
    let select = format!(
        "SELECT {} FROM {}",
        quoted.join(" || ', ' || "),
        ident(table)
    );
    let names: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    let mut stmt = conn.prepare(&select)?;
    let mut out = String::new();
    for values in stmt.query_map([], |r| r.get::<_, String>(0))? {
        out.push_str(&format!(
            "INSERT INTO {} ({}) VALUES ({});\n",
            ident(table),
            names.join(", "),
            values?
        ));
    }
    Ok(out)
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in files {
            std::fs::write(dir.path().join(name), sql).expect("write");
        }
        let set = crate::discover(dir.path()).expect("discover");
        (dir, set)
    }

    #[test]
    fn the_baseline_replays_to_the_same_schema_and_rows() {
        let (_a, before) = set(&[
            (
                "0001_t.sql",
                "CREATE TABLE kinds (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, data BLOB, ratio REAL);\n\
                 CREATE TABLE t (id INTEGER PRIMARY KEY, kind INTEGER REFERENCES kinds (id), total INTEGER GENERATED ALWAYS AS (id * 2));\n",
            ),
            (
                "0002_seed.sql",
                "INSERT INTO kinds (name, data, ratio) VALUES ('a''b', x'00ff', 0.1), (NULL, NULL, 1e300);\n\
                 INSERT INTO t (id, kind) VALUES (1, 2);\n\
                 CREATE VIEW v AS SELECT name FROM kinds;\n\
                 CREATE VIEW w AS SELECT * FROM v;\n\
                 CREATE TRIGGER tr AFTER INSERT ON kinds BEGIN INSERT INTO t (kind) VALUES (new.id); END;\n\
                 CREATE INDEX t_kind ON t (kind);\n",
            ),
            (
                "0003_more.sql",
                "ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'x';\nPRAGMA user_version = 3;\n",
            ),
        ]);
        let text = baseline(&before, "squashed").expect("baseline");
        let (_b, after) = set(&[("0003_squashed.sql", &text)]);
        let (conn_a, snap_a) = crate::replay::replay_database(&before).expect("replay");
        let (conn_b, snap_b) = crate::replay::replay_database(&after).expect("replay");
        assert_eq!(snap_a.schema, snap_b.schema);
        let rows = |c: &Connection, sql: &str| -> Vec<String> {
            let mut s = c.prepare(sql).expect("prepare");
            s.query_map([], |r| r.get::<_, String>(0))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect()
        };
        for sql in [
            "SELECT quote(id) || quote(name) || quote(data) || quote(ratio) FROM kinds",
            "SELECT quote(id) || quote(kind) || quote(total) || quote(note) FROM t",
            "SELECT name || seq FROM sqlite_sequence",
            "SELECT quote(user_version) FROM pragma_user_version",
        ] {
            assert_eq!(rows(&conn_a, sql), rows(&conn_b, sql), "{sql}");
        }
        let listed = replaced(&text).expect("a baseline");
        let versions: Vec<u64> = listed.iter().map(|r| r.version).collect();
        assert_eq!(versions, [1, 2, 3]);
        assert_eq!(listed[1].checksum, before.migrations[1].checksum);
        // squashing a squashed set carries what the first baseline replaced
        let (_c, again) = set(&[
            ("0003_squashed.sql", &text),
            ("0004_x.sql", "CREATE TABLE x (id INTEGER);\n"),
        ]);
        let listed = replaced_by(&again.migrations);
        let versions: Vec<(u64, bool)> = listed.iter().map(|r| (r.version, r.baseline)).collect();
        // version 3 twice: as it first ran, and as the first baseline
        assert_eq!(
            versions,
            [(1, false), (2, false), (3, false), (3, true), (4, false)]
        );
        // a database from the first baseline lacks 1..3 and needs only 4
        let from_baseline = |r: &Replaced| r.baseline || r.version == 4;
        assert!(missing(&listed, from_baseline).is_empty());
        // one that ran 1, 3 and 4 but not 2 lacks 2
        let gap: Vec<u64> = missing(&listed, |r: &Replaced| !r.baseline && r.version != 2)
            .iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(gap, [2]);
    }

    #[test]
    fn a_goose_baseline_keeps_its_triggers_whole() {
        let (_a, set) = set(&[(
            "20240101000000_t.sql",
            "-- +goose Up\nCREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);\nCREATE TABLE sqliteusers (id INTEGER);\n\
             -- +goose StatementBegin\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 1; UPDATE t SET n = 2; END;\n-- +goose StatementEnd\n",
        )]);
        let text = baseline(&set, "squashed").expect("baseline");
        assert!(
            text.contains("-- +goose StatementBegin\nCREATE TRIGGER tr"),
            "{text}"
        );
        // `sqlite_` is a prefix, not a pattern: this table is the app's
        assert!(text.contains("CREATE TABLE sqliteusers"), "{text}");
        let (_b, again) = self::set(&[(
            "20240101000000_squashed.sql",
            &format!("-- +goose Up\n{text}"),
        )]);
        assert_eq!(
            crate::replay(&set).expect("replay").schema,
            crate::replay(&again).expect("replay").schema
        );
    }
}
