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

use crate::analysis::shell::Command;
use crate::catalog::{self, Family, ImageRef, PackageRole};
use crate::classify::{self, Facts};
use crate::facts::code::{self, Finding, Lang, Shebang, Use};
use crate::facts::context;
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

/// A program's source files in the build context, read once per plan.
#[derive(Debug, Default)]
pub struct AppCode {
    /// The files that hold code, with what each uses.
    pub files: Vec<CodeFile>,
    /// Set when the context has too many files to read.
    pub too_large: bool,
}

/// One source file of the app.
#[derive(Debug)]
pub struct CodeFile {
    /// Its path in the build context.
    pub path: String,
    pub lang: Lang,
    pub shebang: Option<Shebang>,
    pub findings: Vec<Finding>,
}

/// The app's code: every source file below what COPY and ADD take from the
/// context (tests and dependencies left out), scanned once.
pub fn app_code<'f>(facts: &'f Facts<'_>) -> &'f AppCode {
    facts.app_code.get_or_init(|| read_app_code(facts))
}

/// Reads and scans the app's source files.
fn read_app_code(facts: &Facts<'_>) -> AppCode {
    let Some(root) = facts.context.as_ref() else {
        return AppCode::default();
    };
    let Some(paths) = context::files(root, &facts.copied_sources) else {
        return AppCode {
            files: Vec::new(),
            too_large: true,
        };
    };
    let mut files = Vec::new();
    for p in paths {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name.filter(|n| !context::is_test_file(n)) else {
            continue;
        };
        if std::fs::metadata(&p).map_or(true, |m| m.len() > context::MAX_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Some(lang) = code::language(&name, &text) else {
            continue;
        };
        let rel = p
            .strip_prefix(root)
            .map_or_else(|_| p.display().to_string(), |r| r.display().to_string());
        files.push(CodeFile {
            path: rel,
            lang,
            shebang: code::shebang(&text),
            findings: code::scan(lang, &text),
        });
    }
    AppCode {
        files,
        too_large: false,
    }
}

/// The texts of the context files named `name` below what the image gets
/// (every go.mod, say).
pub fn app_code_text(facts: &Facts<'_>, name: &str) -> Vec<String> {
    let Some(root) = facts.context.as_ref() else {
        return Vec::new();
    };
    context::files(root, &facts.copied_sources)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The programs the image runs, with what runs each: CMD, ENTRYPOINT and
/// HEALTHCHECK (through wrappers, and the shell scripts they start, read
/// from the build context), and what the app's code starts by name.
pub fn programs_used(facts: &Facts<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |p: &str, by: String| {
        if !p.is_empty() && !p.contains('$') && !base_program(p) && !out.iter().any(|(x, _)| x == p)
        {
            out.push((p.to_string(), by));
        }
    };
    let mut scripts: Vec<(String, usize)> = Vec::new();
    for (line, cmd) in &facts.runtime_commands {
        let cmd = unwrap(cmd);
        let full = cmd.argv.first().cloned().unwrap_or_default();
        push(&full, format!("line {line}"));
        if is_shell(cmd.program()) {
            if let Some(s) = cmd.args().iter().find(|a| !a.starts_with('-')) {
                scripts.push((s.clone(), *line));
            }
        } else if full.contains('/') || full.ends_with(".sh") {
            scripts.push((full.clone(), *line));
        }
    }
    for (script, line) in scripts {
        let abs = classify::resolve(&script, facts.workdir.as_deref()).unwrap_or_default();
        let Some(text) = facts.context_file_at(&abs) else {
            continue;
        };
        if code::shebang(&text)
            .is_some_and(|s| !is_shell(s.program.rsplit('/').next().unwrap_or("")))
        {
            continue;
        }
        for c in crate::analysis::shell::commands(&text) {
            let c = unwrap(&c);
            if let Some(p) = c.argv.first() {
                push(p, format!("{script} (run on line {line})"));
            }
        }
    }
    for file in app_code(facts)
        .files
        .iter()
        .filter(|f| f.lang != Lang::Shell)
    {
        for f in &file.findings {
            if let Use::Program(p) = &f.what
                && !facts.vouched.not_needed(p)
            {
                push(p, format!("{}:{}", file.path, f.line));
            }
        }
    }
    for p in &facts.vouched.runs {
        push(p, "`# dockopt: app-runs`".into());
    }
    out
}

/// A file the app's code names, for `verify` to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileUse {
    Path(String),
    Font(String),
    Library(String),
}

/// The files the app's code names: absolute paths, fonts, libraries it
/// loads by name, the MIME table; with where each is named.
pub fn files_used(facts: &Facts<'_>) -> Vec<(FileUse, String)> {
    let mut out: Vec<(FileUse, String)> = Vec::new();
    for file in &app_code(facts).files {
        for f in &file.findings {
            let need = match &f.what {
                Use::Path(p) if !facts.in_app(p) => FileUse::Path(p.clone()),
                Use::Font(name) => FileUse::Font(name.clone()),
                Use::Library(name) => FileUse::Library(name.clone()),
                Use::MimeTypes => FileUse::Path("/etc/mime.types".into()),
                _ => continue,
            };
            if !out.iter().any(|(n, _)| *n == need) {
                out.push((need, format!("{}:{}", file.path, f.line)));
            }
        }
    }
    out
}

/// The system packages the file installs for the program (not build
/// tools or headers), which a rewrite must keep.
pub fn runtime_packages_installed(facts: &Facts<'_>) -> Vec<String> {
    let cat = catalog::catalog();
    let family = catalog::catalog()
        .distro(&facts.image)
        .map_or(Family::Debian, |d| d.family);
    facts
        .packages
        .iter()
        .map(|p| catalog::package_name(&p.package).to_string())
        .filter(|p| cat.package_role(family, p) == PackageRole::Runtime)
        .collect()
}

/// What the runtime image lacks that the builder had.
enum Diff<'c> {
    /// The packages, from the images' package lists.
    Known(Vec<String>),
    /// A builder of another make, with the programs it adds.
    Other(&'c catalog::OtherBase),
    /// Images dockopt has no package lists for.
    Unknown,
}

/// Whether a need is met.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// The runtime image has it, or neither image has it.
    Present,
    /// The runtime image gets it from this package.
    Install(String),
    /// dockopt cannot tell.
    Unknown,
}

/// What the runtime image lacks, looked up need by need.
struct Missing {
    diff: Diff<'static>,
    /// Build-only packages the plan leaves out.
    left_behind: Vec<String>,
    /// Packages the build installs that the runtime has too.
    carried: Vec<String>,
    family: Family,
    runtime: String,
}

impl Missing {
    /// The difference between the builder's image and the plan's runtime.
    fn new(facts: &Facts<'_>, plan: &Plan, family: Family) -> Missing {
        let cat = catalog::catalog();
        let mut left_behind = Vec::new();
        let mut carried = Vec::new();
        for inst in &facts.packages {
            let name = catalog::package_name(&inst.package).to_string();
            match cat.package_role(family, &name) {
                PackageRole::Runtime => carried.push(name),
                _ if inst.replayed => carried.push(name),
                _ => left_behind.push(name),
            }
        }
        Missing {
            diff: diff(facts, plan),
            left_behind,
            carried,
            family,
            runtime: plan.runtime_image.clone(),
        }
    }

    /// Whether one of `packages` provides the program `name`.
    fn provides<'p>(&self, packages: &'p [String], name: &str) -> Option<&'p str> {
        let cat = catalog::catalog();
        let tool = cat.tool_package(self.family, name);
        packages
            .iter()
            .find(|p| {
                p.as_str() == name
                    || tool == Some(p.as_str())
                    || cat.alternatives(name).iter().any(|a| a == p.as_str())
                    || cat
                        .bases()
                        .program_package(std::slice::from_ref(p), name)
                        .is_some()
            })
            .map(String::as_str)
    }

    /// A program by name (a path is looked up by its file name).
    fn program(&self, name: &str) -> Found {
        let name = name.rsplit('/').next().unwrap_or(name);
        if self.provides(&self.carried, name).is_some() {
            return Found::Present;
        }
        if let Some(p) = self.provides(&self.left_behind, name) {
            return Found::Install(p.to_string());
        }
        match &self.diff {
            Diff::Known(packages) => {
                // The package the full image names (imagemagick), before
                // the one that holds the file (imagemagick-6.q16).
                let cat = catalog::catalog();
                if let Some(tool) = cat
                    .tool_package(self.family, name)
                    .filter(|t| packages.iter().any(|p| p == t))
                {
                    return Found::Install(tool.to_string());
                }
                cat.bases()
                    .program_package(packages, name)
                    .map_or(Found::Present, |p| Found::Install(p.to_string()))
            }
            Diff::Other(other) => match other.programs.get(name) {
                Some(p) if p.is_empty() => Found::Unknown,
                Some(p) => Found::Install(p.clone()),
                None => Found::Present,
            },
            Diff::Unknown if base_program(name) => Found::Present,
            Diff::Unknown => Found::Unknown,
        }
    }

    /// A shared library by soname or short name.
    fn library(&self, name: &str) -> Found {
        let file = name.rsplit('/').next().unwrap_or(name);
        let soname = if file.contains(".so") {
            file.to_string()
        } else {
            format!("lib{}.so", file.trim_start_matches("lib"))
        };
        match &self.diff {
            Diff::Known(packages) => catalog::catalog()
                .bases()
                .library_package(packages, &soname)
                .map_or(Found::Present, |p| Found::Install(p.to_string())),
            Diff::Other(_) => Found::Present,
            Diff::Unknown => Found::Unknown,
        }
    }

    /// A data file or folder by absolute path.
    fn data(&self, path: &str) -> Found {
        match &self.diff {
            Diff::Known(packages) => catalog::catalog()
                .bases()
                .data_package(packages, path)
                .map_or(Found::Present, |p| Found::Install(p.to_string())),
            _ => Found::Present,
        }
    }
}

/// The package difference between the builder image and the runtime image.
fn diff(facts: &Facts<'_>, plan: &Plan) -> Diff<'static> {
    let cat = catalog::catalog();
    let runtime = ImageRef::parse(&plan.runtime_image);
    if runtime.repository == facts.image.repository && runtime.tag == facts.image.tag {
        return Diff::Known(Vec::new());
    }
    if let Some(other) = cat.other_base(&facts.image.repository) {
        return Diff::Other(other);
    }
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    if tag.contains("alpine") || runtime.tag.as_deref().is_some_and(|t| t.contains("alpine")) {
        return Diff::Unknown;
    }
    let builder = if tag.contains("slim") {
        cat.runtime_base(&facts.image.repository)
    } else {
        cat.ecosystem(&facts.image.repository)
            .and_then(|e| e.debian_base.as_deref())
    };
    let runtime_base = cat.runtime_base(&runtime.repository);
    match (builder, runtime_base) {
        (Some(b), Some(r)) => cat
            .bases()
            .lacks(b, r)
            .map_or(Diff::Unknown, |l| Diff::Known(l.packages)),
        _ => Diff::Unknown,
    }
}

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
                if !out.iter().any(|(o, _)| o == p) {
                    out.push((p.clone(), format!("{}:{} links {name}", file.path, f.line)));
                }
            }
        }
    }
    Ok(out)
}

/// Checks needs one by one, collecting the packages to install.
struct Checker<'a> {
    facts: &'a Facts<'a>,
    plan: &'a Plan,
    missing: &'a Missing,
    provided: &'a mut dyn FnMut(&Command) -> Result<bool, Unsure>,
    wanted: Vec<(String, String)>,
    /// The package.json of the image's WORKDIR, whose scripts `npm start` runs.
    package_json: std::cell::OnceCell<Option<serde_json::Value>>,
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
    fn replayed_runs(&mut self) -> Result<(), Unsure> {
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
    fn command(
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
        let Some(name) = super::manifests::script_run_by(program, cmd.args()) else {
            return Ok(());
        };
        let facts = self.facts;
        let doc = self.package_json.get_or_init(|| {
            super::manifests::context_text_from(facts, facts.workdir.as_deref(), "package.json")
                .and_then(|t| serde_json::from_str(&t).ok())
        });
        let Some(doc) = doc.clone() else {
            return Ok(());
        };
        for text in super::manifests::script_with_hooks(&doc, name) {
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
    fn file(&mut self, file: &CodeFile) -> Result<(), Unsure> {
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
    fn code_program(&mut self, cmd: &Command, origin: &str) -> Result<(), Unsure> {
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
        let facts = self.facts;
        if facts.in_app(path)
            || self
                .plan
                .artifacts
                .iter()
                .any(|a| classify::under(path, &a.path))
            || facts
                .made_in_runtime
                .iter()
                .any(|m| classify::under(path, m))
        {
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
