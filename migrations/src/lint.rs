//! Lints for up migrations: changes that lose data, break the code still
//! running during a deploy, or need a newer SQLite than production has.
//!
//! A statement preceded by a comment `-- driftless:allow(<lint>)` is exempt
//! from that lint.

use std::fmt;

use crate::schema::Schema;
use crate::split::{Renamed, Statement, split};

/// What a lint is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LintKind {
    /// `DROP TABLE`: the data is gone, and code that reads the table breaks.
    DropTable,
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn,
    /// A table or column renamed: the previous build, still running during a deploy, breaks.
    Rename,
    /// A table rebuild (drop and rename) without `PRAGMA foreign_key_check`.
    RebuildWithoutForeignKeyCheck,
    /// `CREATE UNIQUE INDEX` on a table that already has rows: fails on duplicates.
    UniqueIndexOnExistingTable,
    /// A non-INTEGER PRIMARY KEY without NOT NULL: SQLite lets it hold NULL.
    NullablePrimaryKey,
    /// A feature newer than the SQLite version given.
    SqliteVersion,
}

impl LintKind {
    /// Every lint.
    pub const ALL: [LintKind; 7] = [
        LintKind::DropTable,
        LintKind::DropColumn,
        LintKind::Rename,
        LintKind::RebuildWithoutForeignKeyCheck,
        LintKind::UniqueIndexOnExistingTable,
        LintKind::NullablePrimaryKey,
        LintKind::SqliteVersion,
    ];

    /// The lint's name, as used in `-- driftless:allow(<name>)`.
    ///
    /// ```
    /// assert_eq!(driftless_migrations::lint::LintKind::DropTable.name(), "drop-table");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            LintKind::DropTable => "drop-table",
            LintKind::DropColumn => "drop-column",
            LintKind::Rename => "rename",
            LintKind::RebuildWithoutForeignKeyCheck => "rebuild-without-fk-check",
            LintKind::UniqueIndexOnExistingTable => "unique-index-on-existing-table",
            LintKind::NullablePrimaryKey => "nullable-primary-key",
            LintKind::SqliteVersion => "sqlite-version",
        }
    }
}

impl fmt::Display for LintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    /// Which lint.
    pub kind: LintKind,
    /// The line where the statement starts.
    pub line: usize,
    /// What is wrong, for people.
    pub message: String,
    /// What to do instead.
    pub help: String,
}

/// A SQLite version, for `--sqlite-version 3.31`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SqliteVersion(pub u32, pub u32);

impl std::str::FromStr for SqliteVersion {
    type Err = String;

    /// ```
    /// use driftless_migrations::lint::SqliteVersion;
    /// assert_eq!("3.31".parse::<SqliteVersion>(), Ok(SqliteVersion(3, 31)));
    /// assert_eq!("3.31.1".parse::<SqliteVersion>(), Ok(SqliteVersion(3, 31)));
    /// assert!("three".parse::<SqliteVersion>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split('.');
        let major = parts.next().and_then(|p| p.parse().ok());
        let minor = parts.next().and_then(|p| p.parse().ok());
        match (major, minor) {
            (Some(a), Some(b)) => Ok(SqliteVersion(a, b)),
            _ => Err(format!("`{s}` is not a SQLite version like 3.31")),
        }
    }
}

/// Lints one up migration. `before` is the schema before it runs, `after`
/// the schema it leaves; `target` the oldest SQLite it must run on, if any.
///
/// ```
/// use driftless_migrations::{lint::{lint, LintKind}, Schema};
/// let sql = "DROP TABLE old;\n-- driftless:allow(drop-table)\nDROP TABLE older;";
/// let lints = lint(sql, &Schema::default(), &Schema::default(), None);
/// assert_eq!(lints.len(), 1);
/// assert_eq!((lints[0].kind, lints[0].line), (LintKind::DropTable, 1));
/// ```
pub fn lint(
    sql: &str,
    before: &Schema,
    after: &Schema,
    target: Option<SqliteVersion>,
) -> Vec<Lint> {
    let statements = split(sql);
    let rebuilt = rebuilt_tables(&statements);
    let mut out = Vec::new();
    let mut previous_end = 0;
    for stmt in &statements {
        let allowed = allowances(&sql[previous_end..stmt.offset]);
        previous_end = stmt.offset + stmt.sql.len();
        let mut found = Vec::new();
        statement_lints(stmt, before, target, &rebuilt, &mut found);
        out.extend(
            found
                .into_iter()
                .filter(|l| !allowed.contains(&l.kind.name().to_string())),
        );
    }
    let drops_a_table = statements.iter().any(|s| s.starts_with(&["DROP", "TABLE"]));
    let renames_a_table = statements
        .iter()
        .any(|s| matches!(s.renamed(), Some(Renamed::Table(_))));
    let checks = sql.to_ascii_lowercase().contains("foreign_key_check");
    if drops_a_table
        && renames_a_table
        && !checks
        && !whole_file_allows(sql, LintKind::RebuildWithoutForeignKeyCheck)
    {
        out.push(Lint {
            kind: LintKind::RebuildWithoutForeignKeyCheck,
            line: 1,
            message: "this migration rebuilds a table but never runs `PRAGMA foreign_key_check`".into(),
            help: "end the rebuild with `PRAGMA foreign_key_check;` so rows orphaned by it are found (driftless's migrator checks, other runners may not)".into(),
        });
    }
    for table in &after.tables {
        if before
            .table(&table.name)
            .is_some_and(|b| b.sql == table.sql)
            || table.without_rowid
        {
            continue;
        }
        for c in &table.columns {
            let integer_key = table.rowid_alias().is_some_and(|k| k.name == c.name);
            if c.primary_key > 0 && !c.not_null && !integer_key && !table.strict {
                out.push(Lint {
                    kind: LintKind::NullablePrimaryKey,
                    line: line_mentioning(sql, &table.name),
                    message: format!(
                        "primary key `{}.{}` can hold NULL (a SQLite quirk of non-INTEGER keys)",
                        table.name, c.name
                    ),
                    // a column of a composite key gets its NOT NULL where
                    // it is declared; the key stays a table constraint
                    help: if table.columns.iter().filter(|k| k.primary_key > 0).count() > 1 {
                        format!(
                            "declare the column `{} {} NOT NULL`, keeping the table's PRIMARY KEY (...)",
                            c.name, c.decl_type
                        )
                    } else {
                        format!("declare it `{} {} NOT NULL PRIMARY KEY`", c.name, c.decl_type)
                    },
                });
            }
        }
    }
    out.sort_by_key(|l| l.line);
    out
}

/// The lints named in `-- driftless:allow(a, b)` comments in `gap`.
fn allowances(gap: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in gap.lines() {
        if let Some(rest) = line.trim().strip_prefix("--")
            && let Some(inner) = rest.trim().strip_prefix("driftless:allow(")
            && let Some(list) = inner.split(')').next()
        {
            names.extend(list.split(',').map(|n| n.trim().to_string()));
        }
    }
    names
}

/// Whether statement `index` of `statements` (split from `sql`) is exempt
/// from the check `name` by a `-- driftless:allow(name)` comment between it
/// and the statement before it.
pub(crate) fn exempt(sql: &str, statements: &[Statement<'_>], index: usize, name: &str) -> bool {
    let start = index
        .checked_sub(1)
        .and_then(|p| statements.get(p))
        .map_or(0, |p| p.offset + p.sql.len());
    let end = statements.get(index).map_or(sql.len(), |s| s.offset);
    sql.get(start..end)
        .is_some_and(|gap| allowances(gap).iter().any(|n| n == name))
}

fn whole_file_allows(sql: &str, kind: LintKind) -> bool {
    allowances(sql).iter().any(|n| n == kind.name())
}

fn line_mentioning(sql: &str, name: &str) -> usize {
    sql.lines()
        .position(|l| l.contains(name))
        .map_or(1, |i| i + 1)
}

/// For `ALTER TABLE x RENAME ...`: whether the table itself is renamed
/// (`RENAME TO`) rather than a column.
/// The tables a script rebuilds by SQLite's 12-step procedure: dropped, and
/// then replaced by renaming a new table to their name. Such a DROP and
/// RENAME lose nothing and break no running code, so they are not linted.
fn rebuilt_tables(statements: &[Statement<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let Some(dropped) = s.dropped_table() else {
            continue;
        };
        if statements[i + 1..]
            .iter()
            .any(|later| later.renamed() == Some(Renamed::Table(dropped.clone())))
        {
            out.push(dropped);
        }
    }
    out
}

fn statement_lints(
    stmt: &Statement<'_>,
    before: &Schema,
    target: Option<SqliteVersion>,
    rebuilt: &[String],
    out: &mut Vec<Lint>,
) {
    let words = stmt.words();
    let has = |seq: &[&str]| {
        words
            .windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
    };
    let mut push = |kind, message: String, help: &str| {
        out.push(Lint {
            kind,
            line: stmt.at.line,
            message,
            help: help.to_string(),
        })
    };
    let renamed = stmt.renamed();
    let part_of_rebuild = match (stmt.dropped_table(), &renamed) {
        (Some(t), _) => rebuilt.contains(&t),
        (None, Some(Renamed::Table(t))) => rebuilt.contains(t),
        _ => false,
    };
    // `DROP TABLE IF EXISTS x` where nothing created x deletes nothing
    let drops_something = stmt
        .dropped_table()
        .is_some_and(|t| before.table(&t).is_some() || !has(&["IF", "EXISTS"]));
    if drops_something && !part_of_rebuild {
        push(
            LintKind::DropTable,
            format!("`{}` deletes the table and its data", stmt.shown()),
            "stop using the table in one deploy and drop it in the next",
        );
    }
    if stmt.starts_with(&["ALTER", "TABLE"]) {
        if has(&["DROP", "COLUMN"]) || (has(&["DROP"]) && !has(&["DROP", "CONSTRAINT"])) {
            push(
                LintKind::DropColumn,
                format!("`{}` deletes the column and its data", stmt.shown()),
                "stop using the column in one deploy and drop it in the next",
            );
            version_lint(target, SqliteVersion(3, 35), "DROP COLUMN", stmt, out);
        }
        if let Some(renamed) = renamed.filter(|_| !part_of_rebuild) {
            let table = matches!(renamed, Renamed::Table(_));
            let what = if table { "table" } else { "column" };
            out.push(Lint {
                kind: LintKind::Rename,
                line: stmt.at.line,
                message: format!("`{}` renames a {what}: the build still running during the deploy uses the old name", stmt.shown()),
                help: "add the new name, copy, switch the code over, and drop the old name in a later deploy".into(),
            });
            if !table {
                version_lint(target, SqliteVersion(3, 25), "RENAME COLUMN", stmt, out);
            }
        }
    }
    // after a rebuild the index is recreated on rows that were already unique
    if stmt.starts_with(&["CREATE", "UNIQUE", "INDEX"])
        && let Some(table) = stmt.indexed_table()
        && before.table(&table).is_some()
        && !rebuilt.contains(&table)
    {
        out.push(Lint {
            kind: LintKind::UniqueIndexOnExistingTable,
            line: stmt.at.line,
            message: format!("`{}` adds a unique index to existing table `{table}`: it fails if the table has duplicates", stmt.shown()),
            help: "remove duplicates in the same migration first, or check production data before deploying".into(),
        });
    }
    if stmt.starts_with(&["CREATE", "TABLE"]) || stmt.starts_with(&["ALTER", "TABLE"]) {
        if has(&["GENERATED", "ALWAYS"])
            || has(&["AS"]) && has(&["STORED"])
            || has(&["VIRTUAL"]) && !has(&["CREATE", "VIRTUAL"])
        {
            version_lint(target, SqliteVersion(3, 31), "generated columns", stmt, out);
        }
        if words.last().is_some_and(|w| w == "STRICT") || has(&["STRICT", "WITHOUT"]) {
            version_lint(target, SqliteVersion(3, 37), "STRICT tables", stmt, out);
        }
    }
}

fn version_lint(
    target: Option<SqliteVersion>,
    needs: SqliteVersion,
    feature: &str,
    stmt: &Statement<'_>,
    out: &mut Vec<Lint>,
) {
    if let Some(t) = target
        && t < needs
    {
        out.push(Lint {
            kind: LintKind::SqliteVersion,
            line: stmt.at.line,
            message: format!(
                "{feature}: requires SQLite {}.{}, but the target is {}.{}",
                needs.0, needs.1, t.0, t.1
            ),
            help:
                "rewrite it for the older SQLite (a table rebuild), or upgrade SQLite in production"
                    .into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::schema::tests::schema_of as schema;

    fn kinds(sql: &str, before: &str, target: Option<SqliteVersion>) -> Vec<LintKind> {
        let b = schema(before);
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(before).expect("before");
        conn.execute_batch(sql).expect("migration runs");
        let a = Schema::read(&conn).expect("after");
        lint(sql, &b, &a, target)
            .into_iter()
            .map(|l| l.kind)
            .collect()
    }

    const T: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);";

    #[test]
    fn each_lint_fires() {
        use LintKind::*;
        assert_eq!(kinds("DROP TABLE t;", T, None), [DropTable]);
        assert_eq!(kinds("ALTER TABLE t DROP COLUMN b;", T, None), [DropColumn]);
        assert_eq!(kinds("ALTER TABLE t RENAME TO u;", T, None), [Rename]);
        assert_eq!(
            kinds("ALTER TABLE t RENAME COLUMN a TO c;", T, None),
            [Rename]
        );
        assert_eq!(
            kinds("CREATE UNIQUE INDEX t_a ON t (a);", T, None),
            [UniqueIndexOnExistingTable]
        );
        assert_eq!(
            kinds(
                "CREATE TABLE u (x);\nCREATE UNIQUE INDEX u_x ON u (x);",
                T,
                None
            ),
            []
        );
        assert_eq!(
            kinds("CREATE TABLE k (code TEXT PRIMARY KEY);", "", None),
            [NullablePrimaryKey]
        );
        assert_eq!(
            kinds("CREATE TABLE k (code TEXT NOT NULL PRIMARY KEY);", "", None),
            []
        );
        // SQLite's 12-step rebuild: the DROP and RENAME are not lints, the missing check is
        let rebuild = "CREATE TABLE t2 (id INTEGER PRIMARY KEY, a TEXT);\nINSERT INTO t2 SELECT id, a FROM t;\nDROP TABLE t;\nALTER TABLE \"t2\" RENAME TO \"t\";";
        assert_eq!(kinds(rebuild, T, None), [RebuildWithoutForeignKeyCheck]);
        assert_eq!(
            kinds(&format!("{rebuild}\nPRAGMA foreign_key_check;"), T, None),
            []
        );
    }

    #[test]
    fn sqlite_version_features() {
        use LintKind::*;
        let old = Some(super::SqliteVersion(3, 24));
        assert_eq!(
            kinds("ALTER TABLE t RENAME COLUMN a TO c;", T, old),
            [Rename, SqliteVersion]
        );
        assert_eq!(
            kinds(
                "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a + 1));",
                "",
                old
            ),
            [SqliteVersion]
        );
        assert_eq!(
            kinds(
                "CREATE TABLE s (a INT) STRICT;",
                "",
                Some(super::SqliteVersion(3, 36))
            ),
            [SqliteVersion]
        );
        assert_eq!(
            kinds(
                "CREATE TABLE s (a INT) STRICT;",
                "",
                Some(super::SqliteVersion(3, 37))
            ),
            []
        );
        assert_eq!(
            kinds(
                "ALTER TABLE t DROP COLUMN b;",
                T,
                Some(super::SqliteVersion(3, 34))
            ),
            [DropColumn, SqliteVersion]
        );
    }

    #[test]
    fn allow_comment_exempts_only_the_next_statement_and_lint() {
        let sql = "-- driftless:allow(drop-column)\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t DROP COLUMN a;";
        let lints = lint(sql, &schema(T), &schema(T), None);
        assert_eq!(lints.len(), 1);
        assert_eq!(lints[0].line, 3);
    }

    #[test]
    fn no_false_positives_from_real_projects() {
        use LintKind::*;
        // nothing to delete
        assert_eq!(kinds("DROP TABLE IF EXISTS old_stuff;", T, None), []);
        assert_eq!(kinds("DROP TABLE IF EXISTS t;", T, None), [DropTable]);
        // a unique index recreated right after a rebuild of its table
        assert_eq!(
            kinds(
                "CREATE TABLE t_new (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT);\n\
                 INSERT INTO t_new SELECT id, coalesce(a, ''), b FROM t;\n\
                 DROP TABLE t;\n\
                 ALTER TABLE t_new RENAME TO t;\n\
                 CREATE UNIQUE INDEX t_a ON t (a);\n\
                 PRAGMA foreign_key_check;",
                T,
                None
            ),
            []
        );
        // a quoted table name is still the table
        assert_eq!(
            kinds("CREATE UNIQUE INDEX t_a ON \"t\" (a);", T, None),
            [UniqueIndexOnExistingTable]
        );
    }

    #[test]
    fn a_multi_line_statement_is_quoted_whole() {
        let b = schema(T);
        let found = lint("ALTER TABLE t\n  DROP COLUMN b;", &b, &b, None);
        assert_eq!(
            found[0].message,
            "`ALTER TABLE t DROP COLUMN b;` deletes the column and its data"
        );
    }

    #[test]
    fn a_composite_keys_column_is_told_to_add_not_null_only() {
        let b = schema("");
        let sql = "CREATE TABLE m (team TEXT, person TEXT, PRIMARY KEY (team, person));";
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("sql");
        let a = Schema::read(&conn).expect("after");
        let found = lint(sql, &b, &a, None);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].help,
            "declare the column `team TEXT NOT NULL`, keeping the table's PRIMARY KEY (...)"
        );
    }
}
