//! `driftless schema`.

use crate::harness::*;

#[test]
fn schema_sql_prints_create_statements() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("schema", &[])
        .code(0)
        .out("CREATE TABLE a (\n    id INTEGER PRIMARY KEY,\n    name TEXT\n);\n")
        .out("CREATE TABLE b (");
    p.cmd("schema", &["--format", "sql", "--at", "1"])
        .code(0)
        .out("CREATE TABLE a (")
        .out_lacks("CREATE TABLE b");
}

#[test]
fn schema_sql_lays_tables_out_after_add_column() {
    let p = Project::with(&[
        (
            "0001_create_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY,\n\
             \tname   TEXT NOT NULL DEFAULT 'new,  game',\n\
             \tcreated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        ),
        (
            "0002_add_completed_at.sql",
            "ALTER TABLE games ADD COLUMN completed_at DATETIME;\n\
             ALTER TABLE games ADD COLUMN winners JSON;\n",
        ),
    ]);
    p.cmd("schema", &[]).code(0).out(
        "CREATE TABLE games (\n    \
             id INTEGER PRIMARY KEY,\n    \
             name TEXT NOT NULL DEFAULT 'new,  game',\n    \
             created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             completed_at DATETIME,\n    \
             winners JSON\n\
         );\n",
    );
}

/// Migrations whose stored CREATE statements are as untidy as SQL gets.
const UNTIDY: [(&str, &str); 3] = [
    (
        "0001_create.sql",
        "CREATE TABLE \"odd, name\" (\n  [id  x] INTEGER PRIMARY KEY, -- the key, (really)\n  \
         `e,f` TEXT DEFAULT 'it''s,  fine' CHECK (length(`e,f`) IN (1,2,3)),\n  \
         /* a note */ amount REAL   DEFAULT (-1)\n) STRICT;\n\
         CREATE TABLE games (id INTEGER PRIMARY KEY,\n\
         \tname TEXT COLLATE NOCASE NOT NULL DEFAULT 'x--y',\n\
         \tprice NUMERIC(10,2)  NOT NULL DEFAULT 0,\n\
         \tscore INT GENERATED ALWAYS AS (length(name) * 2) STORED,\n\
         \tUNIQUE (name) ON CONFLICT REPLACE\n);\n\
         CREATE TABLE codes (code TEXT PRIMARY KEY, game_id INTEGER REFERENCES games (id) ON DELETE CASCADE)\n\
         WITHOUT ROWID;\n\
         CREATE INDEX games_score\n    ON games (score DESC,\n  lower(name))  WHERE score > 2;\n\
         CREATE VIEW best AS\n  SELECT name,   score -- best first\n  FROM games\n  ORDER BY score DESC;\n\
         CREATE TRIGGER games_touch AFTER UPDATE ON games   \n\
         BEGIN\n\n    UPDATE codes SET  code = code || 'x  y'\n    WHERE game_id = new.id;\nEND;\n",
    ),
    (
        "0002_add.sql",
        "ALTER TABLE games ADD COLUMN completed_at DATETIME;\n\
         ALTER TABLE games ADD COLUMN winners JSON DEFAULT '[]';\n",
    ),
    (
        "0003_rename.sql",
        "ALTER TABLE games RENAME COLUMN winners TO champions;\n",
    ),
];

#[test]
fn schema_sql_replays_to_the_same_schema() {
    let p = Project::with(&UNTIDY);
    let printed = p.cmd("schema", &[]).code(0).stdout.clone();
    assert!(
        printed.contains(
            "    completed_at DATETIME,\n    \
                 champions JSON DEFAULT '[]',\n    \
                 UNIQUE (name) ON CONFLICT REPLACE\n);"
        ),
        "{printed}"
    );
    // the schema the migrations make, and the one the printed statements make
    let migrated = Connection::open_in_memory().expect("memory db");
    for (_, sql) in UNTIDY {
        migrated.execute_batch(sql).expect("migration runs");
    }
    let expected = Schema::read(&migrated).expect("read migrated schema");
    let replayed = Connection::open_in_memory().expect("memory db");
    replayed
        .execute_batch(&printed)
        .unwrap_or_else(|e| panic!("the printed schema is not valid SQL ({e}):\n{printed}"));
    let got = Schema::read(&replayed).expect("read replayed schema");
    let tables = |s: &Schema| -> Vec<_> {
        s.tables
            .iter()
            .map(|t| (t.name.clone(), t.columns.clone(), t.strict, t.without_rowid))
            .collect()
    };
    assert_eq!(tables(&got), tables(&expected), "{printed}");
    let indexes = |s: &Schema| -> Vec<_> {
        s.indexes
            .iter()
            .map(|i| (i.name.clone(), i.table.clone(), i.unique, i.columns.clone()))
            .collect()
    };
    assert_eq!(indexes(&got), indexes(&expected), "{printed}");
    let views = |s: &Schema| -> Vec<_> {
        s.views
            .iter()
            .map(|v| (v.name.clone(), v.columns.clone()))
            .collect()
    };
    assert_eq!(views(&got), views(&expected), "{printed}");
    let triggers = |s: &Schema| -> Vec<_> {
        s.triggers
            .iter()
            .map(|t| (t.name.clone(), t.table.clone()))
            .collect()
    };
    assert_eq!(triggers(&got), triggers(&expected), "{printed}");
    // and printing the replayed schema again changes nothing
    let again = Project::with(&[("0001_all.sql", printed.as_str())]);
    assert_eq!(again.cmd("schema", &[]).code(0).stdout, printed);
}

impl Project {
    /// Runs `driftless args...` with a stdout whose reader is gone before it
    /// writes (`driftless ... | head -1`); stdout in the result is empty.
    fn run_stdout_closed(&self, args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_driftless"))
            .args(args)
            .current_dir(self.root.path())
            .env("NO_COLOR", "1")
            .env_remove("CARGO_MANIFEST_DIR")
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the driftless binary");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait for driftless");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::new(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("Broken pipe"),
            "driftless {args:?} panicked on a closed stdout:\n{}",
            run.stderr
        );
        run
    }
}

#[test]
fn closed_stdout_exits_quietly() {
    // far more output than a pipe holds, so the binary is still writing when the reader is gone
    let mut sql = String::new();
    for t in 0..300 {
        let columns: Vec<String> = (0..10)
            .map(|c| format!("column_number_{c} TEXT NOT NULL DEFAULT 'some default text'"))
            .collect();
        sql.push_str(&format!(
            "CREATE TABLE table_number_{t} ({});\n",
            columns.join(", ")
        ));
    }
    let p = Project::with(&[("0001_many.sql", sql.as_str())]);
    for format in ["sql", "json"] {
        let run = p.run_stdout_closed(&["schema", "--dir", DIR, "--format", format]);
        assert_eq!(run.stderr, "", "--format {format}");
        run.code(0);
    }
}

#[test]
fn closed_stdout_keeps_a_failing_check_failing() {
    // a thousand drop-table warnings: more output than a pipe holds
    let mut create = String::new();
    let mut drop = String::new();
    for t in 0..1000 {
        create.push_str(&format!("CREATE TABLE table_number_{t} (x);\n"));
        drop.push_str(&format!("DROP TABLE table_number_{t};\n"));
    }
    let p = Project::with(&[("0001_create.sql", &create), ("0002_drop.sql", &drop)]);
    p.run_stdout_closed(&["check", "--dir", DIR]).code(0);
    // `driftless check --deny warnings | head` in CI must still fail
    p.run_stdout_closed(&["check", "--dir", DIR, "--deny", "warnings"])
        .code(1);
}

#[test]
fn closed_stdout_during_an_upgrade_exits_2() {
    // one `applied` line a migration: enough of them to fill a pipe
    let files: Vec<(String, String)> = (1..=1500)
        .map(|v| {
            (
                format!("{v:04}_create_table_number_{v}.sql"),
                format!("CREATE TABLE table_number_{v} (x);\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let p = Project::with(&refs);
    p.run_stdout_closed(&["upgrade", "--dir", DIR, "--db", DB])
        .code(2)
        .err("stopped partway");
    let applied = versions(&p.conn()).len();
    assert!(
        (1..1500).contains(&applied),
        "expected an upgrade cut short, {applied} applied"
    );
}

#[test]
fn schema_json_is_a_snapshot() {
    let p = Project::with(&TWO_TABLES);
    let names = |doc: &Value| -> Vec<String> {
        doc["schema"]["tables"]
            .as_array()
            .expect("schema.tables")
            .iter()
            .map(|t| t["name"].as_str().expect("table name").to_string())
            .collect()
    };
    let doc = p.cmd("schema", &["--format", "json"]).code(0).json();
    assert_eq!(names(&doc), ["a", "b"]);
    let columns: Vec<&str> = doc["schema"]["tables"][0]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("column name"))
        .collect();
    assert_eq!(columns, ["id", "name"]);
    let at1 = p
        .cmd("schema", &["--format", "json", "--at", "1"])
        .code(0)
        .json();
    assert_eq!(names(&at1), ["a"]);
}

#[test]
fn schema_diesel_prints_what_diesel_print_schema_prints() {
    let p = Project::with(&[
        (
            "0001_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, \"type\" TEXT);",
        ),
        (
            "0002_rounds.sql",
            "CREATE TABLE rounds (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), \
             started DATETIME, done BOOLEAN NOT NULL DEFAULT 0);",
        ),
    ]);
    let expected = "\
// @generated automatically by Diesel CLI.

diesel::table! {
    games (id) {
        id -> Integer,
        name -> Text,
        #[sql_name = \"type\"]
        type_ -> Nullable<Text>,
    }
}

diesel::table! {
    rounds (id) {
        id -> Nullable<Integer>,
        game_id -> Integer,
        started -> Nullable<Timestamp>,
        done -> Bool,
    }
}

diesel::joinable!(rounds -> games (game_id));

diesel::allow_tables_to_appear_in_same_query!(games, rounds,);
";
    assert_eq!(p.cmd("schema", &["--diesel"]).code(0).stdout, expected);
    assert_eq!(
        p.cmd("schema", &["--format", "diesel"]).code(0).stdout,
        expected
    );
    p.cmd("schema", &["--diesel", "--at", "1"])
        .code(0)
        .out("    games (id) {")
        .out_lacks("rounds");
    p.cmd("schema", &["--diesel", "--format", "sql"])
        .code(2)
        .err("cannot be used with");
}

#[test]
fn schema_diesel_writes_text_where_diesel_has_no_type_and_says_so() {
    let p = Project::with(&[(
        "0001_docs.sql",
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, body JSON NOT NULL);",
    )]);
    p.cmd("schema", &["--diesel"])
        .code(0)
        .out("        body -> Text,\n")
        .err("warning: column `docs.body` is declared `JSON`, which diesel has no SQL type for: written as `Text`");
}

#[test]
fn schema_at_an_unknown_version_exits_2() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("schema", &["--at", "7"])
        .code(2)
        .err("no migration has version 7");
}
