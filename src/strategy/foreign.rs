//! Steps of another ecosystem than the strategy's own: a Python image that
//! also runs `npm run build`, a Node image that also runs `pip install`.
//! Each strategy follows where its own tools put things; another
//! ecosystem's step is accepted only where what it makes stays in the app
//! folder (and its scripts are read), and leaves the file alone otherwise.

use crate::analysis::steps::{CargoStep, GoStep, NodeAction, Step};
use crate::classify::Facts;
use crate::ecosystem::Ecosystem;
use crate::plan::Unsure;
use crate::reasons::Code;

use super::node;

/// Checks every step the strategy `strategy` does not follow itself.
pub fn check(facts: &Facts<'_>, strategy: Ecosystem) -> Result<(), Unsure> {
    let projects = node::Projects::read(facts);
    for (n, workdir, steps) in &facts.run_steps {
        let line = facts.line(*n);
        let in_app = workdir
            .as_deref()
            .is_some_and(|w| w != "/" && facts.in_app_or(Some(w), w));
        for step in steps {
            let why = match (strategy, step) {
                (Ecosystem::Python | Ecosystem::Distro, Step::Pip(_) | Step::Venv { .. } | Step::PythonTool { .. } | Step::Django { .. }) => None,
                (_, Step::Pip(_) | Step::Venv { .. } | Step::PythonTool { .. }) => {
                    Some("pip installs into a Python whose folders this image's strategy does not follow".to_string())
                }
                (_, Step::Django { .. }) => {
                    Some("Django's collectstatic gathers files where this image's strategy does not follow".to_string())
                }
                (Ecosystem::Node, Step::Node { .. } | Step::NodeGlobal { .. } | Step::Corepack { .. }) => None,
                (_, Step::Node { tool, action, args }) => {
                    if !in_app {
                        Some(format!("{tool} runs outside an app folder, where node_modules would not be copied"))
                    } else {
                        let project = node::scripts::Project {
                            facts,
                            package_json: projects.at(workdir.as_deref()),
                            workdir: workdir.as_deref(),
                            line,
                        };
                        match action {
                            NodeAction::Install => project.check_install(args)?,
                            NodeAction::Build => project.check_run("build")?,
                            NodeAction::Script(name) if tool == "npx" => project.check_npx(name, args)?,
                            NodeAction::Script(name) => project.check_run(name)?,
                            NodeAction::Prune | NodeAction::Housekeeping => {}
                        }
                        None
                    }
                }
                (Ecosystem::Distro, Step::NodeGlobal { .. }) => None,
                (_, Step::NodeGlobal { .. } | Step::Corepack { .. }) => Some(
                    "a global npm install or corepack puts programs among the image's own, which this image's strategy does not follow".to_string(),
                ),
                (Ecosystem::Go | Ecosystem::Distro, Step::Go(_)) => None,
                (_, Step::Go(GoStep::Modules | GoStep::Check)) => None,
                (_, Step::Go(_)) => Some("go builds or installs where this image's strategy does not follow".to_string()),
                (Ecosystem::Rust, Step::Cargo(_)) => None,
                (_, Step::Cargo(CargoStep::Fetch | CargoStep::Check)) => None,
                (_, Step::Cargo(_)) => Some("cargo builds or installs where this image's strategy does not follow".to_string()),
                (Ecosystem::Java, Step::Jvm { .. }) => None,
                (_, Step::Jvm { .. }) if in_app => None,
                (_, Step::Jvm { .. }) => Some("Maven or Gradle runs outside an app folder".to_string()),
                (Ecosystem::Dotnet, Step::Dotnet { .. }) => None,
                (_, Step::Dotnet { .. }) => Some("dotnet builds where this image's strategy does not follow".to_string()),
                (Ecosystem::Ruby, Step::Ruby { .. }) => None,
                (_, Step::Ruby { .. }) => Some("gem or bundler installs into a Ruby whose folders this image's strategy does not follow".to_string()),
                (Ecosystem::Php, Step::Composer { .. } | Step::PhpExtension) => None,
                (_, Step::Composer { .. }) if in_app => None,
                (_, Step::Composer { .. } | Step::PhpExtension) => {
                    Some("PHP's tools install where this image's strategy does not follow".to_string())
                }
                _ => None,
            };
            if let Some(why) = why {
                return Err(Unsure::at(Code::ForeignStep, line, why));
            }
        }
    }
    Ok(())
}
