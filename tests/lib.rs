//! Workspace tests of driftless: `tests/ui.rs` runs the trybuild cases in
//! `ui/`, `tests/e2e.rs` builds scratch crates with cargo, `tests/stacks.rs`
//! builds apps on sqlx, diesel and several rusqlite versions. This library
//! is their shared harness: [`Scratch`], a crate outside the repository
//! built with the real `cargo`.
//!
//! Scratch builds of one kind share a target directory, `target/<kind>` of
//! the workspace, so their dependencies compile once per run; cargo's lock
//! on that directory serializes the builds of tests running in parallel.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The workspace root: the parent of this crate's directory.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
}

/// `path` as a TOML basic string.
pub fn toml_str(path: &Path) -> String {
    let s = path.display().to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A scratch crate in a temporary directory outside the repository.
pub struct Scratch {
    dir: tempfile::TempDir,
    /// The package's name.
    pub name: String,
    trace: PathBuf,
    /// When the last build finished: edits after it wait for the clock.
    last_build: Option<Instant>,
    /// Environment variables the next builds get.
    pub env: Vec<(String, PathBuf)>,
    /// The target directory its builds share with other scratch crates.
    target: PathBuf,
    /// Whether builds run `--offline` against a copy of the workspace's lock file.
    offline: bool,
}

impl Scratch {
    /// An empty crate directory for a package named `driftless-<kind>-<name>`
    /// that builds in `target/<kind>` of the workspace: the caller writes
    /// `Cargo.toml`. Builds resolve dependencies afresh (not offline), as a
    /// user's first `cargo build` does.
    pub fn empty(kind: &str, name: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("driftless-{kind}-{name}-"))
            .tempdir()
            .expect("create a temporary directory for the scratch crate");
        let trace = dir.path().join("trace.log");
        Scratch {
            dir,
            name: format!("driftless-{kind}-{name}"),
            trace,
            last_build: None,
            env: Vec::new(),
            target: workspace().join("target").join(kind),
            offline: false,
        }
    }

    /// A crate named `driftless-e2e-<name>` depending on driftless by path,
    /// with `build_rs` as its build script (and driftless as a build
    /// dependency) when given. It builds `--offline` in `target/e2e` with a
    /// copy of the workspace's `Cargo.lock`, so versions match the workspace.
    pub fn new(name: &str, build_rs: Option<&str>) -> Scratch {
        let mut scratch = Scratch::locked("e2e", name);
        let runtime = toml_str(&workspace().join("runtime"));
        let mut manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\ndriftless = {{ path = {runtime} }}\n",
            scratch.name
        );
        if let Some(build_rs) = build_rs {
            manifest.push_str(&format!(
                "\n[build-dependencies]\ndriftless = {{ path = {runtime} }}\n"
            ));
            scratch.write("build.rs", build_rs);
        }
        scratch.write("Cargo.toml", &manifest);
        scratch
    }

    /// [`Scratch::empty`], building `--offline` against a copy of the
    /// workspace's `Cargo.lock`: its dependencies (driftless, sqlx, diesel
    /// as the examples use them) get the workspace's versions, and no
    /// network is needed. The caller writes `Cargo.toml`.
    pub fn locked(kind: &str, name: &str) -> Scratch {
        let mut scratch = Scratch::empty(kind, name);
        scratch.offline = true;
        fs::copy(
            workspace().join("Cargo.lock"),
            scratch.path().join("Cargo.lock"),
        )
        .expect("copy the workspace's Cargo.lock into the scratch crate");
        scratch
    }

    /// The crate's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Waits until a file written now gets a modification time strictly
    /// later than anything the last build recorded, even on a file system
    /// that keeps whole seconds.
    pub fn settle(&self) {
        if let Some(built) = self.last_build {
            let wait = Duration::from_millis(1100).saturating_sub(built.elapsed());
            std::thread::sleep(wait);
        }
    }

    /// Writes `rel` (creating its directories).
    pub fn write(&mut self, rel: &str, text: &str) {
        self.settle();
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create the directory of a scratch file");
        }
        fs::write(&path, text).expect("write a scratch file");
    }

    /// Writes `src/lib.rs`: the `use` line, then `models`.
    pub fn lib(&mut self, models: &str) {
        self.write("src/lib.rs", &format!("use driftless::Model;\n\n{models}"));
    }

    /// Removes `rel`.
    pub fn remove(&mut self, rel: &str) {
        self.settle();
        fs::remove_file(self.path().join(rel)).expect("remove a scratch file");
    }

    /// Runs `cargo build <args>` (`--offline` for [`Scratch::new`] crates):
    /// whether it succeeded, and its stderr.
    pub fn build(&mut self, args: &[&str]) -> (bool, String) {
        self.cargo("build", args)
    }

    /// Runs `cargo <command> <args>` as [`Scratch::build`] does.
    pub fn cargo(&mut self, command: &str, args: &[&str]) -> (bool, String) {
        let out = self.run_cargo(command, args);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs `cargo <command> <args>` and returns its stdout; it must succeed.
    pub fn cargo_stdout(&mut self, command: &str, args: &[&str]) -> String {
        let out = self.run_cargo(command, args);
        assert!(
            out.status.success(),
            "cargo {command} {args:?} in {}:\n{}",
            self.path().display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn run_cargo(&mut self, command: &str, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg(command);
        if self.offline {
            cmd.arg("--offline");
        }
        cmd.args(args)
            .current_dir(self.path())
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .env("DRIFTLESS_TRACE", &self.trace)
            // nobody debugs a scratch build: no debug info, a faster cold build
            .env("CARGO_PROFILE_DEV_DEBUG", "false")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove("CARGO_BUILD_BUILD_DIR");
        // Nothing of the outer environment may point the derive at other
        // migrations or snapshots (DRIFTLESS_MIGRATIONS_DIR, DRIFTLESS_SNAPSHOT*).
        // Nor may sqlx's variables of the developer's shell reach sqlx's macros.
        for (key, _) in std::env::vars_os() {
            let name = key.to_string_lossy();
            if (name.starts_with("DRIFTLESS_") && key != "DRIFTLESS_TRACE")
                || name.starts_with("SQLX_")
                || name.starts_with("DATABASE_URL")
            {
                cmd.env_remove(&key);
            }
        }
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let out = cmd.output().expect("run cargo on the scratch crate");
        self.last_build = Some(Instant::now());
        // E2E_SHOW=1 prints every build's stderr (with --nocapture)
        if std::env::var_os("E2E_SHOW").is_some() {
            eprintln!(
                "==== {} {command} {args:?}: {}\n{}",
                self.name,
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        out
    }

    /// Builds and asserts success.
    pub fn builds(&mut self, what: &str) -> String {
        let (ok, stderr) = self.build(&[]);
        assert!(
            ok,
            "{what}: expected `{}` ({}) to build\n{stderr}",
            self.name,
            self.path().display()
        );
        stderr
    }

    /// Builds and asserts failure, with each of `expected` in stderr.
    pub fn fails(&mut self, what: &str, expected: &[&str]) -> String {
        let (ok, stderr) = self.build(&[]);
        assert!(
            !ok,
            "{what}: expected `{}` ({}) to fail\n{stderr}",
            self.name,
            self.path().display()
        );
        for e in expected {
            assert!(stderr.contains(e), "{what}: stderr lacks {e:?}\n{stderr}");
        }
        stderr
    }

    /// `REL:LINE:COL`, as rustc prints the location of an error: the first
    /// line of `rel` containing `in_line`, the column where `token` starts in it.
    pub fn site(&self, rel: &str, in_line: &str, token: &str) -> String {
        let text = fs::read_to_string(self.path().join(rel)).expect("read back a scratch file");
        let (line, col) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(in_line))
            .and_then(|(i, l)| l.find(token).map(|c| (i + 1, c + 1)))
            .expect("the line and the token are in the file");
        format!("{rel}:{line}:{col}")
    }

    /// How many lines of the trace file start with `prefix`.
    pub fn traced(&self, prefix: &str) -> usize {
        match fs::read_to_string(&self.trace) {
            Ok(text) => text.lines().filter(|l| l.starts_with(prefix)).count(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => panic!("read the trace file {}: {e}", self.trace.display()),
        }
    }

    /// The whole trace file (empty when nothing was traced).
    pub fn trace_text(&self) -> String {
        fs::read_to_string(&self.trace).unwrap_or_default()
    }
}

/// Runs git in `root` with a fixed identity and `main` as the first branch; it must succeed.
pub fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=driftless tests",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(root)
        // fixed dates: the same commits get the same hashes in every run,
        // so output that names them can be compared with a golden file
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run git (is it installed?)");
    assert!(status.success(), "git {args:?} failed");
}
