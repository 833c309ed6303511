//! A tree of repositories as a platform team has them: every file gets the
//! right outcome, and nothing is damaged.

mod common;

use std::fs;
use std::path::Path;

use common::dockopt;

const PY: &str = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\nCMD [\"python\", \"app.py\"]\n";
const NODE: &str =
    "FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm ci\r\nCMD [\"node\", \"server.js\"]\r\n";
const MULTI: &str = "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\n";

fn write(root: &Path, rel: &str, text: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[cfg(unix)]
#[test]
fn a_tree_of_repositories() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("repo1/.git")).unwrap();
    write(root, "repo1/.gitignore", b"vendor/\n");
    write(root, "repo1/Dockerfile", PY.as_bytes());
    write(root, "repo1/vendor/Dockerfile", PY.as_bytes());
    write(root, "repo1/services/api/Dockerfile.prod", NODE.as_bytes());
    fs::create_dir_all(root.join("repo2/.git")).unwrap();
    write(root, "repo2/Containerfile", MULTI.as_bytes());
    write(root, "repo2/.hidden/Dockerfile", PY.as_bytes());
    std::os::unix::fs::symlink(root.join("repo1/services"), root.join("repo2/linked")).unwrap();
    write(root, "repo3/Dockerfile", PY.as_bytes());
    fs::set_permissions(
        root.join("repo3/Dockerfile"),
        fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    write(
        root,
        "repo3/binary.Dockerfile",
        b"\x7fELF\x02\x01\x01\x00\xff\xfe",
    );
    write(
        root,
        "repo3/broken.Dockerfile",
        b"FROM python:3.11\nENV NOVALUE\n",
    );
    write(root, "repo3/README.md", b"not a Dockerfile\n");

    let out = dockopt(
        &["rewrite", "--in-place", "-j", "2", root.to_str().unwrap()],
        b"",
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "errors were seen: {stderr}");

    // Rewritten, in a stable order.
    let r = |rel: &str| root.join(rel).display().to_string();
    assert_eq!(
        stdout,
        format!(
            "rewrote {}\nrewrote {}\n",
            r("repo1/Dockerfile"),
            r("repo1/services/api/Dockerfile.prod")
        )
    );
    let node = fs::read_to_string(root.join("repo1/services/api/Dockerfile.prod")).unwrap();
    assert!(
        node.contains("\r\nFROM node:20-slim\r\n") && !node.replace("\r\n", "").contains('\n'),
        "CRLF kept: {node:?}"
    );
    // Left alone, with the reason.
    assert!(
        stderr.contains(&format!(
            "{}: unchanged: DO101 already multi-stage",
            r("repo2/Containerfile")
        )),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(root.join("repo2/Containerfile")).unwrap(),
        MULTI
    );
    // Ignored, hidden and linked files are not touched.
    assert_eq!(
        fs::read_to_string(root.join("repo1/vendor/Dockerfile")).unwrap(),
        PY
    );
    assert_eq!(
        fs::read_to_string(root.join("repo2/.hidden/Dockerfile")).unwrap(),
        PY
    );
    assert!(!stderr.contains("linked"), "{stderr}");
    // Errors: reported, and the files are as they were.
    assert!(
        stderr.contains(&format!(
            "error: {}: cannot write: the file is read-only; not written",
            r("repo3/Dockerfile")
        )),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(root.join("repo3/Dockerfile")).unwrap(),
        PY
    );
    assert!(
        stderr.contains(&format!(
            "error: {}:1:9: not UTF-8 text",
            r("repo3/binary.Dockerfile")
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: {}:2:5: ENV must have two arguments",
            r("repo3/broken.Dockerfile")
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("dockopt: 6 files: 2 rewritten, 1 unchanged, 3 errors"),
        "{stderr}"
    );
    // No temporary files are left anywhere.
    let leftovers: Vec<_> = walk(root)
        .into_iter()
        .filter(|p| p.contains(".dockopt-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // --hidden and --follow widen the search; --exclude narrows it.
    let out = dockopt(
        &[
            "rewrite",
            "--check",
            "--hidden",
            "--follow",
            "--exclude",
            "repo3/**",
            root.join("repo2").to_str().unwrap(),
        ],
        b"",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(".hidden/Dockerfile"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn a_markdown_report_for_a_pull_request() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a/Dockerfile", PY.as_bytes());
    write(tmp.path(), "b/Dockerfile", MULTI.as_bytes());
    let report = tmp.path().join("report.md");
    let out = dockopt(
        &[
            "rewrite",
            "--check",
            "--report",
            "markdown",
            report.to_str().unwrap(),
            tmp.path().to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let md = fs::read_to_string(&report).unwrap();
    assert!(
        md.contains(
            "2 files: **1 rewritten**, 1 left unchanged, 0 errors. Estimated saving: about 335 MB"
        ),
        "{md}"
    );
    assert!(
        md.contains("| python | `python:3.11` | `python:3.11-slim` |"),
        "{md}"
    );
    assert!(md.contains("already multi-stage"), "{md}");
    let json = tmp.path().join("report.json");
    dockopt(
        &[
            "rewrite",
            "--check",
            "--report",
            "json",
            json.to_str().unwrap(),
            tmp.path().to_str().unwrap(),
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["rewritten"], 1);
    assert_eq!(v["entries"][0]["outcome"], "rewritten");
    assert_eq!(v["entries"][0]["estimated_saving_mb"], 335);
    assert_eq!(v["entries"][1]["reason"], "already multi-stage");
}
