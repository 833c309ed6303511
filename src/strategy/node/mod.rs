//! Node.js: npm, yarn and pnpm projects on the official `node` image.
//!
//! ## What it recognises
//! `npm install`/`ci`, `yarn`, `pnpm install`, build scripts (`run build`),
//! pruning, `corepack enable`, and global installs (`npm install -g`).
//!
//! ## What it emits
//! The runtime stage is the same tag's `-slim` variant (same Debian release;
//! Alpine tags keep their image). It copies the app folders, which hold
//! `node_modules` and the build output. A CMD that runs pnpm (or yarn, when
//! the build enabled corepack) gets `corepack enable` in the runtime, and
//! corepack's cache when the build fetched the package manager into it, so
//! that the program does not download it when it starts; one that runs a
//! globally installed tool gets the same global install. After the build,
//! the builder prunes devDependencies (`npm prune --omit=dev`, `pnpm prune
//! --prod`, Yarn 1's `install --production`) when the start command and the app's imports need only
//! `dependencies` (see `prune.rs` for when it does not).
//!
//! ## When it leaves the file alone
//! A CMD that starts a development server (`npm run dev`), or a program that
//! neither the image, the app nor a global install provides.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! package.json:
//! {
//!   "name": "app",
//!   "scripts": { "build": "tsc" }
//! }
//! ```
//! the file
//! ```dockerfile
//! FROM node:20
//! WORKDIR /app
//! COPY . .
//! RUN npm ci && npm run build
//! CMD ["node", "dist/main.js"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM node:20 AS builder
//! WORKDIR /app
//! COPY . .
//! RUN npm ci && npm run build
//!
//! FROM node:20-slim
//! COPY --from=builder /app /app
//! WORKDIR /app
//! CMD ["node", "dist/main.js"]
//! ```

pub mod steps;

use crate::analysis::steps::{NodeAction, Step};
use crate::catalog;
use crate::classify::Facts;
use crate::plan::{Added, Addition, Artifact, Plan, Unsure};
use crate::reasons::Code;

mod projects;
mod prune;
pub mod scripts;

pub use projects::Projects;

use super::{
    add_packages, base_plan, check_runtime_programs, manifests, runtime_packages, slim_variant,
};

/// Decides the plan for a Node.js project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = slim_variant(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Node, &runtime);
    // Read once: the scripts of every install and run are checked in the
    // package.json of the folder they run in.
    let projects = Projects::read(facts);
    let build = read_build(facts, &projects)?;
    refuse_yarn_global_cache(facts, &projects)?;
    let installed = projects.installed_dependencies();
    let dependency_needs = dependency_needs(facts, &projects)?;
    // Every program the image runs, directly or from a script, passes
    // through `provided`; it notes what the runtime must set up again.
    let mut uses = Uses {
        restarter_configs: super::needs::app_code_text(facts, &["nodemon.json"]),
        ..Uses::default()
    };
    let mut provided = |cmd: &crate::analysis::shell::Command| {
        uses.program(cmd, projects.runtime(), &build.globals)
    };
    let mut wanted = check_runtime_programs(facts, runtime.family, &plan, &mut provided)?;
    let corepack = corepack_needed(&build, &uses)?;
    wanted.extend(dependency_needs);
    // Native modules that link a system library (pg-native): rarer in
    // npm than in PyPI, and most bundle or download their library, so an
    // unreadable package.json is not a reason to stop.
    let node_packages = manifests::node_packages(installed.as_ref());
    let pure = &catalog::catalog().node().pure_javascript;
    let native: Vec<String> = node_packages
        .names
        .into_iter()
        .filter(|n| !pure.contains(n))
        .collect();
    wanted.extend(manifests::native_libraries(runtime.family, &native));
    if runtime.family != catalog::Family::Alpine {
        // Alpine images have the bundle (ca-certificates-bundle) already.
        wanted.extend(system_ca_store(facts, &projects));
    }
    refuse_home_downloads(facts, &manifests::node_runtime_packages(installed.as_ref()))?;
    let packages = runtime_packages(facts, &plan.runtime_image, runtime.family, &wanted)?;
    add_packages(&mut plan, facts, runtime.family, &packages);
    if corepack {
        add_corepack(&mut plan, facts, &build)?;
    }
    add_globals(&mut plan, &build, &uses);
    match prune::plan(facts, &projects) {
        Ok(prune) => plan.prune = Some(prune),
        Err(why) => plan.dev_kept = why,
    }
    gains_something(facts, &plan, &build)?;
    Ok(plan)
}

/// ca-certificates when node is told to trust the system's CA store rather
/// than its own roots: by an option on the command, in NODE_OPTIONS or in
/// a package.json script, or by the environment.
fn system_ca_store(facts: &Facts<'_>, projects: &Projects) -> Option<(String, String)> {
    let node = catalog::catalog().node();
    let scripts = projects
        .runtime()
        .and_then(|p| p.get("scripts"))
        .and_then(|s| s.as_object())
        .into_iter()
        .flat_map(|s| s.values().filter_map(|v| v.as_str()));
    let mut texts = facts
        .runtime_commands
        .iter()
        .flat_map(|(_, cmd)| cmd.argv.iter().map(String::as_str))
        .chain(facts.env.iter().map(|(_, value)| value.as_str()))
        .chain(scripts);
    let option = texts.find_map(|t| {
        node.system_ca_options
            .iter()
            .find(|o| t.split_whitespace().any(|w| w == o.as_str()))
    });
    let setting = facts.env.iter().find_map(|(name, value)| {
        node.system_ca_env
            .iter()
            .find(|e| **e == format!("{name}={value}"))
    });
    let how = option.or(setting)?;
    Some((
        "ca-certificates".into(),
        format!("node runs with {how}, which checks servers against the system's CA certificates"),
    ))
}

/// When the runtime would be the builder's own image (an Alpine or -slim
/// tag), the rewrite gains only if the builder keeps something back: the
/// devDependencies it prunes, a build-only global tool, or a system package
/// the runtime does not install again. Otherwise only npm's cache would
/// stay behind: nothing to gain.
fn gains_something(facts: &Facts<'_>, plan: &Plan, build: &Build) -> Result<(), Unsure> {
    let same = plan.runtime_image == facts.image_text;
    let globals_left = build.globals.iter().any(|(g, _)| build_only_global(g));
    let packages_left = facts.packages.iter().any(|p| !p.replayed);
    if !same || plan.prune.is_some() || globals_left || packages_left {
        return Ok(());
    }
    Err(Unsure::file(
        Code::NothingToBuild,
        format!(
            "nothing to gain: the runtime would be {} again with the same node_modules, and only npm's cache would stay in a builder",
            plan.runtime_image
        ),
    ))
}

/// What the build does with Node's tools, read from its RUN steps.
struct Build {
    /// Installs and builds (none: nothing to gain from a builder).
    installs: usize,
    /// The build enabled corepack.
    corepack: bool,
    /// A package manager was then fetched into corepack's cache (running
    /// pnpm or yarn through its shims does).
    fetched: bool,
    /// Packages installed globally, with their lines.
    globals: Vec<(String, usize)>,
}

/// Reads the build's installs, scripts, corepack use and global packages,
/// checking each script's effects.
fn read_build(facts: &Facts<'_>, projects: &Projects) -> Result<Build, Unsure> {
    let mut build = Build {
        installs: 0,
        corepack: false,
        fetched: false,
        globals: Vec::new(),
    };
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        let project = scripts::Project {
            facts,
            package_json: projects.at(workdir.as_deref()),
            workdir: workdir.as_deref(),
            line,
        };
        for step in steps {
            match step {
                Step::Node { tool, action, args } => {
                    refuse_other_project(facts, tool, args, workdir.as_deref(), line)?;
                    if matches!(action, NodeAction::Install | NodeAction::Build) {
                        build.installs += 1;
                    }
                    build.fetched |= build.corepack && matches!(tool.as_str(), "pnpm" | "yarn");
                    project.check_step(tool, action, args)?;
                }
                Step::Corepack { fetches } => {
                    build.corepack = true;
                    build.fetched |= *fetches;
                }
                Step::NodeGlobal { packages } => {
                    refuse_global_from_context(packages, line)?;
                    build
                        .globals
                        .extend(packages.iter().map(|p| (p.clone(), line)));
                }
                _ => {}
            }
        }
    }
    if build.installs == 0 {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no npm, yarn or pnpm install: nothing to leave behind in a builder",
        ));
    }
    Ok(build)
}

/// A global install of a package from the build context (a folder or a
/// tarball) would have to be installed again from the app: refused.
fn refuse_global_from_context(packages: &[String], line: usize) -> Result<(), Unsure> {
    let Some(p) = packages.iter().find(|p| {
        p.starts_with('.') || p.starts_with('/') || p.starts_with("file:") || p.ends_with(".tgz")
    }) else {
        return Ok(());
    };
    Err(Unsure::at(
        Code::ForeignStep,
        line,
        format!(
            "installs {p} globally, a package of the build context; the runtime stage would have to install it again from the app"
        ),
    ))
}

/// What the programs the image runs use of Node's tools.
#[derive(Default)]
struct Uses {
    pnpm: bool,
    yarn: bool,
    /// Global packages whose commands the image runs.
    globals: Vec<String>,
    /// The texts of the context's nodemon.json files.
    restarter_configs: Vec<String>,
}

impl Uses {
    /// Whether a program the image runs is Node's own or a global
    /// package's command (noting which); refuses development servers and
    /// programs that may be a global package's unknown command.
    fn program(
        &mut self,
        cmd: &crate::analysis::shell::Command,
        package_json: Option<&serde_json::Value>,
        globals: &[(String, usize)],
    ) -> Result<bool, Unsure> {
        let program = cmd.program();
        if matches!(program, "npm" | "yarn" | "pnpm") {
            refuse_dev_server(program, cmd.args(), package_json)?;
        }
        if catalog::catalog()
            .node()
            .restarters
            .iter()
            .any(|r| r == program)
        {
            refuse_restarter_exec(cmd, package_json, &self.restarter_configs)?;
        }
        if let Some((g, _)) = globals
            .iter()
            .find(|(g, _)| global_commands(g).iter().any(|c| c == program))
        {
            self.globals.push(g.clone());
            return Ok(true);
        }
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let node_tool = matches!(
            program,
            "node" | "npm" | "npx" | "yarn" | "corepack" | "pnpm"
        );
        if let Some((g, line)) = globals
            .iter()
            .find(|(g, _)| !full.contains('/') && !node_tool && !catalog_knows_commands(g))
        {
            return Err(Unsure::file(
                Code::UnknownRuntimeProgram,
                format!(
                    "the image runs {program}, which may be a command of {g}, installed globally on line {line}; dockopt does not know that package's commands"
                ),
            ));
        }
        match program {
            "pnpm" => self.pnpm = true,
            "yarn" => self.yarn = true,
            _ => {}
        }
        Ok(node_tool)
    }

    /// The image runs a global package's command named `tool`.
    fn runs_global(&self, tool: &str) -> bool {
        self.globals.iter().any(|g| package_bin(g) == tool)
    }
}

/// `npm start` and the like whose script is a development server or
/// watcher (it needs the build tools the runtime leaves behind): refused.
fn refuse_dev_server(
    program: &str,
    args: &[String],
    package_json: Option<&serde_json::Value>,
) -> Result<(), Unsure> {
    let node = catalog::catalog().node();
    let script = match args.first().map(String::as_str) {
        Some("run" | "run-script") => args.get(1).map(String::as_str),
        other => other,
    };
    if script.is_some_and(|s| node.dev_scripts.iter().any(|d| d == s)) {
        return Err(Unsure::file(
            Code::RunsBuildTool,
            format!(
                "the image runs `{program} {}`, a development server that needs the build tools",
                args.join(" ")
            ),
        ));
    }
    // What the script runs, from package.json in the context.
    let body = script.and_then(|s| manifests::npm_script(package_json, s));
    if let Some(dev) = body.and_then(|b| node.dev_commands.iter().find(|d| b.contains(d.as_str())))
    {
        return Err(Unsure::file(
            Code::RunsBuildTool,
            format!(
                "the image runs `{program} {}`, whose script starts `{dev}`, a development server or watcher",
                args.join(" ")
            ),
        ));
    }
    Ok(())
}

/// nodemon starts its script with node, or with the program `--exec`, its
/// config's `exec` and `execMap` (python for .py by default) name, which
/// the runtime may lack: only a JavaScript or TypeScript script with no
/// such setting passes.
fn refuse_restarter_exec(
    cmd: &crate::analysis::shell::Command,
    package_json: Option<&serde_json::Value>,
    configs: &[String],
) -> Result<(), Unsure> {
    let program = cmd.program();
    let refuse = |why: String| {
        Err(Unsure::file(
            Code::UnknownRuntimeProgram,
            format!("the image runs {program}, {why}; dockopt does not check what that starts"),
        ))
    };
    let node = catalog::catalog().node();
    let mut args = cmd.args().iter();
    let mut script = None;
    while let Some(a) = args.next() {
        let option = a.split('=').next().unwrap_or(a);
        if node.restarter_exec_options.iter().any(|o| o == option) {
            return refuse(format!("whose {option} names the program to run"));
        }
        if a == "--" {
            script = args.next();
            break;
        }
        if node.restarter_value_options.iter().any(|o| o == a) {
            args.next();
        } else if !a.starts_with('-') {
            script = Some(a);
            break;
        }
    }
    let main = package_json
        .and_then(|d| d.get("main"))
        .and_then(|m| m.as_str());
    let Some(script) = script.map(String::as_str).or(main) else {
        return refuse("with no script and no package.json main".into());
    };
    let ext = script.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !ext.is_some_and(|e| node.restarter_script_extensions.contains(&e)) {
        return refuse(format!(
            "which picks the interpreter of {script} by its extension"
        ));
    }
    let in_package = package_json.and_then(|d| d.get("nodemonConfig")).cloned();
    let parsed = configs
        .iter()
        .map(|t| serde_json::from_str::<serde_json::Value>(t));
    for config in parsed.map(Result::ok).chain(in_package.map(Some)) {
        let Some(config) = config else {
            return refuse("with a nodemon.json dockopt cannot read".into());
        };
        if let Some(key) = ["exec", "execMap"]
            .into_iter()
            .find(|k| config.get(k).is_some())
        {
            return refuse(format!("whose configuration sets {key}"));
        }
    }
    Ok(())
}

/// Whether the runtime needs `corepack enable`: the image runs pnpm, or
/// yarn through corepack. Running pnpm with no corepack and no global
/// pnpm is refused.
fn corepack_needed(build: &Build, uses: &Uses) -> Result<bool, Unsure> {
    let pnpm = uses.pnpm && !uses.runs_global("pnpm");
    if pnpm && !build.corepack {
        return Err(Unsure::file(
            Code::UnknownRuntimeProgram,
            "the image runs pnpm, but the build neither enables corepack nor installs pnpm",
        ));
    }
    // Without corepack, yarn is the image's own yarn 1, which -slim has too.
    Ok(build.corepack && (pnpm || uses.yarn && !uses.runs_global("yarn")))
}

/// `corepack enable` in the runtime, with the package manager corepack
/// fetched in the build.
fn add_corepack(plan: &mut Plan, facts: &Facts<'_>, build: &Build) -> Result<(), Unsure> {
    plan.runtime_steps.push(Addition {
        what: Added::Run {
            command: "corepack enable".into(),
        },
        why: "the image runs pnpm or yarn through corepack".into(),
    });
    if build.fetched {
        plan.artifacts.push(Artifact {
            path: corepack_home(facts)?,
            chown: None,
            reason: "the package manager corepack fetched in the build; without it the program would download it when it starts".into(),
            file: false,
        });
    }
    Ok(())
}

/// The global packages again in the runtime: those the image runs, and
/// every other but the build's own tools, since the app may load one
/// (NODE_PATH) or start its command from its code.
fn add_globals(plan: &mut Plan, build: &Build, uses: &Uses) {
    let runs_global = !uses.globals.is_empty();
    let mut need = uses.globals.clone();
    need.extend(
        build
            .globals
            .iter()
            .map(|(g, _)| g.clone())
            .filter(|g| !build_only_global(g)),
    );
    if need.is_empty() {
        return;
    }
    need.sort();
    need.dedup();
    plan.runtime_steps.push(Addition {
        what: Added::Run {
            command: format!("npm install -g {}", need.join(" ")),
        },
        why: if runs_global {
            "the image runs a globally installed tool".into()
        } else {
            "the build installed these packages globally, where the app may load or start them"
                .into()
        },
    });
}

/// Refuses dependencies of the program whose install script downloads into
/// the home folder (puppeteer's browser), which stays in the builder,
/// unless the file skips the download. devDependencies are tools of the
/// build or the tests, which the runtime does not need.
fn refuse_home_downloads(facts: &Facts<'_>, names: &[String]) -> Result<(), Unsure> {
    let catalog = crate::catalog::catalog();
    for name in names {
        let Some(download) = catalog.install_download(name) else {
            continue;
        };
        let skipped = download.skip.iter().any(|s| match s.split_once('=') {
            Some((name, value)) => facts.env_value(name) == Some(value),
            None => facts.env_value(s).is_some(),
        });
        if skipped {
            continue;
        }
        return Err(Unsure::file(
            Code::DownloadOutsideApp,
            format!(
                "{name} downloads into {} when it installs, outside the app folder the runtime stage receives",
                download.folder
            ),
        ));
    }
    Ok(())
}

/// Where corepack keeps the package managers it fetched, worked out the
/// way corepack does: COREPACK_HOME, else `$XDG_CACHE_HOME/node/corepack`,
/// else `~/.cache/node/corepack`. Corepack before 0.13 (Node before 18.19
/// here, to be safe) used `~/.node/corepack`, so those tags are refused.
fn corepack_home(facts: &Facts<'_>) -> Result<String, Unsure> {
    let home = match (
        facts.env_value("COREPACK_HOME"),
        facts.env_value("XDG_CACHE_HOME"),
    ) {
        (Some(h), _) => h.to_string(),
        (None, Some(x)) => format!("{x}/node/corepack"),
        (None, None) => {
            if !corepack_uses_cache_folder(facts.image.tag.as_deref()) {
                return Err(Unsure::file(
                    Code::DownloadOutsideApp,
                    format!(
                        "the build fetches a package manager with the corepack of node:{}, which may keep it in ~/.node/corepack rather than ~/.cache/node/corepack; set COREPACK_HOME to name the folder",
                        facts.image.tag.as_deref().unwrap_or("latest")
                    ),
                ));
            }
            let home = facts.env_value("HOME").unwrap_or("/root");
            format!("{}/.cache/node/corepack", home.trim_end_matches('/'))
        }
    };
    if home.contains('$') || !home.starts_with('/') {
        return Err(Unsure::file(
            Code::DownloadOutsideApp,
            format!("corepack keeps its package managers in {home}, a path dockopt cannot resolve"),
        ));
    }
    Ok(home)
}

/// True when the node tag's corepack keeps its cache in ~/.cache: Node 19
/// and later, and 18.19 and later (a bare `18` is the newest 18); tags
/// without a version (`lts`, `alpine`) are recent, but for the names of
/// the old lines.
fn corepack_uses_cache_folder(tag: Option<&str>) -> bool {
    let Some(tag) = tag else { return true };
    let mut numbers = tag
        .split(['-', '.'])
        .map_while(|part| part.parse::<u32>().ok());
    match (numbers.next(), numbers.next()) {
        (None, _) => !["fermium", "gallium", "erbium", "dubnium"]
            .iter()
            .any(|old| tag.starts_with(old)),
        (Some(major), _) if major >= 19 => true,
        (Some(18), None) => true,
        (Some(18), Some(minor)) => minor >= 19,
        _ => false,
    }
}

/// A package name without its version (`@scope/pkg@1` -> `@scope/pkg`).
fn package_name(spec: &str) -> &str {
    match spec.strip_prefix('@') {
        Some(rest) => rest.find('@').map_or(spec, |i| &spec[..i + 1]),
        None => spec.split('@').next().unwrap_or(spec),
    }
}

/// The command a package name installs when the catalog does not list its
/// commands: its name without scope or version (`@scope/pkg@1` -> `pkg`).
fn package_bin(spec: &str) -> &str {
    let spec = spec.rsplit('/').next().unwrap_or(spec);
    spec.split('@').find(|s| !s.is_empty()).unwrap_or(spec)
}

/// The commands a global install of `spec` puts on PATH: from the catalog,
/// or the package's own name.
fn global_commands(spec: &str) -> Vec<String> {
    catalog::catalog()
        .node()
        .global_commands
        .get(package_name(spec))
        .cloned()
        .unwrap_or_else(|| vec![package_bin(spec).to_string()])
}

/// `npm --prefix DIR`, `yarn --cwd DIR`, `pnpm --dir DIR` work on the
/// project in DIR; dockopt reads the project of the RUN's folder, so any
/// other folder is refused.
fn refuse_other_project(
    facts: &Facts<'_>,
    tool: &str,
    args: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    const OPTIONS: &[&str] = &["--prefix", "--cwd", "--dir", "-C", "--modules-folder"];
    let mut words = args.iter();
    while let Some(a) = words.next() {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if !OPTIONS.contains(&name) {
            continue;
        }
        let Some(dir) = value.or_else(|| words.next().cloned()) else {
            continue;
        };
        let abs = crate::classify::resolve(&facts.expand_path(&dir), workdir);
        let here = workdir.and_then(|w| crate::classify::resolve(w, None));
        if abs.is_none() || abs != here {
            return Err(Unsure::at(
                Code::UnplaceablePath,
                line,
                format!(
                    "`{tool} {name} {dir}` works on the project in {dir}, not the one in the RUN's folder that dockopt reads"
                ),
            ));
        }
    }
    Ok(())
}

/// A global package that only builds or installs: a package manager, or
/// one whose every command is a build tool of the catalog.
fn build_only_global(spec: &str) -> bool {
    let tools = &catalog::catalog().node().build_tools;
    matches!(package_name(spec), "npm" | "pnpm" | "yarn" | "corepack")
        || global_commands(spec)
            .iter()
            .all(|c| tools.get(c.as_str()).is_some())
}

/// Whether the catalog lists the commands of a global package.
fn catalog_knows_commands(spec: &str) -> bool {
    catalog::catalog()
        .node()
        .global_commands
        .contains_key(package_name(spec))
}

/// Yarn 2 and later keep packages in a cache that is global by default
/// from Yarn 4 (~/.yarn/berry/cache), and with Plug'n'Play the app loads
/// them from there: outside the app folder the runtime receives.
fn refuse_yarn_global_cache(facts: &Facts<'_>, projects: &Projects) -> Result<(), Unsure> {
    for (folder, package_json) in projects.installed() {
        refuse_yarn_global_cache_in(facts, folder, package_json)?;
        refuse_pnpm_folders_outside(facts, folder)?;
    }
    Ok(())
}

/// [`refuse_yarn_global_cache`] for the project in `folder`.
fn refuse_yarn_global_cache_in(
    facts: &Facts<'_>,
    folder: Option<&str>,
    package_json: Option<&serde_json::Value>,
) -> Result<(), Unsure> {
    let yarnrc = manifests::context_text_from(facts, folder, ".yarnrc.yml");
    let manager = package_json
        .and_then(|p| p.get("packageManager"))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    let major = manager
        .strip_prefix("yarn@")
        .and_then(|v| v.split('.').next())
        .and_then(|v| v.parse::<u32>().ok());
    let berry = major.is_some_and(|m| m >= 2) || yarnrc.is_some();
    if !berry || !facts.runs_step(|s| matches!(s, Step::Node { tool, .. } if tool == "yarn")) {
        return Ok(());
    }
    let rc = yarnrc.unwrap_or_default();
    let setting = |key: &str| manifests::yaml_setting(&rc, key);
    let node_modules = setting("nodeLinker").as_deref() == Some("node-modules");
    let global_cache = match setting("enableGlobalCache").as_deref() {
        Some("false") => false,
        Some("true") => true,
        _ => major.is_none_or(|m| m >= 4),
    };
    if global_cache && !node_modules {
        return Err(Unsure::file(
            Code::DownloadOutsideApp,
            "Yarn keeps the packages in its global cache (~/.yarn/berry/cache) and the app loads them from there with Plug'n'Play, outside the app folder the runtime receives; set enableGlobalCache: false or nodeLinker: node-modules in .yarnrc.yml",
        ));
    }
    // With Plug'n'Play the app loads packages from the cache and unplugged
    // folders, wherever .yarnrc.yml puts them.
    if !node_modules {
        for key in ["cacheFolder", "pnpUnpluggedFolder", "virtualFolder"] {
            if let Some(dir) = setting(key).filter(|d| !facts.names_app_path(d, folder, false)) {
                return Err(Unsure::file(
                    Code::DownloadOutsideApp,
                    format!(
                        "Yarn's {key} in .yarnrc.yml is {dir}, outside the app folder the runtime receives, and with Plug'n'Play the app loads its packages from there"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// pnpm's `modules-dir` and `virtual-store-dir` in the project's .npmrc
/// put node_modules, or the packages its links point to, elsewhere: outside
/// the app, the runtime would lack them.
fn refuse_pnpm_folders_outside(facts: &Facts<'_>, folder: Option<&str>) -> Result<(), Unsure> {
    if !facts.runs_step(|s| matches!(s, Step::Node { tool, .. } if tool == "pnpm")) {
        return Ok(());
    }
    let Some(npmrc) = manifests::context_text_from(facts, folder, ".npmrc") else {
        return Ok(());
    };
    for line in npmrc.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, dir) = (key.trim(), value.trim());
        if matches!(key, "modules-dir" | "virtual-store-dir")
            && !facts.names_app_path(dir, folder, false)
        {
            return Err(Unsure::file(
                Code::DownloadOutsideApp,
                format!(
                    "pnpm's {key} in .npmrc is {dir}, outside the app folder the runtime receives"
                ),
            ));
        }
    }
    Ok(())
}

/// What the dependencies' install scripts need in the runtime, from
/// package.json and the lock files in the context.
fn dependency_needs(
    facts: &Facts<'_>,
    projects: &Projects,
) -> Result<Vec<(String, String)>, Unsure> {
    let mut names: Vec<String> = Vec::new();
    let mut scripted: Vec<String> = Vec::new();
    for (folder, package_json) in projects.installed() {
        names.extend(manifests::node_runtime_packages(package_json));
        for lock in [
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
        ] {
            let Some(text) = manifests::context_text_from(facts, folder, lock) else {
                continue;
            };
            names.extend(scripts::lock_names(&text));
            if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) {
                scripted.extend(scripts::lock_install_scripts(&doc));
            }
        }
    }
    names.sort();
    names.dedup();
    scripts::check_dependencies(facts, &names, &scripted)
}
