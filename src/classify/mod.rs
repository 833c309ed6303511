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

mod copy;
mod paths;
mod run;

use copy::*;
use paths::{ROOT_FOLDERS, SCRATCH, SYSTEM};
pub use paths::{expand, normalize, resolve, under};
use run::*;
pub use run::{commands_of, run_steps};

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

/// A file or folder of the build context that a COPY put in the image.
#[derive(Debug, Clone)]
pub struct ContextCopy {
    /// The COPY's node index.
    pub node: usize,
    /// Where it landed in the image.
    pub at: String,
    /// Its path in the context ("" is the context's root).
    pub src: String,
    /// A folder, whose contents land at `at`.
    pub folder: bool,
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
    /// Where COPY put files and folders of the build context, in file
    /// order.
    pub context_copies: Vec<ContextCopy>,
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

    /// Whether a path a build step names as written (`~`, ENV variables,
    /// relative to `workdir`) lies in the app, or in /tmp when `scratch`
    /// allows (what a build leaves there only the build reads). A variable
    /// left unresolved, or a relative path with no WORKDIR, is not known to.
    pub fn names_app_path(&self, path: &str, workdir: Option<&str>, scratch: bool) -> bool {
        let expanded = self.expand_path(path);
        !expanded.contains('$')
            && resolve(&expanded, workdir)
                .is_some_and(|a| self.in_app_or(workdir, &a) || (scratch && under(&a, "/tmp")))
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
        self.context_path_before(image_path, usize::MAX)
    }

    /// Where in the build context the file at `image_path` came from when
    /// instruction `node` runs: the last COPY before it that put a file or
    /// a folder holding it there.
    pub fn context_path_before(&self, image_path: &str, node: usize) -> Option<std::path::PathBuf> {
        let context = self.context.as_ref()?;
        self.context_copies
            .iter()
            .rev()
            .filter(|c| c.node < node)
            .find_map(|c| {
                if !c.folder {
                    return (c.at == image_path)
                        .then(|| context.join(c.src.trim_start_matches('/')));
                }
                let rest = image_path.strip_prefix(c.at.as_str())?;
                if !rest.is_empty() && !rest.starts_with('/') && c.at != "/" {
                    return None;
                }
                let rel = format!("{}/{}", c.src, rest.trim_start_matches('/'));
                let p = context.join(rel.trim_start_matches('/'));
                p.exists().then_some(p)
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
    let from = single_from(df)?;
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
    let mut facts = Facts::new(df, from, image_text, inline);
    // No strategy for the base: nothing below could change that answer,
    // so the walk (a third of the work on such a file) is not made.
    if crate::strategy::strategy_for(&facts.image).is_none() {
        return Err(crate::strategy::unknown_base(&facts.image_text));
    }
    facts.global_args = global_args(df, from);
    facts.context = context.map(std::path::Path::to_path_buf);
    if let Some(eco) = crate::catalog::catalog().ecosystem(&facts.image.repository) {
        facts
            .env
            .extend(eco.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    refuse_unsplittable(df, from_ins, facts.line(from))?;
    walk(&mut facts, inline)?;
    settle_late_configuration(&mut facts);
    Ok(facts)
}

/// ENV's pairs and ARG's defaults, as later instructions see them.
fn record_variables(facts: &mut Facts<'_>, ins: &Instruction) {
    if ins.kind() == Kind::Env {
        for pair in ins.args().chunks(2) {
            if let [k, v] = pair {
                facts.env.push((k.clone(), v.clone()));
            }
        }
        return;
    }
    for a in ins.args() {
        if let Some((k, v)) = a.split_once('=') {
            facts
                .env
                .push((k.to_string(), v.trim_matches('"').to_string()));
        }
    }
}

/// The one FROM of a single-stage file.
fn single_from(df: &Dockerfile) -> Result<usize, Unsure> {
    let froms: Vec<usize> = df
        .instructions()
        .filter(|(_, i)| i.kind() == Kind::From)
        .map(|(n, _)| n)
        .collect();
    match froms.as_slice() {
        [] => Err(Unsure::file(Code::NoFrom, "no FROM instruction")),
        [one] => Ok(*one),
        _ => Err(Unsure::file(Code::AlreadyMultiStage, "already multi-stage")),
    }
}

/// The ARGs declared before FROM, with their defaults.
fn global_args(df: &Dockerfile, from: usize) -> Vec<(String, String)> {
    df.instructions()
        .take_while(|(i, _)| *i < from)
        .filter(|(_, ins)| ins.kind() == Kind::Arg)
        .flat_map(|(_, ins)| ins.args())
        .filter_map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        })
        .collect()
}

/// A file no second stage can follow: its last line continues into
/// whatever comes after it, or its FROM has flags dockopt does not know.
fn refuse_unsplittable(
    df: &Dockerfile,
    from_ins: &Instruction,
    from_line: usize,
) -> Result<(), Unsure> {
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
            from_line,
            "FROM has flags dockopt does not know",
        ));
    }
    Ok(())
}

/// The commands a CMD, ENTRYPOINT or HEALTHCHECK runs, as the image's
/// runtime commands are read (`exec` dropped).
pub fn image_commands(ins: &Instruction) -> Vec<Command> {
    run::runtime_commands(ins)
}

impl<'a> Facts<'a> {
    /// The facts before the walk: the FROM line's and nothing else.
    fn new(df: &'a Dockerfile, from: usize, image_text: String, inline: &Inline) -> Facts<'a> {
        let from_ins = df.nodes()[from].instruction();
        Facts {
            df,
            from,
            image: ImageRef::parse(&image_text),
            image_text,
            platform: from_ins
                .and_then(|i| i.flag("platform").flatten())
                .map(String::from),
            stage_name: from_ins.and_then(|i| i.stage_name()).map(String::from),
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
            copied_sources: Vec::new(),
            context: None,
            app_code: std::cell::OnceCell::new(),
            replay_after: Vec::new(),
            global_args: Vec::new(),
        }
    }
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
    let mut walk = Walk::start(facts);
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
    walk.finish(facts)
}

impl Walk {
    /// The walk before the first instruction: Docker starts in the image's
    /// WORKDIR (/go for golang, / otherwise), which the facts note when the
    /// file relies on it.
    fn start(facts: &mut Facts<'_>) -> Walk {
        let walk = Walk {
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
        let relies_on_base = !facts.df.instructions().any(|(i, ins)| {
            i > facts.from
                && ins.kind() == Kind::Workdir
                && ins.args().first().is_some_and(|d| d.starts_with('/'))
        });
        if relies_on_base {
            facts.inherited_workdir = walk.workdir.clone().filter(|w| w != "/");
        }
        walk
    }

    /// The facts the whole walk settles: the last WORKDIR (an app folder
    /// when the file chose it), and whether anything was built at all.
    fn finish(self, facts: &mut Facts<'_>) -> Result<(), Unsure> {
        facts.workdir = self.workdir;
        if let Some(w) = facts
            .workdir
            .clone()
            .filter(|w| self.explicit_workdir && w != "/" && !facts.in_app(w))
        {
            facts.app_paths.push(Artifact {
                path: w,
                chown: None,
                reason: "the working folder, where the build leaves its output".into(),
                file: false,
            });
        }
        if self.last_build.is_none() {
            return Err(Unsure::file(
                Code::NothingToBuild,
                "no build step: nothing for a builder stage to do",
            ));
        }
        Ok(())
    }

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
        match ins.kind() {
            Kind::Run => match inline.forced(i) {
                Some(forced) => self.forced_run(facts, i, ins, line, forced),
                None => self.run(facts, i, ins, line),
            },
            Kind::Copy | Kind::Add => {
                copy_destination(facts, i, ins, self.workdir.as_deref(), line)?;
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
            Kind::Env | Kind::Arg => {
                record_variables(facts, ins);
                both(if ins.kind() == Kind::Env {
                    "the environment is set in both stages"
                } else {
                    "declared again so the runtime stage sees it"
                })
            }
            Kind::Shell => both("later RUN lines use this shell in both stages"),
            _ => self.runtime_instruction(facts, ins, line),
        }
    }

    /// The instructions that describe the running image (USER, CMD,
    /// EXPOSE...), and those no split can keep (ONBUILD, a second FROM).
    fn runtime_instruction(
        &mut self,
        facts: &mut Facts<'_>,
        ins: &Instruction,
        line: usize,
    ) -> Result<(Role, String), Unsure> {
        let runtime = |why: &str| Ok((Role::Runtime, why.to_string()));
        match ins.kind() {
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
            _ => Err(Unsure::at(
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
            steps
                .iter()
                .all(|s| matches!(s, Step::Harmless) || s.is_packaging())
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
    for p in steps.iter().filter_map(Step::describe) {
        if !parts.contains(&p) {
            parts.push(p);
        }
    }
    if parts.is_empty() {
        "runs commands that change nothing the image keeps".into()
    } else {
        parts.join(", ")
    }
}
