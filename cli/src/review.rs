//! `driftless check --base REF`: what a branch does to the history of the
//! branch it merges into. Production may have run every migration the base
//! has, so editing, deleting or renumbering one is an error, and a new
//! migration must come after the base's newest, at a version no other
//! branch took first.

use std::path::Path;

use driftless_migrations::branch::{Kind, review};
use driftless_migrations::error::display_path;
use driftless_migrations::git::{Base, migrations_at};
use driftless_migrations::{Migration, MigrationSet};

use crate::check::Finding;
use crate::new::renumbering;

/// The findings of comparing `head`, read from `dir`, with the base; a
/// note when the base's migrations cannot be read.
pub fn findings(
    dir: &Path,
    base: &Base,
    head: &MigrationSet,
    findings: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) {
    let short = |c: &str| c.get(..7).unwrap_or(c).to_string();
    let mut read = |commit: &str| match migrations_at(dir, commit) {
        Ok(set) => Some(set.unwrap_or_else(|| MigrationSet {
            dir: dir.to_path_buf(),
            migrations: Vec::new(),
        })),
        Err(why) => {
            notes.push(format!(
                "the branch was not compared with `{}`: {why}",
                base.reference
            ));
            None
        }
    };
    let Some(merged) = read(&base.commit) else {
        return;
    };
    let tip = if base.tip == base.commit {
        None
    } else {
        match read(&base.tip) {
            Some(tip) => Some(tip),
            None => return,
        }
    };
    let tip = tip.as_ref().unwrap_or(&merged);
    let found = review(&merged, tip, head);
    if let Some(f) = baseline_differs(&merged, head, &base.reference) {
        findings.push(f);
    }
    let reference = &base.reference;
    let fork = short(&base.commit);
    // a base migration's file as it would be here
    let base_file = |m: &Migration| {
        let relative =
            m.up.location()
                .strip_prefix(&merged.dir)
                .ok()
                .or_else(|| m.up.location().strip_prefix(&tip.dir).ok());
        match relative {
            Some(r) => display_path(&dir.join(r)),
            None => m.file_name(),
        }
    };
    let from_tip = |m: &Migration| tip.dir != merged.dir && m.up.location().starts_with(&tip.dir);
    // the commit a base migration is read from: the fork, or the base's tip
    let at = |m: &Migration| {
        if from_tip(m) {
            short(&base.tip)
        } else {
            fork.clone()
        }
    };
    let restore = |m: &Migration| {
        let mut files = if m.in_folder() {
            vec![display_path(&dir.join(m.file_name()))]
        } else {
            vec![base_file(m)]
        };
        // a reversible pair comes back whole
        if let Some(down) = &m.down
            && m.layout == driftless_migrations::Layout::Reversible
            && let Ok(r) = down.location().strip_prefix(&merged.dir)
        {
            files.push(display_path(&dir.join(r)));
        }
        format!("git checkout {} -- {}", at(m), files.join(" "))
    };
    let plan = renumbering(&tip.migrations, &found.renumber);
    let rename_help = || {
        // the newest first, so that no rename lands on a file still to move
        let renames: Vec<String> = plan
            .iter()
            .rev()
            .map(|(old, new)| format!("`{old}` to `{new}`"))
            .collect();
        let newest = found.newest.map_or_else(
            || format!("`{reference}`'s migrations"),
            |m| format!("`{}`, the newest of `{reference}`", m.file_name()),
        );
        format!(
            "renumber this branch's migrations to follow {newest}: rename {}{} (the numbers `driftless new` gives next); nothing has run them yet, so they can still change",
            renames.join(", "),
            if renames.len() > 1 {
                ", in this order"
            } else {
                ""
            },
        )
    };
    for f in &found.findings {
        let name = f.base.file_name();
        let mut line = None;
        let (file, message, help) = match (f.kind, f.head) {
            (Kind::Edited, Some(h)) => (
                {
                    line = first_difference(&f.base.up.sql(), &h.up.sql());
                    h.up.file.to_string()
                },
                format!(
                    "changed since `{reference}` merged it (at {}): databases that ran the old text keep it, `status` calls them modified, and what the change adds never reaches them",
                    at(f.base)
                ),
                format!(
                    "restore it (`{}`) and write the change as a new migration (`driftless new`)",
                    restore(f.base)
                ),
            ),
            (Kind::Deleted, _) => (
                base_file(f.base),
                format!(
                    "is in `{reference}` (at {fork}) but deleted on this branch: databases that ran it record version {} that this build does not have, and the migrator refuses them",
                    f.base.label()
                ),
                format!(
                    "restore it (`{}`); to undo what it did, write a new migration",
                    restore(f.base)
                ),
            ),
            (Kind::Renumbered, Some(h)) => (
                h.up.file.to_string(),
                format!(
                    "is `{name}` of `{reference}` (at {fork}) under another version: databases that ran it as version {} would run it again as version {}",
                    f.base.label(),
                    h.label()
                ),
                format!("give it back its name, `{name}`"),
            ),
            (Kind::Renamed, Some(h)) => (
                h.up.file.to_string(),
                format!(
                    "is `{name}` of `{reference}` (at {fork}), renamed: its version and text are unchanged, so databases that ran it still accept it, but their history keeps the old name"
                ),
                format!("keep the name `{reference}` has, `{name}`"),
            ),
            (Kind::NonLinear, Some(h)) => (
                h.up.file.to_string(),
                format!(
                    "is new on this branch but sorts before `{name}`, the newest migration of `{reference}`: a database already past it refuses it as out of order, or runs it in an order no replay checked"
                ),
                rename_help(),
            ),
            (Kind::Duplicate, Some(h)) => (
                h.up.file.to_string(),
                format!(
                    "has version {}, and so has `{name}`, which `{reference}` gained after this branch forked (at {fork}): merged, the directory has two migrations of one version",
                    h.label()
                ),
                rename_help(),
            ),
            (_, None) => continue,
        };
        findings.push(Finding {
            error: f.kind != Kind::Renamed,
            code: f.kind.code(),
            file,
            line,
            message,
            help: Some(help),
        });
    }
}

/// A baseline of the branch (`driftless squash`) that replaces merged
/// migrations but replays to another schema than they do: new databases
/// would get it, old ones keep theirs, and the build checks the code
/// against the new one. Its header vouches for those migrations, so it
/// must be what they produce.
fn baseline_differs(
    merged: &MigrationSet,
    head: &MigrationSet,
    reference: &str,
) -> Option<Finding> {
    let b = head.migrations.first()?;
    let listed = driftless_migrations::squash::replaced(&b.up.sql())?;
    let replaced: Vec<Migration> = merged
        .migrations
        .iter()
        .filter(|m| {
            listed
                .iter()
                .any(|r| r.version == m.version && r.checksum == m.checksum)
        })
        .cloned()
        .collect();
    if replaced.is_empty() {
        return None;
    }
    let replay = |migrations: Vec<Migration>| {
        driftless_migrations::replay(&MigrationSet {
            dir: head.dir.clone(),
            migrations,
        })
        .ok()
        .map(|s| s.schema)
    };
    let (Some(before), Some(after)) = (replay(replaced), replay(vec![b.clone()])) else {
        return None;
    };
    let sides = driftless_migrations::diff::Sides {
        expected: "the replaced migrations",
        live: "the baseline",
        created: "the replaced migrations create it",
        not_created: "the replaced migrations do not create it",
    };
    let differences = driftless_migrations::diff::diff_sides(&before, &after, &sides);
    if differences.is_empty() {
        return None;
    }
    let listed: Vec<String> = differences.iter().map(|d| d.description.clone()).collect();
    Some(Finding {
        error: true,
        code: "baseline",
        file: b.up.file.to_string(),
        line: None,
        message: format!(
            "replays to another schema than the migrations of `{reference}` it replaces: {}",
            listed.join("; ")
        ),
        help: Some(format!(
            "new databases would get this schema and existing ones keep theirs: write the baseline again with `driftless squash --to {}` from the migrations as `{reference}` has them, and put any change in a new migration",
            b.label()
        )),
    })
}

/// The first line where two texts differ (1-based).
fn first_difference(old: &str, new: &str) -> Option<usize> {
    let mut old_lines = old.lines();
    let mut new_lines = new.lines();
    let mut line = 1;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (None, None) => return None,
            (a, b) if a == b => line += 1,
            _ => return Some(line),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_difference() {
        assert_eq!(super::first_difference("a\nb\n", "a\nc\n"), Some(2));
        assert_eq!(super::first_difference("a\n", "a\nb\n"), Some(2));
        assert_eq!(super::first_difference("a\n", "a\n"), None);
    }
}
