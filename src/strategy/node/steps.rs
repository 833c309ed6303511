//! What Node's tools do in a RUN: npm, yarn and pnpm installs, builds and
//! scripts, npx, the catalog's build tools run by name, and corepack.

use crate::analysis::shell::Command;
use crate::analysis::steps::{NodeAction, Step, positional};

/// A command of Node's tools, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    let args = cmd.args();
    Some(match program {
        "npm" | "yarn" | "pnpm" => node(program, args),
        "npx" => npx(args),
        // A Node build tool run by its own name (`nest build` after `npm i -g
        // @nestjs/cli`): read like `npx nest build`, which runs the same.
        p if crate::catalog::catalog().node().build_tools.contains_key(p) => Step::Node {
            tool: "npx".into(),
            action: NodeAction::Script(p.into()),
            args: args.to_vec(),
        },
        "corepack" => Step::Corepack {
            fetches: !matches!(
                positional(args).first().map(String::as_str),
                Some("enable" | "disable") | None
            ),
        },
        _ => return None,
    })
}

/// Programs that `npx NAME install` makes download browsers into the home
/// folder, outside the app folder a runtime stage receives.
const NPX_HOME_DOWNLOADS: &[&str] = &["playwright", "puppeteer", "cypress"];

/// npm, yarn and pnpm: an install, a build, another script or a global install.
fn node(tool: &str, args: &[String]) -> Step {
    let global = args.iter().any(|a| a == "-g" || a == "--global")
        || (tool == "yarn" && args.first().is_some_and(|a| a == "global"));
    let pos: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    if global {
        let packages = pos
            .iter()
            .skip(1)
            .filter(|p| **p != "add")
            .map(|p| p.to_string())
            .collect();
        return Step::NodeGlobal { packages };
    }
    let action = match pos.first().copied() {
        None if tool == "yarn" => NodeAction::Install,
        Some("install" | "i" | "ci" | "add" | "fetch") => NodeAction::Install,
        Some("prune") => NodeAction::Prune,
        Some("build") => NodeAction::Build,
        Some("run" | "run-script") => match pos.get(1).copied() {
            Some("build") => NodeAction::Build,
            Some(s) => NodeAction::Script(s.to_string()),
            None => NodeAction::Housekeeping,
        },
        Some("cache" | "config" | "set" | "version" | "--version" | "audit") => {
            NodeAction::Housekeeping
        }
        Some(s) => NodeAction::Script(s.to_string()),
        None => NodeAction::Housekeeping,
    };
    Step::Node {
        tool: tool.to_string(),
        action,
        args: args.to_vec(),
    }
}

/// `npx TOOL ...`: a package's program run in the app folder, like an npm
/// script (`npx prisma generate`, `npx tsc`); `npx playwright install` and
/// the like download into the home folder and are not followed.
fn npx(args: &[String]) -> Step {
    // Options before the program; `-p PKG` names the package to fetch.
    let mut rest = args.iter().map(String::as_str);
    let mut program = None;
    while let Some(a) = rest.next() {
        match a {
            "-p" | "--package" | "-c" | "--call" => {
                rest.next();
            }
            _ if a.starts_with('-') => {}
            _ => {
                program = Some(a);
                break;
            }
        }
    }
    let Some(program) = program else {
        return Step::Unknown("npx".into());
    };
    // `playwright@1.47` and `@playwright/test` are both playwright.
    let name = program
        .trim_start_matches('@')
        .split(['/', '@'])
        .next()
        .unwrap_or(program);
    let rest: Vec<String> = rest.map(String::from).collect();
    let installs = rest.iter().any(|a| a == "install" || a == "browsers");
    if installs && NPX_HOME_DOWNLOADS.contains(&name) {
        return Step::Unknown(format!("npx {program} install"));
    }
    Step::Node {
        tool: "npx".into(),
        action: NodeAction::Script(program.to_string()),
        args: rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::steps::steps_of as steps;

    #[test]
    fn npx_runs_a_program_in_the_app_unless_it_fetches_browsers() {
        let script = |s: &str, args: &[&str]| Step::Node {
            tool: "npx".into(),
            action: NodeAction::Script(s.into()),
            args: args.iter().map(|a| a.to_string()).collect(),
        };
        assert_eq!(
            steps("npx prisma generate"),
            [script("prisma", &["generate"])]
        );
        assert_eq!(
            steps("npx -p typescript tsc -p ."),
            [script("tsc", &["-p", "."])]
        );
        assert_eq!(
            steps("npx @playwright/test install chromium"),
            [Step::Unknown("npx @playwright/test install".into())]
        );
        assert_eq!(
            steps("npx puppeteer browsers install chrome"),
            [Step::Unknown("npx puppeteer install".into())]
        );
        assert_eq!(steps("npx -y"), [Step::Unknown("npx".into())]);
    }

    #[test]
    fn npm_run_build_is_a_build() {
        assert_eq!(
            steps("npm ci && npm run build")[1],
            Step::Node {
                tool: "npm".into(),
                action: NodeAction::Build,
                args: vec!["run".into(), "build".into()]
            }
        );
    }
}
