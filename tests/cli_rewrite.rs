//! `dockopt rewrite` and `dockopt explain` as a user runs them.

mod common;

use common::dockopt;

const PY: &str = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\nCMD [\"python\", \"app.py\"]\n";

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn diff_applies_with_git_headers() {
    let out = dockopt(&["rewrite", "-"], PY.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/<stdin>\n+++ b/<stdin>\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("+FROM python:3.11-slim\n"), "{diff}");
}

#[test]
fn check_exits_1_when_a_file_would_change_and_0_when_none_would() {
    let dir = temp_dir();
    let a = dir.path().join("Dockerfile");
    let b = dir.path().join("other.Dockerfile");
    std::fs::write(&a, PY).unwrap();
    std::fs::write(&b, "FROM scratch\nCOPY app /app\n").unwrap();
    let out = dockopt(&["rewrite", "--check", dir.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout, format!("would rewrite {}\n", a.display()));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("other.Dockerfile: unchanged: DO105 the base image scratch is not one dockopt has a strategy for"), "{stderr}");
    assert!(
        stderr.contains("2 files: 1 would be rewritten, 1 unchanged, 0 errors"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        PY,
        "--check writes nothing"
    );
    let out = dockopt(&["rewrite", "--check", b.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn in_place_is_atomic_and_keeps_permissions_line_endings_and_bom() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let path = dir.path().join("Dockerfile");
    let src = format!("\u{feff}{}", PY.replace('\n', "\r\n"));
    std::fs::write(&path, &src).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = dockopt(&["rewrite", "--in-place", path.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = std::fs::read_to_string(&path).unwrap();
    assert!(
        new.starts_with("\u{feff}FROM python:3.11 AS builder\r\n"),
        "{new:?}"
    );
    assert!(new.contains("\r\nFROM python:3.11-slim\r\n"), "{new:?}");
    assert!(
        !new.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF: {new:?}"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    // A second run finds nothing to do.
    let again = dockopt(&["rewrite", "--check", path.to_str().unwrap()], b"");
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn a_broken_file_exits_2_and_the_others_are_still_processed() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("Dockerfile"), PY).unwrap();
    std::fs::write(
        dir.path().join("bad.Dockerfile"),
        "FROM python:3.11\nENV ONLY_KEY\n",
    )
    .unwrap();
    let out = dockopt(&["rewrite", dir.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("+FROM python:3.11-slim")
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.Dockerfile:2:5: ENV must have two arguments"),
        "{stderr}"
    );
}

#[test]
fn stdout_prints_the_whole_file_and_wants_one_input() {
    let out = dockopt(&["rewrite", "--stdout", "-"], PY.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("FROM python:3.11 AS builder\n")
    );
    let two = dockopt(&["rewrite", "--stdout", "-", "-"], b"");
    assert_eq!(two.status.code(), Some(2));
}

#[test]
fn explain_shows_what_the_runtime_stage_adds_on_one_line() {
    // curl for the HEALTHCHECK, installed the lean way under a
    // `# hadolint ignore` comment that explain leaves out.
    let file = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nHEALTHCHECK CMD curl -f http://localhost:5000/\nCMD [\"python\", \"app.py\"]\n";
    let out = dockopt(&["explain", "-"], file.as_bytes());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "and adds:\n  RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*  ("
        ),
        "{text}"
    );
}

#[test]
fn explain_gives_every_instruction_a_role_and_a_reason() {
    let out = dockopt(&["explain", "-"], PY.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "<stdin>: python strategy",
        "runtime: python:3.11-slim",
        "1  FROM        build",
        "4  RUN         build    pip install",
        "5  CMD         runtime",
        "/opt/venv  (pip's packages",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let json = dockopt(&["explain", "--format", "json", "-"], PY.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["rewrite"]["runtime_image"], "python:3.11-slim");
    assert_eq!(v["rewrite"]["decisions"].as_array().unwrap().len(), 5);
    let unchanged = dockopt(
        &["explain", "--format", "json", "-"],
        b"FROM scratch\nCOPY a /a\n",
    );
    let v: serde_json::Value = serde_json::from_slice(&unchanged.stdout).unwrap();
    assert_eq!(
        v["unchanged"]["reason"],
        "the base image scratch is not one dockopt has a strategy for"
    );
}

#[test]
fn an_unknown_inline_directive_is_an_error_with_its_place() {
    let out = dockopt(
        &["rewrite", "-"],
        b"FROM python:3.11\n# dockopt: ignroe\nRUN pip install x\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("<stdin>:2:3: unknown dockopt directive `ignroe` (known: ignore, build, runtime, keep-base, app-runs, not-needed)"),
        "{stderr}"
    );
    let out = dockopt(
        &["rewrite", "-"],
        b"FROM python:3.11
# dockopt: app-runs
RUN pip install x
",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("<stdin>:2:3: `# dockopt: app-runs` needs the names it vouches for"),
        "{stderr}"
    );
}
