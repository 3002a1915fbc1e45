//! Procedural macros of driftless. Use them through the `driftless` crate,
//! which re-exports them next to the traits they implement.
//!
//! The crate is thin on purpose: it parses, asks `driftless-migrations` to
//! check, and expands. All schema logic lives in the engine, where it is
//! unit-tested.

mod ast;
mod embed;
mod expand;
mod fallback;
mod foreign;
mod query;
mod source;
mod test_db;

use proc_macro::TokenStream;

/// Derives `driftless::Model` (and `driftless::Insert`) for a struct, after
/// checking it against the schema the crate's migrations produce.
///
/// Struct attributes: `#[model(table = "...")]` (default: the struct name in
/// snake_case plus `s`), `#[model(db = "...")]` (a migration set registered in
/// build.rs with `.db(...)`), `#[model(partial)]` (a read-only projection: no
/// `insert`, unmapped NOT NULL columns allowed). Field attributes:
/// `#[model(column = "...")]`, `#[model(skip)]` (not stored; `Default` on read),
/// `#[model(json)]` (stored as JSON text through serde).
///
/// A struct that names a table or column the migrations do not create, or
/// maps one with the wrong nullability or type, does not compile; the error
/// points at the field and says which migration would fix it.
///
/// ```ignore
/// use driftless::Model;
///
/// #[derive(Model, Debug)]
/// #[model(table = "games")]
/// pub struct Game {
///     pub id: i64,
///     pub name: String,
///     #[model(json)]
///     pub winners: Option<Vec<String>>,
/// }
/// ```
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    with_models_out(expand::derive(&input)).into()
}

/// Makes the crate rebuild when `DRIFTLESS_MODELS_OUT` changes, so that
/// `driftless new --from-models` sees every derive run.
fn with_models_out(mut tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let var = expand::MODELS_OUT;
    tokens.extend(quote::quote! {
        const _: ::core::option::Option<&str> = ::core::option_env!(#var);
    });
    tokens
}

/// Checks a struct that another library reads (sqlx's `FromRow`, diesel's
/// `Queryable`/`Selectable`, serde over rows, ...) against the schema the
/// crate's migrations produce, and generates nothing: no rusqlite code, no
/// trait impl.
///
/// The same checks as `#[derive(Model)]` for reading: the table or view
/// exists, every field maps a column, a nullable column is read into an
/// `Option`, and the field's type reads the column's type. Columns are named
/// as the reading library names them: `#[model(column = "...")]`, else
/// sqlx's `#[sqlx(rename = "...")]` / `#[sqlx(rename_all = "...")]` or
/// diesel's `#[diesel(column_name = ...)]`; the table is
/// `#[model(table = "...")]`, else diesel's `#[diesel(table_name = ...)]`,
/// else the struct name in snake_case plus `s`. Fields under `#[model(skip)]`,
/// `#[sqlx(skip)]`, `#[sqlx(flatten)]` or `#[diesel(embed)]` are not checked;
/// `#[sqlx(json)]` is JSON text; `#[sqlx(try_from = "T")]` and
/// `#[diesel(deserialize_as = T)]` are checked as `T`.
///
/// ```ignore
/// #[derive(sqlx::FromRow, driftless::Check)]
/// #[model(table = "games")]
/// pub struct Game {
///     pub id: i64,
///     #[sqlx(rename = "name")]
///     pub title: String,
///     pub completed_at: Option<String>,
/// }
/// ```
#[proc_macro_derive(Check, attributes(model))]
pub fn derive_check(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    with_models_out(expand::derive_check(&input)).into()
}

/// Embeds a migration directory (relative to the crate's `Cargo.toml`;
/// default `migrations`) into the binary as a `driftless::Migrations`,
/// resolved and checksummed by the same code as the build script. The
/// directory must be registered by the build script
/// (`driftless::build::migrations`), which watches it: the set embedded is
/// exactly the set it checked, and a new file rebuilds the binary.
///
/// ```ignore
/// static MIGRATIONS: driftless::Migrations = driftless::embed_migrations!("migrations");
/// let mut conn = driftless::rusqlite::Connection::open("app.db")?;
/// MIGRATIONS.upgrade(&mut conn)?;
/// ```
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::embed(input.into()).into()
}

/// A query checked against the migrated schema at compile time, returning
/// one record per row with a field per result column (typed from the
/// column, `Option` where it can be NULL).
///
/// The SQL must prepare against the schema (a typo, an unknown table or
/// column fails the build at the query, with SQLite's message and a caret
/// under the token), be one statement, use one parameter style, and get
/// one argument per parameter, of a type that fits where the parameter
/// stands (`WHERE score > ?1` takes an integer). With named parameters and
/// no arguments, the Rust variables of those names are bound. Column
/// overrides as in sqlx: `AS "id!"` (never NULL), `AS "id?"` (nullable),
/// `AS "id: Type"`.
///
/// ```ignore
/// let games = driftless::query!("SELECT id, name FROM games WHERE score > ?1", min).fetch_all(&conn)?;
/// println!("{}", games[0].name);
/// ```
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::Record, query::From::Literal).into()
}

/// [`query!`] into a struct of yours: each result column is read into the
/// field of its name (a missing or extra field is a compile error), with the
/// type and nullability checks of [`query!`].
///
/// ```ignore
/// let game: Game = driftless::query_as!(Game, "SELECT id, name FROM games WHERE id = ?1", id).fetch_one(&conn)?;
/// ```
#[proc_macro]
pub fn query_as(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::As, query::From::Literal).into()
}

/// [`query!`] for a query of one column: each row is that column's value.
///
/// ```ignore
/// let n: i64 = driftless::query_scalar!("SELECT count(*) FROM games").fetch_one(&conn)?;
/// ```
#[proc_macro]
pub fn query_scalar(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::Scalar, query::From::Literal).into()
}

/// An INSERT, UPDATE or DELETE checked as [`query!`] checks a query;
/// `.execute(&conn)` runs it. With `RETURNING`, it returns records as
/// [`query!`] does.
///
/// ```ignore
/// driftless::execute!("UPDATE games SET score = ?1 WHERE id = ?2", score, id).execute(&conn)?;
/// ```
#[proc_macro]
pub fn execute(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::Execute, query::From::Literal).into()
}

/// [`query!`] with the SQL in a file, relative to the crate's `Cargo.toml`;
/// editing the file rebuilds the crate.
///
/// ```ignore
/// let rows = driftless::query_file!("queries/leaderboard.sql", game_id).fetch_all(&conn)?;
/// ```
#[proc_macro]
pub fn query_file(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::Record, query::From::File).into()
}

/// [`query_as!`] with the SQL in a file, relative to the crate's `Cargo.toml`.
///
/// ```ignore
/// let rows: Vec<Standing> = driftless::query_file_as!(Standing, "queries/standings.sql", game_id).fetch_all(&conn)?;
/// ```
#[proc_macro]
pub fn query_file_as(input: TokenStream) -> TokenStream {
    query::expand(input.into(), query::Kind::As, query::From::File).into()
}

/// A test that gets a fresh in-memory database of its own, restored from
/// the database the build script replayed (the migrations applied and
/// stamped in the history table, as `upgrade` leaves them), with foreign
/// keys on. Setup takes the same fraction of a millisecond at ten
/// migrations and at a thousand, and nothing is written to disk.
///
/// Arguments, all optional:
/// - `fixtures("games", "players")`: SQL files in `tests/fixtures/` (a name
///   without `.sql`; `fixtures(path = "dir", scripts("games"))` for another
///   directory, relative to `Cargo.toml`), applied in order. Each is run at
///   compile time: a fixture that no longer fits the migrations fails the
///   build at its name, with its file and line.
/// - `db = "records"`: a second migration set registered in build.rs.
/// - `at = "0003"`: the schema after that migration (a version as its file
///   writes it, or the file's name), with the history of the migrations up
///   to it, to test a data migration: fixtures at V, then `upgrade`.
///
/// Needs driftless's feature `test` (`sqlx` for the async form, which
/// takes a `sqlx::SqlitePool` or `sqlx::SqliteConnection`).
///
/// ```ignore
/// #[driftless::test(fixtures("games"))]
/// fn lists_games(conn: rusqlite::Connection) {
///     let n: i64 = conn.query_row("SELECT count(*) FROM games", [], |r| r.get(0)).unwrap();
///     assert_eq!(n, 2);
/// }
///
/// #[driftless::test]
/// async fn with_sqlx(pool: sqlx::SqlitePool) {
///     sqlx::query("INSERT INTO games (name) VALUES ('quiz')").execute(&pool).await.unwrap();
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_db::expand(args.into(), item.into()).into()
}
