//! `dockopt verify` paths that need no container engine. The builds
//! themselves run in `scripts/e2e-examples.sh` (CI runs it where
//! ../shared/e2e provides the engine and the base images).

mod common;

use common::dockopt;

#[test]
fn a_file_dockopt_leaves_alone_has_nothing_to_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, "FROM scratch\nCOPY app /app\n").unwrap();
    let out = dockopt(&["verify", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.ends_with("unchanged: DO105 the base image scratch is not one dockopt has a strategy for; nothing to verify\n"), "{stdout}");
}

#[test]
fn usage_errors_exit_2() {
    let out = dockopt(
        &["verify", "--http", "web", "examples/flask/Dockerfile"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--http expects PORT[/PATH], not web")
    );
    let out = dockopt(
        &[
            "verify",
            "--engine",
            "kubernetes",
            "examples/flask/Dockerfile",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = dockopt(&["verify", "no/such/Dockerfile"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no/such/Dockerfile: cannot read")
    );
}

/// A stand-in `docker` for the tests below: the builds numbered in `fails`
/// (1 is the original's first) fail with buildah's message for an engine
/// error, the others succeed; images are 1000 bytes and 2 layers; `run`
/// prints "hello".
#[cfg(unix)]
fn verify_with_fake_docker(fails: &[u32]) -> (Option<i32>, String) {
    verify_with_fake_docker_and(fails, &[])
}

/// The same, with more arguments for `dockopt verify`.
#[cfg(unix)]
fn verify_with_fake_docker_and(fails: &[u32], extra: &[&str]) -> (Option<i32>, String) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fails: Vec<String> = fails.iter().map(u32::to_string).collect();
    let script = format!(
        r#"#!/bin/sh
count="{dir}/builds"
case "$1" in
  info) echo 27.0 ;;
  build)
    n=$(cat "$count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$count"
    case " {fails} " in *" $n "*)
      echo "Close_Fd sealing memfd copy: Device or resource busy" >&2; exit 1 ;;
    esac ;;
  image) echo "1000 2" ;;
  run) case " $* " in *" --network none "*) echo hello offline ;; *) echo hello ;; esac ;;
esac
"#,
        dir = dir.path().display(),
        fails = fails.join(" ")
    );
    let docker = dir.path().join("docker");
    std::fs::write(&docker, script).unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockopt"))
        .args(["verify", "--engine", "docker"])
        .args(extra)
        .arg("examples/flask/Dockerfile")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[cfg(unix)]
#[test]
fn an_engine_failure_once_is_retried_and_noted() {
    let (code, stdout) = verify_with_fake_docker(&[1]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "note: the original build failed once and was tried again: \
             Close_Fd sealing memfd copy: Device or resource busy\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: the rewrite behaves the same"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_rewrite_that_fails_twice_does_not_build() {
    // Build 1 is the original's; 2 and 3 are the rewrite's two attempts.
    let (code, stdout) = verify_with_fake_docker(&[2, 3]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("note: the rewritten build failed once and was tried again"),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: the rewrite does not build, while the original does:"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn offline_runs_both_images_with_no_network() {
    let (code, stdout) = verify_with_fake_docker_and(&[], &["--offline"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("exit 0 \"hello offline\" exit 0 \"hello offline\""),
        "{stdout}"
    );
}

#[test]
fn offline_needs_an_engine_that_can_cut_the_network() {
    let out = dockopt(
        &[
            "verify",
            "--engine",
            "buildah",
            "--offline",
            "examples/flask/Dockerfile",
        ],
        b"",
    );
    // Without buildah here the engine is missing; with it, --offline is refused.
    assert_eq!(out.status.code(), Some(2));
    let out = dockopt(
        &[
            "verify",
            "--offline",
            "--http",
            "5000",
            "examples/flask/Dockerfile",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("cannot be used with")
    );
}

/// Runs `dockopt verify --engine docker` on the flask example with a
/// stand-in `docker` whose `export` serves a tar per image: `original` and
/// `rewritten` hold the files given, so the image comparison can be
/// checked without an engine.
#[cfg(unix)]
fn verify_with_images(
    original: &[(&str, &[u8])],
    rewritten: &[(&str, &[u8])],
    extra: &[&str],
) -> (Option<i32>, String) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (name, files) in [("original", original), ("rewritten", rewritten)] {
        let mut b = tar::Builder::new(Vec::new());
        for (path, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, path, *data).unwrap();
        }
        std::fs::write(
            dir.path().join(format!("{name}.tar")),
            b.into_inner().unwrap(),
        )
        .unwrap();
    }
    let script = format!(
        r#"#!/bin/sh
d="{dir}"
case "$1" in
  info) echo 27.0 ;;
  build) ;;
  image) echo "1000 2" ;;
  create) case "$2" in *original*) echo original ;; *rewritten*) echo rewritten ;; *) echo none ;; esac ;;
  export) [ -f "$d/$2.tar" ] && cat "$d/$2.tar" ;;
  run) echo hello ;;
esac
"#,
        dir = dir.path().display()
    );
    let docker = dir.path().join("docker");
    std::fs::write(&docker, script).unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockopt"))
        .args(["verify", "--engine", "docker"])
        .args(extra)
        .arg("examples/flask/Dockerfile")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[cfg(unix)]
#[test]
fn a_file_lost_outside_the_app_fails_and_is_named() {
    let (code, stdout) = verify_with_images(
        &[("app/app.py", b"print(1)"), ("etc/myapp/build.json", b"{}")],
        &[("app/app.py", b"print(1)")],
        &[],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("lost without a reason (1 paths):"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/etc/myapp/build.json (missing)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: the rewrite answers the same but lost what the original has"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn allow_missing_accepts_a_loss_and_caches_are_explained() {
    let (code, stdout) = verify_with_images(
        &[
            ("app/app.py", b"print(1)"),
            ("etc/myapp/build.json", b"{}"),
            ("root/.cache/pip/wheel", b"cached"),
        ],
        &[("app/app.py", b"print(1)")],
        &["--allow-missing", "/etc/myapp/**"],
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("allowed by the user"), "{stdout}");
    assert!(stdout.contains("caches and logs"), "{stdout}");
    assert!(
        stdout.contains("result: the rewrite behaves the same"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn the_json_report_holds_the_comparison() {
    let (code, stdout) = verify_with_images(
        &[("app/app.py", b"print(1)"), ("etc/myapp/build.json", b"{}")],
        &[("app/app.py", b"print(1)")],
        &["--format", "json"],
    );
    assert_eq!(code, Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["same"], false);
    assert_eq!(
        report["comparison"]["unexplained"][0]["folder"], "/etc/myapp",
        "{stdout}"
    );
}
