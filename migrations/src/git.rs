//! What git says of a migration directory: the base a change is compared
//! with. A migration the base already has may have run on databases
//! (editing it would change history); one it lacks has not been merged,
//! so no database should have seen it yet and it can still be fixed.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

/// The commit a change is compared with, and the migration files it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    /// The reference it was found through, as given or chosen (`origin/main`).
    pub reference: String,
    /// The merge base of `HEAD` and that reference.
    pub commit: String,
    /// The commit the reference names: its tip, which may have moved on
    /// since this branch forked.
    pub tip: String,
    /// The files under the migration directory at that commit, relative to it.
    files: HashSet<String>,
}

impl Base {
    /// Whether the base has this file (a path relative to the migration
    /// directory, `/`-separated).
    pub fn has(&self, relative: &str) -> bool {
        self.files.contains(relative)
    }
}

/// What [`base`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// The base.
    Base(Base),
    /// The directory is not in a git checkout (or git does not run).
    NotGit,
    /// A checkout without the default base: no upstream, no `main` or
    /// `master` (a shallow clone in CI, say); the text says what was tried.
    NoBase(String),
}

/// Whether a migration is in the base, as [`Found::merged`] tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merged {
    /// The base lacks it (or there is no git): not merged, no database
    /// should have run it.
    No,
    /// The base, found through this reference, has it.
    Yes(String),
    /// A checkout without a base: it cannot be told.
    Unknown,
}

impl Found {
    /// Whether the base has `m`, a migration of the set read from `dir`.
    ///
    /// ```
    /// use driftless_migrations::git::{Found, Merged};
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("0001_a.sql"), "SELECT 1;").unwrap();
    /// let set = driftless_migrations::discover(dir.path()).unwrap();
    /// assert_eq!(Found::NotGit.merged(&set.dir, &set.migrations[0]), Merged::No);
    /// ```
    pub fn merged(&self, dir: &Path, m: &crate::Migration) -> Merged {
        match self {
            Found::NotGit => Merged::No,
            Found::NoBase(_) => Merged::Unknown,
            Found::Base(b) => {
                let relative =
                    m.up.location()
                        .strip_prefix(dir)
                        .map(|p| p.to_string_lossy().replace('\\', "/"));
                if relative.is_ok_and(|r| b.has(&r)) {
                    Merged::Yes(b.reference.clone())
                } else {
                    Merged::No
                }
            }
        }
    }
}

/// The base of `dir`'s checkout: the merge base of `HEAD` and `reference`,
/// or when none is given, of the branch's upstream (unless that is the
/// branch's own copy on the remote, as `git push -u` makes it), else (in a
/// pull request on GitHub Actions) `origin/$GITHUB_BASE_REF`, else the
/// remote's default branch (`origin/HEAD`), `main`, `master`,
/// `origin/main` or `origin/master`, the first that exists.
///
/// # Errors
/// A `reference` given that git cannot resolve, or with no merge base with
/// `HEAD`: the text says which.
///
/// ```
/// use driftless_migrations::git::{base, Found};
/// let dir = tempfile::tempdir().unwrap();
/// // outside a checkout there is no base
/// assert!(matches!(base(dir.path(), None), Ok(Found::NotGit) | Ok(Found::NoBase(_))));
/// ```
pub fn base(dir: &Path, reference: Option<&str>) -> Result<Found, String> {
    if git(dir, &["rev-parse", "--is-inside-work-tree"]).as_deref() != Some("true") {
        return match reference {
            Some(r) => Err(format!(
                "`--base {r}`: {} is not in a git checkout",
                crate::error::display_path(dir)
            )),
            None => Ok(Found::NotGit),
        };
    }
    let candidates: Vec<String> = match reference {
        Some(r) => vec![r.to_string()],
        None => {
            let mut c = Vec::new();
            // the remote's default branch, as the clone recorded it
            let default = git(dir, &["rev-parse", "--abbrev-ref", "origin/HEAD"])
                .filter(|d| d != "origin/HEAD");
            if let Some(upstream) = git(dir, &["rev-parse", "--abbrev-ref", "@{upstream}"]) {
                // a branch pushed with `-u` tracks its own copy, which is no base
                let branch = git(dir, &["symbolic-ref", "--short", "-q", "HEAD"]);
                let own_copy = branch.as_deref().is_some_and(|b| {
                    upstream.split_once('/').is_some_and(|(_, name)| name == b)
                        && default
                            .as_deref()
                            .map_or(!matches!(b, "main" | "master"), |d| d != upstream)
                });
                if !own_copy {
                    c.push(upstream);
                }
            }
            if let Ok(pr_base) = std::env::var("GITHUB_BASE_REF")
                && !pr_base.is_empty()
            {
                c.push(format!("origin/{pr_base}"));
                c.push(pr_base);
            }
            c.extend(default);
            c.extend(["main", "master", "origin/main", "origin/master"].map(String::from));
            c
        }
    };
    for candidate in &candidates {
        let Some(commit) = git(
            dir,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{candidate}^{{commit}}"),
            ],
        ) else {
            continue;
        };
        let Some(merge_base) = git(dir, &["merge-base", "HEAD", &commit]) else {
            if reference.is_some() {
                let shallow =
                    git(dir, &["rev-parse", "--is-shallow-repository"]).as_deref() == Some("true");
                let help = if shallow {
                    "this is a shallow clone: fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
                } else {
                    "is HEAD a commit yet?"
                };
                return Err(format!(
                    "`--base {candidate}` has no common history with HEAD\nhelp: {help}"
                ));
            }
            continue;
        };
        let listing = git(
            dir,
            &["ls-tree", "-r", "--name-only", &merge_base, "--", "."],
        )
        .unwrap_or_default();
        return Ok(Found::Base(Base {
            reference: candidate.clone(),
            commit: merge_base,
            tip: commit,
            files: listing.lines().map(str::to_string).collect(),
        }));
    }
    match reference {
        Some(r) => Err(format!("`--base {r}` is not a commit git knows here")),
        None => Ok(Found::NoBase(format!(
            "no upstream branch, and none of {} exists",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The migrations `dir` held at `commit`, read by the one resolver
/// ([`crate::discover()`]) from a copy of that commit's tree; `Ok(None)`
/// when the directory did not exist then. The copy is removed before this
/// returns: the scripts' paths name files that are gone, so use
/// [`crate::Migration::file_name`] and the checksums.
///
/// # Errors
/// git failing to copy the tree, or the old files not reading as
/// migrations (the text says which).
pub fn migrations_at(dir: &Path, commit: &str) -> Result<Option<crate::MigrationSet>, String> {
    let Some(tree) = git(
        dir,
        &["rev-parse", "--verify", "--quiet", &format!("{commit}:./")],
    ) else {
        return Ok(None);
    };
    let top = git(dir, &["rev-parse", "--show-toplevel"])
        .ok_or_else(|| "git cannot find the checkout's top directory".to_string())?;
    let scratch = Scratch::new()?;
    let index = scratch.0.join("index");
    let files = scratch.0.join("files");
    // a throwaway index: the checkout's own index and files stay untouched
    let copy = |args: &[&str], cwd: &Path| {
        Command::new("git")
            .args(args)
            .env("GIT_INDEX_FILE", &index)
            .current_dir(cwd)
            .output()
            .map_err(|e| format!("git did not run: {e}"))
            .and_then(|out| {
                out.status.success().then_some(()).ok_or_else(|| {
                    format!(
                        "`git {}` failed: {}",
                        args.join(" "),
                        String::from_utf8_lossy(&out.stderr).trim()
                    )
                })
            })
    };
    copy(&["read-tree", &tree], dir)?;
    let prefix = format!("{}/", files.display());
    copy(
        &["checkout-index", "--all", &format!("--prefix={prefix}")],
        Path::new(&top),
    )?;
    if !files.is_dir() {
        return Ok(None);
    }
    crate::discover(&files).map(Some).map_err(|e| {
        let short = commit.get(..7).unwrap_or(commit);
        format!("the migrations at {short} do not read as migrations: {e}")
    })
}

/// A directory under the system's temporary directory, removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "driftless-base-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot make a temporary directory {}: {e}", path.display()))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs git in `dir`; its trimmed stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["-c", "core.quotepath=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs")
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn the_base_has_what_main_has() {
        let repo = tempfile::tempdir().expect("dir");
        let r = repo.path();
        run(r, &["init", "-q", "-b", "main"]);
        std::fs::create_dir(r.join("migrations")).expect("dir");
        std::fs::write(r.join("migrations/0001_a.sql"), "SELECT 1;").expect("write");
        run(r, &["add", "."]);
        run(r, &["commit", "-q", "-m", "one"]);
        run(r, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(r.join("migrations/0002_b.sql"), "SELECT 2;").expect("write");
        run(r, &["add", "."]);
        run(r, &["commit", "-q", "-m", "two"]);
        let Ok(Found::Base(b)) = base(&r.join("migrations"), None) else {
            panic!("no base");
        };
        assert_eq!(b.reference, "main");
        assert!(b.has("0001_a.sql"));
        assert!(!b.has("0002_b.sql"));
        // the branch itself as the base: both are in it
        let Ok(Found::Base(b)) = base(&r.join("migrations"), Some("feature")) else {
            panic!("no base");
        };
        assert!(b.has("0002_b.sql"));
        assert!(base(&r.join("migrations"), Some("nope")).is_err());
    }

    #[test]
    fn a_branch_pushed_with_its_own_upstream_is_compared_with_main() {
        let root = tempfile::tempdir().expect("dir");
        let remote = root.path().join("remote.git");
        let r = root.path().join("work");
        run(
            root.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        run(
            root.path(),
            &["clone", "-q", &remote.to_string_lossy(), "work"],
        );
        std::fs::write(r.join("0001_a.sql"), "SELECT 1;").expect("write");
        run(&r, &["add", "."]);
        run(&r, &["commit", "-q", "-m", "one"]);
        run(&r, &["push", "-q", "origin", "main"]);
        run(&r, &["checkout", "-q", "-b", "feat"]);
        std::fs::write(r.join("0002_b.sql"), "SELECT 2;").expect("write");
        run(&r, &["add", "."]);
        run(&r, &["commit", "-q", "-m", "two"]);
        run(&r, &["push", "-q", "-u", "origin", "feat"]);
        let Ok(Found::Base(b)) = base(&r, None) else {
            panic!("no base");
        };
        assert_ne!(b.reference, "origin/feat");
        assert!(!b.has("0002_b.sql"), "{}", b.reference);
        // on main, its upstream is the base
        run(&r, &["checkout", "-q", "main"]);
        let Ok(Found::Base(b)) = base(&r, None) else {
            panic!("no base");
        };
        assert_eq!(b.reference, "origin/main");
    }

    #[test]
    fn a_checkout_without_main_has_no_base() {
        let repo = tempfile::tempdir().expect("dir");
        run(repo.path(), &["init", "-q", "-b", "trunk"]);
        std::fs::write(repo.path().join("x"), "x").expect("write");
        run(repo.path(), &["add", "."]);
        run(repo.path(), &["commit", "-q", "-m", "x"]);
        assert!(matches!(base(repo.path(), None), Ok(Found::NoBase(_))));
    }
}
