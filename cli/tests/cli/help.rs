//! `driftless help`.

use crate::harness::*;

#[test]
fn every_help_has_an_example() {
    let p = Project::new();
    let mut failures = Vec::new();
    for command in [
        None,
        Some("new"),
        Some("check"),
        Some("schema"),
        Some("status"),
        Some("history"),
        Some("upgrade"),
        Some("downgrade"),
        Some("stamp"),
        Some("adopt"),
        Some("diff"),
    ] {
        let args: Vec<&str> = command.into_iter().chain(["--help"]).collect();
        let run = p.run(&args);
        if run.code != 0 || !run.stdout.contains("Example") {
            failures.push(format!(
                "`driftless {}`: exit {}\n{}{}",
                args.join(" "),
                run.code,
                run.stdout,
                run.stderr.lines().take(3).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
