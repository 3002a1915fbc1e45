//! `driftless`: the daily migration workflow and the pre-deploy checklist
//! on the command line. Every command is a thin layer over the engine
//! (`driftless-migrations`) and the runtime migrator (`driftless`).

mod check;
mod ci;
mod diff;
mod dry_run;
mod fleet;
mod from_models;
mod inspect;
mod migrate;
mod new;
mod output;
mod previous;
mod review;
mod squash;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use output::{Outcome, Style};

/// Keep SQLite migrations and the database they built in lockstep.
#[derive(Parser, Debug)]
#[command(name = "driftless", version, about, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 clean, 1 problems found, 2 usage or I/O error.\n\n\
Example:\n  driftless check --deny warnings\n  driftless upgrade --db app.db --backup"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of the commands that offer JSON for CI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: aligned, coloured on a terminal.
    Text,
    /// For machines.
    Json,
}

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people: aligned, coloured on a terminal.
    Text,
    /// For machines.
    Json,
    /// GitHub Actions workflow commands: annotations at file and line.
    Github,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
}

/// Output format of `schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// CREATE statements.
    Sql,
    /// The snapshot the build script writes.
    Json,
    /// diesel's `schema.rs`, as `diesel print-schema` prints it.
    Diesel,
}

/// Where the migrations are.
#[derive(clap::Args, Clone, Debug)]
pub struct DirArg {
    /// The migrations directory.
    #[arg(long, default_value = "migrations")]
    pub dir: PathBuf,
}

/// Where the migrations and the database are.
#[derive(clap::Args, Clone, Debug)]
pub struct DbArgs {
    /// The migrations directory.
    #[command(flatten)]
    pub dir: DirArg,
    /// The SQLite database file.
    #[arg(long)]
    pub db: PathBuf,
}

/// Where the migrations and the databases are: one database, or a fleet
/// (a glob, a list file, or both).
#[derive(clap::Args, Debug)]
pub struct FleetArgs {
    /// The migrations directory.
    #[command(flatten)]
    pub dir: DirArg,
    /// The SQLite database file, or a glob of many, quoted: 'tenants/*.db'.
    #[arg(long, value_name = "FILE|GLOB", required_unless_present = "dbs")]
    pub db: Option<PathBuf>,
    /// A file listing databases, one path a line (blank lines and # comments skipped).
    #[arg(long, value_name = "FILE")]
    pub dbs: Option<PathBuf>,
    /// With many databases: how many to work on at once (default: the cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

impl FleetArgs {
    /// The one database named, when `--db` names one file (no glob, no list).
    pub fn one(&self) -> Option<DbArgs> {
        match (&self.db, &self.dbs) {
            (Some(db), None) if !fleet::is_glob(db) => Some(DbArgs {
                dir: self.dir.clone(),
                db: db.clone(),
            }),
            _ => None,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the next migration in the layout the directory already uses.
    #[command(
        after_help = "Example:\n  driftless new add_completed_at\n  driftless new create_hosts --reversible"
    )]
    New {
        /// What the migration does, e.g. add_completed_at.
        name: String,
        /// Also create a down migration.
        #[arg(long)]
        reversible: bool,
        #[command(flatten)]
        dir: DirArg,
        /// Write the migration the crate's models need (read by a `cargo check`).
        #[arg(long)]
        from_models: bool,
        /// With --from-models: print the migration instead of writing it.
        #[arg(long, requires = "from_models")]
        dry_run: bool,
        /// With --from-models: drop columns no model maps (their data is lost).
        #[arg(long, requires = "from_models")]
        drop: bool,
        /// With --from-models: a column renamed, OLD=NEW (never guessed).
        #[arg(long, value_name = "OLD=NEW", value_parser = from_models::rename, requires = "from_models")]
        rename: Vec<(String, String)>,
        /// With --from-models: the crate features to read the models with.
        #[arg(long, requires = "from_models")]
        features: Option<String>,
    },
    /// The pre-deploy checklist: replay, a rehearsal on rows, down migrations, git, lints.
    #[command(
        after_help = "Examples:\n  driftless check --sqlite-version 3.31 --deny warnings\n  driftless check --base origin/main --format github\n  driftless check --previous v1.4.0"
    )]
    Check {
        #[command(flatten)]
        dir: DirArg,
        /// The oldest SQLite the migrations must run on, e.g. 3.31.
        #[arg(long)]
        sqlite_version: Option<driftless_migrations::lint::SqliteVersion>,
        /// `--deny warnings` turns every warning into an error.
        #[arg(long, value_parser = ["warnings"])]
        deny: Option<String>,
        /// The git revision this branch merges into (default: the upstream
        /// branch unless it is this branch's own copy, else the pull
        /// request's base, origin/HEAD, main or master): its migrations may have run, so
        /// editing, deleting or renumbering one is an error, and so is a new
        /// one that sorts before its newest.
        #[arg(long, value_name = "REF")]
        base: Option<String>,
        /// Also build the crate's code as it was at REF (the release still
        /// running) against today's migrations, and report what it reads
        /// that they drop or change.
        #[arg(long, value_name = "REF")]
        previous: Option<String>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Replace every migration up to a version with one baseline migration.
    #[command(
        after_help = "Example:\n  driftless squash --to 100\n\nA new database runs the baseline, then what follows; a database past the\nversion keeps its history; one part-way through is refused."
    )]
    Squash {
        #[command(flatten)]
        dir: DirArg,
        /// The last migration the baseline replaces.
        #[arg(long, value_parser = version)]
        to: u64,
        /// Print the baseline and the files it replaces; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the schema the migrations produce.
    #[command(
        after_help = "Examples:\n  driftless schema --at 3 --format json\n  driftless schema --diesel > src/schema.rs"
    )]
    Schema {
        #[command(flatten)]
        dir: DirArg,
        /// Stop after this version.
        #[arg(long, value_parser = version)]
        at: Option<u64>,
        #[arg(long, value_enum, default_value_t = SchemaFormat::Sql)]
        format: SchemaFormat,
        /// Print diesel's `schema.rs` (short for `--format diesel`).
        #[arg(long, conflicts_with = "format")]
        diesel: bool,
    },
    /// Where the database stands: current version, pending, unknown, modified;
    /// for many databases, how many are at each version and which drifted.
    #[command(
        after_help = "Examples:\n  driftless status --db app.db\n  driftless status --db 'tenants/*.db'"
    )]
    Status {
        #[command(flatten)]
        db: FleetArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The migrations applied to the database, with times and durations.
    #[command(after_help = "Example:\n  driftless history --db app.db")]
    History {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Apply pending migrations, to one database or to many in parallel.
    #[command(
        after_help = "Examples:\n  driftless upgrade --db app.db --to 5 --backup\n  driftless upgrade --db app.db --dry-run\n  \
driftless upgrade --db 'tenants/*.db' --canary 10 --jobs 8\n  driftless upgrade --dbs tenants.txt --keep-going --format json"
    )]
    Upgrade {
        #[command(flatten)]
        db: FleetArgs,
        /// Stop after this version.
        #[arg(long, value_parser = version)]
        to: Option<u64>,
        /// Back up the database first: to PATH, or beside it, timestamped.
        #[arg(long, num_args = 0..=1, value_name = "PATH", conflicts_with = "dry_run")]
        backup: Option<Option<PathBuf>>,
        /// Apply pending migrations older than the newest applied one (a late merge).
        #[arg(long)]
        allow_out_of_order: bool,
        /// Apply them to a copy of the database, with its rows, report each, and
        /// discard the copy: the database is only read. Exit 1 if one would fail.
        #[arg(long)]
        dry_run: bool,
        /// Text or JSON (with --dry-run, or with many databases).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// How long to wait for another writer before giving up on a database.
        #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
        busy_timeout: f64,
        /// With many databases: upgrade K first, and stop if any of them fails.
        #[arg(long, value_name = "K")]
        canary: Option<usize>,
        /// With many databases: go on after a failure (by default the first
        /// failure stops new work; databases already started finish).
        #[arg(long)]
        keep_going: bool,
    },
    /// Run down migrations until VERSION is the newest applied (0: all).
    #[command(after_help = "Example:\n  driftless downgrade --db app.db --to 3 --backup")]
    Downgrade {
        #[command(flatten)]
        db: DbArgs,
        /// The version to go back to.
        #[arg(long, value_parser = version)]
        to: u64,
        /// Back up the database first: to PATH, or beside it, timestamped.
        #[arg(long, num_args = 0..=1, value_name = "PATH")]
        backup: Option<Option<PathBuf>>,
        /// Do not ask before down migrations that drop tables or columns.
        #[arg(long)]
        yes: bool,
    },
    /// Record the migrations up to VERSION as applied, without running them.
    #[command(after_help = "Example:\n  driftless stamp --db app.db 4")]
    Stamp {
        #[command(flatten)]
        db: DbArgs,
        /// The version the database is at (0: none).
        #[arg(id = "target", value_name = "VERSION", value_parser = version)]
        version: u64,
    },
    /// Take over the history of sqlx, diesel, refinery, Prisma, golang-migrate, goose, dbmate, Flyway, hiqlite, Cloudflare D1 (d1_migrations) or PRAGMA user_version (rusqlite_migration).
    #[command(after_help = "Example:\n  driftless adopt --db app.db")]
    Adopt {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Compare the database (or each of many) with the schema its applied migrations produce.
    #[command(
        after_help = "Example:\n  driftless diff --db app.db\n  driftless diff --db app.db --write keep_hand_patch\n  driftless diff --db 'tenants/*.db'"
    )]
    Diff {
        #[command(flatten)]
        db: FleetArgs,
        /// Save the database's changes as a new migration NAME and record it as applied.
        #[arg(long, value_name = "NAME")]
        write: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// `driftless schema | head -1`: when the reader of stdout goes away, `println!`
/// panics with "failed printing to stdout: Broken pipe". Exit quietly instead,
/// as other command line tools do, with the status the command has earned so
/// far (see [`output::if_cut_short`]); every other panic reports as usual.
fn exit_quietly_on_broken_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // `payload_as_str` would do, but it is newer than the crate's MSRV
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied());
        if message.is_some_and(|m| m.contains("Broken pipe")) {
            let code = output::cut_short_code();
            if code == 2 {
                // stderr may still be read: say the work was not finished
                let _ = writeln!(
                    std::io::stderr(),
                    "error: stdout was closed before driftless finished: it stopped partway\n\
                     help: run `driftless status` to see where the database stands"
                );
            }
            std::process::exit(i32::from(code));
        }
        default_hook(info);
    }));
}

fn main() -> ExitCode {
    exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let style = Style::detect();
    let result = match cli.command {
        Command::New {
            name,
            reversible,
            dir,
            from_models: true,
            dry_run,
            drop,
            rename,
            features,
        } => from_models::run(
            &dir.dir,
            &name,
            &from_models::Options {
                dry_run,
                drop,
                renames: rename,
                features,
                reversible,
            },
        ),
        Command::New {
            name,
            reversible,
            dir,
            ..
        } => new::run(&dir.dir, &name, reversible),
        Command::Check {
            dir,
            sqlite_version,
            deny,
            base,
            previous,
            format,
        } => check::run(
            &dir.dir,
            &check::Options {
                target: sqlite_version,
                base: base.as_deref(),
                previous: previous.as_deref(),
                deny_warnings: deny.is_some(),
                format,
            },
            &style,
        ),
        Command::Squash { dir, to, dry_run } => squash::run(&dir.dir, to, dry_run),
        Command::Schema {
            dir,
            at,
            format,
            diesel,
        } => inspect::schema(
            &dir.dir,
            at,
            if diesel { SchemaFormat::Diesel } else { format },
        ),
        Command::Status { db, format } => match db.one() {
            Some(one) => inspect::status(&one, format, &style),
            None => fleet::status(&db, format, &style),
        },
        Command::History { db, format } => inspect::history(&db, format),
        Command::Upgrade {
            db,
            to,
            backup,
            allow_out_of_order,
            dry_run,
            format,
            busy_timeout,
            canary,
            keep_going,
        } => upgrade(
            &db,
            &fleet::Upgrade {
                to,
                backup,
                allow_out_of_order,
                dry_run,
                format,
                busy_timeout,
                canary,
                keep_going,
            },
            &style,
        ),
        Command::Downgrade {
            db,
            to,
            backup,
            yes,
        } => migrate::downgrade(&db, to, backup, yes, &style),
        Command::Stamp { db, version } => migrate::stamp(&db, version),
        Command::Adopt { db } => migrate::adopt(&db),
        Command::Diff { db, write, format } => match (db.one(), write) {
            (Some(one), write) => diff::run(&one, write.as_deref(), format, &style),
            (None, None) => fleet::diff(&db, format, &style),
            (None, Some(_)) => Err(output::CliError::Usage(
                "--write saves one database's changes: give it one database with --db FILE".into(),
            )),
        },
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            eprintln!("{}", style.error(&e.to_string()));
            ExitCode::from(e.code())
        }
    }
}

/// `upgrade`: one database or a fleet, for real or as a dry run.
fn upgrade(db: &FleetArgs, how: &fleet::Upgrade, style: &Style) -> output::CliResult {
    let Some(one) = db.one() else {
        return fleet::upgrade(db, how, style);
    };
    if how.canary.is_some() || how.keep_going || db.jobs.is_some() {
        return Err(output::CliError::Usage(
            "--canary, --keep-going and --jobs are for many databases: give --db a glob or --dbs a list".into(),
        ));
    }
    if how.dry_run {
        dry_run::run(&one, how.to, how.allow_out_of_order, how.format, style)
    } else if how.format == Format::Json {
        Err(output::CliError::Usage(
            "--format json is for --dry-run or many databases".into(),
        ))
    } else {
        migrate::upgrade(
            &one,
            how.to,
            how.backup.clone(),
            how.allow_out_of_order,
            how.busy_timeout()?,
            style,
        )
    }
}

/// A version as typed: a number, or a Flyway version such as `1.1`.
fn version(text: &str) -> Result<u64, String> {
    driftless_migrations::flyway::version_id(text)
        .ok_or_else(|| format!("`{text}` is not a version: expected a number such as 3 or 20240101120000, or a Flyway version such as 1.1"))
}
