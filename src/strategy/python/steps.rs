//! What Python's tools do in a RUN: pip (and `python -m pip`, `uv pip`),
//! venvs, poetry, pipenv and uv, Django's collectstatic, a venv's
//! activate script, and Python running code.

use crate::analysis::shell::Command;
use crate::analysis::steps::{Pip, Step, interpreter_step};

/// A command of Python's tools, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    let args = cmd.args();
    Some(match program {
        "pip" | "pip3" => pip(args),
        p if is_python(p) => python(args),
        "poetry" | "pipenv" | "uv" => python_tool(program, args),
        "virtualenv" => match args.iter().find(|a| !a.starts_with('-')) {
            Some(path) => Step::Venv {
                path: path.clone(),
                system_site: args.iter().any(|a| a == "--system-site-packages"),
            },
            None => Step::Unknown(program.into()),
        },
        "manage.py" if args.first().is_some_and(|a| a == "collectstatic") => Step::Django {
            script: cmd.argv.first().cloned().unwrap_or_default(),
        },
        "." | "source" => match args.first().and_then(|a| a.strip_suffix("/bin/activate")) {
            Some(venv) if args.len() == 1 && !venv.is_empty() => Step::Activate {
                venv: venv.to_string(),
            },
            _ => Step::Unknown(program.into()),
        },
        _ => return None,
    })
}

/// Django's manage.py, by path.
fn is_manage_py(path: &str) -> bool {
    path == "manage.py" || path.ends_with("/manage.py")
}

/// `python`, `python3`, `python3.12`: a Python interpreter by name.
fn is_python(p: &str) -> bool {
    p == "python"
        || p.strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `python -m pip ...`, `python -m venv DIR`, or running a script.
fn python(args: &[String]) -> Step {
    match args {
        [m, module, rest @ ..] if m == "-m" => match module.as_str() {
            "pip" => pip(rest),
            "venv" | "virtualenv" => match rest.iter().find(|a| !a.starts_with('-')) {
                Some(path) => Step::Venv {
                    path: path.clone(),
                    system_site: rest.iter().any(|a| a == "--system-site-packages"),
                },
                None => Step::Unknown("python -m venv".into()),
            },
            "compileall" => Step::Harmless,
            other => Step::Code {
                interpreter: "python".into(),
                script: Some(format!("-m {other}")),
                inline: None,
                args: rest.to_vec(),
            },
        },
        [v] if v == "--version" || v == "-V" => Step::Harmless,
        [script, command, ..] if is_manage_py(script) && command == "collectstatic" => {
            Step::Django {
                script: script.clone(),
            }
        }
        _ => interpreter_step("python", args, &["-c"]),
    }
}

/// `pip install` and its options: where it installs and from what.
fn pip(args: &[String]) -> Step {
    let Some((sub, rest)) = after_global_options(args).split_first() else {
        return Step::Unknown("pip".into());
    };
    match sub.as_str() {
        "install" => install_options(rest)
            .map_or_else(|| Step::Unknown("pip install --root".into()), Step::Pip),
        "--version" | "freeze" | "list" | "check" | "show" | "config" => Step::Harmless,
        "download" | "wheel" => Step::Pip(Pip::default()),
        "cache" => Step::Cleanup,
        _ => Step::Unknown(format!("pip {sub}")),
    }
}

/// pip's words from its subcommand on, past the options before it (`pip3
/// --no-cache-dir install`).
fn after_global_options(mut args: &[String]) -> &[String] {
    while let Some(first) = args.first().filter(|a| a.starts_with('-')) {
        let takes_value = matches!(
            first.as_str(),
            "--cache-dir"
                | "--index-url"
                | "-i"
                | "--trusted-host"
                | "--proxy"
                | "--timeout"
                | "--retries"
                | "--log"
                | "--python"
                | "--root-user-action"
                | "--progress-bar"
        );
        args = &args[if takes_value { 2.min(args.len()) } else { 1 }..];
    }
    args
}

/// `pip install`'s options that take a value as the next word.
const INSTALL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-c",
    "--constraint",
    "--trusted-host",
    "--root",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "--only-binary",
    "--no-binary",
];

/// What `pip install ARGS` installs and where; None for `--root`, which
/// moves every file somewhere dockopt does not follow.
fn install_options(rest: &[String]) -> Option<Pip> {
    let mut pip = Pip::default();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .unwrap_or_default()
        };
        match name {
            "--root" => return None,
            "--user" => pip.user = true,
            "--prefix" => pip.prefix = Some(value()),
            "-t" | "--target" => pip.target = Some(value()),
            "-r" | "--requirement" => pip.requirements.push(value()),
            "-e" | "--editable" => pip.packages.push(value()),
            "--no-binary" => pip.no_binary.push(value()),
            n if INSTALL_OPTIONS_WITH_VALUE.contains(&n) => {
                value();
            }
            n if n.starts_with('-') => {}
            _ => pip.packages.push(a.clone()),
        }
    }
    Some(pip)
}

/// poetry, pipenv and uv; `uv pip install` reads as pip.
fn python_tool(tool: &str, args: &[String]) -> Step {
    match (tool, args.first().map(String::as_str)) {
        ("uv", Some("pip")) if args.get(1).is_some_and(|a| a == "install") => {
            let Step::Pip(mut p) = pip(&args[1..]) else {
                return Step::Unknown("uv pip".into());
            };
            p.user = false;
            p.uv = true;
            p.system = args.iter().any(|a| a == "--system");
            Step::Pip(p)
        }
        (_, Some("--version")) => Step::Harmless,
        _ => Step::PythonTool {
            tool: tool.to_string(),
            args: args.to_vec(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::steps::steps_of as steps;

    #[test]
    fn pip_in_its_spellings() {
        let want = |program: &str| {
            Step::Pip(Pip {
                user: true,
                requirements: vec!["requirements.txt".into()],
                program: program.into(),
                ..Pip::default()
            })
        };
        assert_eq!(
            steps("pip install --user --no-cache-dir -r requirements.txt")[0],
            want("pip")
        );
        assert_eq!(
            steps("pip3 --no-cache-dir install --user -r requirements.txt")[0],
            want("pip3")
        );
        assert_eq!(
            steps("python3 -m pip install --user -r requirements.txt")[0],
            want("python3")
        );
        assert_eq!(
            steps("python -m venv /opt/venv")[0],
            Step::Venv {
                path: "/opt/venv".into(),
                system_site: false
            }
        );
    }
}
