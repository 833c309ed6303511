//! What cargo does in a RUN: build, install, fetch, checks.

use crate::analysis::shell::Command;
use crate::analysis::steps::{CargoStep, Step};

/// A cargo command, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    (cmd.program() == "cargo").then(|| cargo(cmd.args()))
}

/// A cargo command: build or install with what names and folders.
fn cargo(args: &[String]) -> Step {
    let Some((sub, rest)) = args.split_first() else {
        return Step::Unknown("cargo".into());
    };
    let mut profile = "debug".to_string();
    let mut bins = Vec::new();
    let mut packages = Vec::new();
    let mut target = None;
    let mut target_dir = None;
    let mut manifest = None;
    let mut path = None;
    let mut root = None;
    let mut remote = Vec::new();
    let mut features = false;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let (name, inline) = option(a);
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match name {
            "--release" | "-r" => profile = "release".into(),
            "--profile" => profile = value().map_or("debug".into(), |p| profile_folder(&p)),
            "-p" | "--package" => packages.extend(value()),
            "--bin" => bins.extend(value()),
            "--target" => target = value(),
            "--target-dir" => target_dir = value(),
            "--manifest-path" => manifest = value(),
            "--path" => path = value(),
            "--root" => root = value(),
            "--git" => remote.extend(value()),
            "--version" | "--vers" | "--branch" | "--tag" | "--rev" | "--index" | "--registry" => {
                value();
            }
            "--features" | "-F" => {
                features = true;
                value();
            }
            "--all-features" | "--no-default-features" => features = true,
            "-j" | "--jobs" | "--config" | "--color" => {
                value();
            }
            // `cargo install diesel_cli`: a crate by name, from a registry.
            positional if !positional.starts_with('-') && sub == "install" => {
                remote.push(positional.to_string());
            }
            _ => {}
        }
    }
    match sub.as_str() {
        "build" | "b" => Step::Cargo(CargoStep::Build {
            profile,
            bins,
            packages,
            target,
            target_dir,
            manifest,
            features,
        }),
        "install" => Step::Cargo(CargoStep::Install {
            path,
            root,
            bins,
            remote,
        }),
        "fetch" | "vendor" | "generate-lockfile" | "update" => Step::Cargo(CargoStep::Fetch),
        "test" | "t" | "check" | "c" | "clippy" | "fmt" | "doc" => Step::Cargo(CargoStep::Check),
        "--version" | "-V" => Step::Harmless,
        other => Step::Unknown(format!("cargo {other}")),
    }
}

/// A cargo option as its name and, for `--name=value`, the value written
/// with it.
pub(super) fn option(word: &str) -> (&str, Option<String>) {
    match word.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
        _ => (word, None),
    }
}

/// The folder below target/ a profile writes to: cargo's built-in profiles
/// write to debug/ (dev, test) and release/ (release, bench), a custom one
/// to its own name.
pub(super) fn profile_folder(profile: &str) -> String {
    match profile {
        "dev" | "test" => "debug".into(),
        "release" | "bench" => "release".into(),
        custom => custom.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(line: &str) -> Step {
        cargo(
            &line
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn install_tells_the_context_from_a_registry_or_git() {
        let remote = |line: &str| match step(line) {
            Step::Cargo(CargoStep::Install { remote, .. }) => remote,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            remote("install diesel_cli --version 2.2.0 --no-default-features --features postgres"),
            ["diesel_cli"]
        );
        assert_eq!(
            remote("install --git https://example.com/x.git --branch main"),
            ["https://example.com/x.git"]
        );
        assert!(remote("install --path . --locked --root /usr/local").is_empty());
        assert!(matches!(
            step("build --release --bin api"),
            Step::Cargo(CargoStep::Build { .. })
        ));
    }
}
