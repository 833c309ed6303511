//! What the running program needs from its image, checked against what the
//! runtime image lacks. The program's needs are the commands CMD,
//! ENTRYPOINT and HEALTHCHECK run (and the scripts they start), and what
//! its own code in the build context starts, loads and reads. What the
//! runtime lacks is the difference between the two base images (data in
//! bases.toml, derived from the images' package lists) and the build-only
//! packages the plan leaves behind.
//!
//! Each need is present in the runtime, brought back by installing the
//! package that holds it, or, when dockopt cannot tell (a program whose
//! name the code computes, an image whose contents it does not know), a
//! reason to leave the file alone.

mod app;
mod checker;
mod missing;

pub use app::{
    AppCode, CodeFile, FileUse, app_code, app_code_text, code_unread, files_used, programs_used,
    runtime_packages_installed,
};

use checker::Checker;
use missing::{Diff, Missing};

use crate::analysis::shell::Command;
use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::facts::code::{Lang, Use};
use crate::facts::context;
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

/// The packages to install for what the program needs, with why each.
pub fn check(
    facts: &Facts<'_>,
    plan: &Plan,
    family: Family,
    provided: &mut dyn FnMut(&Command) -> Result<bool, Unsure>,
) -> Result<Vec<(String, String)>, Unsure> {
    let missing = Missing::new(facts, plan, family);
    let mut check = Checker {
        facts,
        plan,
        missing: &missing,
        provided,
        wanted: Vec::new(),
        package_json: std::cell::OnceCell::new(),
    };
    for (line, cmd) in &facts.runtime_commands {
        check.command(cmd, "the image", Some(*line), 0)?;
    }
    check.replayed_runs()?;
    let code = app_code(facts);
    if code.too_large {
        return Err(Unsure::file(
            Code::ContextTooLarge,
            format!(
                "the build context has more than {} files; dockopt reads every source file the image gets, and stops there",
                context::MAX_FILES
            ),
        ));
    }
    for file in &code.files {
        check.file(file)?;
    }
    // The programs the user vouches the code starts by computed names.
    for p in &facts.vouched.runs {
        let cmd = Command {
            argv: vec![p.clone()],
            ..Command::default()
        };
        check.code_program(&cmd, "`# dockopt: app-runs`")?;
    }
    let mut wanted = check.wanted;
    certificates_for_clients(&missing, &mut wanted);
    Ok(wanted)
}

/// A program that connects over TLS (curl, git, wget) reads the system's
/// CA certificates; when the builder had them and the runtime lacks them,
/// they come with it.
fn certificates_for_clients(missing: &Missing, wanted: &mut Vec<(String, String)>) {
    let Diff::Known(lacking) = &missing.diff else {
        return;
    };
    if !lacking.iter().any(|p| p == "ca-certificates") {
        return;
    }
    let cat = catalog::catalog();
    if let Some((client, _)) = wanted.iter().find(|(p, _)| cat.is_tls_client(p)) {
        let why = format!("{client} checks TLS servers against the system's CA certificates");
        if !wanted.iter().any(|(p, _)| p == "ca-certificates") {
            wanted.push(("ca-certificates".to_string(), why));
        }
    }
}

/// The runtime packages of the libraries that the app's `lang` code links
/// when it is built (cgo's `#cgo LDFLAGS`, build.rs's `rustc-link-lib`),
/// from the data of -l names; one dockopt does not know stops the rewrite.
pub fn code_links(
    facts: &Facts<'_>,
    family: Family,
    lang: Lang,
) -> Result<Vec<(String, String)>, Unsure> {
    let cat = catalog::catalog();
    let mut out: Vec<(String, String)> = Vec::new();
    for file in app_code(facts).files.iter().filter(|f| f.lang == lang) {
        for f in &file.findings {
            let Use::Links(name) = &f.what else { continue };
            let packages = cat.link_library(family, name).ok_or_else(|| {
                Unsure::file(Code::UnknownLibrary, format!(
                    "{}:{} links {name} when it is built, whose runtime package dockopt does not know",
                    file.path, f.line
                ))
            })?;
            for p in packages {
                crate::strategy::want(&mut out, p, || {
                    format!("{}:{} links {name}", file.path, f.line)
                });
            }
        }
    }
    Ok(out)
}

/// A reason about line `line`, or about the whole file.
fn at(code: Code, line: Option<usize>, reason: String) -> Unsure {
    match line {
        Some(l) => Unsure::at(code, l, reason),
        None => Unsure::file(code, reason),
    }
}

/// Whether a program is a POSIX shell.
fn is_shell(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh")
}

/// The command inside wrappers that only run it (`tini -- app`, `gosu user
/// app`, `env A=1 app`).
fn unwrap(cmd: &Command) -> Command {
    let mut argv = cmd.argv.clone();
    loop {
        let program = argv
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .unwrap_or_default();
        if program == "env" {
            argv.remove(0);
            while argv
                .first()
                .is_some_and(|a| a.starts_with('-') || a.contains('='))
            {
                argv.remove(0);
            }
            continue;
        }
        let Some(own) = catalog::catalog().wrapper_words(&program) else {
            break;
        };
        argv.remove(0);
        while argv.first().is_some_and(|a| a.starts_with('-')) {
            let flag = argv.remove(0);
            if flag == "--" {
                break;
            }
        }
        for _ in 0..own {
            if !argv.is_empty() {
                argv.remove(0);
            }
        }
    }
    Command {
        argv,
        ..cmd.clone()
    }
}

/// Whether every runtime image has `program` (a shell builtin or a core
/// tool), from the catalog.
pub fn base_program(program: &str) -> bool {
    catalog::catalog()
        .every_image()
        .programs
        .iter()
        .any(|p| p == program)
}

/// The packages a RUN installs, by name.
fn installed_by(ins: &crate::syntax::Instruction) -> Vec<String> {
    classify::run_steps(ins)
        .iter()
        .filter_map(|s| match s {
            crate::analysis::steps::Step::PackageInstall { packages, .. } => Some(packages),
            _ => None,
        })
        .flatten()
        .map(|p| catalog::package_name(p).to_string())
        .collect()
}

/// The folders a fresh Debian or Alpine image has on PATH.
pub fn standard_path() -> &'static [String] {
    &catalog::catalog().every_image().path
}
