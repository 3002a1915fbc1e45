//! Checked queries: what `query!`, `query_as!`, `query_scalar!` and
//! `execute!` expand to. At run time they are plain rusqlite: a cached
//! prepared statement, its parameters, and a function that reads a row.
//!
//! The macros check the SQL against the migrated schema at compile time and
//! leave the Rust side to the compiler through the traits here: an argument
//! must [`Binds`] the SQL type of the column it is compared with or stored
//! in, and a result column is read into a type that [`Reads`] its SQL type
//! and [`Fits`] its nullability.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Arc;

use rusqlite::types::{FromSql, ToSql, Value};
use rusqlite::{Connection, OptionalExtension, Row};

/// The SQL types the checks tell apart (from a column's affinity).
pub mod sql {
    /// INTEGER affinity.
    pub struct Integer;
    /// REAL affinity.
    pub struct Real;
    /// TEXT affinity.
    pub struct Text;
    /// BLOB affinity.
    pub struct Blob;
    /// NUMERIC affinity, an expression, an untyped column: reads into any
    /// type (arguments for it are bound with any `ToSql`).
    pub struct Any;
}

/// A column that is never NULL.
pub struct NotNull;
/// A column that can be NULL.
pub struct Nullable;

/// A Rust value that can stand for a parameter of SQL type `A`.
///
/// Implement it for your own [`ToSql`] types to use them as arguments.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value for this parameter: the query uses it as {A}",
    label = "the query compares this with, or stores it in, a column of type {A}",
    note = "convert the argument, or cast the parameter in SQL (`CAST(? AS TEXT)`)"
)]
pub trait Binds<A> {}

/// A Rust type that can hold a value read from a column of SQL type `A`.
///
/// Implement it for your own [`FromSql`] types to read columns into them.
#[diagnostic::on_unimplemented(
    message = "a column of type {A} cannot be read into `{Self}`",
    label = "this query's column is {A}",
    note = "use a type that reads {A}, or name the type in the SQL: `AS \"column: Type\"`"
)]
pub trait Reads<A> {}

/// A Rust type that can hold what a column of nullability `N` holds.
#[diagnostic::on_unimplemented(
    message = "a column of this query can be NULL, but `{Self}` cannot hold NULL",
    label = "this column can be NULL (an outer join, an aggregate, a nullable column, ...)",
    note = "read it into an `Option`, or, if the query guarantees a value, say so with `AS \"column!\"`"
)]
pub trait Fits<N> {}

impl<T: ?Sized> Fits<NotNull> for T {}
impl<T> Fits<Nullable> for Option<T> {}
impl Fits<Nullable> for Value {}

macro_rules! binds_and_reads {
    ($sql:ident: $($t:ty),*) => {$(
        impl Binds<sql::$sql> for $t {}
        impl Reads<sql::$sql> for $t {}
    )*};
}

binds_and_reads!(Integer: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool);
binds_and_reads!(Real: f32, f64);
binds_and_reads!(Text: String, Box<str>, Rc<str>, Arc<str>);
binds_and_reads!(Blob: Vec<u8>);
impl<const N: usize> Binds<sql::Blob> for [u8; N] {}
impl Binds<sql::Text> for str {}
impl Binds<sql::Text> for Cow<'_, str> {}
impl Binds<sql::Blob> for [u8] {}
// an integer compares with, and is stored in, a REAL column as a number
macro_rules! binds_real {
    ($($t:ty),*) => {$( impl Binds<sql::Real> for $t {} )*};
}
binds_real!(i8, i16, i32, i64, isize, u8, u16, u32);

#[cfg(feature = "chrono")]
binds_and_reads!(Text: chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::FixedOffset>, chrono::DateTime<chrono::Local>);
#[cfg(feature = "time")]
binds_and_reads!(Text: time::Date, time::Time, time::PrimitiveDateTime, time::OffsetDateTime);
#[cfg(feature = "uuid")]
binds_and_reads!(Blob: uuid::Uuid);
#[cfg(feature = "serde_json")]
binds_and_reads!(Text: serde_json::Value);

impl<T: FromSql> Reads<sql::Any> for T {}
macro_rules! binds_through {
    ($($sql:ident),*) => {$(
        impl<T: Binds<sql::$sql> + ?Sized> Binds<sql::$sql> for &T {}
        impl<T: Binds<sql::$sql>> Binds<sql::$sql> for Option<T> {}
    )*};
}
binds_through!(Integer, Real, Text, Blob);
impl<T: Reads<sql::Integer>> Reads<sql::Integer> for Option<T> {}
impl<T: Reads<sql::Real>> Reads<sql::Real> for Option<T> {}
impl<T: Reads<sql::Text>> Reads<sql::Text> for Option<T> {}
impl<T: Reads<sql::Blob>> Reads<sql::Blob> for Option<T> {}
impl Reads<sql::Integer> for Value {}
impl Reads<sql::Real> for Value {}
impl Reads<sql::Text> for Value {}
impl Reads<sql::Blob> for Value {}

/// An argument bound to a parameter of SQL type `A`: a compile error when
/// its type cannot stand for one. What the macros call for each argument.
#[doc(hidden)]
pub fn bind<A, T: Binds<A> + ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// An argument bound to a parameter whose use is unknown, or that takes
/// any value (an expression, a NUMERIC column): any [`ToSql`].
#[doc(hidden)]
pub fn bind_any<T: ToSql>(value: &T) -> &dyn ToSql {
    value
}

/// Column `index` of `row`, read into `T`: a compile error when `T` cannot
/// read SQL type `A` or hold what nullability `N` allows.
///
/// # Errors
/// rusqlite's, for a value that does not convert after all.
#[doc(hidden)]
pub fn column<A, N, T: FromSql + Reads<A> + Fits<N>>(
    row: &Row<'_>,
    index: usize,
) -> rusqlite::Result<T> {
    row.get(index)
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
    _rows: PhantomData<T>,
}

impl<'a, T> Query<'a, T> {
    /// A query from its parts (the macros write this call).
    pub fn new(
        sql: &'static str,
        params: Vec<&'a dyn ToSql>,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Query<'a, T> {
        Query {
            sql,
            params,
            map,
            _rows: PhantomData,
        }
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
