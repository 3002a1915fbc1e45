//! `driftless diff`: the live database against the schema its applied
//! migrations produce, and the SQL that reconciles them.

use driftless::Migrations;
use driftless_migrations::diff::diff;
use serde_json::json;

use crate::output::{CliError, CliResult, Outcome, Style, migrations, open_existing};
use crate::{DbArgs, Format};

pub fn run(args: &DbArgs, write: Option<&str>, format: Format, style: &Style) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let mut conn = open_existing(&args.db)?;
    let differences = migrations.verify(&conn)?;
    let keep = keep_sql(&migrations, &conn)?;
    let revert: Vec<&str> = differences
        .iter()
        .map(|d| d.fix.as_str())
        .filter(|f| !f.is_empty())
        .collect();
    if !differences.is_empty() {
        crate::output::if_cut_short(1);
    }
    if format == Format::Json {
        let doc = json!({
            "differences": differences.iter().map(|d| json!({
                "description": d.description,
                "fix": d.fix,
                "destructive": d.destructive,
            })).collect::<Vec<_>>(),
            "revert_sql": revert.join("\n"),
            "keep_sql": keep,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if differences.is_empty() {
        println!(
            "{}",
            style.good(&format!(
                "{} matches its applied migrations",
                args.db.display()
            ))
        );
    } else {
        println!("{} differs from its applied migrations:", args.db.display());
        for d in &differences {
            println!("  - {}", d.description);
        }
        println!(
            "\nto keep the database's changes, save this as a migration (`--write NAME` does, and records it as applied):\n"
        );
        println!("{keep}");
        println!("\nto make the database match the migrations instead, run:\n");
        println!("{}", revert.join("\n"));
    }
    // with --format json, stdout is the one JSON document above: the rest goes to stderr
    let say = |line: &str| {
        if format == Format::Json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    if let Some(name) = write {
        if differences.is_empty() {
            say("nothing to write");
            return Ok(Outcome::Clean);
        }
        let status = migrations.status(&conn)?;
        if let Some(problem) = status.problem() {
            return Err(CliError::Problem(format!(
                "{problem}\nnothing was written: the history must be clean before a migration is recorded"
            )));
        }
        if !status.pending.is_empty() {
            return Err(CliError::Problem(format!(
                "{} has {} pending migrations: upgrade first, so the new migration comes after them",
                args.db.display(),
                status.pending.len()
            )));
        }
        let revert = revert.join("\n");
        let body = crate::new::Body {
            up: &keep,
            down: &revert,
        };
        let files = crate::new::create(&args.dir.dir, name, false, &body)?;
        let updated = Migrations::from_dir(&args.dir.dir)?;
        let version = updated.latest().unwrap_or(0);
        // stamp keeps the rows already recorded and adds this one
        updated.stamp(&mut conn, version)?;
        crate::output::if_cut_short(0);
        for f in &files {
            say(&format!("wrote {}", f.display()));
        }
        say(&format!(
            "recorded version {version} as applied in {}: the database already has these changes",
            args.db.display()
        ));
        return Ok(Outcome::Clean);
    }
    Ok(if differences.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

/// SQL that turns the migrations' schema into the live one: the database's
/// changes as a migration (the same diff, the other way round).
fn keep_sql(
    migrations: &Migrations,
    conn: &driftless::rusqlite::Connection,
) -> Result<String, CliError> {
    let (expected, live) = migrations.schemas(conn)?;
    Ok(diff(&live, &expected)
        .iter()
        .map(|d| d.fix.as_str())
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join("\n"))
}
