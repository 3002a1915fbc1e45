//! `driftless upgrade --dry-run`: the pending migrations rehearsed on a copy
//! of the real database, with its rows; the database is opened read-only.

use driftless::rusqlite::{Connection, OpenFlags};
use driftless::{Copied, Error, MigrationError, Options, Rehearsed, StepOutcome};
use serde_json::json;

use crate::output::{CliResult, Outcome, Style, migrations, shown};
use crate::{DbArgs, Format};

pub fn run(
    args: &DbArgs,
    to: Option<u64>,
    allow_out_of_order: bool,
    format: Format,
    style: &Style,
) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let db = args.db.display().to_string();
    // read-only: nothing here can write the database
    let (conn, exists) = if args.db.is_file() {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        (Connection::open_with_flags(&args.db, flags)?, true)
    } else {
        // what an upgrade would create: an empty database
        (Connection::open_in_memory()?, false)
    };
    let options = Options {
        allow_out_of_order,
        ..Options::default()
    };
    let dry = migrations.rehearse_with(&conn, to, &options)?;
    let failed = dry.failed();
    if format == Format::Json {
        let steps: Vec<_> = dry.steps.iter().map(step_json).collect();
        let doc = json!({
            "database": db,
            "exists": exists,
            "copy": match &dry.copy {
                Copied::Memory => "memory".to_string(),
                Copied::File(p) => p.display().to_string(),
            },
            "bytes": dry.bytes,
            "migrations": steps,
            "would_fail": failed.map(|f| f.version),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        let copy = match &dry.copy {
            Copied::Memory => "in memory".to_string(),
            Copied::File(p) => format!("in {}", shown(p)),
        };
        let source = if exists {
            format!("a copy of {db} ({copy}, {})", size(dry.bytes))
        } else {
            format!("an empty database ({db} does not exist yet)")
        };
        let count = dry.steps.len();
        let noun = if count == 1 {
            "migration"
        } else {
            "migrations"
        };
        println!("dry run of {count} pending {noun} on {source}:");
        for step in &dry.steps {
            print_step(step, style);
        }
        let unchanged = if exists {
            format!("{db} was not changed")
        } else {
            format!("{db} was not created")
        };
        let verdict = match failed {
            Some(f) => style.error_label(&format!(
                "migration {} would fail; {unchanged}",
                migrations.label(f.version)
            )),
            None if count == 0 => style.good(&format!("{db} is up to date; nothing to rehearse")),
            None => style.good(&format!("every pending migration would apply; {unchanged}")),
        };
        println!("{verdict}");
    }
    Ok(if failed.is_some() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

fn print_step(step: &Rehearsed, style: &Style) {
    match &step.outcome {
        StepOutcome::Applied {
            took,
            rows_changed,
            changes,
        } => {
            let rows = if *rows_changed == 1 {
                "1 row changed".to_string()
            } else {
                format!("{rows_changed} rows changed")
            };
            println!(
                "  {} {} ({} ms, {rows})",
                style.good("ok     "),
                step.file,
                took.as_millis()
            );
            for c in changes {
                println!("            {}", c.description);
            }
        }
        StepOutcome::Failed(e) => {
            println!("  {} {}", style.error_label("FAILED "), step.file);
            for line in failure(e).lines() {
                println!("            {line}");
            }
        }
        StepOutcome::NotRun => println!("  not run {}", step.file),
    }
}

pub fn step_json(step: &Rehearsed) -> serde_json::Value {
    match &step.outcome {
        StepOutcome::Applied {
            took,
            rows_changed,
            changes,
        } => json!({
            "version": step.version,
            "file": step.file,
            "status": "ok",
            "ms": took.as_millis(),
            "rows_changed": rows_changed,
            "changes": changes.iter().map(|c| &c.description).collect::<Vec<_>>(),
        }),
        StepOutcome::Failed(e) => {
            let (line, statement, message) = match e.root() {
                Error::Migration(MigrationError::Statement {
                    at,
                    statement,
                    message,
                    ..
                }) => (Some(at.line), Some(statement.clone()), message.clone()),
                other => (None, None, other.to_string()),
            };
            json!({
                "version": step.version,
                "file": step.file,
                "status": "failed",
                "line": line,
                "statement": statement,
                "message": message,
                "error": failure(e),
            })
        }
        StepOutcome::NotRun => json!({
            "version": step.version,
            "file": step.file,
            "status": "not-run",
        }),
    }
}

/// What failed: the statement's error without the migrator's note on what
/// the database keeps (the copy keeps nothing).
pub fn failure(e: &Error) -> String {
    match e.root() {
        Error::Migration(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// A size for people: `12.0 KiB`.
fn size(bytes: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
