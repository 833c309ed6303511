//! Ecosystem strategies: each decides, for its kind of project, what the
//! runtime stage needs. One module per ecosystem; the shared work (runtime
//! image, system packages, tools that CMD calls) is here.
//!
//! A strategy returns a [`Plan`] or an [`Unsure`] saying why the file is
//! better left alone.

pub mod cpp;
pub mod distro;
pub mod dotnet;
pub mod foreign;
pub mod go;
pub mod java;
pub mod manifests;
pub mod needs;
pub mod node;
pub mod php;
pub mod python;
pub mod registry;
pub mod ruby;
pub mod rust;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::{self, Family, ImageRef, PackageRole};
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
            check_owners(facts, &mut plan)?;
            plan
        }
    };
    foreign::check(facts, plan.strategy)?;
    Ok(plan)
}

/// A runtime image from another repository (golang → debian, maven →
/// eclipse-temurin) lacks the users its builder image made (`gradle`), so
/// a USER or `--chown` naming one would fail, unless a RUN the runtime
/// repeats creates users.
fn check_owners(facts: &Facts<'_>, plan: &mut Plan) -> Result<(), Unsure> {
    let runtime = catalog::ImageRef::parse(&plan.runtime_image);
    if runtime.repository == facts.image.repository {
        return Ok(());
    }
    let creates_users = facts.run_steps.iter().any(|(node, _, steps)| {
        steps
            .iter()
            .any(|s| matches!(s, crate::analysis::steps::Step::User))
            && plan
                .decisions
                .iter()
                .any(|d| d.node == *node && d.role == Role::Both)
    });
    if creates_users {
        return Ok(());
    }
    let shared: &[String] = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .map_or(&[], |e| &e.shared_users);
    let unknown = |owner: &str| {
        owner
            .split(':')
            .find(|n| {
                !n.is_empty()
                    && !n.chars().all(|c| c.is_ascii_digit())
                    && !catalog::catalog()
                        .every_image()
                        .users
                        .iter()
                        .any(|u| u == n)
                    && !shared.iter().any(|s| s == n)
            })
            .map(String::from)
    };
    let df = facts.df;
    for d in &plan.decisions {
        let Some(ins) = df.nodes()[d.node].instruction() else {
            continue;
        };
        if d.role != Role::Build
            && ins.kind() == crate::syntax::Kind::User
            && let Some(name) = ins.args().first().and_then(|u| unknown(u))
        {
            return Err(Unsure::at(
                Code::Ownership,
                d.lines.0,
                format!(
                    "the user {name} comes with {}, and {} has no such user",
                    facts.image_text, plan.runtime_image
                ),
            ));
        }
    }
    let runs_as_root = !plan.decisions.iter().any(|d| {
        d.role != Role::Build
            && df.nodes()[d.node]
                .instruction()
                .is_some_and(|i| i.kind() == crate::syntax::Kind::User)
    });
    let ids = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .map(|e| &e.user_ids);
    for a in &mut plan.artifacts {
        let Some(name) = a.chown.as_deref().and_then(unknown) else {
            continue;
        };
        // A program that runs as root reads and writes whatever it owns, so
        // the builder's user can stay a number the runtime has no name for.
        if runs_as_root && let Some(id) = ids.and_then(|ids| numeric_owner(ids, &a.chown)) {
            a.reason = format!(
                "{}; owned by {id}, the ids of {name} in {}, which {} has no name for",
                a.reason, facts.image_text, plan.runtime_image
            );
            a.chown = Some(id);
        } else {
            return Err(Unsure::file(
                Code::Ownership,
                format!(
                    "{} is owned by {name}, a user {} has and {} does not",
                    a.path, facts.image_text, plan.runtime_image
                ),
            ));
        }
    }
    Ok(())
}

/// `gradle:gradle` as the builder image's numeric `uid:gid`, when the
/// catalog knows both names.
fn numeric_owner(
    ids: &std::collections::BTreeMap<String, String>,
    owner: &Option<String>,
) -> Option<String> {
    let owner = owner.as_deref()?;
    let (user, group) = owner.split_once(':').unwrap_or((owner, ""));
    let (uid, user_gid) = ids.get(user)?.split_once(':')?;
    let gid = match group {
        "" => user_gid,
        g if g.chars().all(|c| c.is_ascii_digit()) => g,
        g => ids.get(g)?.split_once(':')?.1,
    };
    Some(format!("{uid}:{gid}"))
}

/// The plan of the ecosystem strategy for the base image.
fn by_ecosystem(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    match ecosystem_of(&facts.image) {
        Some(eco) => (registry::strategy(eco).plan)(facts),
        None => Err(Unsure::file(
            Code::UnknownBase,
            format!(
                "the base image {} is not one dockopt has a strategy for",
                facts.image_text
            ),
        )),
    }
}

/// The runtime image and its distribution family.
#[derive(Debug, Clone)]
pub struct Runtime {
    pub image: String,
    pub family: Family,
}

/// Tag parts: the version, then variants like `slim`, `bookworm`, `alpine3.20`.
fn tag_parts(facts: &Facts<'_>) -> Result<(String, Vec<String>), Unsure> {
    let line = facts.line(facts.from);
    let tag = facts.image.tag.clone().unwrap_or_else(|| "latest".into());
    let tag = templated_tag(facts, &tag)?;
    let mut parts: Vec<String> = tag.split('-').map(String::from).collect();
    // `golang:alpine`, `python:slim`: no version, only a variant.
    let versionless = parts
        .first()
        .is_some_and(|p| is_release(p) || p == "slim" || p.starts_with("alpine"));
    let version = if versionless {
        "latest".to_string()
    } else {
        parts.remove(0)
    };
    let variants = parts;
    if variants
        .iter()
        .any(|v| v.contains("windows") || v.contains("nanoserver"))
    {
        return Err(Unsure::at(
            Code::WindowsImage,
            line,
            "Windows base images have no slim variant dockopt knows",
        ));
    }
    Ok((version, variants))
}

/// A tag written with an ARG (`python:${PY}`) is read with the ARG's
/// default. Only a plain version can take a variant after it for every
/// value the ARG may get, so a default that is itself a variant (`3.11-slim`,
/// `3.11-bookworm`) is kept whole: the runtime is then the same image, or
/// the file is left alone.
fn templated_tag(facts: &Facts<'_>, tag: &str) -> Result<String, Unsure> {
    if !tag.contains('$') {
        return Ok(tag.to_string());
    }
    let line = facts.line(facts.from);
    let resolved = classify::expand(tag, &facts.global_args);
    if resolved.contains('$') {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!("the tag {tag} comes from a build argument with no default"),
        ));
    }
    let plain = resolved
        .split('-')
        .next()
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if plain && !resolved.contains('-') {
        return Ok(tag.to_string());
    }
    if resolved.contains("slim") || resolved.contains("alpine") {
        return Ok(resolved);
    }
    Err(Unsure::at(
        Code::UnknownTag,
        line,
        format!(
            "the tag {tag} comes from a build argument whose default, {resolved}, names a variant; dockopt cannot name the slim image of every value it may take"
        ),
    ))
}

/// A runtime image other than the builder's cannot keep a digest pin: the
/// other image's digest is not something dockopt can know.
/// `runtime` names that image in the message ("its slim variant").
pub fn refuse_digest(facts: &Facts<'_>, runtime: &str) -> Result<(), Unsure> {
    if facts.image.digest.is_some() {
        return Err(Unsure::at(
            Code::DigestPinned,
            facts.line(facts.from),
            format!(
                "the base image is pinned by digest; {runtime} has another digest dockopt cannot know"
            ),
        ));
    }
    Ok(())
}

/// A Debian release name, as the catalog lists them.
fn is_release(name: &str) -> bool {
    catalog::catalog().is_debian_release(name)
}

/// python, node and ruby: the same repository's slim variant of the same
/// release, placed as the catalog's `slim` rule says. A tag that is already
/// slim or Alpine is its own runtime, digest and all.
pub fn slim_variant(facts: &Facts<'_>) -> Result<Runtime, Unsure> {
    let slim_after_release = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .is_some_and(|e| e.slim == catalog::SlimRule::AfterRelease);
    let (version, variants) = tag_parts(facts)?;
    let repo = &facts.image.repository;
    let alpine = variants.iter().any(|v| v.starts_with("alpine"));
    let family = if alpine {
        Family::Alpine
    } else {
        Family::Debian
    };
    if alpine || variants.iter().any(|v| v == "slim") {
        // Already slim: its own runtime, written as the file writes it.
        return Ok(Runtime {
            image: facts.image_text.clone(),
            family,
        });
    }
    refuse_digest(facts, "its slim variant")?;
    let known = variants.iter().all(|v| is_release(v));
    if !known {
        return Err(Unsure::at(
            Code::UnknownTag,
            facts.line(facts.from),
            format!(
                "the tag variant {} has no slim counterpart dockopt knows",
                variants.join("-")
            ),
        ));
    }
    let tag = match (version.as_str(), variants.first()) {
        ("latest", None) => "slim".to_string(),
        (v, None) => format!("{v}-slim"),
        (v, Some(r)) if slim_after_release => format!("{v}-{r}-slim"),
        (v, Some(r)) => format!("{v}-slim-{r}"),
    };
    Ok(Runtime {
        image: format!("{repo}:{tag}"),
        family,
    })
}

/// How to name the Debian release in the tag, as the official images spell
/// it: `rust:trixie` for `latest` (there is no `latest-trixie`); for a
/// version, the suffix only, since which releases a version was built on
/// varies.
fn release_tag_example(repo: &str, version: &str) -> String {
    let release = catalog::catalog().newest_debian_release();
    match version {
        "latest" => format!("{repo}:{release}"),
        v => format!("{repo}:{v}-<release>, a Debian release {repo}:{v} was built on"),
    }
}

/// For a compiled binary: debian:<release>-slim of the builder tag's
/// release (named in the tag, or `default` for the version), or the same
/// Alpine release. `static_on_bare_alpine` says whether an Alpine tag
/// without a release still gives a runtime (a static binary runs on any).
pub fn binary_runtime(
    facts: &Facts<'_>,
    default: &dyn Fn(&str) -> Option<String>,
    static_on_bare_alpine: bool,
) -> Result<Runtime, Unsure> {
    let line = facts.line(facts.from);
    refuse_digest(facts, "its slim variant")?;
    let (version, variants) = tag_parts(facts)?;
    let repo = &facts.image.repository;
    if let Some(alpine) = variants.iter().find(|v| v.starts_with("alpine")) {
        let release = alpine.strip_prefix("alpine").unwrap_or_default();
        if !release.is_empty() {
            return Ok(Runtime {
                image: format!("alpine:{release}"),
                family: Family::Alpine,
            });
        }
        if static_on_bare_alpine {
            return Ok(Runtime {
                image: format!("alpine:{}", catalog::catalog().static_alpine()),
                family: Family::Alpine,
            });
        }
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!(
                "{repo}:*-alpine without a release: the binary needs the same musl as an Alpine release dockopt cannot tell"
            ),
        ));
    }
    let rest: Vec<&String> = variants.iter().filter(|v| *v != "slim").collect();
    let release = match rest.as_slice() {
        [r] if is_release(r) => r.to_string(),
        [] => default(&version).ok_or_else(|| {
            Unsure::at(Code::UnknownTag, line, format!("cannot tell which Debian release {repo}:{version} is built on; name it in the tag ({})", release_tag_example(repo, &version)))
        })?,
        _ => return Err(Unsure::at(Code::UnknownTag, line, format!("unknown {repo} tag variant {}", variants.join("-")))),
    };
    Ok(Runtime {
        image: format!("debian:{release}-slim"),
        family: Family::Debian,
    })
}

/// Lines that install runtime system packages, and why each package.
pub fn runtime_packages(
    facts: &Facts<'_>,
    family: Family,
    extra: &[(String, String)],
) -> Result<Vec<(String, String)>, Unsure> {
    let cat = catalog::catalog();
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut add = |pkg: &str, why: String| {
        if !wanted.iter().any(|(p, _)| p == pkg) {
            wanted.push((pkg.to_string(), why));
        }
    };
    for inst in facts.packages.iter().filter(|i| !i.replayed) {
        match cat.package_role(family, &inst.package) {
            PackageRole::BuildOnly => {}
            PackageRole::Dev(libs) => {
                for l in libs {
                    add(
                        &l,
                        format!("runtime library of {} (line {})", inst.package, inst.line),
                    );
                }
            }
            PackageRole::UnknownDev => {
                return Err(Unsure::at(
                    Code::UnknownLibrary,
                    inst.line,
                    format!(
                        "no known runtime library for {} on {}",
                        inst.package,
                        family_name(family)
                    ),
                ));
            }
            PackageRole::Runtime => add(
                &inst.package,
                format!("installed on line {} and not a build tool", inst.line),
            ),
        }
    }
    // What the app's code was found to need, but its author vouches it
    // does not (`# dockopt: not-needed`), is not installed.
    for (p, why) in extra.iter().filter(|(p, _)| !facts.vouched.not_needed(p)) {
        add(p, why.clone());
    }
    Ok(wanted)
}

/// A family's name as messages write it.
fn family_name(f: Family) -> &'static str {
    match f {
        Family::Debian => "Debian",
        Family::Ubuntu => "Ubuntu",
        Family::Alpine => "Alpine",
        Family::Fedora => "Fedora",
    }
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
        reason: format!(
            "the builder keeps {}; the runtime stage starts from {}",
            facts.image_text, runtime.image
        ),
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
        builder_image: facts.image_text.clone(),
        builder_name,
        runtime_image: runtime.image.clone(),
        decisions,
        artifacts: facts.app_paths.clone(),
        builder_inserts: Vec::new(),
        prune: None,
        runtime_steps,
        artifact_env: Vec::new(),
        link: false,
        runtime_user: None,
        replay_after: facts.replay_after.clone(),
    }
}

/// Adds the system packages step to a plan.
pub fn add_packages(
    plan: &mut Plan,
    facts: &Facts<'_>,
    family: Family,
    packages: &[(String, String)],
) {
    // Packages the file installed with their Recommends keep them.
    let recommends: Vec<String> = facts
        .packages
        .iter()
        .filter(|p| p.recommends)
        .map(|p| catalog::package_name(&p.package).to_string())
        .collect();
    if packages.is_empty() && !facts.upgrades {
        return;
    }
    // hadolint asks for pinned versions (DL3008, DL3018). A file that
    // passed that rule would fail it on this line, whose versions can only
    // follow the image's release; say so where it is written.
    let input_pins = facts
        .packages
        .iter()
        .all(|p| !p.pin_linted || catalog::package_name(&p.package) != p.package);
    let mut lint_ignore: Vec<&'static str> = Vec::new();
    if input_pins && !packages.is_empty() {
        lint_ignore.push(match family {
            Family::Alpine => "DL3018",
            Family::Fedora => "DL3041",
            Family::Debian | Family::Ubuntu => "DL3008",
        });
    }
    // DL3015 asks for --no-install-recommends, which the file chose not to
    // give for these packages; the runtime keeps that choice.
    let with_recommends: Vec<String> = packages
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| recommends.contains(p))
        .collect();
    if !with_recommends.is_empty() && matches!(family, Family::Debian | Family::Ubuntu) {
        lint_ignore.push("DL3015");
    }
    let mut why = packages
        .iter()
        .map(|(p, w)| format!("{p}: {w}"))
        .collect::<Vec<_>>()
        .join("; ");
    if facts.upgrades {
        why = format!("the build upgrades the system packages; {why}");
    }
    plan.runtime_steps.push(Addition {
        what: Added::Packages {
            family,
            packages: packages.iter().map(|(p, _)| p.clone()).collect(),
            with_recommends,
            upgrade: facts.upgrades,
            lint_ignore,
        },
        why,
    });
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

/// A pip install of a package that compiles C code while the program runs
/// (torch's triton) needs the compiler the builder has and the runtime
/// lacks.
pub fn refuse_runtime_compilers(
    pip: &crate::analysis::steps::Pip,
    line: usize,
) -> Result<(), Unsure> {
    let cat = catalog::catalog();
    match pip.packages.iter().find(|p| cat.compiles_at_runtime(p)) {
        Some(p) => Err(Unsure::at(
            Code::CompilesAtRuntime,
            line,
            format!(
                "{p} runs the C compiler while the program runs, and a runtime stage would have none"
            ),
        )),
        None => Ok(()),
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
    let packages = runtime_packages(facts, family, &wanted)?;
    add_packages(plan, facts, family, &packages);
    Ok(())
}

/// Runtime libraries for what the build installs from a package index.
/// A full official image (python:3.12, ruby:3.3) is built on
/// buildpack-deps, whose headers let packages build from source against
/// libraries its slim variant lacks; when the build installs from a
/// manifest dockopt cannot read, it cannot tell which, and leaves the file
/// alone.
pub fn source_built_libraries(
    facts: &Facts<'_>,
    plan: &Plan,
    family: Family,
    installs: manifests::Installs,
) -> Result<Vec<(String, String)>, Unsure> {
    let full_builder = plan.runtime_image != facts.image.to_string();
    if let Some(file) = installs.unread.first().filter(|_| full_builder) {
        return Err(Unsure::file(
            Code::ManifestMissing,
            format!(
                "installs from {file}, which is not in the build context: packages built from source on {} can link libraries {} lacks, and dockopt cannot see which",
                facts.image_text, plan.runtime_image
            ),
        ));
    }
    let mut out = manifests::native_libraries(family, &installs.names);
    for name in &installs.links {
        let packages = catalog::catalog()
            .link_library(family, name)
            .ok_or_else(|| {
                Unsure::file(Code::UnknownLibrary, format!(
                    "a C extension the build compiles links {name}, whose runtime package dockopt does not know"
                ))
            })?;
        for p in packages {
            if !out.iter().any(|(o, _)| o == p) {
                out.push((
                    p.clone(),
                    format!("a C extension the build compiles links {name}"),
                ));
            }
        }
    }
    Ok(out)
}

/// A program a package installed for the app put on PATH (a pip console
/// script, a gem's command), rather than a tool the image may lack.
pub fn package_command(family: Family, cmd: &Command) -> bool {
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    !full.contains('/')
        && !full.starts_with('.')
        && catalog::catalog()
            .tool_package(family, cmd.program())
            .is_none()
}

/// The build-only and `-dev` packages the build leaves installed: what a
/// runtime stage from the same image gains by not installing them.
pub fn left_behind(facts: &Facts<'_>, family: Family) -> Vec<String> {
    let cat = catalog::catalog();
    let mut out: Vec<String> = Vec::new();
    for inst in facts.packages.iter().filter(|p| !p.replayed) {
        let name = catalog::package_name(&inst.package).to_string();
        let build = !matches!(cat.package_role(family, &name), PackageRole::Runtime);
        if build && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// For a runtime stage from the builder's own image: a program called by
/// name is there unless it came with a build-only package the runtime
/// leaves out.
pub fn same_image_has(
    family: Family,
    left_behind: &[String],
    cmd: &Command,
) -> Result<bool, Unsure> {
    let program = cmd.program();
    let package = catalog::catalog()
        .tool_package(family, program)
        .unwrap_or(program);
    if left_behind.iter().any(|p| p == package) {
        // Not there: the runtime needs check installs the package again.
        return Ok(false);
    }
    Ok(!cmd.argv.first().is_some_and(|a| a.contains('/')))
}

/// The builder image had its tool folders (/go/bin, /usr/local/cargo/bin)
/// on PATH; a plain runtime image does not, so programs copied there would
/// no longer be found by name. Puts each such folder back on PATH.
pub fn keep_on_path(plan: &mut Plan, dirs: &[String]) {
    for dir in dirs {
        let env = ("PATH".to_string(), format!("{dir}:$PATH"));
        if !needs::standard_path().contains(dir) && !plan.artifact_env.contains(&env) {
            plan.artifact_env.push(env);
        }
    }
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
