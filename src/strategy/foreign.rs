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
    // Read only when a Node step runs on another ecosystem's image.
    let projects = std::cell::OnceCell::new();
    for (n, workdir, steps) in &facts.run_steps {
        let line = facts.line(*n);
        let in_app = workdir
            .as_deref()
            .is_some_and(|w| w != "/" && facts.in_app_or(Some(w), w));
        for step in steps {
            let why = match (strategy, step) {
                (Ecosystem::Node, Step::Node { .. }) => None,
                (_, Step::Node { tool, action, args }) if in_app => {
                    let project = node::scripts::Project {
                        facts,
                        package_json: projects
                            .get_or_init(|| node::Projects::read(facts))
                            .at(workdir.as_deref()),
                        workdir: workdir.as_deref(),
                        line,
                    };
                    match action {
                        NodeAction::Install => project.check_install(args)?,
                        NodeAction::Build => project.check_run("build")?,
                        NodeAction::Script(name) if tool == "npx" => {
                            project.check_npx(name, args)?
                        }
                        NodeAction::Script(name) => project.check_run(name)?,
                        NodeAction::Prune | NodeAction::Housekeeping => {}
                    }
                    None
                }
                (_, Step::Node { tool, .. }) => Some(format!(
                    "{tool} runs outside an app folder, where node_modules would not be copied"
                )),
                _ => unfollowed(strategy, step, in_app),
            };
            if let Some(why) = why {
                return Err(Unsure::at(Code::ForeignStep, line, why));
            }
        }
    }
    Ok(())
}

/// Why a step of another ecosystem than `strategy`'s (but Node's) puts
/// things where the strategy does not follow them; None when it does not,
/// or when what it makes stays in the app folder (`in_app`).
fn unfollowed(strategy: Ecosystem, step: &Step, in_app: bool) -> Option<String> {
    let why = match (strategy, step) {
        (
            Ecosystem::Python | Ecosystem::Distro,
            Step::Pip(_) | Step::Venv { .. } | Step::PythonTool { .. } | Step::Django { .. },
        ) => return None,
        (_, Step::Pip(_) | Step::Venv { .. } | Step::PythonTool { .. }) => {
            "pip installs into a Python whose folders this image's strategy does not follow"
        }
        (_, Step::Django { .. }) => {
            "Django's collectstatic gathers files where this image's strategy does not follow"
        }
        (Ecosystem::Node | Ecosystem::Distro, Step::NodeGlobal { .. }) => return None,
        (Ecosystem::Node, Step::Corepack { .. }) => return None,
        (_, Step::NodeGlobal { .. } | Step::Corepack { .. }) => {
            "a global npm install or corepack puts programs among the image's own, which this image's strategy does not follow"
        }
        (Ecosystem::Go | Ecosystem::Distro, Step::Go(_)) => return None,
        (_, Step::Go(GoStep::Modules | GoStep::Check | GoStep::Generate)) => return None,
        (_, Step::Go(_)) => "go builds or installs where this image's strategy does not follow",
        (Ecosystem::Rust, Step::Cargo(_)) => return None,
        // The distribution strategy follows `cargo build` into target/ and
        // refuses `cargo install` itself.
        (Ecosystem::Distro, Step::Cargo(_)) => return None,
        (_, Step::Cargo(CargoStep::Fetch | CargoStep::Check)) => return None,
        (_, Step::Cargo(_)) => {
            "cargo builds or installs where this image's strategy does not follow"
        }
        (Ecosystem::Java, Step::Jvm { .. }) => return None,
        (_, Step::Jvm { .. }) if in_app => return None,
        (_, Step::Jvm { .. }) => "Maven or Gradle runs outside an app folder",
        (Ecosystem::Dotnet, Step::Dotnet { .. }) => return None,
        (_, Step::Dotnet { .. }) => "dotnet builds where this image's strategy does not follow",
        (Ecosystem::Ruby, Step::Ruby { .. }) => return None,
        (_, Step::Ruby { .. }) => {
            "gem or bundler installs into a Ruby whose folders this image's strategy does not follow"
        }
        (Ecosystem::Php, Step::Composer { .. } | Step::PhpExtension) => return None,
        (_, Step::Composer { .. }) if in_app => return None,
        (_, Step::Composer { .. } | Step::PhpExtension) => {
            "PHP's tools install where this image's strategy does not follow"
        }
        _ => return None,
    };
    Some(why.to_string())
}
