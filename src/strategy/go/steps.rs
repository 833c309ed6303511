//! What the go command does in a RUN: build, install, modules, checks.

use crate::analysis::shell::Command;
use crate::analysis::steps::{GoStep, Step};

/// A go command, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    (cmd.program() == "go").then(|| go(cmd, cmd.args()))
}

/// The build flags of `go build` and `go install` that take a value, so
/// that the value is not taken for a package.
const GO_VALUE_FLAGS: &[&str] = &[
    "o",
    "C",
    "p",
    "asmflags",
    "buildmode",
    "compiler",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
    "covermode",
    "coverpkg",
];

/// A go command, with CGO_ENABLED when the command line sets it.
fn go(cmd: &Command, args: &[String]) -> Step {
    let cgo = cmd
        .assignments
        .iter()
        .find(|(k, _)| k == "CGO_ENABLED")
        .map(|(_, v)| v != "0");
    match args.first().map(String::as_str) {
        Some("mod" | "get" | "env" | "version" | "work") => Step::Go(GoStep::Modules),
        Some("build") => {
            let (flags, packages) = go_flags(&args[1..]);
            let flag = |name: &str| {
                flags
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            Step::Go(GoStep::Build {
                output: flag("o"),
                chdir: flag("C"),
                tags: go_tags(flag("tags")),
                packages,
                cgo,
            })
        }
        Some("install") => {
            let (flags, packages) = go_flags(&args[1..]);
            let tags = flags
                .iter()
                .rev()
                .find(|(n, _)| n == "tags")
                .map(|(_, v)| v.clone());
            Step::Go(GoStep::Install {
                packages,
                cgo,
                tags: go_tags(tags),
            })
        }
        Some("test" | "vet") => Step::Go(GoStep::Check),
        Some("generate") => Step::Go(GoStep::Generate),
        Some(other) => Step::Unknown(format!("go {other}")),
        None => Step::Unknown("go".into()),
    }
}

/// The tags of `-tags a,b` (or the older `-tags "a b"`).
fn go_tags(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// Splits go build arguments into flags (name without dashes, value) and
/// the packages or files after them.
fn go_flags(args: &[String]) -> (Vec<(String, String)>, Vec<String>) {
    let mut flags = Vec::new();
    let mut packages = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(flag) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
            packages.push(a.clone());
            continue;
        };
        match flag.split_once('=') {
            Some((n, v)) => flags.push((n.to_string(), v.to_string())),
            None if GO_VALUE_FLAGS.contains(&flag) => {
                flags.push((flag.to_string(), it.next().cloned().unwrap_or_default()))
            }
            None => flags.push((flag.to_string(), String::new())),
        }
    }
    (flags, packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::steps::steps_of as steps;

    #[test]
    fn go_build_flags_and_packages() {
        assert_eq!(
            steps("CGO_ENABLED=0 go build -ldflags='-s -w' -o /bin/app ./cmd/app")[0],
            Step::Go(GoStep::Build {
                output: Some("/bin/app".into()),
                packages: vec!["./cmd/app".into()],
                chdir: None,
                cgo: Some(false),
                tags: vec![]
            })
        );
        assert_eq!(
            steps("go build -tags netgo -ldflags \"-s -w\" -C src main.go util.go")[0],
            Step::Go(GoStep::Build {
                output: None,
                packages: vec!["main.go".into(), "util.go".into()],
                chdir: Some("src".into()),
                cgo: None,
                tags: vec!["netgo".into()]
            })
        );
    }
}
