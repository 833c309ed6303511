//! The system's own programs a RUN calls, as steps: package managers,
//! shells, downloads, archives, file commands, users, interpreters, and
//! commands that change nothing.

use super::{CdTo, Manager, Step, step};
use crate::analysis::shell::{self, Command};

/// `cd DIR`, `cd` (home), `cd -` and `popd` (a folder dockopt does not
/// follow).
pub(super) fn change_dir(program: &str, args: &[String]) -> Step {
    let dir = args
        .iter()
        .find(|a| !matches!(a.as_str(), "-L" | "-P" | "-e" | "--"));
    Step::Cd(CdTo::Path(match (program, dir) {
        ("popd", _) => "$OLDPWD".into(),
        (_, Some(d)) if d == "-" => "$OLDPWD".into(),
        (_, Some(d)) => d.clone(),
        (_, None) => "~".into(),
    }))
}

/// The system's programs: package managers, shells, downloads, archives,
/// file commands, users, interpreters and commands that change nothing.
pub(super) fn system(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    let args = cmd.args();
    Some(match program {
        "apt-get" | "apt" => {
            let recommends = !args.iter().any(|a| {
                a == "--no-install-recommends"
                    || a.contains("Install-Recommends=false")
                    || a.contains("Install-Recommends=0")
            });
            with_recommends(
                package_step(Manager::Apt, program, &positional(args), None),
                recommends,
            )
        }
        "apk" => apk(args),
        "yum" | "dnf" | "microdnf" => package_step(Manager::Dnf, program, &positional(args), None),
        "sh" | "bash" | "ash" | "dash" => match args {
            [c, script, ..] if c == "-c" || c == "-ec" || c == "-exc" || c == "-xc" => {
                script_steps(script)
            }
            _ => match args.iter().find(|a| !a.starts_with('-')) {
                Some(path) => Step::ShellScript { path: path.clone() },
                None => Step::Unknown(format!("{program} reading its standard input")),
            },
        },
        "curl" | "wget" => download(cmd),
        "git" => git(args),
        "tar" | "unzip" => unpack(cmd),
        "update-alternatives" => alternatives(args),
        // Rebuilds the system's bundle and links from the certificates in
        // /usr/local/share/ca-certificates (Debian's and Alpine's tool).
        "update-ca-certificates" => Step::Files {
            program: program.into(),
            paths: vec![
                "/usr/local/share/ca-certificates".into(),
                "/etc/ssl/certs".into(),
            ],
        },
        "useradd" | "adduser" | "groupadd" | "addgroup" | "usermod" => Step::User,
        "mkdir" | "chmod" | "chown" | "chgrp" | "ln" | "touch" | "cp" | "mv" | "rm" | "install"
        | "rmdir" => files(cmd),
        "echo" | "printf" | "cat" | "sed" | "tee" if !cmd.redirects.is_empty() => files(cmd),
        "sed" if args.iter().any(|a| sed_in_place(a)) => files(cmd),
        // Debian's Apache helpers link configuration under /etc/apache2.
        "a2enmod" | "a2dismod" | "a2enconf" | "a2disconf" | "a2ensite" | "a2dissite" => {
            Step::Files {
                program: program.to_string(),
                paths: vec!["/etc/apache2".to_string()],
            }
        }
        // Bun is a package manager too: `bun install` runs no script.
        "bun"
            if args
                .first()
                .is_some_and(|a| BUN_COMMANDS.contains(&a.as_str())) =>
        {
            Step::Unknown(format!("bun {}", args[0]))
        }
        "node" | "nodejs" | "deno" | "bun" => {
            interpreter_step(program, args, &["-e", "--eval", "-p", "--print"])
        }
        "ruby" | "perl" => interpreter_step(program, args, &["-e"]),
        "php" => interpreter_step(program, args, &["-r"]),
        "java" => match args.first().map(String::as_str) {
            Some("-version" | "--version") | None => Step::Harmless,
            _ => Step::Unknown("java".into()),
        },
        "cd" | "pushd" | "popd" | "chdir" => change_dir(program, args),
        "echo" | "printf" | "true" | "exit" | "set" | "export" | "which" | "ls" | "cat" | "env"
        | "printenv" | "sleep" | "test" | "[" | "whoami" | "id" | "pwd" | "nproc" | "getconf"
        | "arch" | "uname" | "dpkg-architecture" | "basename" | "dirname" | "readlink"
        | "realpath" | "command" | "type" | "date" | "head" | "tail" | "grep" | "wc" | "sort"
        | "uniq" | "cut" | "tr" | "awk" | "sha256sum" | "md5sum" | "sha1sum" | "sha512sum"
        | "stat" | "file" | "ldd" | "du" | "df" | "free" | "nice" => Step::Harmless,
        "" => Step::Harmless,
        _ => return None,
    })
}

/// Bun's own commands (bun.sh/docs/cli), which `bun NAME` runs instead of a
/// script named NAME.
pub(super) const BUN_COMMANDS: &[&str] = &[
    "install", "i", "add", "a", "remove", "rm", "update", "run", "x", "build", "test", "pm",
    "link", "unlink", "create", "init", "upgrade", "patch", "outdated", "publish", "exec",
];

/// A program no one recognises: a script of the context run by its path,
/// or unknown.
pub(super) fn other(cmd: &Command) -> Step {
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    if full.contains('/') && (full.ends_with(".sh") || full.starts_with('.')) {
        Step::ShellScript {
            path: full.to_string(),
        }
    } else {
        Step::Unknown(cmd.program().into())
    }
}

/// `git clone` writes the repository's folder; `git config` and `--version`
/// change nothing that matters.
pub(super) fn git(args: &[String]) -> Step {
    match args.first().map(String::as_str) {
        Some("clone") => {
            let pos = positional(&args[1..]);
            let dest = match pos.as_slice() {
                [_, dir, ..] => dir.clone(),
                [url] => url
                    .trim_end_matches('/')
                    .trim_end_matches(".git")
                    .rsplit('/')
                    .next()
                    .unwrap_or(".")
                    .to_string(),
                _ => ".".into(),
            };
            Step::Files {
                program: "git".into(),
                paths: vec![dest],
            }
        }
        Some("config" | "--version") => Step::Harmless,
        Some(other) => Step::Unknown(format!("git {other}")),
        None => Step::Unknown("git".into()),
    }
}

/// The words that are not options.
pub(crate) fn positional(args: &[String]) -> Vec<String> {
    args.iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect()
}

/// What a package manager's subcommand does.
#[derive(Clone, Copy)]
pub(super) enum Verb {
    Index,
    Upgrade,
    Install,
    Remove,
    Clean,
}

/// The subcommands of each package manager, by name.
pub(super) fn verb(manager: Manager, name: &str) -> Option<Verb> {
    use Verb::*;
    Some(match (manager, name) {
        (Manager::Apt | Manager::Apk, "update") => Index,
        (Manager::Apt, "upgrade" | "dist-upgrade" | "full-upgrade") => Upgrade,
        (Manager::Apt | Manager::Dnf, "install") | (Manager::Apk, "add") => Install,
        (Manager::Apt, "remove" | "purge" | "autoremove")
        | (Manager::Apk, "del")
        | (Manager::Dnf, "remove" | "erase") => Remove,
        (Manager::Apt, "clean" | "autoclean")
        | (Manager::Apk, "cache")
        | (Manager::Dnf, "clean" | "makecache") => Clean,
        _ => return None,
    })
}

/// A package manager command, from its positional words.
pub(super) fn package_step(
    manager: Manager,
    program: &str,
    pos: &[String],
    virtual_name: Option<String>,
) -> Step {
    let Some(name) = pos.first() else {
        return Step::Unknown(program.into());
    };
    let packages = pos[1..].to_vec();
    match verb(manager, name) {
        Some(Verb::Index) => Step::PackageIndex,
        Some(Verb::Upgrade) => Step::PackageUpgrade,
        Some(Verb::Install) => Step::PackageInstall {
            manager,
            packages,
            virtual_name,
            pin_linted: program != "apt",
            recommends: false,
        },
        Some(Verb::Remove) => Step::PackageRemove { manager, packages },
        Some(Verb::Clean) => Step::Cleanup,
        None => Step::Unknown(format!("{program} {name}")),
    }
}

/// Sets whether an apt install takes its packages' Recommends.
pub(super) fn with_recommends(step: Step, value: bool) -> Step {
    match step {
        Step::PackageInstall {
            manager,
            packages,
            virtual_name,
            pin_linted,
            ..
        } => Step::PackageInstall {
            manager,
            packages,
            virtual_name,
            pin_linted,
            recommends: value,
        },
        s => s,
    }
}

/// apk's words, with `--virtual NAME` taken out.
pub(super) fn apk(args: &[String]) -> Step {
    let mut virtual_name = None;
    let mut pos = Vec::new();
    let mut own_index = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if matches!(a.as_str(), "--no-cache" | "--update" | "-U") {
            own_index = true;
        } else if a == "--virtual" || a == "-t" {
            virtual_name = it.next().cloned();
        } else if let Some(v) = a.strip_prefix("--virtual=") {
            virtual_name = Some(v.to_string());
        } else if a == "--repository" || a == "-X" {
            it.next();
        } else if !a.starts_with('-') {
            pos.push(a.clone());
        }
    }
    let step = package_step(Manager::Apk, "apk", &pos, virtual_name);
    // `apk add --no-cache` fetches the index itself, as `apk update` would.
    match step {
        Step::PackageInstall { .. } if own_index => Step::Script(vec![Step::PackageIndex, step]),
        step => step,
    }
}

/// An interpreter running code at build time: `-c`/`-e CODE` inline, or
/// the first word that is not an option, a script. No code at all (`node
/// --version`) changes nothing.
pub(crate) fn interpreter_step(interpreter: &str, args: &[String], inline_flags: &[&str]) -> Step {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if inline_flags.contains(&a.as_str()) {
            let inline = it.next().cloned().unwrap_or_default();
            return Step::Code {
                interpreter: interpreter.into(),
                script: None,
                inline: Some(inline),
                args: it.cloned().collect(),
            };
        }
        if matches!(a.as_str(), "--version" | "-v" | "-V" | "--help" | "-h") {
            return Step::Harmless;
        }
        if matches!(a.as_str(), "-r" | "--require" | "--import" | "-W" | "-X") {
            it.next();
            continue;
        }
        if !a.starts_with('-') {
            let rest: Vec<&str> = it.map(String::as_str).collect();
            if in_app_command(interpreter, a, &rest) {
                // A framework command whose outputs stay in the project.
                return Step::AppCommand {
                    command: format!("{interpreter} {a} {}", rest.first().unwrap_or(&""))
                        .trim()
                        .to_string(),
                };
            }
            return Step::Code {
                interpreter: interpreter.into(),
                script: Some(a.clone()),
                inline: None,
                args: rest.iter().map(|s| s.to_string()).collect(),
            };
        }
    }
    Step::Harmless
}

/// Whether `interpreter script args` is a framework command known to write
/// only inside the project (catalog code.toml's in_app_commands:
/// `php artisan config:cache`).
pub(super) fn in_app_command(interpreter: &str, script: &str, args: &[&str]) -> bool {
    let name = script.rsplit('/').next().unwrap_or(script);
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let lang = if interpreter.starts_with("python") {
        "python"
    } else {
        interpreter
    };
    crate::catalog::catalog().in_app_command(lang, name, sub)
}

/// `update-alternatives --install LINK NAME PATH PRIORITY` or `--set NAME
/// PATH`: a system symlink, which the runtime stage must make again.
pub(super) fn alternatives(args: &[String]) -> Step {
    let program = "update-alternatives".to_string();
    match args {
        [install, link, name, ..] if install == "--install" => Step::Files {
            program,
            paths: vec![link.clone(), format!("/etc/alternatives/{name}")],
        },
        [set, name, ..] if set == "--set" => Step::Files {
            program,
            paths: vec![format!("/etc/alternatives/{name}")],
        },
        [query, ..]
            if query.starts_with("--query")
                || query.starts_with("--display")
                || query == "--list" =>
        {
            Step::Harmless
        }
        _ => Step::Unknown(program),
    }
}

/// `sh -c SCRIPT`: the steps of the script.
pub(super) fn script_steps(script: &str) -> Step {
    Step::Script(shell::commands(script).iter().map(step).collect())
}

/// curl and wget: a download to a file is a file change; to standard
/// output it changes nothing by itself (what reads it is its own command).
pub(super) fn download(cmd: &Command) -> Step {
    let args = cmd.args();
    let mut paths: Vec<String> = cmd.redirects.clone();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" | "-O" if cmd.program() == "curl" && a != "-O" => {
                paths.extend(it.next().cloned());
            }
            "-O" | "--output-document" if cmd.program() == "wget" => {
                paths.extend(it.next().cloned())
            }
            "-P" | "--directory-prefix" if cmd.program() == "wget" => {
                paths.extend(it.next().cloned())
            }
            _ => {}
        }
    }
    if paths.iter().any(|p| p == "-") || paths.is_empty() && cmd.program() == "curl" {
        return Step::Harmless;
    }
    if paths.is_empty() {
        // wget without -O writes into the current folder.
        paths.push(".".into());
    }
    Step::Files {
        program: cmd.program().to_string(),
        paths,
    }
}

/// tar and unzip: what they extract lands in `-C`/`-d` or the current folder.
pub(super) fn unpack(cmd: &Command) -> Step {
    let args = cmd.args();
    let extracting = cmd.program() == "unzip"
        || args.iter().any(|a| {
            a == "-x"
                || a == "--extract"
                || (!a.starts_with("--") && a.starts_with('-') && a.contains('x'))
                || (!a.starts_with('-')
                    && a.contains('x')
                    && a.len() <= 5
                    && a.chars().all(|c| "xzvfjJp".contains(c)))
        });
    if !extracting {
        return Step::Harmless;
    }
    let flag = if cmd.program() == "unzip" { "-d" } else { "-C" };
    let mut dest = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == flag || a == "--directory" {
            dest = it.next().cloned();
        } else if let Some(d) = a.strip_prefix("--directory=") {
            dest = Some(d.to_string());
        }
    }
    Step::Files {
        program: cmd.program().to_string(),
        paths: vec![dest.unwrap_or_else(|| ".".into())],
    }
}

/// Caches and package lists that `rm` clears: removing them is cleanup.
pub(super) const CACHE_PATHS: &[&str] = &[
    "/var/lib/apt/lists",
    "/var/cache/apt",
    "/var/cache/apk",
    "/var/cache/yum",
    "/var/cache/dnf",
    "/tmp",
    "/root/.cache",
    "~/.cache",
    "/root/.npm",
    "~/.npm",
    "/usr/local/share/.cache",
    "/var/tmp",
    "$HOME/.cache",
];

/// File commands: the paths they change, or chown's new owner.
pub(super) fn files(cmd: &Command) -> Step {
    if matches!(cmd.program(), "chown" | "chgrp") {
        let mut pos = cmd.args().iter().filter(|a| !a.starts_with('-'));
        let owner = pos.next().cloned().unwrap_or_default();
        let owner = if cmd.program() == "chgrp" {
            format!(":{owner}")
        } else {
            owner
        };
        return Step::Chown {
            owner,
            paths: pos.cloned().collect(),
            recursive: cmd.args().iter().any(|a| {
                a == "-R"
                    || a == "--recursive"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('R'))
            }),
        };
    }
    if cmd.program() == "rm" {
        let targets: Vec<&String> = cmd.args().iter().filter(|a| !a.starts_with('-')).collect();
        if !targets.is_empty()
            && targets
                .iter()
                .all(|t| CACHE_PATHS.iter().any(|c| t.starts_with(c)))
        {
            return Step::Cleanup;
        }
    }
    let mut paths: Vec<String> = cmd
        .args()
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    if matches!(cmd.program(), "chown" | "chgrp" | "chmod") && !paths.is_empty() {
        paths.remove(0); // the owner or mode
    }
    if matches!(cmd.program(), "echo" | "printf" | "sed" | "cat" | "tee") {
        paths = cmd.redirects.clone();
        if cmd.program() == "tee" || cmd.program() == "sed" {
            paths.extend(cmd.args().iter().filter(|a| a.starts_with('/')).cloned());
        }
    } else {
        paths.extend(cmd.redirects.iter().cloned());
    }
    Step::Files {
        program: cmd.program().to_string(),
        paths,
    }
}

/// Whether a sed argument asks for in-place editing: `-i`, `-i.bak`,
/// `--in-place`, or `-i` in a cluster of flags that take no value (`-ri`,
/// `-Ei`, `-ni`).
pub(super) fn sed_in_place(arg: &str) -> bool {
    if arg == "--in-place" || arg.starts_with("--in-place=") {
        return true;
    }
    let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
        return false;
    };
    for c in cluster.chars() {
        match c {
            'i' => return true,
            'n' | 'r' | 's' | 'E' | 'u' | 'z' => {}
            _ => return false,
        }
    }
    false
}
