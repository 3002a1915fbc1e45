//! `driftless check --previous REF`: the release still running, built
//! against today's migrations.
//!
//! During a rolling deploy, and after a rollback, the code of the previous
//! release runs on the schema today's migrations leave. The derive and the
//! query macros already check code against a schema at build time, so this
//! runs them on the old code: a detached git worktree of REF in
//! `<target>/driftless/previous/<commit>`, its migration directory replaced
//! by today's, and a `cargo check` of the crate there (its library and
//! binaries with their default features: tests and examples do not run in
//! production, and building them would build the dev-dependencies too). It
//! shares the crate's target directory, so dependencies built already are
//! reused. Every compiler error becomes a finding at REF's file and line,
//! with the migration that removed or changed what the code uses and the
//! expand/contract split to make instead.

mod changes;

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use driftless_migrations::{MigrationSet, discover};
use serde_json::Value;

use crate::check::Finding;
use crate::output::{CliError, plural, shown};
use changes::{Broken, broken_by, help};

/// What `--previous` found: findings at the old code's files and lines, and notes.
pub struct Previous {
    /// An error for each compiler error of the old code, at its file (`REF:src/models.rs`) and line.
    pub findings: Vec<Finding>,
    /// Where the old code was built, and what was assumed.
    pub notes: Vec<String>,
}

/// Builds the crate of `dir` as it was at `reference`, with today's migrations.
///
/// # Errors
/// [`CliError::Usage`] when `dir` is not in a git checkout, git cannot
/// resolve `reference`, or the crate did not exist there;
/// [`CliError::Problem`] when the worktree cannot be made or cargo fails
/// before the compiler reports any error.
pub fn findings(dir: &Path, reference: &str) -> Result<Previous, CliError> {
    let flag = format!("`--previous {reference}`");
    let usage = |what: String| CliError::Usage(format!("{flag}: {what}"));
    let Revision {
        migrations,
        repo,
        commit,
        short,
    } = Revision::of(dir, reference).map_err(usage)?;

    let mut previous = Previous {
        findings: Vec::new(),
        notes: Vec::new(),
    };
    // today's migrations must replay first: when they do not, check says
    // why, and the old code would only fail in its build script
    let Some(today) = discover(dir).ok().and_then(|set| {
        let broken = broken_by(&set).ok()?;
        Some((set, broken))
    }) else {
        previous.notes.push(format!(
            "{flag} was skipped: today's migrations do not replay (see the errors above)"
        ));
        return Ok(previous);
    };
    let (set, broken) = today;

    let crate_dir = crate::from_models::crate_dir(dir, "--previous builds the code of a crate")?;
    if crate_dir == migrations {
        return Err(usage(format!(
            "the migrations in `{}` share their directory with the crate's Cargo.toml: --previous replaces the migration directory of the old code, so it needs a directory of its own",
            dir.display()
        )));
    }
    let inside = |path: &Path| -> Result<PathBuf, CliError> {
        path.strip_prefix(&repo)
            .map(Path::to_path_buf)
            .map_err(|_| {
                usage(format!(
                    "`{}` is outside the git checkout {}",
                    path.display(),
                    repo.display()
                ))
            })
    };
    let crate_rel = inside(&crate_dir)?;
    let migrations_rel = inside(&migrations)?;
    let cargo = Cargo::of(&crate_dir)?;

    let workspace_rel = cargo.workspace.strip_prefix(&repo).unwrap_or(&crate_rel);
    let lock_rel = workspace_rel.join("Cargo.lock");

    let worktree = cargo.target.join("driftless").join("previous").join(&short);
    // what this function changes in the worktree, undone on its next run
    let changed = [migrations_rel.as_path(), lock_rel.as_path()];
    prepare_worktree(&repo, &worktree, &commit, &changed)
        .map_err(|e| CliError::Problem(format!("{flag}: {e}")))?;
    // (not `join("")`, which ends the path shown with a slash)
    let old_crate = if crate_rel.as_os_str().is_empty() {
        worktree.clone()
    } else {
        worktree.join(&crate_rel)
    };
    if !old_crate.join("Cargo.toml").is_file() {
        return Err(usage(format!(
            "the code at `{reference}` has no crate at `{}`: name a revision that has it",
            crate_rel.display()
        )));
    }
    let old_migrations = worktree.join(&migrations_rel);
    let old_set = discover(&old_migrations).ok();
    if !old_migrations.is_dir() {
        previous.notes.push(format!(
            "{flag}: `{reference}` has no `{}`; if its build reads migrations from another directory, it was checked against those, not today's",
            migrations_rel.display()
        ));
    }
    replace_dir(&old_migrations, &migrations, &cargo.target).map_err(|e| {
        CliError::Problem(format!(
            "{flag}: cannot copy today's migrations into {}: {e}",
            old_migrations.display()
        ))
    })?;
    let old_workspace = worktree.join(workspace_rel);
    let lock = worktree.join(&lock_rel);
    if !lock.is_file() && cargo.workspace.join("Cargo.lock").is_file() {
        // without a committed lock file, today's versions (not the newest)
        if std::fs::copy(cargo.workspace.join("Cargo.lock"), &lock).is_ok() {
            previous.notes.push(format!(
                "{flag}: `{reference}` has no Cargo.lock: its dependencies were resolved from today's"
            ));
        }
    }

    eprintln!(
        "checking the code at {reference} ({short}) against today's migrations: cargo check in {}",
        shown(&old_crate)
    );
    let errors = cargo.check(&old_crate, &[old_workspace, old_crate.clone()], &flag)?;
    let new: Vec<String> = new_migrations(&set, old_set.as_ref());
    let shown_as = |f: &Path| match f.strip_prefix(&worktree) {
        Ok(rel) => format!("{reference}:{}", rel.to_string_lossy().replace('\\', "/")),
        Err(_) => shown(f),
    };
    let fallback = shown_as(&old_crate.join("Cargo.toml"));
    let mut seen = HashSet::new();
    for e in errors {
        // the old code's files as `REF:path/in/the/repo`, a dependency's as they are
        let file = e.file.as_deref().map_or_else(|| fallback.clone(), shown_as);
        if !seen.insert((file.clone(), e.line, e.message.clone())) {
            continue;
        }
        let lower = e.text.to_lowercase();
        let matched: Vec<&Broken> = broken.iter().filter(|b| b.mentioned_in(&lower)).collect();
        previous.findings.push(Finding {
            error: true,
            code: "previous",
            file,
            line: e.line,
            message: e.message,
            help: Some(help(reference, &matched, &new)),
        });
    }
    previous.notes.push(format!(
        "{flag}: built the code at {reference} ({short}) against today's {} ({} new since {reference}) in {}",
        plural(set.migrations.len(), "migration"),
        new.len(),
        shown(&worktree)
    ));
    Ok(previous)
}

/// The git side of `--previous REF`: where the migrations are in which
/// checkout, and the commit REF names.
struct Revision {
    /// The migrations directory, canonical.
    migrations: PathBuf,
    /// The checkout's top directory, canonical.
    repo: PathBuf,
    commit: String,
    /// The commit as git abbreviates it.
    short: String,
}

impl Revision {
    /// Finds them, or says what to do (the text follows `--previous REF: `).
    fn of(dir: &Path, reference: &str) -> Result<Revision, String> {
        let migrations = std::fs::canonicalize(dir)
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let repo = git(&migrations, ["rev-parse", "--show-toplevel"])
            .ok()
            .and_then(|top| std::fs::canonicalize(top).ok())
            .ok_or_else(|| {
                format!(
                    "`{}` is not in a git checkout: --previous builds the code of a git revision",
                    dir.display()
                )
            })?;
        let verify = format!("{reference}^{{commit}}");
        let commit = git(&repo, ["rev-parse", "--verify", "--quiet", &verify]).map_err(|_| {
            format!(
                "git knows no commit `{reference}` in {}\nhelp: name a tag, branch or commit of the release still running; in a shallow clone, fetch it first (`git fetch --tags`, or `git fetch origin {reference}`)",
                repo.display()
            )
        })?;
        let short =
            git(&repo, ["rev-parse", "--short", &commit]).unwrap_or_else(|_| commit.clone());
        Ok(Revision {
            migrations,
            repo,
            commit,
            short,
        })
    }
}

/// Runs git in `dir`: its trimmed stdout, or its stderr when it fails.
fn git<I, S>(dir: &Path, args: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_git(
        Command::new("git")
            .current_dir(dir)
            .args(QUOTE_PATH)
            .args(args),
    )
}

/// Runs git inside the worktree at `dir`: only that worktree, whatever
/// `GIT_DIR` the caller's environment names.
fn git_in<I, S>(dir: &Path, args: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_git(
        Command::new("git")
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .args(QUOTE_PATH)
            .args(args),
    )
}

/// Paths in git's output as they are, not quoted.
const QUOTE_PATH: [&str; 2] = ["-c", "core.quotepath=false"];

fn run_git(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("git did not run: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// A detached worktree of `repo` at `commit` in `path`, its files as the
/// commit has them: a worktree left by an earlier run is reused, its
/// tracked files restored and the untracked ones of `changed` (paths
/// relative to its root) removed.
fn prepare_worktree(
    repo: &Path,
    path: &Path,
    commit: &str,
    changed: &[&Path],
) -> Result<(), String> {
    let common = |dir: &Path, found: Result<String, String>| {
        found
            .ok()
            .and_then(|c| std::fs::canonicalize(dir.join(c)).ok())
    };
    let ours = common(repo, git(repo, ["rev-parse", "--git-common-dir"]));
    if path.exists() {
        let top = git_in(path, ["rev-parse", "--show-toplevel"])
            .ok()
            .and_then(|t| std::fs::canonicalize(t).ok());
        let mine = top.is_some() && top == std::fs::canonicalize(path).ok();
        if mine
            && ours.is_some()
            && common(path, git_in(path, ["rev-parse", "--git-common-dir"])) == ours
        {
            let restored = git_in(path, ["checkout", "--quiet", "--force", "--detach", commit])
                .and_then(|_| {
                    let clean = ["clean", "-q", "-f", "-d", "-x", "--"].map(OsStr::new);
                    git_in(
                        path,
                        clean
                            .into_iter()
                            .chain(changed.iter().map(|p| p.as_os_str())),
                    )
                });
            if restored.is_ok() {
                return Ok(());
            }
        }
        std::fs::remove_dir_all(path).map_err(|e| {
            format!(
                "cannot remove {}, left by an earlier run: {e}\nhelp: delete it, then check again",
                path.display()
            )
        })?;
    }
    // a worktree whose folder was deleted (`cargo clean`) is still registered
    let _ = git(repo, ["worktree", "prune"]);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    git(
        repo,
        [
            OsStr::new("worktree"),
            OsStr::new("add"),
            OsStr::new("--quiet"),
            OsStr::new("--detach"),
            OsStr::new("--force"),
            path.as_os_str(),
            OsStr::new(commit),
        ],
    )
    .map(drop)
    .map_err(|e| format!("git cannot make a worktree in {}: {e}", path.display()))
}

/// Replaces the directory `old` with a copy of `today` (folders too, for
/// diesel and Prisma), leaving out `skip` (a target directory inside it).
fn replace_dir(old: &Path, today: &Path, skip: &Path) -> std::io::Result<()> {
    if old.exists() {
        std::fs::remove_dir_all(old)?;
    }
    copy_dir(today, old, skip)
}

fn copy_dir(from: &Path, to: &Path, skip: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path == skip {
            continue;
        }
        let meta = std::fs::metadata(&path)?;
        if meta.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()), skip)?;
        } else if meta.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Cargo, as the crate's workspace uses it.
struct Cargo {
    program: std::ffi::OsString,
    /// The target directory (`CARGO_TARGET_DIR` and cargo's config honoured).
    target: PathBuf,
    /// The workspace root of today's crate.
    workspace: PathBuf,
}

impl Cargo {
    fn of(crate_dir: &Path) -> Result<Cargo, CliError> {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(&program)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(crate_dir)
            .output()
            .map_err(|e| CliError::Usage(format!("cannot run cargo: {e}")))?;
        let metadata: Option<Value> = serde_json::from_slice(&out.stdout).ok();
        let path = |key: &str| {
            metadata
                .as_ref()
                .and_then(|m| m[key].as_str())
                .map(PathBuf::from)
        };
        match (path("target_directory"), path("workspace_root")) {
            (Some(target), Some(workspace)) if out.status.success() => Ok(Cargo {
                program,
                target,
                workspace,
            }),
            _ => Err(CliError::Problem(format!(
                "`cargo metadata` of {} failed, so --previous cannot find its target directory:\n{}",
                crate_dir.display(),
                tail(&out.stderr)
            ))),
        }
    }

    /// `cargo check` of the crate in `dir`, in the shared target directory:
    /// the compiler's errors, their relative paths taken from the first of
    /// `roots` that has the file (rustc names a workspace member's files
    /// relative to its workspace root).
    fn check(&self, dir: &Path, roots: &[PathBuf], flag: &str) -> Result<Vec<Error>, CliError> {
        let out = Command::new(&self.program)
            .args(["check", "--message-format=json"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("DRIFTLESS_MODELS_OUT")
            .output()
            .map_err(|e| CliError::Usage(format!("cannot run cargo: {e}")))?;
        let errors = compiler_errors(&String::from_utf8_lossy(&out.stdout), roots);
        if errors.is_empty() && !out.status.success() {
            return Err(CliError::Problem(format!(
                "{flag}: `cargo check` of the old code in {} failed before the compiler reported an error:\n{}",
                dir.display(),
                tail(&out.stderr)
            )));
        }
        Ok(errors)
    }
}

/// The last lines of cargo's stderr.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// One error of the compiler.
#[derive(Debug)]
struct Error {
    /// The file of its primary span (in the user's code, not a macro's).
    file: Option<PathBuf>,
    line: Option<usize>,
    /// Its first line, with the span's label.
    message: String,
    /// Its whole text and labels, to match against what the migrations changed.
    text: String,
}

/// The errors in cargo's `--message-format=json` output.
fn compiler_errors(stdout: &str, roots: &[PathBuf]) -> Vec<Error> {
    let resolve = |name: &str| {
        let path = Path::new(name);
        if path.is_absolute() {
            return path.to_path_buf();
        }
        roots
            .iter()
            .map(|r| r.join(path))
            .find(|p| p.is_file())
            .unwrap_or_else(|| roots.first().map_or(path.to_path_buf(), |r| r.join(path)))
    };
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let Ok(record) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let message = &record["message"];
        if record["reason"] != "compiler-message" || message["level"] != "error" {
            continue;
        }
        let text = message["message"].as_str().unwrap_or_default();
        if text.starts_with("aborting due to") {
            continue;
        }
        let spans = message["spans"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let primary = spans.iter().find(|s| s["is_primary"] == true);
        // an error inside a macro's expansion is reported where the macro was called
        let mut site = primary;
        while let Some(span) = site {
            let file = resolve(span["file_name"].as_str().unwrap_or_default());
            if roots.iter().any(|r| file.starts_with(r)) {
                break;
            }
            match span["expansion"]["span"].as_object() {
                Some(_) => site = Some(&span["expansion"]["span"]),
                None => {
                    site = primary;
                    break;
                }
            }
        }
        let label = site
            .and_then(|s| s["label"].as_str())
            .filter(|l| !l.is_empty() && !text.contains(*l));
        let first = text.lines().next().unwrap_or_default();
        let labels: Vec<&str> = spans.iter().filter_map(|s| s["label"].as_str()).collect();
        errors.push(Error {
            file: site.map(|s| resolve(s["file_name"].as_str().unwrap_or_default())),
            line: site
                .and_then(|s| s["line_start"].as_u64())
                .and_then(|l| usize::try_from(l).ok()),
            message: match label {
                Some(label) => format!("{first}: {label}"),
                None => first.to_string(),
            },
            text: format!("{text}\n{}", labels.join("\n")),
        });
    }
    errors
}

/// Today's migrations (file names) that the set at REF lacks or has
/// otherwise; every one when REF has no set.
fn new_migrations(today: &MigrationSet, old: Option<&MigrationSet>) -> Vec<String> {
    let relative = |set: &MigrationSet, m: &driftless_migrations::Migration| {
        m.up.location()
            .strip_prefix(&set.dir)
            .map(Path::to_path_buf)
            .ok()
    };
    let known: HashMap<PathBuf, [u8; 32]> = old
        .map(|set| {
            set.migrations
                .iter()
                .filter_map(|m| Some((relative(set, m)?, m.checksum)))
                .collect()
        })
        .unwrap_or_default();
    today
        .migrations
        .iter()
        .filter(|m| relative(today, m).and_then(|r| known.get(&r)) != Some(&m.checksum))
        .map(|m| m.file_name())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_migrations_are_those_ref_lacks_or_has_otherwise() {
        let write = |files: &[(&str, &str)]| {
            let dir = tempfile::tempdir().expect("temp dir");
            for (name, sql) in files {
                std::fs::write(dir.path().join(name), sql).expect("write a migration");
            }
            let set = discover(dir.path()).expect("discover");
            (dir, set)
        };
        let (_a, old) = write(&[
            ("0001_a.sql", "CREATE TABLE a (x);\n"),
            ("0002_b.sql", "CREATE TABLE b (x);\n"),
        ]);
        let (_b, today) = write(&[
            ("0001_a.sql", "CREATE TABLE a (x);\n"),
            ("0002_b.sql", "CREATE TABLE b (x, y);\n"),
            ("0003_c.sql", "CREATE TABLE c (x);\n"),
        ]);
        assert_eq!(
            new_migrations(&today, Some(&old)),
            ["0002_b.sql", "0003_c.sql"]
        );
        assert_eq!(new_migrations(&today, None).len(), 3);
    }

    #[test]
    fn errors_point_at_the_users_file_not_the_macro() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(root.path().join("src")).expect("src");
        std::fs::write(root.path().join("src/lib.rs"), "").expect("lib.rs");
        let json = serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "level": "error",
                "message": "no such column: paused_at\nhelp: something",
                "spans": [{
                    "file_name": "/registry/macro/src/lib.rs", "line_start": 9, "is_primary": true, "label": null,
                    "expansion": { "span": { "file_name": "src/lib.rs", "line_start": 4, "is_primary": false, "label": null } }
                }]
            }
        });
        let aborting = r#"{"reason":"compiler-message","message":{"level":"error","message":"aborting due to 1 previous error","spans":[]}}"#;
        let stdout = format!("{json}\n{aborting}\nnot json\n");
        let errors = compiler_errors(&stdout, &[root.path().to_path_buf()]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].file.as_deref(),
            Some(root.path().join("src/lib.rs").as_path())
        );
        assert_eq!(errors[0].line, Some(4));
        assert_eq!(errors[0].message, "no such column: paused_at");
    }
}
