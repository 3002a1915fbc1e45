//! Workspace tests of driftless: `tests/ui.rs` runs the trybuild cases in
//! `ui/`, `tests/e2e.rs` builds scratch crates with cargo. This library is empty.
