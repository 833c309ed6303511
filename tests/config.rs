//! `.dockopt.toml`: found upward from each Dockerfile, every setting has its
//! effect, and a mistake in it is an error with its place.

mod common;

use std::fs;

use common::dockopt;

const PY: &str = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\nCMD [\"python\", \"app.py\"]\n";
const NODE: &str =
    "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n";
const GO: &str =
    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n";

#[test]
fn settings_apply_to_the_files_below_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(
        root.join(".dockopt.toml"),
        "builder_name = \"build\"\nnon_root = true\nlink = true\ndisable = [\"go\"]\nskip = [\"legacy/**\"]\n\n[images]\n\"python:3.12-slim\" = \"registry.example.com/python:3.12-slim\"\n",
    )
    .unwrap();
    for (dir, text) in [("py", PY), ("web", NODE), ("svc", GO), ("legacy/old", PY)] {
        fs::create_dir_all(root.join(dir)).unwrap();
        fs::write(root.join(dir).join("Dockerfile"), text).unwrap();
    }
    let stdout_of = |dir: &str| {
        let out = dockopt(
            &[
                "rewrite",
                "--stdout",
                root.join(dir).join("Dockerfile").to_str().unwrap(),
            ],
            b"",
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (py, _) = stdout_of("py");
    assert!(py.starts_with("FROM python:3.12 AS build\n"), "{py}");
    assert!(
        py.contains("FROM registry.example.com/python:3.12-slim\n"),
        "{py}"
    );
    assert!(
        py.contains("RUN useradd --create-home --uid 10001 app\n"),
        "{py}"
    );
    assert!(py.contains("COPY --from=build --link /app /app\n"), "{py}");
    let user = py.find("USER app\n").expect("a USER line");
    assert!(
        user > py.find("COPY --from=build").unwrap() && user < py.find("CMD [").unwrap(),
        "{py}"
    );
    let (node, _) = stdout_of("web");
    assert!(
        node.contains("USER node\n") && !node.contains("useradd"),
        "{node}"
    );
    let (go, err) = stdout_of("svc");
    assert_eq!(go, GO);
    assert!(
        err.contains("unchanged: DO104 the go strategy is turned off in"),
        "{err}"
    );
    let (old, err) = stdout_of("legacy/old");
    assert_eq!(old, PY);
    assert!(
        err.contains("unchanged: DO103 skipped by `legacy/**` in"),
        "{err}"
    );
}

#[test]
fn explain_shows_the_plan_the_config_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join(".dockopt.toml"),
        "[images]\n\"python:3.12-slim\" = \"registry.example.com/python:3.12-slim\"\n",
    )
    .unwrap();
    fs::write(tmp.path().join("Dockerfile"), PY).unwrap();
    let out = dockopt(
        &["explain", tmp.path().join("Dockerfile").to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("runtime: registry.example.com/python:3.12-slim"),
        "{text}"
    );
}

#[test]
fn a_mistake_in_the_config_is_an_error_with_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join(".dockopt.toml"),
        "non_root = true\nbuilder-name = \"x\"\n",
    )
    .unwrap();
    fs::write(tmp.path().join("Dockerfile"), PY).unwrap();
    let out = dockopt(
        &["rewrite", tmp.path().join("Dockerfile").to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(".dockopt.toml:2:1: unknown field `builder-name`"),
        "{stderr}"
    );
    let out = dockopt(
        &["rewrite", "--config", "/no/such/file.toml", "-"],
        PY.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("/no/such/file.toml:1:1: cannot read")
    );
}

#[test]
fn every_strategy_can_be_turned_off_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join(".dockopt.toml"),
        "disable = [\"distro\", \"java\"]\n",
    )
    .unwrap();
    let distro = tmp.path().join("distro.Dockerfile");
    fs::write(
        &distro,
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3-pip build-essential\nWORKDIR /app\nCOPY . .\nRUN pip3 install -r requirements.txt\nCMD [\"python3\", \"app.py\"]\n",
    )
    .unwrap();
    let java = tmp.path().join("java.Dockerfile");
    fs::write(
        &java,
        "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
    )
    .unwrap();
    let out = dockopt(&["rewrite", "--check", tmp.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("the distro strategy is turned off in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the java strategy is turned off in"),
        "{stderr}"
    );

    fs::write(tmp.path().join(".dockopt.toml"), "disable = [\"cobol\"]\n").unwrap();
    let out = dockopt(&["rewrite", "--check", java.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("unknown strategy `cobol` in disable (known: python, node, go, rust, java, dotnet, ruby, php, c, distro)"),
        "{stderr}"
    );
}

#[test]
fn app_facts_vouched_in_the_config_apply_to_every_file_below() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let app = "import os, subprocess\nsubprocess.run([os.environ['TOOL']])\n";
    let file = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nCMD [\"python\", \"app.py\"]\n";
    fs::create_dir_all(root.join("svc")).unwrap();
    fs::write(root.join("svc/Dockerfile"), file).unwrap();
    fs::write(root.join("svc/app.py"), app).unwrap();
    let run = || {
        let out = dockopt(
            &[
                "rewrite",
                "--stdout",
                root.join("svc/Dockerfile").to_str().unwrap(),
            ],
            b"",
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // Without the config, a program named by a variable stops the rewrite.
    let (_, err) = run();
    assert!(err.contains("DO302"), "{err}");
    fs::write(
        root.join(".dockopt.toml"),
        "[app]\nruns = [\"curl\"]\nnot_needed = []\n",
    )
    .unwrap();
    let (out, err) = run();
    assert!(out.contains("--no-install-recommends curl"), "{out}{err}");
    fs::write(
        root.join(".dockopt.toml"),
        "[app]\nruns = [\"curl\"]\nnot_needed = [\"curl\"]\n",
    )
    .unwrap();
    let (out, err) = run();
    assert!(out.contains("FROM python:3.12-slim"), "{out}{err}");
    assert!(!out.contains("curl"), "{out}");
}

#[test]
fn node_prune_can_be_turned_off() {
    let case = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/node/dev_dependencies_pruned");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for name in [
        "Dockerfile",
        "package.json",
        "package-lock.json",
        "tsconfig.json",
    ] {
        fs::copy(case.join(name), root.join(name)).unwrap();
    }
    let rewrite = || {
        let out = dockopt(
            &[
                "rewrite",
                "--stdout",
                root.join("Dockerfile").to_str().unwrap(),
            ],
            b"",
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(rewrite().contains("RUN npm prune --omit=dev\n"));
    fs::write(root.join(".dockopt.toml"), "[node]\nprune = false\n").unwrap();
    let off = rewrite();
    assert!(off.contains("FROM node:20-slim"), "{off}");
    assert!(!off.contains("prune"), "{off}");
}
