//! The commands over many databases (a database per tenant): `upgrade`,
//! `upgrade --dry-run`, `status` and `diff` with `--db 'GLOB'` or
//! `--dbs FILE`. The work is the runtime's `Fleet`; this is how it shows:
//! a progress bar on a terminal, a line for each database that needs
//! attention, and a summary (how many databases at each version, time per
//! database), or one JSON document written a database at a time.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use driftless::fleet::{Fleet, Outcome, Standing, Tally, Tenant, Upgraded};
use driftless::rusqlite::{Connection, OpenFlags};
use driftless::{DryRun, Error, Migrations, Options};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::output::{CliError, CliResult, Outcome as Exit, Style, backup_option, migrations};
use crate::{FleetArgs, Format};

/// How `upgrade` was asked to run.
#[derive(Debug)]
pub struct Upgrade {
    pub to: Option<u64>,
    pub backup: Option<Option<PathBuf>>,
    pub allow_out_of_order: bool,
    pub dry_run: bool,
    pub format: Format,
    pub busy_timeout: f64,
    pub canary: Option<usize>,
    pub keep_going: bool,
}

impl Upgrade {
    pub fn busy_timeout(&self) -> Result<Duration, CliError> {
        Duration::try_from_secs_f64(self.busy_timeout).map_err(|_| {
            CliError::Usage(format!(
                "--busy-timeout {} is not a number of seconds",
                self.busy_timeout
            ))
        })
    }
}

/// Whether `--db` is a glob rather than a file: it has a glob character and
/// names no file.
pub fn is_glob(db: &Path) -> bool {
    !db.exists() && db.to_str().is_some_and(|s| s.contains(['*', '?', '[']))
}

/// The databases `--db GLOB` and `--dbs FILE` name, in order, each once,
/// read as they are worked through (nothing is kept a database but a hash
/// of its path), after a first pass that counts them.
struct Databases {
    total: usize,
    paths: Box<dyn Iterator<Item = PathBuf> + Send>,
}

impl Databases {
    fn read(args: &FleetArgs) -> Result<Databases, CliError> {
        let (glob, list) = (
            args.db.as_deref().filter(|db| is_glob(db)),
            args.dbs.as_deref(),
        );
        let one = args.db.clone().filter(|db| !is_glob(db));
        let named = |glob: Option<&Path>, list: Option<&Path>| -> Result<_, CliError> {
            let globbed = glob.map(matches).transpose()?.into_iter().flatten();
            let listed = list.map(listed).transpose()?.into_iter().flatten();
            Ok(one.clone().into_iter().chain(globbed).chain(listed))
        };
        let total = {
            let mut seen = HashSet::new();
            named(glob, list)?
                .filter(|p| seen.insert(path_hash(p)))
                .count()
        };
        if let Some(pattern) = glob
            && matches(pattern)?.next().is_none()
        {
            return Err(CliError::Usage(format!(
                "no database matches --db '{}'\nhelp: quote the glob so the shell does not expand it",
                pattern.display()
            )));
        }
        if let Some(list) = list
            && listed(list)?.next().is_none()
        {
            return Err(CliError::Usage(format!(
                "the list --dbs {} names no database",
                list.display()
            )));
        }
        // a glob names each file once; a list, or a list and a glob, may name one twice
        let mut seen = HashSet::new();
        let paths = named(glob, list)?.filter(move |p| seen.insert(path_hash(p)));
        Ok(Databases {
            total,
            paths: Box::new(paths),
        })
    }
}

fn path_hash(path: &Path) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(path)
}

/// The files a glob matches, a directory at a time, each directory's
/// matching names sorted (the names are all that is kept): SQLite's own
/// files beside a database (`-journal`, `-wal`, `-shm`), hidden files and
/// directories are left out.
fn matches(pattern: &Path) -> Result<impl Iterator<Item = PathBuf> + Send + use<>, CliError> {
    let text = pattern.display().to_string();
    let bad = |why: String| CliError::Usage(format!("--db '{text}' is not a glob: {why}"));
    let mut base = PathBuf::new();
    let mut levels = Vec::new();
    for part in pattern.components() {
        let name = part.as_os_str().to_string_lossy();
        if name == "**" {
            return Err(bad(
                "`**` is not supported: write a `*` for each level".into()
            ));
        }
        if levels.is_empty() && !name.contains(['*', '?', '[']) {
            base.push(part);
        } else {
            levels.push(glob::Pattern::new(&name).map_err(|e| bad(e.to_string()))?);
        }
    }
    let walk = Walk {
        levels,
        stack: vec![(base, 0)],
        dir: PathBuf::new(),
        files: Vec::new(),
    };
    Ok(walk)
}

/// A glob's directories, walked depth first.
struct Walk {
    /// A pattern a level below the base directory.
    levels: Vec<glob::Pattern>,
    /// Directories to read, with their level.
    stack: Vec<(PathBuf, usize)>,
    /// The directory read last, and the names of its matching files in
    /// reverse order (names, not paths: all a big directory costs).
    dir: PathBuf,
    files: Vec<std::ffi::OsString>,
}

impl Iterator for Walk {
    type Item = PathBuf;

    fn next(&mut self) -> Option<PathBuf> {
        let options = glob::MatchOptions {
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        loop {
            if let Some(name) = self.files.pop() {
                return Some(self.dir.join(name));
            }
            let (dir, level) = self.stack.pop()?;
            let pattern = self.levels.get(level)?;
            let last = level + 1 == self.levels.len();
            let read = if dir.as_os_str().is_empty() {
                std::fs::read_dir(".")
            } else {
                std::fs::read_dir(&dir)
            };
            let Ok(entries) = read else { continue };
            let mut names: Vec<std::ffi::OsString> = entries
                .filter_map(|e| e.ok().map(|e| e.file_name()))
                .filter(|name| {
                    name.to_str()
                        .is_some_and(|n| pattern.matches_with(n, options))
                })
                .collect();
            // last first: popped, they come out in order
            names.sort_unstable_by(|a, b| b.cmp(a));
            for name in names {
                let path = dir.join(&name);
                let companion = ["-journal", "-wal", "-shm"]
                    .iter()
                    .any(|s| name.to_string_lossy().ends_with(s));
                match (last, path.is_dir()) {
                    (true, false) if !companion => self.files.push(name),
                    (false, true) => self.stack.push((path, level + 1)),
                    _ => {}
                }
            }
            self.dir = dir;
        }
    }
}

/// The paths a list file names, one a line; blank lines and `#` comments skipped.
fn listed(list: &Path) -> Result<impl Iterator<Item = PathBuf> + Send + use<>, CliError> {
    let file = std::fs::File::open(list).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the list --dbs {}: {e}",
            list.display()
        ))
    })?;
    let shown = list.display().to_string();
    Ok(std::io::BufReader::new(file)
        .lines()
        .map_while(move |line| match line {
            Ok(line) => Some(line),
            Err(e) => {
                eprintln!("error: cannot read the rest of the list --dbs {shown}: {e}");
                None
            }
        })
        .filter_map(|line| {
            let line = line.trim();
            (!line.is_empty() && !line.starts_with('#')).then(|| PathBuf::from(line))
        }))
}

fn fleet<'m>(migrations: &'m Migrations, args: &FleetArgs) -> Fleet<'m> {
    migrations.fleet().jobs(jobs(args))
}

/// `--jobs`, else the cores.
fn jobs(args: &FleetArgs) -> usize {
    args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    )
}

/// What the commands print as databases finish: the progress bar, the
/// lines, the JSON document, and the figures for the summary.
struct Board {
    bar: ProgressBar,
    json: bool,
    started: Instant,
    jobs: usize,
    state: Mutex<Figures>,
}

#[derive(Default)]
struct Figures {
    /// Whether a database was written to the JSON array yet.
    written: bool,
    /// How long the databases took.
    times: Times,
    /// How many databases are at each version (`None`: none applied).
    versions: BTreeMap<Option<u64>, usize>,
    /// Databases that need attention, with why: printed sorted at the end.
    attention: Vec<(PathBuf, String)>,
    /// The first databases not started (the rest are only counted).
    skipped: Vec<PathBuf>,
    /// How many were not started.
    not_started: usize,
}

impl Board {
    fn start(total: usize, jobs: usize, format: Format) -> Board {
        let bar = if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} databases {msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        let json = format == Format::Json;
        if json {
            println!("{{\"databases\": [");
        }
        Board {
            bar,
            json,
            started: Instant::now(),
            jobs,
            state: Mutex::new(Figures::default()),
        }
    }

    /// Records one database: its time, its version, its JSON entry, and a
    /// text line to print now (above the bar) when there is one.
    fn record(
        &self,
        took: Option<Duration>,
        version: Option<Option<u64>>,
        entry: Value,
        line: Option<String>,
    ) {
        let Ok(mut figures) = self.state.lock() else {
            return;
        };
        if let Some(took) = took {
            figures.times.add(took);
        }
        if let Some(version) = version {
            *figures.versions.entry(version).or_default() += 1;
        }
        self.bar.suspend(|| {
            if self.json {
                // each entry ends its line when the next one (or the end) comes
                let comma = if figures.written { ",\n" } else { "" };
                print!("{comma}  {entry}");
            } else if let Some(line) = &line {
                println!("{line}");
            }
        });
        figures.written = true;
        self.bar.inc(1);
    }

    fn attention(&self, path: &Path, why: String) {
        if let Ok(mut figures) = self.state.lock() {
            figures.attention.push((path.to_path_buf(), why));
        }
    }

    fn skipped(&self, path: &Path) {
        if let Ok(mut figures) = self.state.lock() {
            figures.not_started += 1;
            if figures.skipped.len() < SKIPPED_SHOWN {
                figures.skipped.push(path.to_path_buf());
            }
        }
        self.record(
            None,
            None,
            json!({"path": path.display().to_string(), "outcome": "skipped"}),
            None,
        );
    }

    /// Ends the bar and the JSON array; returns the figures.
    fn finish(self, summary: impl FnOnce(&Figures, Duration, usize) -> Value) -> Figures {
        self.bar.finish_and_clear();
        let figures = self.state.into_inner().unwrap_or_default();
        if self.json {
            let doc = summary(&figures, self.started.elapsed(), self.jobs);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            let end = if figures.written { "\n" } else { "" };
            println!("{end}],\n\"summary\": {text}}}");
        }
        figures
    }
}

/// How many databases not started the text report names.
const SKIPPED_SHOWN: usize = 10;

/// How long databases took, in buckets 2% wide (a fixed size however many
/// databases there are): median, 95th percentile and slowest.
struct Times {
    /// Databases by bucket: bucket `b` holds times from 1.02^b microseconds.
    buckets: Vec<u32>,
    count: u64,
    max: Duration,
}

impl Default for Times {
    fn default() -> Self {
        Times {
            // 1.02^1100 microseconds is beyond 100 days
            buckets: vec![0; 1100],
            count: 0,
            max: Duration::ZERO,
        }
    }
}

impl Times {
    const GROWTH: f64 = 1.02;

    fn add(&mut self, took: Duration) {
        let micros = took.as_secs_f64() * 1e6;
        let bucket = if micros <= 1.0 {
            0
        } else {
            (micros.ln() / Self::GROWTH.ln()) as usize
        };
        let last = self.buckets.len() - 1;
        self.buckets[bucket.min(last)] += 1;
        self.count += 1;
        self.max = self.max.max(took);
    }

    /// The time below which a fraction `q` of the databases took (the
    /// middle of its bucket), no more than the slowest.
    fn quantile(&self, q: f64) -> Duration {
        let rank = ((self.count as f64 * q).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, n) in self.buckets.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= rank {
                let micros = Self::GROWTH.powf(b as f64 + 0.5);
                return Duration::from_secs_f64(micros / 1e6).min(self.max);
            }
        }
        self.max
    }

    fn summary(&self) -> Option<(Duration, Duration, Duration)> {
        (self.count > 0).then(|| (self.quantile(0.5), self.quantile(0.95), self.max))
    }
}

fn times_json(figures: &Figures) -> Value {
    match figures.times.summary() {
        Some((median, p95, max)) => json!({
            "median_ms": ms(median), "p95_ms": ms(p95), "max_ms": ms(max),
        }),
        None => Value::Null,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn versions_json(figures: &Figures) -> Value {
    figures
        .versions
        .iter()
        .map(|(v, n)| json!({"version": v, "databases": n}))
        .collect()
}

/// The lines every summary ends with: databases at each version, newest
/// first, and the time per database.
fn print_figures(migrations: &Migrations, figures: &Figures, elapsed: Duration, jobs: usize) {
    let mut versions: Vec<(&Option<u64>, &usize)> = figures.versions.iter().collect();
    versions.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => migrations.cmp_versions(*b, *a),
        (a, b) => b.cmp(a),
    });
    for (version, n) in versions {
        let at = match version {
            None => "no migration applied".to_string(),
            Some(v) if Some(*v) == migrations.latest() => {
                format!("at version {} (latest)", migrations.label(*v))
            }
            Some(v) => format!("at version {}", migrations.label(*v)),
        };
        println!("  {at}: {}", count(*n, "database"));
    }
    if let Some((median, p95, max)) = figures.times.summary() {
        println!(
            "time per database: median {}, p95 {}, max {} ({:.2} s in all, {})",
            shown_time(median),
            shown_time(p95),
            shown_time(max),
            elapsed.as_secs_f64(),
            count(jobs, "job")
        );
    }
}

fn print_attention(figures: &mut Figures, style: &Style) {
    figures.attention.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, why) in &figures.attention {
        println!("{} {}", style.error_label("!"), path.display());
        for line in why.lines() {
            println!("    {line}");
        }
    }
}

fn print_skipped(figures: &Figures) {
    if figures.not_started == 0 {
        return;
    }
    println!(
        "{} not started after the first failure (run again to carry on):",
        count(figures.not_started, "database")
    );
    for p in &figures.skipped {
        println!("  {}", p.display());
    }
    if figures.not_started > figures.skipped.len() {
        println!(
            "  ... and {} more",
            figures.not_started - figures.skipped.len()
        );
    }
}

fn shown_time(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A failure in a word, for the report and the JSON `kind`.
fn kind(e: &Error) -> &'static str {
    use driftless::rusqlite::ErrorCode;
    match e.root() {
        Error::Locked { .. } => "locked",
        Error::NoDatabase { .. } => "missing",
        Error::UnknownApplied { .. } => "ahead",
        Error::Modified { .. } => "modified",
        Error::Unfinished { .. } | Error::PartlyApplied { .. } => "unfinished",
        Error::OutOfOrder { .. } => "out-of-order",
        Error::BelowBaseline { .. } => "below-baseline",
        Error::Backup { .. } | Error::BackupExists { .. } => "backup",
        Error::Sqlite(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
            ) =>
        {
            "unreadable"
        }
        Error::Sqlite(_) => "sqlite",
        _ => "failed",
    }
}

fn error_json(e: &Error) -> Value {
    json!({"kind": kind(e), "message": e.to_string()})
}

/// The version a database is at, read again after a failure (`None` when
/// it cannot be read at all).
fn version_now(migrations: &Migrations, path: &Path) -> Option<Option<u64>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).ok()?;
    migrations.status(&conn).ok().map(|s| s.current)
}

fn label(migrations: &Migrations, v: Option<u64>) -> String {
    v.map_or("none".into(), |v| migrations.label(v))
}

pub fn upgrade(args: &FleetArgs, how: &Upgrade, style: &Style) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    if let Some(v) = how.to
        && migrations.get(v).is_none()
    {
        return Err(Error::UnknownVersion { version: v }.into());
    }
    let backup = match &how.backup {
        Some(Some(path)) => {
            return Err(CliError::Usage(format!(
                "--backup {} names one file: with many databases, --backup (no path) backs each up beside itself",
                path.display()
            )));
        }
        other => backup_option(other.clone()),
    };
    let Databases {
        total,
        paths: databases,
    } = Databases::read(args)?;
    let fleet = fleet(&migrations, args)
        .canary(how.canary.unwrap_or(0))
        .keep_going(how.keep_going)
        .to(how.to)
        .options(Options {
            backup,
            allow_out_of_order: how.allow_out_of_order,
            busy_timeout: how.busy_timeout()?,
        });
    let jobs = jobs(args);
    if how.dry_run {
        return rehearse(&fleet, total, databases, jobs, how.format, style);
    }
    if how.format == Format::Text {
        println!(
            "upgrading {} with {} ({})",
            count(total, "database"),
            args.dir.dir.display(),
            count(jobs, "job")
        );
    }
    // partway through changing databases
    crate::output::if_cut_short(2);
    let board = Board::start(total, jobs, how.format);
    let each = |tenant: &Tenant<Upgraded>| {
        let path = tenant.path.display().to_string();
        match &tenant.outcome {
            Outcome::Done(up) => {
                let outcome = if up.report.ran.is_empty() {
                    "up-to-date"
                } else {
                    "upgraded"
                };
                let entry = json!({
                    "path": path, "outcome": outcome,
                    "before": up.before, "after": up.after,
                    "applied": up.report.ran.iter().map(|r| &r.file).collect::<Vec<_>>(),
                    "backup": up.report.backup.as_ref().map(|b| b.display().to_string()),
                    "ms": ms(tenant.took),
                });
                board.record(Some(tenant.took), Some(up.after), entry, None);
            }
            Outcome::Failed(e) => {
                let now = version_now(&migrations, &tenant.path);
                let entry = json!({
                    "path": path, "outcome": "failed", "at": now.flatten(),
                    "error": error_json(e), "ms": ms(tenant.took),
                });
                let at = now.map_or(String::new(), |v| {
                    format!(" (left at version {})", label(&migrations, v))
                });
                let line = format!(
                    "{} {path}{at}\n{}",
                    style.error_label(&format!("{}:", kind(e))),
                    indent(&e.to_string())
                );
                board.record(Some(tenant.took), now, entry, Some(line));
            }
            Outcome::Skipped => board.skipped(&tenant.path),
        }
    };
    let tally = fleet.upgrade(databases, each);
    let summary = |figures: &Figures, elapsed: Duration, jobs: usize| {
        json!({
            "databases": total, "upgraded_or_up_to_date": tally.done,
            "failed": tally.failed, "skipped": tally.skipped,
            "canary_failed": tally.canary_failed,
            "versions": versions_json(figures), "time": times_json(figures),
            "seconds": elapsed.as_secs_f64(), "jobs": jobs,
        })
    };
    let elapsed = board.started.elapsed();
    let figures = board.finish(summary);
    if how.format == Format::Text {
        print_skipped(&figures);
        verdict(&tally, total, "migrated", style);
        print_figures(&migrations, &figures, elapsed, jobs);
    }
    crate::output::if_cut_short(u8::from(tally.failed > 0));
    Ok(exit(&tally))
}

/// The last line but the figures: how many were done, failed, skipped.
fn verdict(tally: &Tally, total: usize, done: &str, style: &Style) {
    let mut line = format!("{} of {total} {done}", tally.done);
    if tally.failed > 0 {
        line.push_str(&format!(", {} failed", tally.failed));
    }
    if tally.skipped > 0 {
        line.push_str(&format!(", {} not started", tally.skipped));
    }
    if tally.canary_failed {
        line.push_str(" (a canary failed, so the rest were not started)");
    }
    if tally.failed == 0 && tally.skipped == 0 {
        println!("{}", style.good(&line));
    } else {
        println!("{}", style.error(&line));
    }
}

fn exit(tally: &Tally) -> Exit {
    if tally.failed > 0 || tally.skipped > 0 {
        Exit::Problems
    } else {
        Exit::Clean
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rehearse(
    fleet: &Fleet<'_>,
    total: usize,
    databases: impl Iterator<Item = PathBuf> + Send,
    jobs: usize,
    format: Format,
    style: &Style,
) -> CliResult {
    if format == Format::Text {
        println!(
            "dry run on a copy of each of {} ({}): the databases are only read",
            count(total, "database"),
            count(jobs, "job")
        );
    }
    let board = Board::start(total, jobs, format);
    let each = |tenant: &Tenant<DryRun>| {
        let path = tenant.path.display().to_string();
        match &tenant.outcome {
            Outcome::Done(dry) => {
                let failed = dry.failed();
                let outcome = match (failed, dry.steps.is_empty()) {
                    (Some(_), _) => "would-fail",
                    (None, true) => "up-to-date",
                    (None, false) => "would-apply",
                };
                let entry = json!({
                    "path": path, "outcome": outcome,
                    "migrations": dry.steps.iter().map(crate::dry_run::step_json).collect::<Vec<_>>(),
                    "ms": ms(tenant.took),
                });
                let line = failed.map(|f| {
                    let why = match &f.outcome {
                        driftless::StepOutcome::Failed(e) => crate::dry_run::failure(e),
                        _ => String::new(),
                    };
                    format!(
                        "{} {path}: {} would fail\n{}",
                        style.error_label("would fail:"),
                        f.file,
                        indent(&why)
                    )
                });
                board.record(Some(tenant.took), None, entry, line);
            }
            Outcome::Failed(e) => {
                let entry = json!({"path": path, "outcome": "failed", "error": error_json(e), "ms": ms(tenant.took)});
                let line = format!(
                    "{} {path}\n{}",
                    style.error_label(&format!("{}:", kind(e))),
                    indent(&e.to_string())
                );
                board.record(Some(tenant.took), None, entry, Some(line));
            }
            Outcome::Skipped => board.skipped(&tenant.path),
        }
    };
    let tally = fleet.rehearse(databases, each);
    let elapsed = board.started.elapsed();
    let figures = board.finish(|figures, elapsed, jobs| {
        json!({
            "databases": total, "would_apply_or_up_to_date": tally.done,
            "failed": tally.failed, "skipped": tally.skipped,
            "canary_failed": tally.canary_failed, "time": times_json(figures),
            "seconds": elapsed.as_secs_f64(), "jobs": jobs,
        })
    });
    if format == Format::Text {
        print_skipped(&figures);
        verdict(&tally, total, "would migrate", style);
        if let Some((median, _, max)) = figures.times.summary() {
            println!(
                "time per database: median {}, max {} ({:.2} s in all); nothing was written",
                shown_time(median),
                shown_time(max),
                elapsed.as_secs_f64()
            );
        }
    }
    Ok(exit(&tally))
}

/// Why a database needs attention, a line each.
fn reasons(migrations: &Migrations, standing: &Standing) -> Vec<String> {
    let status = &standing.status;
    let mut why = Vec::new();
    for u in &status.unknown {
        why.push(format!(
            "records migration {} ({}, applied {}) that this build lacks",
            u.version, u.name, u.applied_at
        ));
    }
    for c in &status.modified {
        why.push(format!("{} changed since it was applied", c.file));
    }
    for u in &status.unfinished {
        why.push(format!(
            "no-transaction migration {} ({}) started and never finished",
            u.version, u.name
        ));
    }
    for p in &status.out_of_order {
        why.push(format!(
            "{} is pending but older than the newest applied ({})",
            p.file,
            label(migrations, status.current)
        ));
    }
    for d in &standing.drift {
        why.push(format!("drift: {}", d.description));
    }
    why
}

pub fn status(args: &FleetArgs, format: Format, style: &Style) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let Databases {
        total,
        paths: databases,
    } = Databases::read(args)?;
    let fleet = fleet(&migrations, args);
    let jobs = jobs(args);
    let board = Board::start(total, jobs, format);
    let pending = std::sync::atomic::AtomicUsize::new(0);
    let each = |tenant: &Tenant<Standing>| {
        let path = tenant.path.display().to_string();
        match &tenant.outcome {
            Outcome::Done(standing) => {
                let s = &standing.status;
                if !s.pending.is_empty() {
                    pending.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                let why = reasons(&migrations, standing);
                let entry = json!({
                    "path": path,
                    "outcome": if why.is_empty() { "ok" } else { "attention" },
                    "current": s.current, "pending": s.pending.len(),
                    "unknown": s.unknown.iter().map(|a| a.version).collect::<Vec<_>>(),
                    "modified": s.modified.iter().map(|c| c.version).collect::<Vec<_>>(),
                    "unfinished": s.unfinished.iter().map(|a| a.version).collect::<Vec<_>>(),
                    "out_of_order": s.out_of_order.iter().map(|p| p.version).collect::<Vec<_>>(),
                    "drift": standing.drift.iter().map(|d| json!({"description": d.description, "fix": d.fix})).collect::<Vec<_>>(),
                    "problems": why,
                });
                if !why.is_empty() {
                    board.attention(&tenant.path, why.join("\n"));
                }
                board.record(Some(tenant.took), Some(s.current), entry, None);
            }
            Outcome::Failed(e) => {
                board.attention(&tenant.path, format!("{}: {e}", kind(e)));
                let entry = json!({"path": path, "outcome": "failed", "error": error_json(e)});
                board.record(Some(tenant.took), None, entry, None);
            }
            Outcome::Skipped => board.skipped(&tenant.path),
        }
    };
    fleet.status(databases, each);
    let pending = pending.into_inner();
    let elapsed = board.started.elapsed();
    let mut figures = board.finish(|figures, elapsed, jobs| {
        json!({
            "databases": total, "latest": migrations.latest(),
            "with_pending": pending, "needing_attention": figures.attention.len(),
            "versions": versions_json(figures), "time": times_json(figures),
            "seconds": elapsed.as_secs_f64(), "jobs": jobs,
        })
    });
    let attention = figures.attention.len();
    if format == Format::Text {
        println!(
            "{} against {} (latest: {})",
            count(total, "database"),
            args.dir.dir.display(),
            label(&migrations, migrations.latest())
        );
        print_figures(&migrations, &figures, elapsed, jobs);
        if pending > 0 {
            println!("{} with pending migrations", count(pending, "database"));
        }
        if attention > 0 {
            let verb = if attention == 1 { "needs" } else { "need" };
            println!("\n{} {verb} attention:", count(attention, "database"));
            print_attention(&mut figures, style);
        } else {
            println!("{}", style.good("no database needs attention"));
        }
    }
    if attention > 0 {
        crate::output::if_cut_short(1);
    }
    let _ = std::io::stdout().flush();
    Ok(if attention > 0 {
        Exit::Problems
    } else {
        Exit::Clean
    })
}

pub fn diff(args: &FleetArgs, format: Format, style: &Style) -> CliResult {
    let migrations = migrations(&args.dir.dir)?;
    let Databases {
        total,
        paths: databases,
    } = Databases::read(args)?;
    let jobs = jobs(args);
    let board = Board::start(total, jobs, format);
    let each = |tenant: &Tenant<Standing>| {
        let path = tenant.path.display().to_string();
        match &tenant.outcome {
            Outcome::Done(standing) => {
                let drift = &standing.drift;
                let entry = json!({
                    "path": path,
                    "differences": drift.iter().map(|d| json!({
                        "description": d.description, "fix": d.fix, "destructive": d.destructive,
                    })).collect::<Vec<_>>(),
                });
                if !drift.is_empty() {
                    let mut why: Vec<String> = drift
                        .iter()
                        .map(|d| format!("- {}", d.description))
                        .collect();
                    why.push("to make it match the migrations:".into());
                    why.extend(
                        drift
                            .iter()
                            .filter(|d| !d.fix.is_empty())
                            .map(|d| format!("  {}", d.fix)),
                    );
                    board.attention(&tenant.path, why.join("\n"));
                }
                board.record(
                    Some(tenant.took),
                    Some(standing.status.current),
                    entry,
                    None,
                );
            }
            Outcome::Failed(e) => {
                board.attention(&tenant.path, format!("{}: {e}", kind(e)));
                let entry = json!({"path": path, "outcome": "failed", "error": error_json(e)});
                board.record(Some(tenant.took), None, entry, None);
            }
            Outcome::Skipped => board.skipped(&tenant.path),
        }
    };
    fleet(&migrations, args).status(databases, each);
    let mut figures = board.finish(|figures, elapsed, jobs| {
        json!({
            "databases": total, "differing_or_failed": figures.attention.len(),
            "seconds": elapsed.as_secs_f64(), "jobs": jobs,
        })
    });
    let attention = figures.attention.len();
    if format == Format::Text {
        if attention == 0 {
            println!(
                "{}",
                style.good(&format!(
                    "all {} match their applied migrations",
                    count(total, "database")
                ))
            );
        } else {
            println!(
                "{attention} of {} differ from their applied migrations or could not be read:",
                count(total, "database")
            );
            print_attention(&mut figures, style);
            println!(
                "\nhelp: `driftless diff --db FILE` on one of them shows the SQL that keeps its changes"
            );
        }
    }
    if attention > 0 {
        crate::output::if_cut_short(1);
    }
    Ok(if attention > 0 {
        Exit::Problems
    } else {
        Exit::Clean
    })
}
