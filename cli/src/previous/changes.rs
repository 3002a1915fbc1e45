//! What today's migrations did to the tables and views the previous
//! release's code reads: each drop, rename and redefinition with the
//! migration that made it, matched against the compiler's errors, and the
//! expand/contract split to make instead.

use driftless_migrations::replay::{Next, replay_steps};
use driftless_migrations::{Column, MigrationSet, Schema};

/// What one of today's migrations did to a table or view.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    /// The migration's file name.
    migration: String,
    /// `table` or `view`.
    kind: &'static str,
    relation: String,
    /// The column, or `None` for the whole table or view.
    column: Option<String>,
    change: Change,
}

#[derive(Debug, PartialEq, Eq)]
enum Change {
    Dropped,
    /// Renamed to this name.
    Renamed(String),
    /// Its definition (type, NOT NULL) changed from one to the other.
    Redefined(String, String),
}

/// Every table, view and column a migration of `set` drops, renames or
/// redefines, each with the last migration that did it.
pub fn broken_by(set: &MigrationSet) -> Result<Vec<Broken>, driftless_migrations::Error> {
    let mut found: Vec<Broken> = Vec::new();
    replay_steps(set, |step| {
        for b in step_changes(step.before, step.after, &step.migration.file_name()) {
            let same = |o: &Broken| {
                o.relation.eq_ignore_ascii_case(&b.relation)
                    && o.column.as_deref().map(str::to_lowercase)
                        == b.column.as_deref().map(str::to_lowercase)
            };
            found.retain(|o| !same(o));
            found.push(b);
        }
        Ok(Next::Continue)
    })?;
    Ok(found)
}

/// The tables and views of a schema: name, kind, columns.
fn relations(schema: &Schema) -> Vec<(&str, &'static str, &[Column])> {
    let tables = schema
        .tables
        .iter()
        .map(|t| (t.name.as_str(), "table", t.columns.as_slice()));
    let views = schema
        .views
        .iter()
        .map(|v| (v.name.as_str(), "view", v.columns.as_slice()));
    tables.chain(views).collect()
}

/// A column's definition as users write it: `TEXT NOT NULL`.
fn definition(c: &Column) -> String {
    let ty = if c.decl_type.is_empty() {
        "no type".to_string()
    } else {
        c.decl_type.to_uppercase()
    };
    if c.not_null {
        format!("{ty} NOT NULL")
    } else {
        ty
    }
}

/// What one migration did: the schema `before` it and `after` it.
fn step_changes(before: &Schema, after: &Schema, migration: &str) -> Vec<Broken> {
    let mut changes = Vec::new();
    let broken = |kind, relation: &str, column: Option<&str>, change| Broken {
        migration: migration.to_string(),
        kind,
        relation: relation.to_string(),
        column: column.map(str::to_string),
        change,
    };
    let has = |cols: &[Column], name: &str| cols.iter().any(|c| c.name.eq_ignore_ascii_case(name));
    let new_relations: Vec<_> = relations(after)
        .into_iter()
        .filter(|(name, _, _)| before.relation(name).is_none())
        .collect();
    for (name, kind, columns) in relations(before) {
        let Some(now) = after.relation(name) else {
            // one relation gone and one of the same columns come: a rename
            let renamed = match new_relations.as_slice() {
                [(to, _, cols)]
                    if cols.len() == columns.len()
                        && columns.iter().all(|c| has(cols, &c.name)) =>
                {
                    Change::Renamed((*to).to_string())
                }
                _ => Change::Dropped,
            };
            changes.push(broken(kind, name, None, renamed));
            continue;
        };
        let gone: Vec<&Column> = columns
            .iter()
            .filter(|c| now.column(&c.name).is_none())
            .collect();
        let came: Vec<&Column> = now
            .columns()
            .iter()
            .filter(|c| !has(columns, &c.name))
            .collect();
        for c in &gone {
            // a column gone and one come with its definition, each the only
            // one of that definition: a rename (the rest are drops)
            let alike = |cols: &[&Column]| -> Vec<String> {
                cols.iter()
                    .filter(|o| definition(o) == definition(c))
                    .map(|o| o.name.clone())
                    .collect()
            };
            let change = match (alike(&gone).len(), alike(&came).as_slice()) {
                (1, [to]) => Change::Renamed(to.clone()),
                _ => Change::Dropped,
            };
            changes.push(broken(kind, name, Some(&c.name), change));
        }
        for c in columns {
            if let Some(new) = now.column(&c.name)
                && definition(new) != definition(c)
            {
                let change = Change::Redefined(definition(c), definition(new));
                changes.push(broken(kind, name, Some(&c.name), change));
            }
        }
    }
    changes
}

impl Broken {
    /// Whether a compiler error (lowercased) is about this table or column:
    /// the derive names `table`.`column`, SQLite (behind the query macros
    /// and sqlx's) says `no such column: name`.
    pub fn mentioned_in(&self, text: &str) -> bool {
        let relation = self.relation.to_lowercase();
        let named = |prefix: &str, name: &str| {
            sqlite_names(text, prefix).any(|n| n == name || n.ends_with(&format!(".{name}")))
        };
        match &self.column {
            Some(column) => {
                let column = column.to_lowercase();
                text.contains(&format!("`{relation}.{column}`"))
                    || (text.contains(&format!("`{column}`"))
                        && text.contains(&format!("`{relation}`")))
                    || named("no such column: ", &column)
            }
            None => text.contains(&format!("`{relation}`")) || named("no such table: ", &relation),
        }
    }

    /// `games.paused_at`, or `table games`.
    fn what(&self) -> String {
        match &self.column {
            Some(c) => format!("`{}.{c}`", self.relation),
            None => format!("{} `{}`", self.kind, self.relation),
        }
    }

    /// `` `0007_drop_paused_at.sql` drops `games.paused_at` ``.
    fn describe(&self) -> String {
        let did = match &self.change {
            Change::Dropped => format!("drops {}", self.what()),
            Change::Renamed(to) => format!("renames {} to `{to}`", self.what()),
            Change::Redefined(from, to) => {
                format!("changes {} from `{from}` to `{to}`", self.what())
            }
        };
        format!("`{}` {did}", self.migration)
    }

    /// The expand/contract split of this change.
    fn advice(&self) -> String {
        let old = self.column.as_ref().unwrap_or(&self.relation);
        let next = "in a migration of the next release, once no running code uses it";
        let later = format!("drop `{old}` {next}");
        match &self.change {
            Change::Dropped => {
                format!("keep `{old}` in this release and stop using it; drop it {next}")
            }
            Change::Renamed(to) => format!(
                "add `{to}` beside `{old}` in this release, write both and read `{to}`; {later}"
            ),
            Change::Redefined(..) => format!(
                "add a column with the new definition beside `{old}` in this release, write both and read the new one; {later}"
            ),
        }
    }
}

/// The names SQLite's messages give after `prefix` (`no such column: g.x`).
fn sqlite_names<'t>(text: &'t str, prefix: &'t str) -> impl Iterator<Item = String> + 't {
    text.match_indices(prefix).map(move |(at, _)| {
        text[at + prefix.len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || "_.$\"`[]".contains(*c))
            .filter(|c| !"\"`[]".contains(*c))
            .collect()
    })
}

/// The help of a finding: the migrations that broke what the error is
/// about, and the split to make instead.
pub fn help(reference: &str, matched: &[&Broken], new: &[String]) -> String {
    let runs = format!(
        "during a rolling deploy, and after a rollback to {reference}, that code runs on this schema"
    );
    if !matched.is_empty() {
        let did: Vec<String> = matched.iter().map(|b| b.describe()).collect();
        let advice: Vec<String> = matched.iter().map(|b| b.advice()).collect();
        return format!(
            "{}, which the code at {reference} uses: {runs}. Split the change (expand/contract): {}",
            did.join(" and "),
            advice.join("; ")
        );
    }
    if new.is_empty() {
        return format!(
            "today's migrations are the ones {reference} has, so the schema is not what changed: the code at {reference} does not build here (a newer toolchain or dependency?)"
        );
    }
    let names: Vec<String> = new.iter().map(|n| format!("`{n}`")).collect();
    format!(
        "the code at {reference} built on its own migrations; since then {} came: {runs}. Make the change in two releases (expand/contract): keep what this code uses until the next release",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftless_migrations::discover;

    fn set(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, sql) in files {
            std::fs::write(dir.path().join(name), sql).expect("write a migration");
        }
        let set = discover(dir.path()).expect("discover");
        (dir, set)
    }

    const CREATE: (&str, &str) = (
        "0001_create.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, paused_at TEXT, score INTEGER);\nCREATE TABLE old (id INTEGER PRIMARY KEY);\n",
    );

    #[test]
    fn each_change_is_found_with_the_migration_that_made_it() {
        let (_dir, set) = set(&[
            CREATE,
            (
                "0002_drop.sql",
                "ALTER TABLE games DROP COLUMN paused_at;\n",
            ),
            (
                "0003_rename.sql",
                "ALTER TABLE games DROP COLUMN name;\nALTER TABLE games RENAME COLUMN score TO points;\nDROP TABLE old;\n",
            ),
        ]);
        let broken = broken_by(&set).expect("replays");
        let shown: Vec<String> = broken.iter().map(Broken::describe).collect();
        assert_eq!(
            shown,
            [
                "`0002_drop.sql` drops `games.paused_at`",
                "`0003_rename.sql` drops `games.name`",
                "`0003_rename.sql` renames `games.score` to `points`",
                "`0003_rename.sql` drops table `old`",
            ]
        );
    }

    #[test]
    fn errors_of_the_derive_and_of_sqlite_name_the_column() {
        let (_dir, set) = set(&[
            CREATE,
            (
                "0002_drop.sql",
                "ALTER TABLE games DROP COLUMN paused_at;\n",
            ),
        ]);
        let broken = broken_by(&set).expect("replays");
        let paused = &broken[0];
        assert!(paused.mentioned_in("table `games` has no column `paused_at`"));
        assert!(
            paused.mentioned_in(
                "error returned from database: (code: 1) no such column: g.paused_at"
            )
        );
        assert!(!paused.mentioned_in("table `games` has no column `name`"));
        assert!(!paused.mentioned_in("no such column: paused_at_2"));
        let help = help("v1", &[paused], &[]);
        assert!(
            help.starts_with("`0002_drop.sql` drops `games.paused_at`, which the code at v1 uses"),
            "{help}"
        );
        assert!(help.contains("keep `paused_at` in this release"), "{help}");
    }

    #[test]
    fn a_stricter_column_is_a_redefinition() {
        let before = set(&[("0001_a.sql", "CREATE TABLE t (x TEXT NOT NULL);\n")]);
        let after = set(&[("0001_a.sql", "CREATE TABLE t (x TEXT);\n")]);
        let read = |s: &MigrationSet| driftless_migrations::replay(s).expect("replays").schema;
        let changes = step_changes(&read(&before.1), &read(&after.1), "0002_b.sql");
        assert_eq!(
            changes[0].describe(),
            "`0002_b.sql` changes `t.x` from `TEXT NOT NULL` to `TEXT`"
        );
    }
}
