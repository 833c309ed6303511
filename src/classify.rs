//! Reading a single-stage Dockerfile into facts and a first role for every
//! instruction: what is build work, what is runtime configuration, and what
//! dockopt cannot place (which leaves the file unchanged).
//!
//! Ecosystem strategies refine these facts; nothing here knows Python, Node
//! or Go.

use crate::analysis::shell::{self, Command};
use crate::analysis::steps::{self, CdTo, Manager, Step};
use crate::catalog::ImageRef;
use crate::inline::Inline;
use crate::plan::{Artifact, Decision, Role, Unsure};
use crate::reasons::Code;
use crate::syntax::{Dockerfile, Instruction, Kind, NodeKind};

/// A system package installed by a build step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub manager: Manager,
    pub package: String,
    pub line: usize,
    /// Installed by a RUN the runtime stage repeats, so it is there already.
    pub replayed: bool,
    /// Installed with a command whose version pins hadolint checks.
    pub pin_linted: bool,
    /// Installed with its Recommends (apt without --no-install-recommends).
    pub recommends: bool,
}

/// What a single-stage Dockerfile holds, as the strategies need it.
#[derive(Debug)]
pub struct Facts<'a> {
    pub df: &'a Dockerfile,
    /// Node index of the FROM.
    pub from: usize,
    /// Its image, as written and split.
    pub image: ImageRef,
    pub image_text: String,
    /// Its `--platform` flag, if any.
    pub platform: Option<String>,
    /// Its stage name, if any.
    pub stage_name: Option<String>,
    /// A decision for every instruction after FROM (and global ARGs).
    pub decisions: Vec<Decision>,
    /// Steps of each RUN: node index, WORKDIR in force, steps.
    pub run_steps: Vec<(usize, Option<String>, Vec<Step>)>,
    /// Files the build puts in place from the context (COPY/ADD
    /// destinations), and the final WORKDIR.
    pub app_paths: Vec<Artifact>,
    /// The last WORKDIR, if any.
    pub workdir: Option<String>,
    /// The base image's own WORKDIR (/go for golang) when the file relies
    /// on it: it never sets an absolute WORKDIR of its own.
    pub inherited_workdir: Option<String>,
    /// System packages still installed at the end of the build.
    pub packages: Vec<Installed>,
    /// Whether any package install needs the package lists refreshed.
    pub uses_apt: bool,
    /// Whether the build upgrades the system packages (`apt-get upgrade`).
    pub upgrades: bool,
    /// Commands that CMD, ENTRYPOINT and HEALTHCHECK run.
    pub runtime_commands: Vec<(usize, Command)>,
    /// Environment variables set by ENV, with their values as written.
    pub env: Vec<(String, String)>,
    /// Paths the runtime stage makes itself: where `COPY --from=<image>`
    /// puts files and what repeated RUNs write, so programs there are
    /// present.
    pub made_in_runtime: Vec<String>,
    /// Folders a `cd` moved a RUN into that are not the app's: what runs
    /// there does not write into the app.
    pub foreign_folders: Vec<String>,
    /// What the user vouches for about the running app (`# dockopt:
    /// app-runs`, `not-needed`, `.dockopt.toml`'s `[app]`).
    pub vouched: crate::inline::Vouched,
    /// Folders of the build context and where COPY put them in the image
    /// (image folder, context folder; "" is the context's root).
    pub context_copies: Vec<(String, String)>,
    /// Single files of the build context and where COPY put them (image
    /// path, context path).
    pub context_files: Vec<(String, String)>,
    /// The context paths that COPY and ADD take (sources as written).
    pub copied_sources: Vec<String>,
    /// The build context, when known: scripts that CMD runs are read there.
    pub context: Option<std::path::PathBuf>,
    /// The ARGs declared before FROM, with their defaults.
    pub global_args: Vec<(String, String)>,
    /// Repeated RUNs that use the app's files (node indices).
    pub replay_after: Vec<usize>,
    /// The app's source files and what they use, read when first needed.
    pub app_code: std::cell::OnceCell<crate::strategy::needs::AppCode>,
}

impl Facts<'_> {
    /// The line where node `i` starts.
    pub fn line(&self, i: usize) -> usize {
        self.df.nodes()[i].lines.0
    }

    /// The instruction at node `i`.
    pub fn instruction(&self, i: usize) -> Option<&Instruction> {
        self.df.nodes()[i].instruction()
    }

    /// The decision for node `i`.
    pub fn decision_mut(&mut self, i: usize) -> Option<&mut Decision> {
        self.decisions.iter_mut().find(|d| d.node == i)
    }

    /// Whether `path` is the app's, counting the RUN's WORKDIR (other than
    /// /) as the app's too: what a RUN writes there is build output.
    pub fn in_app_or(&self, workdir: Option<&str>, path: &str) -> bool {
        workdir.is_some_and(|w| {
            w != "/" && under(path, w) && !self.foreign_folders.iter().any(|f| f == w)
        }) || self.in_app(path)
    }

    /// Whether any RUN has a step that `pred` picks.
    pub fn runs_step(&self, pred: impl Fn(&Step) -> bool) -> bool {
        self.run_steps.iter().flat_map(|(_, _, s)| s).any(pred)
    }

    /// True when `path` lies inside a path the build puts the app in.
    pub fn in_app(&self, path: &str) -> bool {
        self.app_paths.iter().any(|a| under(path, &a.path))
    }

    /// The text of the context file that a COPY put at `image_path`, when
    /// the context is known and the file was copied with its folder.
    pub fn context_file_at(&self, image_path: &str) -> Option<String> {
        std::fs::read_to_string(self.context_path_of(image_path)?).ok()
    }

    /// Where in the build context the file at `image_path` came from: the
    /// last COPY that put a file or folder there.
    pub fn context_path_of(&self, image_path: &str) -> Option<std::path::PathBuf> {
        let context = self.context.as_ref()?;
        let file = self
            .context_files
            .iter()
            .rev()
            .find(|(at, _)| at == image_path)
            .map(|(_, src)| context.join(src.trim_start_matches('/')));
        file.or_else(|| {
            self.context_copies.iter().rev().find_map(|(at, src)| {
                let rest = image_path.strip_prefix(at.as_str())?;
                if !rest.is_empty() && !rest.starts_with('/') && at != "/" {
                    return None;
                }
                let rel = format!("{src}/{}", rest.trim_start_matches('/'));
                let p = context.join(rel.trim_start_matches('/'));
                p.exists().then_some(p)
            })
        })
    }

    /// The home folder of the user that RUN steps run as: HOME when the
    /// file sets it, else root's.
    pub fn home(&self) -> String {
        self.env_value("HOME")
            .filter(|h| h.starts_with('/') && !h.contains('$'))
            .unwrap_or("/root")
            .trim_end_matches('/')
            .to_string()
    }

    /// A path as a RUN sees it: `~` and `$HOME` are the home folder, and
    /// the variables the file set are expanded.
    pub fn expand_path(&self, path: &str) -> String {
        let home = self.home();
        let path = if path == "~" {
            home.clone()
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("{home}/{rest}")
        } else {
            path.to_string()
        };
        let mut vars = self.env.clone();
        if self.env_value("HOME").is_none() {
            vars.push(("HOME".into(), home));
        }
        expand(&path, &vars)
    }

    /// The value of ENV `name` as written, if the file sets it.
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// True when `path` is `dir` or below it.
pub fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Replaces `$NAME` and `${NAME}` with values the file set earlier by ENV
/// or ARG; anything else is left as written.
pub fn expand(text: &str, vars: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in vars.iter().rev() {
        let v = v.trim_matches('"');
        // Most text names no variable: nothing to build for it.
        if v.contains('$') || !out.contains('$') {
            continue;
        }
        out = out.replace(&format!("${{{k}}}"), v);
        // `$NAME` only when not followed by more of a name.
        let pat = format!("${k}");
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&pat) {
            let after = &rest[i + pat.len()..];
            result.push_str(&rest[..i]);
            if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                result.push_str(&pat);
            } else {
                result.push_str(v);
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Resolves `path` against the working directory, as Docker does for COPY
/// destinations and as a shell does for relative paths.
pub fn resolve(path: &str, workdir: Option<&str>) -> Option<String> {
    if path.starts_with('/') {
        return Some(normalize(path));
    }
    let base = workdir?;
    Some(normalize(&format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path
    )))
}

/// An absolute path without `.`, `..`, doubled or trailing slashes.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Paths whose contents are scratch space: writing there builds nothing the
/// runtime needs.
/// (A cache in the home folder is not: a program may read a model or a
/// download seeded there.)
const SCRATCH: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/var/cache/apt",
    "/var/cache/apk",
    "/var/cache/yum",
    "/var/cache/dnf",
    "/var/lib/apt/lists",
];

/// Folders that belong to the system image: a COPY into one of them copies
/// the named files, never the whole folder (which holds the builder image's
/// own programs).
const SYSTEM: &[&str] = &[
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/etc",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/include",
    "/usr/share",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/local/lib",
    "/usr/local/include",
    "/usr/local/share",
    "/var/lib",
    "/var/cache",
    "/var/log",
    "/var/run",
    "/run",
    "/opt/venv",
];

/// Reads a file with one FROM. `Err` says why it is left as it is.
pub fn facts(df: &Dockerfile) -> Result<Facts<'_>, Unsure> {
    facts_in(df, None)
}

/// [`facts`], with the build context where scripts can be read.
pub fn facts_in<'a>(
    df: &'a Dockerfile,
    context: Option<&std::path::Path>,
) -> Result<Facts<'a>, Unsure> {
    facts_with(df, context, &Inline::default())
}

/// [`facts_in`], with the roles that `# dockopt:` comments force.
pub fn facts_with<'a>(
    df: &'a Dockerfile,
    context: Option<&std::path::Path>,
    inline: &Inline,
) -> Result<Facts<'a>, Unsure> {
    let froms: Vec<usize> = df
        .instructions()
        .filter(|(_, i)| i.kind() == Kind::From)
        .map(|(n, _)| n)
        .collect();
    let from = match froms.as_slice() {
        [] => return Err(Unsure::file(Code::NoFrom, "no FROM instruction")),
        [one] => *one,
        _ => return Err(Unsure::file(Code::AlreadyMultiStage, "already multi-stage")),
    };
    let from_ins = df.nodes()[from]
        .instruction()
        .ok_or_else(|| Unsure::file(Code::NoFrom, "no FROM"))?;
    let image_text = from_ins
        .from_image()
        .ok_or_else(|| {
            Unsure::at(
                Code::NoFrom,
                df.nodes()[from].lines.0,
                "FROM names no image",
            )
        })?
        .to_string();
    let mut facts = Facts {
        df,
        from,
        image: ImageRef::parse(&image_text),
        image_text,
        platform: from_ins.flag("platform").flatten().map(String::from),
        stage_name: from_ins.stage_name().map(String::from),
        decisions: Vec::new(),
        run_steps: Vec::new(),
        app_paths: Vec::new(),
        workdir: None,
        inherited_workdir: None,
        packages: Vec::new(),
        uses_apt: false,
        upgrades: false,
        runtime_commands: Vec::new(),
        env: Vec::new(),
        made_in_runtime: Vec::new(),
        foreign_folders: Vec::new(),
        vouched: inline.vouched.clone(),
        context_copies: Vec::new(),
        context_files: Vec::new(),
        copied_sources: Vec::new(),
        context: None,
        app_code: std::cell::OnceCell::new(),
        replay_after: Vec::new(),
        global_args: Vec::new(),
    };
    for (i, ins) in df.instructions() {
        if i >= from {
            break;
        }
        if ins.kind() == Kind::Arg {
            for a in ins.args() {
                if let Some((k, v)) = a.split_once('=') {
                    facts
                        .global_args
                        .push((k.to_string(), v.trim_matches('"').to_string()));
                }
            }
        }
    }
    facts.context = context.map(std::path::Path::to_path_buf);
    if let Some(eco) = crate::catalog::catalog().ecosystem(&facts.image.repository) {
        facts
            .env
            .extend(eco.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let Some((i, _)) = df
        .instructions()
        .last()
        .filter(|(_, ins)| ins.continues_at_end())
    {
        return Err(Unsure::at(
            Code::UnsupportedInstruction,
            df.nodes()[i].lines.0,
            "its line continuation runs to the end of the file; a stage written after it would join it",
        ));
    }
    if from_ins.flags().any(|f| f.name != "platform") {
        return Err(Unsure::at(
            Code::UnsupportedInstruction,
            facts.line(from),
            "FROM has flags dockopt does not know",
        ));
    }
    walk(&mut facts, inline)?;
    settle_late_configuration(&mut facts);
    Ok(facts)
}

/// Where the pass over the instructions is: what later instructions
/// depend on.
struct Walk {
    /// The working folder so far.
    workdir: Option<String>,
    /// Whether the file set a WORKDIR itself.
    explicit_workdir: bool,
    /// apk's `--virtual` groups, by name, with their packages.
    virtual_groups: Vec<(String, Vec<String>)>,
    /// The last instruction that builds (RUN, COPY, ADD).
    last_build: Option<usize>,
    /// The line of a USER other than root, while one is in force.
    user_at: Option<usize>,
}

/// One pass over the instructions after FROM.
fn walk(facts: &mut Facts<'_>, inline: &Inline) -> Result<(), Unsure> {
    let df = facts.df;
    // Docker starts in the image's WORKDIR: /go for golang, / otherwise.
    let mut walk = Walk {
        workdir: Some(
            crate::catalog::catalog()
                .ecosystem(&facts.image.repository)
                .and_then(|e| e.workdir.clone())
                .unwrap_or_else(|| "/".into()),
        ),
        explicit_workdir: false,
        virtual_groups: Vec::new(),
        last_build: None,
        user_at: None,
    };
    let relies_on_base = !df.instructions().any(|(i, ins)| {
        i > facts.from
            && ins.kind() == Kind::Workdir
            && ins.args().first().is_some_and(|d| d.starts_with('/'))
    });
    if relies_on_base {
        facts.inherited_workdir = walk.workdir.clone().filter(|w| w != "/");
    }
    for (i, node) in df.nodes().iter().enumerate().skip(facts.from + 1) {
        let NodeKind::Instruction(ins) = &node.kind else {
            continue;
        };
        let (role, reason) = walk.instruction(facts, inline, i, ins, node.lines.0)?;
        let mut decision = Decision {
            node: i,
            lines: node.lines,
            kind: ins.kind(),
            keyword: ins.keyword().to_string(),
            role,
            reason,
        };
        if let Some((role, at)) = inline.forced(i) {
            decision.role = role;
            decision.reason = format!(
                "placed by `# dockopt: {}` on line {at}",
                match role {
                    Role::Runtime => "runtime",
                    _ => "build",
                }
            );
        }
        facts.decisions.push(decision);
    }
    facts.workdir = walk.workdir;
    if let Some(w) = facts
        .workdir
        .clone()
        .filter(|w| walk.explicit_workdir && w != "/" && !facts.in_app(w))
    {
        facts.app_paths.push(Artifact {
            path: w,
            chown: None,
            reason: "the working folder, where the build leaves its output".into(),
        });
    }
    if walk.last_build.is_none() {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no build step: nothing for a builder stage to do",
        ));
    }
    Ok(())
}

impl Walk {
    /// The role of instruction `i` (on `line`) and why, recording its facts.
    fn instruction(
        &mut self,
        facts: &mut Facts<'_>,
        inline: &Inline,
        i: usize,
        ins: &Instruction,
        line: usize,
    ) -> Result<(Role, String), Unsure> {
        if let Some(u) = self.user_at.filter(|_| ins.kind() == Kind::Run) {
            return Err(Unsure::at(
                Code::NonRootBuild,
                u,
                "USER comes before RUN steps; files they make would belong to that user",
            ));
        }
        let both = |why: &str| Ok((Role::Both, why.to_string()));
        let runtime = |why: &str| Ok((Role::Runtime, why.to_string()));
        match ins.kind() {
            Kind::Run => match inline.forced(i) {
                Some(forced) => self.forced_run(facts, i, ins, line, forced),
                None => self.run(facts, i, ins, line),
            },
            Kind::Copy | Kind::Add => {
                copy_destination(facts, ins, self.workdir.as_deref(), line)?;
                self.last_build = Some(i);
                if ins.flag("from").is_some() {
                    both("copies files from another image; the runtime stage gets the same files")
                } else {
                    Ok((
                        Role::Build,
                        "puts build context in place; the runtime copies the result".into(),
                    ))
                }
            }
            Kind::Workdir => {
                let dir = expand(&ins.args().first().cloned().unwrap_or_default(), &facts.env);
                self.workdir = resolve(&dir, self.workdir.as_deref().or(Some("/")));
                self.explicit_workdir = true;
                both("the runtime stage works in the same folder")
            }
            Kind::Env => {
                for pair in ins.args().chunks(2) {
                    if let [k, v] = pair {
                        facts.env.push((k.clone(), v.clone()));
                    }
                }
                both("the environment is set in both stages")
            }
            Kind::Arg => {
                for a in ins.args() {
                    if let Some((k, v)) = a.split_once('=') {
                        facts
                            .env
                            .push((k.to_string(), v.trim_matches('"').to_string()));
                    }
                }
                both("declared again so the runtime stage sees it")
            }
            Kind::Shell => both("later RUN lines use this shell in both stages"),
            Kind::User => {
                // Back to root, the default: later build steps run as before.
                let root = ins.args().first().is_some_and(|u| {
                    let name = u.split(':').next().unwrap_or(u);
                    name == "root" || name == "0"
                });
                self.user_at = (!root).then_some(line);
                runtime("the program runs as this user")
            }
            Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck => {
                for c in runtime_commands(ins) {
                    facts.runtime_commands.push((line, c));
                }
                runtime("tells the runtime image what to run")
            }
            Kind::Expose | Kind::Volume | Kind::Stopsignal | Kind::Label | Kind::Maintainer => {
                runtime("describes the runtime image")
            }
            Kind::Onbuild => Err(Unsure::at(
                Code::UnsupportedInstruction,
                line,
                "ONBUILD runs in images built from this one",
            )),
            Kind::From => Err(Unsure::at(Code::NoFrom, line, "a second FROM")),
            Kind::Unknown => Err(Unsure::at(
                Code::UnsupportedInstruction,
                line,
                format!("unknown instruction {}", ins.keyword()),
            )),
        }
    }

    /// A RUN a `# dockopt:` comment places: the author decided, and dockopt
    /// does not second-guess it; one kept in the builder still counts as
    /// build work.
    fn forced_run(
        &mut self,
        facts: &mut Facts<'_>,
        i: usize,
        ins: &Instruction,
        line: usize,
        (role, at): (Role, usize),
    ) -> Result<(Role, String), Unsure> {
        if role == Role::Runtime
            && let Some(what) = run_steps(ins).iter().find_map(build_tool_step)
        {
            return Err(Unsure::at(
                Code::DirectiveConflict,
                line,
                format!(
                    "`# dockopt: runtime` on line {at} moves this RUN, which runs {what}, into the runtime stage, where the build's tools and sources are not; remove the comment or keep the RUN in the builder"
                ),
            ));
        }
        if role == Role::Build {
            let parts = by_folder(facts, run_steps(ins), self.workdir.as_deref(), line)?;
            for s in parts.iter().flat_map(|(_, s)| s) {
                track_packages(facts, &mut self.virtual_groups, s, line);
            }
            facts
                .run_steps
                .extend(parts.into_iter().map(|(w, s)| (i, w, s)));
            self.last_build = Some(i);
        }
        Ok((Role::Build, "placed by a `# dockopt:` comment".into()))
    }

    /// A RUN: its steps, by the folder each runs in, decide whether it is
    /// build work or a system change the runtime repeats.
    fn run(
        &mut self,
        facts: &mut Facts<'_>,
        i: usize,
        ins: &Instruction,
        line: usize,
    ) -> Result<(Role, String), Unsure> {
        let workdir = self.workdir.as_deref();
        let steps = expand_scripts(facts, run_steps(ins), workdir, line, 0)?;
        let parts = by_folder(facts, steps, workdir, line)?;
        let role = run_role(facts, &parts, line)?;
        if role == Role::Both {
            refuse_link_in_app(facts, &parts, line)?;
            // Repeated, the RUN sets its owners again itself, after the app
            // is copied if it uses the app's files.
            if uses_app_files(facts, &parts) {
                facts.replay_after.push(i);
            }
        } else {
            record_owners(facts, &parts, line)?;
        }
        let all: Vec<Step> = parts.iter().flat_map(|(_, s)| s.clone()).collect();
        let what = describe(&all);
        for s in &all {
            track_packages(facts, &mut self.virtual_groups, s, line);
        }
        if role == Role::Both {
            for p in facts.packages.iter_mut().filter(|p| p.line == line) {
                p.replayed = true;
            }
            for (w, s) in &parts {
                facts.made_in_runtime.extend(made_files(s, w.as_deref()));
            }
        }
        facts
            .run_steps
            .extend(parts.into_iter().map(|(w, s)| (i, w, s)));
        self.last_build = Some(i);
        Ok(match role {
            Role::Both => (
                Role::Both,
                format!(
                    "{what}: changes the system outside the app, so it is repeated in the runtime stage"
                ),
            ),
            _ => (
                Role::Build,
                format!(
                    "{what}: build work, whose results reach the runtime through the copied artifacts"
                ),
            ),
        })
    }
}

/// Whether the runtime stage starts from the builder's own image (PHP):
/// images.toml's `slim = "same"`.
fn runtime_is_the_builder_image(facts: &Facts<'_>) -> bool {
    crate::catalog::catalog()
        .ecosystem(&facts.image.repository)
        .is_some_and(|e| e.slim == crate::catalog::SlimRule::Same)
}

/// On the builder's own image, a repeated RUN may build on packages an
/// earlier RUN installed (`RUN apt-get install libpq-dev`, then `RUN
/// docker-php-ext-install pdo_pgsql`): such earlier package RUNs are
/// repeated too, in order, so the runtime has what the repeated RUN had.
fn replay_package_runs_before_replays(facts: &mut Facts<'_>) {
    if !runtime_is_the_builder_image(facts) {
        return;
    }
    let Some(last_replay) = facts
        .decisions
        .iter()
        .filter(|d| d.kind == Kind::Run && d.role == Role::Both)
        .map(|d| d.node)
        .max()
    else {
        return;
    };
    let packaging_only = |node: usize, facts: &Facts<'_>| {
        let mut steps = facts.run_steps.iter().filter(|(n, _, _)| *n == node);
        steps.all(|(_, _, steps)| {
            steps.iter().all(|s| {
                matches!(
                    s,
                    Step::Harmless
                        | Step::PackageIndex
                        | Step::Cleanup
                        | Step::PackageInstall { .. }
                        | Step::PackageRemove { .. }
                )
            })
        })
    };
    let earlier: Vec<usize> = (0..facts.decisions.len())
        .filter(|&i| {
            let d = &facts.decisions[i];
            d.kind == Kind::Run
                && d.role == Role::Build
                && d.node < last_replay
                && packaging_only(d.node, facts)
        })
        .collect();
    for i in earlier {
        let d = &mut facts.decisions[i];
        d.role = Role::Both;
        d.reason = "installs packages a later repeated RUN may build on, so it is repeated in the runtime stage as written".into();
        let line = d.lines.0;
        for p in facts.packages.iter_mut().filter(|p| p.line == line) {
            p.replayed = true;
        }
    }
}

/// Configuration that comes after the last build step moves to the runtime
/// stage instead of being repeated there.
fn settle_late_configuration(facts: &mut Facts<'_>) {
    replay_package_runs_before_replays(facts);
    drop_replaced_workdirs(facts);
    let last_build = facts
        .decisions
        .iter()
        .filter(|d| matches!(d.kind, Kind::Run | Kind::Copy | Kind::Add))
        .map(|d| d.node)
        .max()
        .unwrap_or(0);
    for d in &mut facts.decisions {
        if d.node > last_build
            && d.role == Role::Both
            && matches!(d.kind, Kind::Env | Kind::Workdir | Kind::Arg | Kind::Shell)
        {
            d.role = Role::Runtime;
            d.reason = "set after the last build step, so only the runtime needs it".into();
        }
    }
}

/// A WORKDIR that a later absolute WORKDIR replaces before anything in the
/// runtime stage uses it need not be repeated there.
fn drop_replaced_workdirs(facts: &mut Facts<'_>) {
    let df = facts.df;
    let absolute_workdir = |node: usize| {
        df.nodes()[node].instruction().is_some_and(|i| {
            i.kind() == Kind::Workdir && i.args().first().is_some_and(|d| d.starts_with('/'))
        })
    };
    let uses_cwd = |d: &Decision| {
        d.role != Role::Build
            && matches!(d.kind, Kind::Run | Kind::Copy | Kind::Add | Kind::Workdir)
    };
    let replaced: Vec<usize> = (0..facts.decisions.len())
        .filter(|&i| {
            let d = &facts.decisions[i];
            d.role == Role::Both
                && d.kind == Kind::Workdir
                && facts.decisions[i + 1..]
                    .iter()
                    .find(|n| uses_cwd(n))
                    .is_some_and(|n| absolute_workdir(n.node))
        })
        .collect();
    for i in replaced {
        let d = &mut facts.decisions[i];
        d.role = Role::Build;
        d.reason = "a later WORKDIR replaces it before the runtime stage needs it".into();
    }
}

/// A short account of what a RUN does, for `explain`.
fn describe(steps: &[Step]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |p: String| {
        if !parts.contains(&p) {
            parts.push(p);
        }
    };
    for s in steps {
        match s {
            Step::PackageIndex => push("refreshes package lists".into()),
            Step::PackageUpgrade => push("upgrades the system packages".into()),
            Step::Script(_) => push("runs a script".into()),
            Step::PackageInstall { packages, .. } => {
                push(format!("installs {}", packages.join(" ")))
            }
            Step::PackageRemove { packages, .. } => push(format!("removes {}", packages.join(" "))),
            Step::Cleanup => push("clears caches".into()),
            Step::Pip(_) => push("pip install".into()),
            Step::Venv { path, .. } => push(format!("makes the virtual environment {path}")),
            Step::PythonTool { tool, args } => push(format!(
                "{tool} {}",
                args.first().map(String::as_str).unwrap_or("")
            )),
            Step::Node { tool, .. } => push(format!("{tool} install or build")),
            Step::Corepack { fetches: false } => push("enables corepack".into()),
            Step::Django { .. } => push("collects Django's static files".into()),
            Step::Corepack { fetches: true } => {
                push("fetches a package manager with corepack".into())
            }
            Step::NodeGlobal { packages } => {
                push(format!("installs {} globally", packages.join(" ")))
            }
            Step::Go(_) => push("go build".into()),
            Step::Cargo(_) => push("cargo build".into()),
            Step::Jvm { tool, goals } => push(format!("{tool} {}", goals.join(" "))),
            Step::Dotnet { verb, .. } => push(format!("dotnet {verb}")),
            Step::Ruby { tool, args } => push(format!(
                "{tool} {}",
                args.first().map(String::as_str).unwrap_or("")
            )),
            Step::Composer { .. } => push("composer install".into()),
            Step::PhpExtension => push("builds a PHP extension".into()),
            Step::Native { tool, install, .. } => push(if *install {
                format!("{tool} install")
            } else {
                format!("{tool} build")
            }),
            Step::User => push("creates a user".into()),
            Step::Files { program, paths } => push(format!("{program} {}", paths.join(" "))),
            Step::Chown { owner, paths, .. } => push(format!("chown {owner} {}", paths.join(" "))),
            Step::Code {
                interpreter,
                script,
                inline,
            } => push(match (script, inline) {
                (Some(s), _) => format!("{interpreter} {s}"),
                (None, Some(_)) => format!("{interpreter} code given inline"),
                _ => interpreter.clone(),
            }),
            Step::ShellScript { path } => push(format!("runs {path}")),
            Step::Activate { venv } => push(format!("activates {venv}")),
            Step::AppCommand { command } => push(command.clone()),
            Step::Harmless | Step::Cd(_) | Step::Unknown(_) | Step::Computed { .. } => {}
        }
    }
    if parts.is_empty() {
        "runs commands that change nothing the image keeps".into()
    } else {
        parts.join(", ")
    }
}

/// The commands a RUN executes: its shell script, its heredoc scripts, or
/// its exec-form argument list.
pub fn run_steps(ins: &Instruction) -> Vec<Step> {
    steps_of(&commands_of(ins))
}

/// The steps of a script's commands, with the subshells they enter and
/// leave marked.
fn steps_of(commands: &[Command]) -> Vec<Step> {
    let mut out = Vec::new();
    let mut scope: &[usize] = &[];
    for c in commands {
        // Leaving and entering subshells, where a `cd` ends.
        let same = scope
            .iter()
            .zip(&c.subshells)
            .take_while(|(a, b)| a == b)
            .count();
        (same..scope.len()).for_each(|_| out.push(Step::Cd(CdTo::Leave)));
        (same..c.subshells.len()).for_each(|_| out.push(Step::Cd(CdTo::Enter)));
        scope = &c.subshells;
        flatten_into(steps::step(c), &mut out);
    }
    out
}

/// A RUN's steps with the folder each runs in, split where a `cd` moves
/// them: the RUN's WORKDIR is only where it starts.
pub type Parts = Vec<(Option<String>, Vec<Step>)>;

/// Splits a RUN's steps at each `cd`; a folder dockopt cannot follow
/// (`cd $DIR` with a variable the file does not set, `cd -`) is refused
/// unless what runs there does not depend on the folder.
fn by_folder(
    facts: &mut Facts<'_>,
    steps: Vec<Step>,
    workdir: Option<&str>,
    line: usize,
) -> Result<Parts, Unsure> {
    let mut parts: Parts = vec![(workdir.map(str::to_string), Vec::new())];
    // The folder now, or the `cd` that left it unknown.
    let mut here: Result<Option<String>, String> = Ok(workdir.map(str::to_string));
    let mut saved = Vec::new();
    for s in steps {
        let next = match &s {
            Step::Cd(CdTo::Enter) => {
                saved.push(here.clone());
                continue;
            }
            Step::Cd(CdTo::Leave) => saved.pop().unwrap_or_else(|| here.clone()),
            Step::Cd(CdTo::Path(p)) => {
                let expanded = facts.expand_path(p);
                match &here {
                    _ if expanded.contains('$') => Err(p.clone()),
                    Ok(cur) => resolve(&expanded, cur.as_deref())
                        .map(Some)
                        .ok_or(p.clone()),
                    Err(_) if expanded.starts_with('/') => {
                        Ok(Some(resolve(&expanded, None).unwrap_or(expanded)))
                    }
                    Err(unknown) => Err(unknown.clone()),
                }
            }
            _ => {
                if let Err(dir) = &here
                    && !folder_free(&s)
                {
                    return Err(Unsure::at(
                        Code::ComputedAtBuild,
                        line,
                        format!(
                            "after `cd {dir}`, a folder dockopt cannot follow, the RUN runs {}",
                            describe(std::slice::from_ref(&s))
                        ),
                    ));
                }
                if let Some((_, last)) = parts.last_mut() {
                    last.push(s);
                }
                continue;
            }
        };
        if next != here {
            if let Ok(Some(dir)) = &next
                && !facts.in_app_or(workdir, dir)
            {
                facts.foreign_folders.push(dir.clone());
            }
            here = next;
            parts.push((here.clone().unwrap_or_default(), Vec::new()));
        }
    }
    parts.retain(|(_, steps)| !steps.is_empty());
    Ok(parts)
}

/// Steps whose effect does not depend on the folder they run in.
fn folder_free(step: &Step) -> bool {
    matches!(
        step,
        Step::Harmless
            | Step::PackageIndex
            | Step::PackageUpgrade
            | Step::PackageInstall { .. }
            | Step::PackageRemove { .. }
            | Step::User
            | Step::Cd(_)
    )
}

/// The simple commands of a RUN, CMD, ENTRYPOINT or HEALTHCHECK.
pub fn commands_of(ins: &Instruction) -> Vec<Command> {
    let args = ins.args();
    let args = if ins.kind() == Kind::Healthcheck {
        args.get(1..).unwrap_or(&[])
    } else {
        args
    };
    if ins.is_exec_form() {
        return exec_commands(args);
    }
    let Some(script) = args.first() else {
        return Vec::new();
    };
    let mut cmds = shell::commands(script);
    // `RUN <<EOF` or `RUN bash <<EOF`: the body is the script.
    for h in ins.heredocs() {
        let feeds_shell = cmds.is_empty()
            || cmds
                .iter()
                .all(|c| matches!(c.program(), "sh" | "bash" | "ash" | "set"));
        if feeds_shell {
            cmds.retain(|c| !matches!(c.program(), "sh" | "bash" | "ash"));
            cmds.extend(shell::commands(&h.content));
            continue;
        }
        // `RUN python3 <<EOF`: the interpreter runs the body as its code.
        if let Some(c) = cmds.iter_mut().find(|c| {
            inline_flag(c.program()).is_some() && c.args().iter().all(|a| a.starts_with('-'))
        }) {
            let flag = inline_flag(c.program()).unwrap_or("-c");
            c.argv.truncate(1);
            c.argv.push(flag.to_string());
            c.argv.push(h.content.clone());
        }
    }
    cmds
}

/// The option that gives an interpreter its code on the command line.
fn inline_flag(program: &str) -> Option<&'static str> {
    if program.starts_with("python") {
        Some("-c")
    } else if matches!(
        program,
        "node" | "nodejs" | "ruby" | "perl" | "deno" | "bun"
    ) {
        Some("-e")
    } else if program == "php" {
        Some("-r")
    } else {
        None
    }
}

/// Exec form: the argument list, or the script of `sh -c "..."`.
fn exec_commands(argv: &[String]) -> Vec<Command> {
    match argv {
        [sh, c, script, ..]
            if matches!(sh.rsplit('/').next(), Some("sh" | "bash" | "ash")) && c == "-c" =>
        {
            shell::commands(script)
        }
        [] => Vec::new(),
        _ => vec![Command {
            argv: argv.to_vec(),
            ..Command::default()
        }],
    }
}

/// CMD, ENTRYPOINT and HEALTHCHECK: the commands they run.
fn runtime_commands(ins: &Instruction) -> Vec<Command> {
    if ins.kind() == Kind::Healthcheck
        && ins
            .args()
            .first()
            .is_some_and(|t| t.eq_ignore_ascii_case("none"))
    {
        return Vec::new();
    }
    let mut cmds = commands_of(ins);
    for c in &mut cmds {
        // `exec prog` runs prog.
        while c.program() == "exec" {
            c.argv.remove(0);
        }
    }
    cmds
}

/// Whether a RUN is build work or also changes what the runtime needs.
fn run_role(facts: &mut Facts<'_>, parts: &Parts, line: usize) -> Result<Role, Unsure> {
    let effects = run_effects(facts, parts, line)?;
    let steps: Vec<Step> = parts.iter().flat_map(|(_, s)| s.clone()).collect();
    role_of_effects(facts, &effects, &steps, line)
}

/// What a RUN's steps do, as far as its role depends on it.
#[derive(Debug, Default)]
struct Effects {
    /// Writes system files outside the app and scratch folders.
    system_change: bool,
    /// Builds, installs language packages or runs code.
    build_work: bool,
    /// Installs, removes or indexes system packages.
    packaging: bool,
}

/// Reads each step of a RUN for what it does, refusing the steps that
/// cannot be read (and recording build output moved beside the app).
fn run_effects(facts: &mut Facts<'_>, parts: &Parts, line: usize) -> Result<Effects, Unsure> {
    let mut e = Effects::default();
    for (workdir, s) in each_step(parts) {
        if let Some(dest) = moved_out_of_app(facts, s, workdir) {
            // Build output the RUN puts beside the app (`mv node_modules
            // /node_modules`): copied like the app itself.
            facts.app_paths.push(Artifact {
                path: dest,
                chown: None,
                reason: format!("the build moves its output here (line {line})"),
            });
            e.build_work = true;
            continue;
        }
        if let Some(refusal) = unreadable_step(s, line) {
            return Err(refusal);
        }
        match s {
            Step::AppCommand { command } => {
                if !workdir.is_some_and(|w| w != "/" && facts.in_app_or(Some(w), w)) {
                    return Err(Unsure::at(
                        Code::UnplaceablePath,
                        line,
                        format!(
                            "`{command}` writes into its working folder, which is not an app folder"
                        ),
                    ));
                }
                e.build_work = true;
            }
            Step::Code {
                interpreter,
                script,
                inline,
            } => {
                crate::facts::buildtime::check_code(
                    facts,
                    interpreter,
                    script.as_deref(),
                    inline.as_deref(),
                    workdir,
                    line,
                )?;
                e.build_work = true;
            }
            // Built into PHP's own folders: the runtime repeats the RUN.
            Step::User | Step::PhpExtension => e.system_change = true,
            Step::Files { program, paths }
            | Step::Chown {
                owner: program,
                paths,
                ..
            } => {
                if writes_outside_the_app(facts, program, paths, workdir, line)? {
                    e.system_change = true;
                }
            }
            Step::Harmless => {}
            Step::PackageIndex
            | Step::Cleanup
            | Step::PackageInstall { .. }
            | Step::PackageRemove { .. } => e.packaging = true,
            _ => e.build_work = true,
        }
    }
    Ok(e)
}

/// The refusal for a step dockopt cannot read: an unknown program, a
/// command substitution, a script missing from the context.
fn unreadable_step(s: &Step, line: usize) -> Option<Unsure> {
    let (code, why) = match s {
        Step::Unknown(prog) => (
            Code::UnknownCommand,
            format!("RUN calls `{prog}`, which dockopt does not know"),
        ),
        Step::Computed { program } => (
            Code::ComputedAtBuild,
            format!(
                "`{program}` takes what it installs or writes from a command substitution, known only when the build runs"
            ),
        ),
        Step::ShellScript { path } => (
            Code::BuildScriptMissing,
            format!("RUN runs the script {path}, which is not in the build context"),
        ),
        _ => return None,
    };
    Some(Unsure::at(code, line, why))
}

/// Whether a file command (`ln`, `chown`, `sed -i`...) writes outside the
/// app and the scratch folders; paths it cannot place are refused.
fn writes_outside_the_app(
    facts: &Facts<'_>,
    program: &str,
    paths: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<bool, Unsure> {
    let mut outside = false;
    for p in paths {
        let p = &facts.expand_path(p);
        let Some(abs) = resolve(p, workdir) else {
            return Err(Unsure::at(
                Code::UnplaceablePath,
                line,
                format!("`{program}` on the relative path {p} with no WORKDIR"),
            ));
        };
        if p.contains('$') {
            return Err(Unsure::at(
                Code::ComputedAtBuild,
                line,
                format!("`{program}` on {p}, a path with a variable"),
            ));
        }
        if abs.starts_with("/etc/apt") {
            return Err(Unsure::at(
                Code::SystemChangeInBuild,
                line,
                "changes the package sources",
            ));
        }
        if !facts.in_app_or(workdir, &abs) && !SCRATCH.iter().any(|s| under(&abs, s)) {
            outside = true;
        }
    }
    Ok(outside)
}

/// The role that follows from what a RUN does: build work stays in the
/// builder, a system change is repeated, both at once is a doubt.
fn role_of_effects(
    facts: &Facts<'_>,
    e: &Effects,
    steps: &[Step],
    line: usize,
) -> Result<Role, Unsure> {
    if e.packaging && !e.build_work {
        if !e.system_change {
            return Ok(Role::Build);
        }
        // Runtime packages and the files made with them (a download with
        // the wget it installs): the runtime repeats the whole RUN. On the
        // builder's own image it is repeated as written, build packages and
        // all, so it does there what it did here.
        if runtime_is_the_builder_image(facts) {
            return Ok(Role::Both);
        }
        if let Some(why) = replay_doubt(steps) {
            return Err(Unsure::at(Code::SystemChangeInBuild, line, why));
        }
        return Ok(Role::Both);
    }
    match (e.system_change, e.build_work || e.packaging) {
        (true, true) => Err(Unsure::at(
            Code::SystemChangeInBuild,
            line,
            "the same RUN builds and changes system files the runtime may need",
        )),
        (true, false) => Ok(Role::Both),
        _ => Ok(Role::Build),
    }
}

/// Each step of a RUN with the folder it runs in.
fn each_step(parts: &Parts) -> impl Iterator<Item = (Option<&str>, &Step)> {
    parts
        .iter()
        .flat_map(|(w, steps)| steps.iter().map(move |s| (w.as_deref(), s)))
}

/// Whether a RUN's file commands name a path of the app (a file COPY put
/// there, or below the RUN's working folder when it is the app's).
fn uses_app_files(facts: &Facts<'_>, parts: &Parts) -> bool {
    // (A link it makes in the app is copied with the app, and making it
    // again over the copy fails: `link_in_app` refuses those first.)
    // A folder holding files the file copied into it (a certificate in
    // /usr/local/share/ca-certificates) is worked on after they arrive too.
    let holds_copied =
        |folder: &str| folder != "/" && facts.app_paths.iter().any(|a| under(&a.path, folder));
    each_step(parts).any(|(workdir, s)| match s {
        Step::Files { paths, .. } | Step::Chown { paths, .. } => paths.iter().any(|p| {
            resolve(&facts.expand_path(p), workdir)
                .is_some_and(|a| facts.in_app_or(workdir, &a) || holds_copied(&a))
        }),
        _ => false,
    })
}

/// A repeated RUN that makes a link inside the app would make it again over
/// the link the app's copy already brought, and fail.
fn refuse_link_in_app(facts: &Facts<'_>, parts: &Parts, line: usize) -> Result<(), Unsure> {
    for (workdir, s) in each_step(parts) {
        let Step::Files { program, paths } = s else {
            continue;
        };
        if program != "ln" {
            continue;
        }
        if let Some(link) = paths.last()
            && resolve(&facts.expand_path(link), workdir)
                .is_some_and(|a| facts.in_app_or(workdir, &a))
        {
            return Err(Unsure::at(
                Code::SystemChangeInBuild,
                line,
                format!(
                    "the RUN changes system files and makes the link {link} in the app; repeated in the runtime stage, it would make it again over the copied one"
                ),
            ));
        }
    }
    Ok(())
}

/// The absolute paths a RUN's file commands name, which a repeated RUN
/// makes in the runtime stage too.
fn made_files(steps: &[Step], workdir: Option<&str>) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Files { paths, .. } => Some(paths),
            _ => None,
        })
        .flatten()
        .filter_map(|p| resolve(p, workdir))
        .collect()
}

/// The destination of an `mv` or `cp` that takes files from the app to a
/// new top-level folder or one under /opt, which no image has of its own.
fn moved_out_of_app(facts: &Facts<'_>, step: &Step, workdir: Option<&str>) -> Option<String> {
    let Step::Files { program, paths } = step else {
        return None;
    };
    let (dest, sources) = paths.split_last()?;
    if !matches!(program.as_str(), "mv" | "cp") || sources.is_empty() || dest.ends_with('/') {
        return None;
    }
    let in_app = |abs: &str| facts.in_app_or(workdir, abs);
    let all_from_app = sources.iter().all(|p| {
        !p.contains('$') && !p.contains('*') && resolve(p, workdir).is_some_and(|a| in_app(&a))
    });
    let dest = resolve(dest, workdir).filter(|d| !d.contains('$'))?;
    let parent = dest.rsplit_once('/').map_or("", |(p, _)| p);
    // Folders every Linux image has at the top.
    const SYSTEM: &[&str] = &[
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media",
        "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
    ];
    let fresh = (parent.is_empty() && !SYSTEM.contains(&dest.as_str()))
        || parent == "/opt"
        || parent.starts_with("/opt/");
    (all_from_app && fresh && !in_app(&dest)).then_some(dest)
}

/// Why a RUN that installs packages and changes system files cannot simply
/// be repeated in the runtime stage, if it cannot: a build tool among its
/// packages, or apt without its own `apt-get update` (slim images have no
/// package lists).
fn replay_doubt(steps: &[Step]) -> Option<String> {
    let cat = crate::catalog::catalog();
    let mut indexed = false;
    // Packages the same RUN removes again never reach either image.
    let removed: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::PackageRemove { packages, .. } => Some(packages),
            _ => None,
        })
        .flatten()
        .map(|p| crate::catalog::package_name(p))
        .collect();
    for s in steps {
        match s {
            Step::PackageIndex => indexed = true,
            Step::PackageInstall {
                virtual_name: Some(v),
                ..
            } if indexed && removed.contains(&v.as_str()) => {}
            Step::PackageInstall {
                manager, packages, ..
            } => {
                let family = match manager {
                    _ if !indexed => {
                        return Some("installs packages without refreshing the package index in the same RUN, and changes system files".into());
                    }
                    Manager::Apt => crate::catalog::Family::Debian,
                    Manager::Apk => crate::catalog::Family::Alpine,
                    Manager::Dnf => {
                        return Some(
                            "the same RUN installs dnf packages and changes system files".into(),
                        );
                    }
                };
                if let Some(p) = packages.iter().find(|p| {
                    cat.package_role(family, p) != crate::catalog::PackageRole::Runtime
                        && !removed.contains(&crate::catalog::package_name(p))
                }) {
                    return Some(format!(
                        "the same RUN installs the build package {p} and changes system files the runtime may need; remove it in that RUN so the runtime can repeat it"
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// `COPY --from` does not carry the owner of the folder it copies, so an
/// owner the build sets on a whole copied folder is repeated with
/// `--chown`; the owners of its parts travel with the copy.
fn record_owners(facts: &mut Facts<'_>, parts: &Parts, line: usize) -> Result<(), Unsure> {
    for (workdir, s) in each_step(parts) {
        let Step::Chown {
            owner,
            paths,
            recursive,
        } = s
        else {
            continue;
        };
        for p in paths {
            let Some(abs) = resolve(&facts.expand_path(p), workdir) else {
                continue;
            };
            let Some(artifact) = facts.app_paths.iter_mut().find(|a| under(&abs, &a.path)) else {
                continue; // outside the app: a system change, handled by run_role
            };
            // A part of a copied folder keeps the owner the build gave it:
            // COPY --from keeps the owners of what it copies (BuildKit,
            // moby/moby#38599), all but the copied folder itself
            // (moby/moby#38710), unless `--chown` gives them all one owner,
            // which an earlier chown of the whole folder would ask for.
            if abs != artifact.path {
                if artifact.chown.is_none() {
                    continue;
                }
                return Err(Unsure::at(
                    Code::Ownership,
                    line,
                    format!(
                        "chown on {abs} after the whole of {} got one owner: copied with that owner, it would lose its own",
                        artifact.path
                    ),
                ));
            }
            let same = artifact.chown.as_deref().is_none_or(|o| o == owner);
            if !*recursive || !same {
                return Err(Unsure::at(
                    Code::Ownership,
                    line,
                    format!(
                        "chown on {abs}: files copied from the builder belong to root unless the whole of {} gets one owner",
                        artifact.path
                    ),
                ));
            }
            artifact.chown = Some(owner.clone());
        }
    }
    Ok(())
}

/// Records where COPY and ADD put context files.
fn copy_destination(
    facts: &mut Facts<'_>,
    ins: &Instruction,
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    let args = ins.args();
    let Some((dest, sources)) = args.split_last() else {
        return Err(Unsure::at(
            Code::UnsupportedInstruction,
            line,
            format!("{} with no destination", ins.keyword()),
        ));
    };
    if ins.kind() == Kind::Add
        && sources
            .iter()
            .any(|s| s.contains("://") || s.starts_with("git@"))
    {
        return Err(Unsure::at(
            Code::DownloadOutsideApp,
            line,
            "ADD downloads from a URL; dockopt cannot see what arrives",
        ));
    }
    if ins.flag("from").is_some() {
        // From another image: repeated in the runtime stage as it is.
        if let Some(abs) = resolve(&expand(dest, &facts.env), workdir) {
            facts.made_in_runtime.push(abs);
        }
        return Ok(());
    }
    let dest = &expand(dest, &facts.env);
    if dest.contains('$') {
        return Err(Unsure::at(
            Code::ComputedAtBuild,
            line,
            format!("destination {dest} holds a variable"),
        ));
    }
    let Some(abs) = resolve(dest, workdir) else {
        return Err(Unsure::at(
            Code::UnplaceablePath,
            line,
            format!("relative destination {dest} with no WORKDIR"),
        ));
    };
    let dir_like = dest.ends_with('/') || dest == "." || sources.len() > 1;
    let system = abs == "/" || SYSTEM.iter().any(|s| under(&abs, s));
    let chown = ins.flag("chown").flatten().map(String::from);
    if ins.kind() == Kind::Add && sources.iter().any(|s| is_archive(s)) {
        return add_archive(facts, &abs, system, chown, line);
    }
    if abs == "/" && !dir_like {
        return Err(Unsure::at(
            Code::CopyIntoSystem,
            line,
            "copies into /; dockopt cannot tell the app's files apart",
        ));
    }
    let paths = if dir_like && system {
        let mut paths = Vec::new();
        for s in sources {
            paths.extend(system_targets(facts, s, &abs, line)?);
        }
        paths
    } else {
        vec![abs.clone()]
    };
    record_context_copies(facts, sources, &abs, dir_like);
    for p in paths {
        if facts.in_app(&p) {
            continue;
        }
        facts.app_paths.retain(|a| !under(&a.path, &p));
        facts.app_paths.push(Artifact {
            path: p,
            chown: chown.clone(),
            reason: format!("the build puts files here (line {line})"),
        });
    }
    Ok(())
}

/// A local archive, which ADD unpacks into the destination folder.
fn is_archive(source: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|e| source.ends_with(e))
}

/// ADD of an archive: its folder goes to the runtime whole, and one among
/// the system's files is refused (what the archive holds is unknown).
fn add_archive(
    facts: &mut Facts<'_>,
    abs: &str,
    system: bool,
    chown: Option<String>,
    line: usize,
) -> Result<(), Unsure> {
    if system {
        return Err(Unsure::at(
            Code::CopyIntoSystem,
            line,
            format!(
                "ADD unpacks an archive into {abs}, among the system's files; dockopt cannot see what it holds"
            ),
        ));
    }
    if !facts.in_app(abs) {
        facts.app_paths.push(Artifact {
            path: abs.to_string(),
            chown,
            reason: format!("ADD unpacks an archive here (line {line})"),
        });
    }
    Ok(())
}

/// The paths one source makes in a system folder: the named file, or a
/// context folder's entries (a folder source puts its contents there, not
/// itself: `COPY ./dist/ ./` in / makes /server.js, not /dist). Refused
/// where the files cannot be told apart from the system's.
fn system_targets(
    facts: &Facts<'_>,
    s: &str,
    abs: &str,
    line: usize,
) -> Result<Vec<String>, Unsure> {
    let refuse = |message: String| Err(Unsure::at(Code::CopyIntoSystem, line, message));
    let base = abs.trim_end_matches('/');
    let rel = s.trim_start_matches("./").trim_end_matches('/');
    let folder = facts
        .context
        .as_ref()
        .filter(|_| !rel.contains(['*', '?', '[', '$']) && !s.starts_with("<<"))
        .map(|c| c.join(rel))
        .filter(|p| p.is_dir());
    if let Some(folder) = folder {
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        if abs == "/" || names.is_empty() {
            return refuse(format!(
                "copies the contents of {s} into {abs}; dockopt cannot tell the app's files apart"
            ));
        }
        return Ok(names.iter().map(|n| format!("{base}/{n}")).collect());
    }
    if abs == "/" && (s.ends_with('/') || s == ".") {
        return refuse(format!(
            "copies {s} into /; dockopt cannot tell the app's files apart"
        ));
    }
    if s.ends_with('/') || s == "." {
        return refuse(format!(
            "copies the contents of {s} into the system folder {abs}, and {s} is not in the build context"
        ));
    }
    let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
    if name.contains(['*', '?', '[']) || name == "." || name.is_empty() || s.starts_with("<<") {
        let into = if abs == "/" {
            "/; dockopt cannot tell the app's files apart".to_string()
        } else {
            format!("the system folder {abs}")
        };
        return refuse(format!("copies {s} into {into}"));
    }
    Ok(vec![format!("{base}/{name}")])
}

/// Where folders and files of the context land, to find them again: COPY
/// puts a folder's contents at the destination, and a file at the
/// destination or, for a folder destination, inside it.
fn record_context_copies(facts: &mut Facts<'_>, sources: &[String], abs: &str, dir_like: bool) {
    facts
        .copied_sources
        .extend(sources.iter().filter(|s| !s.starts_with("<<")).cloned());
    let Some(context) = facts.context.clone() else {
        return;
    };
    for src in sources {
        let src = src.trim_start_matches("./").trim_end_matches('/');
        let src = if src == "." { "" } else { src };
        if src.contains(['*', '?', '[', '$']) {
            continue;
        }
        let full = context.join(src);
        if full.is_dir() {
            facts
                .context_copies
                .push((abs.to_string(), src.to_string()));
        } else if full.is_file() {
            let name = src.rsplit('/').next().unwrap_or(src);
            let at = if dir_like || context_dir_in_image(facts, abs) {
                format!("{}/{name}", abs.trim_end_matches('/'))
            } else {
                abs.to_string()
            };
            facts.context_files.push((at, src.to_string()));
        }
    }
}

/// The build tool a step runs (`pip install`, `npm install`, `go build`),
/// which only a builder stage can run.
fn build_tool_step(step: &Step) -> Option<&'static str> {
    Some(match step {
        Step::Pip(_) => "pip install",
        Step::PythonTool { .. } => "a Python package manager",
        Step::Node { .. } | Step::NodeGlobal { .. } => "npm, yarn or pnpm",
        Step::Go(_) => "go",
        Step::Cargo(_) => "cargo",
        Step::Jvm { .. } => "Maven or Gradle",
        Step::Dotnet { .. } => "dotnet",
        Step::Ruby { .. } => "gem or bundler",
        Step::Composer { .. } => "composer",
        Step::Native { .. } => "a C or C++ build",
        _ => return None,
    })
}

/// Whether `path` is a folder the build made earlier (a WORKDIR or a
/// folder COPY filled), so that a COPY to it without a slash puts files
/// inside it.
fn context_dir_in_image(facts: &Facts<'_>, path: &str) -> bool {
    facts.context_copies.iter().any(|(at, _)| at == path) || facts.workdir.as_deref() == Some(path)
}

/// Replaces each shell script a RUN runs (`sh build.sh`, `./install.sh`)
/// with the steps of its commands, read from the build context; a script
/// that cannot be read stays, and stops the rewrite.
fn expand_scripts(
    facts: &Facts<'_>,
    steps: Vec<Step>,
    workdir: Option<&str>,
    line: usize,
    depth: usize,
) -> Result<Vec<Step>, Unsure> {
    let mut out = Vec::new();
    for s in steps {
        let Step::ShellScript { path } = &s else {
            out.push(s);
            continue;
        };
        let text =
            resolve(&facts.expand_path(path), workdir).and_then(|abs| facts.context_file_at(&abs));
        let Some(text) = text.filter(|_| depth < 4) else {
            out.push(s);
            continue;
        };
        // A script whose `#!` names another interpreter is that language's
        // code, not commands of the shell.
        if let Some(bang) = crate::facts::code::shebang(&text)
            && !matches!(
                bang.program.rsplit('/').next(),
                Some("sh" | "bash" | "dash" | "ash" | "zsh" | "ksh")
            )
        {
            out.push(Step::Code {
                interpreter: bang.program.rsplit('/').next().unwrap_or("").to_string(),
                script: Some(path.clone()),
                inline: None,
            });
            continue;
        }
        let inner = steps_of(&shell::commands(&text));
        if inner.iter().any(|s| matches!(s, Step::Unknown(_))) {
            // Name the script in the reason, not only the command.
            if let Some(Step::Unknown(prog)) = inner.iter().find(|s| matches!(s, Step::Unknown(_)))
            {
                return Err(Unsure::at(
                    Code::UnknownCommand,
                    line,
                    format!("{path} calls `{prog}`, which dockopt does not know"),
                ));
            }
        }
        // The script runs in its own shell: its `cd`s end with it.
        out.push(Step::Cd(CdTo::Enter));
        out.extend(expand_scripts(facts, inner, workdir, line, depth + 1)?);
        out.push(Step::Cd(CdTo::Leave));
    }
    Ok(out)
}

/// Appends a step, with a `sh -c` script's steps in place of it.
fn flatten_into(step: Step, out: &mut Vec<Step>) {
    match step {
        Step::Script(inner) => {
            // `sh -c` runs in its own shell: its `cd`s end with it.
            out.push(Step::Cd(CdTo::Enter));
            inner.into_iter().for_each(|s| flatten_into(s, out));
            out.push(Step::Cd(CdTo::Leave));
        }
        s => out.push(s),
    }
}

/// Keeps the list of installed system packages up to date.
fn track_packages(
    facts: &mut Facts<'_>,
    virtual_groups: &mut Vec<(String, Vec<String>)>,
    step: &Step,
    line: usize,
) {
    match step {
        Step::PackageInstall {
            manager,
            packages,
            virtual_name,
            pin_linted,
            recommends,
        } => {
            if *manager == Manager::Apt {
                facts.uses_apt = true;
            }
            if let Some(v) = virtual_name {
                virtual_groups.push((v.clone(), packages.clone()));
            }
            for p in packages {
                facts.packages.push(Installed {
                    manager: *manager,
                    package: p.clone(),
                    line,
                    replayed: false,
                    pin_linted: *pin_linted,
                    recommends: *recommends,
                });
            }
        }
        Step::PackageRemove { packages, .. } => {
            for p in packages {
                let group: Vec<String> = virtual_groups
                    .iter()
                    .filter(|(v, _)| v == p)
                    .flat_map(|(_, g)| g.clone())
                    .collect();
                let name = crate::catalog::package_name(p).to_string();
                facts.packages.retain(|i| {
                    let n = crate::catalog::package_name(&i.package);
                    n != name && !group.iter().any(|g| crate::catalog::package_name(g) == n)
                });
            }
        }
        _ => {}
    }
}
