//! The migrator on an [`Executor`]: a replicated cluster, a remote
//! database. The same status, checks and history as on a file; each
//! migration and its history row go as one transaction.
//!
//! One migrator at a time, without a lock: the history row is written
//! first in each migration's transaction and its version is the table's
//! primary key, so when two migrators send the same migration, the
//! database (Raft orders every write) commits the first and fails the
//! second on that row before its script runs. The loser reads the history
//! again, finds the migration applied, and goes on. A migrator killed
//! mid-way leaves every migration either committed with its row or not sent.

use std::time::Instant;

use driftless_migrations::diff::{Difference, diff};
use driftless_migrations::split::split;
use driftless_migrations::{Migration, Schema};
use rusqlite::types::Value;

use crate::adopt::{Adopted, Tool};
use crate::error::{Error, Result};
use crate::executor::{Column, Executor, Failure, Kind, Statement};
use crate::history::{self, CREATE_HISTORY, HISTORY_TABLE, version_param};
use crate::migrate::{Event, Options, Ran, Report, check, millis, stopped};
use crate::set::Migrations;
use crate::status::Status;

/// Fails the transaction (on the NOT NULL `name`) unless the statement
/// before it changed a row: a downgrade's guard that the history row it
/// deletes was still there.
const CHANGED_OR_FAIL: &str = "INSERT INTO _driftless_migrations \
    (version, name, checksum, applied_at, duration_ms) SELECT -1, NULL, x'', '', 0 WHERE changes() = 0";

fn executor(doing: &'static str) -> impl FnOnce(Failure) -> Error {
    move |f| Error::Executor {
        doing,
        message: f.message,
    }
}

/// Whether the main database has this table.
fn has_table(db: &mut impl Executor, name: &str) -> Result<bool> {
    let rows = db
        .read(
            "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            &[Value::Text(name.to_string())],
            &[Column {
                name: "n",
                kind: Kind::Integer,
            }],
        )
        .map_err(executor("read the schema"))?;
    Ok(matches!(rows.first().and_then(|r| r.first()), Some(Value::Integer(n)) if *n > 0))
}

impl Migrations {
    /// [`status`](Self::status) of a database reached through an [`Executor`].
    ///
    /// # Errors
    /// The executor failed to read the history ([`Error::Executor`]), or a
    /// row of it is not driftless's ([`Error::BadHistory`]).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?; // any Executor
    /// assert_eq!(migrations.status_on(&mut db)?.pending.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status_on(&self, db: &mut impl Executor) -> Result<Status> {
        let mut applied = Vec::new();
        if has_table(db, HISTORY_TABLE)? {
            let rows = db
                .read(history::SELECT, &[], &history::COLUMNS)
                .map_err(executor("read the history"))?;
            for row in rows {
                applied.push(history::from_values(row)?);
            }
        }
        Ok(self.status_from(applied))
    }

    /// [`upgrade_each`](Self::upgrade_each) on a database reached through an
    /// [`Executor`]: each pending migration (up to `to`), oldest first, as
    /// one transaction with its history row. Any number of migrators may
    /// run at once, on any node: each migration is applied once (see the
    /// module's rule). Pending migrations older than the newest applied one
    /// are refused, as by default on a file; backups are the cluster's own.
    ///
    /// # Errors
    /// As [`upgrade`](Self::upgrade); a migration that fails is
    /// [`Error::Migration`] at its statement when the executor says which,
    /// else [`Error::Rejected`]; a pending no-transaction migration is
    /// [`Error::NeedsTransaction`] before anything runs.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0002_b.sql"), "CREATE TABLE b (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?;
    /// let report = migrations.upgrade_on(&mut db, None, |_| {})?;
    /// assert_eq!(report.ran.len(), 2);
    /// assert!(migrations.status_on(&mut db)?.is_up_to_date());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade_on(
        &self,
        db: &mut impl Executor,
        to: Option<u64>,
        mut each: impl FnMut(Event<'_>),
    ) -> Result<Report> {
        if let Some(v) = to
            && self.get(v).is_none()
        {
            return Err(Error::UnknownVersion { version: v });
        }
        let wanted = |v: u64| to.is_none_or(|t| self.cmp_versions(v, t).is_le());
        let options = Options::default();
        let status = self.status_on(db)?;
        check(&status, &options)?;
        let refused = status
            .pending
            .iter()
            .filter(|p| wanted(p.version))
            .filter_map(|p| self.get(p.version))
            .find(|m| m.no_transaction);
        if let Some(m) = refused {
            return Err(Error::NeedsTransaction {
                version: m.version,
                file: m.up.file.to_string(),
            });
        }
        let mut report = Report::default();
        let mut status = Some(status);
        let mut skipped = None;
        loop {
            let status = match status.take() {
                Some(s) => s,
                None => match self
                    .status_on(db)
                    .and_then(|s| check(&s, &options).map(|()| s))
                {
                    Ok(s) => s,
                    Err(e) => return Err(stopped(report, e)),
                },
            };
            let Some(m) = status
                .pending
                .iter()
                .find(|p| wanted(p.version))
                .and_then(|p| self.get(p.version))
            else {
                break;
            };
            // another migrator was first with it, yet it reads as pending:
            // never spin on a disagreement between two reads
            if skipped == Some(m.version) {
                break;
            }
            each(Event::Starting(m));
            let started = Instant::now();
            let (statements, prefix) = match up_statements(m) {
                Ok(up) => up,
                Err(e) => return Err(stopped(report, e)),
            };
            match db.write(&statements) {
                Ok(()) => {
                    let took = started.elapsed();
                    skipped = None;
                    let recorded = db.write(&[Statement::with(
                        "UPDATE _driftless_migrations SET duration_ms = ?2 WHERE version = ?1",
                        vec![
                            Value::Integer(version_param(m.version)),
                            Value::Integer(millis(took)),
                        ],
                    )]);
                    report.ran.push(Ran {
                        version: m.version,
                        file: m.up.file.to_string(),
                        took,
                    });
                    if let Some(ran) = report.ran.last() {
                        each(Event::Done(ran));
                    }
                    if let Err(f) = recorded {
                        return Err(stopped(report, executor("record how long it took")(f)));
                    }
                }
                Err(failure) => match self.status_on(db) {
                    // another migrator applied it first: its row failed ours
                    Ok(now) if crate::status::is_applied(&now.applied, m) => {
                        skipped = Some(m.version)
                    }
                    Ok(_) => return Err(stopped(report, failed(m, &m.up, prefix, failure))),
                    Err(e) => return Err(stopped(report, e)),
                },
            }
        }
        Ok(report)
    }

    /// [`downgrade_to`](Self::downgrade_to) on a database reached through an
    /// [`Executor`]: each down script with the deletion of its history row
    /// as one transaction, which fails when another migrator undid it first.
    ///
    /// # Errors
    /// As [`downgrade_to`](Self::downgrade_to) and [`upgrade_on`](Self::upgrade_on).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.up.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0001_a.down.sql"), "DROP TABLE a;")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade_on(&mut db, None, |_| {})?;
    /// migrations.downgrade_on(&mut db, 0)?;
    /// assert_eq!(migrations.status_on(&mut db)?.current, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn downgrade_on(&self, db: &mut impl Executor, version: u64) -> Result<Report> {
        if version != 0 && self.get(version).is_none() {
            return Err(Error::UnknownVersion { version });
        }
        let status = self.status_on(db)?;
        let to_undo = self.to_undo(&status, version)?;
        let mut report = Report::default();
        for m in to_undo {
            // checked by to_undo
            let Some(down) = &m.down else { continue };
            let started = Instant::now();
            let mut statements = vec![
                Statement::with(
                    "DELETE FROM _driftless_migrations WHERE version = ?1",
                    vec![Value::Integer(version_param(m.version))],
                ),
                Statement::new(CHANGED_OR_FAIL),
            ];
            statements.extend(script(down));
            match db.write(&statements) {
                Ok(()) => report.ran.push(Ran {
                    version: m.version,
                    file: down.file.to_string(),
                    took: started.elapsed(),
                }),
                Err(failure) => match self.status_on(db) {
                    // another migrator undid it first
                    Ok(now) if !now.applied.iter().any(|a| a.version == m.version) => {}
                    Ok(_) => return Err(stopped(report, failed(m, down, 2, failure))),
                    Err(e) => return Err(stopped(report, e)),
                },
            }
        }
        Ok(report)
    }

    /// [`stamp`](Self::stamp) on a database reached through an
    /// [`Executor`], as one transaction.
    ///
    /// # Errors
    /// [`Error::UnknownVersion`], or the executor's.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?;
    /// migrations.stamp_on(&mut db, 1)?;
    /// assert_eq!(migrations.status_on(&mut db)?.current, Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stamp_on(&self, db: &mut impl Executor, version: u64) -> Result<()> {
        if version != 0 && self.get(version).is_none() {
            return Err(Error::UnknownVersion { version });
        }
        let status = self.status_on(db)?;
        let (forget, record) = self.stamped(&status.applied, version);
        let mut statements = vec![Statement::new(CREATE_HISTORY)];
        statements.extend(forget.into_iter().map(|v| {
            Statement::with(
                "DELETE FROM _driftless_migrations WHERE version = ?1",
                vec![Value::Integer(version_param(v))],
            )
        }));
        for m in record {
            statements.push(Statement::with(history::INSERT_AT, history::row_now(m, 0)?));
        }
        statements.push(Statement::with(
            "UPDATE _driftless_migrations SET duration_ms = 0 WHERE duration_ms < 0 AND version <= ?1",
            vec![Value::Integer(version_param(version))],
        ));
        db.write(&statements).map_err(executor("stamp the history"))
    }

    /// [`verify`](Self::verify) on a database reached through an
    /// [`Executor`]: its schema (read from `sqlite_schema`) against the one
    /// its applied migrations produce.
    ///
    /// # Errors
    /// As [`verify`](Self::verify), and the executor's.
    ///
    /// ```
    /// use driftless::executor::{Executor, Statement};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade_on(&mut db, None, |_| {})?;
    /// db.write(&[Statement::new("ALTER TABLE games ADD COLUMN paused_at DATETIME")])?;
    /// assert_eq!(migrations.verify_on(&mut db)?[0].fix, "ALTER TABLE games DROP COLUMN paused_at;");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_on(&self, db: &mut impl Executor) -> Result<Vec<Difference>> {
        let status = self.status_on(db)?;
        let expected = self.schema_after(status.applied.iter().map(|a| a.version))?;
        let live = live_schema(db)?;
        Ok(diff(&expected, &live))
    }

    /// Takes over hiqlite's own history (`_migrations`: `id`, `name`, the
    /// SHA-256 of the file as `hash`) on a database reached through an
    /// [`Executor`], so an app on `Client::migrate` can switch: every row
    /// must be one of these files, unchanged, and all are recorded as
    /// applied in one transaction. hiqlite's table is left as it was.
    ///
    /// # Errors
    /// [`Error::NothingToAdopt`], [`Error::AdoptMismatch`] (nothing written), the executor's.
    ///
    /// ```
    /// use driftless::executor::{Executor, Statement};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("1_init.sql"), "CREATE TABLE t (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut db = rusqlite::Connection::open_in_memory()?;
    /// let hash = "aedbd4f8a95fe9b3b4d1ba4dba29c0e1da3d1b7bd1a6c4d1b56f0f1ee5a8e2b2"; // not the file's
    /// db.write(&[
    ///     Statement::new("CREATE TABLE _migrations (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, ts INTEGER NOT NULL, hash TEXT NOT NULL)"),
    ///     Statement::new(format!("INSERT INTO _migrations VALUES (1, 'init', 0, '{hash}')")),
    /// ])?;
    /// let err = migrations.adopt_on(&mut db).unwrap_err();
    /// assert!(err.to_string().contains("changed since hiqlite applied it"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adopt_on(&self, db: &mut impl Executor) -> Result<Adopted> {
        if has_table(db, HISTORY_TABLE)? && !self.status_on(db)?.applied.is_empty() {
            return Err(Error::NothingToAdopt {
                reason: "the database already has a driftless history".into(),
            });
        }
        if !has_table(db, Tool::Hiqlite.history_table())? {
            return Err(Error::NothingToAdopt {
                reason: "no hiqlite history table (`_migrations`) in the database; another tool's \
                         history is adopted on a copy of the file with `adopt`"
                    .into(),
            });
        }
        let rows = db
            .read(
                crate::adopt::HIQLITE_SELECT,
                &[],
                &[
                    Column {
                        name: "id",
                        kind: Kind::Integer,
                    },
                    Column {
                        name: "name",
                        kind: Kind::Text,
                    },
                    Column {
                        name: "hash",
                        kind: Kind::Text,
                    },
                ],
            )
            .map_err(executor("read hiqlite's history"))?;
        let foreign = rows
            .into_iter()
            .map(|row| match row.as_slice() {
                [Value::Integer(id), Value::Text(name), Value::Text(hash)] => {
                    crate::adopt::hiqlite_row(*id, name, hash)
                }
                _ => Err(Error::AdoptMismatch {
                    tool: Tool::Hiqlite,
                    version: 0,
                    reason: "a row of `_migrations` is not what hiqlite writes".into(),
                }),
            })
            .collect::<Result<Vec<_>>>()?;
        let adopted = crate::adopt::checked(self, Tool::Hiqlite, &foreign)?;
        let mut statements = vec![Statement::new(CREATE_HISTORY)];
        for m in &adopted {
            statements.push(Statement::with(history::INSERT_AT, history::row_now(m, 0)?));
        }
        db.write(&statements)
            .map_err(executor("record the adopted history"))?;
        Ok(Adopted {
            tool: Tool::Hiqlite,
            versions: adopted.iter().map(|m| m.version).collect(),
        })
    }
}

/// A migration's transaction: the history table, its row (first, so that
/// a second migrator fails there), then its script; and how many
/// statements come before the script.
fn up_statements(m: &Migration) -> Result<(Vec<Statement>, usize)> {
    let mut statements = vec![Statement::new(CREATE_HISTORY)];
    if m.repeatable {
        // a repeatable migration runs again when its file changed: its row is replaced
        statements.push(Statement::with(
            "DELETE FROM _driftless_migrations WHERE version = ?1",
            vec![Value::Integer(version_param(m.version))],
        ));
    }
    statements.push(Statement::with(history::INSERT_AT, history::row_now(m, 0)?));
    let prefix = statements.len();
    statements.extend(script(&m.up));
    Ok((statements, prefix))
}

/// A script's statements, one [`Statement`] each.
fn script(s: &driftless_migrations::Script) -> Vec<Statement> {
    split(&s.sql())
        .iter()
        .map(|st| Statement::new(st.sql))
        .collect()
}

/// A migration's failure: at its statement when the executor says which
/// (`prefix` statements came before the script), else as the executor said it.
fn failed(m: &Migration, s: &driftless_migrations::Script, prefix: usize, f: Failure) -> Error {
    let sql = s.sql();
    let statements = split(&sql);
    match f
        .statement
        .and_then(|i| i.checked_sub(prefix))
        .and_then(|i| statements.get(i))
    {
        Some(st) => Error::Migration(driftless_migrations::Error::Statement {
            path: s.location().to_path_buf(),
            at: st.at,
            token: None,
            statement: st.first_line().to_string(),
            message: f.message,
        }),
        None => Error::Rejected {
            version: m.version,
            file: s.file.to_string(),
            message: f.message,
        },
    }
}

/// The live schema of a database reached through an executor: its
/// `sqlite_schema` rebuilt in memory and read as a file's would be.
fn live_schema(db: &mut impl Executor) -> Result<Schema> {
    let text = |name| Column {
        name,
        kind: Kind::Text,
    };
    let rows = db
        .read(
            "SELECT type, name, sql FROM sqlite_schema \
             WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
            &[],
            &[text("type"), text("name"), text("sql")],
        )
        .map_err(executor("read the schema"))?;
    let mut objects: Vec<(String, String, String)> = rows
        .into_iter()
        .filter_map(|row| match <[Value; 3]>::try_from(row) {
            Ok([Value::Text(t), Value::Text(n), Value::Text(s)]) => Some((t, n, s)),
            _ => None,
        })
        .collect();
    // a virtual table makes its shadow tables itself
    let virtual_tables: Vec<String> = objects
        .iter()
        .filter(|(t, _, sql)| {
            t == "table" && sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL")
        })
        .map(|(_, n, _)| format!("{n}_"))
        .collect();
    objects.retain(|(t, n, sql)| {
        t != "table"
            || sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL")
            || !virtual_tables.iter().any(|v| n.starts_with(v.as_str()))
    });
    // tables before what refers to them
    let rank = |t: &str| {
        ["table", "index", "view", "trigger"]
            .iter()
            .position(|k| *k == t)
    };
    objects.sort_by_key(|(t, _, _)| rank(t));
    let mem = rusqlite::Connection::open_in_memory()?;
    for (_, name, sql) in &objects {
        if let Err(e) = mem.execute_batch(sql) {
            return Err(Error::Executor {
                doing: "rebuild the schema it read",
                message: format!("`{name}`: {e}"),
            });
        }
    }
    let mut live = crate::verify::without_history_tables(Schema::read(&mem)?);
    live.tables
        .retain(|t| !db.own_tables().contains(&t.name.as_str()));
    Ok(live)
}
