//! The type features (`chrono`, `time`, `uuid`, `serde_json`) as a user
//! turns them on: a scratch crate with the README's feature line, whose
//! models and queries use every type the README lists, writes each to a
//! real SQLite file and reads it back through `#[derive(Model)]` and the
//! query macros, with `#[derive(Check)]` over the same table.

use driftless_tests::{Scratch, toml_str, workspace};

const BUILD_RS: &str = "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n";

/// One column per listed type, declared as apps declare them.
const MIGRATION: &str = "CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    day DATE NOT NULL,
    clock TIME NOT NULL,
    naive DATETIME NOT NULL,
    utc TIMESTAMP NOT NULL,
    fixed TEXT NOT NULL,
    local DATETIME NOT NULL,
    t_day DATE NOT NULL,
    t_clock TIME NOT NULL,
    t_primitive DATETIME NOT NULL,
    t_offset TIMESTAMP NOT NULL,
    token BLOB NOT NULL,
    maybe_token UUID,
    meta JSON NOT NULL
);
";

const MAIN_RS: &str = r##"use chrono::{FixedOffset, Local, NaiveDate, TimeZone, Utc};
use driftless::{Insert, Model};

#[derive(Model, Debug, PartialEq, Clone)]
#[model(table = "events")]
pub struct Event {
    pub id: Option<i64>,
    pub day: chrono::NaiveDate,
    pub clock: chrono::NaiveTime,
    pub naive: chrono::NaiveDateTime,
    pub utc: chrono::DateTime<Utc>,
    pub fixed: chrono::DateTime<FixedOffset>,
    pub local: chrono::DateTime<Local>,
    pub t_day: time::Date,
    pub t_clock: time::Time,
    pub t_primitive: time::PrimitiveDateTime,
    pub t_offset: time::OffsetDateTime,
    pub token: uuid::Uuid,
    pub maybe_token: Option<uuid::Uuid>,
    pub meta: serde_json::Value,
}

// what sqlx or diesel would read: checked, nothing generated
#[derive(driftless::Check)]
#[model(table = "events")]
pub struct Stamp {
    pub day: chrono::NaiveDate,
    pub t_offset: time::OffsetDateTime,
    pub token: uuid::Uuid,
    pub meta: serde_json::Value,
}

fn event() -> Event {
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let naive = day.and_hms_milli_opt(17, 30, 5, 250).unwrap();
    let t_day = time::Date::from_calendar_date(2026, time::Month::December, 2).unwrap();
    let t_clock = time::Time::from_hms_milli(17, 30, 5, 250).unwrap();
    Event {
        id: None,
        day,
        clock: naive.time(),
        naive,
        utc: Utc.from_utc_datetime(&naive),
        fixed: FixedOffset::east_opt(3600).unwrap().from_utc_datetime(&naive),
        local: Local.from_utc_datetime(&naive),
        t_day,
        t_clock,
        t_primitive: time::PrimitiveDateTime::new(t_day, t_clock),
        t_offset: time::PrimitiveDateTime::new(t_day, t_clock)
            .assume_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap()),
        token: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        maybe_token: Some(uuid::Uuid::from_u128(7)),
        meta: serde_json::json!({"round": 3, "tags": ["a", "b"]}),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: types DB")?;
    static MIGRATIONS: driftless::Migrations = driftless::embed_migrations!("migrations");
    let mut conn = driftless::rusqlite::Connection::open(&path)?;
    MIGRATIONS.upgrade(&mut conn)?;
    let written = event();
    let id = written.insert(&conn)?;
    // another connection, so nothing comes from a cache
    drop(conn);
    let conn = driftless::rusqlite::Connection::open(&path)?;
    let sql = format!("{} WHERE id = ?1", Event::SELECT);
    let read = conn.query_row(&sql, [id], Event::from_row)?;
    assert_eq!(read, Event { id: Some(id), ..written.clone() }, "derive(Model)");

    // every type bound as a parameter, and read back through query_as!
    let e = &written;
    let found: Event = driftless::query_as!(Event,
        "SELECT * FROM events WHERE day = ?1 AND clock = ?2 AND naive = ?3 AND utc = ?4
           AND fixed = ?5 AND local = ?6 AND t_day = ?7 AND t_clock = ?8
           AND t_primitive = ?9 AND t_offset = ?10 AND token = ?11 AND maybe_token = ?12",
        e.day, e.clock, e.naive, e.utc, e.fixed, e.local, e.t_day, e.t_clock,
        e.t_primitive, e.t_offset, e.token, e.maybe_token)
    .fetch_one(&conn)?;
    assert_eq!(found, read, "query_as!");
    let token: uuid::Uuid = driftless::query_scalar!(r#"SELECT token AS "token: uuid::Uuid" FROM events WHERE id = ?1"#, id)
        .fetch_one(&conn)?;
    assert_eq!(token, e.token, "query_scalar!");
    let at = driftless::query!(r#"SELECT t_offset AS "t_offset: time::OffsetDateTime", utc AS "utc: chrono::DateTime<Utc>" FROM events"#)
        .fetch_one(&conn)?;
    assert_eq!((at.t_offset, at.utc), (e.t_offset, e.utc), "query! with overrides");
    let newer = driftless::execute!("UPDATE events SET t_offset = ?1, day = ?2 WHERE token = ?3",
        e.t_offset + time::Duration::days(1), e.day.succ_opt().unwrap(), e.token)
    .execute(&conn)?;
    assert_eq!(newer, 1, "execute!");
    println!("round trips: {} columns", Event::COLUMNS.len());
    Ok(())
}
"##;

/// Every listed type, with the documented feature line, round-trips
/// through a real SQLite file.
#[test]
fn every_feature_type_round_trips() {
    let mut s = Scratch::locked("e2e", "types");
    let runtime = toml_str(&workspace().join("runtime"));
    s.write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n\
             driftless = {{ path = {runtime}, features = [\"chrono\", \"time\", \"uuid\", \"serde_json\"] }}\n\
             chrono = {{ version = \"0.4\", default-features = false }}\n\
             time = {{ version = \"0.3\", default-features = false }}\n\
             uuid = {{ version = \"1\", default-features = false }}\n\
             serde_json = \"1\"\n\n\
             [build-dependencies]\ndriftless = {{ path = {runtime} }}\n",
            s.name
        ),
    );
    s.write("build.rs", BUILD_RS);
    s.write("migrations/0001_create_events.sql", MIGRATION);
    s.write("src/main.rs", MAIN_RS);
    let db = s.path().join("events.db");
    let db = db.to_str().expect("a UTF-8 temporary path");
    let out = s.cargo_stdout("run", &["-q", "--", db]);
    assert_eq!(out, "round trips: 14 columns\n");
    // the values are on disk as the README says: dates as text, uuids as 16 bytes
    let conn = driftless::rusqlite::Connection::open(db).expect("open the scratch database");
    let (day, token): (String, Vec<u8>) = conn
        .query_row("SELECT day, token FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("read the stored values");
    assert_eq!(day, "2026-12-03");
    assert_eq!(token.len(), 16);
}
