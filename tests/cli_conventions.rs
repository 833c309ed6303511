//! The conventions users know from ruff, rustfmt and ripgrep: codes they
//! can look up, review formats (JSON, SARIF, GitHub annotations), quiet and
//! verbose, standard input with a name, honest warnings and errors.

mod common;

use common::dockopt;

/// A rewritable file, a refused one and a multi-stage one in one folder.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        std::fs::write(p, text).expect("write");
    };
    w(
        "app/Dockerfile",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    w("app/requirements.txt", "six==1.16.0\n");
    w("app/app.py", "print('hi')\n");
    w(
        "tool/Dockerfile",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN ./bootstrap.sh --all\nCMD [\"python\", \"app.py\"]\n",
    );
    w(
        "split/Dockerfile",
        "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\n",
    );
    dir
}

/// Runs dockopt in `dir` (so paths are relative) and returns status,
/// stdout and stderr.
fn run_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockopt"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("dockopt runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

#[test]
fn rules_list_every_code_and_rule_explains_one() {
    let out = dockopt(&["rules"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("rules", text);
    let out = dockopt(&["rule", "DO201"], b"");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("rule_do201", String::from_utf8(out.stdout.clone()).unwrap());
    let by_name = dockopt(&["rule", "unknown-command"], b"");
    assert_eq!(by_name.stdout, out.stdout);
    let unknown = dockopt(&["rule", "DO999"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8(unknown.stderr)
            .unwrap()
            .contains("no code DO999")
    );
}

#[test]
fn the_summary_groups_by_code() {
    let dir = tree();
    let (code, stdout, stderr) = run_in(dir.path(), &["rewrite", "--check", "."]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "would rewrite ./app/Dockerfile\n");
    // Already multi-stage is not news under --check.
    assert!(!stderr.contains("split/Dockerfile"), "{stderr}");
    insta::assert_snapshot!("check_summary", stderr);
}

#[test]
fn verbose_lists_multi_stage_files_and_quiet_prints_only_errors() {
    let dir = tree();
    let (_, _, verbose) = run_in(dir.path(), &["rewrite", "--check", "-v", "."]);
    assert!(
        verbose.contains("./split/Dockerfile: unchanged: DO101 already multi-stage"),
        "{verbose}"
    );
    let (code, stdout, quiet) = run_in(dir.path(), &["rewrite", "--check", "-q", "."]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "would rewrite ./app/Dockerfile\n");
    assert_eq!(quiet, "");
}

#[test]
fn json_sarif_and_github_outputs() {
    let dir = tree();
    let (_, json, _) = run_in(dir.path(), &["rewrite", "--output-format", "json", "."]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["rewritten"], 1);
    assert_eq!(v["unchanged"], 2);
    let refused = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "./tool/Dockerfile")
        .expect("the refused file");
    assert_eq!(refused["code"], "DO203");
    assert_eq!(refused["line"], 4);

    let (_, sarif, _) = run_in(dir.path(), &["rewrite", "--output-format", "sarif", "."]);
    let s: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    check_sarif(&s);
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "DO001" && r["level"] == "warning")
    );
    assert!(results.iter().any(|r| r["ruleId"] == "DO203"
        && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 4));

    let (_, github, _) = run_in(dir.path(), &["rewrite", "--output-format", "github", "."]);
    insta::assert_snapshot!("github", github);
}

/// The parts of SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json) that a
/// consumer such as GitHub code scanning requires: version, a driver with
/// rules whose ids are unique, and results whose ruleId names a rule, with
/// a message, a level of the schema's enumeration and a physical location
/// with a relative URI and a line from 1.
fn check_sarif(s: &serde_json::Value) {
    assert_eq!(s["version"], "2.1.0");
    assert!(s["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &s["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dockopt");
    let rules = driver["rules"].as_array().expect("rules");
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string(), "{r}");
    }
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids are unique");
    for r in run["results"].as_array().expect("results") {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(ids.contains(&id), "{id} is a rule");
        assert!(["none", "note", "warning", "error"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn reports_go_to_standard_output_with_a_dash() {
    let dir = tree();
    let (_, stdout, stderr) = run_in(
        dir.path(),
        &["rewrite", "--check", "-q", "--report", "json", "-", "."],
    );
    let report_start = stdout.find('{').expect("the report on stdout");
    let v: serde_json::Value = serde_json::from_str(&stdout[report_start..]).expect("JSON");
    assert_eq!(v["files"], 3);
    assert!(!stderr.contains('{'), "{stderr}");
}

#[test]
fn an_empty_folder_warns_and_a_missing_context_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(dir.path(), &["rewrite", "."]);
    assert_eq!(code, Some(0));
    assert_eq!(stderr, "warning: no Dockerfiles found under .\n");
    let tree = tree();
    let (code, _, stderr) = run_in(
        tree.path(),
        &["rewrite", "--context", "nowhere", "app/Dockerfile"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: --context nowhere: no such folder\n");
}

#[test]
fn stdin_filename_names_standard_input_and_gives_it_a_context() {
    let dir = tree();
    let src = std::fs::read(dir.path().join("tool/Dockerfile")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dockopt"))
        .args(["rewrite", "--stdin-filename", "tool/Dockerfile", "-"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&src).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "tool/Dockerfile:4: unchanged: DO203 RUN runs the script ./bootstrap.sh, which is not in the build context\n"
    );
    // Without a name, the message says how to give one.
    let out = dockopt(&["rewrite", "-"], &src);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--stdin-filename PATH"), "{stderr}");
}

#[test]
fn diff_headers_have_no_leading_slash_or_dots() {
    let dir = tree();
    let inner = dir.path().join("app");
    let abs = inner.join("Dockerfile");
    let (_, diff, _) = run_in(&inner, &["rewrite", abs.to_str().unwrap()]);
    let header = diff.lines().next().unwrap_or("");
    assert_eq!(header, "--- a/Dockerfile", "{diff}");
    let (_, diff, _) = run_in(&inner, &["rewrite", "../app/Dockerfile"]);
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
}

#[test]
fn version_names_the_commit_and_completions_and_man_page_print() {
    let out = dockopt(&["--version"], b"");
    let v = String::from_utf8(out.stdout).unwrap();
    assert!(
        v.starts_with(&format!("dockopt {} (", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    let bash = dockopt(&["completions", "bash"], b"");
    assert!(
        String::from_utf8(bash.stdout)
            .unwrap()
            .contains("_dockopt()")
    );
    let man = dockopt(&["man"], b"");
    assert!(String::from_utf8(man.stdout).unwrap().starts_with(".ie"));
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let dir = tree();
    let run = |envs: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dockopt"));
        cmd.args(["rewrite", "--color", "auto", "app/Dockerfile"])
            .current_dir(dir.path())
            .env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert!(run(&[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains("\x1b["));
    assert!(!run(&[]).contains("\x1b["), "no terminal: no colour");
}

#[test]
fn no_config_ignores_the_settings_file() {
    let dir = tree();
    std::fs::write(dir.path().join(".dockopt.toml"), "disable = [\"python\"]\n").unwrap();
    let (_, _, off) = run_in(dir.path(), &["rewrite", "--check", "app/Dockerfile"]);
    assert!(off.contains("DO104"), "{off}");
    let (code, stdout, _) = run_in(
        dir.path(),
        &["rewrite", "--check", "--no-config", "app/Dockerfile"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "would rewrite app/Dockerfile\n");
    let (_, _, verbose) = run_in(dir.path(), &["rewrite", "--check", "-v", "app/Dockerfile"]);
    assert!(
        verbose.contains("app/Dockerfile: settings from"),
        "{verbose}"
    );
}

#[test]
fn directives_in_the_wrong_case_or_place_are_errors() {
    let out = dockopt(&["rewrite", "-"], b"# DOCKOPT: ignore\nFROM python:3.11\n");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(
        "directive_wrong_case",
        String::from_utf8(out.stderr).unwrap()
    );
    let out = dockopt(&["rewrite", "-"], b"# dockopt: runtime\nFROM python:3.11\n");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(
        "directive_above_from",
        String::from_utf8(out.stderr).unwrap()
    );
}

#[test]
fn every_code_is_raised_by_a_case() {
    // Each refusal code appears in a snapshot of a case, so its message is
    // seen; DO001 is the rewrite itself, DO104 and DO309 are raised by the
    // config tests and by contexts too large to put in the repository.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut seen = String::new();
    for dir in ["snapshots", "cases"] {
        collect(&root.join(dir), &mut seen);
    }
    for code in dockopt::reasons::Code::all() {
        let id = code.id();
        if matches!(id, "DO001" | "DO104" | "DO309") {
            continue;
        }
        assert!(
            seen.contains(&format!("unchanged: {id} ")),
            "no case raises {id}"
        );
    }
}

/// Appends the text of every .snap file below `dir`.
fn collect(dir: &std::path::Path, out: &mut String) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "snap") {
            out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}

#[test]
fn the_readme_shows_every_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("<!-- codes:").expect("the codes table's start");
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let end = body.find("<!-- /codes -->").expect("the codes table's end");
    assert_eq!(
        &body[..end],
        dockopt::report::codes_table(),
        "README.md's table of codes is out of date: paste `dockopt rules --format markdown`"
    );
}
