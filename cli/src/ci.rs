//! `check`'s findings for CI: GitHub Actions workflow commands (an
//! annotation at the file and line of each) and SARIF 2.1.0 (code scanning).
//!
//! Both name files relative to the repository's top, as GitHub resolves
//! them, whatever directory `check` ran in.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::check::Finding;

/// The prefix that turns a path relative to the working directory into one
/// relative to the repository's top (`app/` when run in `app/`).
fn repository_prefix() -> String {
    Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// `file` as the repository names it; a file of another revision
/// (`v1.4:src/models.rs`) stays as it is.
fn in_repository(prefix: &str, file: &str) -> String {
    if file.is_empty() || Path::new(file).is_absolute() || file.contains(':') {
        return file.to_string();
    }
    let mut joined = format!("{prefix}{}", file.trim_start_matches("./")).replace("/./", "/");
    // `../x` from `app/` is `x`
    while let Some(start) = joined.find("/../") {
        let parent = joined[..start].rfind('/').map_or(0, |i| i + 1);
        joined.replace_range(parent..start + 4, "");
    }
    joined
}

/// Whether the finding is at a file of another revision (`v1.4:src/models.rs`,
/// from `--previous`): no file of the checkout to annotate, so its place
/// goes into the message.
fn elsewhere(f: &Finding) -> bool {
    f.file.contains(':') && !Path::new(&f.file).is_absolute()
}

/// The text of a finding with its help (and its place, when [`elsewhere`]).
fn text(f: &Finding) -> String {
    let at = match (elsewhere(f), f.line) {
        (true, Some(line)) => format!("{}:{line}: ", f.file),
        (true, None) => format!("{}: ", f.file),
        (false, _) => String::new(),
    };
    match &f.help {
        Some(help) => format!("{at}{}\nhelp: {help}", f.message),
        None => format!("{at}{}", f.message),
    }
}

/// One workflow command per finding and note, then the summary as plain text.
pub fn github(
    findings: &[Finding],
    notes: &[String],
    is_error: impl Fn(&Finding) -> bool,
    summary: &str,
) {
    let prefix = repository_prefix();
    for f in findings {
        let level = if is_error(f) { "error" } else { "warning" };
        let mut properties = vec![format!(
            "title={}",
            property(&format!("driftless {}", f.code))
        )];
        let file = in_repository(&prefix, &f.file);
        if !file.is_empty() && !elsewhere(f) {
            properties.insert(0, format!("file={}", property(&file)));
            if let Some(line) = f.line {
                properties.insert(1, format!("line={line}"));
            }
        }
        println!("::{level} {}::{}", properties.join(","), data(&text(f)));
    }
    for n in notes {
        println!("::notice title=driftless::{}", data(n));
    }
    println!("{summary}");
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: also `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A SARIF 2.1.0 log of one run: a rule per code, a result per finding,
/// the notes as notifications.
pub fn sarif(
    findings: &[Finding],
    notes: &[String],
    is_error: impl Fn(&Finding) -> bool,
) -> String {
    let prefix = repository_prefix();
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        let next = rules.len();
        rules.entry(f.code).or_insert(next);
    }
    let mut ordered: Vec<(&str, usize)> = rules.iter().map(|(c, i)| (*c, *i)).collect();
    ordered.sort_by_key(|(_, i)| *i);
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": in_repository(&prefix, &f.file), "uriBaseId": "%SRCROOT%" },
                }
            });
            if let Some(line) = f.line {
                location["physicalLocation"]["region"] = json!({ "startLine": line });
            }
            let locations = if f.file.is_empty() || elsewhere(f) {
                Vec::new()
            } else {
                vec![location]
            };
            json!({
                "ruleId": f.code,
                "ruleIndex": rules[f.code],
                "level": if is_error(f) { "error" } else { "warning" },
                "message": { "text": text(f) },
                "locations": locations,
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "driftless",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": ordered.iter().map(|(code, _)| json!({ "id": code, "name": code })).collect::<Vec<_>>(),
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notes.iter().map(|n| json!({ "level": "note", "message": { "text": n } })).collect::<Vec<_>>(),
            }],
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_a_subdirectory() {
        assert_eq!(
            in_repository("app/", "migrations/0001_a.sql"),
            "app/migrations/0001_a.sql"
        );
        assert_eq!(
            in_repository("app/", "../migrations/0001_a.sql"),
            "migrations/0001_a.sql"
        );
        assert_eq!(in_repository("a/b/", "../../m/x.sql"), "m/x.sql");
        assert_eq!(in_repository("m/", "./0001_a.sql"), "m/0001_a.sql");
        assert_eq!(in_repository("", "v1:src/lib.rs"), "v1:src/lib.rs");
    }

    #[test]
    fn a_file_of_another_revision_goes_into_the_message() {
        let f = Finding {
            error: true,
            code: "previous",
            file: "v1:src/lib.rs".into(),
            line: Some(8),
            message: "table `games` has no column `score`".into(),
            help: None,
        };
        assert!(elsewhere(&f));
        assert_eq!(
            text(&f),
            "v1:src/lib.rs:8: table `games` has no column `score`"
        );
        let log: serde_json::Value =
            serde_json::from_str(&sarif(&[f], &[], |_| true)).expect("json");
        assert_eq!(
            log["runs"][0]["results"][0]["locations"],
            serde_json::json!([])
        );
    }

    #[test]
    fn workflow_commands_escape() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
