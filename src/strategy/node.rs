//! Node.js: npm, yarn and pnpm projects on the official `node` image.
//!
//! ## What it recognises
//! `npm install`/`ci`, `yarn`, `pnpm install`, build scripts (`run build`),
//! pruning, `corepack enable`, and global installs (`npm install -g`).
//!
//! ## What it emits
//! The runtime stage is the same tag's `-slim` variant (same Debian release;
//! Alpine tags keep their image). It copies the app folders, which hold
//! `node_modules` and the build output. A CMD that runs pnpm gets
//! `corepack enable` in the runtime; one that runs a globally installed tool
//! gets the same global install.
//!
//! ## When it leaves the file alone
//! A CMD that starts a development server (`npm run dev`), or a program that
//! neither the image, the app nor a global install provides.
//!
//! ## Example
//! ```text
//! FROM node:20                  FROM node:20 AS builder
//! WORKDIR /app                  WORKDIR /app
//! COPY . .                      COPY . .
//! RUN npm ci && npm run build   RUN npm ci && npm run build
//! CMD ["node", "dist/main.js"]
//!                               FROM node:20-slim
//!                               COPY --from=builder /app /app
//!                               WORKDIR /app
//!                               CMD ["node", "dist/main.js"]
//! ```

use crate::analysis::steps::{NodeAction, Step};
use crate::classify::Facts;
use crate::plan::{Plan, Unsure};

use super::{
    add_packages, base_plan, check_runtime_programs, manifests, runtime_packages, slim_variant,
};

/// Scripts that start a development server rather than the app.
const DEV_SCRIPTS: &[&str] = &["dev", "develop", "watch", "serve:dev", "start:dev"];

/// Commands in a package.json script that start a development server or
/// watcher rather than the app.
const DEV_COMMANDS: &[&str] = &[
    "next dev",
    "vite",
    "nodemon",
    "webpack serve",
    "webpack-dev-server",
    "react-scripts start",
    "ng serve",
    "nuxt dev",
    "ts-node-dev",
    "parcel",
    "tsc --watch",
    "tsc -w",
    "--watch",
];

/// Decides the plan for a Node.js project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = slim_variant(facts, true)?;
    let mut plan = base_plan(facts, "node", &runtime);
    let mut installs = 0;
    let mut corepack = false;
    let mut globals: Vec<(String, usize)> = Vec::new();
    for (node, _, steps) in &facts.run_steps {
        for step in steps {
            match step {
                Step::Node {
                    action: NodeAction::Install | NodeAction::Build,
                    ..
                } => installs += 1,
                Step::Corepack => corepack = true,
                Step::NodeGlobal { packages } => {
                    for p in packages {
                        globals.push((p.clone(), facts.line(*node)));
                    }
                }
                _ => {}
            }
        }
    }
    if installs == 0 {
        return Err(Unsure::file(
            "no npm, yarn or pnpm install: nothing to leave behind in a builder",
        ));
    }
    // Every program the image runs, directly or from a script, passes
    // through `provided`; it notes what the runtime must set up again.
    // Read once: every command the image runs may look up its script.
    let package_json = manifests::package_json(facts);
    let uses_pnpm = std::cell::Cell::new(false);
    let used_globals = std::cell::RefCell::new(Vec::<String>::new());
    let provided = |cmd: &crate::analysis::shell::Command| -> Result<bool, Unsure> {
        let program = cmd.program();
        let args = cmd.args();
        if matches!(program, "npm" | "yarn" | "pnpm") {
            let script = match args.first().map(String::as_str) {
                Some("run" | "run-script") => args.get(1).map(String::as_str),
                other => other,
            };
            if script.is_some_and(|s| DEV_SCRIPTS.contains(&s)) {
                return Err(Unsure::file(format!(
                    "the image runs `{program} {}`, a development server that needs the build tools",
                    args.join(" ")
                )));
            }
            // What the script runs, from package.json in the context.
            let body = script.and_then(|s| manifests::npm_script(package_json.as_ref(), s));
            if let Some(dev) = body.and_then(|b| DEV_COMMANDS.iter().find(|d| b.contains(*d))) {
                return Err(Unsure::file(format!(
                    "the image runs `{program} {}`, whose script starts `{dev}`, a development server or watcher",
                    args.join(" ")
                )));
            }
        }
        if let Some((g, _)) = globals.iter().find(|(g, _)| package_bin(g) == program) {
            used_globals.borrow_mut().push(g.clone());
            return Ok(true);
        }
        if program == "pnpm" {
            uses_pnpm.set(true);
        }
        Ok(matches!(
            program,
            "node" | "npm" | "npx" | "yarn" | "corepack" | "pnpm"
        ))
    };
    let tools = check_runtime_programs(facts, runtime.family, &plan.artifacts, &provided)?;
    let need_corepack = uses_pnpm.get()
        && !used_globals
            .borrow()
            .iter()
            .any(|g| package_bin(g) == "pnpm");
    if need_corepack && !corepack {
        return Err(Unsure::file(
            "the image runs pnpm, but the build neither enables corepack nor installs pnpm",
        ));
    }
    let mut need_globals = used_globals.into_inner();
    let mut wanted = tools;
    // Native modules that link a system library (pg-native): rarer in
    // npm than in PyPI, and most bundle or download their library, so an
    // unreadable package.json is not a reason to stop.
    wanted.extend(manifests::native_libraries(
        runtime.family,
        &manifests::node_packages(package_json.as_ref()).names,
    ));
    let packages = runtime_packages(facts, runtime.family, &wanted)?;
    add_packages(&mut plan, facts, runtime.family, &packages);
    if need_corepack {
        plan.runtime_steps.push((
            "RUN corepack enable".into(),
            "the image runs pnpm through corepack".into(),
        ));
    }
    if !need_globals.is_empty() {
        need_globals.sort();
        need_globals.dedup();
        plan.runtime_steps.push((
            format!("RUN npm install -g {}", need_globals.join(" ")),
            "the image runs a globally installed tool".into(),
        ));
    }
    Ok(plan)
}

/// The command a package name installs, approximately: its name without
/// scope or version (`@scope/pkg@1` -> `pkg`).
fn package_bin(spec: &str) -> &str {
    let spec = spec.rsplit('/').next().unwrap_or(spec);
    spec.split('@').find(|s| !s.is_empty()).unwrap_or(spec)
}
