//! What each command of a RUN line does: install packages, build, create a
//! user, touch files... Recognition is by program and subcommand; anything
//! else is `Step::Unknown`, which makes a strategy careful.

use super::shell::Command;

/// A system package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Manager {
    /// apt-get and apt.
    Apt,
    /// Alpine's apk.
    Apk,
    /// yum, dnf and microdnf.
    Dnf,
}

/// What a command does, as far as a rewrite cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `apt-get update`, `apk update`.
    PackageIndex,
    /// `apt-get upgrade`: the runtime stage repeats it.
    PackageUpgrade,
    /// Several steps of a `sh -c` script.
    Script(Vec<Step>),
    /// Installs system packages.
    PackageInstall {
        manager: Manager,
        packages: Vec<String>,
        /// apk's `--virtual NAME`.
        virtual_name: Option<String>,
        /// Installed with `apt-get`, `apk`, `yum` or `dnf`, whose version
        /// pins hadolint checks (it flags `apt` itself instead).
        pin_linted: bool,
        /// apt installs the packages' Recommends too (no
        /// `--no-install-recommends`).
        recommends: bool,
    },
    /// Removes system packages.
    PackageRemove {
        manager: Manager,
        packages: Vec<String>,
    },
    /// Clears caches and package lists.
    Cleanup,
    /// `pip install` in any spelling.
    Pip(Pip),
    /// Creates a virtual environment at `path`; `system_site` when it sees
    /// the system's packages too (`--system-site-packages`).
    Venv { path: String, system_site: bool },
    /// poetry, pipenv or uv installing a project's dependencies.
    PythonTool { tool: String, args: Vec<String> },
    /// npm, yarn or pnpm (or npx): the tool, what it does, its arguments.
    Node {
        tool: String,
        action: NodeAction,
        args: Vec<String>,
    },
    /// A corepack command; `fetches` when it downloads a package manager
    /// into corepack's cache (`prepare`, `install`, `use`, `corepack pnpm`),
    /// not only makes its shims (`enable`).
    Corepack { fetches: bool },
    /// `python manage.py collectstatic`: Django gathers static files into
    /// its STATIC_ROOT; `script` is manage.py as written.
    Django { script: String },
    /// `npm install -g` and the like.
    NodeGlobal { packages: Vec<String> },
    /// A go command.
    Go(GoStep),
    /// A cargo command.
    Cargo(CargoStep),
    /// Maven or Gradle (`mvn`, `./mvnw`, `gradle`, `./gradlew`): the tool
    /// and its goals or tasks.
    Jvm { tool: String, goals: Vec<String> },
    /// `dotnet restore`, `build`, `publish -o DIR`...
    Dotnet {
        verb: String,
        output: Option<String>,
        args: Vec<String>,
    },
    /// `gem install` and `bundle install`/`config`: Ruby's packages.
    Ruby { tool: String, args: Vec<String> },
    /// `composer install` and the like.
    Composer { args: Vec<String> },
    /// A C or C++ build: make, cmake, meson, ninja, configure, or a
    /// compiler run directly. `install` when it installs, the `prefix` it
    /// configures or installs to, the `output` of `-o`.
    Native {
        tool: String,
        install: bool,
        prefix: Option<String>,
        output: Option<String>,
        /// `-lNAME` libraries a compiler run links.
        libs: Vec<String>,
    },
    /// `docker-php-ext-install`, `-configure`, `-enable`, `pecl install`,
    /// `install-php-extensions`: PHP extensions built into the PHP
    /// installation itself.
    PhpExtension,
    /// useradd, adduser, groupadd...
    User,
    /// mkdir, chmod, ln, cp... on these paths.
    Files { program: String, paths: Vec<String> },
    /// chown or chgrp: who owns these paths afterwards.
    Chown {
        owner: String,
        paths: Vec<String>,
        recursive: bool,
    },
    /// Runs code at build time: a script file of the context or code given
    /// on the command line (`node -e`, `python -c`). What it writes is
    /// read from the code itself.
    Code {
        /// The interpreter, by name (`node`, `python3`).
        interpreter: String,
        /// The script, as written (a path or a module), if a file runs.
        script: Option<String>,
        /// The code given inline, if any.
        inline: Option<String>,
    },
    /// A framework command known to write only inside the project
    /// (`php artisan view:cache`, `python manage.py compilemessages`).
    AppCommand { command: String },
    /// `. venv/bin/activate` (or `source`): the rest of the RUN's commands
    /// find that virtual environment's Python and pip first.
    Activate { venv: String },
    /// Runs a shell script of the build context (`sh build.sh`,
    /// `./install.sh`), whose commands are read as the RUN's own.
    ShellScript { path: String },
    /// A command whose packages or paths come from a command substitution
    /// (`pip install $(cat list)`): what it installs is known only then.
    Computed { program: String },
    /// `cd DIR`, and the bounds of a subshell a `cd` does not outlive: the
    /// commands after run in another folder.
    Cd(CdTo),
    /// Prints or checks something; changes nothing that matters.
    Harmless,
    /// Anything else.
    Unknown(String),
}

impl Step {
    /// What the step does, in a few words for `explain`; None for one that
    /// changes nothing the image keeps.
    pub fn describe(&self) -> Option<String> {
        match self {
            Step::PackageIndex => Some("refreshes package lists".into()),
            Step::PackageUpgrade => Some("upgrades the system packages".into()),
            Step::Script(_) => Some("runs a script".into()),
            Step::PackageInstall { packages, .. } => {
                Some(format!("installs {}", packages.join(" ")))
            }
            Step::PackageRemove { packages, .. } => Some(format!("removes {}", packages.join(" "))),
            Step::Cleanup => Some("clears caches".into()),
            Step::Pip(_) => Some("pip install".into()),
            Step::Venv { path, .. } => Some(format!("makes the virtual environment {path}")),
            Step::PythonTool { tool, args } => Some(format!(
                "{tool} {}",
                args.first().map(String::as_str).unwrap_or("")
            )),
            Step::Node { tool, .. } => Some(format!("{tool} install or build")),
            Step::Corepack { fetches: false } => Some("enables corepack".into()),
            Step::Django { .. } => Some("collects Django's static files".into()),
            Step::Corepack { fetches: true } => {
                Some("fetches a package manager with corepack".into())
            }
            Step::NodeGlobal { packages } => {
                Some(format!("installs {} globally", packages.join(" ")))
            }
            Step::Go(_) => Some("go build".into()),
            Step::Cargo(_) => Some("cargo build".into()),
            Step::Jvm { tool, goals } => Some(format!("{tool} {}", goals.join(" "))),
            Step::Dotnet { verb, .. } => Some(format!("dotnet {verb}")),
            Step::Ruby { tool, args } => Some(format!(
                "{tool} {}",
                args.first().map(String::as_str).unwrap_or("")
            )),
            Step::Composer { .. } => Some("composer install".into()),
            Step::PhpExtension => Some("builds a PHP extension".into()),
            Step::Native { tool, install, .. } => Some(if *install {
                format!("{tool} install")
            } else {
                format!("{tool} build")
            }),
            Step::User => Some("creates a user".into()),
            Step::Files { program, paths } => Some(format!("{program} {}", paths.join(" "))),
            Step::Chown { owner, paths, .. } => Some(format!("chown {owner} {}", paths.join(" "))),
            Step::Code {
                interpreter,
                script,
                inline,
            } => Some(match (script, inline) {
                (Some(s), _) => format!("{interpreter} {s}"),
                (None, Some(_)) => format!("{interpreter} code given inline"),
                _ => interpreter.clone(),
            }),
            Step::ShellScript { path } => Some(format!("runs {path}")),
            Step::Activate { venv } => Some(format!("activates {venv}")),
            Step::AppCommand { command } => Some(command.clone()),
            Step::Harmless | Step::Cd(_) | Step::Unknown(_) | Step::Computed { .. } => None,
        }
    }
    /// Whether the step works the system package manager: the index, an
    /// install, a removal, or cleaning its caches.
    pub fn is_packaging(&self) -> bool {
        matches!(
            self,
            Step::PackageIndex
                | Step::Cleanup
                | Step::PackageInstall { .. }
                | Step::PackageRemove { .. }
        )
    }
}

/// Where a [`Step::Cd`] goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CdTo {
    /// A folder as written (relative to the current one, `~`, or with
    /// variables); `$OLDPWD` for `cd -` and `popd`, which dockopt does not follow.
    Path(String),
    /// A subshell (or `sh -c`, or a script) starts: its `cd`s end with it.
    Enter,
    /// The subshell ends: back to the folder it started in.
    Leave,
}

/// A `pip install`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pip {
    /// `--user`: into the user's home.
    pub user: bool,
    /// `--prefix DIR`.
    pub prefix: Option<String>,
    /// `--target DIR`.
    pub target: Option<String>,
    /// `-r FILE` arguments.
    pub requirements: Vec<String>,
    /// Packages named on the command line (and `-e` paths).
    pub packages: Vec<String>,
    /// Run as `uv pip`, which ignores a virtual environment on PATH when
    /// told to use the system Python.
    pub uv: bool,
    /// `uv pip install --system`: into the image's own Python.
    pub system: bool,
    /// The program as written (`pip`, `/usr/local/bin/pip3`, `python3` for
    /// `python3 -m pip`): a path picks that Python whatever is on PATH.
    pub program: String,
}

/// What an npm, yarn or pnpm command does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeAction {
    /// install, ci, add...
    Install,
    /// `run build` or `build`.
    Build,
    /// Another script: `run lint`, `test`.
    Script(String),
    /// prune, `install --production` afterwards...
    Prune,
    /// cache clean, config set...
    Housekeeping,
}

/// A go command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoStep {
    /// mod download, mod tidy, mod verify, get.
    Modules,
    /// `go build`, with its `-o` output if given, its package or file
    /// arguments, and `-C DIR`.
    Build {
        output: Option<String>,
        packages: Vec<String>,
        chdir: Option<String>,
        cgo: Option<bool>,
        /// `-tags` build tags.
        tags: Vec<String>,
    },
    /// `go install PKG`.
    Install {
        packages: Vec<String>,
        cgo: Option<bool>,
        tags: Vec<String>,
    },
    /// test, vet, generate.
    Check,
}

/// A cargo command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CargoStep {
    /// fetch, vendor, generate-lockfile: dependencies only.
    Fetch,
    /// `cargo build`: the folder its profile writes to below target/
    /// (`debug`, `release`, or a custom profile's own name), `--bin` names,
    /// `-p` packages, `--target` triple, `--target-dir`, `--manifest-path`.
    Build {
        profile: String,
        bins: Vec<String>,
        packages: Vec<String>,
        target: Option<String>,
        target_dir: Option<String>,
        manifest: Option<String>,
    },
    /// `cargo install`: `--path`, `--root`, `--bin` names.
    Install {
        path: Option<String>,
        root: Option<String>,
        bins: Vec<String>,
    },
    /// test, check, clippy, fmt, doc.
    Check,
}

/// The steps of a script, one a command: for the recognisers' tests.
#[cfg(test)]
pub(crate) fn steps_of(script: &str) -> Vec<Step> {
    super::shell::commands(script).iter().map(step).collect()
}

/// Recognises one command. A command whose packages or paths come from a
/// command substitution is [`Step::Computed`].
pub fn step(cmd: &Command) -> Step {
    let recognised = recognise(cmd);
    let names_its_effects = matches!(
        recognised,
        Step::PackageInstall { .. }
            | Step::PackageRemove { .. }
            | Step::Pip(_)
            | Step::PythonTool { .. }
            | Step::NodeGlobal { .. }
            | Step::Ruby { .. }
            | Step::Composer { .. }
            | Step::Files { .. }
            | Step::Chown { .. }
            | Step::Venv { .. }
            | Step::ShellScript { .. }
            | Step::Code { .. }
            | Step::Cargo(CargoStep::Install { .. })
            | Step::Go(GoStep::Install { .. })
            | Step::Node {
                action: NodeAction::Install,
                ..
            }
    );
    if cmd.substituted && names_its_effects {
        return Step::Computed {
            program: cmd.program().to_string(),
        };
    }
    // Whatever prints, prints into the files it is redirected to.
    let written: Vec<String> = cmd
        .redirects
        .iter()
        .filter(|r| *r != "/dev/null" && !r.chars().all(|c| c.is_ascii_digit()) && *r != "-")
        .cloned()
        .collect();
    match recognised {
        Step::Harmless if !written.is_empty() && !cmd.program().is_empty() => Step::Files {
            program: cmd.program().to_string(),
            paths: written,
        },
        Step::Pip(mut pip) => {
            pip.program = cmd.argv.first().cloned().unwrap_or_default();
            Step::Pip(pip)
        }
        s => s,
    }
}

/// `cd DIR`, `cd` (home), `cd -` and `popd` (a folder dockopt does not
/// follow).
fn change_dir(program: &str, args: &[String]) -> Step {
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

/// What a command does, by program and subcommand: the system's own
/// programs here, each ecosystem's tools by its strategy
/// ([`crate::strategy::registry`]).
fn recognise(cmd: &Command) -> Step {
    system(cmd)
        .or_else(|| crate::strategy::registry::recognise(cmd))
        .unwrap_or_else(|| other(cmd))
}

/// The system's programs: package managers, shells, downloads, archives,
/// file commands, users, interpreters and commands that change nothing.
fn system(cmd: &Command) -> Option<Step> {
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
const BUN_COMMANDS: &[&str] = &[
    "install", "i", "add", "a", "remove", "rm", "update", "run", "x", "build", "test", "pm",
    "link", "unlink", "create", "init", "upgrade", "patch", "outdated", "publish", "exec",
];

/// A program no one recognises: a script of the context run by its path,
/// or unknown.
fn other(cmd: &Command) -> Step {
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
fn git(args: &[String]) -> Step {
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
enum Verb {
    Index,
    Upgrade,
    Install,
    Remove,
    Clean,
}

/// The subcommands of each package manager, by name.
fn verb(manager: Manager, name: &str) -> Option<Verb> {
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
fn package_step(
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
fn with_recommends(step: Step, value: bool) -> Step {
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
fn apk(args: &[String]) -> Step {
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
            return Step::Code {
                interpreter: interpreter.into(),
                script: None,
                inline: Some(it.next().cloned().unwrap_or_default()),
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
            };
        }
    }
    Step::Harmless
}

/// Whether `interpreter script args` is a framework command known to write
/// only inside the project (catalog code.toml's in_app_commands:
/// `php artisan config:cache`).
fn in_app_command(interpreter: &str, script: &str, args: &[&str]) -> bool {
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
fn alternatives(args: &[String]) -> Step {
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
fn script_steps(script: &str) -> Step {
    Step::Script(super::shell::commands(script).iter().map(step).collect())
}

/// curl and wget: a download to a file is a file change; to standard
/// output it changes nothing by itself (what reads it is its own command).
fn download(cmd: &Command) -> Step {
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
fn unpack(cmd: &Command) -> Step {
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
const CACHE_PATHS: &[&str] = &[
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
fn files(cmd: &Command) -> Step {
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
fn sed_in_place(arg: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    use super::steps_of as steps;

    #[test]
    fn bun_commands_are_not_scripts() {
        assert_eq!(steps("bun install"), [Step::Unknown("bun install".into())]);
        assert_eq!(
            steps("bun build.ts"),
            [Step::Code {
                interpreter: "bun".into(),
                script: Some("build.ts".into()),
                inline: None,
            }]
        );
    }

    #[test]
    fn sed_edits_in_place_with_any_spelling_of_i_and_apache_helpers_write_etc() {
        let files = |program: &str, paths: &[&str]| Step::Files {
            program: program.into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
        };
        for script in [
            "sed -i 's/a/b/' /etc/x.conf",
            "sed -ri -e 's!a!b!g' /etc/x.conf",
            "sed -Ei.bak 's/a/b/' /etc/x.conf",
            "sed --in-place 's/a/b/' /etc/x.conf",
        ] {
            assert_eq!(
                steps(script),
                vec![files("sed", &["/etc/x.conf"])],
                "{script}"
            );
        }
        // -e takes the script: an `i` after it is not in-place editing.
        assert!(!matches!(
            steps("sed -ei /etc/x.conf")[0],
            Step::Files { .. }
        ));
        assert_eq!(
            steps("a2enmod rewrite headers"),
            vec![files("a2enmod", &["/etc/apache2"])]
        );
    }

    #[test]
    fn package_managers() {
        assert_eq!(
            steps(
                "apt-get update && apt-get install -y --no-install-recommends libpq-dev gcc && rm -rf /var/lib/apt/lists/*"
            ),
            vec![
                Step::PackageIndex,
                Step::PackageInstall {
                    manager: Manager::Apt,
                    packages: vec!["libpq-dev".into(), "gcc".into()],
                    virtual_name: None,
                    pin_linted: true,
                    recommends: false
                },
                Step::Cleanup,
            ]
        );
        assert_eq!(
            steps("apk add --no-cache --virtual .build-deps gcc musl-dev")[0],
            Step::Script(vec![
                Step::PackageIndex,
                Step::PackageInstall {
                    manager: Manager::Apk,
                    packages: vec!["gcc".into(), "musl-dev".into()],
                    virtual_name: Some(".build-deps".into()),
                    pin_linted: true,
                    recommends: false
                }
            ])
        );
        assert_eq!(
            steps("apk add curl")[0],
            Step::PackageInstall {
                manager: Manager::Apk,
                packages: vec!["curl".into()],
                virtual_name: None,
                pin_linted: true,
                recommends: false
            }
        );
    }
}
