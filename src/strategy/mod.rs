//! Ecosystem strategies: each decides, for its kind of project, what the
//! runtime stage needs. One module per ecosystem; the shared work (runtime
//! image, system packages, tools that CMD calls) is here.
//!
//! A strategy returns a [`Plan`] or an [`Unsure`] saying why the file is
//! better left alone.

pub(crate) mod command;
pub mod cpp;
pub mod distro;
pub mod dotnet;
pub mod foreign;
pub mod go;
pub mod java;
pub mod manifests;
pub mod needs;
pub mod node;
mod owners;
mod packages;
pub mod php;
pub mod python;
pub mod registry;
pub mod ruby;
mod runtime;
pub mod rust;
mod sources;

pub use packages::{
    add_packages, left_behind, package_command, refuse_runtime_compilers, runtime_differs,
    runtime_packages, same_image_has, source_built_libraries, want,
};
pub use runtime::{Runtime, binary_runtime, refuse_digest, slim_variant};

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::{self, Family, ImageRef};
use crate::classify::{self, Facts};
use crate::ecosystem::Ecosystem;
use crate::plan::{Added, Addition, Artifact, Plan, Role, Unsure};
use crate::reasons::Code;

/// The strategy that decides for a base image, if any.
pub fn strategy_for(image: &ImageRef) -> Option<Ecosystem> {
    if catalog::catalog().distro(image).is_some() {
        return Some(Ecosystem::Distro);
    }
    ecosystem_of(image)
}

/// The ecosystem a base image belongs to, if dockopt has a strategy for it.
pub fn ecosystem_of(image: &ImageRef) -> Option<Ecosystem> {
    catalog::catalog()
        .ecosystem(&image.repository)
        .map(|e| e.name)
}

/// Decides a plan for a parsed single-stage file.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let plan = match catalog::catalog().distro(&facts.image) {
        Some(_) => (registry::strategy(Ecosystem::Distro).plan)(facts)?,
        None => {
            let mut plan = by_ecosystem(facts)?;
            if plan.strategy != Ecosystem::C {
                // Language images keep their own runtime in /usr/local, so
                // only an install to a prefix of its own can be copied.
                cpp::install_artifacts(facts, &mut plan, true)?;
            }
            owners::check_owners(facts, &mut plan)?;
            plan
        }
    };
    foreign::check(facts, plan.strategy)?;
    refuse_artifacts_in_mounts(facts, &plan)?;
    Ok(plan)
}

/// A RUN's cache or tmpfs mount keeps what is written below it out of the
/// image, so an artifact there is not in the builder stage for the runtime
/// to copy (`RUN --mount=type=cache,target=/app/target cargo build`).
fn refuse_artifacts_in_mounts(facts: &Facts<'_>, plan: &Plan) -> Result<(), Unsure> {
    for (node, workdir, _) in &facts.run_steps {
        let Some(ins) = facts.instruction(*node) else {
            continue;
        };
        for target in volatile_mounts(ins, workdir.as_deref()) {
            if let Some(a) = plan
                .artifacts
                .iter()
                .find(|a| classify::under(&a.path, &target))
            {
                return Err(Unsure::at(
                    Code::UnplaceablePath,
                    facts.line(*node),
                    format!(
                        "the runtime would copy {} from the builder, and this RUN's cache mount on {target} keeps what is written there out of the image",
                        a.path
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The targets of a RUN's `--mount=type=cache` and `type=tmpfs` flags, made
/// absolute against the WORKDIR.
fn volatile_mounts(ins: &crate::syntax::Instruction, workdir: Option<&str>) -> Vec<String> {
    ins.flags()
        .filter(|f| f.name == "mount")
        .filter_map(|f| {
            let fields: Vec<(&str, &str)> = f
                .value?
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            let field = |k: &[&str]| fields.iter().find(|(n, _)| k.contains(n)).map(|(_, v)| *v);
            let kind = field(&["type"]).unwrap_or("bind");
            if kind != "cache" && kind != "tmpfs" {
                return None;
            }
            let target = field(&["target", "dst", "destination"])?;
            classify::resolve(target.trim_matches('"'), workdir)
        })
        .collect()
}

/// The plan of the ecosystem strategy for the base image.
fn by_ecosystem(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    match ecosystem_of(&facts.image) {
        Some(eco) => (registry::strategy(eco).plan)(facts),
        None => Err(unknown_base(&facts.image_text)),
    }
}

/// The reason for a base image no strategy knows.
pub fn unknown_base(image: &str) -> Unsure {
    Unsure::file(
        Code::UnknownBase,
        format!("the base image {image} is not one dockopt has a strategy for"),
    )
}

/// Checks the programs that CMD, ENTRYPOINT and HEALTHCHECK run, and what
/// the app's code uses, against what the runtime image lacks (see
/// [`needs`]); `provided` says which programs the strategy vouches for.
/// Returns the packages to install.
pub fn check_runtime_programs(
    facts: &Facts<'_>,
    family: Family,
    plan: &Plan,
    provided: &mut dyn FnMut(&Command) -> Result<bool, Unsure>,
) -> Result<Vec<(String, String)>, Unsure> {
    needs::check(facts, plan, family, provided)
}

/// The common shape of a plan: roles from the facts, images, artifacts.
pub fn base_plan(facts: &Facts<'_>, strategy: Ecosystem, runtime: &Runtime) -> Plan {
    let builder_name = facts.stage_name.clone().unwrap_or_else(|| "builder".into());
    let from = &facts.df.nodes()[facts.from];
    let mut decisions = vec![crate::plan::Decision {
        node: facts.from,
        lines: from.lines,
        kind: crate::syntax::Kind::From,
        keyword: from
            .instruction()
            .map(|i| i.keyword().to_string())
            .unwrap_or_default(),
        role: Role::Build,
        reason: match &runtime.builder {
            None => format!(
                "the builder keeps {}; the runtime stage starts from {}",
                facts.image_text, runtime.image
            ),
            Some(pinned) => format!(
                "the builder keeps {}, written {pinned}: the same image today, named by a tag that does not move, so that the runtime stage's {} stays on the builder's Debian release when {} moves",
                facts.image_text, runtime.image, facts.image_text
            ),
        },
    }];
    decisions.extend(facts.decisions.iter().cloned());
    let mut runtime_steps = Vec::new();
    let same_repository = ImageRef::parse(&runtime.image).repository == facts.image.repository;
    if let Some(dir) = facts
        .inherited_workdir
        .as_ref()
        .filter(|_| !same_repository)
    {
        runtime_steps.push(Addition {
            what: Added::Workdir { path: dir.clone() },
            why: format!(
                "{} starts in {dir}, and the file relies on it; {} does not",
                facts.image_text, runtime.image
            ),
        });
    }
    Plan {
        strategy,
        builder_image: runtime
            .builder
            .clone()
            .unwrap_or_else(|| facts.image_text.clone()),
        pinned_from: runtime.builder.as_ref().map(|_| facts.image_text.clone()),
        builder_name,
        runtime_image: runtime.image.clone(),
        decisions,
        artifacts: facts.app_paths.clone(),
        builder_inserts: Vec::new(),
        prune: None,
        dev_kept: None,
        runtime_steps,
        artifact_env: Vec::new(),
        link: false,
        runtime_user: None,
        replay_after: facts.replay_after.clone(),
        command: None,
    }
}

/// A copy out of an image that only hands over a build tool (composer,
/// uv; images.toml's `[tool_images]`) stays in the builder: the strategies
/// that call this refuse a runtime command that starts the tool. Returns
/// whether any such copy stays in the builder.
pub fn leave_tool_images_behind(facts: &Facts<'_>, plan: &mut Plan) -> bool {
    let catalog = crate::catalog::catalog();
    let mut left = false;
    for d in &mut plan.decisions {
        let Some(ins) = facts.df.nodes()[d.node].instruction() else {
            continue;
        };
        let tool = ins
            .flag("from")
            .flatten()
            .and_then(|from| catalog.tool_image(from));
        let Some(tool) = tool else {
            continue;
        };
        if d.role == Role::Both {
            d.role = Role::Build;
            d.reason = format!("copies {tool}, a build tool the runtime does not need");
        }
        left |= d.role == Role::Build;
    }
    left
}

/// Whether a RUN writes files into, or changes owners below, one of the
/// folders (or somewhere dockopt cannot place): then the runtime cannot get
/// their files from the context or the build's outputs alone.
pub fn run_writes_under(facts: &Facts<'_>, folders: &[String]) -> bool {
    facts.run_steps.iter().any(|(_, workdir, steps)| {
        steps.iter().any(|s| match s {
            Step::Files { paths, .. } | Step::Chown { paths, .. } => paths.iter().any(|p| {
                classify::resolve(p, workdir.as_deref())
                    .is_none_or(|abs| folders.iter().any(|f| classify::under(&abs, f)))
            }),
            _ => false,
        })
    })
}

/// Adds an artifact unless a copied folder already holds it.
pub fn push_artifact(plan: &mut Plan, path: String, reason: String) {
    if plan
        .artifacts
        .iter()
        .any(|a| classify::under(&path, &a.path))
    {
        return;
    }
    plan.artifacts.retain(|a| !classify::under(&a.path, &path));
    plan.artifacts.push(Artifact {
        path,
        chown: None,
        reason,
        file: false,
    });
}

/// The runtime copies the `binaries` instead of the `app` folders: the
/// folders' artifacts go, and each binary says `why`, after `made_by` for
/// a binary not copied yet (one already copied keeps its own account).
pub fn binaries_instead_of(
    plan: &mut Plan,
    app: &[String],
    binaries: &[String],
    made_by: &str,
    why: &str,
) {
    plan.artifacts.retain(|a| !app.contains(&a.path));
    for b in binaries {
        match plan.artifacts.iter_mut().find(|a| &a.path == b) {
            Some(a) if !a.reason.contains(why) => a.reason = format!("{}; {why}", a.reason),
            Some(_) => {}
            None => push_artifact(plan, b.clone(), format!("{made_by}; {why}")),
        }
    }
}

/// Completes a plan's runtime stage: checks every program CMD, ENTRYPOINT
/// and HEALTHCHECK call (`provided` says which the strategy vouches for),
/// and installs the tools missing, the runtime libraries of what the build
/// installed, and `extra` packages the strategy asks for.
pub fn install_runtime_needs(
    plan: &mut Plan,
    facts: &Facts<'_>,
    family: Family,
    provided: &mut dyn FnMut(&Command) -> Result<bool, Unsure>,
    extra: Vec<(String, String)>,
) -> Result<(), Unsure> {
    let mut wanted = check_runtime_programs(facts, family, plan, provided)?;
    wanted.extend(extra);
    let packages = runtime_packages(facts, &plan.runtime_image, family, &wanted)?;
    add_packages(plan, facts, family, &packages);
    Ok(())
}

/// The builder image had its tool folders (/go/bin, /usr/local/cargo/bin)
/// on PATH; a plain runtime image does not, so programs copied there would
/// no longer be found by name. Puts each such folder back on PATH.
pub fn keep_on_path(plan: &mut Plan, dirs: &[String]) {
    for dir in dirs {
        let value = format!("{dir}:$PATH");
        let set = plan
            .artifact_env
            .iter()
            .any(|e| e.name == "PATH" && e.value == value);
        if !needs::standard_path().contains(dir) && !set {
            plan.artifact_env.push(crate::plan::EnvSetting::new(
                "PATH",
                value,
                format!("the builder image had {dir} on PATH, and the copied programs are there"),
            ));
        }
    }
}

/// An image (or its code) that runs a program of the build image's SDK
/// (images.toml `sdk_programs`: `go`, `gofmt`, `cargo`, `gcc`...) needs
/// the build image, which the runtime stage leaves behind.
pub fn refuse_sdk_program(facts: &Facts<'_>, program: &str) -> Result<(), Unsure> {
    let sdk = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .is_some_and(|e| e.sdk_programs.iter().any(|p| p == program));
    if sdk {
        return Err(Unsure::file(
            Code::RunsBuildTool,
            format!(
                "the image runs {program}, which the {} build image has and the runtime image lacks",
                facts.image.repository
            ),
        ));
    }
    Ok(())
}

/// True when `cmd` runs one of the `binaries` the build made: by name when
/// it gives none of a path, or by its path resolved against WORKDIR.
pub fn runs_binary(facts: &Facts<'_>, binaries: &[String], cmd: &Command) -> bool {
    let program = cmd.program();
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    let resolved = classify::resolve(full, facts.workdir.as_deref());
    binaries.iter().any(|b| {
        (!full.contains('/') && b.rsplit('/').next() == Some(program))
            || resolved.as_deref() == Some(b.as_str())
    })
}
