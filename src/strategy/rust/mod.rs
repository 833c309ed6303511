//! Rust: `cargo build` and `cargo install` on the official `rust` image.
//!
//! ## What it recognises
//! `cargo build` (`--release`, `--profile`, `--bin`, `--target`,
//! `--target-dir`, `--manifest-path`, `CARGO_TARGET_DIR`), `cargo install`
//! (`--path`, `--root`, `--bin`; into `$CARGO_HOME/bin`, /usr/local/cargo/bin
//! on the rust image), and `cargo fetch`. Binary names come from `--bin`, or
//! from Cargo.toml in the build context as cargo finds them (`[[bin]]`,
//! src/main.rs, src/bin/), of the `-p` member, or of every member of a
//! virtual workspace.
//!
//! ## What it emits
//! The runtime stage is `debian:<release>-slim` of the rust tag's release
//! (the binary links the same glibc), or the same Alpine release for
//! `-alpine3.x` tags (static musl binaries run on any Alpine). A tag that
//! follows the newest release (`latest`, `1`, `slim`) is pinned to the tag
//! naming the release it is built on today (`rust:trixie`), so that the two
//! stay on one release. It copies the
//! binaries alone when the build context holds only Rust sources and
//! manifests; otherwise it repeats the COPY lines of the context, so that
//! target/ stays behind. It installs `ca-certificates` and `tzdata`, which
//! the rust image has. A CMD or ENTRYPOINT of `cargo run` after a `cargo
//! build` of the same project and profile becomes the binary cargo would
//! start, with the words cargo hands on (run.rs says when it does not).
//!
//! The system libraries the crates link come from Cargo.lock's `-sys`
//! crates; without Cargo.lock, from the dependencies of the Cargo.toml
//! files the build reads, looked up per crate, semver line and feature in
//! the catalog's crates.toml (crates.rs).
//!
//! ## When it leaves the file alone
//! A binary name it cannot know (no `--bin` and no Cargo.toml in the
//! context, or a workspace whose members are globs or missing), a CMD that
//! runs cargo in any other way, a rust tag whose Debian release is not
//! known, or, without Cargo.lock, a dependency crates.toml does not know.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! Cargo.toml:
//! [package]
//! name = "hello"
//! version = "0.1.0"
//! edition = "2021"
//! ```
//! ```text
//! Cargo.lock:
//! version = 3
//!
//! [[package]]
//! name = "hello"
//! version = "0.1.0"
//! ```
//! ```text
//! src/main.rs:
//! fn main() {}
//! ```
//! the file
//! ```dockerfile
//! FROM rust:1.79
//! WORKDIR /app
//! COPY . .
//! RUN cargo build --release --locked
//! CMD ["./target/release/hello"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM rust:1.79 AS builder
//! WORKDIR /app
//! COPY . .
//! RUN cargo build --release --locked
//!
//! FROM debian:bookworm-slim
//! # hadolint ignore=DL3008
//! RUN apt-get update \
//!     && apt-get install -y --no-install-recommends ca-certificates tzdata \
//!     && rm -rf /var/lib/apt/lists/*
//! COPY --from=builder /app/target/release/hello /app/target/release/hello
//! WORKDIR /app
//! CMD ["./target/release/hello"]
//! ```

mod crates;
mod run;
pub mod steps;

use crate::analysis::steps::{CargoStep, Step};
use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::facts::code::Lang;
use crate::plan::{CommandChange, Plan, Unsure};
use crate::reasons::Code;

use super::{
    base_plan, binary_runtime, install_runtime_needs, keep_on_path, manifests, push_artifact,
    runs_binary,
};

/// Where the rust image keeps cargo's home (its ENV CARGO_HOME).
const CARGO_HOME: &str = "/usr/local/cargo";

/// Decides the plan for a Rust project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let cat = catalog::catalog();
    let runtime = binary_runtime(facts, &|v| cat.rust_release(v).map(String::from), false)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Rust, &runtime);
    let mut binaries: Vec<String> = Vec::new();
    // cargo install folders the rust image has on PATH.
    let mut on_path: Vec<String> = Vec::new();
    let mut cargo = CargoBuilds::default();
    for (node, workdir, steps) in &facts.run_steps {
        let place = Place {
            facts,
            workdir: workdir.as_deref(),
            line: facts.line(*node),
        };
        let line = place.line;
        for step in steps {
            let (outputs, verb) = match step {
                Step::Cargo(build @ CargoStep::Build { .. }) => (
                    cargo.read(facts, *node, workdir.as_deref(), build)?,
                    "cargo build",
                ),
                Step::Cargo(CargoStep::Install { remote, .. }) if !remote.is_empty() => {
                    return Err(Unsure::at(
                        Code::ManifestMissing,
                        line,
                        format!(
                            "cargo install {} builds a crate that is not in the build context: dockopt cannot read which binaries it installs or which system libraries they link",
                            remote.join(" ")
                        ),
                    ));
                }
                Step::Cargo(CargoStep::Install {
                    path, root, bins, ..
                }) => {
                    let manifest = path
                        .as_ref()
                        .map(|p| format!("{}/Cargo.toml", p.trim_end_matches('/')));
                    cargo.projects.push(place.project(manifest.as_deref())?);
                    let (outputs, bin_dir) = install_outputs(&place, path, root, bins)?;
                    on_path.extend(bin_dir);
                    (outputs, "cargo install")
                }
                _ => continue,
            };
            for out in outputs {
                let why = format!("the binary {verb} writes (line {line})");
                push_artifact(&mut plan, out.clone(), why);
                binaries.push(out);
            }
        }
    }
    if binaries.is_empty() {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no cargo build or cargo install: nothing to copy out of a builder",
        ));
    }
    lean_app_copy(facts, &mut plan, &binaries);
    keep_on_path(&mut plan, &on_path);
    let change = cargo.command_change(facts)?;
    // The `cargo run` the runtime stage replaces by the binary it starts.
    let replaced = super::command::replaced(facts, change.as_ref());
    let mut provided = |cmd: &crate::analysis::shell::Command| -> Result<bool, Unsure> {
        if replaced.contains(&cmd.argv) {
            return Ok(true);
        }
        super::refuse_sdk_program(facts, cmd.program())?;
        Ok(runs_binary(facts, &binaries, cmd))
    };
    let mut extra = image_gives(runtime.family);
    extra.extend(cargo.linked_libraries(facts, runtime.family)?);
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, extra)?;
    if let Some(change) = change {
        super::command::apply(&mut plan, change);
    }
    Ok(plan)
}

/// Where a cargo step runs, to make the paths it names absolute.
struct Place<'f, 'a, 'w> {
    facts: &'f Facts<'a>,
    workdir: Option<&'w str>,
    line: usize,
}

impl Place<'_, '_, '_> {
    /// `p` with variables expanded, against the WORKDIR.
    fn abs(&self, p: &str) -> Result<String, Unsure> {
        classify::resolve(&classify::expand(p, &self.facts.env), self.workdir).ok_or_else(|| {
            Unsure::at(
                Code::UnplaceablePath,
                self.line,
                format!("{p} is relative and there is no WORKDIR"),
            )
        })
    }

    /// The folder of the project a cargo command with `--manifest-path
    /// manifest` (or none) works on.
    fn project(&self, manifest: Option<&str>) -> Result<String, Unsure> {
        match manifest {
            Some(m) => self.abs(m.rsplit_once('/').map_or(".", |(d, _)| d)),
            None => self.abs("."),
        }
    }
}

/// The binaries a `cargo build` writes: target folder (flag, then
/// CARGO_TARGET_DIR, then the project's target/), triple and profile.
fn build_outputs(place: &Place<'_, '_, '_>, build: &CargoStep) -> Result<Vec<String>, Unsure> {
    let CargoStep::Build {
        profile,
        bins,
        packages,
        target,
        target_dir,
        manifest,
        ..
    } = build
    else {
        return Ok(Vec::new());
    };
    let names = bin_names(place, bins, packages, manifest.as_deref())?;
    let project = place.project(manifest.as_deref())?;
    let target_dir = match target_dir
        .as_deref()
        .or(place.facts.env_value("CARGO_TARGET_DIR"))
    {
        Some(d) => place.abs(d)?,
        None => format!("{}/target", project.trim_end_matches('/')),
    };
    let dir = match target {
        Some(t) => format!("{target_dir}/{t}/{profile}"),
        None => format!("{target_dir}/{profile}"),
    };
    Ok(names.iter().map(|n| format!("{dir}/{n}")).collect())
}

/// The `[[bin]]` names a Cargo.toml declares.
fn declared_bins(manifest: &toml::Table) -> Vec<String> {
    manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|bins| {
            bins.iter()
                .filter_map(|b| b.get("name")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The binaries of the workspace members `cargo build -p NAME` builds: each
/// member's, as cargo finds them ([`package_bins`]), else its package name.
/// A member list with globs, or a package no member's Cargo.toml names, is
/// not followed.
fn member_bins(
    base: &std::path::Path,
    root: &toml::Table,
    packages: &[String],
    line: usize,
) -> Result<Vec<String>, Unsure> {
    let unknown = |p: &str| {
        Unsure::at(
            Code::ManifestMissing,
            line,
            format!(
                "cargo builds the package {p}, which no workspace member's Cargo.toml in the context names"
            ),
        )
    };
    let named = |doc: &toml::Table, p: &str| {
        doc.get("package")
            .and_then(|k| k.get("name"))
            .and_then(|n| n.as_str())
            == Some(p)
    };
    // The root manifest may be a package of the workspace too.
    let manifests: Vec<(std::path::PathBuf, toml::Table)> =
        std::iter::once((base.to_path_buf(), root.clone()))
            .chain(
                workspace_members(root, "members")
                    .into_iter()
                    .filter_map(|m| {
                        let dir = base.join(m);
                        let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
                        Some((dir, toml::from_str::<toml::Table>(&text).ok()?))
                    }),
            )
            .collect();
    let mut out = Vec::new();
    for p in packages {
        let (dir, doc) = manifests
            .iter()
            .find(|(_, doc)| named(doc, p))
            .ok_or_else(|| unknown(p))?;
        let bins = package_bins(dir, doc);
        if bins.is_empty() {
            out.push(p.clone());
        } else {
            out.extend(bins);
        }
    }
    Ok(out)
}

/// The workspace's `key` list (`members`, `default-members`) as written;
/// a glob in it names no folder to read.
fn workspace_members<'t>(root: &'t toml::Table, key: &str) -> Vec<&'t str> {
    root.get("workspace")
        .and_then(|w| w.get(key))
        .and_then(|m| m.as_array())
        .map(|m| m.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

/// The binaries a `cargo install` writes, and its bin folder when that is
/// the rust image's own (on PATH there, so it must stay on PATH).
fn install_outputs(
    place: &Place<'_, '_, '_>,
    path: &Option<String>,
    root: &Option<String>,
    bins: &[String],
) -> Result<(Vec<String>, Option<String>), Unsure> {
    let facts = place.facts;
    let manifest = path
        .as_ref()
        .map(|p| format!("{}/Cargo.toml", p.trim_end_matches('/')));
    let names = bin_names(place, bins, &[], manifest.as_deref())?;
    let home = facts.env_value("CARGO_HOME").unwrap_or(CARGO_HOME);
    let bin_dir = match root {
        Some(r) => format!("{}/bin", place.abs(r)?.trim_end_matches('/')),
        None => format!("{}/bin", home.trim_end_matches('/')),
    };
    let on_path =
        (root.is_none() && facts.env_value("CARGO_HOME").is_none()).then(|| bin_dir.clone());
    let outputs = names.iter().map(|n| format!("{bin_dir}/{n}")).collect();
    Ok((outputs, on_path))
}

/// What the rust image gives a program that the runtime image must get:
/// CA certificates, and time zones on Debian.
fn image_gives(family: Family) -> Vec<(String, String)> {
    let mut extra = vec![(
        "ca-certificates".into(),
        "the rust image has it; TLS clients read it".into(),
    )];
    if family == Family::Debian {
        extra.push((
            "tzdata".into(),
            "the rust image has it; time zone lookups read it".into(),
        ));
    }
    extra
}

/// The `cargo build` steps of a file: the projects they build, the
/// binaries, and what a `cargo run` command needs to know of them. Read by
/// this strategy and by the distribution images' (cargo from the
/// distribution's packages).
#[derive(Default)]
pub struct CargoBuilds {
    /// The folders of the projects cargo builds, whose Cargo.lock (or
    /// Cargo.toml) says what they link.
    projects: Vec<String>,
    builds: Vec<run::Built>,
}

impl CargoBuilds {
    /// Reads one `cargo build` of the RUN at `node`: its binaries.
    pub fn read(
        &mut self,
        facts: &Facts<'_>,
        node: usize,
        workdir: Option<&str>,
        build: &CargoStep,
    ) -> Result<Vec<String>, Unsure> {
        let place = Place {
            facts,
            workdir,
            line: facts.line(node),
        };
        let CargoStep::Build { manifest, .. } = build else {
            return Ok(Vec::new());
        };
        let project = place.project(manifest.as_deref())?;
        let outputs = build_outputs(&place, build)?;
        self.builds
            .extend(run::Built::of(node, project.clone(), build, &outputs));
        self.projects.push(project);
        Ok(outputs)
    }

    /// Whether the file runs no `cargo build` at all.
    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }

    /// The image's `cargo run` rewritten to start the binary it would.
    pub fn command_change(&self, facts: &Facts<'_>) -> Result<Option<CommandChange>, Unsure> {
        // The binaries of the project the image's command runs cargo in.
        let project_bins = bin_names(
            &Place {
                facts,
                workdir: facts.workdir.as_deref(),
                line: 0,
            },
            &[],
            &[],
            None,
        )
        .ok();
        run::command_change(facts, &self.builds, project_bins)
    }

    /// The system libraries the crates (read from Cargo.lock, else from
    /// Cargo.toml and the catalog's crates.toml) and build.rs link, as
    /// runtime packages of `family`.
    pub fn linked_libraries(
        &self,
        facts: &Facts<'_>,
        family: Family,
    ) -> Result<Vec<(String, String)>, Unsure> {
        let mut linked = Vec::new();
        for project in &self.projects {
            match manifests::crates(facts, project) {
                Some(locked) => linked.extend(locked),
                // Cargo resolves the newest releases Cargo.toml allows.
                None => linked.extend(crates::without_lock(facts, project).map_err(|why| {
                    Unsure::file(
                        Code::ManifestMissing,
                        format!("without Cargo.lock in the build context dockopt reads the crates from Cargo.toml to see which system libraries they link, and {why}"),
                    )
                })?),
            }
        }
        refuse_unknown_sys_crates(family, &linked)?;
        let mut extra = manifests::native_libraries(family, &linked);
        // build.rs asks for libraries of its own (`cargo:rustc-link-lib=curl`).
        extra.extend(super::needs::code_links(facts, family, Lang::Rust)?);
        Ok(extra)
    }
}

/// A `-sys` crate (or one of packages.toml's rust_system_library_crates)
/// binds a C library: on the full rust image (built on buildpack-deps) its
/// build can find that library's headers and link it, and the slim runtime
/// lacks it. One the catalog knows neither as linking nothing the runtime
/// lacks nor by its runtime package stops the rewrite.
fn refuse_unknown_sys_crates(family: Family, crates: &[String]) -> Result<(), Unsure> {
    let cat = catalog::catalog();
    let unknown = crates.iter().find(|c| {
        cat.rust_binds_a_library(c)
            && !cat.rust_sys_without_runtime_package(c)
            && cat.native_libraries(family, c).is_empty()
    });
    match unknown {
        Some(c) => Err(Unsure::file(
            Code::UnknownLibrary,
            format!(
                "the crate {c} links a system library, whose runtime package dockopt does not know"
            ),
        )),
        None => Ok(()),
    }
}

/// Copying the app folders would bring `target/` (every intermediate build
/// artifact) along. When no RUN writes into the app folders, the runtime
/// repeats the COPY lines from the context instead, and copies only the
/// binaries from the builder.
pub fn lean_app_copy(facts: &Facts<'_>, plan: &mut Plan, binaries: &[String]) {
    let app: Vec<String> = facts.app_paths.iter().map(|a| a.path.clone()).collect();
    let writes_app = super::run_writes_under(facts, &app);
    let chowned = facts.app_paths.iter().any(|a| a.chown.is_some());
    if writes_app || chowned {
        return;
    }
    super::binaries_instead_of(
        plan,
        &app,
        binaries,
        "the binary cargo built",
        "the app folder's target/ stays behind",
    );
    // A context of sources alone gives the program nothing to read: the
    // binaries are all the runtime needs.
    if super::sources::only_build_inputs(facts, "rust")
        && !super::sources::code_names_the_tree(facts, "rust")
        && !super::sources::runtime_names_the_tree(facts, binaries)
    {
        for a in plan
            .artifacts
            .iter_mut()
            .filter(|a| binaries.contains(&a.path))
        {
            a.reason = "the binary cargo built; the sources and target/ stay behind, since the build context holds only Rust sources and manifests".into();
        }
        return;
    }
    for d in &mut plan.decisions {
        let is_context_copy = facts.df.nodes()[d.node].instruction().is_some_and(|i| {
            matches!(
                i.kind(),
                crate::syntax::Kind::Copy | crate::syntax::Kind::Add
            ) && i.flag("from").is_none()
        });
        if is_context_copy {
            d.role = crate::plan::Role::Both;
            d.reason = "puts build context in place; repeated in the runtime stage, which copies only the binaries from the builder".into();
        }
    }
}

/// The binaries a cargo command makes: `--bin` names, else those of the
/// Cargo.toml in the build context, or of the workspace members `-p`
/// names.
fn bin_names(
    place: &Place<'_, '_, '_>,
    bins: &[String],
    packages: &[String],
    manifest: Option<&str>,
) -> Result<Vec<String>, Unsure> {
    if !bins.is_empty() {
        return Ok(bins.to_vec());
    }
    let line = place.line;
    let why =
        "cargo names the binary after the package in Cargo.toml; give --bin, or the build context";
    let context = place
        .facts
        .context
        .as_ref()
        .ok_or_else(|| Unsure::at(Code::ManifestMissing, line, why))?;
    let rel = manifest.unwrap_or("Cargo.toml").trim_start_matches("./");
    // Where the COPY that put Cargo.toml where cargo reads it took it from.
    let file = place
        .facts
        .context_path_of(&place.abs(rel)?)
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            Unsure::at(
                Code::ManifestMissing,
                line,
                format!("{why} ({rel} is not in {})", context.display()),
            )
        })?;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Unsure::at(
            Code::ManifestMissing,
            line,
            format!("{} cannot be read: {e}", file.display()),
        )
    })?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| {
        Unsure::at(
            Code::ManifestMissing,
            line,
            format!("{rel} does not parse: {}", e.message()),
        )
    })?;
    let declared = declared_bins(&doc);
    if !declared.is_empty() && packages.is_empty() {
        return Ok(declared);
    }
    if !packages.is_empty() {
        let base = file.parent().unwrap_or(context);
        return member_bins(base, &doc, packages, line);
    }
    match doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
    {
        Some(name) => {
            let bins = package_bins(file.parent().unwrap_or(context), &doc);
            Ok(if bins.is_empty() {
                vec![name.to_string()]
            } else {
                bins
            })
        }
        None if doc.contains_key("workspace") => {
            workspace_bins(file.parent().unwrap_or(context), &doc, line, rel)
        }
        None => Err(Unsure::at(
            Code::UnplaceablePath,
            line,
            format!("{rel} names no package: give --bin to name the binaries"),
        )),
    }
}

/// The binaries `cargo build` writes in the root of a virtual workspace:
/// those of every default member (every member when `default-members` is
/// not set). A member list with globs, or a member whose Cargo.toml the
/// context lacks, is not followed.
fn workspace_bins(
    base: &std::path::Path,
    root: &toml::Table,
    line: usize,
    rel: &str,
) -> Result<Vec<String>, Unsure> {
    let give_bin = |why: String| {
        Unsure::at(
            Code::UnplaceablePath,
            line,
            format!("{rel} is a workspace {why}: give --bin to name the binaries"),
        )
    };
    let has = |key: &str| root.get("workspace").and_then(|w| w.get(key)).is_some();
    let key = if has("default-members") {
        "default-members"
    } else {
        "members"
    };
    let members = workspace_members(root, key);
    if let Some(glob) = members.iter().find(|m| m.contains(['*', '?', '['])) {
        return Err(give_bin(format!(
            "whose members are named by the glob {glob}"
        )));
    }
    let mut out = Vec::new();
    for member in members {
        let dir = base.join(member);
        let doc = std::fs::read_to_string(dir.join("Cargo.toml"))
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .ok_or_else(|| {
                give_bin(format!(
                    "whose member {member}/Cargo.toml is not in the context"
                ))
            })?;
        out.extend(package_bins(&dir, &doc));
    }
    if out.is_empty() {
        return Err(give_bin("whose members build no binary".into()));
    }
    Ok(out)
}

/// A package's binaries, as cargo finds them: each `[[bin]]`, then unless
/// `autobins = false`, src/main.rs (named after the package) and
/// src/bin/NAME.rs or src/bin/NAME/main.rs, less those a `[[bin]]` claims.
fn package_bins(dir: &std::path::Path, doc: &toml::Table) -> Vec<String> {
    let mut bins = declared_bins(doc);
    let package = doc.get("package");
    if package
        .and_then(|p| p.get("autobins"))
        .and_then(|a| a.as_bool())
        == Some(false)
    {
        return bins;
    }
    let claimed: Vec<&str> = doc
        .get("bin")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
        .filter_map(|b| b.get("path")?.as_str())
        .collect();
    let mut found: Vec<(String, String)> = Vec::new();
    let name = package.and_then(|p| p.get("name")).and_then(|n| n.as_str());
    if let Some(name) = name.filter(|_| dir.join("src/main.rs").is_file()) {
        found.push((name.to_string(), "src/main.rs".into()));
    }
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("src/bin"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
            continue;
        };
        if let Some(stem) = file.strip_suffix(".rs").filter(|_| path.is_file()) {
            found.push((stem.to_string(), format!("src/bin/{file}")));
        } else if path.join("main.rs").is_file() {
            found.push((file.clone(), format!("src/bin/{file}/main.rs")));
        }
    }
    for (name, path) in found {
        if !bins.contains(&name) && !claimed.contains(&path.as_str()) {
            bins.push(name);
        }
    }
    bins
}
