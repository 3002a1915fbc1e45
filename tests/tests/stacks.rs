//! The compatibility matrix: driftless added to apps on each SQLite stack it
//! supports (sqlx 0.7, 0.8 and 0.9, diesel 2.1, 2.2 and 2.4, SeaORM 2, rusqlite at
//! the lowest and highest supported version, bundled and system SQLite). Each app is a
//! scratch crate whose dependencies cargo resolves afresh, as a user's first
//! build does: it must resolve (one `sqlite3` in the graph), build, and fail
//! to build on a drifted model or query, at the right place.
//!
//! The apps share `target/stacks`, so each stack's dependencies compile once
//! per run. They need the crates.io registry.

use driftless_tests::{Scratch, toml_str, workspace};

/// The migrations every app starts from.
const CREATE_GAMES: &str = "CREATE TABLE games (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    completed_at DATETIME\n);\n";

/// A later migration some tests add and remove.
const ADD_WINNERS: &str = "ALTER TABLE games ADD COLUMN winners TEXT;\n";

/// `driftless = { path = ..., <extra> }`.
fn driftless_dep(extra: &str) -> String {
    let runtime = toml_str(&workspace().join("runtime"));
    if extra.is_empty() {
        format!("driftless = {{ path = {runtime} }}")
    } else {
        format!("driftless = {{ path = {runtime}, {extra} }}")
    }
}

/// A scratch app: `[dependencies]` are `deps` plus driftless (with
/// `driftless_features`, e.g. `default-features = false`), the build script
/// `build_rs` with driftless as a build dependency (with `build_features`),
/// and the first migration.
fn app(
    name: &str,
    deps: &str,
    driftless_features: &str,
    build_rs: &str,
    build_features: &str,
) -> Scratch {
    let mut s = Scratch::empty("stacks", name);
    let driftless = driftless_dep(driftless_features);
    let build = driftless_dep(build_features);
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{driftless}\n{deps}\n\n[build-dependencies]\n{build}\n",
        s.name
    );
    s.write("Cargo.toml", &manifest);
    s.write("build.rs", build_rs);
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s
}

/// The versions cargo resolved for `package` (every one in the graph).
fn resolved(s: &mut Scratch, package: &str) -> Vec<String> {
    let lock =
        std::fs::read_to_string(s.path().join("Cargo.lock")).expect("Cargo.lock after a build");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"")
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = "))
        {
            versions.push(v.trim_matches('"').to_string());
        }
    }
    versions
}

/// Whether the app's run-time graph (not its build scripts or proc macros)
/// has `package`.
fn runtime_graph_has(s: &mut Scratch, package: &str) -> bool {
    let tree = s.cargo_stdout(
        "tree",
        &[
            "-e",
            "normal,no-proc-macro",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    );
    tree.lines().any(|l| l.starts_with(&format!("{package} ")))
}

/// sqlx's build.rs line.
const SQLX_BUILD_RS: &str =
    "fn main() {\n    driftless::build::migrations(\"migrations\").sqlx().run();\n}\n";

/// An sqlx app: a `query!`, a `query_as!` into a `FromRow` struct that
/// driftless checks, and `extra` (more code in `main`).
fn sqlx_main(extra: &str) -> String {
    format!(
        "#[derive(sqlx::FromRow, driftless::Check, Debug)]
#[model(table = \"games\")]
pub struct Game {{
    pub id: i64,
    #[sqlx(rename = \"name\")]
    pub title: String,
    pub completed_at: Option<String>,
}}

#[tokio::main(flavor = \"current_thread\")]
async fn main() -> Result<(), sqlx::Error> {{
    let pool = sqlx::SqlitePool::connect(\"sqlite::memory:\").await?;
    let names = sqlx::query!(\"SELECT id, name FROM games WHERE completed_at IS NULL\")
        .fetch_all(&pool)
        .await?;
    println!(\"{{}}\", names.len());
    let games: Vec<Game> = sqlx::query_as(\"SELECT id, name, completed_at FROM games\")
        .fetch_all(&pool)
        .await?;
    println!(\"{{games:?}}\");
{extra}
    Ok(())
}}
"
    )
}

/// A query of a column only migration 0002 creates.
const SQLX_WINNERS_QUERY: &str = "    let w = sqlx::query_scalar!(\"SELECT winners FROM games\").fetch_all(&pool).await?;\n    println!(\"{w:?}\");\n";

/// The sqlx apps' shared scenario: resolves beside sqlx, builds with no
/// database, fails at a query and at a struct field the migrations do not
/// back, follows migrations being added and deleted, and keeps rusqlite out
/// of the app's run-time graph. Returns the app for more checks.
fn sqlx_stack(name: &str, sqlx: &str) -> Scratch {
    let deps = format!(
        "sqlx = {{ version = \"{sqlx}\", default-features = false, features = [\"sqlite\", \"macros\", \"runtime-tokio\"] }}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}"
    );
    // as the README says: check-only at run time, everything in build.rs
    let mut s = app(name, &deps, "default-features = false", SQLX_BUILD_RS, "");
    s.write("src/main.rs", &sqlx_main(""));
    s.builds("an sqlx app with driftless");
    let rusqlite = resolved(&mut s, "rusqlite");
    assert_eq!(rusqlite.len(), 1, "one rusqlite: {rusqlite:?}");
    assert_eq!(resolved(&mut s, "libsqlite3-sys").len(), 1);
    assert!(
        !runtime_graph_has(&mut s, "rusqlite"),
        "a check-only app has rusqlite at run time"
    );

    // a query of a column no migration creates fails at the query, with
    // sqlx's error, and a checked struct's field for it at the field
    let with_winners = sqlx_main(SQLX_WINNERS_QUERY).replace(
        "    pub completed_at: Option<String>,\n}",
        "    pub completed_at: Option<String>,\n    pub winners: Option<String>,\n}",
    );
    s.write("src/main.rs", &with_winners);
    let query = s.site("src/main.rs", "SELECT winners", "sqlx::query_scalar!");
    let field = s.site("src/main.rs", "pub winners", "winners");
    let missing = [
        "no such column: winners".to_string(),
        format!("--> {query}"),
        "table `games` has no column `winners`".to_string(),
        format!("--> {field}"),
    ];
    let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
    s.fails("a query and a field of a missing column", &missing);
    // the migration that creates it makes both build, without cargo clean:
    // sqlx's macros and driftless's derives see the same schema
    s.write("migrations/0002_add_winners.sql", ADD_WINNERS);
    s.builds("after adding the migration the query and the field need");
    s.remove("migrations/0002_add_winners.sql");
    s.fails("after deleting that migration", &missing);

    // the migrations win over a DATABASE_URL and SQLX_OFFLINE in the environment or .env
    s.write("src/main.rs", &sqlx_main(""));
    s.write(".env", "DATABASE_URL=sqlite://does-not-exist.db\n");
    s.env = vec![
        ("SQLX_OFFLINE".into(), "true".into()),
        ("DATABASE_URL".into(), "sqlite:///nowhere/at/all.db".into()),
    ];
    s.builds("with DATABASE_URL, .env and SQLX_OFFLINE set");
    s.env.clear();

    // a FromRow struct field without a column fails at the field, with driftless's error
    let drifted = sqlx_main("").replace(
        "    pub completed_at: Option<String>,\n}",
        "    pub completed_at: Option<String>,\n    #[sqlx(default)]\n    pub paused_at: Option<String>,\n}",
    );
    s.write("src/main.rs", &drifted);
    let site = s.site("src/main.rs", "pub paused_at", "paused_at");
    s.fails(
        "a FromRow field without a column",
        &[
            "table `games` has no column `paused_at`",
            &format!("--> {site}"),
        ],
    );

    // the async #[driftless::test]: a pool per test, beside this sqlx
    s.write("src/main.rs", &sqlx_main(""));
    let manifest = std::fs::read_to_string(s.path().join("Cargo.toml")).expect("manifest");
    s.write(
        "Cargo.toml",
        &format!(
            "{manifest}\n[dev-dependencies]\n{}\n",
            driftless_dep("default-features = false, features = [\"sqlx\"]")
        ),
    );
    s.write(
        "tests/fixtures/games.sql",
        "INSERT INTO games (name) VALUES ('quiz'), ('league');\n",
    );
    s.write("tests/db.rs", SQLX_TESTS);
    let (ok, stderr) = s.cargo("test", &["--test", "db"]);
    assert!(ok, "the async #[driftless::test]s pass\n{stderr}");
    assert_eq!(
        resolved(&mut s, "libsqlite3-sys").len(),
        1,
        "one SQLite with the test feature"
    );
    s
}

/// Async `#[driftless::test]`s of an sqlx app, one of them on fixtures.
const SQLX_TESTS: &str = "#[driftless::test(fixtures(\"games\"))]
async fn sees_the_fixture(pool: sqlx::SqlitePool) {
    let n = sqlx::query_scalar!(\"SELECT count(*) FROM games\").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}

#[driftless::test]
async fn starts_empty(mut conn: sqlx::SqliteConnection) {
    let n = sqlx::query_scalar!(\"SELECT count(*) FROM games\").fetch_one(&mut conn).await.unwrap();
    assert_eq!(n, 0);
}
";

/// sqlx 0.7 links libsqlite3-sys 0.26 or 0.27: rusqlite 0.29 or 0.30.
#[test]
fn sqlx_0_7() {
    sqlx_stack("sqlx-0-7", "0.7");
}

/// A build script whose code builds the schema (`built_by`), feeding
/// sqlx's macros with `.sqlx()`; `{columns}` are the games table's.
fn built_by_sqlx_build_rs(columns: &str) -> String {
    format!(
        "fn main() {{
    driftless::build::built_by(\"schema::create\", |path| {{
        let conn = driftless::rusqlite::Connection::open(path)?;
        conn.execute_batch(\"CREATE TABLE games ({columns})\")?;
        Ok(())
    }})
    .sqlx()
    .run();
}}
"
    )
}

/// sqlx 0.8, and a schema built by the app's code rather than files: its
/// `query!`s see that schema too.
#[test]
fn sqlx_0_8() {
    let mut s = sqlx_stack("sqlx-0-8", "0.8");
    let columns = "id INTEGER PRIMARY KEY, name TEXT NOT NULL, completed_at DATETIME";
    s.write("src/main.rs", &sqlx_main(SQLX_WINNERS_QUERY));
    s.write(
        "build.rs",
        &built_by_sqlx_build_rs(&format!("{columns}, winners TEXT")),
    );
    s.builds("a query of a column the build script's code creates");
    s.write("build.rs", &built_by_sqlx_build_rs(columns));
    let query = s.site("src/main.rs", "SELECT winners", "sqlx::query_scalar!");
    s.fails(
        "a query of a column the code no longer creates",
        &["no such column: winners", &format!("--> {query}")],
    );
}

#[test]
fn sqlx_0_9() {
    sqlx_stack("sqlx-0-9", "0.9");
}

/// A rusqlite app on `rusqlite = "<version>"`: the derive's code compiles
/// against exactly that rusqlite, inserts and reads back, and a drifted
/// model fails.
fn rusqlite_stack(name: &str, version: &str, expected: &str) {
    let deps = format!("rusqlite = {{ version = \"{version}\", features = [\"bundled\"] }}");
    let mut s = app(
        name,
        &deps,
        "",
        "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n",
        "",
    );
    let main = "use driftless::{Insert, Model};

#[derive(Model, Debug)]
#[model(table = \"games\")]
pub struct Game {
    pub id: Option<i64>,
    pub name: String,
    pub completed_at: Option<String>,
}

static MIGRATIONS: driftless::Migrations = driftless::embed_migrations!(\"migrations\");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // the app's own rusqlite: the same crate as driftless::rusqlite
    let mut conn: rusqlite::Connection = driftless::rusqlite::Connection::open_in_memory()?;
    MIGRATIONS.upgrade(&mut conn)?;
    let id = Game { id: None, name: \"quiz\".into(), completed_at: None }.insert(&conn)?;
    let game = conn.query_row(&format!(\"{} WHERE id = ?1\", Game::SELECT), [id], Game::from_row)?;
    assert_eq!(game.name, \"quiz\");
    println!(\"ok {}\", rusqlite::version());
    Ok(())
}
";
    s.write("src/main.rs", main);
    let (ok, stderr) = s.cargo("run", &[]);
    assert!(ok, "{name}: the app runs\n{stderr}");
    assert_eq!(resolved(&mut s, "rusqlite"), [expected]);
    s.write(
        "src/main.rs",
        &main.replace(
            "    pub completed_at: Option<String>,\n}",
            "    pub completed_at: Option<String>,\n    pub paused_at: Option<String>,\n}",
        ),
    );
    s.fails(
        "a model field without a column",
        &["table `games` has no column `paused_at`"],
    );
    // SQLite's pointer at the failing token reaches the message on this rusqlite too
    s.write("src/main.rs", main);
    s.write(
        "migrations/0002_bad.sql",
        "CREATE TABLE hosts (id INTEGER,);\n",
    );
    s.fails(
        "a migration with a syntax error",
        &[
            "migrations/0002_bad.sql` failed in the statement at line 1, column 1: near \")\": syntax error (at line 1, column 32)",
        ],
    );
}

#[test]
fn rusqlite_lowest() {
    rusqlite_stack("rusqlite-0-29", "=0.29.0", "0.29.0");
}

#[test]
fn rusqlite_highest() {
    rusqlite_stack("rusqlite-0-43", "0.43", "0.43.0");
}

/// diesel's build.rs line: the migrations, and `schema.rs` checked against them.
const DIESEL_BUILD_RS: &str = "fn main() {\n    driftless::build::migrations(\"migrations\")\n        .diesel_schema(\"src/schema.rs\")\n        .run();\n}\n";

/// `schema.rs` for [`CREATE_GAMES`], as `driftless schema --diesel` writes
/// it with the rowid key edited to `Integer`, as diesel users do.
const DIESEL_SCHEMA_RS: &str = "// @generated automatically by Diesel CLI.

diesel::table! {
    games (id) {
        id -> Integer,
        name -> Text,
        completed_at -> Nullable<Timestamp>,
    }
}
";

/// A diesel app: a `Queryable` struct that driftless also checks, and a query.
const DIESEL_MAIN: &str = "mod schema;

use diesel::prelude::*;
use schema::games;

#[derive(Queryable, Selectable, driftless::Check, Debug)]
#[diesel(table_name = games, check_for_backend(diesel::sqlite::Sqlite))]
pub struct Game {
    pub id: i32,
    #[diesel(column_name = name)]
    pub title: String,
    pub completed_at: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut db = SqliteConnection::establish(\":memory:\")?;
    diesel::sql_query(include_str!(\"../migrations/0001_create_games.sql\")).execute(&mut db)?;
    diesel::insert_into(games::table).values(games::name.eq(\"quiz\")).execute(&mut db)?;
    let open: Vec<Game> = games::table
        .filter(games::completed_at.is_null())
        .select(Game::as_select())
        .load(&mut db)?;
    assert_eq!(open[0].title, \"quiz\");
    println!(\"ok\");
    Ok(())
}
";

/// The diesel apps' scenario, on the system's SQLite (diesel's `sqlite`
/// feature links it; driftless follows with its default features off):
/// resolves beside diesel, runs, keeps rusqlite out of the run-time graph,
/// and fails at every way `schema.rs` or a checked struct drifts from the
/// migrations, following migrations being added and deleted.
fn diesel_stack(name: &str, diesel: &str, full: bool) {
    let deps = format!(
        "diesel = {{ version = \"{diesel}\", default-features = false, features = [\"sqlite\"] }}"
    );
    let mut s = app(
        name,
        &deps,
        "default-features = false",
        DIESEL_BUILD_RS,
        "default-features = false, features = [\"diesel\"]",
    );
    s.write("src/schema.rs", DIESEL_SCHEMA_RS);
    s.write("src/main.rs", DIESEL_MAIN);
    let (ok, stderr) = s.cargo("run", &[]);
    assert!(ok, "{name}: the app runs\n{stderr}");
    let sys = resolved(&mut s, "libsqlite3-sys");
    assert_eq!(sys.len(), 1);
    eprintln!(
        "{name}: diesel {:?}, rusqlite {:?}, libsqlite3-sys {sys:?}",
        resolved(&mut s, "diesel"),
        resolved(&mut s, "rusqlite")
    );
    assert!(
        !runtime_graph_has(&mut s, "rusqlite"),
        "a check-only app has rusqlite at run time"
    );

    // a column schema.rs has and the migrations do not: the line, the
    // command that writes the file again; the migration that adds it fixes it
    let with_winners = DIESEL_SCHEMA_RS.replace(
        "        completed_at -> Nullable<Timestamp>,\n",
        "        completed_at -> Nullable<Timestamp>,\n        winners -> Nullable<Text>,\n",
    );
    s.write("src/schema.rs", &with_winners);
    let missing = [
        "`src/schema.rs` does not match the schema the migrations in `migrations` produce:",
        "src/schema.rs:8: `games.winners` is not a column of table `games` in the migrations",
        "help: write it from the migrations with `driftless schema --diesel > src/schema.rs`",
    ];
    s.fails("a schema.rs column without a migration", &missing);
    if !full {
        return;
    }
    s.write("migrations/0002_add_winners.sql", ADD_WINNERS);
    s.builds("after adding the migration schema.rs needs");
    s.remove("migrations/0002_add_winners.sql");
    s.fails("after deleting that migration", &missing);

    // nullability: the migrations leave completed_at nullable
    s.write(
        "src/schema.rs",
        &DIESEL_SCHEMA_RS.replace(
            "completed_at -> Nullable<Timestamp>",
            "completed_at -> Timestamp",
        ),
    );
    s.fails(
        "a nullable column declared NOT NULL",
        &["src/schema.rs:7: `games.completed_at` is `Timestamp` here, but the migrations leave it nullable: `Nullable<Timestamp>` (created by migrations/0001_create_games.sql)"],
    );

    // a Queryable field without a column fails at the field, with driftless's error
    s.write("src/schema.rs", DIESEL_SCHEMA_RS);
    s.write(
        "src/main.rs",
        &DIESEL_MAIN.replace(
            "    pub completed_at: Option<String>,\n}",
            "    pub completed_at: Option<String>,\n    pub paused_at: Option<String>,\n}",
        ),
    );
    let site = s.site("src/main.rs", "pub paused_at", "paused_at");
    s.fails(
        "a Queryable field without a column",
        &[
            "table `games` has no column `paused_at`",
            &format!("--> {site}"),
        ],
    );
}

/// diesel 2.4 lets cargo pick rusqlite 0.43, whose hooks and
/// `busy_timeout` need SQLite 3.44 (`sqlite3_set_clientdata`); driftless
/// calls neither, so a system SQLite older than that (Debian 12's is 3.40)
/// still builds.
#[test]
fn diesel_2_4() {
    diesel_stack("diesel-2-4", "~2.4", true);
}

#[test]
fn diesel_2_2() {
    diesel_stack("diesel-2-2", "~2.2", false);
}

/// diesel 2.1 accepts libsqlite3-sys below 0.29: rusqlite 0.31 at most.
#[test]
fn diesel_2_1() {
    diesel_stack("diesel-2-1", "~2.1", false);
}

/// A SeaORM app: an entity whose `Model` driftless also checks, read
/// through `#[sea_orm(..)]` (a renamed column, an ignored field).
const SEA_ORM_MAIN: &str = "mod games {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, driftless::Check)]
    #[sea_orm(table_name = \"games\")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_name = \"name\")]
        pub title: String,
        pub completed_at: Option<String>,
        #[sea_orm(ignore)]
        pub rounds_played: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, EntityTrait, Set};

#[tokio::main(flavor = \"current_thread\")]
async fn main() -> Result<(), sea_orm::DbErr> {
    let db = Database::connect(\"sqlite::memory:\").await?;
    db.execute_unprepared(include_str!(\"../migrations/0001_create_games.sql\")).await?;
    games::ActiveModel { title: Set(\"quiz\".into()), ..Default::default() }.insert(&db).await?;
    let all = games::Entity::find().all(&db).await?;
    assert_eq!(all[0].title, \"quiz\");
    println!(\"ok\");
    Ok(())
}
";

/// SeaORM over SQL migrations: resolves beside SeaORM's sqlx, runs, and
/// fails at the entity's field for a column the migrations lack, a
/// nullable column read into a non-`Option`, and a `column_name` that
/// names no column.
#[test]
fn sea_orm_2() {
    let deps = "sea-orm = { version = \"2\", default-features = false, features = [\"sqlx-sqlite\", \"runtime-tokio\", \"macros\"] }\n\
                tokio = { version = \"1\", features = [\"rt\", \"macros\"] }";
    let mut s = app(
        "sea-orm-2",
        deps,
        "default-features = false",
        "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n",
        "",
    );
    s.write("src/main.rs", SEA_ORM_MAIN);
    let (ok, stderr) = s.cargo("run", &[]);
    assert!(ok, "the SeaORM app runs\n{stderr}");
    assert_eq!(resolved(&mut s, "libsqlite3-sys").len(), 1);
    assert!(
        !runtime_graph_has(&mut s, "rusqlite"),
        "a check-only app has rusqlite at run time"
    );
    let drifted = |from: &str, to: &str| {
        assert!(SEA_ORM_MAIN.contains(from), "{from}");
        SEA_ORM_MAIN.replace(from, to)
    };
    s.write(
        "src/main.rs",
        &drifted(
            "        pub completed_at: Option<String>,\n",
            "        pub completed_at: Option<String>,\n        pub paused_at: Option<String>,\n",
        ),
    );
    let site = s.site("src/main.rs", "pub paused_at", "paused_at");
    s.fails(
        "an entity field without a column",
        &[
            "table `games` has no column `paused_at`",
            &format!("--> {site}"),
        ],
    );
    s.write(
        "src/main.rs",
        &drifted(
            "pub completed_at: Option<String>",
            "pub completed_at: String",
        ),
    );
    s.fails(
        "a nullable column read into a String",
        &["column `games.completed_at` is nullable, but field `completed_at` is `String`"],
    );
    s.write(
        "src/main.rs",
        &drifted("column_name = \"name\"", "column_name = \"title\""),
    );
    s.fails(
        "a column_name naming no column",
        &["table `games` has no column `title`"],
    );
}

/// sea-orm-cli's `migration` crate: the `Migrator` and its first migration.
const SEA_ORM_MIGRATOR: &str = "pub use sea_orm_migration::prelude::*;

mod m20240101_000001_create_games;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20240101_000001_create_games::Migration)]
    }
}
";

/// A migration as sea-orm-cli writes one, with SeaORM's schema builder.
const SEA_ORM_CREATE_GAMES: &str = "use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Games::Table)
                    .col(ColumnDef::new(Games::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Games::Name).string().not_null())
                    .col(ColumnDef::new(Games::CompletedAt).string().null())
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Games {
    Table,
    Id,
    Name,
    CompletedAt,
}
";

/// A second migration, adding `paused_at`.
const SEA_ORM_ADD_PAUSED_AT: &str = "use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new(\"games\"))
                    .add_column(ColumnDef::new(Alias::new(\"paused_at\")).string().null())
                    .to_owned(),
            )
            .await
    }
}
";

/// The build script that runs the app's `Migrator` (README, "SeaORM").
const SEA_ORM_BUILD_RS: &str = "use migration::MigratorTrait;

fn main() {
    driftless::build::built_by(\"migration::Migrator\", |path| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            let db = sea_orm::Database::connect(driftless::build::sqlite_url(path)).await?;
            migration::Migrator::up(&db, None).await
        })?;
        Ok(())
    })
    .run();
}
";

/// SeaORM over sea-orm-migration's Rust migrations: the build script runs
/// the app's `Migrator` on an empty database; an entity field the
/// migrations lack fails at the field, a new Rust migration makes it build,
/// and a migration that fails fails the build with its error.
#[test]
fn sea_orm_2_rust_migrations() {
    let mut s = Scratch::empty("stacks", "sea-orm-2-migrator");
    let sea_orm = "sea-orm = { version = \"2\", default-features = false, features = [\"sqlx-sqlite\", \"runtime-tokio\", \"macros\"] }";
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{}\nmigration = {{ path = \"migration\" }}\n{sea_orm}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n\
         [build-dependencies]\n{}\nmigration = {{ path = \"migration\" }}\n{sea_orm}\n\
         tokio = {{ version = \"1\", features = [\"rt\"] }}\n",
        s.name,
        driftless_dep("default-features = false"),
        driftless_dep(""),
    );
    s.write("Cargo.toml", &manifest);
    s.write(
        "migration/Cargo.toml",
        "[package]\nname = \"migration\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nsea-orm-migration = { version = \"2\", default-features = false, features = [\"sqlx-sqlite\", \"runtime-tokio\"] }\n",
    );
    s.write("migration/src/lib.rs", SEA_ORM_MIGRATOR);
    s.write(
        "migration/src/m20240101_000001_create_games.rs",
        SEA_ORM_CREATE_GAMES,
    );
    s.write("build.rs", SEA_ORM_BUILD_RS);
    let main = SEA_ORM_MAIN
        .replace(
            "    db.execute_unprepared(include_str!(\"../migrations/0001_create_games.sql\")).await?;\n",
            "    <migration::Migrator as migration::MigratorTrait>::up(&db, None).await?;\n",
        )
        .replace("ConnectionTrait, ", "");
    s.write("src/main.rs", &main);
    let (ok, stderr) = s.cargo("run", &[]);
    assert!(ok, "the SeaORM app with Rust migrations runs\n{stderr}");

    let paused = main.replace(
        "        pub completed_at: Option<String>,\n",
        "        pub completed_at: Option<String>,\n        pub paused_at: Option<String>,\n",
    );
    s.write("src/main.rs", &paused);
    let site = s.site("src/main.rs", "pub paused_at", "paused_at");
    s.fails(
        "an entity field no Rust migration creates",
        &[
            "table `games` has no column `paused_at`",
            "schema built by `migration::Migrator` in build.rs",
            "help: add a migration to `migration::Migrator`; in SQL: ALTER TABLE games ADD COLUMN paused_at TEXT;",
            &format!("--> {site}"),
        ],
    );
    // the migration crate is a build-dependency: a new migration reruns the build script
    s.write(
        "migration/src/m20240102_000001_add_paused_at.rs",
        SEA_ORM_ADD_PAUSED_AT,
    );
    let two = SEA_ORM_MIGRATOR
        .replace(
            "mod m20240101_000001_create_games;\n",
            "mod m20240101_000001_create_games;\nmod m20240102_000001_add_paused_at;\n",
        )
        .replace(
            "vec![Box::new(m20240101_000001_create_games::Migration)]",
            "vec![\n            Box::new(m20240101_000001_create_games::Migration),\n            Box::new(m20240102_000001_add_paused_at::Migration),\n        ]",
        );
    s.write("migration/src/lib.rs", &two);
    s.builds("after the Rust migration that adds the column");

    // a migration that fails: the Migrator's own error, and the build stops
    s.write(
        "migration/src/m20240102_000001_add_paused_at.rs",
        &SEA_ORM_ADD_PAUSED_AT.replace("Alias::new(\"games\")", "Alias::new(\"gamez\")"),
    );
    s.fails(
        "a Rust migration that fails",
        &[
            "`migration::Migrator` failed to build the schema in build.rs:",
            "gamez",
        ],
    );
}
