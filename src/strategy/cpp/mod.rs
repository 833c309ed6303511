//! C and C++: make, cmake, meson, ninja, `./configure` and direct compiler
//! runs, on the official `gcc` image (distribution images go through the
//! distro strategy, which uses [`install_artifacts`] from here).
//!
//! ## What it recognises
//! Builds that leave their output in the app folders (`make`, `cmake
//! --build`), `gcc -o OUT`, and installs (`make install`, `cmake --install`,
//! `meson install`) into a prefix set by `--prefix`, `PREFIX=` or
//! `-DCMAKE_INSTALL_PREFIX`.
//!
//! ## What it emits
//! The runtime stage is `debian:<release>-slim` of the gcc tag's Debian
//! release. For a GCC newer than that release's own (gcc:13 on bookworm,
//! gcc:16 on trixie) it also copies the gcc image's libstdc++ and libgcc_s
//! from /usr/local/lib64 and puts that folder on LD_LIBRARY_PATH, as the
//! gcc image's loader configuration does; `gcc:latest` is pinned to the
//! newest GCC (the same image today). It copies the `-o` outputs and the install prefix,
//! with the app folders unless the image runs only those outputs and the
//! build context holds only sources and build files, and installs the
//! runtime libraries of the `-dev` packages.
//!
//! ## When it leaves the file alone
//! A gcc tag whose Debian release is not known today (gcc:14 and 15 moved
//! between releases), a newer GCC's program that links OpenMP, Fortran or
//! a sanitizer (their libraries in the release are older), an install into
//! /usr/local on the gcc image (GCC itself lives there), a `DESTDIR`
//! install, or a CMD that runs the compiler or make.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! main.c:
//! int main(void) { return 0; }
//! ```
//! the file
//! ```dockerfile
//! FROM gcc:12
//! WORKDIR /src
//! COPY . .
//! RUN gcc -O2 -o server main.c
//! CMD ["./server"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM gcc:12 AS builder
//! WORKDIR /src
//! COPY . .
//! RUN gcc -O2 -o server main.c
//!
//! FROM debian:bookworm-slim
//! COPY --from=builder /src/server /src/server
//! WORKDIR /src
//! CMD ["./server"]
//! ```

pub mod steps;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::{
    Runtime, base_plan, install_runtime_needs, manifests, push_artifact, refuse_digest, runs_binary,
};

/// Decides the plan for a C or C++ project on the gcc image.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let (runtime, major) = gcc_runtime(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::C, &runtime);
    let built = install_artifacts(facts, &mut plan, true)?;
    if !facts.runs_step(|s| matches!(s, Step::Native { .. })) {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no make, cmake or compiler run: nothing for a builder stage to keep",
        ));
    }
    outputs_alone(facts, &mut plan, &built);
    own_runtime(facts, &mut plan, &major)?;
    let mut provided = |cmd: &Command| -> Result<bool, Unsure> {
        super::refuse_sdk_program(facts, cmd.program())?;
        Ok(built.runs(facts, cmd) || built_in_app(facts, cmd))
    };
    // What CMD runs is the first doubt to report; what the build links, the
    // next.
    let libraries = linked_libraries(facts, runtime.family);
    let extra = libraries.clone().unwrap_or_default();
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, extra)?;
    libraries?;
    Ok(plan)
}

/// When the image runs only what the build wrote with `-o` or installed
/// into a prefix, the build context holds only C and C++ sources and build
/// files (images.toml's `[build_inputs]` and `[build_sources]`), and no RUN
/// but the build writes into the app folders, the runtime takes those
/// outputs alone. Otherwise the app folders are copied whole: a program
/// make left in them, or a file the program reads, may be there.
fn outputs_alone(facts: &Facts<'_>, plan: &mut Plan, built: &Built) {
    let app: Vec<String> = facts.app_paths.iter().map(|a| a.path.clone()).collect();
    let runs_outputs = !facts.runtime_commands.is_empty()
        && facts
            .runtime_commands
            .iter()
            .all(|(_, c)| built.runs(facts, c));
    let keeps_app = app.is_empty()
        || !runs_outputs
        || !facts.replay_after.is_empty()
        || facts.app_paths.iter().any(|a| a.chown.is_some())
        || super::run_writes_under(facts, &app)
        || !super::sources::only_build_inputs(facts, "c")
        || super::sources::code_names_the_tree(facts, "c")
        || super::sources::runtime_names_the_tree(facts, &built.outputs);
    if keeps_app {
        for a in plan.artifacts.iter_mut().filter(|a| app.contains(&a.path)) {
            a.reason
                .push_str("; copied whole, since the program may read files of it");
        }
        return;
    }
    let outputs: Vec<String> = built
        .outputs
        .iter()
        .chain(&built.prefixes)
        .cloned()
        .collect();
    super::binaries_instead_of(
        plan,
        &app,
        &outputs,
        "what the build wrote or installed",
        "the sources stay behind, since the build context holds only C and C++ sources and build files",
    );
}

/// The runtime packages of the libraries the build links. The gcc image
/// has buildpack-deps' headers, so a build can link libssl or libpq without
/// installing anything; the runtime image needs those libraries. They are
/// read from compiler runs and from the build files in the build context;
/// a build whose files cannot be read, or that links a library dockopt
/// does not know, is left alone.
fn linked_libraries(facts: &Facts<'_>, family: Family) -> Result<Vec<(String, String)>, Unsure> {
    let cat = catalog::catalog();
    let mut names: Vec<(String, usize)> = Vec::new();
    // `./configure && make && make install` are three steps on the same
    // build files: read each folder's once.
    let mut read: Vec<&Option<String>> = Vec::new();
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            let Step::Native { tool, libs, .. } = step else {
                continue;
            };
            names.extend(libs.iter().map(|l| (l.clone(), line)));
            if matches!(
                tool.as_str(),
                "make" | "gmake" | "cmake" | "meson" | "ninja" | "configure"
            ) && !read.contains(&workdir)
            {
                read.push(workdir);
                let found = manifests::build_file_links(facts, workdir.as_deref()).ok_or_else(|| {
                    Unsure::at(
                        Code::ManifestMissing,
                        line,
                        format!("{tool} links what its build files say, and they are not in the build context"),
                    )
                })?;
                names.extend(found.into_iter().map(|l| (l, line)));
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, line) in names {
        let packages = cat.link_library(family, &name).ok_or_else(|| {
            Unsure::at(
                Code::UnknownLibrary,
                line,
                format!("the build links {name}, whose runtime package dockopt does not know"),
            )
        })?;
        for p in packages {
            super::want(&mut out, p, || {
                format!("the build links {name} (line {line})")
            });
        }
    }
    Ok(out)
}

/// debian:<release>-slim for a gcc tag whose GCC the release's libstdc++
/// can run, or whose own libstdc++ the runtime takes along
/// ([`own_runtime`]). `gcc:latest` (or no tag) is pinned to the newest GCC
/// the catalog knows, the same image today. Returns the runtime and the
/// GCC's major version.
fn gcc_runtime(facts: &Facts<'_>) -> Result<(Runtime, String), Unsure> {
    let line = facts.line(facts.from);
    refuse_digest(facts, "its runtime image")?;
    let cat = catalog::catalog();
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    let (version, variant) = tag.split_once('-').unwrap_or((tag, ""));
    let moving = version == "latest";
    let version = if moving {
        cat.gcc_own_runtime().latest.as_str()
    } else {
        version
    };
    let release = cat.gcc_release(version).ok_or_else(|| {
        Unsure::at(Code::UnknownTag,
            line,
            format!(
                "binaries from gcc:{version} need its own libstdc++, and dockopt does not know which Debian release gcc:{version} is built on today; it knows gcc:11, 12, 13 and 16"
            ),
        )
    })?;
    if !variant.is_empty() && variant != release {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!("unknown gcc tag variant {variant}"),
        ));
    }
    // A tag set by a variable is not `latest`, and its release is unknown.
    let builder = moving.then(|| super::runtime::retagged(facts, version));
    let major = version.split('.').next().unwrap_or(version).to_string();
    let runtime = Runtime {
        image: format!("debian:{release}-slim"),
        family: Family::Debian,
        builder,
    };
    Ok((runtime, major))
}

/// For a GCC newer than its Debian release's own, the runtime copies the
/// gcc image's libstdc++ and libgcc_s and puts their folder on
/// LD_LIBRARY_PATH; a build that links another of GCC's own libraries
/// (OpenMP, Fortran, a sanitizer) is left alone.
fn own_runtime(facts: &Facts<'_>, plan: &mut Plan, version: &str) -> Result<(), Unsure> {
    let own = catalog::catalog().gcc_own_runtime();
    if !own.needed_by(version) {
        return Ok(());
    }
    // The gcc image finds its libstdc++ through ld.so.conf, whatever the
    // environment says; the runtime's setting would be overridden.
    if facts.env_value("LD_LIBRARY_PATH").is_some() {
        return Err(Unsure::file(
            Code::UnknownLibrary,
            format!(
                "the file sets LD_LIBRARY_PATH, which the runtime stage needs to point at gcc:{version}'s own libstdc++"
            ),
        ));
    }
    for (node, _, steps) in &facts.run_steps {
        for step in steps {
            let Step::Native { libs, .. } = step else {
                continue;
            };
            if let Some(lib) = libs.iter().find(|l| own.own_links.contains(l)) {
                return Err(Unsure::at(
                    Code::UnknownLibrary,
                    facts.line(*node),
                    format!(
                        "the build links lib{lib} of gcc:{version}, newer than the Debian release's, which dockopt does not copy"
                    ),
                ));
            }
        }
    }
    for lib in &own.libraries {
        plan.artifacts.push(crate::plan::Artifact {
            path: format!("{}/{lib}", own.folder),
            chown: None,
            reason: format!(
                "gcc:{version}'s own C++ runtime, newer than the one {} has",
                plan.runtime_image
            ),
            file: true,
        });
    }
    plan.artifact_env.push(crate::plan::EnvSetting::new(
        "LD_LIBRARY_PATH",
        own.folder.clone(),
        "the gcc image's loader finds its own libstdc++ there first (/etc/ld.so.conf.d/000-local-lib.conf)",
    ));
    Ok(())
}

/// Adds the `-o` outputs and install prefixes of the C and C++ steps to
/// the plan, and returns them. `toolchain_in_usr_local` says that
/// /usr/local holds the compiler (gcc image, CUDA), so installs there
/// cannot be copied apart.
pub fn install_artifacts(
    facts: &Facts<'_>,
    plan: &mut Plan,
    toolchain_in_usr_local: bool,
) -> Result<Built, Unsure> {
    let mut built = Built::default();
    let mut prefix: Option<String> = None;
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        let place = |path: &str, what: String| {
            classify::resolve(path, workdir.as_deref())
                .filter(|p| !p.contains('$'))
                .ok_or_else(|| Unsure::at(Code::UnplaceablePath, line, what))
        };
        for step in steps {
            let Step::Native {
                tool,
                install,
                prefix: p,
                output,
                ..
            } = step
            else {
                continue;
            };
            if let Some(p) = p {
                prefix = Some(p.clone());
            }
            if let Some(out) = output {
                let abs = place(out, format!("{tool} -o {out}, which dockopt cannot place"))?;
                push_artifact(plan, abs.clone(), format!("{tool} writes it (line {line})"));
                built.outputs.push(abs);
            }
            if *install {
                let dir = prefix.clone().unwrap_or_else(|| "/usr/local".into());
                let dir = place(
                    &dir,
                    format!("{tool} installs into {dir}, which dockopt cannot place"),
                )?;
                refuse_shared_prefix(tool, &dir, toolchain_in_usr_local, line)?;
                push_artifact(
                    plan,
                    dir.clone(),
                    format!("{tool} installs here (line {line})"),
                );
                built.prefixes.push(dir);
            }
        }
    }
    Ok(built)
}

/// An install into the image's own folders (/usr, /, or /usr/local where
/// the image keeps its toolchain) cannot be copied apart from them.
fn refuse_shared_prefix(
    tool: &str,
    dir: &str,
    toolchain_in_usr_local: bool,
    line: usize,
) -> Result<(), Unsure> {
    let shared = dir == "/usr"
        || dir == "/"
        || (toolchain_in_usr_local && classify::under(dir, "/usr/local"));
    if shared {
        return Err(Unsure::at(
            Code::CopyIntoSystem,
            line,
            format!(
                "{tool} installs into {dir}, mixed with files of the image itself; install to a prefix of its own (--prefix=/opt/app)"
            ),
        ));
    }
    Ok(())
}

/// What C and C++ steps leave for the runtime.
#[derive(Debug, Default)]
pub struct Built {
    /// Files written with `-o`.
    pub outputs: Vec<String>,
    /// Install prefixes, copied whole.
    pub prefixes: Vec<String>,
}

impl Built {
    /// Whether `cmd` runs a file the build wrote or installed.
    pub fn runs(&self, facts: &Facts<'_>, cmd: &Command) -> bool {
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let installed =
            full.starts_with('/') && self.prefixes.iter().any(|p| classify::under(full, p));
        installed || runs_binary(facts, &self.outputs, cmd)
    }
}

/// A path into the app folders that is not a file of the build context:
/// something the build made, such as make's binary.
pub(crate) fn built_in_app(facts: &Facts<'_>, cmd: &Command) -> bool {
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    let Some(context) = &facts.context else {
        return false;
    };
    let Some(abs) = classify::resolve(full, facts.workdir.as_deref()) else {
        return false;
    };
    let in_app = facts
        .app_paths
        .iter()
        .any(|a| classify::under(&abs, &a.path));
    let name = full
        .trim_start_matches("./")
        .rsplit('/')
        .next()
        .unwrap_or(full);
    in_app
        && full.contains('/')
        && !context
            .join(full.trim_start_matches("./").trim_start_matches('/'))
            .exists()
        && !context.join(name).exists()
}
