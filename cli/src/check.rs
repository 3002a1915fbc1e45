//! `driftless check`: the runbook's pre-deploy checklist as one command.
//!
//! - every migration replays (and the files are well named, one version each);
//! - every down migration restores the schema its up migration started from;
//! - every migration file is committed to git;
//! - lints: changes that lose data or break the build still running;
//! - the rehearsal: the history again on tables that hold rows, where a
//!   migration that only an empty table lets through fails.

use std::path::Path;
use std::process::Command;

use driftless_migrations::diff::{Sides, diff_sides};
use driftless_migrations::error::display_path;
use driftless_migrations::git::{self, Found, Merged};
use driftless_migrations::lint::{SqliteVersion, lint};
use driftless_migrations::profile::slow_replay_hint;
use driftless_migrations::rehearse::{ALLOW, rehearse};
use driftless_migrations::replay::{Next, Transaction, replay_steps, run_migration, run_script};
use driftless_migrations::split::split;
use driftless_migrations::{Migration, Schema, discover};
use serde_json::json;

use crate::CheckFormat;
use crate::output::{CliError, CliResult, Outcome, Style, plural};

/// One finding of `check`: an error, or a warning that `--deny warnings`
/// makes one, at a file (and line) of the migrations or of the code.
pub struct Finding {
    pub error: bool,
    pub code: &'static str,
    /// The file as shown: relative to the working directory when inside it.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// What `check` takes besides the directory.
pub struct Options<'a> {
    /// The oldest SQLite the migrations must run on.
    pub target: Option<SqliteVersion>,
    /// `--base REF`.
    pub base: Option<&'a str>,
    /// `--previous REF`.
    pub previous: Option<&'a str>,
    pub deny_warnings: bool,
    pub format: CheckFormat,
}

pub fn run(dir: &Path, options: &Options<'_>, style: &Style) -> CliResult {
    let target = options.target;
    // an explicit base that git cannot find is a usage error, before any work
    let base = git::base(dir, options.base).map_err(CliError::Usage)?;
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let set = match discover(dir) {
        Ok(set) => Some(set),
        Err(e @ driftless_migrations::Error::MissingDirectory { .. }) => return Err(e.into()),
        Err(e) => {
            // every problem of the directory, a finding each
            let all = match e {
                driftless_migrations::Error::Several(all) => all,
                e => vec![e],
            };
            for e in &all {
                let (message, help) = message_and_help(e);
                let code = match e {
                    driftless_migrations::Error::DuplicateVersion { .. } => "duplicate-version",
                    _ => "files",
                };
                findings.push(Finding {
                    error: true,
                    code,
                    file: display_path(offending_file(e).unwrap_or(dir)),
                    line: None,
                    message,
                    help,
                });
            }
            None
        }
    };
    let count = set.as_ref().map_or(0, |s| s.migrations.len());
    match (&base, &set) {
        (Found::Base(b), Some(set)) => crate::review::findings(dir, b, set, &mut findings, &mut notes),
        (Found::NoBase(why), _) => notes.push(format!(
            "the branch was not compared with the branch it merges into ({why}): give `--base REF` (in CI, fetch it: `git fetch origin main`)"
        )),
        _ => {}
    }
    if let Some(set) = &set {
        findings.extend(crate::squash::findings(set));
        let started = std::time::Instant::now();
        if let Some(snapshot) = replay_and_lint(set, target, &base, &mut findings) {
            notes.extend(stand_ins(&snapshot.schema));
        }
        notes.extend(slow_replay_hint(count, started.elapsed(), dir));
        // a history that does not replay is not rehearsed: its error comes first
        if !findings.iter().any(|f| f.code == "replay") {
            rehearse_rows(set, &base, &mut findings, &mut notes);
        }
    }
    for (file, tool) in code_migrations(dir) {
        findings.push(Finding {
            error: false,
            code: "code-migration",
            file,
            line: None,
            message: format!(
                "looks like a {tool} migration written in code: driftless runs only SQL, so the schema it replays and checks lacks what this one does"
            ),
            help: Some("write it as a SQL migration, or keep what it does out of the models driftless checks".into()),
        });
    }
    match uncommitted(dir) {
        Ok(files) => {
            for (file, state) in files {
                let commit = "commit it in the same commit as the model change that needs it";
                let help = if state.starts_with("ignored") {
                    format!("make .gitignore stop matching it (or `git add -f` it), then {commit}")
                } else {
                    commit.to_string()
                };
                findings.push(Finding {
                    error: false,
                    code: "uncommitted",
                    file,
                    line: None,
                    message: format!("migration file is {state}"),
                    help: Some(help),
                });
            }
        }
        Err(note) => notes.push(note),
    }
    if let Some(reference) = options.previous {
        let previous = crate::previous::findings(dir, reference)?;
        findings.extend(previous.findings);
        notes.extend(previous.notes);
    }
    report(dir, &findings, &notes, count, options, style)
}

/// Migrations written in a programming language beside the SQL ones: goose's
/// `<version>_<name>.go`, Flyway's `V<version>__<name>.java`/`.kt`. They are
/// not migrations driftless can run, and replaying without them checks a
/// schema production does not have.
fn code_migrations(dir: &Path) -> Vec<(String, &'static str)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, &'static str)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let versioned_go = name.ends_with(".go")
                && !name.ends_with("_test.go")
                && name
                    .split_once('_')
                    .is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
            let versioned_jvm = (name.ends_with(".java") || name.ends_with(".kt"))
                && name.strip_prefix('V').is_some_and(|r| {
                    r.starts_with(|c: char| c.is_ascii_digit()) && r.contains("__")
                });
            let tool = if versioned_go {
                "goose"
            } else if versioned_jvm {
                "Flyway"
            } else {
                return None;
            };
            Some((display_path(&e.path()), tool))
        })
        .collect();
    found.sort();
    found
}

/// The file (or diesel folder) an engine error is about, when it names one.
/// Of two files with one version, the first (both are in the message).
fn offending_file(e: &driftless_migrations::Error) -> Option<&Path> {
    use driftless_migrations::Error as E;
    match e {
        E::Io { path, .. }
        | E::NotUtf8 { path }
        | E::UnknownFile { path }
        | E::DownWithoutUp { path }
        | E::Statement { path, .. }
        | E::Forbidden { path, .. }
        | E::OwnTransaction { path, .. }
        | E::Snapshot { path, .. } => Some(path),
        E::MissingUp { dir } => Some(dir),
        E::DuplicateVersion { first, .. } => Some(first),
        _ => None,
    }
}

/// Replays every migration (the engine's replay, with hooks), lints it, and
/// checks its down migration. A migration that fails, or a view a later
/// migration breaks, becomes a finding: later migrations build on it.
fn replay_and_lint(
    set: &driftless_migrations::MigrationSet,
    target: Option<SqliteVersion>,
    base: &Found,
    findings: &mut Vec<Finding>,
) -> Option<driftless_migrations::Snapshot> {
    let replayed = replay_steps(set, |step| {
        let m = step.migration;
        for l in lint(&m.up.sql(), step.before, step.after, target) {
            findings.push(Finding {
                error: false,
                code: l.kind.name(),
                file: m.up.file.to_string(),
                line: Some(l.line),
                message: l.message,
                help: Some(format!(
                    "{} (or exempt it with `-- driftless:allow({})`)",
                    l.help,
                    l.kind.name()
                )),
            });
        }
        let Some(down) = &m.down else {
            return Ok(Next::Continue);
        };
        // a merged migration's down is history an adopting project's check
        // must not fail on: its findings are warnings
        let merged = base.merged(&set.dir, m) != Merged::No;
        if let Some(empty) = empty_down(m, down, merged) {
            // nothing ran: the up migration's schema stands
            findings.push(empty);
            return Ok(Next::Continue);
        }
        let found = down_restores(step.conn, m, down, step.before)?;
        if found.is_empty() {
            run_migration(step.conn, m)?;
            Ok(Next::Continue)
        } else {
            findings.extend(found.into_iter().map(|f| Finding {
                error: !merged,
                ..f
            }));
            // the down migration left something else: start over from a clean replay
            Ok(Next::Replay)
        }
    });
    let e = match replayed {
        Ok((_, snapshot)) => return Some(snapshot),
        Err(e) => e,
    };
    let file = match &e {
        driftless_migrations::Error::BrokenView {
            created_in: Some(file),
            ..
        } => Some(file.as_path()),
        e => offending_file(e),
    };
    let (message, help) = message_and_help(&e);
    findings.push(Finding {
        error: true,
        code: "replay",
        file: file.map(display_path).unwrap_or_default(),
        line: None,
        message,
        help,
    });
    None
}

/// The rehearsal on rows: a migration failing there (and not on empty
/// tables) is an error when the git base lacks it (it has not been merged,
/// so it can still be fixed) and a warning when the base has it (it may
/// have run: the file stays as it is). Outside git every migration is new;
/// in a checkout without a base, each is a warning, with a note.
fn rehearse_rows(
    set: &driftless_migrations::MigrationSet,
    base: &Found,
    findings: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) {
    let rehearsal = match rehearse(set) {
        Ok(r) => r,
        Err(e) => {
            let (message, help) = message_and_help(&e);
            findings.push(Finding {
                error: true,
                code: "rehearsal",
                file: offending_file(&e).map(display_path).unwrap_or_default(),
                line: None,
                message: format!("with foreign keys on, as the migrator runs it: {message}"),
                help,
            });
            return;
        }
    };
    for f in &rehearsal.failures {
        let m = &set.migrations[f.index];
        let shipped = match base.merged(&set.dir, m) {
            Merged::No => None,
            Merged::Yes(reference) => Some(reference),
            Merged::Unknown => Some(String::new()),
        };
        let on = f
            .table
            .as_ref()
            .map_or_else(String::new, |t| format!(" (table `{t}`)"));
        let help = match &shipped {
            None => format!(
                "{} (or, when no database can hold rows there yet, exempt the statement with `-- driftless:allow({ALLOW})`)",
                f.help()
            ),
            Some(reference) => {
                let held = f
                    .table
                    .as_ref()
                    .map_or_else(|| "its tables hold".to_string(), |t| format!("`{t}` holds"));
                let known = if reference.is_empty() {
                    "if it has been deployed".to_string()
                } else {
                    format!("it is in `{reference}` already, so")
                };
                format!(
                    "{known} leave the file as it is (databases that ran it have its checksum); a database where {held} rows before it cannot upgrade past it"
                )
            }
        };
        findings.push(Finding {
            error: shipped.is_none(),
            code: ALLOW,
            file: m.up.file.to_string(),
            line: Some(f.line),
            message: format!(
                "`{}` runs on empty tables but fails once they hold rows{on}: {}",
                f.statement, f.message
            ),
            help: Some(help),
        });
    }
    if let Found::NoBase(why) = base
        && !rehearsal.failures.is_empty()
    {
        notes.push(format!(
            "{ALLOW} findings are warnings, since git has no base to tell new migrations from merged ones ({why}): give `--base REF`"
        ));
    }
    for n in &rehearsal.not_rehearsed {
        notes.push(format!(
            "table `{}` was not rehearsed with rows (no synthetic row fits it after {}: {}): later migrations ran on it empty",
            n.table,
            display_path(&n.after),
            n.reason
        ));
    }
}

/// A note for each virtual table the replay made a stand-in of: its module
/// is the app's, and what the module does is not checked.
fn stand_ins(schema: &Schema) -> Vec<String> {
    schema
        .tables
        .iter()
        .filter_map(|t| {
            let module = driftless_migrations::stand_in::module_of(&t.sql)?;
            let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            Some(format!(
                "virtual table `{}` uses module `{module}`, which driftless's SQLite lacks: it was replayed as a plain table of its columns ({}), so queries and models using it are checked by name only",
                t.name,
                columns.join(", ")
            ))
        })
        .collect()
}

/// An engine error's text, cut at its `help:` line.
fn message_and_help(e: &driftless_migrations::Error) -> (String, Option<String>) {
    let text = e.to_string();
    match text.split_once("\nhelp: ") {
        Some((m, h)) => (m.to_string(), Some(h.to_string())),
        None => (text, None),
    }
}

/// A down migration without a statement for an up migration with some:
/// `downgrade` refuses it, so say so before a deploy (an error, or a
/// warning for a migration in the git base).
fn empty_down(m: &Migration, down: &driftless_migrations::Script, merged: bool) -> Option<Finding> {
    if !split(&down.sql()).is_empty() || split(&m.up.sql()).is_empty() {
        return None;
    }
    let refused = driftless::Error::EmptyDown {
        version: m.version,
        file: down.file.to_string(),
        layout: m.layout,
    }
    .to_string();
    let (message, help) = match refused.split_once("\nhelp: ") {
        Some((m, h)) => (m.to_string(), Some(h.to_string())),
        None => (refused, None),
    };
    Some(Finding {
        error: !merged,
        code: "down",
        file: down.file.to_string(),
        line: None,
        message,
        help,
    })
}

/// Runs the down script on the schema the up script left and compares the
/// result with the schema before the up script.
fn down_restores(
    conn: &driftless::rusqlite::Connection,
    m: &Migration,
    down: &driftless_migrations::Script,
    before: &Schema,
) -> Result<Vec<Finding>, driftless_migrations::Error> {
    let file = down.file.to_string();
    let mode = if m.no_transaction {
        Transaction::None
    } else {
        Transaction::Own
    };
    if let Err(e) = run_script(conn, down.location(), &down.sql(), mode) {
        return Ok(vec![Finding {
            error: true,
            code: "down",
            file,
            line: None,
            message: e.to_string(),
            help: None,
        }]);
    }
    let restored = Schema::read(conn)?;
    let mut findings = Vec::new();
    let sides = Sides {
        expected: "the schema before the up migration",
        live: "the schema after the down migration",
        created: "the up migration started with it",
        not_created: "the up migration started without it",
    };
    for d in diff_sides(before, &restored, &sides) {
        findings.push(Finding {
            error: true,
            code: "down",
            file: file.clone(),
            line: None,
            message: format!(
                "does not restore the schema {} started from: {}",
                m.file_name(),
                d.description
            ),
            help: Some("make the down migration undo exactly what the up migration does".into()),
        });
    }
    Ok(findings)
}

/// Migration files git does not track, ignores, or that have uncommitted
/// changes; `Err(note)` when `dir` is not in a git checkout.
fn uncommitted(dir: &Path) -> Result<Vec<(String, &'static str)>, String> {
    let out = Command::new("git")
        // --short (unlike --porcelain) prints paths relative to `dir`
        .args([
            "-c",
            "color.status=false",
            "-c",
            "status.relativePaths=true",
        ])
        // ignored files too (`!!`): with --untracked-files=all, `traditional`
        // lists each file of an ignored folder (a diesel migration), not just the folder
        .args([
            "status",
            "--short",
            "--untracked-files=all",
            "--ignored=traditional",
            "--",
            ".",
        ])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git did not run ({e}): the commit check was skipped"))?;
    if !out.status.success() {
        return Err("not a git checkout: the commit check was skipped".into());
    }
    let mut files = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if line.len() < 4 {
            continue;
        }
        let path = line[3..].trim_matches('"');
        // a README, .gitignore, .DS_Store or database file is none of check's business
        if !path.to_ascii_lowercase().ends_with(".sql") {
            continue;
        }
        let state = match &line[..2] {
            "!!" => "ignored by git: a deploy from git would not have it",
            "??" => "not tracked by git: a deploy from git would not have it",
            s if s.starts_with('A') => {
                "added but not committed: a deploy from git would not have it"
            }
            s if s.contains('D') => {
                "deleted, and the deletion is not committed: a deploy from git would still have it"
            }
            _ => {
                "changed since its last commit: a deploy from git would have the committed version"
            }
        };
        files.push((display_path(&dir.join(path)), state));
    }
    Ok(files)
}

fn report(
    dir: &Path,
    findings: &[Finding],
    notes: &[String],
    count: usize,
    options: &Options<'_>,
    style: &Style,
) -> CliResult {
    let is_error = |f: &Finding| f.error || options.deny_warnings;
    let errors = findings.iter().filter(|f| is_error(f)).count();
    let warnings = findings.len() - errors;
    if errors > 0 {
        crate::output::if_cut_short(1);
    }
    let summary = format!(
        "checked {} in {}: {}, {}",
        plural(count, "migration"),
        display_path(dir),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    match options.format {
        CheckFormat::Github => crate::ci::github(findings, notes, is_error, &summary),
        CheckFormat::Sarif => println!("{}", crate::ci::sarif(findings, notes, is_error)),
        CheckFormat::Json => json_report(findings, notes, count, is_error),
        CheckFormat::Text => text_report(findings, notes, is_error, &summary, errors, style),
    }
    Ok(if errors == 0 {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

fn json_report(
    findings: &[Finding],
    notes: &[String],
    count: usize,
    is_error: impl Fn(&Finding) -> bool,
) {
    let errors = findings.iter().filter(|f| is_error(f)).count();
    let items: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "level": if is_error(f) { "error" } else { "warning" },
                "code": f.code,
                "file": f.file,
                "line": f.line,
                "message": f.message,
                "help": f.help,
            })
        })
        .collect();
    let doc = json!({ "migrations": count, "errors": errors, "warnings": findings.len() - errors, "findings": items, "notes": notes });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}

fn text_report(
    findings: &[Finding],
    notes: &[String],
    is_error: impl Fn(&Finding) -> bool,
    summary: &str,
    errors: usize,
    style: &Style,
) {
    for f in findings {
        let label = if is_error(f) {
            style.error_label(&format!("error[{}]:", f.code))
        } else {
            style.warning(&format!("warning[{}]:", f.code))
        };
        let at = match f.line {
            Some(line) => format!("{}:{line}", f.file),
            None => f.file.clone(),
        };
        println!("{label} {at}: {}", f.message);
        if let Some(help) = &f.help {
            println!("  help: {help}");
        }
    }
    for n in notes {
        println!("note: {n}");
    }
    if errors == 0 {
        println!("{}", style.good(summary));
    } else {
        println!("{}", style.bold(summary));
    }
}
