//! What npm, yarn and pnpm run besides installing packages: the project's
//! own scripts (`npm run build`, the install lifecycle's `postinstall` and
//! `prepare`) and the install scripts of its dependencies. A script's
//! commands are read one by one: known build programs write into the
//! project, `node FILE` is read as code, other scripts are followed, shell
//! commands must stay in the app. Whatever cannot be read stops the
//! rewrite, naming the script and the command.

use crate::reasons::Code;
use serde_json::Value;

use crate::analysis::shell;
use crate::analysis::steps::{self, Step};
use crate::catalog;
use crate::classify::{self, Facts};
use crate::facts::buildtime;
use crate::facts::code::{self, Lang};
use crate::plan::Unsure;

/// How deep scripts that run scripts are followed.
const MAX_DEPTH: usize = 8;

/// The lifecycle scripts an install runs in the project itself.
const INSTALL_LIFECYCLE: &[&str] = &[
    "preinstall",
    "install",
    "postinstall",
    "prepublish",
    "preprepare",
    "prepare",
    "postprepare",
];

/// npm's own commands that change more than the project's node_modules
/// (`npm link` links the project into the global folder).
const NPM_COMMANDS: &[&str] = &["link", "ln", "unlink", "pack", "publish", "exec", "x"];

/// Where a script runs: the project's package.json and the RUN's place.
pub struct Project<'a> {
    pub facts: &'a Facts<'a>,
    pub package_json: Option<&'a Value>,
    pub workdir: Option<&'a str>,
    pub line: usize,
}

impl Project<'_> {
    /// The body of script `name`, if package.json has one.
    fn script(&self, name: &str) -> Option<&str> {
        self.package_json?.get("scripts")?.get(name)?.as_str()
    }

    /// A reason about the RUN this project's script runs in.
    fn doubt(&self, why: String) -> Unsure {
        Unsure::at(Code::NpmScript, self.line, why)
    }

    /// Checks what an install runs of the project's own scripts, unless
    /// scripts are turned off (`--ignore-scripts`).
    pub fn check_install(&self, args: &[String]) -> Result<(), Unsure> {
        let ignored = args.iter().any(|a| a == "--ignore-scripts")
            || self
                .facts
                .env_value("npm_config_ignore_scripts")
                .or_else(|| self.facts.env_value("NPM_CONFIG_IGNORE_SCRIPTS"))
                .is_some_and(|v| v == "true" || v == "1");
        if ignored {
            return Ok(());
        }
        for name in INSTALL_LIFECYCLE {
            if self.script(name).is_some() {
                self.check_script(name, 0)?;
            }
        }
        Ok(())
    }

    /// Checks what one npm, yarn, pnpm or npx step runs of the project.
    pub fn check_step(
        &self,
        tool: &str,
        action: &steps::NodeAction,
        args: &[String],
    ) -> Result<(), Unsure> {
        match action {
            steps::NodeAction::Install => self.check_install(args),
            steps::NodeAction::Build => {
                self.check_tool_paths(tool, args, "build")?;
                self.check_run("build")
            }
            steps::NodeAction::Script(name) if tool == "npx" => self.check_npx(name, args),
            steps::NodeAction::Script(name) => {
                // `npm run build -- --outDir /opt/out` hands the words to the script.
                self.check_tool_paths(tool, args, name)?;
                self.check_run(name)
            }
            steps::NodeAction::Prune | steps::NodeAction::Housekeeping => Ok(()),
        }
    }

    /// Checks `npm run NAME` (and its pre- and post- scripts).
    pub fn check_run(&self, name: &str) -> Result<(), Unsure> {
        if self.package_json.is_none() {
            return Err(self.doubt(format!(
                "the build runs the npm script {name}, and package.json is not in the build context"
            )));
        }
        if self.script(name).is_none() && NPM_COMMANDS.contains(&name) {
            return Err(self.doubt(format!(
                "the build runs `npm {name}`, an npm command whose effects dockopt does not follow"
            )));
        }
        if self.script(name).is_none() {
            // `npm run` of a script that does not exist fails the build; a
            // package's program (`yarn tsc`) is looked up as one.
            return self.check_program(name, &[], name, 0);
        }
        for s in [
            format!("pre{name}"),
            name.to_string(),
            format!("post{name}"),
        ] {
            if self.script(&s).is_some() {
                self.check_script(&s, 0)?;
            }
        }
        Ok(())
    }

    /// Checks `npx TOOL ARGS`: a package's program, or a script's name.
    pub fn check_npx(&self, tool: &str, args: &[String]) -> Result<(), Unsure> {
        self.check_program(tool, args, &format!("npx {tool}"), 0)
    }

    /// Checks the commands of one script.
    fn check_script(&self, name: &str, depth: usize) -> Result<(), Unsure> {
        let Some(body) = self.script(name) else {
            return Ok(());
        };
        if depth > MAX_DEPTH {
            return Err(self.doubt(format!(
                "the npm script {name} runs scripts too deep to follow"
            )));
        }
        for cmd in shell::commands(body) {
            let cmd = strip_env(&cmd);
            let program = cmd.program().to_string();
            if program.is_empty() {
                continue;
            }
            // `tsc > /srv/tsc.log`: output redirected to a file is written.
            self.check_written(&program, &steps::redirected_files(&cmd), name)?;
            self.check_program(&program, cmd.args(), name, depth)?;
        }
        Ok(())
    }

    /// Checks one command of script `script`.
    fn check_program(
        &self,
        program: &str,
        args: &[String],
        script: &str,
        depth: usize,
    ) -> Result<(), Unsure> {
        match program {
            "npm" | "yarn" | "pnpm" => self.check_package_manager(args, script, depth),
            "npx" => {
                let rest: Vec<String> = args
                    .iter()
                    .skip_while(|a| a.starts_with('-'))
                    .cloned()
                    .collect();
                match rest.split_first() {
                    Some((tool, tool_args)) => {
                        self.check_program(tool, tool_args, script, depth + 1)
                    }
                    None => Ok(()),
                }
            }
            "node" | "nodejs" => self.check_node(program, args),
            _ => match self.check_build_tool(program, args, script, depth) {
                Some(checked) => checked,
                None => self.check_shell_command(program, args, script),
            },
        }
    }

    /// `npm run x`, `yarn x`, `pnpm install`: the scripts they run are
    /// checked in turn; installs are the build's own.
    fn check_package_manager(
        &self,
        args: &[String],
        script: &str,
        depth: usize,
    ) -> Result<(), Unsure> {
        let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        match pos.first().map(|s| s.as_str()) {
            Some("run" | "run-script") => match pos.get(1) {
                Some(next) => self.check_script(next, depth + 1),
                None => Ok(()),
            },
            Some("install" | "ci" | "i" | "add") | None => Ok(()),
            Some(next) if self.script(next).is_some() => self.check_script(next, depth + 1),
            Some(next) => self.check_program(next, &[], script, depth + 1),
        }
    }

    /// `node file.js` or `node -e ...`: code run at build time.
    fn check_node(&self, program: &str, args: &[String]) -> Result<(), Unsure> {
        match steps::step(&command(program, args)) {
            Step::Code {
                interpreter,
                script: file,
                inline,
                args,
            } => buildtime::check_code(
                self.facts,
                &interpreter,
                file.as_deref(),
                inline.as_deref(),
                &args,
                self.workdir,
                self.line,
            ),
            _ => Ok(()),
        }
    }

    /// A build tool the catalog knows (node.toml `build_tools`): one that
    /// writes into the app, one that runs a code file, or one whose
    /// arguments are script names; `None` for any other program.
    fn check_build_tool(
        &self,
        program: &str,
        args: &[String],
        script: &str,
        depth: usize,
    ) -> Option<Result<(), Unsure>> {
        let name = program.rsplit('/').next().unwrap_or(program);
        let kind = catalog::catalog().node().build_tools.get(name)?;
        Some(match kind.as_str() {
            "app" => self
                .check_tool_paths(program, args, script)
                .and_then(|()| self.check_tool_configs(program, script)),
            "code" => match args.iter().find(|a| !a.starts_with('-')) {
                Some(file) => buildtime::check_file(
                    self.facts,
                    Lang::JavaScript,
                    file,
                    self.workdir,
                    self.line,
                ),
                None => Ok(()),
            },
            // npm-run-all, run-s, concurrently: the names are scripts.
            _ => self.check_named_scripts(args, script, depth),
        })
    }

    /// A build tool that writes into the project may be pointed elsewhere
    /// (`tsc --outDir /opt/out`, `sass in.scss ../out.css`): every path it
    /// is given must lie in the app (or /tmp, which only the build reads:
    /// `rimraf /tmp/cache`), or the runtime stage would miss what it writes
    /// there.
    fn check_tool_paths(&self, program: &str, args: &[String], script: &str) -> Result<(), Unsure> {
        let url_options = &catalog::catalog().node().build_tool_url_options;
        for value in buildtime::paths_out(args, url_options) {
            if !self.facts.names_app_path(value, self.workdir, true) {
                return Err(self.doubt(format!(
                    "`{program}` is given the path {value}, outside the app, {}: what it writes there the runtime stage would not get",
                    where_run(script)
                )));
            }
        }
        Ok(())
    }

    /// A build tool's configuration may send its output elsewhere
    /// (webpack's `path: '/srv/www'`, tsconfig's `"outDir": "../out"`): the
    /// project's configuration files (node.toml `output_configs`) are read
    /// for paths outside the app.
    fn check_tool_configs(&self, program: &str, script: &str) -> Result<(), Unsure> {
        let Some(folder) = self.workdir else {
            return Ok(());
        };
        let Some(dir) = self.facts.context_path_of(folder).filter(|d| d.is_dir()) else {
            return Ok(());
        };
        let node = catalog::catalog().node();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| {
                node.output_configs.iter().any(|c| {
                    n.strip_prefix(c.as_str())
                        .is_some_and(|r| r.starts_with('.'))
                })
            })
            .collect();
        names.sort();
        for name in names {
            let Ok(text) = std::fs::read_to_string(dir.join(&name)) else {
                continue;
            };
            if let Some((line, path)) = self.config_path_out(&text, folder) {
                return Err(self.doubt(format!(
                    "`{program}` reads {name}, which names {path} (line {line}), outside the app, {}: what it writes there the runtime stage would not get",
                    where_run(script)
                )));
            }
        }
        Ok(())
    }

    /// The first path of a configuration file that lies outside the app:
    /// a system path, one that climbs out of `folder`, or any absolute
    /// value of an output key.
    fn config_path_out(&self, text: &str, folder: &str) -> Option<(usize, String)> {
        let keys = &catalog::catalog().node().output_config_keys;
        let literals = code::string_literals(Lang::JavaScript, text);
        let mut previous: Option<&str> = None;
        for (line, lit) in &literals {
            let output_value = previous.is_some_and(|k| keys.iter().any(|o| o == k));
            previous = Some(lit);
            let candidate = code::system_path(lit)
                || lit.starts_with("../")
                || (output_value && buildtime::names_a_path_out(lit));
            if !candidate {
                continue;
            }
            if !self.facts.names_app_path(lit, Some(folder), true) {
                return Some((*line, lit.clone()));
            }
        }
        None
    }

    /// The scripts a runner such as npm-run-all names in its arguments.
    fn check_named_scripts(
        &self,
        args: &[String],
        script: &str,
        depth: usize,
    ) -> Result<(), Unsure> {
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let a = a.trim_start_matches("npm:").trim_start_matches("npm run ");
            if self.script(a).is_some() {
                self.check_script(a, depth + 1)?;
            } else if a.contains('*') {
                return Err(self.doubt(format!(
                    "the npm script {script} runs the scripts matching {a}, which dockopt does not follow"
                )));
            }
        }
        Ok(())
    }

    /// Paths a command of script `script` writes must lie in the app (or
    /// /tmp): the runtime stage receives nothing else.
    fn check_written(&self, program: &str, paths: &[String], script: &str) -> Result<(), Unsure> {
        for p in paths {
            if !self.facts.names_app_path(p, self.workdir, true) {
                return Err(self.doubt(format!(
                    "the npm script {script} runs `{program}` on {p}, outside the app"
                )));
            }
        }
        Ok(())
    }

    /// A shell command in a script: what it writes must stay in the app.
    fn check_shell_command(
        &self,
        program: &str,
        args: &[String],
        script: &str,
    ) -> Result<(), Unsure> {
        let facts = self.facts;
        let step = steps::step(&command(program, args));
        match &step {
            Step::Harmless | Step::Cleanup => Ok(()),
            // Within the app, the script's relative paths stay in it.
            Step::Cd(steps::CdTo::Path(p)) => {
                let inside = classify::resolve(&facts.expand_path(p), self.workdir)
                    .is_some_and(|a| facts.in_app_or(self.workdir, &a));
                if inside && !p.contains('$') {
                    Ok(())
                } else {
                    Err(self.doubt(format!(
                        "the npm script {script} changes to {p}, outside the app"
                    )))
                }
            }
            Step::Files { paths, .. } | Step::Chown { paths, .. } => {
                self.check_written(program, paths, script)
            }
            _ => Err(self.doubt(format!(
                "the npm script {script} runs `{program}`, whose effects dockopt does not know"
            ))),
        }
    }
}

/// Where a command runs, for a reason: an npm script by name, or the
/// command a RUN gives (`npx tsc`).
fn where_run(script: &str) -> String {
    if script.contains(' ') {
        format!("in `{script}`")
    } else {
        format!("in the npm script {script}")
    }
}

/// A command from its program and arguments.
fn command(program: &str, args: &[String]) -> shell::Command {
    let mut argv = vec![program.to_string()];
    argv.extend(args.iter().cloned());
    shell::Command {
        argv,
        ..shell::Command::default()
    }
}

/// The command after `cross-env A=1` or `env A=1`.
fn strip_env(cmd: &shell::Command) -> shell::Command {
    let mut argv = cmd.argv.clone();
    while argv.first().is_some_and(|p| {
        matches!(
            p.as_str(),
            "cross-env" | "env" | "dotenv" | "cross-env-shell"
        )
    }) {
        argv.remove(0);
        while argv
            .first()
            .is_some_and(|a| a.contains('=') || a.starts_with('-'))
        {
            argv.remove(0);
        }
    }
    shell::Command {
        argv,
        ..cmd.clone()
    }
}

/// What the dependencies' install scripts need: the packages the runtime
/// must install for them, or why the file is left alone. Read from
/// package-lock.json's hasInstallScript and from the names every manifest
/// and lock file lists.
pub fn check_dependencies(
    facts: &Facts<'_>,
    names: &[String],
    with_install_scripts: &[String],
) -> Result<Vec<(String, String)>, Unsure> {
    let node = catalog::catalog().node();
    let mut needs: Vec<(String, String)> = Vec::new();
    for name in names {
        if let Some(what) = node.install_links.get(name.as_str()) {
            return Err(Unsure::file(
                Code::UnknownLibrary,
                format!(
                    "the dependency {name} builds against {what} of {}, which the runtime image lacks",
                    facts.image_text
                ),
            ));
        }
        if let Some(pkgs) = node.install_needs.get(name.as_str()) {
            for p in pkgs {
                if !needs.iter().any(|(n, _)| n == p) {
                    needs.push((
                        p.clone(),
                        format!("the dependency {name} needs it at runtime"),
                    ));
                }
            }
        }
    }
    for name in with_install_scripts {
        let known = node.install_in_place.iter().any(|n| n == name)
            || node.install_needs.contains_key(name.as_str())
            || catalog::catalog().install_download(name).is_some()
            || catalog::catalog()
                .native_libraries(catalog::Family::Debian, name)
                .iter()
                .next()
                .is_some();
        if !known {
            return Err(Unsure::file(
                Code::NpmScript,
                format!(
                    "the dependency {name} runs an install script (package-lock.json), whose effects dockopt does not know"
                ),
            ));
        }
    }
    Ok(needs)
}

/// The packages package-lock.json marks as running an install script.
pub fn lock_install_scripts(lock: &Value) -> Vec<String> {
    let Some(packages) = lock.get("packages").and_then(Value::as_object) else {
        return Vec::new();
    };
    packages
        .iter()
        .filter(|(_, v)| v.get("hasInstallScript").and_then(Value::as_bool) == Some(true))
        .filter_map(|(k, _)| {
            let name = k.rsplit("node_modules/").next()?;
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// Every package name package-lock.json, yarn.lock or pnpm-lock.yaml
/// lists (transitive dependencies included).
pub fn lock_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Ok(lock) = serde_json::from_str::<Value>(text) {
        if let Some(p) = lock.get("packages").and_then(Value::as_object) {
            out.extend(
                p.keys()
                    .filter_map(|k| k.rsplit("node_modules/").next())
                    .filter(|n| !n.is_empty())
                    .map(String::from),
            );
        }
        if let Some(d) = lock.get("dependencies").and_then(Value::as_object) {
            out.extend(d.keys().cloned());
        }
    } else {
        // yarn.lock (`"name@^1", name@^2:`) and pnpm-lock.yaml (`/name@1:`
        // or `name@1:` under packages).
        for line in text.lines() {
            if line.starts_with(' ')
                && !line.starts_with("  /")
                && !line.starts_with("  '")
                && !line.starts_with("  \"")
                && !line.trim_start().starts_with('/')
            {
                continue;
            }
            let entry = line
                .trim()
                .trim_start_matches('/')
                .trim_matches(['"', '\'']);
            for part in entry.split(", ") {
                let part = part.trim_matches(['"', '\'', ':']);
                let name = match part.strip_prefix('@') {
                    Some(rest) => rest.split_once('@').map(|(n, _)| format!("@{n}")),
                    None => part.split_once('@').map(|(n, _)| n.to_string()),
                };
                if let Some(n) = name.filter(|n| !n.is_empty() && !n.contains(' ')) {
                    out.push(n);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
