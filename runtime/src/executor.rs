//! The seam between the migrator and the database it migrates, for
//! databases that are not one local file: anything that can return rows and
//! run statements as one transaction is an [`Executor`], and the
//! `Migrations::*_on` methods (`status_on`, `upgrade_on`, `downgrade_on`,
//! `stamp_on`, `verify_on`, `adopt_on`) migrate it. A rusqlite connection
//! is one (so the same code is tested on a file); `driftless-hiqlite` makes
//! a node or a remote client of a hiqlite cluster one.

use rusqlite::types::Value;

/// What a column the migrator reads holds (or NULL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An integer.
    Integer,
    /// Text.
    Text,
    /// A blob.
    Blob,
}

/// A column of a query: its name in the result and what it holds, for
/// clients whose rows are read by name and type (hiqlite's are).
///
/// ```
/// use driftless::executor::{Column, Kind};
/// let c = Column { name: "version", kind: Kind::Integer };
/// assert_eq!(c.name, "version");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name (the `AS` of the query).
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
}

/// One statement of a transaction, with its parameters (`?1`, `?2`, ...).
///
/// ```
/// let s = driftless::executor::Statement::new("CREATE TABLE t (x)");
/// assert!(s.params.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The SQL: one statement.
    pub sql: String,
    /// Its parameters, in order.
    pub params: Vec<Value>,
}

impl Statement {
    /// A statement without parameters.
    pub fn new(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// A statement with parameters.
    pub fn with(sql: impl Into<String>, params: Vec<Value>) -> Statement {
        Statement {
            sql: sql.into(),
            params,
        }
    }
}

/// Why a query or a transaction failed: nothing of a failed transaction
/// took effect.
///
/// ```
/// let f = driftless::executor::Failure { statement: Some(2), message: "no such table: games".into() };
/// assert_eq!(f.to_string(), "no such table: games");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The failing statement's index in the transaction, when the executor knows it.
    pub statement: Option<usize>,
    /// The database's message (SQLite's, or the transport's).
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        Failure {
            statement: None,
            message: e.to_string(),
        }
    }
}

/// A database the migrator reaches through queries and whole transactions.
///
/// Implement it for a client (a replicated cluster, a remote database) and
/// the migrator runs on it: [`Migrations::upgrade_on`](crate::Migrations::upgrade_on)
/// sends each migration with its history row as one [`write`](Self::write),
/// so a second migrator's copy fails on the history row's primary key and
/// changes nothing.
///
/// ```
/// use driftless::executor::{Column, Executor, Kind, Statement};
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// conn.write(&[Statement::new("CREATE TABLE t (x)"), Statement::new("INSERT INTO t VALUES (1)")])?;
/// let rows = conn.read("SELECT x FROM t", &[], &[Column { name: "x", kind: Kind::Integer }])?;
/// assert_eq!(rows, vec![vec![rusqlite::types::Value::Integer(1)]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Executor {
    /// The rows of a read-only query, each with the values of `columns`
    /// (the columns it selects, in order). A replicated database answers
    /// with its committed state (hiqlite: from the leader).
    ///
    /// # Errors
    /// The query failed.
    fn read(
        &mut self,
        sql: &str,
        params: &[Value],
        columns: &[Column],
    ) -> Result<Vec<Vec<Value>>, Failure>;

    /// Runs `statements` as one transaction: all of them take effect, or,
    /// when one fails, none.
    ///
    /// # Errors
    /// A statement failed, or the transaction could not commit.
    fn write(&mut self, statements: &[Statement]) -> Result<(), Failure>;

    /// Tables the database keeps for itself, which no migration creates
    /// and `verify_on` leaves out (hiqlite's `_metadata`). None by default.
    fn own_tables(&self) -> &[&str] {
        &[]
    }
}

impl Executor for rusqlite::Connection {
    fn read(
        &mut self,
        sql: &str,
        params: &[Value],
        columns: &[Column],
    ) -> Result<Vec<Vec<Value>>, Failure> {
        let mut stmt = self.prepare(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..columns.len())
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push(values);
        }
        Ok(out)
    }

    fn write(&mut self, statements: &[Statement]) -> Result<(), Failure> {
        let tx = self.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (i, s) in statements.iter().enumerate() {
            let at = |e: rusqlite::Error| Failure {
                statement: Some(i),
                message: e.to_string(),
            };
            let mut stmt = tx.prepare(&s.sql).map_err(at)?;
            // stepped to the end: a statement that returns rows (a PRAGMA) runs too
            let mut rows = stmt
                .query(rusqlite::params_from_iter(&s.params))
                .map_err(at)?;
            while rows.next().map_err(at)?.is_some() {}
        }
        // dropped without a commit, the transaction rolls back
        tx.commit()?;
        Ok(())
    }
}
