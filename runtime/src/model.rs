//! The traits `#[derive(Model)]` implements, and the JSON glue its code uses.

use rusqlite::types::{Type, Value, ValueRef};
use rusqlite::{Connection, Row};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A struct mapped to a table or view whose schema was checked at build time.
///
/// Derive it with `#[derive(driftless::Model)]`; see the crate docs.
///
/// ```
/// # use driftless::Model;
/// # struct Player { name: String }
/// # impl Model for Player {
/// #     const TABLE: &'static str = "players";
/// #     const COLUMNS: &'static [&'static str] = &["name"];
/// #     const SELECT: &'static str = "SELECT name FROM players";
/// #     fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> { Ok(Player { name: row.get("name")? }) }
/// # }
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE players (name TEXT NOT NULL); INSERT INTO players VALUES ('ada');")?;
/// let mut stmt = conn.prepare(Player::SELECT)?;
/// let players: Vec<Player> = stmt.query_map([], Player::from_row)?.collect::<Result<_, _>>()?;
/// assert_eq!(players[0].name, "ada");
/// # Ok::<(), rusqlite::Error>(())
/// ```
pub trait Model: Sized {
    /// The table or view.
    const TABLE: &'static str;
    /// The mapped columns, in field order.
    const COLUMNS: &'static [&'static str];
    /// `SELECT <columns> FROM <table>`: append a `WHERE` clause as needed.
    const SELECT: &'static str;

    /// Reads a row that has (at least) the mapped columns, by name.
    ///
    /// # Errors
    /// A missing column, or a value that does not convert to the field's type.
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// A [`Model`] of a table that can be inserted: every NOT NULL column without
/// a default is mapped. Not derived for views or `#[model(partial)]` structs.
///
/// ```
/// # use driftless::{Insert, Model};
/// # struct Player { id: Option<i64>, name: String }
/// # impl Model for Player {
/// #     const TABLE: &'static str = "players";
/// #     const COLUMNS: &'static [&'static str] = &["id", "name"];
/// #     const SELECT: &'static str = "SELECT id, name FROM players";
/// #     fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> { Ok(Player { id: row.get("id")?, name: row.get("name")? }) }
/// # }
/// # impl Insert for Player {
/// #     const INSERT: &'static str = "INSERT INTO players (id, name) VALUES (?1, ?2)";
/// #     fn insert(&self, conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
/// #         conn.execute(Self::INSERT, rusqlite::params![self.id, self.name])?; Ok(conn.last_insert_rowid())
/// #     }
/// # }
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE players (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")?;
/// let id = Player { id: None, name: "ada".into() }.insert(&conn)?;
/// assert_eq!(id, 1);
/// # Ok::<(), rusqlite::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted: it maps a view or is `#[model(partial)]`",
    note = "only a model of a table that maps every NOT NULL column without a default gets `insert`"
)]
pub trait Insert: Model {
    /// `INSERT INTO <table> (<columns>) VALUES (?1, ...)`.
    const INSERT: &'static str;

    /// Inserts the struct and returns the new row's rowid (0 for a WITHOUT
    /// ROWID table). An `Option` rowid key left `None` is assigned by SQLite,
    /// and an `Option` left `None` on a NOT NULL column with a default gets
    /// the default.
    ///
    /// # Errors
    /// Whatever SQLite says: a constraint, a busy database, ...
    fn insert(&self, conn: &Connection) -> rusqlite::Result<i64>;
}

/// Reads a `#[model(json)]` column: SQL NULL reads as JSON `null`, so an
/// `Option<T>` field gets `None`. A `JSON` column has NUMERIC affinity, so
/// SQLite stores the JSON text `42` as the integer 42: numbers are read back
/// as JSON numbers.
///
/// # Errors
/// A missing column, or a value that is not the field's JSON.
pub fn json_from_row<T: DeserializeOwned>(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
    let index = row.as_ref().column_index(column)?;
    let fail = |ty, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(index, ty, Box::new(e))
    };
    match row.get_ref(index)? {
        ValueRef::Null => serde_json::from_str("null").map_err(|e| fail(Type::Null, e)),
        ValueRef::Integer(i) => {
            serde_json::from_value(i.into()).map_err(|e| fail(Type::Integer, e))
        }
        ValueRef::Real(f) => serde_json::from_value(f.into()).map_err(|e| fail(Type::Real, e)),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            serde_json::from_slice(t).map_err(|e| fail(Type::Text, e))
        }
    }
}

/// A `String` field (or `Option<String>`), read by [`text_from_row`].
pub trait TextColumn: Sized {
    /// Converts one value.
    ///
    /// # Errors
    /// NULL into a `String`, or bytes that are not UTF-8.
    fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self>;
}

impl TextColumn for String {
    fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self> {
        match value {
            ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8(t.to_vec()).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e))
            }),
            ValueRef::Integer(i) => Ok(i.to_string()),
            ValueRef::Real(f) => Ok(f.to_string()),
            ValueRef::Null => Err(rusqlite::Error::InvalidColumnType(
                index,
                String::new(),
                Type::Null,
            )),
        }
    }
}

impl TextColumn for Option<String> {
    fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self> {
        match value {
            ValueRef::Null => Ok(None),
            other => String::from_value(other, index).map(Some),
        }
    }
}

/// Reads a `String` field. A NUMERIC column (DATETIME, DECIMAL, ...) stores
/// text that looks like a number as a number; this gives it back as text,
/// where rusqlite's own `String` conversion would refuse it.
///
/// # Errors
/// A missing column, NULL into a `String`, or bytes that are not UTF-8.
pub fn text_from_row<T: TextColumn>(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
    let index = row.as_ref().column_index(column)?;
    T::from_value(row.get_ref(index)?, index)
}

/// Writes a `#[model(json)]` field: JSON `null` (an `Option` that is `None`) is stored as SQL NULL.
///
/// # Errors
/// When serde cannot serialize the value.
pub fn json_to_sql<T: Serialize>(value: &T) -> rusqlite::Result<Value> {
    let text = serde_json::to_string(value)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    Ok(if text == "null" {
        Value::Null
    } else {
        Value::Text(text)
    })
}

/// A `u64` or `usize` field (or its `Option`). rusqlite converts these only
/// with its `fallible_uint` feature from 0.38 on, which driftless cannot ask
/// for across the rusqlite versions it supports, so the generated code
/// converts through `i64` itself: values above `i64::MAX` are an error, not
/// a wrapped number.
pub trait UnsignedColumn: Sized {
    /// The SQL value to store.
    ///
    /// # Errors
    /// A value above `i64::MAX`.
    fn to_value(&self) -> rusqlite::Result<Value>;
    /// Converts one value.
    ///
    /// # Errors
    /// NULL into a non-`Option`, a negative number, or a value that is not an integer.
    fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self>;
}

macro_rules! unsigned_column {
    ($($t:ty),*) => {$(
        impl UnsignedColumn for $t {
            fn to_value(&self) -> rusqlite::Result<Value> {
                i64::try_from(*self)
                    .map(Value::Integer)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
            }
            fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self> {
                match value {
                    ValueRef::Integer(i) => <$t>::try_from(i)
                        .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, i)),
                    other => Err(rusqlite::Error::InvalidColumnType(index, String::new(), other.data_type())),
                }
            }
        }
    )*};
}
unsigned_column!(u64, usize);

impl<T: UnsignedColumn> UnsignedColumn for Option<T> {
    fn to_value(&self) -> rusqlite::Result<Value> {
        self.as_ref().map_or(Ok(Value::Null), T::to_value)
    }
    fn from_value(value: ValueRef<'_>, index: usize) -> rusqlite::Result<Self> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_value(other, index).map(Some),
        }
    }
}

/// Reads a `u64` or `usize` field; see [`UnsignedColumn`].
///
/// # Errors
/// A missing column, or a value [`UnsignedColumn::from_value`] refuses.
pub fn unsigned_from_row<T: UnsignedColumn>(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
    let index = row.as_ref().column_index(column)?;
    T::from_value(row.get_ref(index)?, index)
}
