//! Plain distribution images: `debian`, `ubuntu`, `alpine` and the Ubuntu
//! tags of `nvidia/cuda`, with the language installed by the file itself.
//!
//! Fedora and Red Hat UBI images are handled the same way, with dnf.
//!
//! ## What it recognises
//! Package installs of the distribution, `pip install` (system-wide into
//! /usr/local on Debian and Ubuntu, `--user`, `--prefix`, `--target`, or a
//! virtual environment the file makes), npm and yarn projects whose
//! `node_modules` live in the app, `go build`, and `cargo build` with the
//! distribution's own cargo (into the project's target/; a `cargo run`
//! command becomes the binary it starts, as on the rust image).
//!
//! ## What it emits
//! The runtime stage starts from the very same image (same release, same
//! digest), installs the runtime packages only (compilers, headers, git and
//! `-dev` packages stay behind; a `-dev` package's runtime library takes its
//! place), and copies the app, the virtual environments, pip's folders under
//! /usr/local and the built binaries.
//!
//! ## When it leaves the file alone
//! A build that installs no build-only package (the runtime would be the
//! same image with the same files); pip installing into Alpine's system
//! Python or a release whose Python version dockopt does not know; poetry,
//! pipenv, uv, `go install`, `cargo install` or global npm installs, whose
//! folders on a distribution image are not fixed; a CMD that runs a
//! program from a build-only package.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! requirements.txt:
//! flask==3.0.3
//! ```
//! ```text
//! app.py:
//! print('app')
//! ```
//! the file
//! ```dockerfile
//! FROM ubuntu:22.04
//! RUN apt-get update && apt-get install -y \
//!     python3 python3-pip build-essential
//! WORKDIR /app
//! COPY . .
//! RUN pip3 install -r requirements.txt
//! CMD ["python3", "app.py"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM ubuntu:22.04 AS builder
//! RUN apt-get update && apt-get install -y \
//!     python3 python3-pip build-essential
//! WORKDIR /app
//! COPY . .
//! RUN pip3 install -r requirements.txt
//!
//! FROM ubuntu:22.04
//! # hadolint ignore=DL3015
//! RUN apt-get update \
//!     && apt-get install -y python3 python3-pip \
//!     && rm -rf /var/lib/apt/lists/*
//! COPY --from=builder /app /app
//! COPY --from=builder /usr/local/lib/python3.10 /usr/local/lib/python3.10
//! COPY --from=builder /usr/local/bin /usr/local/bin
//! WORKDIR /app
//! CMD ["python3", "app.py"]
//! ```

use crate::analysis::shell::Command;
use crate::analysis::steps::{CargoStep, GoStep, NodeAction, Step};
use crate::catalog::{Distro, Family};
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::{
    Runtime, base_plan, cpp, go, install_runtime_needs, left_behind, manifests, push_artifact,
    refuse_runtime_compilers, runs_binary, rust, same_image_has,
};

/// Decides the plan for a plain distribution image.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let distro = crate::catalog::catalog()
        .distro(&facts.image)
        .ok_or_else(|| {
            Unsure::file(
                crate::reasons::Code::UnknownBase,
                format!(
                    "the base image {} is not a distribution dockopt knows",
                    facts.image_text
                ),
            )
        })?;
    plan_for(facts, distro)
}

/// Decides the plan for a project built on a plain distribution image.
fn plan_for(facts: &Facts<'_>, distro: &Distro) -> Result<Plan, Unsure> {
    let runtime = Runtime {
        image: facts.image.to_string(),
        family: distro.family,
        builder: None,
    };
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Distro, &runtime);
    let mut outputs = Outputs::default();
    for (node, workdir, steps) in &facts.run_steps {
        for step in steps {
            artifacts_of(
                facts,
                distro,
                step,
                workdir.as_deref(),
                *node,
                &mut plan,
                &mut outputs,
            )?;
        }
    }
    let binaries = outputs.binaries;
    if !outputs.cargo.is_empty() {
        rust::lean_app_copy(facts, &mut plan, &binaries);
    }
    let built = cpp::install_artifacts(facts, &mut plan, distro.busy_usr_local)?;
    let left_behind = build_only_packages(facts, distro)?;
    let change = outputs.cargo.command_change(facts)?;
    // The `cargo run` the runtime stage replaces by the binary it starts.
    let replaced = super::command::replaced(facts, change.as_ref());
    let mut provided = |cmd: &Command| -> Result<bool, Unsure> {
        if replaced.contains(&cmd.argv)
            || runs_binary(facts, &binaries, cmd)
            || built.runs(facts, cmd)
            || cpp::built_in_app(facts, cmd)
        {
            return Ok(true);
        }
        same_image_has(distro.family, &left_behind, cmd)
    };
    // The file installs every -dev package a source build uses here, so
    // what it could not read does not hide a library.
    let mut libraries =
        manifests::native_libraries(distro.family, &manifests::python_packages(facts).names);
    if !outputs.cargo.is_empty() {
        libraries.extend(outputs.cargo.linked_libraries(facts, distro.family)?);
    }
    install_runtime_needs(&mut plan, facts, distro.family, &mut provided, libraries)?;
    if let Some(change) = change {
        super::command::apply(&mut plan, change);
    }
    plan.decisions[0].reason = format!(
        "the builder keeps {}; the runtime stage starts from the same image without the build-only packages ({})",
        facts.image_text,
        left_behind.join(", ")
    );
    super::python::django::static_files(facts, &mut plan)?;
    Ok(plan)
}

/// The build-only packages the runtime leaves behind; refused when the
/// file builds nothing (then packages such as git are the program's own,
/// not build tools) or installs none of them (a runtime from the same
/// image would hold the same files).
fn build_only_packages(facts: &Facts<'_>, distro: &Distro) -> Result<Vec<String>, Unsure> {
    let builds = facts.runs_step(|s| {
        matches!(
            s,
            Step::Pip(_)
                | Step::Native { .. }
                | Step::Go(GoStep::Build { .. })
                | Step::Cargo(CargoStep::Build { .. })
                | Step::Node {
                    action: NodeAction::Install | NodeAction::Build,
                    ..
                }
        )
    });
    if !builds {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no build step: the file installs packages and copies files, but builds nothing a builder stage could keep",
        ));
    }
    let left_behind = left_behind(facts, distro.family);
    if left_behind.is_empty() {
        return Err(Unsure::file(
            Code::NothingToBuild,
            format!(
                "the build installs no build-only package, so a runtime stage from {} would hold the same files",
                facts.image_text
            ),
        ));
    }
    Ok(left_behind)
}

/// The binaries the build steps write, and the cargo builds among them.
#[derive(Default)]
struct Outputs {
    binaries: Vec<String>,
    cargo: rust::CargoBuilds,
}

/// What one build step leaves that the runtime needs, added to the plan.
fn artifacts_of(
    facts: &Facts<'_>,
    distro: &Distro,
    step: &Step,
    workdir: Option<&str>,
    node: usize,
    plan: &mut Plan,
    outputs: &mut Outputs,
) -> Result<(), Unsure> {
    let line = facts.line(node);
    let binaries = &mut outputs.binaries;
    let at = |path: &str, what: &str| {
        classify::resolve(path, workdir)
            .filter(|p| !p.contains('$'))
            .ok_or_else(|| {
                Unsure::at(
                    Code::UnplaceablePath,
                    line,
                    format!("{what} {path}, which dockopt cannot place"),
                )
            })
    };
    match step {
        Step::Venv { path, .. } => {
            let dir = at(path, "a virtual environment at")?;
            push_artifact(
                plan,
                dir,
                format!("the virtual environment made on line {line}"),
            );
        }
        Step::Pip(pip) => {
            refuse_runtime_compilers(facts, &pip.packages, Some(line))?;
            if let Some(dir) = pip.prefix.as_ref().or(pip.target.as_ref()) {
                let dir = at(dir, "pip installs into")?;
                push_artifact(plan, dir, format!("pip installs here (line {line})"));
            } else if pip.user {
                push_artifact(
                    plan,
                    "/root/.local".into(),
                    format!("pip --user installs here (line {line})"),
                );
            } else if venv_on_path(facts, workdir) {
                // Into the virtual environment, which is copied whole.
            } else if !pip.packages.is_empty() || !pip.requirements.is_empty() {
                system_pip(facts, distro, line, plan)?;
            }
        }
        Step::Go(build @ GoStep::Build { .. }) => {
            let out = go::build_output(facts, build, workdir, line)?;
            push_artifact(
                plan,
                out.clone(),
                format!("the binary go build writes (line {line})"),
            );
            binaries.push(out);
        }
        // cargo build writes into the project's target/; only its caches
        // go under the toolchain's home.
        Step::Cargo(build @ CargoStep::Build { .. }) => {
            for out in outputs.cargo.read(facts, node, workdir, build)? {
                push_artifact(
                    plan,
                    out.clone(),
                    format!("the binary cargo build writes (line {line})"),
                );
                outputs.binaries.push(out);
            }
        }
        other => refuse_unfollowed(other, workdir, line)?,
    }
    Ok(())
}

/// Steps of other ecosystems that install where a distribution image's
/// tools put things that dockopt does not follow.
fn refuse_unfollowed(step: &Step, workdir: Option<&str>, line: usize) -> Result<(), Unsure> {
    let why = match step {
        Step::PythonTool { tool, .. } => format!(
            "{tool} on a distribution image installs into folders dockopt does not follow"
        ),
        Step::NodeGlobal { .. } => {
            "a global npm install on a distribution image goes where its npm was configured".into()
        }
        Step::Node {
            action: NodeAction::Install | NodeAction::Build | NodeAction::Prune,
            ..
        } if workdir.is_none_or(|w| w == "/") => {
            "node_modules would land in /, which the runtime cannot copy apart".into()
        }
        Step::Go(GoStep::Install { .. }) | Step::Cargo(CargoStep::Install { .. }) => {
            "on a distribution image this installs under the toolchain's own home, which dockopt does not follow".into()
        }
        _ => return Ok(()),
    };
    Err(Unsure::at(Code::ForeignStep, line, why))
}

/// Whether a virtual environment the file makes is on PATH, so a bare pip
/// installs into it.
fn venv_on_path(facts: &Facts<'_>, workdir: Option<&str>) -> bool {
    let path = facts
        .env_value("PATH")
        .unwrap_or("")
        .replace(['"', '\''], "");
    facts.runs_step(|s| match s {
        Step::Venv { path: dir, .. } => classify::resolve(dir, workdir)
            .is_some_and(|abs| path.split(':').any(|p| p == format!("{abs}/bin"))),
        _ => false,
    })
}

/// pip run as root on Debian and Ubuntu writes packages into
/// /usr/local/lib/python3.X and scripts into /usr/local/bin; Alpine's
/// Python installs into /usr, mixed with the system's own files.
fn system_pip(
    facts: &Facts<'_>,
    distro: &Distro,
    line: usize,
    plan: &mut Plan,
) -> Result<(), Unsure> {
    if distro.family == Family::Alpine {
        return Err(Unsure::at(
            Code::PythonEnvironment,
            line,
            "pip installs into Alpine's system Python under /usr; make a virtual environment so the runtime can copy it",
        ));
    }
    if distro.family == Family::Fedora {
        // pip puts pure packages under /usr/local/lib and compiled ones
        // under /usr/local/lib64; both folders come with the image's
        // filesystem package and hold nothing else there.
        for dir in ["/usr/local/lib", "/usr/local/lib64", "/usr/local/bin"] {
            push_artifact(plan, dir.into(), format!("pip installs here (line {line})"));
        }
        return Ok(());
    }
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    let version = distro.python3(tag).ok_or_else(|| {
        Unsure::at(Code::PythonEnvironment,
            line,
            format!(
                "pip installs into /usr/local/lib/python3.X, and dockopt does not know the Python version of {}",
                facts.image_text
            ),
        )
    })?;
    push_artifact(
        plan,
        format!("/usr/local/lib/python{version}"),
        format!("pip installs the packages here (line {line})"),
    );
    push_artifact(
        plan,
        "/usr/local/bin".into(),
        format!("pip installs the packages' commands here (line {line})"),
    );
    Ok(())
}
