//! The model check: does a struct fit the schema the migrations produce?
//!
//! This is the whole logic behind `#[derive(Model)]`'s errors, as a plain
//! function so it can be unit-tested without a compiler in the loop. The
//! derive only turns each [`Problem`] into an error at the right span.

use crate::ddl::{add_column_sql, default_expression, default_stored_as_text};
use crate::rust_type::{FieldType, RustKind, accepts, affinity_fits, strict_fits};
use crate::schema::{Affinity, Column, Relation, Schema, Table};
use crate::snapshot::Snapshot;

/// A struct as the derive sees it, after its attributes are parsed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelDef {
    /// The struct's name.
    pub name: String,
    /// The table or view it maps.
    pub table: String,
    /// Whether `table` was given by `#[model(table = "...")]` (rather than derived from the name).
    pub table_explicit: bool,
    /// `#[model(partial)]`: a read-only projection of some columns.
    pub partial: bool,
    /// The mapped fields (`#[model(skip)]` fields are left out).
    pub fields: Vec<FieldDef>,
    /// Whose code reads the rows: what a column may hold for a field's type
    /// depends on its conversions.
    #[serde(default)]
    pub read_by: ReadBy,
}

/// Whose code reads a model's rows: its conversions decide what a column
/// may hold, and its attributes name the column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReadBy {
    /// `#[derive(Model)]`'s code, through rusqlite, for every rusqlite in
    /// driftless's range.
    #[default]
    Driftless,
    /// `#[derive(Check)]` on a struct with `#[sqlx(..)]` attributes.
    Sqlx,
    /// `#[derive(Check)]` on a struct with `#[diesel(..)]` attributes.
    Diesel,
    /// `#[derive(Check)]` on a struct with `#[sea_orm(..)]` attributes.
    SeaOrm,
    /// `#[derive(Check)]` on a struct without any of them: sqlx, diesel or
    /// SeaORM read the rows with conversions of their own (sqlx reads a
    /// date-time from a Unix timestamp).
    Library,
}

impl ReadBy {
    /// The attribute that maps a field to `column`, for help messages.
    ///
    /// ```
    /// use driftless_migrations::ReadBy;
    /// assert_eq!(ReadBy::SeaOrm.column_attribute("full_name"), "#[sea_orm(column_name = \"full_name\")]");
    /// ```
    pub fn column_attribute(self, column: &str) -> String {
        match self {
            ReadBy::Driftless => format!("#[model(column = \"{column}\")]"),
            ReadBy::Sqlx => format!("#[sqlx(rename = \"{column}\")]"),
            ReadBy::Diesel => format!("#[diesel(column_name = {column})]"),
            ReadBy::SeaOrm => format!("#[sea_orm(column_name = \"{column}\")]"),
            ReadBy::Library => format!(
                "your library's rename: #[sqlx(rename = \"{column}\")], \
                 #[diesel(column_name = {column})] or #[sea_orm(column_name = \"{column}\")]"
            ),
        }
    }
}

/// One mapped field.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldDef {
    /// The field's name.
    pub name: String,
    /// The column it maps.
    pub column: String,
    /// Its type.
    pub ty: FieldType,
    /// `#[model(json)]`: stored as JSON text.
    pub json: bool,
    /// `#[model(default = "...")]`: the SQL default a written migration
    /// gives the column.
    #[serde(default)]
    pub default: Option<String>,
}

impl FieldDef {
    /// A field whose column has the field's name.
    ///
    /// ```
    /// let f = driftless_migrations::FieldDef::new("score", "Option<i64>");
    /// assert_eq!(f.column, "score");
    /// assert!(f.ty.optional);
    /// ```
    pub fn new(name: &str, ty: &str) -> FieldDef {
        FieldDef {
            name: name.to_string(),
            column: name.to_string(),
            ty: FieldType::parse(ty),
            json: false,
            default: None,
        }
    }

    /// What the field reads as: JSON when it is marked so, else its type's kind.
    pub(crate) fn kind(&self) -> RustKind {
        if self.json {
            RustKind::Json
        } else {
            self.ty.kind
        }
    }
}

/// What a problem is about, so the derive can point at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// The table name: the `table = "..."` attribute, or the struct's name.
    Table,
    /// The struct as a whole.
    Struct,
    /// The field at this index of [`ModelDef::fields`]: its name or column.
    Field(usize),
    /// The type of the field at this index.
    FieldType(usize),
}

/// One disagreement between a model and the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What it is about.
    pub site: Site,
    /// The message: short, lowercase, names the table and column.
    pub message: String,
    /// What to do about it, one suggestion a line.
    pub help: Vec<String>,
}

impl Problem {
    fn new(site: Site, message: String) -> Problem {
        Problem {
            site,
            message,
            help: Vec::new(),
        }
    }

    fn help(mut self, help: String) -> Problem {
        self.help.push(help);
        self
    }

    /// The text users read: the message, where the schema came from, the help.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        let mut out = format!("{}\n{}", self.message, snapshot.source.describe());
        for h in &self.help {
            // a schema built by code takes a migration written in that code:
            // the SQL says what it must do, and `driftless new` writes none there
            let h = match &snapshot.source.built_by {
                Some(_) if h == FROM_MODELS => continue,
                Some(code) => match h.strip_prefix("add a migration, e.g. ") {
                    Some(sql) => format!("add a migration to `{code}`; in SQL: {sql}"),
                    None => h.clone(),
                },
                None => h.clone(),
            };
            out.push_str("\nhelp: ");
            out.push_str(&h);
        }
        out
    }
}

/// The outcome of [`check_model`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Every problem found; empty when the model fits.
    pub problems: Vec<Problem>,
    /// Whether to generate `insert`: a table, and not `partial`.
    pub insertable: bool,
    /// Indexes of the fields an insert writes (generated columns are left out).
    pub insert_fields: Vec<usize>,
    /// For each of `insert_fields`: the column's default, when the field is
    /// an `Option` on a NOT NULL column that has one, so that inserting
    /// `None` lets SQLite fill in the default (`COALESCE(?n, default)`).
    pub insert_defaults: Vec<Option<String>>,
    /// Whether `insert` can return a rowid (not for WITHOUT ROWID tables).
    pub has_rowid: bool,
}

/// Checks a model against a schema and returns every problem.
///
/// ```
/// use driftless_migrations::{check_model, FieldDef, ModelDef, ReadBy, Schema, Snapshot, Source, Site};
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").unwrap();
/// let snapshot = Snapshot { format: Snapshot::FORMAT, source: Source::default(), schema: Schema::read(&conn).unwrap() };
/// let model = ModelDef {
///     name: "Game".into(),
///     table: "games".into(),
///     table_explicit: false,
///     partial: false,
///     fields: vec![FieldDef::new("id", "i64"), FieldDef::new("name", "String"), FieldDef::new("winners", "Option<String>")],
///     read_by: ReadBy::Driftless,
/// };
/// let checked = check_model(&model, &snapshot.schema);
/// assert_eq!(checked.problems.len(), 1);
/// assert_eq!(checked.problems[0].site, Site::Field(2));
/// assert_eq!(checked.problems[0].message, "table `games` has no column `winners`");
/// ```
pub fn check_model(model: &ModelDef, schema: &Schema) -> Checked {
    let Some(relation) = schema.relation(&model.table) else {
        return Checked {
            problems: vec![missing_relation(model, schema)],
            ..Checked::default()
        };
    };
    if model.fields.is_empty() {
        // every other check would only repeat this one
        let p = Problem::new(
            Site::Struct,
            format!("`{}` maps no column of `{}`", model.name, relation.name()),
        )
        .help("a model needs at least one field that is not #[model(skip)]".into());
        return Checked {
            problems: vec![p],
            ..Checked::default()
        };
    }
    let mut problems = Vec::new();
    for (i, field) in model.fields.iter().enumerate() {
        if let RustKind::Unsupported(why) = field.kind() {
            problems.push(
                Problem::new(
                    Site::FieldType(i),
                    format!(
                        "field `{}` is `{}`, which cannot be stored",
                        field.name, field.ty.written
                    ),
                )
                .help(why.to_string()),
            );
            continue;
        }
        match relation.column(&field.column) {
            None => problems.push(missing_column(model, relation, i)),
            Some(column) => {
                problems.extend(nullability(relation, column, field, i));
                problems.extend(column_type(relation, column, field, i, model.read_by));
                problems.extend(text_default(relation, column, field, i));
            }
        }
    }
    let Relation::Table(table) = relation else {
        // a view is read, never inserted into
        return Checked {
            problems,
            ..Checked::default()
        };
    };
    if !model.partial {
        problems.extend(unmapped_required_columns(model, relation));
    }
    let mut insert_fields = Vec::new();
    let mut insert_defaults = Vec::new();
    for (i, f) in model.fields.iter().enumerate() {
        let Some(c) = relation.column(&f.column).filter(|c| !c.is_generated()) else {
            continue;
        };
        insert_fields.push(i);
        insert_defaults.push(
            (f.ty.optional && c.not_null)
                .then(|| c.default.as_deref().map(default_expression))
                .flatten(),
        );
    }
    if !model.partial {
        problems.extend(none_into_not_null(model, table));
    }
    Checked {
        problems,
        insertable: !model.partial,
        insert_fields,
        insert_defaults,
        has_rowid: !table.without_rowid,
    }
}

/// Check 7: inserting `None` into a NOT NULL column without a default fails
/// (the rowid key excepted: SQLite assigns it).
fn none_into_not_null(model: &ModelDef, table: &Table) -> Vec<Problem> {
    let rowid = table.rowid_alias().map(|c| c.name.as_str());
    model
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ty.optional)
        .filter_map(|(i, f)| {
            let c = table.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&f.column))?;
            let fails = c.not_null && c.default.is_none() && !c.is_generated() && Some(c.name.as_str()) != rowid;
            fails.then(|| {
                Problem::new(
                    Site::FieldType(i),
                    format!(
                        "column `{}.{}` is NOT NULL without a default, but field `{}` is `{}`: inserting `None` would fail",
                        table.name, c.name, f.name, f.ty.written
                    ),
                )
                .help(format!("use `{}`", f.ty.inner))
                .help("or mark the struct #[model(partial)] if it only reads".into())
                .help(FROM_MODELS.into())
            })
        })
        .collect()
}

/// The name most like `name` among `candidates`, if any is close.
///
/// ```
/// use driftless_migrations::check::nearest;
/// assert_eq!(nearest("tabel", ["table", "db", "partial"]), Some("table"));
/// assert_eq!(nearest("xyz", ["table", "db"]), None);
/// ```
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&name, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Check 1: the table or view must exist.
fn missing_relation(model: &ModelDef, schema: &Schema) -> Problem {
    let names: Vec<&str> = schema
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .chain(schema.views.iter().map(|v| v.name.as_str()))
        .collect();
    let mut p = Problem::new(
        Site::Table,
        format!("no table or view `{}` in the schema", model.table),
    );
    p = match nearest(&model.table, names.iter().copied()) {
        Some(near) => p.help(format!(
            "did you mean `{near}`? name it with #[model(table = \"{near}\")]"
        )),
        None if names.is_empty() => {
            p.help("the migrations create no tables yet: add a migration that creates it".into())
        }
        None => p.help(format!("the schema has: {}", names.join(", "))),
    };
    if !model.table_explicit {
        p = p.help(format!(
            "the table name defaults to the struct name in snake_case plus `s`: `{}`",
            model.table
        ));
    }
    p.help(FROM_MODELS.into())
}

/// The help line of every error `driftless new --from-models` fixes.
pub const FROM_MODELS: &str =
    "or run `driftless new <name> --from-models` to write the migration the models need";

/// Check 3: every mapped field needs its column.
fn missing_column(model: &ModelDef, relation: Relation<'_>, i: usize) -> Problem {
    let field = &model.fields[i];
    let (kind, name) = match relation {
        Relation::Table(t) => ("table", t.name.as_str()),
        Relation::View(v) => ("view", v.name.as_str()),
    };
    let mut p = Problem::new(
        Site::Field(i),
        format!("{kind} `{name}` has no column `{}`", field.column),
    );
    let unmapped = relation
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| {
            !model
                .fields
                .iter()
                .any(|f| f.column.eq_ignore_ascii_case(c))
        });
    let or = match nearest(&field.column, unmapped) {
        Some(near) => {
            p = p.help(format!(
                "did you mean `{near}`? map the field with {}",
                model.read_by.column_attribute(near)
            ));
            "or "
        }
        None => "",
    };
    match relation {
        Relation::Table(t) => p
            .help(format!(
                "{or}add a migration, e.g. {}",
                add_column_sql(&t.name, field)
            ))
            .help(FROM_MODELS.into()),
        Relation::View(_) => p.help(format!("{or}change the view's SELECT in a new migration")),
    }
}

/// Check 5b: a number field on a column whose default is stored as text
/// reads every row that took the default as text, and fails.
fn text_default(
    relation: Relation<'_>,
    column: &Column,
    field: &FieldDef,
    i: usize,
) -> Option<Problem> {
    if !matches!(
        field.kind(),
        RustKind::Integer | RustKind::Bool | RustKind::Float
    ) {
        return None;
    }
    let text = default_stored_as_text(column)?;
    Some(
        Problem::new(
            Site::FieldType(i),
            format!(
                "column `{}.{}` defaults to the text `{text}`, but field `{}` is `{}`: \
                 a row that takes the default cannot be read into it",
                relation.name(),
                column.name,
                field.name,
                field.ty.written
            ),
        )
        .help(format!(
            "give the column a default of its type in a migration (e.g. `DEFAULT {}`), or read it as `String`",
            field.kind().sql_default().unwrap_or("0")
        )),
    )
}

/// Check 4: a nullable column needs an `Option` field. Primary keys count as NOT
/// NULL (SQLite's legacy quirk would otherwise flag every `id TEXT PRIMARY
/// KEY`), and views carry no NOT NULL information at all.
fn nullability(
    relation: Relation<'_>,
    column: &Column,
    field: &FieldDef,
    i: usize,
) -> Option<Problem> {
    let Relation::Table(table) = relation else {
        return None;
    };
    let nullable = !column.not_null && column.primary_key == 0;
    if !nullable || field.ty.optional {
        return None;
    }
    Some(
        Problem::new(
            Site::FieldType(i),
            format!(
                "column `{}.{}` is nullable, but field `{}` is `{}`",
                table.name, column.name, field.name, field.ty.written
            ),
        )
        .help(format!("use `Option<{}>`", field.ty.written))
        .help(format!(
            "or make the column NOT NULL in a migration (rebuilding `{}`)",
            table.name
        ))
        .help(FROM_MODELS.into()),
    )
}

/// sqlx (and SeaORM and diesel on it, for their structs) reads a date and
/// time from a number as well as from text: `NaiveDateTime`,
/// `DateTime<Tz>`, `PrimitiveDateTime` and `OffsetDateTime` from an
/// integer (Unix seconds), chrono's also from a real (a Julian day). Dates
/// and times of day it reads from text only.
fn library_reads_number(column: &Column, strict: bool, field: &FieldDef) -> bool {
    if field.kind() != RustKind::DateTime || field.json {
        return false;
    }
    let inner = field.ty.inner.trim_start_matches("::");
    let name = inner.split('<').next().unwrap_or(inner);
    let name = name.rsplit("::").next().unwrap_or(name);
    let chrono = matches!(name, "NaiveDateTime" | "DateTime");
    if !chrono && !matches!(name, "PrimitiveDateTime" | "OffsetDateTime") {
        return false;
    }
    let integer = if strict {
        matches!(
            column.decl_type.to_ascii_uppercase().as_str(),
            "INT" | "INTEGER"
        )
    } else {
        column.affinity == Affinity::Integer
    };
    let real = if strict {
        column.decl_type.eq_ignore_ascii_case("REAL")
    } else {
        column.affinity == Affinity::Real
    };
    integer || (chrono && real)
}

/// Check 5: the field's type must read what the column holds.
fn column_type(
    relation: Relation<'_>,
    column: &Column,
    field: &FieldDef,
    i: usize,
    read_by: ReadBy,
) -> Option<Problem> {
    let kind = field.kind();
    let strict = matches!(relation, Relation::Table(t) if t.strict);
    if accepts(column, strict, kind)
        || (read_by != ReadBy::Driftless && library_reads_number(column, strict, field))
    {
        return None;
    }
    let what = if strict {
        format!(
            "{} in a STRICT table",
            column.decl_type.to_ascii_uppercase()
        )
    } else if column
        .decl_type
        .eq_ignore_ascii_case(column.affinity.name())
    {
        column.affinity.name().to_string()
    } else {
        format!("{} (affinity {})", column.decl_type, column.affinity.name())
    };
    let shown = if field.json {
        format!("{} (json)", field.ty.written)
    } else {
        field.ty.written.clone()
    };
    let fits = if strict {
        strict_fits(&column.decl_type)
    } else {
        affinity_fits(column.affinity)
    };
    let mut problem = Problem::new(
        Site::FieldType(i),
        format!(
            "field `{}` is `{shown}`, but column `{}.{}` is {what}",
            field.name,
            relation.name(),
            column.name
        ),
    );
    // the type to write, as nullability errors give it (`Option` kept)
    if let Some(ty) = suggested_type(column, strict) {
        let ty = if field.ty.optional {
            format!("Option<{ty}>")
        } else {
            ty.to_string()
        };
        problem = problem.help(format!("use `{ty}`"));
    }
    let problem = problem.help(format!(
        "{fits}, or change the column's type in a migration"
    ));
    // a view's column type is its query's, not a migration's to write
    Some(match relation {
        Relation::Table(_) => problem.help(FROM_MODELS.into()),
        Relation::View(_) => problem,
    })
}

/// The Rust type that reads a column as it is declared, for the help line.
fn suggested_type(column: &Column, strict: bool) -> Option<&'static str> {
    let decl = column.decl_type.to_ascii_uppercase();
    if strict {
        return match decl.as_str() {
            "INT" | "INTEGER" => Some("i64"),
            "REAL" => Some("f64"),
            "TEXT" => Some("String"),
            "BLOB" => Some("Vec<u8>"),
            _ => None,
        };
    }
    match column.affinity {
        Affinity::Integer if decl.contains("BOOL") => Some("bool"),
        Affinity::Integer => Some("i64"),
        Affinity::Real => Some("f64"),
        Affinity::Text => Some("String"),
        Affinity::Blob => Some("Vec<u8>"),
        Affinity::Numeric if decl.contains("BOOL") => Some("bool"),
        Affinity::Numeric if decl.contains("DATE") || decl.contains("TIME") => Some("String"),
        Affinity::Numeric => Some("f64"),
    }
}

/// Check 6: an insert must be able to fill every NOT NULL column that has no
/// default, except the rowid key SQLite assigns and generated columns.
fn unmapped_required_columns(model: &ModelDef, relation: Relation<'_>) -> Vec<Problem> {
    let Relation::Table(table) = relation else {
        return Vec::new();
    };
    let rowid = table.rowid_alias().map(|c| c.name.as_str());
    table
        .columns
        .iter()
        .filter(|c| c.not_null && c.default.is_none() && !c.is_generated())
        .filter(|c| Some(c.name.as_str()) != rowid)
        .filter(|c| !model.fields.iter().any(|f| f.column.eq_ignore_ascii_case(&c.name)))
        .map(|c| {
            Problem::new(
                Site::Struct,
                format!(
                    "`{}` does not map column `{}.{}`, which is NOT NULL without a default, so inserting a `{}` would fail",
                    model.name, table.name, c.name, model.name
                ),
            )
            .help(format!("add a field for `{}`", c.name))
            .help("or mark the struct #[model(partial)] if it only reads".into())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Source;

    use crate::schema::tests::schema_of as schema;

    const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, \
        created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, completed_at DATETIME, winners JSON, score REAL);\
        CREATE VIEW finished AS SELECT id, name FROM games WHERE completed_at IS NOT NULL;\
        CREATE TABLE strict_t (n INTEGER NOT NULL, t TEXT, a ANY) STRICT;";

    fn model(table: &str, fields: &[(&str, &str)]) -> ModelDef {
        ModelDef {
            name: "Game".into(),
            table: table.into(),
            table_explicit: true,
            partial: false,
            fields: fields.iter().map(|(n, t)| FieldDef::new(n, t)).collect(),
            read_by: ReadBy::Driftless,
        }
    }

    fn problems(m: &ModelDef) -> Vec<String> {
        let snap = Snapshot {
            format: Snapshot::FORMAT,
            source: Source::default(),
            schema: schema(GAMES),
        };
        check_model(m, &snap.schema)
            .problems
            .iter()
            .map(|p| p.render(&snap))
            .collect()
    }

    #[test]
    fn a_matching_model_has_no_problems_and_skips_the_rowid() {
        let m = model(
            "games",
            &[("name", "String"), ("winners", "Option<String>")],
        );
        assert_eq!(problems(&m), Vec::<String>::new());
    }

    #[test]
    fn missing_table_suggests_the_nearest() {
        let p = problems(&model("game", &[]));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("no table or view `game` in the schema"),
            "{}",
            p[0]
        );
        assert!(p[0].contains("did you mean `games`?"), "{}", p[0]);
        let far = problems(&model("zzz", &[]));
        assert!(
            far[0].contains("the schema has: games, strict_t, finished"),
            "{}",
            far[0]
        );
    }

    #[test]
    fn missing_column_suggests_rename_and_alter() {
        let m = model(
            "games",
            &[
                ("name", "String"),
                ("created_at", "String"),
                ("bonus", "Option<f64>"),
            ],
        );
        let p = problems(&m);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p[0].starts_with("table `games` has no column `created_at`"));
        assert!(
            p[0].contains(
                "help: did you mean `created`? map the field with #[model(column = \"created\")]"
            ),
            "{}",
            p[0]
        );
        assert!(
            p[0].contains("ALTER TABLE games ADD COLUMN created_at TEXT NOT NULL DEFAULT '';"),
            "{}",
            p[0]
        );
        assert!(
            p[1].contains("ALTER TABLE games ADD COLUMN bonus REAL;"),
            "{}",
            p[1]
        );
        // a struct another library reads is renamed with that library's attribute
        let mut m = m;
        for (read_by, attribute) in [
            (ReadBy::SeaOrm, "#[sea_orm(column_name = \"created\")]"),
            (ReadBy::Sqlx, "#[sqlx(rename = \"created\")]"),
            (ReadBy::Diesel, "#[diesel(column_name = created)]"),
        ] {
            m.read_by = read_by;
            let p = problems(&m);
            let help = format!("help: did you mean `created`? map the field with {attribute}");
            assert!(p[0].contains(&help), "{}", p[0]);
        }
    }

    #[test]
    fn suggested_sql_quotes_names_that_need_it() {
        let mut m = model(
            "games",
            &[
                ("name", "String"),
                ("nick", "Option<String>"),
                ("order", "Option<i64>"),
            ],
        );
        m.fields[1].column = "Nick Name".into();
        let p = problems(&m);
        assert!(
            p[0].contains(r#"ALTER TABLE games ADD COLUMN "Nick Name" TEXT;"#),
            "{}",
            p[0]
        );
        assert!(
            p[1].contains(r#"ALTER TABLE games ADD COLUMN "order" INTEGER;"#),
            "{}",
            p[1]
        );
    }

    #[test]
    fn json_field_suggests_json_column() {
        let mut m = model(
            "games",
            &[("name", "String"), ("tags", "Option<Vec<String>>")],
        );
        m.fields[1].json = true;
        let p = problems(&m);
        assert!(
            p[0].contains("ALTER TABLE games ADD COLUMN tags JSON;"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn nullable_column_needs_option_but_primary_key_and_views_do_not() {
        let p = problems(&model(
            "games",
            &[("name", "String"), ("completed_at", "String")],
        ));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with(
                "column `games.completed_at` is nullable, but field `completed_at` is `String`"
            ),
            "{}",
            p[0]
        );
        assert!(p[0].contains("use `Option<String>`"));
        let key = "CREATE TABLE k (code TEXT PRIMARY KEY, v TEXT NOT NULL)";
        let m = model("k", &[("code", "String"), ("v", "String")]);
        assert!(check_model(&m, &schema(key)).problems.is_empty());
        assert!(problems(&model("finished", &[("id", "i64"), ("name", "String")])).is_empty());
    }

    #[test]
    fn type_table() {
        let ok = [
            ("score", "Option<f64>"),
            ("completed_at", "Option<chrono::NaiveDateTime>"),
            ("completed_at", "Option<i64>"),
            ("winners", "Option<serde_json::Value>"),
            ("id", "bool"),
            ("id", "MyNewtype"),
        ];
        for (col, ty) in ok {
            let m = model("games", &[("name", "String"), (col, ty)]);
            assert!(problems(&m).is_empty(), "{col}: {ty}: {:?}", problems(&m));
        }
        let bad = [
            ("id", "String", "INTEGER"),
            ("score", "Option<i64>", "REAL"),
            ("name", "Vec<u8>", "TEXT"),
            (
                "completed_at",
                "Option<Vec<u8>>",
                "DATETIME (affinity NUMERIC)",
            ),
        ];
        for (col, ty, what) in bad {
            let fields = if col == "name" {
                vec![(col, ty)]
            } else {
                vec![("name", "String"), (col, ty)]
            };
            let p = problems(&model("games", &fields));
            assert_eq!(p.len(), 1, "{col}: {ty}: {p:?}");
            assert!(
                p[0].contains(&format!("but column `games.{col}` is {what}")),
                "{}",
                p[0]
            );
        }
    }

    /// sqlx reads date-times from Unix seconds (and chrono's from Julian
    /// days), so a struct it reads may map them onto numbers; rusqlite
    /// before 0.39 reads them from text only.
    #[test]
    fn a_library_reads_date_times_from_numbers() {
        let library = |col: &str, ty: &str| {
            let mut m = model("games", &[("name", "String"), (col, ty)]);
            m.read_by = ReadBy::Library;
            problems(&m)
        };
        for ty in [
            "chrono::DateTime<chrono::Utc>",
            "NaiveDateTime",
            "time::OffsetDateTime",
            "PrimitiveDateTime",
        ] {
            assert!(
                library("id", ty).is_empty(),
                "{ty}: {:?}",
                library("id", ty)
            );
            let driftless = problems(&model("games", &[("name", "String"), ("id", ty)]));
            assert_eq!(driftless.len(), 1, "{ty}: {driftless:?}");
            assert!(driftless[0].contains("but column `games.id` is INTEGER"));
        }
        assert!(library("score", "Option<DateTime<Utc>>").is_empty());
        // a STRICT INTEGER column too
        let mut m = model("strict_t", &[("n", "DateTime<Utc>")]);
        m.read_by = ReadBy::Library;
        assert!(problems(&m).is_empty(), "{:?}", problems(&m));
        // dates and times of day only from text, and time's types not from a real
        for (col, ty, what) in [
            ("id", "chrono::NaiveDate", "INTEGER"),
            ("id", "time::Time", "INTEGER"),
            ("score", "Option<time::OffsetDateTime>", "REAL"),
        ] {
            let p = library(col, ty);
            assert_eq!(p.len(), 1, "{ty}: {p:?}");
            assert!(p[0].contains(&format!("is {what}")), "{}", p[0]);
        }
    }

    #[test]
    fn strict_tables_check_exact_types() {
        let m = model(
            "strict_t",
            &[
                ("n", "bool"),
                ("t", "Option<String>"),
                ("a", "Option<Vec<u8>>"),
            ],
        );
        assert!(problems(&m).is_empty(), "{:?}", problems(&m));
        let m = model("strict_t", &[("n", "f64"), ("t", "Option<i64>")]);
        let p = problems(&m);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].contains("column `strict_t.n` is INTEGER in a STRICT table"),
            "{}",
            p[0]
        );
        assert!(
            p[1].contains("column `strict_t.t` is TEXT in a STRICT table"),
            "{}",
            p[1]
        );
    }

    #[test]
    fn required_column_missing_unless_partial() {
        let p = problems(&model("games", &[("winners", "Option<String>")]));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with(
                "`Game` does not map column `games.name`, which is NOT NULL without a default"
            ),
            "{}",
            p[0]
        );
        let mut m = model("games", &[("winners", "Option<String>")]);
        m.partial = true;
        let snap = schema(GAMES);
        let checked = check_model(&m, &snap);
        assert!(checked.problems.is_empty());
        assert!(!checked.insertable);
    }

    #[test]
    fn unsupported_types_are_reported_at_the_type() {
        let checked = check_model(&model("games", &[("name", "char")]), &schema(GAMES));
        assert_eq!(checked.problems[0].site, Site::FieldType(0));
        assert!(checked.problems[0].help[0].contains("use String"));
    }

    #[test]
    fn option_on_not_null_inserts_the_default_or_is_refused() {
        let s = schema(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, made TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, n INTEGER NOT NULL)",
        );
        let checked = check_model(
            &model(
                "t",
                &[
                    ("id", "Option<i64>"),
                    ("made", "Option<String>"),
                    ("n", "Option<i64>"),
                ],
            ),
            &s,
        );
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        assert_eq!(checked.problems[0].site, Site::FieldType(2));
        assert!(
            checked.problems[0]
                .message
                .contains("inserting `None` would fail")
        );
        assert_eq!(
            checked.insert_defaults,
            [None, Some("CURRENT_TIMESTAMP".to_string()), None]
        );
        let mut partial = model("t", &[("n", "Option<i64>")]);
        partial.partial = true;
        assert!(check_model(&partial, &s).problems.is_empty());
    }

    #[test]
    fn a_model_must_map_a_column() {
        let checked = check_model(&model("games", &[]), &schema(GAMES));
        assert!(
            checked
                .problems
                .iter()
                .any(|p| p.message == "`Game` maps no column of `games`"),
            "{:?}",
            checked.problems
        );
    }

    #[test]
    fn views_are_not_insertable_and_generated_columns_are_not_inserted() {
        let checked = check_model(&model("finished", &[("id", "i64")]), &schema(GAMES));
        assert!(checked.problems.is_empty() && !checked.insertable);
        let s =
            schema("CREATE TABLE g (a INTEGER NOT NULL, b INTEGER GENERATED ALWAYS AS (a + 1))");
        let checked = check_model(&model("g", &[("a", "i64"), ("b", "Option<i64>")]), &s);
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        assert_eq!(checked.insert_fields, [0]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let m = model(
            "games",
            &[
                ("nme", "String"),
                ("score", "Option<String>"),
                ("completed_at", "String"),
            ],
        );
        let checked = check_model(&m, &schema(GAMES));
        let sites: Vec<Site> = checked.problems.iter().map(|p| p.site).collect();
        assert_eq!(
            sites,
            [
                Site::Field(0),
                Site::FieldType(1),
                Site::FieldType(2),
                Site::Struct
            ]
        );
    }

    #[test]
    fn an_identifier_default_is_inserted_as_the_text_sqlite_stores() {
        // `DEFAULT now` is the text 'now' to SQLite; pasted into the insert
        // it was a column name, and every insert failed
        let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, d TEXT NOT NULL DEFAULT now)";
        let m = model("t", &[("id", "Option<i64>"), ("d", "Option<String>")]);
        let checked = check_model(&m, &schema(sql));
        assert_eq!(checked.insert_defaults, [None, Some("'now'".to_string())]);
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("sql");
        conn.execute(
            "INSERT INTO t (id, d) VALUES (?1, COALESCE(?2, 'now'))",
            (None::<i64>, None::<String>),
        )
        .expect("the insert the derive generates");
        let d: String = conn
            .query_row("SELECT d FROM t", [], |r| r.get(0))
            .expect("read");
        assert_eq!(d, "now");
    }

    #[test]
    fn a_number_field_on_a_column_defaulting_to_text_is_refused() {
        let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, flag BOOLEAN NOT NULL DEFAULT 'f', \
                   n INTEGER NOT NULL DEFAULT '0', label TEXT NOT NULL DEFAULT 'f')";
        let m = model(
            "t",
            &[
                ("id", "i64"),
                ("flag", "Option<bool>"),
                ("n", "i64"),
                ("label", "String"),
            ],
        );
        let checked = check_model(&m, &schema(sql));
        let messages: Vec<&str> = checked
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "column `t.flag` defaults to the text `f`, but field `flag` is `Option<bool>`: \
              a row that takes the default cannot be read into it"
            ]
        );
        assert_eq!(checked.problems[0].site, Site::FieldType(1));
    }

    #[test]
    fn a_blob_reads_from_a_numeric_column() {
        let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, data BYTEA NOT NULL, b BINARY)";
        let m = model(
            "t",
            &[("id", "i64"), ("data", "Vec<u8>"), ("b", "Option<Vec<u8>>")],
        );
        assert!(check_model(&m, &schema(sql)).problems.is_empty());
    }
}
