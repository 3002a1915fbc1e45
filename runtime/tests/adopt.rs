//! Taking over databases that other tools (sqlx, diesel, refinery, Prisma,
//! golang-migrate, goose, dbmate, Flyway, D1, rusqlite_migration) migrated:
//! their schema and history tables are made here by hand, exactly as each
//! tool makes them, in real SQLite files; D1's is a database the real
//! wrangler wrote, and rusqlite_migration's `user_version` is set by the
//! real crate.

use std::path::Path;

use driftless::rusqlite::{Connection, OptionalExtension};
use driftless::{Error, Migrations};

/// The first migration of every layout.
const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
/// The second.
const SCORE: &str = "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n";
/// The second as it was before someone edited the applied file.
const SCORE_BEFORE_EDIT: &str = "ALTER TABLE games ADD COLUMN score INTEGER;\n";
/// The third, never applied by the other tool.
const PLAYERS: &str = "CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), name TEXT NOT NULL);\n";

// sqlx's checksum is the SHA-384 of the migration file's bytes. Each digest
// below is of the constant above written to a file byte for byte (trailing
// newline included), computed with
// `python3 -c 'import hashlib,sys;print(hashlib.sha384(open(sys.argv[1],"rb").read()).hexdigest())' FILE`
// and cross-checked with `sha384sum FILE`.
/// SHA-384 of [`GAMES`].
const GAMES_SHA384: &str = "8c11f746b20948eee6e7c7188113664bbb09a9539ac2b27eda5a10a366e99dcee96db0383a78d5fe6c8a1a352fdab6ac";
/// SHA-384 of [`SCORE`].
const SCORE_SHA384: &str = "e019c7d0dc343db2be71c424bd4ae004d79456b7b563b8ce8b867777166bd3912f49e824c86dd66e9383d7737af31644";
/// SHA-384 of [`SCORE_BEFORE_EDIT`].
const SCORE_BEFORE_EDIT_SHA384: &str = "9d494e94f6d83d2402029f15846b35b7ef7ce56d3a27bc8237cef0764a194eaf1b256393a7801444ae725198922f3e07";

/// sqlx's history table, as sqlx creates it.
const SQLX_TABLE: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

/// diesel's history table, as diesel creates it.
const DIESEL_TABLE: &str = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
    version VARCHAR(50) PRIMARY KEY NOT NULL,
    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)";

/// refinery's history table, as refinery creates it.
const REFINERY_TABLE: &str = "CREATE TABLE IF NOT EXISTS refinery_schema_history (
    version INT4 PRIMARY KEY,
    name VARCHAR(255),
    applied_on VARCHAR(255),
    checksum VARCHAR(255)
)";

const SQLX_V1: u64 = 20_240_101_120_000;
const SQLX_V2: u64 = 20_240_102_120_000;
const SQLX_V3: u64 = 20_240_103_120_000;

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("a hex digit pair"))
        .collect()
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).expect("a version that fits SQLite")
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a migration folder");
        }
        std::fs::write(path, text).expect("write a migration file");
    }
}

/// A migration directory and a database file in one temp dir.
struct Project {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    conn: Connection,
}

impl Project {
    fn new(files: &[(&str, &str)]) -> Project {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("migrations");
        std::fs::create_dir(&dir).expect("create the migration directory");
        write(&dir, files);
        let conn = Connection::open(tmp.path().join("app.db")).expect("open the database");
        Project {
            _tmp: tmp,
            dir,
            conn,
        }
    }

    fn migrations(&self) -> Migrations {
        Migrations::from_dir(&self.dir).expect("read the migration directory")
    }

    /// Runs scripts the way the other tool did.
    fn run(&self, sql: &str) {
        self.conn.execute_batch(sql).expect("run a script");
    }

    fn tables(&self) -> Vec<String> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("read sqlite_schema")
            .collect::<Result<_, _>>()
            .expect("a table name")
    }

    fn has_table(&self, name: &str) -> bool {
        self.conn
            .query_row(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [name],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .expect("query sqlite_schema")
            .is_some()
    }

    /// The rows of a history table; for `PRAGMA user_version`, its number.
    fn rows(&self, table: &str) -> i64 {
        let sql = if table.starts_with("PRAGMA") {
            table.to_string()
        } else {
            format!("SELECT count(*) FROM {table}")
        };
        self.conn
            .query_row(&sql, [], |r| r.get(0))
            .expect("count rows")
    }

    /// Everything a successful adoption must leave: the applied migrations
    /// recorded, the newer one pending and then applied alone, `verify`
    /// clean, and the other tool's table untouched.
    fn check_adopted(&mut self, tool: &str, foreign_table: &str, applied: [u64; 2], newer: u64) {
        let migrations = self.migrations();
        let foreign_rows = self.rows(foreign_table);
        let adopted = migrations
            .adopt(&mut self.conn)
            .unwrap_or_else(|e| panic!("{tool}: adopt failed: {e}"));
        assert_eq!(adopted.tool.to_string(), tool);
        assert_eq!(adopted.versions, applied);

        let status = migrations.status(&self.conn).expect("status");
        let recorded: Vec<u64> = status.applied.iter().map(|a| a.version).collect();
        assert_eq!(recorded, applied, "{tool}: history after adopt");
        assert_eq!(status.current, Some(applied[1]));
        assert_eq!(
            status.pending,
            [driftless::Pending {
                version: newer,
                file: migrations.get(newer).expect("newer").up.file.to_string()
            }]
        );
        assert!(status.problem().is_none(), "{tool}: {status:?}");
        assert!(status.out_of_order.is_empty(), "{tool}: {status:?}");
        for (a, v) in status.applied.iter().zip(applied) {
            let m = migrations.get(v).expect("an applied migration");
            assert_eq!(a.checksum, m.checksum, "{tool}: checksum recorded for {v}");
            assert_eq!(a.name, m.name, "{tool}: name recorded for {v}");
        }
        let diffs = migrations.verify(&self.conn).expect("verify after adopt");
        assert!(diffs.is_empty(), "{tool}: verify after adopt: {diffs:?}");

        let report = migrations
            .upgrade(&mut self.conn)
            .unwrap_or_else(|e| panic!("{tool}: upgrade after adopt failed: {e}"));
        let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
        assert_eq!(ran, [newer], "{tool}: upgrade after adopt");
        assert!(self.has_table("players"));
        let status = migrations.status(&self.conn).expect("status");
        assert!(status.is_up_to_date(), "{tool}: {status:?}");
        assert_eq!(status.current, Some(newer));
        let diffs = migrations.verify(&self.conn).expect("verify after upgrade");
        assert!(diffs.is_empty(), "{tool}: verify after upgrade: {diffs:?}");

        assert!(
            foreign_table.starts_with("PRAGMA") || self.has_table(foreign_table),
            "{tool}: its table was dropped"
        );
        assert_eq!(
            self.rows(foreign_table),
            foreign_rows,
            "{tool}: its table was changed"
        );
        // adopting twice is refused: there is a driftless history now
        let again = migrations.adopt(&mut self.conn);
        assert!(
            matches!(again, Err(Error::NothingToAdopt { .. })),
            "{tool}: adopt again: {again:?}"
        );
    }

    /// Asserts `adopt` fails with a mismatch at `version` and wrote nothing.
    fn check_mismatch(&mut self, tool: &str, version: u64, reason: &str) {
        let migrations = self.migrations();
        let tables = self.tables();
        let result = migrations.adopt(&mut self.conn);
        match &result {
            Err(Error::AdoptMismatch {
                tool: t,
                version: v,
                reason: r,
            }) => {
                assert_eq!((t.to_string().as_str(), *v), (tool, version), "{result:?}");
                assert!(r.contains(reason), "reason `{r}` lacks `{reason}`");
            }
            other => panic!("{tool}: expected AdoptMismatch at {version}, got {other:?}"),
        }
        let message = result.expect_err("a mismatch").to_string();
        assert!(message.contains("nothing was adopted"), "{message}");
        assert!(
            !self.has_table(driftless::HISTORY_TABLE),
            "{tool}: a history was written"
        );
        assert_eq!(self.tables(), tables, "{tool}: the schema changed");
        let status = migrations.status(&self.conn).expect("status");
        assert_eq!(status.current, None);
        assert_eq!(status.pending.len(), migrations.len());
    }
}

/// A sqlx project with two migrations applied and one newer file.
fn sqlx_project(score_file: &str) -> Project {
    Project::new(&[
        ("20240101120000_create_games.sql", GAMES),
        ("20240102120000_add_score.sql", score_file),
        ("20240103120000_create_players.sql", PLAYERS),
    ])
}

/// Records a migration the way sqlx does.
fn sqlx_record(p: &Project, version: u64, description: &str, sha384: &str) {
    p.conn
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (?1, ?2, '2024-01-01 12:00:00', TRUE, ?3, 1234567)",
            (i64_of(version), description, unhex(sha384)),
        )
        .expect("record a sqlx migration");
}

#[test]
fn adopts_sqlx() {
    let mut p = sqlx_project(SCORE);
    p.run(SQLX_TABLE);
    p.run(GAMES);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_SHA384);
    p.run(SCORE);
    sqlx_record(&p, SQLX_V2, "add score", SCORE_SHA384);
    p.check_adopted("sqlx", "_sqlx_migrations", [SQLX_V1, SQLX_V2], SQLX_V3);
    // when sqlx applied them is kept
    let migrations = p.migrations();
    let status = migrations.status(&p.conn).expect("status");
    assert!(
        status.applied[0].applied_at.contains("2024-01-01"),
        "{:?}",
        status.applied[0]
    );
}

/// [`GAMES`] as a Windows checkout writes it.
const GAMES_CRLF: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\r\n";
/// SHA-384 of [`GAMES_CRLF`], computed as above.
const GAMES_CRLF_SHA384: &str = "c0b143a2be82064288b3945a9efddb025827f2e2a6e05915195459aca9b1b47880f4b95c245b2a0c2bf573f787e95052";

#[test]
fn adopts_sqlx_history_of_a_crlf_file_read_from_the_directory() {
    // the directory's copy of a migration once held normalized text while
    // embed_migrations! kept the file as written: sqlx's checksum of the
    // CRLF file matched the embedded set and not the directory, so
    // `driftless adopt` refused a history the app itself accepted
    let mut p = Project::new(&[("20240101120000_create_games.sql", GAMES_CRLF)]);
    p.run(SQLX_TABLE);
    p.run(GAMES_CRLF);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_CRLF_SHA384);
    let migrations = p.migrations();
    let adopted = migrations.adopt(&mut p.conn).expect("adopt");
    assert_eq!(adopted.versions, [SQLX_V1]);
}

#[test]
fn a_negative_sqlx_version_is_refused_by_name() {
    let mut p = sqlx_project(SCORE);
    p.run(SQLX_TABLE);
    p.conn
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (-1, 'by hand', TRUE, x'00', 0)",
            [],
        )
        .expect("a row written by hand");
    let err = p.migrations().adopt(&mut p.conn).expect_err("negative");
    assert!(
        matches!(
            err,
            Error::BadVersion {
                table: "_sqlx_migrations",
                version: -1
            }
        ),
        "{err}"
    );
}

/// A diesel project: one folder per migration, with down scripts.
fn diesel_project() -> Project {
    Project::new(&[
        ("2024-01-01-120000_create_games/up.sql", GAMES),
        (
            "2024-01-01-120000_create_games/down.sql",
            "DROP TABLE games;\n",
        ),
        ("2024-01-02-120000_add_score/up.sql", SCORE),
        (
            "2024-01-02-120000_add_score/down.sql",
            "ALTER TABLE games DROP COLUMN score;\n",
        ),
        ("2024-01-03-120000_create_players/up.sql", PLAYERS),
        (
            "2024-01-03-120000_create_players/down.sql",
            "DROP TABLE players;\n",
        ),
    ])
}

#[test]
fn adopts_diesel() {
    let mut p = diesel_project();
    p.run(DIESEL_TABLE);
    p.run(GAMES);
    p.run("INSERT INTO __diesel_schema_migrations (version, run_on) VALUES ('20240101120000', '2024-01-01 12:00:00')");
    p.run(SCORE);
    p.run("INSERT INTO __diesel_schema_migrations (version) VALUES ('20240102120000')");
    p.check_adopted(
        "diesel",
        "__diesel_schema_migrations",
        [SQLX_V1, SQLX_V2],
        SQLX_V3,
    );
}

fn refinery_project() -> Project {
    Project::new(&[
        ("V1__create_games.sql", GAMES),
        ("V2__add_score.sql", SCORE),
        ("V3__create_players.sql", PLAYERS),
    ])
}

/// Records a migration the way refinery does. refinery's checksum (a
/// SipHash of name, version and script, as a decimal string) is not one
/// driftless can check, so any value stands in for it.
fn refinery_record(p: &Project, version: u64, name: &str) {
    p.conn
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES (?1, ?2, '2024-01-01T12:00:00.123456789Z', '9876543210123456789')",
            (i64_of(version), name),
        )
        .expect("record a refinery migration");
}

/// Prisma's history table, as Prisma Migrate creates it on SQLite.
const PRISMA_TABLE: &str = "CREATE TABLE \"_prisma_migrations\" (
    \"id\" TEXT PRIMARY KEY NOT NULL,
    \"checksum\" TEXT NOT NULL,
    \"finished_at\" DATETIME,
    \"migration_name\" TEXT NOT NULL,
    \"logs\" TEXT,
    \"rolled_back_at\" DATETIME,
    \"started_at\" DATETIME NOT NULL DEFAULT current_timestamp,
    \"applied_steps_count\" INTEGER UNSIGNED NOT NULL DEFAULT 0
)";

// Prisma's checksum is the SHA-256 of migration.sql, as lowercase hex;
// computed like the SHA-384s above, with hashlib.sha256.
/// SHA-256 of [`GAMES`].
const GAMES_SHA256: &str = "3099aea83d41d4a735e3a177269b1474feb8b33c42cad1db7ec1fda5d588eb9d";
/// SHA-256 of [`SCORE`].
const SCORE_SHA256: &str = "7fb823e3cc5c8c1ae305c9e64becec552a4e6175aa873ca6ad0c0a5745392eb3";

const PRISMA_V1: u64 = 20_240_101_120_000;
const PRISMA_V2: u64 = 20_240_102_120_000;
const PRISMA_V3: u64 = 20_240_103_120_000;

/// A Prisma project: a folder per migration, no down scripts.
fn prisma_project() -> Project {
    Project::new(&[
        ("migration_lock.toml", "provider = \"sqlite\"\n"),
        ("20240101120000_create_games/migration.sql", GAMES),
        ("20240102120000_add_score/migration.sql", SCORE),
        ("20240103120000_create_players/migration.sql", PLAYERS),
    ])
}

/// Records a migration the way Prisma does (`finished_at` set once it ran).
fn prisma_record(p: &Project, name: &str, sha256: &str, finished: bool) {
    p.conn
        .execute(
            "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) \
             VALUES (?1, ?2, CASE WHEN ?3 THEN '2024-01-01 12:00:00' END, ?1, 1)",
            (name, sha256, finished),
        )
        .expect("record a Prisma migration");
}

#[test]
fn adopts_prisma() {
    let mut p = prisma_project();
    p.run(PRISMA_TABLE);
    p.run(GAMES);
    prisma_record(&p, "20240101120000_create_games", GAMES_SHA256, true);
    p.run(SCORE);
    prisma_record(&p, "20240102120000_add_score", SCORE_SHA256, true);
    p.check_adopted(
        "Prisma",
        "_prisma_migrations",
        [PRISMA_V1, PRISMA_V2],
        PRISMA_V3,
    );
}

#[test]
fn prisma_checksum_that_differs_and_a_failed_migration_are_refused() {
    let mut p = prisma_project();
    p.run(PRISMA_TABLE);
    p.run(GAMES);
    prisma_record(&p, "20240101120000_create_games", SCORE_SHA256, true);
    p.check_mismatch("Prisma", PRISMA_V1, "checksum differs");

    let mut p = prisma_project();
    p.run(PRISMA_TABLE);
    p.run(GAMES);
    prisma_record(&p, "20240101120000_create_games", GAMES_SHA256, false);
    p.check_mismatch("Prisma", PRISMA_V1, "never finished");
}

/// golang-migrate's history table, as its sqlite3 driver creates it.
const GOLANG_MIGRATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool);
     CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);";

/// A golang-migrate project: `<version>_<name>.up.sql` and `.down.sql`.
fn golang_migrate_project() -> Project {
    Project::new(&[
        ("1_create_games.up.sql", GAMES),
        ("1_create_games.down.sql", "DROP TABLE games;\n"),
        ("2_add_score.up.sql", SCORE),
        (
            "2_add_score.down.sql",
            "ALTER TABLE games DROP COLUMN score;\n",
        ),
        ("3_create_players.up.sql", PLAYERS),
        ("3_create_players.down.sql", "DROP TABLE players;\n"),
    ])
}

#[test]
fn adopts_golang_migrate() {
    // golang-migrate keeps one row: the version it reached
    let mut p = golang_migrate_project();
    p.run(GOLANG_MIGRATE_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run("INSERT INTO schema_migrations (version, dirty) VALUES (2, false);");
    p.check_adopted("golang-migrate", "schema_migrations", [1, 2], 3);
}

#[test]
fn golang_migrate_dirty_version_is_refused() {
    let mut p = golang_migrate_project();
    p.run(GOLANG_MIGRATE_TABLE);
    p.run(GAMES);
    p.run("INSERT INTO schema_migrations (version, dirty) VALUES (2, true);");
    p.check_mismatch("golang-migrate", 2, "dirty");
}

#[test]
fn adopts_refinery() {
    let mut p = refinery_project();
    p.run(REFINERY_TABLE);
    p.run(GAMES);
    refinery_record(&p, 1, "create_games");
    p.run(SCORE);
    refinery_record(&p, 2, "add_score");
    p.check_adopted("refinery", "refinery_schema_history", [1, 2], 3);
}

#[test]
fn sqlx_version_without_a_file_is_refused() {
    let mut p = sqlx_project(SCORE);
    p.run(SQLX_TABLE);
    p.run(GAMES);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_SHA384);
    // applied from a branch whose file never reached this one
    p.run("CREATE TABLE teams (id INTEGER PRIMARY KEY);");
    sqlx_record(&p, 20_240_101_130_000, "create teams", GAMES_SHA384);
    p.check_mismatch("sqlx", 20_240_101_130_000, "no migration file");
}

#[test]
fn sqlx_checksum_that_differs_is_refused() {
    // the file was edited after sqlx applied it
    let mut p = sqlx_project(SCORE);
    p.run(SQLX_TABLE);
    p.run(GAMES);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_SHA384);
    p.run(SCORE_BEFORE_EDIT);
    sqlx_record(&p, SQLX_V2, "add score", SCORE_BEFORE_EDIT_SHA384);
    p.check_mismatch("sqlx", SQLX_V2, "checksum");
}

#[test]
fn sqlx_failed_migration_is_refused() {
    // sqlx records a migration that failed part-way with success = false
    let mut p = sqlx_project(SCORE);
    p.run(SQLX_TABLE);
    p.run(GAMES);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_SHA384);
    sqlx_record(&p, SQLX_V2, "add score", SCORE_SHA384);
    p.run(&format!(
        "UPDATE _sqlx_migrations SET success = 0 WHERE version = {}",
        i64_of(SQLX_V2)
    ));
    p.check_mismatch("sqlx", SQLX_V2, "failed");
}

#[test]
fn diesel_version_without_a_file_is_refused() {
    let mut p = diesel_project();
    p.run(DIESEL_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run(
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101120000'), ('20240102120000'), ('20231231000000')",
    );
    p.check_mismatch("diesel", 20_231_231_000_000, "no migration file");
}

#[test]
fn refinery_version_without_a_file_is_refused() {
    let mut p = refinery_project();
    p.run(REFINERY_TABLE);
    p.run(GAMES);
    refinery_record(&p, 1, "create_games");
    refinery_record(&p, 7, "create_teams");
    p.check_mismatch("refinery", 7, "no migration file");
}

#[test]
fn refinery_name_that_differs_is_refused() {
    let mut p = refinery_project();
    p.run(REFINERY_TABLE);
    p.run(GAMES);
    refinery_record(&p, 1, "create_games");
    p.run(SCORE);
    refinery_record(&p, 2, "add_points");
    p.check_mismatch("refinery", 2, "add_points");
}

#[test]
fn nothing_to_adopt_without_a_foreign_history() {
    let mut p = sqlx_project(SCORE);
    p.run(GAMES);
    let migrations = p.migrations();
    let result = migrations.adopt(&mut p.conn);
    assert!(
        matches!(&result, Err(Error::NothingToAdopt { reason }) if reason.contains("no sqlx, diesel, refinery, Prisma, golang-migrate, goose, dbmate, Flyway, hiqlite or D1 history table in the database, and its user_version is 0")),
        "{result:?}"
    );
    assert!(
        !p.has_table(driftless::HISTORY_TABLE),
        "a history was written"
    );
    assert_eq!(p.tables(), ["games"]);
}

#[test]
fn nothing_to_adopt_when_driftless_already_has_a_history() {
    let mut p = sqlx_project(SCORE);
    let migrations = p.migrations();
    migrations
        .upgrade_to(&mut p.conn, SQLX_V1)
        .expect("upgrade to the first migration");
    p.run(SQLX_TABLE);
    sqlx_record(&p, SQLX_V1, "create games", GAMES_SHA384);
    sqlx_record(&p, SQLX_V2, "add score", SCORE_SHA384);
    let result = migrations.adopt(&mut p.conn);
    assert!(
        matches!(&result, Err(Error::NothingToAdopt { reason }) if reason.contains("driftless history")),
        "{result:?}"
    );
    let status = migrations.status(&p.conn).expect("status");
    assert_eq!(status.current, Some(SQLX_V1), "adopt changed the history");
}

/// goose's history table, as its sqlite3 dialect creates it (with the row
/// for version 0 it writes on creation).
const GOOSE_TABLE: &str = "CREATE TABLE goose_db_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL,
    is_applied INTEGER NOT NULL,
    tstamp TIMESTAMP DEFAULT (datetime('now'))
);
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1);";

/// A goose file: both sections in one file.
fn goose_file(up: &str, down: &str) -> String {
    format!(
        "-- +goose Up\n-- +goose StatementBegin\n{up}-- +goose StatementEnd\n\n-- +goose Down\n{down}"
    )
}

#[test]
fn adopts_goose() {
    // goose writes a row per up and per down; a version's latest row counts
    let mut p = Project::new(&[
        (
            "00001_create_games.sql",
            &goose_file(GAMES, "DROP TABLE games;\n"),
        ),
        (
            "00002_add_score.sql",
            &goose_file(SCORE, "ALTER TABLE games DROP COLUMN score;\n"),
        ),
        (
            "00003_create_players.sql",
            &goose_file(PLAYERS, "DROP TABLE players;\n"),
        ),
    ]);
    p.run(GOOSE_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run(
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, 1), (2, 1), (3, 1), (3, 0);",
    );
    p.check_adopted("goose", "goose_db_version", [1, 2], 3);
}

/// dbmate's history table, as its sqlite driver creates it.
const DBMATE_TABLE: &str =
    "create table if not exists \"schema_migrations\" (version varchar(128) primary key);";

#[test]
fn adopts_dbmate() {
    let dbmate_file =
        |up: &str, down: &str| format!("-- migrate:up\n{up}\n-- migrate:down\n{down}");
    let mut p = Project::new(&[
        (
            "20240101120000_create_games.sql",
            &dbmate_file(GAMES, "drop table games;\n"),
        ),
        ("20240102120000_add_score.sql", &dbmate_file(SCORE, "")),
        (
            "20240103120000_create_players.sql",
            &dbmate_file(PLAYERS, "drop table players;\n"),
        ),
    ]);
    p.run(DBMATE_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run(
        "insert into \"schema_migrations\" (version) values ('20240101120000'), ('20240102120000');",
    );
    p.check_adopted("dbmate", "schema_migrations", [SQLX_V1, SQLX_V2], SQLX_V3);
}

/// Flyway's history table, as its SQLite support creates it.
const FLYWAY_TABLE: &str = "CREATE TABLE \"flyway_schema_history\" (
    \"installed_rank\" INT NOT NULL PRIMARY KEY,
    \"version\" VARCHAR(50),
    \"description\" VARCHAR(200) NOT NULL,
    \"type\" VARCHAR(20) NOT NULL,
    \"script\" VARCHAR(1000) NOT NULL,
    \"checksum\" INT,
    \"installed_by\" VARCHAR(100) NOT NULL,
    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    \"execution_time\" INT NOT NULL,
    \"success\" BOOLEAN NOT NULL
);
CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\");";

// Flyway's checksum is CRC32 over the file's lines without their line
// breaks, as a signed int: computed with
// `python3 -c 'import zlib,sys;c=zlib.crc32(b"".join(open(sys.argv[1],"rb").read().splitlines()));print(c-2**32 if c>=2**31 else c)' FILE`
/// CRC32 of [`GAMES`].
const GAMES_CRC: i32 = -656_551_996;
/// CRC32 of [`SCORE`].
const SCORE_CRC: i32 = -756_584_948;
/// CRC32 of [`SCORE_BEFORE_EDIT`].
const SCORE_BEFORE_EDIT_CRC: i32 = -1_257_415_282;
/// A repeatable view, and its CRC32.
const VIEW: &str =
    "DROP VIEW IF EXISTS scores;\nCREATE VIEW scores AS SELECT name, score FROM games;\n";
const VIEW_CRC: i32 = -1_279_422_867;

/// A Flyway project: a one-part, a dotted and a later one-part version.
fn flyway_project(extra: &[(&str, &str)]) -> Project {
    let mut files = vec![
        ("V1__create_games.sql", GAMES),
        ("V1.1__add_score.sql", SCORE),
        ("V2__create_players.sql", PLAYERS),
    ];
    files.extend_from_slice(extra);
    Project::new(&files)
}

/// Records an event the way Flyway does.
fn flyway_record(
    p: &Project,
    version: Option<&str>,
    kind: &str,
    script: &str,
    checksum: Option<i32>,
    success: bool,
) {
    p.conn
        .execute(
            "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) \
             VALUES ((SELECT count(*) + 1 FROM flyway_schema_history), ?1, ?2, ?3, ?4, ?5, 'me', 12, ?6)",
            (version, script.trim_end_matches(".sql").split("__").nth(1).unwrap_or(script).replace('_', " "), kind, script, checksum, success),
        )
        .expect("record a Flyway event");
}

fn v(text: &str) -> u64 {
    driftless_migrations::flyway::version_id(text).expect("a Flyway version")
}

#[test]
fn adopts_flyway() {
    let mut p = flyway_project(&[]);
    p.run(FLYWAY_TABLE);
    p.run(GAMES);
    flyway_record(
        &p,
        Some("1"),
        "SQL",
        "V1__create_games.sql",
        Some(GAMES_CRC),
        true,
    );
    p.run(SCORE);
    flyway_record(
        &p,
        Some("1.1"),
        "SQL",
        "V1.1__add_score.sql",
        Some(SCORE_CRC),
        true,
    );
    p.check_adopted("Flyway", "flyway_schema_history", [1, v("1.1")], 2);
}

#[test]
fn adopts_flyway_baselines_undos_and_repeatable_migrations() {
    let mut p = flyway_project(&[("R__scores.sql", VIEW)]);
    p.run(FLYWAY_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run(VIEW);
    // a baseline at 1, 1.1 run, undone and run again, the view as it was before an edit
    flyway_record(
        &p,
        Some("1"),
        "BASELINE",
        "<< Flyway Baseline >>",
        None,
        true,
    );
    flyway_record(
        &p,
        Some("1.1"),
        "SQL",
        "V1.1__add_score.sql",
        Some(SCORE_CRC),
        true,
    );
    flyway_record(
        &p,
        Some("1.1"),
        "UNDO_SQL",
        "U1.1__add_score.sql",
        Some(1),
        true,
    );
    flyway_record(
        &p,
        Some("1.1"),
        "SQL",
        "V1.1__add_score.sql",
        Some(SCORE_CRC),
        true,
    );
    flyway_record(&p, None, "SQL", "R__scores.sql", Some(VIEW_CRC ^ 1), true);
    let migrations = p.migrations();
    let adopted = migrations.adopt(&mut p.conn).expect("adopt");
    assert_eq!(adopted.versions, [1, v("1.1")]);
    // the view changed since Flyway ran it: due again, after V2, as Flyway would
    let status = migrations.status(&p.conn).expect("status");
    let pending: Vec<&str> = status
        .pending
        .iter()
        .map(|p| p.file.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(pending, ["V2__create_players.sql", "R__scores.sql"]);
    assert!(
        status.problem().is_none() && status.out_of_order.is_empty(),
        "{status:?}"
    );
    let report = migrations.upgrade(&mut p.conn).expect("upgrade");
    assert_eq!(report.ran.len(), 2);
    assert!(migrations.status(&p.conn).expect("status").is_up_to_date());

    // the view as Flyway last ran it is the file: adopted as applied
    let mut p = flyway_project(&[("R__scores.sql", VIEW)]);
    p.run(FLYWAY_TABLE);
    p.run(GAMES);
    p.run(SCORE);
    p.run(VIEW);
    flyway_record(
        &p,
        Some("1"),
        "SQL",
        "V1__create_games.sql",
        Some(GAMES_CRC),
        true,
    );
    flyway_record(
        &p,
        Some("1.1"),
        "SQL",
        "V1.1__add_score.sql",
        Some(SCORE_CRC),
        true,
    );
    flyway_record(&p, None, "SQL", "R__scores.sql", Some(VIEW_CRC), true);
    let migrations = p.migrations();
    let adopted = migrations.adopt(&mut p.conn).expect("adopt");
    assert_eq!(adopted.versions.len(), 3);
    let status = migrations.status(&p.conn).expect("status");
    assert_eq!(status.pending.len(), 1, "{status:?}");
}

#[test]
fn flyway_checksum_that_differs_and_a_failed_migration_are_refused() {
    let mut p = flyway_project(&[]);
    p.run(FLYWAY_TABLE);
    p.run(GAMES);
    flyway_record(
        &p,
        Some("1"),
        "SQL",
        "V1__create_games.sql",
        Some(GAMES_CRC),
        true,
    );
    flyway_record(
        &p,
        Some("1.1"),
        "SQL",
        "V1.1__add_score.sql",
        Some(SCORE_BEFORE_EDIT_CRC),
        true,
    );
    p.check_mismatch("Flyway", v("1.1"), "checksum differs");

    let mut p = flyway_project(&[]);
    p.run(FLYWAY_TABLE);
    p.run(GAMES);
    flyway_record(
        &p,
        Some("1"),
        "SQL",
        "V1__create_games.sql",
        Some(GAMES_CRC),
        false,
    );
    p.check_mismatch("Flyway", 0, "as failed");
}

/// Cloudflare D1: the database `wrangler d1 migrations apply --local` wrote
/// (wrangler 4.86.0, `tests/fixtures/d1`), its two migration files as
/// `wrangler d1 migrations create` wrote them, and a third, newer one.
fn d1_project() -> Project {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/d1");
    let file = |name: &str| {
        std::fs::read_to_string(fixtures.join("migrations").join(name)).expect("a D1 migration")
    };
    let p = Project::new(&[
        ("0001_create_games.sql", &file("0001_create_games.sql")),
        ("0002_add_winners.sql", &file("0002_add_winners.sql")),
        ("0003_create_players.sql", PLAYERS),
    ]);
    let mut p = p;
    let db = std::path::PathBuf::from(p.conn.path().expect("a database file"));
    p.conn = Connection::open_in_memory().expect("close the file first");
    std::fs::copy(fixtures.join("wrangler-4.86.0-local.sqlite"), &db)
        .expect("copy wrangler's database");
    p.conn = Connection::open(&db).expect("open wrangler's database");
    p
}

#[test]
fn adopts_d1_from_the_database_wrangler_wrote() {
    let mut p = d1_project();
    // miniflare's own table is not the app's: verify leaves it out
    assert!(p.has_table("_cf_METADATA"));
    p.check_adopted("Cloudflare D1", "d1_migrations", [1, 2], 3);
    // the time wrangler applied each one is kept
    let at: String = p
        .conn
        .query_row(
            &format!(
                "SELECT applied_at FROM {} WHERE version = 1",
                driftless::HISTORY_TABLE
            ),
            [],
            |r| r.get(0),
        )
        .expect("applied_at");
    let wrangler: String = p
        .conn
        .query_row(
            "SELECT applied_at FROM d1_migrations WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .expect("wrangler's applied_at");
    assert_eq!(at, wrangler);
}

#[test]
fn a_d1_row_naming_another_file_is_refused() {
    let mut p = d1_project();
    p.run("UPDATE d1_migrations SET name = '0002_add_losers.sql' WHERE id = 2");
    p.check_mismatch("Cloudflare D1", 2, "recorded `add_losers`");
    let mut p = d1_project();
    p.run("INSERT INTO d1_migrations (name) VALUES ('0009_lost.sql')");
    p.check_mismatch("Cloudflare D1", 9, "no migration file has this version");
}

/// The same three migrations as rusqlite_migration's `M` list runs them.
fn rusqlite_migration_list() -> rusqlite_migration::Migrations<'static> {
    rusqlite_migration::Migrations::new(vec![
        rusqlite_migration::M::up(GAMES),
        rusqlite_migration::M::up(SCORE),
        rusqlite_migration::M::up(PLAYERS),
    ])
}

#[test]
fn adopts_rusqlite_migration_files_from_user_version() {
    // `M::up(include_str!("migrations/0001-create_games.sql"))` and so on
    let mut p = Project::new(&[
        ("0001-create_games.sql", GAMES),
        ("0002-add_score.sql", SCORE),
        ("0003-create_players.sql", PLAYERS),
    ]);
    rusqlite_migration_list()
        .to_version(&mut p.conn, 2)
        .expect("rusqlite_migration runs two");
    p.check_adopted("user_version", "PRAGMA user_version", [1, 2], 3);
}

#[test]
fn adopts_rusqlite_migration_folders_from_user_version() {
    // `Migrations::from_directory`'s folders, one with a down script
    let mut p = Project::new(&[
        ("01-create_games/up.sql", GAMES),
        ("02-add_score/up.sql", SCORE),
        (
            "02-add_score/down.sql",
            "ALTER TABLE games DROP COLUMN score;\n",
        ),
        ("03-create_players/up.sql", PLAYERS),
    ]);
    let m = p.migrations();
    assert!(m.get(2).and_then(|m| m.down.as_ref()).is_some());
    rusqlite_migration_list()
        .to_version(&mut p.conn, 2)
        .expect("rusqlite_migration runs two");
    p.check_adopted("user_version", "PRAGMA user_version", [1, 2], 3);
}

#[test]
fn a_user_version_beyond_the_files_or_not_matching_the_schema_is_refused() {
    let files = [
        ("0001-create_games.sql", GAMES),
        ("0002-add_score.sql", SCORE),
        ("0003-create_players.sql", PLAYERS),
    ];
    // a build with a fourth migration ran here
    let mut p = Project::new(&files);
    rusqlite_migration_list()
        .to_latest(&mut p.conn)
        .expect("rusqlite_migration runs three");
    p.run("CREATE TABLE hosts (id INTEGER PRIMARY KEY); PRAGMA user_version = 4;");
    p.check_mismatch("user_version", 4, "there are 3 files");
    // the number says two ran, the schema says one did
    let mut p = Project::new(&files);
    p.run(GAMES);
    p.run("PRAGMA user_version = 2");
    p.check_mismatch(
        "user_version",
        2,
        "the database's schema is not the one the migrations through 2 produce",
    );
}

#[test]
fn a_hand_written_runner_s_user_version_is_the_last_version_it_ran() {
    let files = [
        ("001_create_games.sql", GAMES),
        ("005_add_score.sql", SCORE),
        ("010_create_players.sql", PLAYERS),
    ];
    let mut p = Project::new(&files);
    p.run(GAMES);
    p.run(SCORE);
    p.run("PRAGMA user_version = 5");
    p.check_adopted("user_version", "PRAGMA user_version", [1, 5], 10);
    // 3 is no file's version, and as a count the schema lacks players
    let mut p = Project::new(&files);
    p.run(GAMES);
    p.run("PRAGMA user_version = 3");
    p.check_mismatch(
        "user_version",
        3,
        "the database's schema is not the one the migrations through 10 produce: column `games.score` is missing from the database, but the migrations create it (and 1 more difference; `driftless diff` lists them)",
    );
    let mut p = Project::new(&files);
    p.run(GAMES);
    p.run("PRAGMA user_version = 7");
    p.check_mismatch(
        "user_version",
        7,
        "no migration file has this version, and it is more than the 3 files",
    );
    let mut p = Project::new(&files);
    p.run("PRAGMA user_version = 11");
    p.check_mismatch("user_version", 11, "beyond the newest file (10)");
}

/// Most rusqlite_migration apps name their files as sqlx does
/// (`M::up(include_str!("../migrations/001_init.sql"))`), with gaps where
/// a file left the list, or by timestamp: their `user_version` is a count,
/// which the schema tells from a version.
#[test]
fn rusqlite_migration_s_count_over_files_named_otherwise() {
    let mut p = Project::new(&[
        ("001_create_games.sql", GAMES),
        ("003_add_score.sql", SCORE),
        ("004_create_players.sql", PLAYERS),
    ]);
    rusqlite_migration_list()
        .to_version(&mut p.conn, 2)
        .expect("rusqlite_migration runs two");
    p.check_adopted("user_version", "PRAGMA user_version", [1, 3], 4);

    let (one, two, three) = (20_240_101_000_001, 20_240_102_000_001, 20_240_103_000_001);
    let mut p = Project::new(&[
        (&format!("{one}_create_games.sql"), GAMES),
        (&format!("{two}_add_score.sql"), SCORE),
        (&format!("{three}_create_players.sql"), PLAYERS),
    ]);
    rusqlite_migration_list()
        .to_version(&mut p.conn, 2)
        .expect("rusqlite_migration runs two");
    p.check_adopted("user_version", "PRAGMA user_version", [one, two], three);
}

/// When a migration that changes no schema sits between the two readings,
/// the schema cannot tell them apart: nothing is adopted.
#[test]
fn a_user_version_both_readings_fit_is_refused() {
    let mut p = Project::new(&[
        ("001_create_games.sql", GAMES),
        ("003_add_score.sql", SCORE),
        (
            "004_seed_games.sql",
            "INSERT INTO games (name, score) VALUES ('quiz', 0);\n",
        ),
        ("005_create_players.sql", PLAYERS),
    ]);
    p.run(GAMES);
    p.run(SCORE);
    p.run("PRAGMA user_version = 3");
    p.check_mismatch(
        "user_version",
        3,
        "read as the last version that ran it means the migrations through 3, read as how many ran the migrations through 4, and the database's schema is the one both produce; `stamp` the version that really ran",
    );
}
