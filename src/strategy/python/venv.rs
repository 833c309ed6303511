//! Moving pip's packages from the system Python into a virtual environment
//! (/opt/venv) changes where they live. Whatever named the old places must
//! not be left pointing at nothing: pip's own settings in the environment,
//! pip or Python called by their system path, files copied into the system
//! site-packages, ENV values and code that name it, scripts whose `#!`
//! line names the system Python. Each of these leaves the file alone.

use crate::analysis::steps::{Pip, Step};
use crate::classify::Facts;
use crate::facts::code::Use;
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;
use crate::strategy::needs;

/// Where the system Python keeps its packages and scripts on the official
/// images.
/// (pip puts a package's data_files below the prefix too: share/, etc/,
/// include/.)
const SYSTEM_PYTHON: &[&str] = &[
    "/usr/local/lib/python",
    "/usr/local/bin/",
    "/usr/local/share/",
    "/usr/local/etc/",
    "/usr/local/include/",
];

/// Where Debian and Alpine keep a site's own CA certificates for
/// update-ca-certificates: below /usr/local/share, but the system's, not
/// pip's.
const LOCAL_CERTIFICATES: &str = "/usr/local/share/ca-certificates";

/// A pip install with pip's environment variables applied: PIP_TARGET,
/// PIP_PREFIX and PIP_USER act as the options would; PIP_ROOT moves every
/// file and is not followed.
pub fn with_environment(facts: &Facts<'_>, pip: &Pip, line: usize) -> Result<Pip, Unsure> {
    let mut pip = pip.clone();
    let value = |name: &str| {
        facts
            .env_value(name)
            .map(|v| v.trim_matches('"').to_string())
    };
    if value("PIP_ROOT").is_some() {
        return Err(Unsure::at(
            Code::PythonEnvironment,
            line,
            "PIP_ROOT moves every file pip installs, which dockopt does not follow",
        ));
    }
    if pip.target.is_none() {
        pip.target = value("PIP_TARGET");
    }
    if pip.prefix.is_none() {
        pip.prefix = value("PIP_PREFIX");
    }
    for (what, dir) in [("--prefix", &pip.prefix), ("--target", &pip.target)] {
        if let Some(d) = dir.as_deref().filter(|d| is_system_folder(d)) {
            return Err(Unsure::at(
                Code::PythonEnvironment,
                line,
                format!(
                    "pip {what} {d} installs among the system's own files, which cannot be copied apart from them"
                ),
            ));
        }
    }
    let truthy = |v: Option<String>| {
        v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
    };
    if !pip.user && pip.target.is_none() && pip.prefix.is_none() {
        pip.user = truthy(value("PIP_USER"));
    }
    Ok(pip)
}

/// Folders that hold the image's own software: a copy of one would carry
/// the builder's Python and tools over the runtime's.
fn is_system_folder(dir: &str) -> bool {
    let d = dir.trim_end_matches('/');
    d.is_empty()
        || matches!(
            d,
            "/usr" | "/usr/local" | "/usr/lib" | "/lib" | "/opt" | "/etc" | "/var"
        )
}

/// The folder `pip install --user` fills: PYTHONUSERBASE, or `.local` in
/// the home folder (HOME when the file sets it).
pub fn user_base(facts: &Facts<'_>) -> String {
    match facts.env_value("PYTHONUSERBASE") {
        Some(b) if b.starts_with('/') => b.trim_end_matches('/').to_string(),
        _ => format!("{}/.local", facts.home()),
    }
}

/// Refuses a venv move that something else in the file or the app relies
/// on not happening; `line` is where the venv would be made.
pub fn check_moves(facts: &Facts<'_>, plan: &Plan, line: usize) -> Result<(), Unsure> {
    check_run_steps(facts, plan, line)?;
    check_environment(facts)?;
    for a in &plan.artifacts {
        if a.path.starts_with("/usr/local/lib/python") {
            return Err(moved(
                line,
                &format!("the build copies files into {}", a.path),
            ));
        }
    }
    check_app_code(facts)
}

/// RUN steps that name the system Python: pip by its path, `pip --user`
/// beside the venv's installs, file commands on its folders.
fn check_run_steps(facts: &Facts<'_>, plan: &Plan, line: usize) -> Result<(), Unsure> {
    for (node, _, steps) in &facts.run_steps {
        let at = facts.line(*node);
        for s in steps {
            match s {
                Step::Pip(pip)
                    if pip.program.starts_with("/usr/") || pip.program.starts_with("/bin/") =>
                {
                    return Err(Unsure::at(
                        Code::VenvMove,
                        at,
                        format!(
                            "{} installs into the system Python whatever is on PATH; dockopt would move pip's packages into a virtual environment at line {line}",
                            pip.program
                        ),
                    ));
                }
                Step::Pip(pip) if with_environment(facts, pip, at)?.user => {
                    return Err(Unsure::at(
                        Code::VenvMove,
                        at,
                        "pip --user cannot install into the virtual environment dockopt would make for the other installs",
                    ));
                }
                Step::Files { program, paths } => {
                    // The app's own files copied there travel as they are.
                    let own = |p: &str| plan.artifacts.iter().any(|a| a.path == p);
                    if let Some(p) = paths.iter().find(|p| names_system_python(p) && !own(p)) {
                        return Err(moved(at, &format!("`{program}` names {p}")));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// ENV values that name the system Python's folders, or a PATH that finds
/// it before the venv.
fn check_environment(facts: &Facts<'_>) -> Result<(), Unsure> {
    if let Some((_, value)) = facts
        .env
        .iter()
        .find(|(name, value)| name == "PATH" && shadows_the_venv(value))
    {
        return Err(Unsure::file(
            Code::VenvMove,
            format!(
                "ENV PATH={value} puts the system Python's /usr/local/bin ahead of the virtual environment dockopt would make at {}, so `python` would be the one without the packages",
                super::VENV
            ),
        ));
    }
    match facts
        .env
        .iter()
        .find(|(_, value)| names_system_python(value))
    {
        Some((name, value)) => Err(Unsure::file(
            Code::VenvMove,
            format!(
                "ENV {name} names {value}, the system Python's folder, which dockopt would empty by moving pip's packages into a virtual environment"
            ),
        )),
        None => Ok(()),
    }
}

/// The app's scripts whose `#!` line runs the system Python, and code that
/// names its site-packages.
fn check_app_code(facts: &Facts<'_>) -> Result<(), Unsure> {
    for file in &needs::app_code(facts).files {
        if let Some(s) = file
            .shebang
            .as_ref()
            .filter(|s| names_system_python(&s.program))
        {
            return Err(Unsure::file(
                Code::VenvMove,
                format!(
                    "{}'s #! line runs {}, which would not see the packages dockopt moves into a virtual environment",
                    file.path, s.program
                ),
            ));
        }
        let named = file.findings.iter().find_map(|f| match &f.what {
            Use::Path(p) if names_system_python(p) => Some((f.line, p)),
            _ => None,
        });
        if let Some((at, p)) = named {
            return Err(Unsure::file(
                Code::VenvMove,
                format!(
                    "{}:{at} names {p}, where the system Python kept pip's packages; dockopt would move them into a virtual environment",
                    file.path
                ),
            ));
        }
    }
    Ok(())
}

/// A reason naming what relies on the system site-packages.
fn moved(line: usize, what: &str) -> Unsure {
    Unsure::at(
        Code::VenvMove,
        line,
        format!(
            "{what}, the system Python's folder; dockopt would move pip's packages into a virtual environment, which does not see it"
        ),
    )
}

/// Whether a path or value names the system Python's packages or scripts.
fn names_system_python(value: &str) -> bool {
    value.split(':').any(|part| {
        SYSTEM_PYTHON.iter().any(|p| part.starts_with(p))
            && !is_bin_folder(part)
            && !part.starts_with(LOCAL_CERTIFICATES)
            || part.contains("site-packages") && !part.starts_with("/opt/venv")
    })
}

/// A PATH value that, set after dockopt's `ENV PATH="/opt/venv/bin:$PATH"`,
/// finds the system Python first: /usr/local/bin before `$PATH`, or a
/// PATH that does not keep `$PATH` at all.
fn shadows_the_venv(value: &str) -> bool {
    let value = value.trim_matches('"');
    let parts: Vec<&str> = value.split(':').collect();
    match parts.iter().position(|p| matches!(*p, "$PATH" | "${PATH}")) {
        Some(at) => parts[..at].iter().any(|p| is_bin_folder(p)),
        None => true,
    }
}

/// `/usr/local/bin` itself, as PATH holds it.
fn is_bin_folder(part: &str) -> bool {
    part.trim_end_matches('/') == "/usr/local/bin"
}
