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
    assert!(stdout.ends_with("unchanged: unsure about line 1: no known ecosystem for the base image scratch; nothing to verify\n"), "{stdout}");
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
