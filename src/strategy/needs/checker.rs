//! The checks of one need after another: each program the image runs (and
//! the scripts it starts), each file and library the code uses, settled as
//! present, installed or a reason to leave the file alone.

use crate::analysis::shell::Command;
use crate::catalog;
use crate::classify::{self, Facts};
use crate::facts::code::{self, Lang, Use};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::missing::{Found, Missing};
use super::{CodeFile, at, base_program, installed_by, is_shell, standard_path, unwrap};

/// Folders every base image fills itself, whose files a runtime stage of
/// the same family has too (what the build writes there is checked as a
/// write outside the app).
const BASE_IMAGE_FOLDERS: &[&str] = &["/usr", "/bin", "/sbin", "/lib", "/etc", "/proc", "/dev"];

/// Checks needs one by one, collecting the packages to install.
pub(super) struct Checker<'a> {
    pub(super) facts: &'a Facts<'a>,
    pub(super) plan: &'a Plan,
    pub(super) missing: &'a Missing,
    pub(super) provided: &'a mut dyn FnMut(&Command) -> Result<bool, Unsure>,
    pub(super) wanted: Vec<(String, String)>,
    /// The package.json of the image's WORKDIR, whose scripts `npm start` runs.
    pub(super) package_json: std::cell::OnceCell<Option<serde_json::Value>>,
}

impl Checker<'_> {
    /// Installs `package` for `why`, once.
    fn want(&mut self, package: String, why: String) {
        if !self.wanted.iter().any(|(p, _)| *p == package) {
            self.wanted.push((package, why));
        }
    }

    /// Settles one lookup: present, installed, or a reason to stop.
    fn settle(
        &mut self,
        found: Found,
        what: &str,
        origin: &str,
        line: Option<usize>,
    ) -> Result<(), Unsure> {
        match found {
            Found::Present => Ok(()),
            Found::Install(p) => {
                let why = format!(
                    "{origin} uses {what}, which {} has and {} lacks",
                    self.facts.image_text, self.missing.runtime
                );
                self.want(p, why);
                Ok(())
            }
            Found::Lacking => Err(at(
                Code::UnknownRuntimeProgram,
                line,
                format!(
                    "{origin} uses {what}, which {} has and {} lacks, and no package brings it back",
                    self.facts.image_text, self.missing.runtime
                ),
            )),
            Found::Unknown => Err(at(
                Code::UnknownRuntimeProgram,
                line,
                format!(
                    "{origin} uses {what}; dockopt cannot tell whether {} has it",
                    self.missing.runtime
                ),
            )),
        }
    }

    /// The RUNs the runtime stage repeats: each program they call must be
    /// there when they run (`curl ... | tar -C /opt` on a slim image that
    /// has no curl would fail to build), unless the RUN installs it first.
    pub(super) fn replayed_runs(&mut self) -> Result<(), Unsure> {
        let facts = self.facts;
        let system_tools = &catalog::catalog().every_image().system_tools;
        for d in &self.plan.decisions {
            if d.role != crate::plan::Role::Both {
                continue;
            }
            let Some(ins) = facts.df.nodes()[d.node]
                .instruction()
                .filter(|i| i.kind() == crate::syntax::Kind::Run)
            else {
                continue;
            };
            let installed = installed_by(ins);
            let origin = format!(
                "the RUN on line {}, repeated in the runtime stage,",
                d.lines.0
            );
            for c in &classify::commands_of(ins) {
                let program = c.program();
                let has = program.is_empty()
                    || base_program(program)
                    || is_shell(program)
                    || system_tools.iter().any(|t| t == program)
                    || self.missing.provides(&installed, program).is_some();
                // A path of the app or a variable is checked with the RUN.
                let named = c
                    .argv
                    .first()
                    .is_some_and(|p| p.contains('/') || p.contains('$'));
                if has || named {
                    continue;
                }
                let found = self.missing.program(program);
                self.settle(found, program, &origin, Some(d.lines.0))?;
            }
        }
        Ok(())
    }

    /// One command that the image runs, or that a script it runs runs.
    pub(super) fn command(
        &mut self,
        cmd: &Command,
        origin: &str,
        line: Option<usize>,
        depth: usize,
    ) -> Result<(), Unsure> {
        let wrapper = cmd.program();
        if catalog::catalog().wrapper_words(wrapper).is_some() && !base_program(wrapper) {
            let found = self.missing.program(wrapper);
            self.settle(found, wrapper, origin, line)?;
        }
        let cmd = &unwrap(cmd);
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let program = cmd.program();
        self.script_in_runtime(cmd, origin, line)?;
        if program.is_empty() || base_program(program) && !is_shell(program) {
            return Ok(());
        }
        if matches!(full, "$@" | "$*" | "${@}") {
            return Ok(()); // an entrypoint running its CMD, checked on its own
        }
        if full.contains('$') {
            return Err(at(
                Code::ComputedAtRuntime,
                line,
                format!(
                    "{origin} runs a program named by a variable ({full}), known only when the container starts"
                ),
            ));
        }
        if catalog::catalog().is_supervisor(program) {
            return Err(at(
                Code::Supervisor,
                line,
                format!(
                    "{origin} runs {program}, which starts the programs its configuration names; dockopt does not read them"
                ),
            ));
        }
        if is_shell(program) {
            return self.shell_script(cmd, origin, line, depth);
        }
        self.package_script(cmd, line, depth)?;
        if (self.provided)(cmd)? {
            return Ok(());
        }
        if full.contains('/') || full.starts_with('.') {
            return self.program_file(cmd, origin, line, depth);
        }
        if standard_path().iter().any(|dir| {
            self.facts
                .made_in_runtime
                .contains(&format!("{dir}/{program}"))
        }) {
            return Ok(()); // a RUN the runtime repeats puts it on PATH
        }
        let found = self.missing.program(program);
        self.settle(found, program, origin, line)
    }

    /// `node /opt/out/index.js`, `python /srv/main.py`: the file an
    /// interpreter is given must be in the runtime stage: below a path it
    /// copies or makes, or a system folder of the base image. A build that
    /// wrote it elsewhere (`tsc --outDir /opt/out`) would leave it behind.
    fn script_in_runtime(
        &self,
        cmd: &Command,
        origin: &str,
        line: Option<usize>,
    ) -> Result<(), Unsure> {
        let crate::analysis::steps::Step::Code {
            script: Some(script),
            ..
        } = crate::analysis::steps::step(cmd)
        else {
            return Ok(());
        };
        if script.starts_with("-m ") || script.contains('$') {
            return Ok(());
        }
        let Some(abs) = classify::resolve(&script, self.facts.workdir.as_deref()) else {
            return Ok(());
        };
        let in_base = BASE_IMAGE_FOLDERS.iter().any(|p| classify::under(&abs, p));
        if in_base || self.copied_or_made(&abs) {
            return Ok(());
        }
        Err(at(
            Code::UnknownRuntimeProgram,
            line,
            format!(
                "{origin} runs `{} {script}`, and the runtime stage would not have {abs}: the build leaves it outside what dockopt copies",
                cmd.program()
            ),
        ))
    }

    /// Whether the runtime stage has `path`: below a path it copies from the
    /// builder or one a repeated instruction makes there.
    fn copied_or_made(&self, path: &str) -> bool {
        self.plan
            .artifacts
            .iter()
            .any(|a| classify::under(path, &a.path))
            || self
                .facts
                .made_in_runtime
                .iter()
                .any(|m| classify::under(path, m))
    }

    /// `npm start`, `yarn build`: the commands of the package.json script
    /// (and its `pre` and `post` scripts) run in turn, as a shell script's.
    fn package_script(
        &mut self,
        cmd: &Command,
        line: Option<usize>,
        depth: usize,
    ) -> Result<(), Unsure> {
        let program = cmd.program();
        if !matches!(program, "npm" | "yarn" | "pnpm") || depth > 4 {
            return Ok(());
        }
        let Some(name) = crate::strategy::manifests::script_run_by(program, cmd.args()) else {
            return Ok(());
        };
        let facts = self.facts;
        let doc = self.package_json.get_or_init(|| {
            crate::strategy::manifests::context_text_from(
                facts,
                facts.workdir.as_deref(),
                "package.json",
            )
            .and_then(|t| serde_json::from_str(&t).ok())
        });
        let Some(doc) = doc.clone() else {
            return Ok(());
        };
        for text in crate::strategy::manifests::script_with_hooks(&doc, name) {
            let origin = format!("the package.json script {name}");
            for c in crate::analysis::shell::commands(text) {
                self.command(&c, &origin, line, depth + 1)?;
            }
        }
        Ok(())
    }

    /// `sh script.sh`: the script's commands, read from the build context.
    fn shell_script(
        &mut self,
        cmd: &Command,
        origin: &str,
        line: Option<usize>,
        depth: usize,
    ) -> Result<(), Unsure> {
        let args = cmd.args();
        if args
            .first()
            .is_some_and(|a| a.starts_with('-') && a.contains('c'))
            || args.is_empty()
        {
            return Ok(()); // `sh -c` is read already; a bare shell runs nothing of ours
        }
        let Some(script) = args.iter().find(|a| !a.starts_with('-')) else {
            return Ok(());
        };
        self.script_commands(script, origin, line, depth)
    }

    /// A program given by path: a file of the app (its `#!` line, or its
    /// commands when it is a shell script), one a repeated RUN makes, or a
    /// system program looked up by name.
    fn program_file(
        &mut self,
        cmd: &Command,
        origin: &str,
        line: Option<usize>,
        depth: usize,
    ) -> Result<(), Unsure> {
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let abs = classify::resolve(full, self.facts.workdir.as_deref());
        let Some(abs) = abs else {
            return Err(at(
                Code::UnplaceablePath,
                line,
                format!("{origin} runs {full}, a relative path with no WORKDIR"),
            ));
        };
        if self
            .facts
            .made_in_runtime
            .iter()
            .any(|c| classify::under(&abs, c))
        {
            return Ok(());
        }
        let in_artifacts = self
            .plan
            .artifacts
            .iter()
            .any(|a| classify::under(&abs, &a.path));
        if in_artifacts {
            return self.script_commands(full, origin, line, depth);
        }
        if standard_path()
            .iter()
            .any(|d| abs.starts_with(&format!("{d}/")))
            && !abs.starts_with("/usr/local/")
        {
            let found = self.missing.program(&abs);
            return self.settle(found, &abs, origin, line);
        }
        if self
            .facts
            .packages
            .iter()
            .any(|p| catalog::package_name(&p.package) == cmd.program())
        {
            return Ok(()); // a program from a package the runtime installs again
        }
        Err(at(
            Code::UnknownRuntimeProgram,
            line,
            format!("runs {full}, which the runtime stage would not have"),
        ))
    }

    /// A script the image runs, by path: a shell script's commands are
    /// checked in turn; another interpreter must be there; a binary is the
    /// app's. One that cannot be read stops the rewrite.
    fn script_commands(
        &mut self,
        path: &str,
        origin: &str,
        line: Option<usize>,
        depth: usize,
    ) -> Result<(), Unsure> {
        let Some(text) = self.script_text(path, origin, line)? else {
            return Ok(()); // a binary the context provides
        };
        if depth > 4 {
            return Ok(());
        }
        let shebang = code::shebang(&text);
        let shell = shebang
            .as_ref()
            .is_none_or(|s| is_shell(s.program.rsplit('/').next().unwrap_or("")));
        if let Some(s) = shebang.as_ref().filter(|_| !shell) {
            let interpreter = Command {
                argv: vec![s.program.clone()],
                ..Command::default()
            };
            return self.command(
                &interpreter,
                &format!("{path} (its #! line)"),
                line,
                depth + 1,
            );
        }
        if shebang.is_none()
            && !path.ends_with(".sh")
            && !text.trim().is_empty()
            && code::language(path, &text).is_some_and(|l| l != Lang::Shell)
        {
            return Ok(()); // code run by the interpreter named before it
        }
        for c in crate::analysis::shell::commands(&text) {
            self.command(&c, path, line, depth + 1)?;
        }
        Ok(())
    }

    /// The text of the context file the image runs at `path` (None for a
    /// binary), or why it cannot be read.
    fn script_text(
        &self,
        path: &str,
        origin: &str,
        line: Option<usize>,
    ) -> Result<Option<String>, Unsure> {
        let missing = |why: String| Err(at(Code::RuntimeScriptMissing, line, why));
        let Some(context) = &self.facts.context else {
            return missing(format!(
                "{origin} runs {path}; without the build context dockopt cannot see what it calls"
            ));
        };
        let abs = classify::resolve(path, self.facts.workdir.as_deref()).unwrap_or_default();
        let Some(file) = self.facts.context_path_of(&abs).filter(|p| p.is_file()) else {
            return missing(format!(
                "{origin} runs {path}, which is not in the build context {}",
                context.display()
            ));
        };
        match std::fs::read(&file) {
            Ok(bytes) => Ok(String::from_utf8(bytes).ok()),
            Err(_) => missing(format!("{origin} runs {path}, which dockopt cannot read")),
        }
    }

    /// What one source file of the app uses.
    pub(super) fn file(&mut self, file: &CodeFile) -> Result<(), Unsure> {
        for f in &file.findings {
            let origin = format!("{}:{}", file.path, f.line);
            if let Use::Program(name) | Use::Library(name) = &f.what
                && self.facts.vouched.not_needed(name)
            {
                continue;
            }
            match &f.what {
                Use::Program(p) if file.lang == Lang::Shell => self.script_program(p, &origin)?,
                Use::Program(p) => {
                    let cmd = Command {
                        argv: vec![p.clone()],
                        ..Command::default()
                    };
                    self.code_program(&cmd, &origin)?;
                }
                // The user named what it may start (`# dockopt: app-runs`).
                Use::ComputedProgram(_) if !self.facts.vouched.runs.is_empty() => {}
                Use::ComputedProgram(what) if file.lang != Lang::Shell => {
                    return Err(self.computed(&origin, "starts a program", what));
                }
                Use::ComputedLibrary(what) => {
                    return Err(self.computed(&origin, "loads a library", what));
                }
                Use::Library(name) => {
                    let found = self.missing.library(name);
                    self.settle(found, name, &origin, None)?;
                }
                Use::Font(name) => {
                    let found = self.missing.data("/usr/share/fonts");
                    self.settle(found, &format!("the font {name}"), &origin, None)?;
                }
                Use::MimeTypes => {
                    let found = self.missing.data("/etc/mime.types");
                    self.settle(found, "the MIME table /etc/mime.types", &origin, None)?;
                }
                Use::Path(p) => self.code_path(p, &origin)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A program a shell script of the context names, which the image may
    /// not run: looked up by name only.
    fn script_program(&mut self, p: &str, origin: &str) -> Result<(), Unsure> {
        if p.contains('$') || p.contains('/') || base_program(p) {
            return Ok(());
        }
        let cmd = Command {
            argv: vec![p.to_string()],
            ..Command::default()
        };
        if (self.provided)(&cmd).unwrap_or(false) {
            return Ok(());
        }
        let found = self.missing.program(p);
        self.settle(found, p, origin, None)
    }

    /// The refusal for code that starts a program or loads a library whose
    /// name it computes.
    fn computed(&self, origin: &str, does: &str, what: &str) -> Unsure {
        Unsure::file(
            Code::ComputedAtRuntime,
            format!(
                "{origin} {does} whose name the code computes ({}); dockopt cannot tell whether {} has it",
                what.trim(),
                self.missing.runtime
            ),
        )
    }

    /// A program the app's code starts.
    pub(super) fn code_program(&mut self, cmd: &Command, origin: &str) -> Result<(), Unsure> {
        let program = cmd.program();
        if base_program(program) || is_shell(program) {
            return Ok(());
        }
        if (self.provided)(cmd)? {
            return Ok(());
        }
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        if full.starts_with('.') || (full.contains('/') && !full.starts_with('/')) {
            return Ok(()); // a program of the app, beside the code
        }
        if full.starts_with('/')
            && (self.facts.in_app(full)
                || self
                    .plan
                    .artifacts
                    .iter()
                    .any(|a| classify::under(full, &a.path))
                || self
                    .facts
                    .made_in_runtime
                    .iter()
                    .any(|m| classify::under(full, m)))
        {
            return Ok(());
        }
        let found = self.missing.program(program);
        self.settle(found, program, origin, None)
    }

    /// An absolute path the app's code names: a library, a program, or a
    /// data file of a package the runtime may lack.
    fn code_path(&mut self, path: &str, origin: &str) -> Result<(), Unsure> {
        if self.facts.in_app(path) || self.copied_or_made(path) {
            return Ok(());
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let found = if name.contains(".so") {
            self.missing.library(name)
        } else if standard_path()
            .iter()
            .any(|d| path.starts_with(&format!("{d}/")))
        {
            if path.starts_with("/usr/local/") {
                return Ok(());
            }
            self.missing.program(name)
        } else {
            self.missing.data(path)
        };
        self.settle(found, path, origin, None)
    }
}
