//! Tests of the `driftless` command line: the real binary, run against
//! migration directories and SQLite files in temporary directories.
//!
//! Every test has its own temporary directory and runs the binary there, so
//! paths in the output are relative (`migrations/0001_a.sql`, `app.db`).
//! `NO_COLOR` is set, stdin is `/dev/null` and stdout/stderr are pipes, so
//! nothing depends on a terminal.
//!
//! One test binary, a module a command; `harness` is what they share.

mod harness;

mod branch;
mod check;
mod diff;
mod downgrade;
mod dry_run;
mod fails_on_rows;
mod fleet;
mod from_models;
mod help;
mod new;
mod previous;
mod schema;
mod squash;
mod stamp_adopt;
mod status;
mod upgrade;
