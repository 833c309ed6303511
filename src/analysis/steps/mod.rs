//! What each command of a RUN line does: install packages, build, create a
//! user, touch files... Recognition is by program and subcommand; anything
//! else is `Step::Unknown`, which makes a strategy careful.

mod system;

use super::shell::Command;
pub(crate) use system::{interpreter_step, positional};
use system::{other, system};

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
        /// The words after the script or the inline code, which it reads
        /// as it likes (an output folder, often).
        args: Vec<String>,
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
                ..
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
    /// `--no-binary` values (`:all:`, or project names with commas).
    pub no_binary: Vec<String>,
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
    /// test, vet.
    Check,
    /// `go generate`: runs the commands of the sources' `//go:generate`
    /// lines, which write into the module (code, or files the program
    /// may read).
    Generate,
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
        /// Built with `--features`, `--all-features` or
        /// `--no-default-features`.
        features: bool,
    },
    /// `cargo install`: `--path`, `--root`, `--bin` names.
    Install {
        path: Option<String>,
        root: Option<String>,
        bins: Vec<String>,
        /// What is installed from elsewhere than the context: crates named
        /// for crates.io or a registry, or `--git URL`.
        remote: Vec<String>,
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
/// The files a command's output is redirected into: not a descriptor
/// (`2>&1`), standard input (`-`) or a device (`/dev/null`, `/dev/stderr`).
pub fn redirected_files(cmd: &Command) -> Vec<String> {
    cmd.redirects
        .iter()
        .filter(|r| !r.starts_with("/dev/") && !r.chars().all(|c| c.is_ascii_digit()) && *r != "-")
        .cloned()
        .collect()
}

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
    let written = redirected_files(cmd);
    match recognised {
        Step::Harmless if !written.is_empty() && !cmd.program().is_empty() => Step::Files {
            program: cmd.program().to_string(),
            paths: written,
        },
        // `python gen.py > /etc/app.json`: the step, then the file it fills.
        s if !written.is_empty()
            && !cmd.program().is_empty()
            && !matches!(s, Step::Files { .. }) =>
        {
            Step::Script(vec![
                s,
                Step::Files {
                    program: cmd.program().to_string(),
                    paths: written,
                },
            ])
        }
        Step::Pip(mut pip) => {
            pip.program = cmd.argv.first().cloned().unwrap_or_default();
            Step::Pip(pip)
        }
        s => s,
    }
}

/// What a command does, by program and subcommand: the system's own
/// programs here, each ecosystem's tools by its strategy
/// ([`crate::strategy::registry`]).
fn recognise(cmd: &Command) -> Step {
    system(cmd)
        .or_else(|| crate::strategy::registry::recognise(cmd))
        .unwrap_or_else(|| other(cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::steps_of as steps;

    #[test]
    fn output_redirected_into_a_file_is_a_write_of_the_step() {
        let files = |paths: &[&str]| Step::Files {
            program: "node".into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
        };
        // The script runs, then its output lands in the file.
        assert_eq!(
            steps("node stamp.js > /srv/info.json 2>/dev/stderr"),
            [Step::Script(vec![
                Step::Code {
                    interpreter: "node".into(),
                    script: Some("stamp.js".into()),
                    inline: None,
                    args: vec![],
                },
                files(&["/srv/info.json"]),
            ])]
        );
        // Devices and descriptors are not files.
        assert!(
            !steps("node stamp.js > /dev/null 2>&1")
                .iter()
                .any(|s| matches!(s, Step::Files { .. }))
        );
    }

    #[test]
    fn bun_commands_are_not_scripts() {
        assert_eq!(steps("bun install"), [Step::Unknown("bun install".into())]);
        assert_eq!(
            steps("bun build.ts"),
            [Step::Code {
                interpreter: "bun".into(),
                script: Some("build.ts".into()),
                inline: None,
                args: vec![],
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
