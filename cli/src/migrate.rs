//! Commands that change the database: `upgrade`, `downgrade`, `stamp`, `adopt`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use driftless::rusqlite::Connection;
use driftless::{Event, Migrations, Options};
use driftless_migrations::Schema;
use driftless_migrations::lint::{LintKind, lint};

use crate::DbArgs;
use crate::output::{
    CliError, CliResult, Outcome, Style, backup_option, if_cut_short, migrations, open_existing,
    shown,
};

pub fn upgrade(
    args: &DbArgs,
    to: Option<u64>,
    backup: Option<Option<PathBuf>>,
    allow_out_of_order: bool,
    busy_timeout: Duration,
    style: &Style,
) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let mut conn = Connection::open(&args.db)?;
    let status = migrations.status(&conn)?;
    let targets: Vec<&driftless::Pending> = status
        .pending
        .iter()
        .filter(|p| to.is_none_or(|t| migrations.cmp_versions(p.version, t).is_le()))
        .collect();
    let options = Options {
        backup: backup_option(backup),
        allow_out_of_order,
        busy_timeout,
    };
    if targets.is_empty() {
        // still let the migrator judge unknown or modified migrations
        migrations.upgrade_with(&mut conn, to, &options)?;
        let message = match (to, status.pending.len()) {
            (_, 0) | (None, _) => format!("{} is up to date", args.db.display()),
            // `--to` below the pending ones: the database is not up to date
            (Some(t), pending) => format!(
                "nothing to apply up to version {t}: {} is at version {}, with {} (beyond --to {t})",
                args.db.display(),
                status
                    .current
                    .map_or("none".into(), |v| migrations.label(v)),
                if pending == 1 {
                    "1 pending migration".to_string()
                } else {
                    format!("{pending} pending migrations")
                }
            ),
        };
        println!("{}", style.good(&message));
        return Ok(Outcome::Clean);
    }
    // a line a migration as it commits: a closed stdout stops it partway
    if_cut_short(2);
    let total = targets.len();
    let mut applied = 0;
    let mut spinner: Option<Progress> = None;
    let db = args.db.display().to_string();
    let result = migrations.upgrade_each(&mut conn, to, &options, |event| match event {
        Event::BackedUp(path) => println!("backed up {db} to {}", shown(path)),
        Event::Starting(m) => {
            spinner = Some(Progress::start(
                style.terminal,
                format!("[{}/{total}] {}", applied + 1, m.up.file),
            ));
        }
        Event::Done(ran) => {
            if let Some(s) = spinner.take() {
                s.stop();
            }
            applied += 1;
            println!("applied {} ({} ms)", ran.file, ran.took.as_millis());
        }
    });
    if let Some(s) = spinner.take() {
        s.stop();
    }
    result?;
    if_cut_short(0);
    let now = migrations.status(&conn)?.current;
    println!(
        "{}",
        style.good(&format!(
            "{} is at version {} ({applied} applied)",
            args.db.display(),
            now.map_or("none".into(), |v| migrations.label(v))
        ))
    );
    Ok(Outcome::Clean)
}

pub fn downgrade(
    args: &DbArgs,
    to: u64,
    backup: Option<Option<PathBuf>>,
    yes: bool,
    style: &Style,
) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let mut conn = open_existing(&args.db)?;
    let status = migrations.status(&conn)?;
    let losses = destructive_downs(&migrations, &status, to);
    // cut short before the down migrations ran: not done
    if_cut_short(2);
    if !losses.is_empty() && !yes {
        println!("the down migrations delete data:");
        for l in &losses {
            println!("  {l}");
        }
        if !confirm()? {
            println!("nothing was changed");
            return Ok(Outcome::Problems);
        }
    }
    let options = Options {
        backup: backup_option(backup),
        ..Options::default()
    };
    let report = migrations.downgrade_with(&mut conn, to, &options)?;
    if_cut_short(0);
    if let Some(path) = &report.backup {
        println!("backed up {} to {}", args.db.display(), shown(path));
    }
    for ran in &report.ran {
        println!("ran {} ({} ms)", ran.file, ran.took.as_millis());
    }
    println!(
        "{}",
        style.good(&format!(
            "{} is at version {}",
            args.db.display(),
            migrations
                .status(&conn)?
                .current
                .map_or("none".into(), |v| migrations.label(v))
        ))
    );
    Ok(Outcome::Clean)
}

/// The DROP TABLE / DROP COLUMN statements of the down scripts a downgrade to `to` would run.
fn destructive_downs(migrations: &Migrations, status: &driftless::Status, to: u64) -> Vec<String> {
    let empty = Schema::default();
    let mut out = Vec::new();
    for a in status
        .applied
        .iter()
        .rev()
        .filter(|a| migrations.cmp_versions(a.version, to).is_gt())
    {
        let Some(m) = migrations.get(a.version) else {
            continue;
        };
        let Some(down) = &m.down else {
            continue;
        };
        for l in lint(&down.sql(), &empty, &empty, None) {
            if matches!(l.kind, LintKind::DropTable | LintKind::DropColumn) {
                out.push(format!("{}:{}: {}", down.file, l.line, l.message));
            }
        }
    }
    out
}

fn confirm() -> Result<bool, CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(
            "refusing to delete data without confirmation: run it on a terminal, or pass --yes"
                .into(),
        ));
    }
    print!("continue? [y/N] ");
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

pub fn stamp(args: &DbArgs, version: u64) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    // stamping a mistyped path would record versions in a new, empty database
    let mut conn = open_existing(&args.db)?;
    migrations.stamp(&mut conn, version)?;
    println!(
        "{} is recorded at version {}; nothing was run",
        args.db.display(),
        migrations.label(version)
    );
    Ok(Outcome::Clean)
}

pub fn adopt(args: &DbArgs) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let mut conn = open_existing(&args.db)?;
    let adopted = migrations.adopt(&mut conn)?;
    println!(
        "adopted {} applied {} migrations: {}",
        adopted.versions.len(),
        adopted.tool,
        adopted
            .versions
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Outcome::Clean)
}

/// A line on the terminal that counts seconds while a migration runs.
struct Progress {
    running: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(terminal: bool, label: String) -> Progress {
        let running = Arc::new(AtomicBool::new(true));
        let thread = terminal.then(|| {
            let running = running.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                while running.load(Ordering::Relaxed) {
                    print!("\r{label} {:.1}s", started.elapsed().as_secs_f64());
                    let _ = std::io::stdout().flush();
                    std::thread::sleep(Duration::from_millis(100));
                }
                // clear the line for the result
                print!("\r\x1b[2K");
                let _ = std::io::stdout().flush();
            })
        });
        Progress { running, thread }
    }

    fn stop(mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
