//! Read-only commands: `schema`, `status`, `history`.

use std::path::Path;

use driftless::Status;
use driftless_migrations::diesel;
use driftless_migrations::discover::hex;
use driftless_migrations::format;
use driftless_migrations::{Schema, discover};
use serde_json::json;

use crate::output::{CliError, CliResult, Outcome, Style, migrations, open_existing, table};
use crate::{DbArgs, Format, SchemaFormat};

pub fn schema(dir: &Path, at: Option<u64>, format: SchemaFormat) -> CliResult {
    let mut set = discover(dir)?;
    if let Some(v) = at {
        // up to and including v, in the order the migrations run
        let Some(at) = set.migrations.iter().position(|m| m.version == v) else {
            return Err(CliError::Usage(format!("no migration has version {v}")));
        };
        set.migrations.truncate(at + 1);
    }
    let (conn, snapshot) = driftless_migrations::replay::replay_database(&set)?;
    match format {
        SchemaFormat::Json => println!("{}", snapshot.to_json()),
        SchemaFormat::Sql => print!("{}", create_statements(&snapshot.schema)),
        SchemaFormat::Diesel => {
            let tables = diesel::infer(&conn).map_err(|e| CliError::Problem(e.to_string()))?;
            let text = diesel::print_schema(&tables).map_err(|e| {
                CliError::Problem(format!(
                    "cannot write schema.rs for {}:\n{e}",
                    set.dir.display()
                ))
            })?;
            for warning in diesel::substituted(&tables) {
                eprintln!("warning: {warning}");
            }
            print!("{text}");
        }
    }
    Ok(Outcome::Clean)
}

/// The schema as clean CREATE statements: tables, indexes, views, triggers.
///
/// SQLite stores each statement as typed, patched by every `ALTER TABLE`:
/// tables are laid out again one definition a line, indexes put on one line,
/// views and triggers keep their lines with the whitespace tidied (each is
/// left as stored where tidying could change its meaning, e.g. comments).
pub fn create_statements(schema: &Schema) -> String {
    let mut out = String::new();
    for t in &schema.tables {
        out.push_str(&format!("{};\n\n", format::create_table(&t.sql)));
    }
    for i in &schema.indexes {
        if let Some(sql) = &i.sql {
            out.push_str(&format!("{};\n", format::single_line(sql)));
        }
    }
    for v in &schema.views {
        out.push_str(&format!("\n{};\n", format::tidy_lines(&v.sql)));
    }
    for t in &schema.triggers {
        out.push_str(&format!("\n{};\n", format::tidy_lines(&t.sql)));
    }
    out
}

pub fn status(args: &DbArgs, format: Format, style: &Style) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let conn = open_existing(&args.db)?;
    let status = migrations.status(&conn)?;
    let problem = status.problem().or_else(|| {
        (!status.out_of_order.is_empty()).then(|| driftless::Error::OutOfOrder {
            pending: status.out_of_order.clone(),
            newest_applied: status.current.unwrap_or(0),
        })
    });
    // another tool migrated it: an upgrade would run everything again
    let foreign = migrations.foreign_history(&conn)?.map(|table| {
        format!(
            "the database holds another tool's migration history (`{table}`) and none of \
             driftless's, so every migration shows as pending\n\
             help: take that history over with `driftless adopt --db {}`; `upgrade` would run \
             the migrations again",
            args.db.display()
        )
    });
    let problem = problem.map(|p| p.to_string()).or(foreign);
    if problem.is_some() {
        crate::output::if_cut_short(1);
    }
    if format == Format::Json {
        let doc = json!({
            "database": args.db.display().to_string(),
            "current": status.current,
            "latest": migrations.latest(),
            "pending": status.pending.iter().map(|p| json!({"version": p.version, "file": p.file})).collect::<Vec<_>>(),
            "unknown": status.unknown.iter().map(|a| json!({"version": a.version, "name": a.name, "applied_at": a.applied_at})).collect::<Vec<_>>(),
            "modified": status.modified.iter().map(|c| json!({"version": c.version, "file": c.file, "checksum_applied": c.checksum_applied, "checksum_now": c.checksum_now})).collect::<Vec<_>>(),
            "out_of_order": status.out_of_order.iter().map(|p| json!({"version": p.version, "file": p.file})).collect::<Vec<_>>(),
            "unfinished": status.unfinished.iter().map(|a| a.version).collect::<Vec<_>>(),
            "problem": problem,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print_status(args, &migrations, &status, style);
        if let Some(p) = &problem {
            println!("\n{}", style.error(p));
        }
    }
    Ok(if problem.is_some() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

fn print_status(args: &DbArgs, migrations: &driftless::Migrations, status: &Status, style: &Style) {
    let current = match status.current {
        None => "none applied".to_string(),
        Some(v) => match migrations.get(v) {
            Some(m) => format!("{} ({})", migrations.label(v), m.up.file),
            None => match migrations.replaced_by(v) {
                Some(b) => format!("{} (replaced by {})", migrations.label(v), b.up.file),
                None => format!("{v} (not in {})", args.dir.dir.display()),
            },
        },
    };
    let rows = vec![
        vec!["database".to_string(), args.db.display().to_string()],
        vec!["current".to_string(), current],
        vec![
            "latest".to_string(),
            migrations
                .latest()
                .map_or("no migrations".into(), |v| migrations.label(v)),
        ],
        vec!["pending".to_string(), status.pending.len().to_string()],
    ];
    println!("{}", table(&["", ""], &rows).trim_start());
    for p in &status.pending {
        println!("  {}  {}", migrations.label(p.version), p.file);
    }
    if status.is_up_to_date() {
        println!("{}", style.good("up to date"));
    }
}

pub fn history(args: &DbArgs, format: Format) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let conn = open_existing(&args.db)?;
    let status = migrations.status(&conn)?;
    let note = |version: u64, no_transaction: bool, duration: i64| -> String {
        let mut notes = Vec::new();
        if let Some(b) = migrations.replaced_by(version) {
            notes.push(format!("replaced by {}", b.up.file));
        } else if migrations.get(version).is_none() {
            notes.push(format!("not in {}", args.dir.dir.display()));
        }
        if status.modified.iter().any(|c| c.version == version) {
            notes.push("file changed since".into());
        }
        if no_transaction {
            notes.push("no transaction".into());
        }
        if duration < 0 {
            notes.push("never finished".into());
        }
        notes.join(", ")
    };
    if format == Format::Json {
        let rows: Vec<_> = status
            .applied
            .iter()
            .map(|a| {
                json!({
                    "version": a.version,
                    "name": a.name,
                    "applied_at": a.applied_at,
                    "duration_ms": a.duration_ms,
                    "no_transaction": a.no_transaction,
                    "checksum": hex(&a.checksum),
                    "notes": note(a.version, a.no_transaction, a.duration_ms),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Ok(Outcome::Clean);
    }
    if status.applied.is_empty() {
        println!("no migrations applied to {}", args.db.display());
        return Ok(Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = status
        .applied
        .iter()
        .map(|a| {
            vec![
                migrations.label(a.version),
                a.name.clone(),
                a.applied_at.clone(),
                if a.duration_ms < 0 {
                    "-".into()
                } else {
                    format!("{} ms", a.duration_ms)
                },
                note(a.version, a.no_transaction, a.duration_ms),
            ]
        })
        .collect();
    println!(
        "{}",
        table(&["version", "name", "applied at", "took", "notes"], &rows)
    );
    Ok(Outcome::Clean)
}
