//! `driftless squash --to V`: one baseline migration in place of every
//! migration up to V, in the directory's layout.
//!
//! The baseline is the schema and rows the replaced migrations produce
//! (`driftless_migrations::squash`), named as the last of them with the
//! name `squashed`; their files are removed (git keeps them). Before
//! anything is written, the new directory is replayed and must give the
//! schema the old one gives.

use std::path::{Path, PathBuf};

use driftless_migrations::error::display_path;
use driftless_migrations::{Layout, Migration, MigrationSet, discover, replay, squash};

use crate::output::{CliError, CliResult, Outcome};

/// What `check` says of a squashed directory: a baseline must come first,
/// and no migration after it may take a version it replaces (databases
/// past the baseline count that version as run, and never run it).
pub fn findings(set: &MigrationSet) -> Vec<crate::check::Finding> {
    let mut found = Vec::new();
    let mut listed: Vec<squash::Replaced> = Vec::new();
    for (i, m) in set.migrations.iter().enumerate() {
        let Some(replaced) = squash::replaced(&m.up.sql()) else {
            if listed.iter().any(|r| r.version == m.version) {
                found.push(crate::check::Finding {
                    error: true,
                    code: "baseline",
                    file: m.up.file.to_string(),
                    line: None,
                    message: format!(
                        "has version {}, which `{}` replaces: databases past the baseline count it as run and never run it",
                        m.label(),
                        set.migrations[0].file_name()
                    ),
                    help: Some("give it the next version (`driftless new` names it)".into()),
                });
            }
            continue;
        };
        if i > 0 {
            found.push(crate::check::Finding {
                error: true,
                code: "baseline",
                file: m.up.file.to_string(),
                line: None,
                message: format!(
                    "is a baseline (`driftless squash`), but `{}` runs before it: a baseline must be the first migration",
                    set.migrations[0].file_name()
                ),
                help: Some("give the migrations before it versions after it, or squash them into it".into()),
            });
        }
        listed = replaced;
    }
    found
}

pub fn run(dir: &Path, to: u64, dry_run: bool) -> CliResult {
    let set = discover(dir)?;
    let Some(at) = set
        .migrations
        .iter()
        .position(|m| m.version == to && !m.repeatable)
    else {
        return Err(CliError::Usage(format!(
            "no migration in {} has version {to}\nhelp: `driftless status` or the file names give the versions",
            display_path(dir)
        )));
    };
    let replaced: Vec<Migration> = set.migrations[..=at]
        .iter()
        .filter(|m| !m.repeatable)
        .cloned()
        .collect();
    let last = &set.migrations[at];
    let (first, count) = (&replaced[0], replaced.len());
    let to = last.label();
    let note = format!(
        "Replaces {count} migration{}, {} to {}: `driftless squash --to {to}` wrote it.\n\
         A new database runs this, then the migrations after it. A database past version {to}\n\
         keeps its history rows (each listed below, with its checksum). A database part-way\n\
         through them is refused: upgrade it to {to} with a build from before the squash first.",
        if count == 1 { "" } else { "s" },
        first.file_name(),
        last.file_name(),
    );
    let subset = MigrationSet {
        dir: set.dir.clone(),
        migrations: replaced.clone(),
    };
    let text = squash::baseline(&subset, &note)?;
    let files = baseline_files(last, &text);
    // the new directory, replayed before anything is written
    let scratch = tempfile::tempdir()
        .map_err(|e| CliError::Usage(format!("cannot make a temporary directory: {e}")))?;
    for (relative, body) in &files {
        write(&scratch.path().join(relative), body)?;
    }
    let mut squashed = discover(scratch.path())?;
    squashed.dir = set.dir.clone();
    squashed
        .migrations
        .extend(set.migrations[at + 1..].iter().cloned());
    driftless_migrations::discover::sort(&mut squashed.migrations);
    let before = replay(&set)?;
    let after = replay(&squashed).map_err(|e| {
        CliError::Problem(format!(
            "the baseline does not replay, so nothing was written: {e}"
        ))
    })?;
    if before.schema != after.schema {
        let differences = driftless_migrations::diff::diff(&before.schema, &after.schema);
        let listed: Vec<String> = differences
            .iter()
            .map(|d| format!("  {}", d.description))
            .collect();
        return Err(CliError::Problem(format!(
            "the squashed directory would replay to another schema, so nothing was written:\n{}",
            listed.join("\n")
        )));
    }
    if dry_run {
        for (relative, body) in &files {
            println!(
                "-- {} (not written: --dry-run)\n{body}",
                display_path(&dir.join(relative))
            );
        }
        println!("-- it replaces, and would remove:");
        for m in &replaced {
            for path in migration_paths(m) {
                println!("--   {}", display_path(&path));
            }
        }
        return Ok(Outcome::Clean);
    }
    let mut removed = Vec::new();
    for m in &replaced {
        for path in migration_paths(m) {
            remove(&path)?;
            removed.push(path);
        }
    }
    for (relative, body) in &files {
        let path = dir.join(relative);
        write(&path, body)?;
        println!("wrote {}", display_path(&path));
    }
    println!(
        "removed {} file{} of the {count} migration{} it replaces ({} to {}); git keeps them",
        removed.len(),
        if removed.len() == 1 { "" } else { "s" },
        if count == 1 { "" } else { "s" },
        first.file_name(),
        last.file_name()
    );
    println!(
        "before deploying: every database must be at version {to} or past it, or new (`driftless status --db ...` tells); commit the baseline and the removals together"
    );
    Ok(Outcome::Clean)
}

/// The baseline's files, relative to the directory: named as `last` with
/// the name `squashed`, in its layout; no down script (a baseline cannot
/// be undone).
fn baseline_files(last: &Migration, text: &str) -> Vec<(PathBuf, String)> {
    let name = last.file_name();
    let version = match last.layout {
        Layout::Refinery | Layout::Flyway => name
            .get(1..)
            .and_then(|r| r.split_once("__"))
            .map_or("", |(v, _)| v),
        Layout::RusqliteMigration => name.split_once('-').map_or(name.as_str(), |(v, _)| v),
        _ => name.split_once('_').map_or(name.as_str(), |(v, _)| v),
    };
    let (path, body) = match last.layout {
        Layout::RusqliteMigration if last.in_folder() => {
            (format!("{version}-squashed/up.sql"), text.to_string())
        }
        Layout::RusqliteMigration => (format!("{version}-squashed.sql"), text.to_string()),
        Layout::Simple => (format!("{version}_squashed.sql"), text.to_string()),
        Layout::Reversible => (format!("{version}_squashed.up.sql"), text.to_string()),
        Layout::Refinery | Layout::Flyway => {
            (format!("V{version}__squashed.sql"), text.to_string())
        }
        Layout::Diesel => (format!("{version}_squashed/up.sql"), text.to_string()),
        Layout::Prisma => (
            format!("{version}_squashed/migration.sql"),
            text.to_string(),
        ),
        Layout::Goose => (
            format!("{version}_squashed.sql"),
            format!("-- +goose Up\n{text}"),
        ),
        Layout::Dbmate => (
            format!("{version}_squashed.sql"),
            format!("-- migrate:up\n{text}"),
        ),
    };
    vec![(PathBuf::from(path), body)]
}

/// The files (or the folder, for diesel, Prisma and rusqlite_migration's folders) of a migration.
fn migration_paths(m: &Migration) -> Vec<PathBuf> {
    let up = m.up.location().to_path_buf();
    match m.in_folder() {
        true => up.parent().map(Path::to_path_buf).into_iter().collect(),
        false => {
            let mut paths = vec![up.clone()];
            if let Some(down) = &m.down
                && down.location() != up
            {
                paths.push(down.location().to_path_buf());
            }
            paths
        }
    }
}

fn remove(path: &Path) -> Result<(), CliError> {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    result.map_err(|e| CliError::Usage(format!("cannot remove `{}`: {e}", display_path(path))))
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::Usage(format!("cannot create `{}`: {e}", display_path(parent)))
        })?;
    }
    std::fs::write(path, text)
        .map_err(|e| CliError::Usage(format!("cannot write `{}`: {e}", display_path(path))))
}
