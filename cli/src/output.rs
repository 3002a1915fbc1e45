//! How the command line talks: exit codes, colour, aligned tables.

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use driftless::Migrations;
use driftless::rusqlite::{Connection, OpenFlags};

/// What a command found, when it ran to the end.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: the command worked and found problems.
    Problems,
}

/// Why a command could not do its job.
#[derive(Debug)]
pub enum CliError {
    /// Exit 2: bad arguments, a missing file, I/O.
    Usage(String),
    /// Exit 1: a problem with the migrations or the database, explained.
    Problem(String),
}

impl CliError {
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Problem(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Problem(m) => f.write_str(m),
        }
    }
}

impl From<driftless::Error> for CliError {
    fn from(e: driftless::Error) -> Self {
        use driftless::MigrationError as Engine;
        match e.root() {
            driftless::Error::Migration(Engine::Io { .. } | Engine::MissingDirectory { .. })
            | driftless::Error::Backup { .. }
            | driftless::Error::BackupExists { .. }
            | driftless::Error::UnknownVersion { .. } => CliError::Usage(e.to_string()),
            // the library's help names its API; here, the command line's
            driftless::Error::OutOfOrder { .. } => CliError::Problem(format!(
                "{e}\nhelp: on the command line: `driftless upgrade --allow-out-of-order`"
            )),
            driftless::Error::Unfinished { .. } | driftless::Error::PartlyApplied { .. } => {
                CliError::Problem(format!(
                    "{e}\nhelp: on the command line, `verify` is `driftless diff` and `stamp` is `driftless stamp`"
                ))
            }
            _ => CliError::Problem(e.to_string()),
        }
    }
}

impl From<driftless_migrations::Error> for CliError {
    fn from(e: driftless_migrations::Error) -> Self {
        driftless::Error::from(e).into()
    }
}

impl From<driftless::rusqlite::Error> for CliError {
    fn from(e: driftless::rusqlite::Error) -> Self {
        CliError::Usage(format!("SQLite: {e}"))
    }
}

pub type CliResult = Result<Outcome, CliError>;

/// The exit status if stdout is closed before the command finishes.
static CUT_SHORT: AtomicU8 = AtomicU8::new(0);

/// Sets the exit status for when the reader of stdout goes away early
/// (`driftless check | head -5`): 0 by default, 1 once the command has found
/// problems, 2 while it is partway through changing the database. A closed
/// pipe must not turn a failing check green, nor hide an unfinished upgrade.
pub fn if_cut_short(code: u8) {
    CUT_SHORT.store(code, Ordering::Relaxed);
}

/// The status [`if_cut_short`] set.
pub fn cut_short_code() -> u8 {
    CUT_SHORT.load(Ordering::Relaxed)
}

/// Colour when stdout is a terminal and `NO_COLOR` is not set.
pub struct Style {
    color: bool,
    pub terminal: bool,
}

impl Style {
    pub fn detect() -> Style {
        let terminal = std::io::stdout().is_terminal();
        Style {
            color: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            terminal,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, text: &str) -> String {
        format!("{} {text}", self.error_label("error:"))
    }

    pub fn error_label(&self, label: &str) -> String {
        self.paint("1;31", label)
    }

    pub fn warning(&self, label: &str) -> String {
        self.paint("1;33", label)
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Rows under headers, each column as wide as its widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push('\n');
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The migration set of `dir`.
pub fn migrations(dir: &Path) -> Result<Migrations, CliError> {
    Ok(Migrations::from_dir(dir)?)
}

/// Opens an existing database (never creates one by mistake).
pub fn open_existing(db: &Path) -> Result<Connection, CliError> {
    if !db.is_file() {
        return Err(CliError::Usage(format!(
            "database `{}` does not exist\nhelp: check --db, or run `driftless upgrade --db {}` to create it",
            db.display(),
            db.display()
        )));
    }
    Ok(Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?)
}

/// `--backup` with no value means beside the database.
pub fn backup_option(backup: Option<Option<PathBuf>>) -> driftless::Backup {
    match backup {
        None => driftless::Backup::None,
        Some(None) => driftless::Backup::Beside,
        Some(Some(p)) => driftless::Backup::To(p),
    }
}

/// A path as short as it can be: relative to the current directory when inside it.
pub fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// `1 migration`, `2 migrations`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn table_aligns_columns() {
        let t = table(
            &["version", "name"],
            &[
                vec!["1".into(), "create_games".into()],
                vec!["20240101".into(), "x".into()],
            ],
        );
        assert_eq!(t, "version   name\n1         create_games\n20240101  x");
    }
}
