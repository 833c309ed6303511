//! Leaving devDependencies in the builder: after the last build step the
//! builder prunes node_modules to the production dependencies with the
//! project's own package manager (`npm prune --omit=dev`, `pnpm prune
//! --prod`), as Docker's Node.js guide does, so the runtime copies only what
//! the program loads.
//!
//! Pruning is skipped, and the app copied as it was, whenever dockopt cannot
//! tell that the running program needs nothing but `dependencies`: the
//! image or its start script runs a program that is not Node's or a
//! dependency's, the app's code imports a package that is not among
//! `dependencies` (a devDependency, or one only another package brings),
//! the project is a workspace, pnpm or yarn has no lock file, yarn is Yarn 2
//! or later (whose `workspaces focus` is a plugin), or the file already
//! leaves devDependencies out. Yarn 1 has no prune: its `install
//! --production` against the same lock file removes the devDependencies and
//! keeps what the install scripts of the others built.

use crate::analysis::shell::{self, Command};
use crate::analysis::steps::{NodeAction, Step};
use crate::catalog;
use crate::classify::{self, Facts};
use crate::facts::code::{self, Lang, Use};
use crate::plan::Prune;
use crate::strategy::{manifests, needs};

/// The RUN that prunes devDependencies, placed after the builder's last
/// RUN, or None when pruning could break the program or gains nothing.
pub fn plan(facts: &Facts<'_>, projects: &super::Projects) -> Result<Prune, Option<String>> {
    let (tool, folder, args, install) = installer(facts).ok_or(None)?;
    let doc = projects.at(Some(&folder)).ok_or(None)?;
    let dev = names(doc, &["devDependencies"]);
    if dev.is_empty() || doc.get("workspaces").is_some() {
        return Err(None);
    }
    let command = prune_command(facts, tool, args, doc, &folder).ok_or(None)?;
    let root_manifest = facts
        .context_path_of(&format!("{folder}/package.json"))
        .zip(facts.context.as_ref())
        .is_some_and(|(p, root)| p == root.join("package.json"));
    if !same_locks(facts, tool, &folder, install) || !root_manifest || already_production(facts) {
        return Err(None);
    }
    let production = names(
        doc,
        &["dependencies", "optionalDependencies", "peerDependencies"],
    );
    let build_files = build_scripts(facts, doc);
    if !runs_only_production(facts, doc, &production) {
        return Err(Some(
            "the start command, or a script or preload it runs, uses a devDependency".into(),
        ));
    }
    imports_only(facts, &production, &dev, &build_files).map_err(Some)?;
    names_dev_files(facts, &production, &dev, &build_files).map_err(Some)?;
    Ok(Prune {
        before: after_the_last_run(facts, &folder).ok_or(None)?,
        command,
    })
}

/// The package manager's prune, with the install's options that change the
/// tree; None when that manager or install cannot be pruned so.
fn prune_command(
    facts: &Facts<'_>,
    tool: &str,
    args: &[String],
    doc: &serde_json::Value,
    folder: &str,
) -> Option<String> {
    let node = catalog::catalog().node();
    match tool {
        "npm" if npm_has_omit(facts) => repeat_options(
            "npm prune --omit=dev",
            args,
            (&node.npm_install_keeps, &node.npm_install_harmless),
            &node.npm_install_valued,
        ),
        "pnpm" => repeat_options(
            "pnpm prune --prod",
            args,
            (&node.pnpm_install_keeps, &node.pnpm_install_harmless),
            &node.pnpm_install_valued,
        ),
        "yarn" if yarn_classic(facts, doc, folder) => yarn_production(args),
        _ => None,
    }
}

/// npm prunes the tree it installed, lock file or not (it keeps one in
/// node_modules/.package-lock.json); pnpm's prune reads pnpm-lock.yaml,
/// and yarn's second install must resolve what the first one did. Each
/// reads the lock file there when it runs, which must be the one the
/// install (node `install`) had: a lock that a later COPY brings (or
/// replaces) makes them resolve the tree again, to other versions.
fn same_locks(facts: &Facts<'_>, tool: &str, folder: &str, install: usize) -> bool {
    let (locks, needed): (&[&str], bool) = match tool {
        "pnpm" => (&["pnpm-lock.yaml"], true),
        "yarn" => (&["yarn.lock"], true),
        _ => (&["package-lock.json", "npm-shrinkwrap.json"], false),
    };
    locks.iter().all(|l| {
        let path = format!("{folder}/{l}");
        let at_install = facts.context_path_before(&path, install);
        at_install == facts.context_path_of(&path) && (at_install.is_some() || !needed)
    })
}

/// The node after the builder's last RUN, when that RUN works in the
/// project's folder: where the prune goes.
fn after_the_last_run(facts: &Facts<'_>, folder: &str) -> Option<usize> {
    let (last, workdir) = facts
        .run_steps
        .iter()
        .map(|(n, w, _)| (*n, w))
        .max_by_key(|(n, _)| *n)?;
    if workdir.as_deref() != Some(folder) {
        return None;
    }
    facts
        .df
        .nodes()
        .iter()
        .enumerate()
        .skip(last + 1)
        .find(|(_, n)| n.instruction().is_some())
        .map(|(i, _)| i)
}

/// The names in package.json's dependency tables.
fn names(doc: &serde_json::Value, tables: &[&str]) -> Vec<String> {
    tables
        .iter()
        .filter_map(|t| doc.get(*t).and_then(|d| d.as_object()))
        .flat_map(|d| d.keys().cloned())
        .collect()
}

/// The package manager every install step uses, the one folder they run
/// in, and the arguments and node of the last install.
fn installer<'f>(facts: &'f Facts<'_>) -> Option<(&'f str, String, &'f [String], usize)> {
    let mut found: Option<(&str, String, &[String], usize)> = None;
    for (node, workdir, steps) in &facts.run_steps {
        for step in steps {
            let Step::Node {
                tool,
                action: NodeAction::Install,
                args,
            } = step
            else {
                continue;
            };
            let here = (tool.as_str(), workdir.clone()?);
            match &found {
                Some((t, w, _, _)) if (*t, w) != (here.0, &here.1) => return None,
                _ => found = Some((here.0, here.1, args, *node)),
            }
        }
    }
    found
}

/// Yarn 1 runs the project: no `packageManager` naming a later yarn, no
/// `.yarnrc.yml` (Yarn 2 and later's settings file) beside package.json.
fn yarn_classic(facts: &Facts<'_>, doc: &serde_json::Value, folder: &str) -> bool {
    let declared = doc
        .get("packageManager")
        .and_then(|v| v.as_str())
        .map(|v| v.strip_prefix("yarn@").is_some_and(|v| v.starts_with("1.")));
    declared.unwrap_or(true)
        && facts
            .context_path_of(&format!("{folder}/.yarnrc.yml"))
            .is_none()
}

/// Yarn 1's second install with `--production` and the lock file as the
/// first one left it, keeping that install's options that change what is
/// installed;
/// None when that install was not a plain `yarn [install]` (an `add`, an
/// option dockopt does not know).
fn yarn_production(args: &[String]) -> Option<String> {
    let node = catalog::catalog().node();
    let mut command = String::from("yarn install --production");
    let options = args.strip_prefix(&["install".to_string()]).unwrap_or(args);
    if !options.iter().any(|a| a == "--pure-lockfile") {
        command.push_str(" --frozen-lockfile");
    }
    for arg in options {
        if node.yarn_install_keeps.contains(arg) {
            command.push(' ');
            command.push_str(arg);
        } else if !node.yarn_install_harmless.contains(arg) {
            return None;
        }
    }
    Some(command)
}

/// A prune command with the install's options that change the tree
/// (`keeps`), in the form the install wrote them; None when the install
/// named packages or an option in neither list (`harmless` ones are left
/// out). `valued` options take the next word as their value.
fn repeat_options(
    command: &str,
    args: &[String],
    (keeps, harmless): (&[String], &[String]),
    valued: &[String],
) -> Option<String> {
    let mut out = command.to_string();
    // The subcommand (`install`, `i`, `ci`) comes first.
    let mut words = args.iter().skip(1);
    while let Some(arg) = words.next() {
        let (name, inline_value) = match arg.split_once('=') {
            Some((n, _)) => (n, true),
            None => (arg.as_str(), false),
        };
        if !arg.starts_with('-') {
            return None; // a package: `npm install express`
        }
        let value = if valued.iter().any(|v| v == name) && !inline_value {
            Some(words.next()?)
        } else {
            None
        };
        if keeps.iter().any(|k| k == name) {
            out.push(' ');
            out.push_str(arg);
            if let Some(v) = value {
                out.push(' ');
                out.push_str(v);
            }
        } else if !harmless.iter().any(|h| h == name || h == arg) {
            return None;
        }
    }
    Some(out)
}

/// npm 7 and later read `--omit=dev`; the node images from 16 on ship npm
/// 8 or later. A tag without a version (`lts`, `current`) is recent.
fn npm_has_omit(facts: &Facts<'_>) -> bool {
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    let major = tag.split(['.', '-']).next().unwrap_or("");
    major.parse::<u32>().map_or(true, |m| m >= 16)
}

/// The install already leaves devDependencies out (NODE_ENV=production,
/// `--production`, `--omit=dev`), or the file prunes: nothing to gain.
fn already_production(facts: &Facts<'_>) -> bool {
    let production_env = facts
        .env_value("NODE_ENV")
        .is_some_and(|v| v == "production");
    production_env
        || facts.runs_step(|s| match s {
            Step::Node {
                action: NodeAction::Prune,
                ..
            } => true,
            Step::Node {
                action: NodeAction::Install,
                args,
                ..
            } => args.iter().any(|a| {
                matches!(a.as_str(), "--production" | "--prod" | "-P" | "--omit=dev")
                    || a.starts_with("--only=prod")
            }),
            _ => false,
        })
}

/// Whether every program the image runs, directly or through the npm
/// scripts it starts, is Node's own, the system's, or a command of a
/// production dependency; and no `node -r` preloads anything else.
fn runs_only_production(facts: &Facts<'_>, doc: &serde_json::Value, production: &[String]) -> bool {
    // NODE_OPTIONS preloads for every node the image starts.
    let options = facts
        .env_value("NODE_OPTIONS")
        .unwrap_or("")
        .trim_matches(['"', '\'']);
    let words: Vec<String> = options.split_whitespace().map(String::from).collect();
    if !preloads_only(&words, production) {
        return false;
    }
    let mut pending: Vec<(Command, usize)> = facts
        .runtime_commands
        .iter()
        .map(|(_, c)| (c.clone(), 0))
        .collect();
    while let Some((cmd, depth)) = pending.pop() {
        let program = cmd.program();
        if matches!(program, "npm" | "yarn" | "pnpm") {
            match script_commands(doc, &cmd, depth) {
                Some(more) => pending.extend(more),
                None => return false,
            }
        } else if !runs_production(&cmd, production) {
            return false;
        }
    }
    true
}

/// The commands of the package.json script `npm start` and the like run
/// (with its pre and post scripts), one level deeper; none for a `start`
/// that has no script (npm runs `node server.js`); None when the script is
/// not there or runs scripts too deep to follow.
fn script_commands(
    doc: &serde_json::Value,
    cmd: &Command,
    depth: usize,
) -> Option<Vec<(Command, usize)>> {
    let script = manifests::script_run_by(cmd.program(), cmd.args())?;
    if manifests::npm_script(Some(doc), script).is_none() {
        return (script == "start").then(Vec::new);
    }
    if depth > 4 {
        return None;
    }
    Some(
        manifests::script_with_hooks(doc, script)
            .into_iter()
            .flat_map(shell::commands)
            .map(|c| (c, depth + 1))
            .collect(),
    )
}

/// Whether a command the image runs (not a package manager's) needs only
/// production packages: node with its preloads and script, npx of a
/// production command, a program of node_modules, a system program.
fn runs_production(cmd: &Command, production: &[String]) -> bool {
    let program = cmd.program();
    let args = cmd.args();
    match program {
        "" => true,
        "node" | "nodejs" => {
            let script = args.iter().find(|a| !a.starts_with('-'));
            preloads_only(args, production)
                && !script
                    .is_some_and(|s| s.contains("node_modules/") && !from_production(s, production))
        }
        "npx" => {
            let target = args.iter().find(|a| !a.starts_with('-'));
            target.is_some_and(|t| !is_restarter(t) && is_command_of(t, production))
        }
        // The interpreter a restarter picks for its script (ts-node for .ts)
        // is not read here: keep every package.
        p if is_restarter(p) => false,
        p if needs::base_program(p) || p == "exec" || p == "env" => true,
        _ if cmd.argv[0].contains("node_modules/") => {
            !is_restarter(program) && from_production(&cmd.argv[0], production)
        }
        _ if cmd.argv[0].contains('/') => true,
        p => is_command_of(p, production),
    }
}

/// Whether `program` restarts the app on changes (nodemon), through an
/// interpreter it picks itself.
fn is_restarter(program: &str) -> bool {
    catalog::catalog()
        .node()
        .restarters
        .iter()
        .any(|r| r == program)
}

/// Whether the modules that node options preload (`-r X`, `--require X`,
/// `--loader X`, `--import X`, and their `=` spellings) are all allowed.
fn preloads_only(words: &[String], production: &[String]) -> bool {
    const FLAGS: [&str; 4] = ["-r", "--require", "--loader", "--import"];
    let spaced = words
        .windows(2)
        .filter(|w| FLAGS.contains(&w[0].as_str()))
        .map(|w| w[1].clone());
    let joined = words.iter().filter_map(|w| {
        let (flag, value) = w.split_once('=')?;
        FLAGS.contains(&flag).then(|| value.to_string())
    });
    spaced
        .chain(joined)
        .all(|m| allowed(&manifests::npm_package_of(&m), production))
}

/// Whether a path into node_modules (`node_modules/.bin/tsx`,
/// `node_modules/pm2/bin/pm2`) belongs to a production dependency.
fn from_production(path: &str, production: &[String]) -> bool {
    let Some((_, rest)) = path.rsplit_once("node_modules/") else {
        return true;
    };
    match rest.strip_prefix(".bin/") {
        Some(bin) => is_command_of(bin, production),
        None => allowed(&manifests::npm_package_of(rest), production),
    }
}

/// Whether a program the code starts may be a devDependency's: a package
/// runner (npx and its kin run any package of node_modules), a path into
/// node_modules that is not a production package's, or a command of a
/// devDependency that no production dependency also brings.
fn runs_a_package(program: &str, production: &[String], dev: &[String]) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "npx" | "pnpx" | "bunx" | "npm" | "yarn" | "pnpm")
        || (program.contains("node_modules/") && !from_production(program, production))
        || (is_command_of(name, dev) && !is_command_of(name, production))
}

/// Whether a program is a command of one of the packages (the catalog's
/// list of its commands, else its own name, as a global install has).
fn is_command_of(program: &str, packages: &[String]) -> bool {
    packages
        .iter()
        .any(|p| super::global_commands(p).iter().any(|c| c == program))
}

/// Whether the app's code, outside its tests and the build tools'
/// configuration files, imports only Node's own modules, its own files and
/// production dependencies, and starts no program a devDependency brings
/// (`execSync("npx prisma migrate deploy")`, a node_modules/.bin path).
fn imports_only(
    facts: &Facts<'_>,
    production: &[String],
    dev: &[String],
    build_files: &[String],
) -> Result<(), String> {
    if let Some(why) = needs::code_unread(facts) {
        return Err(why);
    }
    let app = needs::app_code(facts);
    let found = app
        .files
        .iter()
        .filter(|f| f.lang == Lang::JavaScript)
        .filter(|f| {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            !is_build_config(name) && !build_files.contains(&f.path)
        })
        .find_map(|f| {
            f.findings.iter().find_map(|finding| match &finding.what {
                Use::Module(m) if !allowed(&manifests::npm_package_of(m), production) => {
                    Some(format!(
                        "{}:{} imports {m}, which is not a dependency",
                        f.path, finding.line
                    ))
                }
                // Any package may be the one it loads, a devDependency too.
                Use::ComputedModule(how) => Some(format!(
                    "{}:{} loads a package whose name it computes ({how})",
                    f.path, finding.line
                )),
                Use::Program(p) if runs_a_package(p, production, dev) => Some(format!(
                    "{}:{} starts {p}, which may run a devDependency",
                    f.path, finding.line
                )),
                _ => None,
            })
        });
    found.map_or(Ok(()), Err)
}

/// Whether a file is a configuration file only build and test tools read
/// (node.toml `build_configs`: vite.config.ts, jest.config.js...).
fn is_build_config(name: &str) -> bool {
    catalog::catalog()
        .node()
        .build_configs
        .iter()
        .any(|c| name.starts_with(&format!("{c}.")))
}

/// Files of an app that can name what it serves or reads: its code, its
/// pages and templates, its styles.
const SERVED_TEXT: &[&str] = &[
    "js",
    "mjs",
    "cjs",
    "ts",
    "mts",
    "cts",
    "jsx",
    "tsx",
    "html",
    "htm",
    "ejs",
    "pug",
    "hbs",
    "handlebars",
    "njk",
    "mustache",
    "vue",
    "svelte",
    "css",
    "scss",
];

/// Whether a file of the app names a devDependency's own files
/// (`path.join(__dirname, 'node_modules/bootstrap/dist')`, a page linking
/// /node_modules/bootstrap/...): the prune would take them away.
fn names_dev_files(
    facts: &Facts<'_>,
    production: &[String],
    dev: &[String],
    build_files: &[String],
) -> Result<(), String> {
    let only_dev: Vec<&String> = dev.iter().filter(|d| !production.contains(d)).collect();
    let Some(root) = facts.context.as_ref() else {
        return Ok(());
    };
    let files = crate::facts::context::files(root, &facts.copied_sources).unwrap_or_default();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let served = path
            .extension()
            .is_some_and(|e| SERVED_TEXT.contains(&e.to_string_lossy().as_ref()));
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let skipped = name == "package.json"
            || name == "package-lock.json"
            || crate::facts::context::is_test_file(&name)
            || is_build_config(&name)
            || build_files.contains(&shown);
        if !served || skipped {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !text.contains("node_modules") {
            continue;
        }
        let named = only_dev.iter().find(|d| {
            text.contains(&format!("node_modules/{d}"))
                || ['\'', '"', '`']
                    .iter()
                    .any(|q| text.contains(&format!("{q}{d}{q}")))
        });
        if let Some(d) = named {
            return Err(format!(
                "{shown} names node_modules and {d}, a devDependency whose files the prune would remove"
            ));
        }
    }
    Ok(())
}

/// The files that the build's npm scripts run with `node FILE` (`"build":
/// "node build.js"`), as context paths: build-time code, whose imports the
/// program does not load. A file the image also runs is not among them.
fn build_scripts(facts: &Facts<'_>, doc: &serde_json::Value) -> Vec<String> {
    let mut bodies: Vec<&str> = Vec::new();
    for step in facts.run_steps.iter().flat_map(|(_, _, steps)| steps) {
        let name = match step {
            Step::Node {
                action: NodeAction::Build,
                ..
            } => "build",
            Step::Node {
                tool,
                action: NodeAction::Script(name),
                ..
            } if tool != "npx" => name.as_str(),
            _ => continue,
        };
        bodies.extend(manifests::script_with_hooks(doc, name));
    }
    let runtime: Vec<String> = facts
        .runtime_commands
        .iter()
        .flat_map(|(_, c)| c.args().to_vec())
        .collect();
    bodies
        .iter()
        .flat_map(|b| shell::commands(b))
        .filter(|c| matches!(c.program(), "node" | "nodejs"))
        .filter_map(|c| c.args().iter().find(|a| !a.starts_with('-')).cloned())
        .map(|f| f.trim_start_matches("./").to_string())
        .filter(|f| !runtime.iter().any(|r| r.trim_start_matches("./") == f))
        .collect()
}

/// A module the program may load after the prune.
fn allowed(module: &str, production: &[String]) -> bool {
    module.is_empty()
        || module.starts_with('.')
        || module.starts_with('/')
        || module.starts_with("node:")
        || code::node_builtin(module)
        || production.iter().any(|p| p == module)
        || classify::under(module, "@types")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_roots() {
        assert_eq!(manifests::npm_package_of("lodash/fp"), "lodash");
        assert_eq!(
            manifests::npm_package_of("@nestjs/core/injector"),
            "@nestjs/core"
        );
        assert_eq!(manifests::npm_package_of("./lib/x"), ".");
        assert_eq!(manifests::npm_package_of("express"), "express");
    }

    #[test]
    fn what_may_be_loaded_after_the_prune() {
        let prod = vec!["express".to_string(), "@nestjs/core".to_string()];
        for ok in ["express", "@nestjs/core", ".", "fs", "node:path"] {
            assert!(allowed(ok, &prod), "{ok}");
        }
        for no in ["typescript", "lodash", "@nestjs/cli"] {
            assert!(!allowed(no, &prod), "{no}");
        }
    }

    #[test]
    fn commands_of_packages() {
        let pkgs = vec!["@nestjs/cli".to_string(), "next".to_string()];
        assert!(is_command_of("nest", &pkgs));
        assert!(is_command_of("next", &pkgs));
        assert!(!is_command_of("ts-node", &pkgs));
        assert!(from_production("node_modules/.bin/next", &pkgs));
        assert!(!from_production("./node_modules/.bin/tsx", &pkgs));
        assert!(!from_production("node_modules/ts-node/dist/bin.js", &pkgs));
    }

    #[test]
    fn yarn_second_install_keeps_what_changes_the_tree() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            yarn_production(&args("install --frozen-lockfile --silent")).as_deref(),
            Some("yarn install --production --frozen-lockfile")
        );
        assert_eq!(
            yarn_production(&args("--ignore-scripts --pure-lockfile")).as_deref(),
            Some("yarn install --production --ignore-scripts --pure-lockfile")
        );
        assert_eq!(yarn_production(&args("add left-pad")), None);
        assert_eq!(yarn_production(&args("--modules-folder /deps")), None);
    }

    #[test]
    fn preloads_must_be_dependencies() {
        let prod = vec!["dotenv".to_string()];
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert!(preloads_only(
            &words("-r dotenv/config dist/main.js"),
            &prod
        ));
        assert!(preloads_only(&words("--require=./tracing.js"), &prod));
        assert!(!preloads_only(
            &words("-r ts-node/register src/main.ts"),
            &prod
        ));
        assert!(!preloads_only(&words("--import=tsx"), &prod));
    }
}
