//! `cargo run` as the image's command. The runtime stage has no cargo, so
//! it runs the binary that `cargo run` would: the one an earlier `cargo
//! build` of the same project and profile already made, which cargo would
//! find fresh and start as it is. Anything that could make cargo build
//! again when the container starts (other features, a later COPY, build
//! settings in the environment, another user) or that the program could
//! notice (cargo's own environment variables) keeps the file as it is.

use crate::analysis::steps::{CargoStep, Step};
use crate::classify::{self, Facts};
use crate::plan::{CommandChange, Unsure};
use crate::reasons::Code;
use crate::syntax::Kind;

/// A `cargo build` the file runs: where, how, and the binaries it writes.
pub struct Built {
    pub node: usize,
    pub project: String,
    pub profile: String,
    /// Built for another target or with feature flags: `cargo run` without
    /// the same flags would build again.
    pub other_flags: bool,
    pub outputs: Vec<String>,
}

impl Built {
    /// What a cargo step of `build` kind records; None for other steps.
    pub fn of(node: usize, project: String, step: &CargoStep, outputs: &[String]) -> Option<Self> {
        let CargoStep::Build {
            profile,
            target,
            features,
            ..
        } = step
        else {
            return None;
        };
        Some(Built {
            node,
            project,
            profile: profile.clone(),
            other_flags: target.is_some() || *features,
            outputs: outputs.to_vec(),
        })
    }
}

/// The image's command rewritten to start the binary `cargo run` starts,
/// with the arguments cargo hands on; None when the image does not run
/// `cargo run` in a form read here (the runtime-needs check then refuses
/// cargo as a program the runtime lacks).
pub fn command_change(
    facts: &Facts<'_>,
    builds: &[Built],
    project_bins: Option<Vec<String>>,
) -> Result<Option<CommandChange>, Unsure> {
    let Some((node, ins, words)) = crate::strategy::command::image_command(facts) else {
        return Ok(None);
    };
    let Some(run) = CargoRun::read(&words) else {
        return Ok(None);
    };
    let line = facts.line(node);
    let refuse = |why: String| Err(Unsure::at(Code::RunsBuildTool, line, why));
    let Some(project) = classify::resolve(".", facts.workdir.as_deref()) else {
        return Ok(None);
    };
    let built: Vec<&Built> = builds
        .iter()
        .filter(|b| b.project == project && b.profile == run.profile && !b.other_flags)
        .collect();
    let Some(last) = built.iter().map(|b| b.node).max() else {
        return refuse(format!(
            "the image runs cargo run, and no RUN builds {project} with the {} profile and no other target or features first: cargo would build when the container starts",
            run.profile
        ));
    };
    let binary = match pick_binary(facts, &project, &built, run.bin.as_deref(), project_bins) {
        Ok(b) => b,
        Err(why) => return refuse(why),
    };
    if let Some(why) = rebuild_risk(facts, last).or_else(|| cargo_visible(facts)) {
        return refuse(format!("the image runs cargo run, and {why}"));
    }
    Ok(Some(CommandChange {
        node,
        line,
        text: crate::strategy::command::written(ins, &binary, &run.args),
        reason: format!(
            "cargo run starts {binary}, which the build made (cargo stays in the builder)"
        ),
    }))
}

/// `cargo run` read: the profile it builds, `--bin`, and the words it
/// hands to the program.
struct CargoRun {
    profile: String,
    bin: Option<String>,
    args: Vec<String>,
}

impl CargoRun {
    /// None for another command, or a `cargo run` with options read
    /// nowhere here (features, `--example`, `--manifest-path`, `-p`...).
    fn read(words: &[String]) -> Option<CargoRun> {
        let [cargo, sub, rest @ ..] = words else {
            return None;
        };
        if cargo != "cargo" || sub != "run" {
            return None;
        }
        let mut run = CargoRun {
            profile: "debug".into(),
            bin: None,
            args: Vec::new(),
        };
        let mut it = rest.iter();
        while let Some(w) = it.next() {
            let (name, inline) = super::steps::option(w);
            let mut value = || inline.clone().or_else(|| it.next().cloned());
            match name {
                "--" => {
                    run.args.extend(it.by_ref().cloned());
                }
                "--release" | "-r" => run.profile = "release".into(),
                "--profile" => run.profile = super::steps::profile_folder(&value()?),
                "--bin" => run.bin = Some(value()?),
                "--locked" | "--frozen" | "--offline" | "-q" | "--quiet" => {}
                flag if flag.starts_with('-') => return None,
                // The first word that is not an option starts the program's
                // own; an option after it is left unread, since whether
                // cargo or the program takes it is cargo's own parsing.
                arg => {
                    run.args.push(arg.to_string());
                    for rest in it.by_ref() {
                        if rest.starts_with('-') {
                            return None;
                        }
                        run.args.push(rest.clone());
                    }
                }
            }
        }
        Some(run)
    }
}

/// The binary `cargo run` starts: `--bin`'s, the package's `default-run`,
/// or the project's only one (`project_bins`, as cargo finds them), when
/// the builds made it; why not otherwise.
fn pick_binary(
    facts: &Facts<'_>,
    project: &str,
    built: &[&Built],
    bin: Option<&str>,
    project_bins: Option<Vec<String>>,
) -> Result<String, String> {
    let mut outputs: Vec<&String> = built.iter().flat_map(|b| &b.outputs).collect();
    outputs.sort();
    outputs.dedup();
    let default_run = facts
        .context_file_at(&format!("{}/Cargo.toml", project.trim_end_matches('/')))
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .and_then(|doc| {
            doc.get("package")?
                .get("default-run")?
                .as_str()
                .map(String::from)
        });
    let wanted = bin.map(String::from).or(default_run);
    let named = |name: &str| {
        outputs
            .iter()
            .find(|o| o.rsplit('/').next() == Some(name))
            .map(|o| o.to_string())
    };
    let name = match (wanted, project_bins.as_deref()) {
        (Some(name), _) => name,
        (None, Some([only])) => only.clone(),
        (None, Some(_)) => {
            return Err("the image runs cargo run in a project of several binaries with no --bin or default-run, which cargo refuses".into());
        }
        (None, None) => {
            return Err(
                "the image runs cargo run, and dockopt cannot read which binaries the project has"
                    .into(),
            );
        }
    };
    named(&name).ok_or_else(|| {
        format!(
            "the image runs cargo run of the binary {name}, which no cargo build before it made"
        )
    })
}

/// Why cargo might build again when the container starts, if it might: a
/// COPY, ADD, USER or a RUN that could touch the sources after the build,
/// or build settings in the environment.
fn rebuild_risk(facts: &Facts<'_>, build: usize) -> Option<String> {
    let kinds = [Kind::Copy, Kind::Add];
    if let Some(at) = crate::strategy::command::changed_after(facts, build, &kinds) {
        return Some(format!(
            "{at} comes after the build it would run: cargo could build again when the container starts, or fail"
        ));
    }
    let harmless = |s: &Step| {
        matches!(
            s,
            Step::PackageIndex
                | Step::PackageUpgrade
                | Step::PackageInstall { .. }
                | Step::PackageRemove { .. }
                | Step::Cleanup
                | Step::Harmless
                | Step::Cargo(CargoStep::Check | CargoStep::Fetch)
        )
    };
    if let Some((node, _, _)) = facts
        .run_steps
        .iter()
        .find(|(node, _, steps)| *node > build && !steps.iter().all(harmless))
    {
        return Some(format!(
            "the RUN on line {} after the build may change what cargo would build again",
            facts.line(*node)
        ));
    }
    let setting = facts.env.iter().map(|(k, _)| k.as_str()).find(|k| {
        matches!(
            *k,
            "RUSTFLAGS" | "CARGO_ENCODED_RUSTFLAGS" | "CARGO_TARGET_DIR" | "CARGO_INCREMENTAL"
        ) || k.starts_with("CARGO_BUILD_")
            || k.starts_with("CARGO_PROFILE_")
            || k.starts_with("RUSTC")
    });
    setting.map(|k| format!("the environment sets {k}, which changes what cargo builds"))
}

/// Why the program could tell it was not started by cargo, if it could:
/// it reads cargo's variables (`CARGO_PKG_VERSION`...) or the whole
/// environment at run time, or a crate is a dylib that cargo's library
/// path finds. Unreadable sources count as such a reason.
fn cargo_visible(facts: &Facts<'_>) -> Option<String> {
    crate::strategy::sources::first_in_sources(
        facts,
        "whether the program reads cargo's environment",
        |name| name.ends_with(".rs") || name == "Cargo.toml",
        |name, text| {
            if name == "Cargo.toml" {
                return text.contains("dylib").then(|| {
                    format!(
                        "{name} builds a dylib, which cargo run finds through its own library path"
                    )
                });
            }
            let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            ["var(\"CARGO", "var_os(\"CARGO", "vars()", "vars_os()"]
                .iter()
                .find(|r| squeezed.contains(*r))
                .map(|r| {
                    format!("{name} reads the environment (`{r}`), where cargo run sets variables of its own")
                })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Option<(String, Option<String>, Vec<String>)> {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        CargoRun::read(&words).map(|r| (r.profile, r.bin, r.args))
    }

    #[test]
    fn reads_cargo_run() {
        assert_eq!(
            read("cargo run --release"),
            Some(("release".into(), None, vec![]))
        );
        assert_eq!(
            read("cargo run --locked --bin api -- --port 80"),
            Some((
                "debug".into(),
                Some("api".into()),
                vec!["--port".into(), "80".into()]
            ))
        );
        assert_eq!(
            read("cargo run --profile=bench serve"),
            Some(("release".into(), None, vec!["serve".into()]))
        );
        assert_eq!(read("cargo run serve --release"), None);
        assert_eq!(
            read("cargo run --release serve now"),
            Some(("release".into(), None, vec!["serve".into(), "now".into()]))
        );
        assert_eq!(read("cargo run --features x"), None);
        assert_eq!(read("cargo run --example demo"), None);
        assert_eq!(read("cargo build --release"), None);
        assert_eq!(read("./target/release/app"), None);
    }
}
