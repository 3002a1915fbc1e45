//! Synthetic rows: what the rehearsal puts in every table before the next
//! migration runs, so that a statement SQLite refuses only on a table that
//! holds rows fails here instead of in production.
//!
//! Each table gets up to three rows, each satisfying its constraints: one
//! with NULL in every nullable column, one with a value in every column, and
//! one that leaves every column with a default (or nullable) to SQLite.
//! Values follow the column's type (STRICT: exactly; otherwise its affinity
//! and declared type: dates as dates, JSON as JSON), are distinct from row
//! to row (UNIQUE constraints and primary keys) and large enough not to
//! collide with the ids seed data uses; a foreign key takes the key of a
//! row of its parent, which is filled first. When SQLite refuses a row (a
//! CHECK constraint, a trigger), other candidates are tried: the literals
//! of the table's definition (`CHECK (status IN ('open', 'done'))`), their
//! neighbours, text of their lengths, and small values. A table none of
//! them fits is reported, never skipped in silence.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::Result;
use crate::scan::{Kind, quote, significant};
use crate::schema::Affinity;

/// Rows tried per table (the NULL row, the full row, the defaults row).
const ROWS: usize = 3;

/// Candidate rows tried for each of them before giving up on it.
const ATTEMPTS: usize = 48;

/// Where generated integers start: far from the ids seed data inserts.
const BASE: i64 = 7_000_000;

/// A table no synthetic row fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfilled {
    /// The table.
    pub table: String,
    /// Why: SQLite's refusal of the last candidate, or a parent without rows.
    pub reason: String,
}

/// The plain tables of the main schema that rows can be put in: not views,
/// virtual tables or their shadow tables, SQLite's or driftless's own.
///
/// # Errors
/// Only when SQLite fails to answer its own pragma.
pub fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND name NOT LIKE '\\_driftless\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Whether `table` holds a row.
///
/// # Errors
/// SQLite's (the table does not exist).
pub fn has_rows(conn: &Connection, table: &str) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quote(table));
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}

/// Fills each of `tables` (assumed empty) with synthetic rows, parents
/// before their children; returns the tables it could put no row in.
/// Foreign keys should be on, so that SQLite checks every row's parents.
///
/// # Errors
/// Only when SQLite fails to describe a table; a refused row is a
/// candidate tried, and at worst an [`Unfilled`].
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("PRAGMA foreign_keys = ON;
///     CREATE TABLE games (id INTEGER PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('open', 'done')));
///     CREATE TABLE players (game_id INTEGER NOT NULL REFERENCES games (id), nick TEXT UNIQUE);").unwrap();
/// let tables = driftless_migrations::rows::tables(&conn).unwrap();
/// let unfilled = driftless_migrations::rows::fill(&conn, &tables).unwrap();
/// assert!(unfilled.is_empty());
/// let orphans: i64 = conn.query_row(
///     "SELECT count(*) FROM players WHERE game_id NOT IN (SELECT id FROM games)", [], |r| r.get(0)).unwrap();
/// assert_eq!(orphans, 0);
/// ```
pub fn fill(conn: &Connection, tables: &[String]) -> Result<Vec<Unfilled>> {
    let mut infos = Vec::with_capacity(tables.len());
    for name in tables {
        infos.push(TableInfo::read(conn, name)?);
    }
    let mut unfilled = Vec::new();
    for info in parents_first(infos) {
        if let Err(reason) = fill_table(conn, &info)? {
            unfilled.push(Unfilled {
                table: info.name.clone(),
                reason,
            });
        }
    }
    Ok(unfilled)
}

/// What filling a table needs to know of it.
struct TableInfo {
    name: String,
    strict: bool,
    columns: Vec<ColumnInfo>,
    foreign_keys: Vec<ForeignKey>,
    /// String and number literals of its definition, for CHECK constraints.
    texts: Vec<String>,
    numbers: Vec<f64>,
}

struct ColumnInfo {
    name: String,
    decl: String,
    affinity: Affinity,
    not_null: bool,
    has_default: bool,
    primary_key: bool,
}

/// One foreign key: these columns (by index) point at those of `parent`.
struct ForeignKey {
    parent: String,
    from: Vec<usize>,
    to: Vec<Option<String>>,
}

impl TableInfo {
    fn read(conn: &Connection, name: &str) -> Result<TableInfo> {
        let strict: bool = conn
            .prepare_cached(
                "SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
            )?
            .query_row([name], |r| r.get(0))?;
        // hidden 0: an ordinary column (generated ones cannot be written)
        let columns = conn
            .prepare_cached(
                "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_xinfo(?1) \
                 WHERE hidden = 0 ORDER BY cid",
            )?
            .query_map([name], |r| {
                let decl: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
                Ok(ColumnInfo {
                    name: r.get(0)?,
                    affinity: Affinity::of(&decl),
                    decl: decl.to_ascii_uppercase(),
                    not_null: r.get(2)?,
                    has_default: r.get(3)?,
                    primary_key: r.get::<_, i64>(4)? > 0,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut foreign_keys: Vec<ForeignKey> = Vec::new();
        let mut by_id: HashMap<i64, usize> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )?;
        let rows = stmt.query_map([name], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (id, parent, from, to) = row?;
            let Some(from) = columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(&from))
            else {
                continue;
            };
            let at = *by_id.entry(id).or_insert_with(|| {
                foreign_keys.push(ForeignKey {
                    parent,
                    from: Vec::new(),
                    to: Vec::new(),
                });
                foreign_keys.len() - 1
            });
            foreign_keys[at].from.push(from);
            foreign_keys[at].to.push(to);
        }
        let sql: String = conn
            .prepare_cached(
                "SELECT coalesce(sql, '') FROM sqlite_schema WHERE name = ?1 AND type = 'table'",
            )?
            .query_row([name], |r| r.get(0))?;
        let (texts, numbers) = literals(&sql);
        Ok(TableInfo {
            name: name.to_string(),
            strict,
            columns,
            foreign_keys,
            texts,
            numbers,
        })
    }
}

/// The string and number literals of a definition.
fn literals(sql: &str) -> (Vec<String>, Vec<f64>) {
    let mut texts = Vec::new();
    let mut numbers = Vec::new();
    for t in significant(sql) {
        match t.kind {
            Kind::String => {
                if let Some(s) = t.name()
                    && !texts.contains(&s)
                {
                    texts.push(s);
                }
            }
            Kind::Word => {
                if let Ok(n) = t.text.parse::<f64>()
                    && n.is_finite()
                    && !numbers.contains(&n)
                {
                    numbers.push(n);
                }
            }
            _ => {}
        }
    }
    (texts, numbers)
}

/// The tables in an order where a parent comes before its children (as far
/// as a cycle allows).
fn parents_first(mut infos: Vec<TableInfo>) -> Vec<TableInfo> {
    let mut ordered = Vec::with_capacity(infos.len());
    let mut placed: HashSet<String> = HashSet::new();
    let pending: HashSet<String> = infos.iter().map(|t| t.name.to_ascii_lowercase()).collect();
    while !infos.is_empty() {
        let ready = infos.iter().position(|t| {
            t.foreign_keys.iter().all(|fk| {
                let parent = fk.parent.to_ascii_lowercase();
                parent == t.name.to_ascii_lowercase()
                    || placed.contains(&parent)
                    || !pending.contains(&parent)
            })
        });
        // a cycle: take the first and let its nullable keys be NULL
        let next = infos.remove(ready.unwrap_or(0));
        placed.insert(next.name.to_ascii_lowercase());
        ordered.push(next);
    }
    ordered
}

/// The three kinds of row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowKind {
    /// NULL in every nullable column that is not a key.
    Nulls,
    /// A value in every column.
    Full,
    /// Only the columns that need a value; SQLite fills in the rest.
    Defaults,
}

const KINDS: [RowKind; ROWS] = [RowKind::Nulls, RowKind::Full, RowKind::Defaults];

/// Puts up to [`ROWS`] rows in the table: `Ok(Err(reason))` when none fit.
fn fill_table(conn: &Connection, t: &TableInfo) -> Result<std::result::Result<(), String>> {
    if t.columns.is_empty() {
        return Ok(Err("it has no column a row can be written to".into()));
    }
    let mut inserted = 0;
    let mut last_error = String::new();
    for (k, kind) in KINDS.into_iter().enumerate() {
        let parents = parent_rows(conn, t)?;
        let mut row = match candidate(t, &parents, k, kind) {
            Ok(row) => row,
            Err(parent) => {
                last_error = format!("its parent table `{parent}` holds no rows");
                continue;
            }
        };
        let mut pick = Picker::new(k);
        for _ in 0..ATTEMPTS {
            match insert(conn, t, &row) {
                Ok(()) => {
                    inserted += 1;
                    break;
                }
                Err(message) => {
                    repair(t, &parents, k, &mut row, &message, &mut pick);
                    last_error = message;
                }
            }
        }
    }
    Ok(if inserted > 0 {
        Ok(())
    } else {
        Err(last_error)
    })
}

/// Inserts one row (`None`: the column is left to SQLite); SQLite's
/// message when it refuses.
fn insert(
    conn: &Connection,
    t: &TableInfo,
    row: &[Option<Value>],
) -> std::result::Result<(), String> {
    let written: Vec<(usize, &Value)> = row
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v.as_ref()?)))
        .collect();
    let sql = if written.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES", quote(&t.name))
    } else {
        let columns: Vec<String> = written
            .iter()
            .map(|(i, _)| quote(&t.columns[*i].name))
            .collect();
        let params: Vec<String> = (1..=written.len()).map(|n| format!("?{n}")).collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(&t.name),
            columns.join(", "),
            params.join(", ")
        )
    };
    let values = written.iter().map(|(_, v)| *v);
    conn.execute(&sql, rusqlite::params_from_iter(values))
        .map(|_| ())
        .map_err(crate::replay::sqlite_message)
}

/// After SQLite refused `row` with `message`: new values for the columns
/// the message names (the failed CHECK's expression, the UNIQUE or NOT
/// NULL column), or for every column when it names none (a trigger's
/// RAISE), keeping the rest, so that each constraint is met in turn.
fn repair(
    t: &TableInfo,
    parents: &[Vec<Vec<Value>>],
    k: usize,
    row: &mut [Option<Value>],
    message: &str,
    pick: &mut Picker,
) {
    let tail = message
        .split_once("failed")
        .map_or(message, |(_, rest)| rest);
    let words: HashSet<String> = significant(tail)
        .filter_map(|t| t.name())
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let mut suspects: Vec<usize> = (0..t.columns.len())
        .filter(|&i| words.contains(&t.columns[i].name.to_ascii_lowercase()))
        .collect();
    if suspects.is_empty() {
        suspects = (0..t.columns.len()).filter(|&i| row[i].is_some()).collect();
    }
    for i in suspects {
        let key = t
            .foreign_keys
            .iter()
            .zip(parents)
            .find(|(fk, _)| fk.from.contains(&i));
        match key {
            Some((fk, rows)) if !rows.is_empty() => {
                let parent = &rows[pick.index(rows.len())];
                for (&c, v) in fk.from.iter().zip(parent) {
                    row[c] = Some(v.clone());
                }
            }
            _ => row[i] = Some(pick.choose(&candidates(t, &t.columns[i], k))),
        }
    }
}

/// For each foreign key, up to [`ROWS`] key tuples of its parent's rows.
fn parent_rows(conn: &Connection, t: &TableInfo) -> Result<Vec<Vec<Vec<Value>>>> {
    let mut all = Vec::with_capacity(t.foreign_keys.len());
    for fk in &t.foreign_keys {
        let targets = match fk.to.iter().cloned().collect::<Option<Vec<String>>>() {
            Some(named) => named,
            None => primary_key(conn, &fk.parent)?,
        };
        if targets.len() != fk.from.len() {
            // SQLite calls this a foreign key mismatch: no row could satisfy it
            all.push(Vec::new());
            continue;
        }
        let sql = format!(
            "SELECT {} FROM {} LIMIT {ROWS}",
            targets
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", "),
            quote(&fk.parent)
        );
        let rows = match conn.prepare(&sql) {
            Ok(mut stmt) => stmt
                .query_map([], |r| (0..targets.len()).map(|i| r.get(i)).collect())?
                .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?,
            // the parent does not exist or lacks the column: no row can point at it
            Err(_) => Vec::new(),
        };
        all.push(rows);
    }
    Ok(all)
}

/// A table's primary key columns, in key order.
fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    let names = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Row `k` of `kind`, try `attempt`: the columns to write and their
/// values; `Err(parent)` when a required foreign key has no parent row.
fn candidate(
    t: &TableInfo,
    parents: &[Vec<Vec<Value>>],
    k: usize,
    kind: RowKind,
) -> std::result::Result<Vec<Option<Value>>, String> {
    let mut values: Vec<Option<Value>> = t
        .columns
        .iter()
        .map(|c| {
            let nullable = !c.not_null && !c.primary_key;
            let written = match kind {
                RowKind::Defaults => c.primary_key || (c.not_null && !c.has_default),
                RowKind::Nulls | RowKind::Full => true,
            };
            if !written {
                return None;
            }
            if kind == RowKind::Nulls && nullable {
                return Some(Value::Null);
            }
            candidates(t, c, k).into_iter().next()
        })
        .collect();
    for (fk, rows) in t.foreign_keys.iter().zip(parents) {
        let nullable = fk
            .from
            .iter()
            .all(|&i| !t.columns[i].not_null && !t.columns[i].primary_key);
        if kind == RowKind::Nulls && nullable {
            for &i in &fk.from {
                values[i] = Some(Value::Null);
            }
            continue;
        }
        let row = if rows.is_empty() {
            None
        } else {
            rows.get(k % rows.len())
        };
        match row {
            Some(row) => {
                for (&i, v) in fk.from.iter().zip(row) {
                    values[i] = Some(v.clone());
                }
            }
            None if fk.parent.eq_ignore_ascii_case(&t.name) => {
                // the first row of a table that points at itself points at itself
                for (&i, to) in fk.from.iter().zip(&fk.to) {
                    let own = match to {
                        Some(to) => t
                            .columns
                            .iter()
                            .position(|c| c.name.eq_ignore_ascii_case(to)),
                        None => t.columns.iter().position(|c| c.primary_key),
                    };
                    values[i] = match own.and_then(|o| values[o].clone()) {
                        Some(v) => Some(v),
                        None if !t.columns[i].not_null => Some(Value::Null),
                        None => return Err(fk.parent.clone()),
                    };
                }
            }
            None if nullable => {
                for &i in &fk.from {
                    values[i] = Some(Value::Null);
                }
            }
            None => return Err(fk.parent.clone()),
        }
    }
    Ok(values)
}

/// Chooses among candidates, differently from row to row.
struct Picker {
    state: u64,
}

impl Picker {
    fn new(k: usize) -> Picker {
        Picker { state: k as u64 }
    }

    /// An index below `n` (at least 1).
    fn index(&mut self, n: usize) -> usize {
        // splitmix64: deterministic, so a rehearsal is the same every run,
        // and well mixed, so each column's choice is independent
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n.max(1) as u64) as usize
    }

    fn choose(&mut self, candidates: &[Value]) -> Value {
        let at = self.index(candidates.len());
        candidates.get(at).cloned().unwrap_or(Value::Null)
    }
}

/// The values column `c` of row `k` may take, the preferred first.
fn candidates(t: &TableInfo, c: &ColumnInfo, k: usize) -> Vec<Value> {
    let n = k as i64 + 1;
    let class = Class::of(t.strict, c);
    let mut out = vec![generic(class, &c.decl, n)];
    let numbers = t.numbers.iter().flat_map(|&x| [x, x + 1.0, x - 1.0]);
    match class {
        Class::Integer => {
            out.extend(
                numbers
                    .filter(|x| x.fract() == 0.0)
                    .map(|x| Value::Integer(x as i64)),
            );
            out.extend([0, 1, -1, 2, 10, 100].map(Value::Integer));
        }
        Class::Real => {
            out.extend(numbers.map(Value::Real));
            out.extend([0.0, 1.0, -1.0, 0.5].map(Value::Real));
        }
        Class::Text => {
            out.extend(t.texts.iter().cloned().map(Value::Text));
            // CHECK (length(code) = 3)
            out.extend(
                t.numbers
                    .iter()
                    .filter(|x| x.fract() == 0.0 && (1.0..=64.0).contains(*x))
                    .map(|&x| Value::Text("x".repeat(x as usize))),
            );
            out.extend(["", "a", "A", "0", "1"].map(|s| Value::Text(s.into())));
        }
        Class::Blob => {
            out.extend([Value::Blob(vec![0; 16]), Value::Blob(Vec::new())]);
        }
        Class::Any => {
            out.extend(t.texts.iter().cloned().map(Value::Text));
            out.extend(numbers.map(|x| {
                if x.fract() == 0.0 {
                    Value::Integer(x as i64)
                } else {
                    Value::Real(x)
                }
            }));
            out.extend([
                Value::Integer(0),
                Value::Integer(1),
                Value::Text("a".into()),
            ]);
        }
    }
    out.dedup();
    out
}

/// What a column holds, for choosing its values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Integer,
    Real,
    Text,
    Blob,
    /// NUMERIC, untyped or STRICT ANY: numbers and text alike.
    Any,
}

impl Class {
    fn of(strict: bool, c: &ColumnInfo) -> Class {
        if strict {
            return match c.decl.as_str() {
                "INT" | "INTEGER" => Class::Integer,
                "REAL" => Class::Real,
                "TEXT" => Class::Text,
                "BLOB" => Class::Blob,
                _ => Class::Any,
            };
        }
        match c.affinity {
            Affinity::Integer => Class::Integer,
            Affinity::Real => Class::Real,
            Affinity::Text => Class::Text,
            Affinity::Blob if c.decl.is_empty() => Class::Any,
            Affinity::Blob => Class::Blob,
            Affinity::Numeric => Class::Any,
        }
    }
}

/// The preferred value of row `n` (from 1): what the declared type says
/// the column holds, distinct from row to row.
fn generic(class: Class, decl: &str, n: i64) -> Value {
    let says = |word: &str| decl.contains(word);
    match class {
        Class::Integer if says("BOOL") => Value::Integer(n % 2),
        Class::Integer => Value::Integer(BASE + n),
        Class::Real => Value::Real(BASE as f64 + n as f64 + 0.5),
        Class::Blob => Value::Blob(vec![0xd1, 0xf7, n as u8]),
        Class::Text | Class::Any => {
            if says("BOOL") {
                Value::Integer(n % 2)
            } else if says("DATE") || says("TIME") {
                let date = format!("2024-01-{:02}", n % 28 + 1);
                let time = format!("12:34:{:02}", n % 60);
                Value::Text(
                    if says("DATETIME") || says("TIMESTAMP") || (says("DATE") && says("TIME")) {
                        format!("{date} {time}")
                    } else if says("DATE") {
                        date
                    } else {
                        time
                    },
                )
            } else if says("JSON") {
                Value::Text(format!("{{\"synthetic\":{n}}}"))
            } else if says("UUID") || says("GUID") {
                Value::Text(format!("00000000-0000-4000-8000-{n:012}"))
            } else if class == Class::Any && !(says("CHAR") || says("TEXT") || says("CLOB")) {
                Value::Integer(BASE + n)
            } else {
                Value::Text(format!("synthetic {n}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(sql: &str) -> Connection {
        let conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch("PRAGMA foreign_keys = ON;").expect("fk");
        conn.execute_batch(sql).expect("schema");
        conn
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    fn filled(conn: &Connection) -> Vec<Unfilled> {
        let names = tables(conn).expect("tables");
        fill(conn, &names).expect("fill")
    }

    #[test]
    fn three_rows_with_nulls_values_and_defaults() {
        let conn = db(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, \
                       score INTEGER NOT NULL DEFAULT 5, made DATETIME)",
        );
        assert!(filled(&conn).is_empty());
        assert_eq!(count(&conn, "SELECT count(*) FROM t"), 3);
        assert_eq!(count(&conn, "SELECT count(*) FROM t WHERE note IS NULL"), 2);
        assert_eq!(count(&conn, "SELECT count(*) FROM t WHERE score = 5"), 1);
        assert_eq!(count(&conn, "SELECT count(DISTINCT name) FROM t"), 3);
        // ids are far from those seed data uses
        assert_eq!(count(&conn, "SELECT min(id) > 1000 FROM t"), 1);
        let made: String = conn
            .query_row("SELECT made FROM t WHERE made IS NOT NULL", [], |r| {
                r.get(0)
            })
            .expect("a date");
        assert_eq!(made, "2024-01-03 12:34:02");
    }

    #[test]
    fn check_constraints_take_their_literals() {
        let conn = db(
            "CREATE TABLE t (state TEXT NOT NULL CHECK (state IN ('open', 'done')), \
                       code TEXT NOT NULL CHECK (length(code) = 3), \
                       level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), \
                       lo INTEGER, hi INTEGER, CHECK (lo < hi))",
        );
        assert!(filled(&conn).is_empty());
        assert_eq!(count(&conn, "SELECT count(*) FROM t"), 3);
    }

    #[test]
    fn foreign_keys_point_at_parent_rows() {
        let conn = db("CREATE TABLE child (id INTEGER PRIMARY KEY, \
                         p INTEGER NOT NULL REFERENCES parent (id), \
                         q TEXT REFERENCES parent (code));
                       CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);
                       CREATE TABLE tree (id INTEGER PRIMARY KEY, up INTEGER NOT NULL REFERENCES tree);
                       CREATE TABLE pair (a INTEGER, b TEXT, PRIMARY KEY (a, b));
                       CREATE TABLE uses_pair (a INTEGER NOT NULL, b TEXT NOT NULL, FOREIGN KEY (a, b) REFERENCES pair);");
        assert!(filled(&conn).is_empty());
        assert_eq!(count(&conn, "SELECT count(*) FROM child"), 3);
        assert_eq!(count(&conn, "SELECT count(*) FROM tree"), 3);
        assert!(count(&conn, "SELECT count(*) FROM uses_pair") >= 1);
        let violations: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")
            .expect("check")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        assert!(violations.is_empty(), "{violations:?}");
    }

    #[test]
    fn strict_tables_get_their_exact_types() {
        let conn = db(
            "CREATE TABLE s (i INTEGER NOT NULL, r REAL NOT NULL, t TEXT NOT NULL, \
                       b BLOB NOT NULL, a ANY) STRICT",
        );
        assert!(filled(&conn).is_empty());
        assert_eq!(count(&conn, "SELECT count(*) FROM s"), 3);
    }

    #[test]
    fn a_table_no_row_fits_is_reported_with_sqlite_words() {
        let conn = db("CREATE TABLE never (x INTEGER NOT NULL CHECK (x <> x));
                       CREATE TABLE orphan (p INTEGER NOT NULL REFERENCES never (x))");
        let unfilled = filled(&conn);
        assert_eq!(unfilled.len(), 2, "{unfilled:?}");
        assert_eq!(unfilled[0].table, "never");
        assert!(
            unfilled[0].reason.contains("CHECK constraint failed"),
            "{unfilled:?}"
        );
        assert_eq!(unfilled[1].table, "orphan");
        assert!(
            unfilled[1].reason.contains("`never` holds no rows"),
            "{unfilled:?}"
        );
    }

    #[test]
    fn virtual_and_shadow_tables_are_left_alone() {
        let conn = db("CREATE VIRTUAL TABLE docs USING fts5 (body); CREATE TABLE t (x TEXT)");
        assert_eq!(tables(&conn).expect("tables"), ["t"]);
    }
}
