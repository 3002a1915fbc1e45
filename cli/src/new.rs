//! `driftless new NAME`: the next migration, in the layout the directory uses.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use driftless_migrations::{Layout, discover, flyway};

use crate::output::{CliError, CliResult, Outcome};

pub fn run(dir: &Path, name: &str, reversible: bool) -> CliResult {
    for path in create(dir, name, reversible, &Body::default())? {
        println!("{}", path.display());
    }
    Ok(Outcome::Clean)
}

/// The SQL of a new migration; empty for a template to fill in.
#[derive(Default)]
pub struct Body<'a> {
    pub up: &'a str,
    pub down: &'a str,
}

/// Creates the next migration; returns the files written.
pub fn create(
    dir: &Path,
    name: &str,
    reversible: bool,
    body: &Body<'_>,
) -> Result<Vec<PathBuf>, CliError> {
    let name = slug(name)?;
    let existing = if dir.exists() {
        discover(dir)?.migrations
    } else {
        Vec::new()
    };
    let has = |l: Layout| existing.iter().any(|m| m.layout == l);
    let layout = if has(Layout::Diesel) {
        Layout::Diesel
    } else if has(Layout::Prisma) {
        Layout::Prisma
    } else if has(Layout::Goose) {
        Layout::Goose
    } else if has(Layout::Dbmate) {
        Layout::Dbmate
    } else if has(Layout::RusqliteMigration) {
        Layout::RusqliteMigration
    } else if has(Layout::Flyway) {
        Layout::Flyway
    } else if has(Layout::Refinery) {
        Layout::Refinery
    } else if has(Layout::Reversible) || reversible {
        Layout::Reversible
    } else {
        Layout::Simple
    };
    if reversible && layout == Layout::Prisma {
        return Err(CliError::Usage(format!(
            "`{}` uses Prisma's layout (`<timestamp>_name/migration.sql`), which has no down migrations\n\
             help: drop --reversible, and undo a Prisma migration with a new migration",
            dir.display()
        )));
    }
    if reversible && layout == Layout::Refinery {
        return Err(CliError::Usage(format!(
            "`{}` uses refinery's layout (`V1__name.sql`), and refinery's layout has no down migrations\n\
             help: drop --reversible, and undo a refinery migration with a new migration",
            dir.display()
        )));
    }
    // rusqlite_migration's folders (`from_directory`) or its files (named in
    // the app's `M::up(include_str!(..))` list), as the directory has them
    let folders = existing.iter().any(|m| m.in_folder());
    if reversible && layout == Layout::RusqliteMigration && !folders {
        return Err(CliError::Usage(format!(
            "`{}` holds rusqlite_migration files (`0001-name.sql`), which have no down scripts\n\
             help: drop --reversible, or move to `from_directory` folders (`01-name/up.sql` + `down.sql`)",
            dir.display()
        )));
    }
    // a Cloudflare D1 app numbers from 0001 as `wrangler d1 migrations
    // create` does, and heads each file as it does
    let d1 = layout == Layout::Simple && is_wrangler_project(dir);
    let prefix = if d1 && existing.is_empty() {
        "0001".to_string()
    } else {
        Numbering::of(&existing).next(layout)
    };
    let header = if d1 {
        format!("-- Migration number: {prefix} \t {}\n", utc_now().iso())
    } else {
        String::new()
    };
    let text = |sql: &str, empty: &str| {
        if sql.is_empty() {
            format!("{header}-- {name}: {empty}\n")
        } else {
            format!("{header}-- {name}\n{sql}\n")
        }
    };
    let up_text = text(body.up, "write the migration here");
    let down_text = text(body.down, "write what undoes the up migration here");
    let mut written = Vec::new();
    match layout {
        Layout::Diesel => {
            let folder = dir.join(format!("{prefix}_{name}"));
            std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
            written.push(write(&folder.join("up.sql"), &up_text)?);
            written.push(write(&folder.join("down.sql"), &down_text)?);
        }
        Layout::Goose | Layout::Dbmate => {
            // one file, both sections, the tool's markers; down always there
            let (up_marker, down_marker) = if layout == Layout::Goose {
                ("-- +goose Up", "-- +goose Down")
            } else {
                ("-- migrate:up", "-- migrate:down")
            };
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            written.push(write(
                &dir.join(format!("{prefix}_{name}.sql")),
                &format!("{up_marker}\n{up_text}\n{down_marker}\n{down_text}"),
            )?);
        }
        Layout::RusqliteMigration if folders => {
            let folder = dir.join(format!("{prefix}-{name}"));
            std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
            written.push(write(&folder.join("up.sql"), &up_text)?);
            if reversible {
                written.push(write(&folder.join("down.sql"), &down_text)?);
            }
        }
        Layout::RusqliteMigration => {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            written.push(write(&dir.join(format!("{prefix}-{name}.sql")), &up_text)?);
        }
        Layout::Prisma => {
            // Prisma names folders by the UTC time, YYYYMMDDHHMMSS
            let folder = dir.join(format!("{prefix}_{name}"));
            std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
            written.push(write(&folder.join("migration.sql"), &up_text)?);
        }
        Layout::Refinery | Layout::Flyway => {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            written.push(write(&dir.join(format!("{prefix}__{name}.sql")), &up_text)?);
            if reversible {
                // Flyway's undo script (refinery's layout was refused above)
                written.push(write(
                    &dir.join(format!("U{}__{name}.sql", &prefix[1..])),
                    &down_text,
                )?);
            }
        }
        Layout::Simple | Layout::Reversible => {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            if layout == Layout::Reversible {
                written.push(write(
                    &dir.join(format!("{prefix}_{name}.up.sql")),
                    &up_text,
                )?);
                written.push(write(
                    &dir.join(format!("{prefix}_{name}.down.sql")),
                    &down_text,
                )?);
            } else {
                written.push(write(&dir.join(format!("{prefix}_{name}.sql")), &up_text)?);
            }
        }
    }
    Ok(written)
}

/// Whether `dir` is the migrations directory of a Cloudflare Workers app:
/// wrangler's configuration beside it.
fn is_wrangler_project(dir: &Path) -> bool {
    let root = dir.parent().unwrap_or(Path::new(""));
    ["wrangler.toml", "wrangler.json", "wrangler.jsonc"]
        .iter()
        .any(|config| root.join(config).is_file())
}

/// How a directory numbers its next migration: after every version it has,
/// in its layout's form (`0008`, `20261203114500`, `2026-12-03-114500`,
/// `V4`).
pub struct Numbering {
    /// The highest sequence number or timestamp; Flyway's derived versions
    /// (dotted and repeatable ones) are no sequence.
    newest: Option<u64>,
    /// Flyway's and refinery's highest first part: after V2.3 comes V3.
    major: Option<u64>,
    /// The digits of a sequence number, `0001`'s 4.
    width: usize,
    now: Utc,
}

impl Numbering {
    /// The numbering after `existing`, at the clock's time.
    pub fn of(existing: &[driftless_migrations::Migration]) -> Numbering {
        Numbering {
            newest: existing
                .iter()
                .map(|m| m.version)
                .filter(|v| *v < flyway::DERIVED)
                .max(),
            major: existing
                .iter()
                .filter(|m| !m.repeatable && matches!(m.layout, Layout::Refinery | Layout::Flyway))
                .filter_map(|m| flyway::Version::parse(version_text(m)?).map(|v| v.major()))
                .max(),
            width: existing
                .iter()
                .filter_map(version_text)
                .map(str::len)
                .max()
                .unwrap_or(4),
            now: utc_now(),
        }
    }

    /// The next version as a file name of `layout` starts with it; the one
    /// after it comes next.
    pub fn next(&mut self, layout: Layout) -> String {
        // versions below a million are sequence numbers; anything else is a timestamp
        let sequential = self.newest.is_some_and(|v| v < 1_000_000);
        // a timestamp after every existing version, even one dated in the future
        // (a clock that ran ahead, a hand-written date): a lower one would sort before it
        let now = self.now.stamp();
        let stamp = self.newest.map_or(now, |v| now.max(v + 1));
        match layout {
            Layout::Refinery | Layout::Flyway => {
                let major = self.major.map_or(1, |v| v + 1);
                self.major = Some(major);
                self.newest = Some(self.newest.map_or(major, |v| v.max(major)));
                return format!("V{major}");
            }
            // rusqlite_migration's ids are consecutive: never a timestamp
            Layout::RusqliteMigration => {
                let next = self.newest.map_or(1, |v| v + 1);
                self.newest = Some(next);
                return format!("{next:0width$}", width = self.width);
            }
            Layout::Simple | Layout::Reversible if sequential => {
                let next = self.newest.map_or(1, |v| v + 1);
                self.newest = Some(next);
                return format!("{next:0width$}", width = self.width);
            }
            _ => {}
        }
        self.newest = Some(stamp);
        match layout {
            Layout::Diesel if stamp == now => self.now.diesel(),
            Layout::Diesel => diesel_prefix(stamp),
            _ => stamp.to_string(),
        }
    }
}

/// The version as `m`'s file name writes it: `0005` of `0005_b.sql`,
/// `2024-01-01-120000` of a diesel folder, `1_1` of `V1_1__b.sql`.
fn version_text(m: &driftless_migrations::Migration) -> Option<&str> {
    let file = m.up.location();
    let name = if m.in_folder() {
        file.parent()?.file_name()?
    } else {
        file.file_name()?
    }
    .to_str()?;
    match m.layout {
        Layout::Refinery | Layout::Flyway => Some(name.get(1..)?.split_once("__")?.0),
        Layout::RusqliteMigration => Some(name.split_once('-')?.0),
        _ => Some(name.split_once('_')?.0),
    }
}

/// The files to rename so that `moving` (a branch's new migrations, in
/// order) come after `existing` (the base's), numbered as `driftless new`
/// numbers: `(old name, new name)`, a down script beside its up script.
pub fn renumbering(
    existing: &[driftless_migrations::Migration],
    moving: &[&driftless_migrations::Migration],
) -> Vec<(String, String)> {
    let mut numbering = Numbering::of(existing);
    let mut renames = Vec::new();
    for m in moving {
        let Some(old) = version_text(m) else {
            continue;
        };
        let next = numbering.next(m.layout);
        // Flyway's `V`/`U` letter stays; the number after it changes
        let number = next.trim_start_matches('V');
        let mut files = vec![m.file_name()];
        if let Some(down) = &m.down
            && !m.in_folder()
            && !matches!(m.layout, Layout::Goose | Layout::Dbmate)
            && let Some(name) = down.location().file_name()
        {
            files.push(name.to_string_lossy().into_owned());
        }
        for file in files {
            let (letter, rest) = match m.layout {
                Layout::Refinery | Layout::Flyway => {
                    file.split_at_checked(1).unwrap_or(("", &file))
                }
                _ => ("", file.as_str()),
            };
            let Some(rest) = rest.strip_prefix(old) else {
                continue;
            };
            let new = format!("{letter}{number}{rest}");
            if new != file {
                renames.push((file, new));
            }
        }
    }
    renames
}

/// `20990101000001` → `2099-01-01-000001`, diesel's folder prefix for a
/// version that is not the clock's; other lengths stay plain digits.
fn diesel_prefix(version: u64) -> String {
    let digits = version.to_string();
    if digits.len() == 14 {
        format!(
            "{}-{}-{}-{}",
            &digits[..4],
            &digits[4..6],
            &digits[6..8],
            &digits[8..]
        )
    } else {
        digits
    }
}

fn io(path: &Path, e: std::io::Error) -> CliError {
    CliError::Usage(format!("cannot write `{}`: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<PathBuf, CliError> {
    if path.exists() {
        return Err(CliError::Usage(format!(
            "`{}` already exists",
            path.display()
        )));
    }
    std::fs::write(path, text).map_err(|e| io(path, e))?;
    Ok(path.to_path_buf())
}

/// `Add completed-at` → `add_completed_at`.
fn slug(name: &str) -> Result<String, CliError> {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        return Err(CliError::Usage(format!(
            "`{name}` is not a migration name: use letters, digits and underscores, e.g. add_completed_at"
        )));
    }
    Ok(out)
}

/// A UTC time, without a date library: enough to name migrations.
#[derive(Clone, Copy)]
struct Utc {
    secs: u64,
}

fn utc_now() -> Utc {
    Utc {
        secs: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}

impl Utc {
    /// (year, month, day, hour, minute, second), by Howard Hinnant's civil-from-days.
    fn parts(self) -> (u64, u64, u64, u64, u64, u64) {
        let days = self.secs / 86_400;
        let rem = self.secs % 86_400;
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    /// `20261124161500`, sqlx's timestamp version.
    fn stamp(self) -> u64 {
        let (y, mo, d, h, mi, s) = self.parts();
        ((((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi) * 100 + s
    }

    /// `2026-11-24T16:15:00.000Z`, as wrangler heads a migration.
    fn iso(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
    }

    /// `2026-11-24-161500`, diesel's folder prefix.
    fn diesel(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}-{mo:02}-{d:02}-{h:02}{mi:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(Utc { secs: 0 }.stamp(), 19700101000000);
        // 2024-02-29 12:34:56 UTC, a leap day
        assert_eq!(
            Utc {
                secs: 1_709_210_096
            }
            .stamp(),
            20240229123456
        );
        assert_eq!(
            Utc {
                secs: 1_709_210_096
            }
            .diesel(),
            "2024-02-29-123456"
        );
    }

    #[test]
    fn diesel_prefixes() {
        assert_eq!(diesel_prefix(20990101000001), "2099-01-01-000001");
        assert_eq!(diesel_prefix(42), "42");
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(slug("Add completed-at").expect("slug"), "add_completed_at");
        assert!(slug("  --- ").is_err());
    }
}
