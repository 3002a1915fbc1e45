//! `driftless new NAME --from-models`: the migration written from the model
//! change.
//!
//! The models are read by the derive itself: a `cargo check` of the crate
//! with `DRIFTLESS_MODELS_OUT` set makes every `#[derive(Model)]` and
//! `#[derive(Check)]` write its struct as the build reads it (every
//! attribute; the features chosen with `--features`, the default ones
//! otherwise; structs under a `cfg` that is off are not compiled, so not
//! seen). They are compared with the schema the migrations produce, and the
//! difference is written as the next migration in the directory's layout.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use driftless_migrations::plan::{PlanOptions, Planned, plan};
use driftless_migrations::{ModelDef, discover, replay};

use crate::new::{Body, create};
use crate::output::{CliError, CliResult, Outcome};

/// What `--from-models` takes besides the name and the directory.
pub struct Options {
    pub dry_run: bool,
    pub drop: bool,
    pub renames: Vec<(String, String)>,
    pub features: Option<String>,
    pub reversible: bool,
}

pub fn run(dir: &Path, name: &str, options: &Options) -> CliResult {
    let crate_dir = crate_dir(dir, "--from-models reads the models of a crate")?;
    let models = read_models(&crate_dir, options.features.as_deref())?;
    let set = discover(dir)?;
    let snapshot = replay(&set)?;
    let planned = plan(
        &snapshot.schema,
        &models,
        &PlanOptions {
            drop: options.drop,
            renames: options.renames.clone(),
        },
    );
    for w in &planned.warnings {
        eprintln!("warning: {w}");
    }
    if planned.up.is_empty() {
        println!(
            "the models match the migrations in {}: nothing to write",
            dir.display()
        );
        return Ok(Outcome::Clean);
    }
    for c in &planned.changes {
        println!("{c}");
    }
    if options.dry_run {
        print_sql(&planned);
        return Ok(Outcome::Clean);
    }
    let body = Body {
        up: planned.up.trim_end(),
        down: planned.down.trim_end(),
    };
    for path in create(dir, name, options.reversible, &body)? {
        println!("wrote {}", path.display());
    }
    if planned.needs_review {
        eprintln!(
            "error: the migration holds a placeholder (`{}`): write the value, then build",
            driftless_migrations::plan::PLACEHOLDER
        );
        return Ok(Outcome::Problems);
    }
    Ok(Outcome::Clean)
}

fn print_sql(planned: &Planned) {
    println!("-- up\n{}", planned.up.trim_end());
    println!("-- down\n{}", planned.down.trim_end());
}

/// The crate of a migrations directory: the nearest directory with a
/// `Cargo.toml` at or above it. `needs` says why a crate is needed, for
/// the error when there is none (`--from-models reads the models of a crate`).
pub(crate) fn crate_dir(dir: &Path, needs: &str) -> Result<PathBuf, CliError> {
    let start = std::fs::canonicalize(dir)
        .or_else(|_| std::env::current_dir())
        .map_err(|e| {
            CliError::Usage(format!("cannot find the crate of `{}`: {e}", dir.display()))
        })?;
    start
        .ancestors()
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no Cargo.toml at or above `{}`: {needs}",
                dir.display()
            ))
        })
}

/// Every model the crate's derives see, from a `cargo check` that records them.
fn read_models(crate_dir: &Path, features: Option<&str>) -> Result<Vec<ModelDef>, CliError> {
    let out_dir = tempfile::tempdir()
        .map_err(|e| CliError::Usage(format!("cannot make a temporary directory: {e}")))?;
    let out = out_dir.path().join("models.jsonl");
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("check").arg("--quiet").arg("--all-targets");
    if let Some(f) = features {
        cmd.arg("--features").arg(f);
    }
    let result = cmd
        .current_dir(crate_dir)
        .env("DRIFTLESS_MODELS_OUT", &out)
        .output()
        .map_err(|e| CliError::Usage(format!("cannot run cargo: {e}")))?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let mut models = Vec::new();
    let mut seen = HashSet::new();
    let mut other_sets = 0;
    for line in text.lines() {
        let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if !record["db"].is_null() {
            other_sets += 1;
            continue;
        }
        let Ok(model) = serde_json::from_value::<ModelDef>(record["model"].clone()) else {
            continue;
        };
        // a model compiled for several targets (lib, bin, tests) counts once
        if seen.insert((model.name.clone(), model.table.clone())) {
            models.push(model);
        }
    }
    if other_sets > 0 {
        eprintln!(
            "note: {other_sets} model(s) of other migration sets (`#[model(db = ...)]`) are not compared"
        );
    }
    if models.is_empty() && !result.status.success() {
        return Err(CliError::Problem(format!(
            "cargo check of {} failed before any model was read:\n{}",
            crate_dir.display(),
            String::from_utf8_lossy(&result.stderr).trim_end()
        )));
    }
    if models.is_empty() {
        return Err(CliError::Usage(format!(
            "no #[derive(Model)] or #[derive(Check)] struct in the crate at {}",
            crate_dir.display()
        )));
    }
    Ok(models)
}

/// `old=new`, as `--rename` takes it.
pub fn rename(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
            Ok((old.trim().to_string(), new.trim().to_string()))
        }
        _ => Err(format!("`{text}` is not `old=new`")),
    }
}
