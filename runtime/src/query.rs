//! Checked queries: what `query!`, `query_as!`, `query_scalar!` and
//! `execute!` expand to. At run time they are plain rusqlite: a cached
//! prepared statement, its parameters, and a function that reads a row.
//!
//! The macros check the SQL against the migrated schema at compile time and
//! leave the Rust side to the compiler through the traits here: an argument
//! must bind the SQL type of the column it is compared with or stored in
//! ([`BindsInteger`], [`BindsText`], ...), and a result column is read into
//! a type that reads its SQL type ([`ReadsInteger`], ...) and [`Fits`] its
//! nullability. Implement them for your own types to use those.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use rusqlite::types::{ToSql, Value};
use rusqlite::{Connection, OptionalExtension, Row};

/// A column that is never NULL.
pub struct NotNull;
/// A column that can be NULL.
pub struct Nullable;

/// A Rust type that can hold what a column of nullability `N` holds.
#[diagnostic::on_unimplemented(
    message = "a column of this query can be NULL, but `{Self}` cannot hold NULL",
    label = "this column can be NULL (a nullable column, an outer join, an aggregate, ...)",
    note = "read it into an `Option`, or, if the query guarantees a value, say so with `AS \"column!\"`"
)]
pub trait Fits<N> {}

impl<T: ?Sized> Fits<NotNull> for T {}
impl<T> Fits<Nullable> for Option<T> {}
impl Fits<Nullable> for Value {}

/// A Rust value that can stand for an INTEGER parameter.
///
/// Implement it for your own [`ToSql`] types to use them as arguments.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an INTEGER value",
    label = "the query compares this with, or stores it in, an INTEGER column",
    note = "convert the argument, or cast the parameter in the SQL: `CAST(?1 AS INTEGER)`"
)]
pub trait BindsInteger {}

/// A Rust value that can stand for a REAL parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a REAL value",
    label = "the query compares this with, or stores it in, a REAL column",
    note = "convert the argument, or cast the parameter in the SQL: `CAST(?1 AS REAL)`"
)]
pub trait BindsReal {}

/// A Rust value that can stand for a TEXT parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a TEXT value",
    label = "the query compares this with, or stores it in, a TEXT column",
    note = "convert the argument, or cast the parameter in the SQL: `CAST(?1 AS TEXT)`"
)]
pub trait BindsText {}

/// A Rust value that can stand for a BLOB parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a BLOB value",
    label = "the query compares this with, or stores it in, a BLOB column",
    note = "convert the argument, or cast the parameter in the SQL: `CAST(?1 AS BLOB)`"
)]
pub trait BindsBlob {}

/// A Rust type that can hold what an INTEGER column holds.
///
/// Implement it for your own [`FromSql`] types to read columns into them.
#[diagnostic::on_unimplemented(
    message = "an INTEGER column cannot be read into `{Self}`",
    label = "this query's column is INTEGER",
    note = "use an integer type or `bool`, or name the type in the SQL: `AS \"column: Type\"`"
)]
pub trait ReadsInteger {}

/// A Rust type that can hold what a REAL column holds.
#[diagnostic::on_unimplemented(
    message = "a REAL column cannot be read into `{Self}`",
    label = "this query's column is REAL",
    note = "use `f64` or `f32`, or name the type in the SQL: `AS \"column: Type\"`"
)]
pub trait ReadsReal {}

/// A Rust type that can hold what a TEXT column holds.
#[diagnostic::on_unimplemented(
    message = "a TEXT column cannot be read into `{Self}`",
    label = "this query's column is TEXT",
    note = "use `String`, or name the type in the SQL: `AS \"column: Type\"`"
)]
pub trait ReadsText {}

/// A Rust type that can hold what a BLOB column holds.
#[diagnostic::on_unimplemented(
    message = "a BLOB column cannot be read into `{Self}`",
    label = "this query's column is BLOB",
    note = "use `Vec<u8>`, or name the type in the SQL: `AS \"column: Type\"`"
)]
pub trait ReadsBlob {}

macro_rules! sql_types {
    ($binds:ident, $reads:ident: $($t:ty),*) => {$(
        impl $binds for $t {}
        impl $reads for $t {}
    )*};
}

sql_types!(BindsInteger, ReadsInteger: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool);
sql_types!(BindsReal, ReadsReal: f32, f64);
sql_types!(BindsText, ReadsText: String, Box<str>, Rc<str>, Arc<str>);
sql_types!(BindsBlob, ReadsBlob: Vec<u8>);
#[cfg(feature = "chrono")]
sql_types!(BindsText, ReadsText: chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::FixedOffset>, chrono::DateTime<chrono::Local>);
#[cfg(feature = "time")]
sql_types!(BindsText, ReadsText: time::Date, time::Time, time::PrimitiveDateTime, time::OffsetDateTime);
#[cfg(feature = "uuid")]
sql_types!(BindsBlob, ReadsBlob: uuid::Uuid);
#[cfg(feature = "serde_json")]
sql_types!(BindsText, ReadsText: serde_json::Value);

impl<const N: usize> BindsBlob for [u8; N] {}
impl BindsBlob for [u8] {}
impl BindsText for str {}
impl BindsText for Cow<'_, str> {}
// an integer compares with, and is stored in, a REAL column as a number
macro_rules! binds_real {
    ($($t:ty),*) => {$( impl BindsReal for $t {} )*};
}
binds_real!(i8, i16, i32, i64, isize, u8, u16, u32);

macro_rules! through {
    ($binds:ident, $reads:ident) => {
        impl<T: $binds + ?Sized> $binds for &T {}
        impl<T: $binds> $binds for Option<T> {}
        impl<T: $reads> $reads for Option<T> {}
        impl $reads for Value {}
    };
}
through!(BindsInteger, ReadsInteger);
through!(BindsReal, ReadsReal);
through!(BindsText, ReadsText);
through!(BindsBlob, ReadsBlob);

/// The argument of an INTEGER parameter (what the macros call).
#[doc(hidden)]
pub fn bind_integer<T: BindsInteger + ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// The argument of a REAL parameter.
#[doc(hidden)]
pub fn bind_real<T: BindsReal + ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// The argument of a TEXT parameter.
#[doc(hidden)]
pub fn bind_text<T: BindsText + ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// The argument of a BLOB parameter.
#[doc(hidden)]
pub fn bind_blob<T: BindsBlob + ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// The argument of a parameter whose use is unknown, or that takes any
/// value (an expression, a NUMERIC column): any [`ToSql`].
#[doc(hidden)]
pub fn bind_any<T: ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// A slice bound to one parameter as a JSON array, for a dynamic `IN`
/// list: `WHERE id IN (SELECT value FROM json_each(?1))` with
/// `driftless::query::list(&ids)`. The macros check each element's type
/// against the column it is compared with.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);")?;
/// let ids = [1, 3];
/// let list = driftless::query::list(&ids);
/// let q = driftless::query::Query::<i64>::new(
///     "SELECT id FROM t WHERE id IN (SELECT value FROM json_each(?1))",
///     vec![&list],
///     |r| r.get(0),
/// );
/// assert_eq!(q.fetch_all(&conn)?, [1, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct List<'a, T>(&'a [T]);

/// `items` as one JSON-array parameter; see [`List`].
pub fn list<T: serde::Serialize>(items: &[T]) -> List<'_, T> {
    List(items)
}

impl<T: serde::Serialize> ToSql for List<'_, T> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        let json = serde_json::to_string(self.0)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(rusqlite::types::ToSqlOutput::Owned(Value::Text(json)))
    }
}

macro_rules! bind_list {
    ($($name:ident: $binds:ident),*) => {$(
        /// The argument of a list parameter whose elements have this SQL type.
        #[doc(hidden)]
        pub fn $name<'a, T: $binds + serde::Serialize>(value: &'a List<'_, T>) -> &'a dyn ToSql {
            value
        }
    )*};
}
bind_list!(bind_list_integer: BindsInteger, bind_list_real: BindsReal, bind_list_text: BindsText, bind_list_blob: BindsBlob);

/// The argument of a list parameter whose elements take any value.
#[doc(hidden)]
pub fn bind_list_any<'a, T: serde::Serialize>(value: &'a List<'_, T>) -> &'a dyn ToSql {
    value
}

/// A checked query that returns rows of `T`; made by `query!`,
/// `query_as!` and `query_scalar!`.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (x INTEGER NOT NULL); INSERT INTO t VALUES (1), (2);")?;
/// let q = driftless::query::Query::<i64>::new("SELECT x FROM t WHERE x > ?1", vec![&0], |r| r.get(0));
/// assert_eq!(q.fetch_all(&conn)?, [1, 2]);
/// assert_eq!(q.fetch_optional(&conn)?, Some(1));
/// # Ok::<(), rusqlite::Error>(())
/// ```
pub struct Query<'a, T> {
    sql: &'static str,
    params: Vec<&'a dyn ToSql>,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
}

impl<'a, T> Query<'a, T> {
    /// A query from its parts (the macros write this call).
    pub fn new(
        sql: &'static str,
        params: Vec<&'a dyn ToSql>,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Query<'a, T> {
        Query { sql, params, map }
    }

    /// The SQL, as checked.
    pub fn sql(&self) -> &'static str {
        self.sql
    }

    /// Every row.
    ///
    /// # Errors
    /// SQLite's, or a value that does not convert.
    pub fn fetch_all(&self, conn: &Connection) -> rusqlite::Result<Vec<T>> {
        let mut stmt = conn.prepare_cached(self.sql)?;
        let rows = stmt.query_map(&*self.params, self.map)?;
        rows.collect()
    }

    /// The first row; [`rusqlite::Error::QueryReturnedNoRows`] when there is none.
    ///
    /// # Errors
    /// No row, SQLite's, or a value that does not convert.
    pub fn fetch_one(&self, conn: &Connection) -> rusqlite::Result<T> {
        let mut stmt = conn.prepare_cached(self.sql)?;
        stmt.query_row(&*self.params, self.map)
    }

    /// The first row, if any.
    ///
    /// # Errors
    /// SQLite's, or a value that does not convert.
    pub fn fetch_optional(&self, conn: &Connection) -> rusqlite::Result<Option<T>> {
        self.fetch_one(conn).optional()
    }

    /// Runs it for every row, in order, without collecting them.
    ///
    /// # Errors
    /// SQLite's, a value that does not convert, or `each`'s.
    pub fn for_each(
        &self,
        conn: &Connection,
        mut each: impl FnMut(T) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(self.sql)?;
        let mut rows = stmt.query(&*self.params)?;
        while let Some(row) = rows.next()? {
            each((self.map)(row)?)?;
        }
        Ok(())
    }
}

/// A checked statement that returns no rows; made by `execute!`.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (x INTEGER NOT NULL);")?;
/// let changed = driftless::query::Execute::new("INSERT INTO t (x) VALUES (?1)", vec![&7]).execute(&conn)?;
/// assert_eq!(changed, 1);
/// # Ok::<(), rusqlite::Error>(())
/// ```
pub struct Execute<'a> {
    sql: &'static str,
    params: Vec<&'a dyn ToSql>,
}

impl<'a> Execute<'a> {
    /// A statement from its parts (the macros write this call).
    pub fn new(sql: &'static str, params: Vec<&'a dyn ToSql>) -> Execute<'a> {
        Execute { sql, params }
    }

    /// The SQL, as checked.
    pub fn sql(&self) -> &'static str {
        self.sql
    }

    /// Runs it; returns how many rows it changed.
    ///
    /// # Errors
    /// SQLite's (a constraint, a busy database, ...).
    pub fn execute(&self, conn: &Connection) -> rusqlite::Result<usize> {
        conn.prepare_cached(self.sql)?.execute(&*self.params)
    }
}
