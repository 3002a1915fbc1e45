//! The migration a model change needs: what `driftless new NAME
//! --from-models` writes. The models are compared with the schema the
//! migrations produce; each difference becomes a statement, with its undo
//! for the down migration and a line saying why.
//!
//! Written: `CREATE TABLE` for a struct without a table, `ADD COLUMN` for a
//! field without a column (a NOT NULL one needs a default for the rows the
//! table holds: a placeholder that cannot run until someone writes one),
//! `RENAME COLUMN` when asked (`--rename old=new`; never guessed), `DROP
//! COLUMN` when asked (`--drop`), and SQLite's 12-step rebuild for a
//! nullability or type change (indexes, triggers and views recreated, the
//! foreign keys checked; NULLs of a column made NOT NULL need a value).

use crate::check::{FieldDef, ModelDef};
use crate::rust_type::RustKind;
use crate::scan::quote;
use crate::schema::{Column, Schema, Table};

/// What to do beyond adding: drops and renames, which lose or move data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Drop columns no model maps (`--drop`).
    pub drop: bool,
    /// Column renames, `old` to `new` (`--rename old=new`).
    pub renames: Vec<(String, String)>,
}

/// The migration planned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Planned {
    /// The up migration's SQL (empty: nothing to do).
    pub up: String,
    /// The down migration's SQL, undoing `up` in reverse order.
    pub down: String,
    /// What was written and why, one line each.
    pub changes: Vec<String>,
    /// What needs a person: placeholders to fill, renames to confirm,
    /// changes not written.
    pub warnings: Vec<String>,
    /// Whether `up` holds a placeholder that must be filled before it runs.
    pub needs_review: bool,
}

/// The text a NOT NULL column's default placeholder holds: not SQL, so the
/// migration fails to run (and `check` fails) until a person replaces it.
pub const PLACEHOLDER: &str = "<driftless: a default for the rows the table already holds>";

/// Plans the migration that makes `schema` fit `models`.
///
/// ```
/// use driftless_migrations::{FieldDef, ModelDef, Schema};
/// use driftless_migrations::plan::{PlanOptions, plan};
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")?;
/// let schema = Schema::read(&conn)?;
/// let game = ModelDef {
///     name: "Game".into(), table: "games".into(), table_explicit: true, partial: false,
///     fields: vec![FieldDef::new("id", "i64"), FieldDef::new("name", "String"), FieldDef::new("completed_at", "Option<String>")],
///     read_by: Default::default(),
/// };
/// let planned = plan(&schema, &[game], &PlanOptions::default());
/// assert_eq!(planned.up, "ALTER TABLE games ADD COLUMN completed_at TEXT;\n");
/// assert_eq!(planned.down, "ALTER TABLE games DROP COLUMN completed_at;\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan(schema: &Schema, models: &[ModelDef], options: &PlanOptions) -> Planned {
    let mut planned = Planned::default();
    let mut up: Vec<String> = Vec::new();
    let mut down: Vec<String> = Vec::new();
    for (table, models) in by_table(models) {
        let found = schema
            .tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(&table));
        let is_view = schema
            .views
            .iter()
            .any(|v| v.name.eq_ignore_ascii_case(&table));
        match found {
            None if is_view => planned.warnings.push(format!(
                "`{table}` is a view: change the view's query by hand ({})",
                names(&models)
            )),
            None => create_table(&table, &models, &mut up, &mut down, &mut planned),
            Some(t) => alter_table(
                schema,
                t,
                &models,
                options,
                &mut up,
                &mut down,
                &mut planned,
            ),
        }
    }
    if !up.is_empty() {
        planned.up = up.concat();
        down.reverse();
        planned.down = down.concat();
    }
    planned
}

/// The models of each table, tables in the order models name them.
fn by_table(models: &[ModelDef]) -> Vec<(String, Vec<&ModelDef>)> {
    let mut out: Vec<(String, Vec<&ModelDef>)> = Vec::new();
    for m in models {
        match out
            .iter_mut()
            .find(|(t, _)| t.eq_ignore_ascii_case(&m.table))
        {
            Some((_, list)) => list.push(m),
            None => out.push((m.table.clone(), vec![m])),
        }
    }
    out
}

fn names(models: &[&ModelDef]) -> String {
    models
        .iter()
        .map(|m| format!("`{}`", m.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every field the models of one table map, by column, first mapping first.
fn fields<'m>(models: &[&'m ModelDef]) -> Vec<&'m FieldDef> {
    let mut out: Vec<&FieldDef> = Vec::new();
    for m in models {
        for f in &m.fields {
            if !out.iter().any(|o| o.column.eq_ignore_ascii_case(&f.column)) {
                out.push(f);
            }
        }
    }
    out
}

/// The SQL type a field's column gets: as `ADD COLUMN` suggestions type it,
/// with JSON as TEXT (JSON text, read back as text).
fn sql_type(f: &FieldDef) -> Option<&'static str> {
    if f.json {
        return Some("TEXT");
    }
    f.ty.kind.sql_type()
}

/// `id` as `i64`/`Option<i64>`: the rowid key.
fn is_rowid_key(f: &FieldDef) -> bool {
    f.column.eq_ignore_ascii_case("id") && f.ty.kind == RustKind::Integer
}

fn create_table(
    table: &str,
    models: &[&ModelDef],
    up: &mut Vec<String>,
    down: &mut Vec<String>,
    planned: &mut Planned,
) {
    let mut lines = Vec::new();
    for f in fields(models) {
        let mut line = format!("    {}", quote(&f.column));
        if let Some(t) = sql_type(f) {
            line.push(' ');
            line.push_str(t);
        }
        if is_rowid_key(f) {
            line = format!("    {} INTEGER PRIMARY KEY", quote(&f.column));
        } else if !f.ty.optional {
            line.push_str(" NOT NULL");
        }
        lines.push(line);
    }
    up.push(format!(
        "CREATE TABLE {} (\n{}\n);\n",
        quote(table),
        lines.join(",\n")
    ));
    down.push(format!("DROP TABLE {};\n", quote(table)));
    planned.changes.push(format!(
        "create table `{table}`: {} has no table",
        names(models)
    ));
}

fn alter_table(
    schema: &Schema,
    table: &Table,
    models: &[&ModelDef],
    options: &PlanOptions,
    up: &mut Vec<String>,
    down: &mut Vec<String>,
    planned: &mut Planned,
) {
    let t = quote(&table.name);
    let wanted = fields(models);
    // a rebuild runs first, on the table as it is (before renames and adds)
    let (up_start, down_start) = (up.len(), down.len());
    let column = |name: &str| -> Option<&Column> {
        table
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    };
    let mapped = |c: &Column| {
        wanted
            .iter()
            .any(|f| f.column.eq_ignore_ascii_case(&c.name))
    };
    let mut renamed_from: Vec<String> = Vec::new();
    let insertable = models.iter().any(|m| !m.partial);
    let mut changes: Vec<Change> = Vec::new();
    for f in &wanted {
        if let Some(c) = column(&f.column) {
            if let Some(change) = change_for(table, c, f, insertable) {
                changes.push(change);
            }
            continue;
        }
        // a rename the user asked for
        let rename = options.renames.iter().find(|(old, new)| {
            new.eq_ignore_ascii_case(&f.column) && column(old).is_some_and(|c| !mapped(c))
        });
        if let Some((old, _)) = rename {
            let old = column(old).map_or(old.as_str(), |c| c.name.as_str());
            up.push(format!(
                "ALTER TABLE {t} RENAME COLUMN {} TO {};\n",
                quote(old),
                quote(&f.column)
            ));
            down.push(format!(
                "ALTER TABLE {t} RENAME COLUMN {} TO {};\n",
                quote(&f.column),
                quote(old)
            ));
            planned.changes.push(format!(
                "rename `{}.{old}` to `{}` (--rename)",
                table.name, f.column
            ));
            renamed_from.push(old.to_ascii_lowercase());
            continue;
        }
        let unmapped = table
            .columns
            .iter()
            .filter(|c| !mapped(c))
            .map(|c| c.name.as_str());
        if let Some(close) = crate::check::nearest(&f.column, unmapped) {
            planned.warnings.push(format!(
                "`{}.{close}` has no field, and field `{}` no column: if it was renamed, pass `--rename {close}={}` instead of adding a column",
                table.name, f.name, f.column
            ));
        }
        add_column(table, f, up, down, planned);
    }
    if !changes.is_empty() {
        let (mut rebuild_up, mut rebuild_down) = (Vec::new(), Vec::new());
        rebuild_for(
            schema,
            table,
            &changes,
            &mut rebuild_up,
            &mut rebuild_down,
            planned,
        );
        up.splice(up_start..up_start, rebuild_up);
        down.splice(down_start..down_start, rebuild_down);
    }
    if options.drop && models.iter().any(|m| !m.partial) {
        for c in table
            .columns
            .iter()
            .filter(|c| !mapped(c) && !renamed_from.contains(&c.name.to_ascii_lowercase()))
        {
            up.push(format!(
                "-- driftless: dropping `{}` deletes its data (--drop)\nALTER TABLE {t} DROP COLUMN {};\n",
                c.name,
                quote(&c.name)
            ));
            down.push(format!(
                "ALTER TABLE {t} ADD COLUMN {};\n",
                column_definition(c)
            ));
            planned.changes.push(format!(
                "drop `{}.{}`: no field maps it (--drop)",
                table.name, c.name
            ));
        }
    }
}

/// A column whose nullability or type the models change.
struct Change {
    column: String,
    field: String,
    /// `Some(true)`: becomes NOT NULL; `Some(false)`: becomes nullable.
    not_null: Option<bool>,
    /// Its new declared type.
    decl_type: Option<&'static str>,
}

/// What the field asks of its column: NOT NULL for a field that is not an
/// `Option`; nullable for an `Option` an insert may leave `None` (NOT NULL
/// without a default); a type that reads the field's.
fn change_for(table: &Table, c: &Column, f: &FieldDef, insertable: bool) -> Option<Change> {
    let not_null = if !c.not_null && !f.ty.optional && !is_rowid_key(f) && c.primary_key == 0 {
        Some(true)
    } else if c.not_null && f.ty.optional && insertable && c.default.is_none() && c.primary_key == 0
    {
        Some(false)
    } else {
        None
    };
    let decl_type = sql_type(f)
        .filter(|_| !crate::rust_type::accepts(c, table.strict, f.kind()))
        .filter(|_| c.primary_key == 0);
    (not_null.is_some() || decl_type.is_some()).then(|| Change {
        column: c.name.clone(),
        field: f.name.clone(),
        not_null,
        decl_type,
    })
}

/// The table as the changes leave it: its CREATE statement with the
/// columns' definitions edited, and its columns.
fn changed_table(have: &Table, changes: &[Change]) -> Table {
    let mut want = have.clone();
    let defs = crate::ddl::column_definitions(&have.sql);
    for change in changes {
        let Some((_, def)) = defs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&change.column))
        else {
            continue;
        };
        let Some(column) = want
            .columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(&change.column))
        else {
            continue;
        };
        let mut new_def = def.clone();
        if let Some(t) = change.decl_type {
            new_def = if column.decl_type.is_empty() {
                // the name as the definition writes it: its first token
                let name_len = crate::scan::significant(&new_def)
                    .next()
                    .map_or(new_def.len(), |token| token.offset + token.text.len());
                match (new_def.get(..name_len), new_def.get(name_len..)) {
                    (Some(name), Some(rest)) => format!("{name} {t}{rest}"),
                    _ => format!("{new_def} {t}"),
                }
            } else {
                new_def.replacen(&column.decl_type, t, 1)
            };
            column.decl_type = t.to_string();
            column.affinity = crate::schema::Affinity::of(t);
        }
        match change.not_null {
            Some(true) => new_def.push_str(" NOT NULL"),
            Some(false) => new_def = without_not_null(&new_def),
            None => {}
        }
        if let Some(n) = change.not_null {
            column.not_null = n;
        }
        want.sql = want.sql.replacen(def.as_str(), &new_def, 1);
    }
    want
}

/// A column definition without its `NOT NULL`.
fn without_not_null(def: &str) -> String {
    let words: Vec<&str> = def.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i].eq_ignore_ascii_case("NOT")
            && words
                .get(i + 1)
                .is_some_and(|w| w.eq_ignore_ascii_case("NULL"))
        {
            i += 2;
            continue;
        }
        out.push(words[i]);
        i += 1;
    }
    out.join(" ")
}

/// SQLite's 12-step rebuild for the changes, and the rebuild back; a column
/// made NOT NULL is copied through a placeholder default for its NULLs.
fn rebuild_for(
    schema: &Schema,
    have: &Table,
    changes: &[Change],
    up: &mut Vec<String>,
    down: &mut Vec<String>,
    planned: &mut Planned,
) {
    let want = changed_table(have, changes);
    let mut expected = schema.clone();
    if let Some(t) = expected.tables.iter_mut().find(|t| t.name == have.name) {
        *t = want.clone();
    }
    let fill: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c.not_null == Some(true))
        .map(|c| {
            (
                c.column.clone(),
                format!("coalesce({}, {PLACEHOLDER})", quote(&c.column)),
            )
        })
        .collect();
    if !fill.is_empty() {
        planned.needs_review = true;
    }
    up.push(format!(
        "{}\n",
        crate::ddl::rebuild_filling(&want, have, &expected, schema, &fill)
    ));
    down.push(format!(
        "{}\n",
        crate::ddl::rebuild(have, &want, schema, &expected)
    ));
    for c in changes {
        let what = match (c.not_null, c.decl_type) {
            (Some(true), _) => "NOT NULL (its NULLs need the placeholder's value)".to_string(),
            (Some(false), _) => "nullable".to_string(),
            (None, Some(t)) => t.to_string(),
            (None, None) => continue,
        };
        planned.changes.push(format!(
            "rebuild `{}`: `{}` becomes {what}, for field `{}`",
            have.name, c.column, c.field
        ));
    }
}

fn add_column(
    table: &Table,
    f: &FieldDef,
    up: &mut Vec<String>,
    down: &mut Vec<String>,
    planned: &mut Planned,
) {
    let t = quote(&table.name);
    let mut def = quote(&f.column);
    if let Some(ty) = sql_type(f) {
        def.push(' ');
        def.push_str(ty);
    }
    if let Some(d) = &f.default {
        // the user's own default (`#[model(default = "...")]`)
        if !f.ty.optional {
            def.push_str(" NOT NULL");
        }
        def.push_str(&format!(" DEFAULT {d}"));
    } else if !f.ty.optional {
        def.push_str(&format!(" NOT NULL DEFAULT {PLACEHOLDER}"));
        planned.needs_review = true;
        planned.warnings.push(format!(
            "`{}.{}` is NOT NULL: write the default its existing rows get in place of the placeholder, \
             or give the field `#[model(default = \"...\")]`",
            table.name, f.column
        ));
    }
    up.push(format!("ALTER TABLE {t} ADD COLUMN {def};\n"));
    down.push(format!(
        "ALTER TABLE {t} DROP COLUMN {};\n",
        quote(&f.column)
    ));
    planned.changes.push(format!(
        "add `{}.{}`: field `{}` has no column",
        table.name, f.column, f.name
    ));
}

/// A column as `ADD COLUMN` writes it back: its declared type, NOT NULL and
/// default as the schema has them.
fn column_definition(c: &Column) -> String {
    let mut def = quote(&c.name);
    if !c.decl_type.is_empty() {
        def.push(' ');
        def.push_str(&c.decl_type);
    }
    if c.not_null {
        def.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        def.push_str(" DEFAULT ");
        def.push_str(d);
    }
    def
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(sql: &str) -> Schema {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("schema");
        Schema::read(&conn).expect("read")
    }

    fn model(table: &str, fields: &[(&str, &str)]) -> ModelDef {
        ModelDef {
            name: "M".into(),
            table: table.into(),
            table_explicit: true,
            partial: false,
            fields: fields.iter().map(|(n, t)| FieldDef::new(n, t)).collect(),
            read_by: crate::ReadBy::Driftless,
        }
    }

    /// Runs `up` then `down` on a copy of the schema: down must restore it.
    fn round_trip(sql: &str, planned: &Planned) {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("schema");
        let before = Schema::read(&conn).expect("read");
        conn.execute_batch(&planned.up).expect("up runs");
        conn.execute_batch(&planned.down).expect("down runs");
        assert_eq!(Schema::read(&conn).expect("read"), before);
    }

    #[test]
    fn a_struct_without_a_table_is_created() {
        let planned = plan(
            &schema(""),
            &[model(
                "games",
                &[
                    ("id", "Option<i64>"),
                    ("name", "String"),
                    ("score", "Option<f64>"),
                    ("data", "Vec<u8>"),
                ],
            )],
            &PlanOptions::default(),
        );
        assert_eq!(
            planned.up,
            "CREATE TABLE games (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    score REAL,\n    data BLOB NOT NULL\n);\n"
        );
        assert_eq!(planned.down, "DROP TABLE games;\n");
        assert!(!planned.needs_review);
        round_trip("", &planned);
    }

    #[test]
    fn a_not_null_field_gets_a_placeholder_default() {
        let sql = "CREATE TABLE games (id INTEGER PRIMARY KEY);";
        let planned = plan(
            &schema(sql),
            &[model("games", &[("id", "i64"), ("name", "String")])],
            &PlanOptions::default(),
        );
        assert_eq!(
            planned.up,
            format!("ALTER TABLE games ADD COLUMN name TEXT NOT NULL DEFAULT {PLACEHOLDER};\n")
        );
        assert!(planned.needs_review);
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("schema");
        assert!(
            conn.execute_batch(&planned.up).is_err(),
            "a placeholder must not run"
        );
    }

    #[test]
    fn a_default_the_model_gives_is_written() {
        let sql = "CREATE TABLE games (id INTEGER PRIMARY KEY);";
        let mut m = model("games", &[("id", "i64"), ("score", "i64")]);
        m.fields[1].default = Some("0".into());
        let planned = plan(&schema(sql), &[m], &PlanOptions::default());
        assert_eq!(
            planned.up,
            "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n"
        );
        assert!(!planned.needs_review);
        round_trip(sql, &planned);
    }

    #[test]
    fn renames_only_when_asked_and_drops_only_with_drop() {
        let sql = "CREATE TABLE games (id INTEGER PRIMARY KEY, player_name TEXT NOT NULL, legacy INTEGER);";
        let models = [model(
            "games",
            &[("id", "i64"), ("player", "Option<String>")],
        )];
        let guessed = plan(&schema(sql), &models, &PlanOptions::default());
        assert_eq!(guessed.up, "ALTER TABLE games ADD COLUMN player TEXT;\n");
        assert!(
            guessed
                .warnings
                .iter()
                .any(|w| w.contains("--rename player_name=player")),
            "{:?}",
            guessed.warnings
        );

        let options = PlanOptions {
            drop: true,
            renames: vec![("player_name".into(), "player".into())],
        };
        let planned = plan(&schema(sql), &models, &options);
        assert_eq!(
            planned.up,
            "ALTER TABLE games RENAME COLUMN player_name TO player;\n\
             -- driftless: dropping `legacy` deletes its data (--drop)\nALTER TABLE games DROP COLUMN legacy;\n"
        );
        assert_eq!(
            planned.down,
            "ALTER TABLE games ADD COLUMN legacy INTEGER;\nALTER TABLE games RENAME COLUMN player TO player_name;\n"
        );
        round_trip(sql, &planned);
    }

    #[test]
    fn nullability_and_type_changes_rebuild_the_table_keeping_rows_and_indexes() {
        let sql = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT, score TEXT);\n\
                   CREATE INDEX games_name ON games (name);\n\
                   INSERT INTO games (name, score) VALUES (NULL, '3'), ('quiz', '5');";
        let models = [model(
            "games",
            &[("id", "i64"), ("name", "String"), ("score", "Option<i64>")],
        )];
        let planned = plan(&schema(sql), &models, &PlanOptions::default());
        assert!(planned.needs_review, "NULL names need a value");
        assert!(
            planned.up.contains(&format!(
                "SELECT \"id\", coalesce(name, {PLACEHOLDER}), score FROM games"
            )) || planned.up.contains(&format!(
                "SELECT id, coalesce(name, {PLACEHOLDER}), score FROM games"
            )),
            "{}",
            planned.up
        );
        assert!(planned.up.contains("name TEXT NOT NULL"), "{}", planned.up);
        assert!(planned.up.contains("score INTEGER"), "{}", planned.up);
        assert!(
            planned
                .up
                .contains("CREATE INDEX games_name ON games (name);"),
            "{}",
            planned.up
        );
        assert_eq!(planned.changes.len(), 2, "{:?}", planned.changes);

        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("schema and rows");
        let before = Schema::read(&conn).expect("read");
        conn.execute_batch(&planned.up.replace(PLACEHOLDER, "'?'"))
            .expect("up, reviewed");
        let names: Vec<String> = conn
            .prepare("SELECT name FROM games ORDER BY id")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("names");
        assert_eq!(names, ["?", "quiz"], "every row kept, the NULL filled");
        let after = Schema::read(&conn).expect("read");
        assert!(after.tables[0].columns[1].not_null);
        assert_eq!(after.indexes.len(), 1);
        conn.execute_batch(&planned.down).expect("down");
        // the same schema (a rebuilt table's name comes back quoted)
        let restored = Schema::read(&conn).expect("read");
        assert!(
            crate::diff::diff(&before, &restored).is_empty(),
            "{restored:?}"
        );
    }

    #[test]
    fn nothing_to_do_writes_nothing() {
        let sql = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
        let planned = plan(
            &schema(sql),
            &[model("games", &[("id", "i64"), ("name", "String")])],
            &PlanOptions::default(),
        );
        assert_eq!(planned, Planned::default());
    }
}
