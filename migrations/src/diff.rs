//! Comparing two schemas: what a live database has against what its applied
//! migrations produce, each difference with the SQL that would reconcile it.
//!
//! The fix SQL is meant to be reviewed and saved as a new migration, never
//! typed into a production shell.

use std::collections::BTreeSet;

use crate::ddl::{can_add, can_drop, column_definitions, normalized, rebuild, table_constraints};
use crate::scan::quote;
use crate::schema::{Column, Schema, Table};

/// What kind of object differs, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiffKind {
    /// The migrations create a table the database lacks.
    MissingTable,
    /// The database has a table no applied migration creates.
    ExtraTable,
    /// The migrations create a column the database lacks.
    MissingColumn,
    /// The database has a column no applied migration creates.
    ExtraColumn,
    /// A column's type, nullability, default, key or generation differs.
    ChangedColumn,
    /// A table's STRICT or WITHOUT ROWID differs.
    ChangedTable,
    /// An index is missing, extra or different.
    Index,
    /// A view is missing, extra or different.
    View,
    /// A trigger is missing, extra or different.
    Trigger,
}

/// One difference between the expected and the live schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// What differs.
    pub kind: DiffKind,
    /// For people: "column `games.paused_at` is in the database, but no applied migration creates it".
    pub description: String,
    /// SQL that makes the live schema match (empty when another difference's fix covers it).
    pub fix: String,
    /// Whether the fix deletes data.
    pub destructive: bool,
}

/// How the two schemas are named in descriptions.
#[derive(Clone, Copy, Debug)]
pub struct Sides<'a> {
    /// The schema wanted: "the migrations".
    pub expected: &'a str,
    /// The schema found: "the database".
    pub live: &'a str,
    /// Said of an object only the expected schema has: "the migrations create it".
    pub created: &'a str,
    /// Said of an object only the live schema has: "no applied migration creates it".
    pub not_created: &'a str,
}

impl Sides<'static> {
    /// A live database against its applied migrations.
    pub const DATABASE: Sides<'static> = Sides {
        expected: "the migrations",
        live: "the database",
        created: "the migrations create it",
        not_created: "no applied migration creates it",
    };
}

/// Every difference between `expected` (what the migrations produce) and
/// `live` (what the database has), tables first; [`diff_sides`] names the
/// two schemas otherwise.
///
/// ```
/// use driftless_migrations::{diff::diff, Schema};
/// let schema = |sql: &str| {
///     let conn = rusqlite::Connection::open_in_memory().unwrap();
///     conn.execute_batch(sql).unwrap();
///     Schema::read(&conn).unwrap()
/// };
/// let expected = schema("CREATE TABLE games (id INTEGER PRIMARY KEY, winners JSON)");
/// let live = schema("CREATE TABLE games (id INTEGER PRIMARY KEY)");
/// let diffs = diff(&expected, &live);
/// assert_eq!(diffs.len(), 1);
/// assert_eq!(diffs[0].fix, "ALTER TABLE games ADD COLUMN winners JSON;");
/// ```
pub fn diff(expected: &Schema, live: &Schema) -> Vec<Difference> {
    diff_sides(expected, live, &Sides::DATABASE)
}

/// [`diff`], with the schemas named by `sides` in the descriptions.
///
/// ```
/// use driftless_migrations::diff::{diff_sides, Sides};
/// use driftless_migrations::Schema;
/// let sides = Sides { expected: "before", live: "after", created: "before has it", not_created: "before lacks it" };
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE t (x)").unwrap();
/// let d = diff_sides(&Schema::default(), &Schema::read(&conn).unwrap(), &sides);
/// assert_eq!(d[0].description, "table `t` is in after, but before lacks it");
/// ```
pub fn diff_sides(expected: &Schema, live: &Schema, sides: &Sides<'_>) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut rebuilt = BTreeSet::new();
    for want in &expected.tables {
        match live.table(&want.name) {
            None => out.push(Difference {
                kind: DiffKind::MissingTable,
                description: format!(
                    "table `{}` is missing from {}, but {}",
                    want.name, sides.live, sides.created
                ),
                fix: format!("{};", want.sql),
                destructive: false,
            }),
            Some(have) => {
                if table_differs(want, have, expected, live, sides, &mut out) {
                    rebuilt.insert(want.name.to_ascii_lowercase());
                }
            }
        }
    }
    for have in &live.tables {
        if expected.table(&have.name).is_none() {
            out.push(Difference {
                kind: DiffKind::ExtraTable,
                description: format!(
                    "table `{}` is in {}, but {}",
                    have.name, sides.live, sides.not_created
                ),
                fix: format!("DROP TABLE {};", quote(&have.name)),
                destructive: true,
            });
        }
    }
    indexes(expected, live, &rebuilt, sides, &mut out);
    let first_view = out.len();
    named_sql(
        DiffKind::View,
        "view",
        "VIEW",
        pairs(&expected.views, |v| (&v.name, &v.sql)),
        pairs(&live.views, |v| (&v.name, &v.sql)),
        sides,
        &mut out,
    );
    named_sql(
        DiffKind::Trigger,
        "trigger",
        "TRIGGER",
        pairs(&expected.triggers, |t| (&t.name, &t.sql)),
        pairs(&live.triggers, |t| (&t.name, &t.sql)),
        sides,
        &mut out,
    );
    if !rebuilt.is_empty() {
        // a rebuild drops every view and trigger and creates the expected ones (see `rebuild`)
        for d in &mut out[first_view..] {
            d.fix.clear();
        }
    }
    out
}

fn pairs<T>(items: &[T], f: impl Fn(&T) -> (&String, &String)) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            let (a, b) = f(i);
            (a.clone(), b.clone())
        })
        .collect()
}

/// Compares one table; returns whether it needs a rebuild (and pushed that).
fn table_differs(
    want: &Table,
    have: &Table,
    expected: &Schema,
    live: &Schema,
    sides: &Sides<'_>,
    out: &mut Vec<Difference>,
) -> bool {
    let mut found = Vec::new();
    let mut needs_rebuild = false;
    if want.strict != have.strict || want.without_rowid != have.without_rowid {
        needs_rebuild = true;
        found.push(Difference {
            kind: DiffKind::ChangedTable,
            description: format!(
                "table `{}` is{} STRICT and{} WITHOUT ROWID in {}, but{} STRICT and{} WITHOUT ROWID in {}",
                want.name,
                not(want.strict),
                not(want.without_rowid),
                sides.expected,
                not(have.strict),
                not(have.without_rowid),
                sides.live
            ),
            fix: String::new(),
            destructive: false,
        });
    }
    let definitions = column_definitions(&want.sql);
    let live_definitions = column_definitions(&have.sql);
    let (want_constraints, have_constraints) =
        (table_constraints(&want.sql), table_constraints(&have.sql));
    if want_constraints != have_constraints {
        needs_rebuild = true;
        let shown = |c: &[String]| {
            if c.is_empty() {
                "none".to_string()
            } else {
                c.join(", ")
            }
        };
        found.push(Difference {
            kind: DiffKind::ChangedTable,
            description: format!(
                "table `{}` has the constraints {} in {}, but {} in {}",
                want.name,
                shown(&want_constraints),
                sides.expected,
                shown(&have_constraints),
                sides.live
            ),
            fix: String::new(),
            destructive: false,
        });
    }
    for col in &want.columns {
        match have
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&col.name))
        {
            None => {
                let def = definitions
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&col.name))
                    .map(|(_, d)| d.clone());
                let addable = can_add(col) && def.is_some();
                needs_rebuild |= !addable;
                found.push(Difference {
                    kind: DiffKind::MissingColumn,
                    description: format!(
                        "column `{}.{}` is missing from {}, but {}",
                        want.name, col.name, sides.live, sides.created
                    ),
                    fix: match def {
                        Some(def) if addable => {
                            format!("ALTER TABLE {} ADD COLUMN {def};", quote(&want.name))
                        }
                        _ => String::new(),
                    },
                    destructive: false,
                });
            }
            Some(live) if !same_column(col, live) => {
                needs_rebuild = true;
                found.push(Difference {
                    kind: DiffKind::ChangedColumn,
                    description: format!(
                        "column `{}.{}` is {} in {}, but {} in {}",
                        want.name,
                        col.name,
                        describe(col),
                        sides.expected,
                        describe(live),
                        sides.live
                    ),
                    fix: String::new(),
                    destructive: false,
                });
            }
            // a CHECK, UNIQUE, COLLATE or REFERENCES added to the column
            Some(_) => {
                let def = |defs: &[(String, String)]| {
                    defs.iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(&col.name))
                        .map(|(_, d)| constraints_of(d))
                };
                let (wanted, found_def) = (def(&definitions), def(&live_definitions));
                if let (Some(wanted), Some(found_def)) = (wanted, found_def)
                    && wanted != found_def
                {
                    needs_rebuild = true;
                    found.push(Difference {
                        kind: DiffKind::ChangedColumn,
                        description: format!(
                            "column `{}.{}` is defined `{wanted}` in {}, but `{found_def}` in {}",
                            want.name, col.name, sides.expected, sides.live
                        ),
                        fix: String::new(),
                        destructive: false,
                    });
                }
            }
        }
    }
    for col in &have.columns {
        if want
            .columns
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&col.name))
        {
            continue;
        }
        let droppable = can_drop(have, col, live);
        needs_rebuild |= !droppable;
        found.push(Difference {
            kind: DiffKind::ExtraColumn,
            description: format!(
                "column `{}.{}` is in {}, but {}",
                have.name, col.name, sides.live, sides.not_created
            ),
            fix: if droppable {
                format!(
                    "ALTER TABLE {} DROP COLUMN {};",
                    quote(&have.name),
                    quote(&col.name)
                )
            } else {
                String::new()
            },
            destructive: true,
        });
    }
    if needs_rebuild {
        // one rebuild fixes every difference of the table: it carries the fix
        for d in &mut found {
            d.fix.clear();
        }
        let destructive = found.iter().any(|d| d.destructive);
        if let Some(first) = found.first_mut() {
            first.fix = rebuild(want, have, expected, live);
            first.destructive = destructive;
        }
    }
    out.extend(found);
    needs_rebuild
}

/// A column definition without its name, normalized for comparing.
fn constraints_of(definition: &str) -> String {
    let n = normalized(definition);
    n.split_once(' ')
        .map_or(String::new(), |(_, rest)| rest.to_string())
}

fn not(yes: bool) -> &'static str {
    if yes { "" } else { " not" }
}

fn describe(c: &Column) -> String {
    let mut s = if c.decl_type.is_empty() {
        "untyped".to_string()
    } else {
        c.decl_type.clone()
    };
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    if c.primary_key > 0 {
        s.push_str(" PRIMARY KEY");
    }
    if c.is_generated() {
        s.push_str(" GENERATED");
    }
    s
}

fn same_column(a: &Column, b: &Column) -> bool {
    a.decl_type.eq_ignore_ascii_case(&b.decl_type)
        && a.not_null == b.not_null
        && a.default == b.default
        && a.primary_key == b.primary_key
        && a.hidden == b.hidden
}

fn indexes(
    expected: &Schema,
    live: &Schema,
    rebuilt: &BTreeSet<String>,
    sides: &Sides<'_>,
    out: &mut Vec<Difference>,
) {
    let explicit = |s: &Schema, of_rebuilt: bool| -> Vec<(String, String)> {
        s.indexes
            .iter()
            .filter(|i| rebuilt.contains(&i.table.to_ascii_lowercase()) == of_rebuilt)
            .filter(|i| expected.table(&i.table).is_some() && live.table(&i.table).is_some())
            .filter_map(|i| i.sql.as_ref().map(|sql| (i.name.clone(), sql.clone())))
            .collect()
    };
    named_sql(
        DiffKind::Index,
        "index",
        "INDEX",
        explicit(expected, false),
        explicit(live, false),
        sides,
        out,
    );
    // a rebuilt table's indexes are dropped and recreated by its rebuild:
    // they are still differences to read, with the rebuild as their fix
    let mut of_rebuilt = Vec::new();
    named_sql(
        DiffKind::Index,
        "index",
        "INDEX",
        explicit(expected, true),
        explicit(live, true),
        sides,
        &mut of_rebuilt,
    );
    for mut d in of_rebuilt {
        d.fix.clear();
        out.push(d);
    }
    // indexes of a table missing from the database come with its fix
    for i in &expected.indexes {
        if live.table(&i.table).is_none()
            && let Some(sql) = &i.sql
        {
            out.push(Difference {
                kind: DiffKind::Index,
                description: format!(
                    "index `{}` is missing from {}, but {}",
                    i.name, sides.live, sides.created
                ),
                fix: format!("{sql};"),
                destructive: false,
            });
        }
    }
}

/// Objects compared by their CREATE statement: indexes, views, triggers.
fn named_sql(
    kind: DiffKind,
    noun: &str,
    keyword: &str,
    expected: Vec<(String, String)>,
    live: Vec<(String, String)>,
    sides: &Sides<'_>,
    out: &mut Vec<Difference>,
) {
    for (name, sql) in &expected {
        match live.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            None => out.push(Difference {
                kind,
                description: format!(
                    "{noun} `{name}` is missing from {}, but {}",
                    sides.live, sides.created
                ),
                fix: format!("{sql};"),
                destructive: false,
            }),
            Some((_, have)) if normalize_sql(have) != normalize_sql(sql) => out.push(Difference {
                kind,
                description: format!(
                    "{noun} `{name}` is defined differently in {} and in {}",
                    sides.expected, sides.live
                ),
                fix: format!("DROP {keyword} {};\n{sql};", quote(name)),
                destructive: false,
            }),
            Some(_) => {}
        }
    }
    for (name, _) in &live {
        if !expected.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            out.push(Difference {
                kind,
                description: format!(
                    "{noun} `{name}` is in {}, but {}",
                    sides.live, sides.not_created
                ),
                fix: format!("DROP {keyword} {};", quote(name)),
                destructive: false,
            });
        }
    }
}

/// The name a column definition starts with, unquoted.
fn normalize_sql(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn db(sql: &str) -> Connection {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("sql");
        conn
    }

    /// Applies the fixes to `live` and checks nothing differs any more.
    fn fixes_converge(expected_sql: &str, live_sql: &str) -> Vec<Difference> {
        let expected = Schema::read(&db(expected_sql)).expect("read");
        let live_conn = db(live_sql);
        let diffs = diff(&expected, &Schema::read(&live_conn).expect("read"));
        let fix: Vec<&str> = diffs.iter().map(|d| d.fix.as_str()).collect();
        live_conn
            .execute_batch(&fix.join("\n"))
            .expect("fix SQL runs");
        let after = diff(&expected, &Schema::read(&live_conn).expect("read"));
        assert!(
            after.is_empty(),
            "still differs after the fix: {after:#?}\nfix:\n{}",
            fix.join("\n")
        );
        diffs
    }

    const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, winners JSON);\
                         CREATE INDEX games_name ON games (name);\
                         CREATE VIEW named AS SELECT name FROM games;";

    #[test]
    fn identical_schemas_have_no_differences() {
        let s = Schema::read(&db(GAMES)).expect("read");
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn column_dropped_by_hand_is_added_back() {
        let diffs = fixes_converge(
            GAMES,
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\
             CREATE INDEX games_name ON games (name); CREATE VIEW named AS SELECT name FROM games;",
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].kind, DiffKind::MissingColumn);
        assert_eq!(diffs[0].fix, "ALTER TABLE games ADD COLUMN winners JSON;");
    }

    #[test]
    fn column_added_by_hand_is_dropped() {
        let diffs = fixes_converge(
            GAMES,
            &format!("{GAMES} ALTER TABLE games ADD COLUMN paused_at DATETIME;"),
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].kind, DiffKind::ExtraColumn);
        assert!(diffs[0].destructive);
        assert!(
            diffs[0]
                .description
                .contains("`games.paused_at` is in the database")
        );
    }

    #[test]
    fn changed_nullability_rebuilds_the_table_keeping_data_indexes_and_views() {
        let live = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT, winners JSON);\
                    CREATE INDEX games_name ON games (name); CREATE VIEW named AS SELECT name FROM games;\
                    INSERT INTO games (name) VALUES ('quiz');";
        let diffs = fixes_converge(GAMES, live);
        assert_eq!(diffs[0].kind, DiffKind::ChangedColumn);
        assert!(
            diffs[0]
                .description
                .contains("TEXT NOT NULL in the migrations, but TEXT in the database"),
            "{}",
            diffs[0].description
        );
        assert!(diffs[0].fix.contains("INSERT INTO"), "{}", diffs[0].fix);
    }

    #[test]
    fn a_rebuild_still_reports_and_drops_extra_views() {
        let live = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT, winners JSON);\
                    CREATE INDEX games_name ON games (name); CREATE VIEW named AS SELECT name FROM games;\
                    CREATE VIEW leaders AS SELECT name FROM games;";
        let diffs = fixes_converge(GAMES, live);
        assert!(
            diffs
                .iter()
                .any(|d| d.kind == DiffKind::View && d.description.contains("`leaders`")),
            "{diffs:#?}"
        );
    }

    #[test]
    fn a_rebuild_recreates_triggers_of_other_tables_that_use_it() {
        let expected = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\
                        CREATE TABLE log (x);\
                        CREATE TRIGGER log_games AFTER INSERT ON log BEGIN INSERT INTO games (name) VALUES ('x'); END;";
        let live = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);\
                    CREATE TABLE log (x);\
                    CREATE TRIGGER log_games AFTER INSERT ON log BEGIN INSERT INTO games (name) VALUES ('x'); END;";
        fixes_converge(expected, live);
    }

    #[test]
    fn not_null_column_without_default_needs_a_rebuild() {
        let diffs = fixes_converge(
            "CREATE TABLE t (a INTEGER, b TEXT NOT NULL)",
            "CREATE TABLE t (a INTEGER)",
        );
        assert!(
            diffs[0].fix.contains("CREATE TABLE t__driftless_new"),
            "{}",
            diffs[0].fix
        );
    }

    #[test]
    fn missing_and_extra_tables_indexes_views_triggers() {
        let diffs = fixes_converge(
            &format!(
                "{GAMES} CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER REFERENCES games (id));\
                      CREATE INDEX players_game ON players (game_id);\
                      CREATE TRIGGER t AFTER INSERT ON games BEGIN SELECT 1; END;"
            ),
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, winners JSON);\
             CREATE INDEX games_name ON games (name, winners);\
             CREATE TABLE scratch (x); CREATE VIEW old AS SELECT 1;",
        );
        let kinds: Vec<DiffKind> = diffs.iter().map(|d| d.kind).collect();
        assert!(kinds.contains(&DiffKind::MissingTable) && kinds.contains(&DiffKind::ExtraTable));
        assert!(
            kinds.contains(&DiffKind::Index)
                && kinds.contains(&DiffKind::View)
                && kinds.contains(&DiffKind::Trigger)
        );
    }

    #[test]
    fn a_commented_create_table_gives_clean_fixes() {
        // comments with commas and parentheses between the definitions used
        // to be read as definitions, and the fix SQL failed
        let diffs = fixes_converge(
            "CREATE TABLE games (\n\
               id INTEGER PRIMARY KEY, -- the key (the rowid, never NULL)\n\
               /* name, as shown ( */ name TEXT NOT NULL DEFAULT 'x',\n\
               winners JSON -- added later, see (0005)\n\
             );",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x');",
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].fix, "ALTER TABLE games ADD COLUMN winners JSON;");
    }

    #[test]
    fn a_column_named_in_a_string_or_comment_is_still_dropped_in_place() {
        let diffs = fixes_converge(
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT DEFAULT 'paused_at');",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT DEFAULT 'paused_at', -- paused_at\n paused_at DATETIME);",
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].fix, "ALTER TABLE games DROP COLUMN paused_at;");
    }

    #[test]
    fn an_apostrophe_in_a_comment_and_the_reverse_direction() {
        // `-- isn't` once opened a string that swallowed the rest of the
        // definitions, and ADD COLUMN became a rebuild
        let with_comment = "CREATE TABLE games (\n id INTEGER PRIMARY KEY, -- isn't null\n name TEXT,\n winners JSON\n);";
        let diffs = fixes_converge(
            with_comment,
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);",
        );
        assert_eq!(diffs[0].fix, "ALTER TABLE games ADD COLUMN winners JSON;");
        // the database's side as the wanted one (keeping a hand patch): the
        // rebuild's heading must not claim it follows the migrations
        let diffs = fixes_converge(
            "CREATE TABLE t (a INTEGER, b TEXT NOT NULL)",
            "CREATE TABLE t (a INTEGER)",
        );
        assert!(
            diffs[0]
                .fix
                .starts_with("-- rebuild `t` with the definition below, keeping its rows"),
            "{}",
            diffs[0].fix
        );
    }

    #[test]
    fn constraints_added_by_hand_are_differences() {
        // diff and verify said "matches" when the database added a CHECK,
        // UNIQUE, COLLATE or REFERENCES to a column, or a table constraint
        let expected =
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INT);";
        for live in [
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score INT);",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, score INT);",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INT CHECK (score >= 0));",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INT REFERENCES games (id));",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INT, UNIQUE (name, score));",
        ] {
            let diffs = fixes_converge(expected, live);
            assert_eq!(diffs.len(), 1, "{live}: {diffs:#?}");
            assert!(diffs[0].fix.contains("12-step"), "{live}: {}", diffs[0].fix);
        }
        // layout, case, quoting and comments are no difference
        let same = "CREATE TABLE \"GAMES\" (\n  id integer primary key, -- key\n  \"name\" text not null,\n  score int\n);";
        assert!(fixes_converge(expected, same).is_empty());
    }

    #[test]
    fn a_rebuilt_tables_index_differences_are_in_the_summary() {
        // the rebuild's SQL recreated the index, but the summary left it out
        let diffs = fixes_converge(
            "CREATE TABLE t (a INTEGER, b TEXT NOT NULL); CREATE INDEX t_b ON t (b);",
            "CREATE TABLE t (a INTEGER);",
        );
        let kinds: Vec<DiffKind> = diffs.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [DiffKind::MissingColumn, DiffKind::Index],
            "{diffs:#?}"
        );
        assert!(
            diffs[1].description.contains("index `t_b`"),
            "{}",
            diffs[1].description
        );
        assert!(diffs[1].fix.is_empty() && diffs[0].fix.contains("CREATE INDEX t_b"));
    }
}
