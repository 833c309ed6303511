//! `go run` as the image's command. `go run` compiles the package into a
//! temporary folder when the container starts and runs it there; the
//! runtime stage has no go, so the builder compiles the same package once
//! (`go build -o /usr/local/libexec/go-run/NAME`, the last step before the
//! command)
//! and the runtime starts that binary with the same arguments, in the same
//! folder. Anything that would make the two builds differ (build flags,
//! later files or settings, another user) or that the program could notice
//! (where its own binary lies) keeps the file as it is.

use crate::classify::Facts;
use crate::plan::{Added, CommandChange, Unsure};
use crate::reasons::Code;
use crate::strategy::command;
use crate::syntax::Kind;

/// Where the builder puts the binary of a `go run`: a folder of its own,
/// off PATH as go run's temporary folder is, so that a binary named like a
/// system program (`./cmd/env`) shadows nothing; go build makes it.
const BIN_DIR: &str = "/usr/local/libexec/go-run";

/// The binary `go run` would build, made in the builder, and the command
/// that starts it.
pub struct GoRun {
    /// The binary's path in both stages.
    pub binary: String,
    /// The RUN added as the builder's last step, and the node it goes before.
    pub build: (usize, Added),
    pub change: CommandChange,
}

/// The image's `go run` turned into a build and a command, or None when
/// the image does not run `go run` in a form read here (the runtime-needs
/// check then refuses go as a program the runtime lacks).
pub fn go_run(facts: &Facts<'_>) -> Result<Option<GoRun>, Unsure> {
    let Some((node, ins, words)) = command::image_command(facts) else {
        return Ok(None);
    };
    let Some((targets, args)) = read(&words) else {
        return Ok(None);
    };
    let line = facts.line(node);
    let refuse = |why: String| Err(Unsure::at(Code::RunsBuildTool, line, why));
    if let Some(why) = later_change(facts, node).or_else(|| build_settings(facts)) {
        return refuse(format!("the image runs go run, and {why}"));
    }
    if let Some(why) = finds_its_binary(facts) {
        return refuse(format!("the image runs go run, and {why}"));
    }
    let binary = format!(
        "{BIN_DIR}/{}",
        binary_name(&targets, facts.workdir.as_deref())
    );
    let build = Added::Run {
        command: format!("go build -buildvcs=false -o {binary} {}", targets.join(" ")),
    };
    Ok(Some(GoRun {
        change: CommandChange {
            node,
            line,
            text: command::written(ins, &binary, &args),
            reason: format!(
                "go run compiles {} when the container starts; the builder compiles it once into {binary} (go stays in the builder)",
                targets.join(" ")
            ),
        },
        build: (node, build),
        binary,
    }))
}

/// `go run` read: the package (`.`, `./cmd/x`) or the `.go` files it
/// builds, and the words it hands to the program. None for another
/// command, build flags, or a package that is not a folder of the context
/// (an import path, `pkg@version`).
fn read(words: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let [go, sub, rest @ ..] = words else {
        return None;
    };
    if go != "go" || sub != "run" {
        return None;
    }
    let files = rest.iter().take_while(|w| w.ends_with(".go")).count();
    let (targets, args) = match files {
        0 => rest
            .split_first()
            .map(|(p, a)| (vec![p.clone()], a.to_vec()))?,
        n => (rest[..n].to_vec(), rest[n..].to_vec()),
    };
    let local = |t: &String| {
        !t.starts_with('-')
            && !t.contains("..")
            && !t.contains('@')
            && (t == "." || t.starts_with("./") || t.ends_with(".go"))
    };
    targets.iter().all(local).then_some((targets, args))
}

/// The name `go build` would give: after the first file, or after the
/// package's folder (the WORKDIR's for `.`).
fn binary_name(targets: &[String], workdir: Option<&str>) -> String {
    let first = targets.first().map(String::as_str).unwrap_or(".");
    let name = match first.strip_suffix(".go") {
        Some(file) => file.rsplit('/').next().unwrap_or(file),
        None => {
            let dir = first.trim_end_matches('/');
            let dir = if dir == "." {
                workdir.unwrap_or("")
            } else {
                dir
            };
            dir.rsplit('/').next().unwrap_or("")
        }
    };
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    if name.is_empty() || name.starts_with('.') {
        "app".into()
    } else {
        name
    }
}

/// An instruction after the command that would change what `go run`
/// builds or how (COPY, ADD, RUN, ENV, ARG, WORKDIR), since the builder
/// compiles before the command's place, or a USER (go run needs a build
/// cache its user can write).
fn later_change(facts: &Facts<'_>, node: usize) -> Option<String> {
    let kinds = [
        Kind::Copy,
        Kind::Add,
        Kind::Run,
        Kind::Env,
        Kind::Arg,
        Kind::Workdir,
    ];
    command::changed_after(facts, node, &kinds)
        .map(|at| format!("{at} changes what go run would build or whether it could"))
}

/// Settings in the environment that make `go build` in the builder differ
/// from `go run` at start in ways not followed here.
fn build_settings(facts: &Facts<'_>) -> Option<String> {
    facts
        .env
        .iter()
        .map(|(k, _)| k.as_str())
        .find(|k| {
            matches!(
                *k,
                "GOFLAGS" | "GOOS" | "GOARCH" | "GOEXPERIMENT" | "GOTOOLCHAIN"
            )
        })
        .map(|k| format!("the environment sets {k}"))
}

/// Why the program could tell its binary from go run's, if it could: a Go
/// file of the context asks where its own binary lies (os.Executable),
/// which go run puts in a temporary folder, or the sources cannot be read.
fn finds_its_binary(facts: &Facts<'_>) -> Option<String> {
    crate::strategy::sources::first_in_sources(
        facts,
        "where the program looks for files",
        |name| name.ends_with(".go"),
        |name, text| {
            text.contains("os.Executable(").then(|| {
                format!("{name} asks where its own binary lies (os.Executable), which go run puts in a temporary folder")
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_go_run() {
        assert_eq!(
            read(&words("go run main.go --port 80")),
            Some((vec!["main.go".into()], vec!["--port".into(), "80".into()]))
        );
        assert_eq!(
            read(&words("go run ./cmd/server serve")),
            Some((vec!["./cmd/server".into()], vec!["serve".into()]))
        );
        assert_eq!(read(&words("go run .")), Some((vec![".".into()], vec![])));
        assert_eq!(read(&words("go run -race .")), None);
        assert_eq!(read(&words("go run example.com/tool@v1.2.0")), None);
        assert_eq!(read(&words("go build .")), None);
    }

    #[test]
    fn names_the_binary_as_go_build_would() {
        assert_eq!(binary_name(&["main.go".into()], Some("/app")), "main");
        assert_eq!(binary_name(&[".".into()], Some("/srv/api")), "api");
        assert_eq!(
            binary_name(&["./cmd/server/".into()], Some("/app")),
            "server"
        );
        assert_eq!(binary_name(&[".".into()], Some("/")), "app");
    }
}
