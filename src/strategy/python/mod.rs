//! Python: pip, poetry, pipenv and uv projects on the official `python` image.
//!
//! ## What it recognises
//! `pip install` in any spelling (`pip3`, `python -m pip`, `uv pip`), with
//! `-r`, `--user`, `--prefix`, `--target` and `-e`; a virtual environment
//! the file makes and puts on PATH or activates (`. venv/bin/activate`);
//! `poetry install` when poetry installs into the current environment or the
//! project's `.venv`; `pipenv install --system`; `uv sync` (the project's
//! `.venv`); `uv pip install --system`, pointed at /opt/venv by UV_PYTHON.
//!
//! ## What it emits
//! The runtime stage is the same tag's `-slim` variant (same Debian release;
//! Alpine tags keep their image). Packages that pip put in the system
//! site-packages go into a virtual environment at /opt/venv instead, made in
//! the builder just before the first install; the runtime copies /opt/venv,
//! `--user` installs (/root/.local), `--prefix`/`--target` folders, and the
//! app folders. Runtime libraries of `-dev` packages are installed the lean
//! way.
//!
//! ## When it leaves the file alone
//! A slim or Alpine builder with nothing to keep back but pip's cache
//! ("nothing to gain": the venv would add pip and setuptools); a venv made
//! but not put on PATH while pip runs bare; uv 0.1 with `--system`; poetry or pipenv
//! installing into their own cache; a CMD that runs poetry, pipenv or uv, or
//! a program under /usr/local/bin other than Python itself (the venv moves
//! those).
//!
//! ## Example
//! With a build context holding:
//! ```text
//! requirements.txt:
//! flask==3.0.3
//! ```
//! ```text
//! app.py:
//! print('app')
//! ```
//! the file
//! ```dockerfile
//! FROM python:3.11
//! WORKDIR /app
//! COPY . .
//! RUN pip install -r requirements.txt
//! CMD ["python", "app.py"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM python:3.11 AS builder
//! WORKDIR /app
//! COPY . .
//! RUN python -m venv /opt/venv
//! ENV PATH="/opt/venv/bin:$PATH"
//! RUN pip install -r requirements.txt
//!
//! FROM python:3.11-slim
//! COPY --from=builder /app /app
//! COPY --from=builder /opt/venv /opt/venv
//! ENV PATH="/opt/venv/bin:$PATH"
//! WORKDIR /app
//! CMD ["python", "app.py"]
//! ```

pub mod django;
pub mod steps;

use crate::analysis::steps::Step;
use crate::classify::{self, Facts};
use crate::plan::{Added, Plan, Unsure};
use crate::reasons::Code;

mod venv;
mod wheels;

use super::{
    base_plan, install_runtime_needs, manifests, push_artifact, refuse_runtime_compilers,
    slim_variant, source_built_libraries,
};

/// Where dockopt puts packages that pip would have put in the system.
pub(super) const VENV: &str = "/opt/venv";

/// Whether a step installs the program's packages into the environment it
/// runs in: a pip install of more than packaging tools, `poetry install`
/// (which, told not to make its own environment, uses the one it runs in),
/// or `pipenv install --system`. Without one, pip installs only tools that
/// fill a project environment (`pip install uv` then `uv sync`), and the
/// runtime needs neither them nor a virtual environment to hold them.
fn installs_use_current_env(facts: &Facts<'_>) -> bool {
    let catalog = crate::catalog::catalog();
    facts
        .run_steps
        .iter()
        .flat_map(|(_, _, steps)| steps)
        .any(|step| match step {
            Step::Pip(pip) => {
                !pip.requirements.is_empty()
                    || pip.packages.is_empty()
                    || pip
                        .packages
                        .iter()
                        .any(|p| !catalog.is_python_build_tool(p))
            }
            Step::PythonTool { tool, args } => match tool.as_str() {
                "poetry" => true,
                "pipenv" => args.iter().any(|a| a == "--system"),
                _ => false,
            },
            _ => false,
        })
}

/// Decides the plan for a Python project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = slim_variant(facts)?;
    let mut installs = Installs {
        plan: base_plan(facts, crate::ecosystem::Ecosystem::Python, &runtime),
        facts,
        path_env: facts.expand_path(facts.env_value("PATH").unwrap_or("")),
        venvs: Vec::new(),
        make_venv_before: None,
        count: 0,
        poetry_in_env: env_flag(facts, "POETRY_VIRTUALENVS_CREATE") == Some(false)
            || env_flag(facts, "POETRY_VIRTUALENVS_IN_PROJECT") == Some(true),
        needs_env: installs_use_current_env(facts),
        uv_python: false,
        project_envs: Vec::new(),
        tool_installs: Vec::new(),
    };
    for (node, workdir, steps) in &facts.run_steps {
        let at = At {
            node: *node,
            line: facts.line(*node),
            workdir: workdir.as_deref(),
        };
        for step in steps {
            match step {
                Step::Venv { path, system_site } => installs.venv(&at, path, *system_site)?,
                Step::Activate { venv } => installs.activate(&at, venv)?,
                Step::Pip(pip) => installs.pip(&at, pip)?,
                Step::PythonTool { tool, args } => installs.tool(&at, tool, args)?,
                _ => {}
            }
        }
    }
    let (mut plan, envs) = installs.finish()?;
    let tool_copies_left = super::leave_tool_images_behind(facts, &mut plan);
    if plan.runtime_image == facts.image_text && !envs.tools_left_behind && !tool_copies_left {
        leaves_something_behind(facts, &plan)?;
    }
    let mut provided = |cmd: &crate::analysis::shell::Command| provided(facts, cmd, &envs);
    let packages = manifests::python_packages(facts);
    if let Some((folder, file)) = packages.data_outside.first() {
        return Err(Unsure::file(
            Code::BuildCodeEscapes,
            format!(
                "{file} installs data files into {folder}, outside the environment and the app that a runtime stage receives"
            ),
        ));
    }
    // Named in requirements files and lock files too, not only on pip lines.
    refuse_runtime_compilers(facts, &packages.names, None)?;
    let old_releases = if runtime.family == crate::catalog::Family::Debian
        && super::runtime_differs(facts, &plan)
    {
        wheels::source_builds(&facts.image, &packages)
    } else {
        Vec::new()
    };
    let libraries = source_built_libraries(facts, &plan, runtime.family, packages, old_releases)?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, libraries)?;
    django::static_files(facts, &mut plan)?;
    Ok(plan)
}

/// A pip install of packaging tools alone (`pip install uv poetry`).
fn only_tools(pip: &crate::analysis::steps::Pip) -> bool {
    let catalog = crate::catalog::catalog();
    pip.requirements.is_empty()
        && !pip.packages.is_empty()
        && pip.packages.iter().all(|p| catalog.is_python_build_tool(p))
}

/// `pip install uv`: a standalone program that picks its target itself
/// (VIRTUAL_ENV, UV_PYTHON, --system), not the environment it runs from, so
/// it can stay in the builder's system Python.
fn only_uv(pip: &crate::analysis::steps::Pip) -> bool {
    pip.requirements.is_empty()
        && !pip.packages.is_empty()
        && pip
            .packages
            .iter()
            .all(|p| crate::catalog::normalize(p) == "uv")
}

/// When the runtime would be the builder's own image and no packaging
/// tool stays behind, the rewrite gains only if the builder keeps back a
/// system package the runtime does not install again. Otherwise only pip's
/// cache would stay behind, and /opt/venv would add pip and setuptools:
/// the image would grow.
fn leaves_something_behind(facts: &Facts<'_>, plan: &Plan) -> Result<(), Unsure> {
    if facts.packages.iter().any(|p| !p.replayed) {
        return Ok(());
    }
    Err(Unsure::file(
        Code::NothingToBuild,
        format!(
            "nothing to gain: the runtime would be {} again, with no build package or tool to leave in a builder, only pip's cache",
            plan.runtime_image
        ),
    ))
}

/// The uv the file pins, when it is a 0.1 release (`pip install
/// uv==0.1.45`, `COPY --from=ghcr.io/astral-sh/uv:0.1 ...`), whose
/// `--system` cannot be combined with an interpreter of dockopt's choosing.
fn old_uv(facts: &Facts<'_>) -> Option<String> {
    let pinned = facts
        .run_steps
        .iter()
        .flat_map(|(_, _, steps)| steps)
        .find_map(|step| match step {
            Step::Pip(pip) => pip
                .packages
                .iter()
                .find(|p| {
                    let p = p.to_ascii_lowercase();
                    p.starts_with("uv==0.1") || p.starts_with("uv<0.2") || p.starts_with("uv~=0.1")
                })
                .cloned(),
            _ => None,
        });
    pinned.or_else(|| {
        facts
            .df
            .nodes()
            .iter()
            .filter_map(|n| n.instruction())
            .find_map(|ins| {
                let from = ins.flag("from").flatten()?;
                let tag = from.rsplit_once("astral-sh/uv:")?.1;
                (tag == "0.1" || tag.starts_with("0.1.")).then(|| from.to_string())
            })
    })
}

/// An environment variable read as a yes/no flag (`1`, `true`, `yes` or
/// `0`, `false`, `no`); anything else, or unset, is neither.
fn env_flag(facts: &Facts<'_>, name: &str) -> Option<bool> {
    match facts.env_value(name)?.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Where a step runs: its RUN instruction, that line, the WORKDIR in force.
struct At<'w> {
    node: usize,
    line: usize,
    workdir: Option<&'w str>,
}

/// The build's Python installs, gathered step by step: where they go and
/// whether dockopt must make a virtual environment for them.
struct Installs<'f, 'a> {
    facts: &'f Facts<'a>,
    plan: Plan,
    /// PATH as the file sets it, variables expanded.
    path_env: String,
    /// The virtual environments the file makes (absolute).
    venvs: Vec<String>,
    /// The RUN before which dockopt makes /opt/venv, if it must.
    make_venv_before: Option<usize>,
    /// How many install steps there are.
    count: usize,
    /// Poetry installs into the current environment or the project's .venv.
    poetry_in_env: bool,
    /// Some install goes into the current environment (the system's Python
    /// unless the file made a venv).
    needs_env: bool,
    /// `uv pip install --system` is pointed at /opt/venv by UV_PYTHON.
    uv_python: bool,
    /// Project environments a tool fills (uv sync's `.venv`).
    project_envs: Vec<String>,
    /// The RUNs in which pip installs only packaging tools.
    tool_installs: Vec<usize>,
}

impl Installs<'_, '_> {
    /// A folder a step names, made absolute, or the reason it cannot be.
    fn place(&self, at: &At<'_>, dir: &str, what: &str) -> Result<String, Unsure> {
        let dir = self.facts.expand_path(dir);
        classify::resolve(&dir, at.workdir)
            .filter(|_| !dir.contains('$'))
            .ok_or_else(|| {
                Unsure::at(
                    Code::PythonEnvironment,
                    at.line,
                    format!("{what} {dir}, a folder dockopt cannot place"),
                )
            })
    }

    /// Installs into the current environment from here on: dockopt makes
    /// /opt/venv before this RUN unless the file made one already.
    fn use_current_env(&mut self, at: &At<'_>) {
        if self.venvs.is_empty() && self.make_venv_before.is_none() {
            self.make_venv_before = Some(at.node);
        }
    }

    /// `python -m venv PATH`: kept when it is on PATH or in the app.
    fn venv(&mut self, at: &At<'_>, path: &str, system_site: bool) -> Result<(), Unsure> {
        if system_site {
            return Err(Unsure::at(
                Code::PythonEnvironment,
                at.line,
                format!(
                    "the virtual environment {path} sees the system's packages (--system-site-packages), which stay in the builder"
                ),
            ));
        }
        let abs = self.place(at, path, "a virtual environment at")?;
        if !self.path_env.contains(&format!("{abs}/bin")) && !self.facts.in_app(&abs) {
            return Err(Unsure::at(
                Code::PythonEnvironment,
                at.line,
                format!(
                    "the virtual environment {abs} is not on PATH, so dockopt cannot tell where pip installs"
                ),
            ));
        }
        self.venvs.push(abs);
        Ok(())
    }

    /// `. venv/bin/activate`: the environment must be one the file made (and
    /// so one the runtime copies); pip then installs into it.
    fn activate(&mut self, at: &At<'_>, venv: &str) -> Result<(), Unsure> {
        let abs = self.place(at, venv, "activates a virtual environment at")?;
        if !self.venvs.contains(&abs) {
            return Err(Unsure::at(
                Code::PythonEnvironment,
                at.line,
                format!(
                    "activates {abs}, a virtual environment the file does not make where dockopt can see it"
                ),
            ));
        }
        Ok(())
    }

    /// `pip install`: into a folder it names, the user's base, or the
    /// current environment.
    fn pip(&mut self, at: &At<'_>, pip: &crate::analysis::steps::Pip) -> Result<(), Unsure> {
        let pip = &venv::with_environment(self.facts, pip, at.line)?;
        self.count += 1;
        refuse_runtime_compilers(self.facts, &pip.packages, Some(at.line))?;
        if pip.uv && (pip.system || env_flag(self.facts, "UV_SYSTEM_PYTHON") == Some(true)) {
            self.uv_system(at)?;
        }
        let line = at.line;
        if let Some(dir) = pip.prefix.as_ref().or(pip.target.as_ref()) {
            let abs = self.place(at, dir, "pip installs into")?;
            push_artifact(
                &mut self.plan,
                abs,
                format!("pip installs here (line {line})"),
            );
        } else if pip.user {
            let base = venv::user_base(self.facts);
            push_artifact(
                &mut self.plan,
                base,
                format!("pip --user installs here (line {line})"),
            );
        } else if self.needs_env && !only_uv(pip) {
            // Tools too (poetry, pipenv): they install into the
            // environment they run from.
            self.use_current_env(at);
        } else if only_tools(pip) {
            self.tool_installs.push(at.node);
        }
        Ok(())
    }

    /// `uv pip install --system`: uv skips a virtual environment found on
    /// PATH then, but installs into the interpreter UV_PYTHON names (uv 0.2
    /// and later; 0.1 stops with an error), so the builder names /opt/venv's.
    fn uv_system(&mut self, at: &At<'_>) -> Result<(), Unsure> {
        let refuse = |why: String| Err(Unsure::at(Code::PythonEnvironment, at.line, why));
        if let Some(set) = self.facts.env_value("UV_PYTHON") {
            return refuse(format!(
                "uv pip installs into the image's own Python (--system), and UV_PYTHON={set} is the file's own choice of interpreter, which dockopt would replace"
            ));
        }
        if let Some(old) = old_uv(self.facts) {
            return refuse(format!(
                "uv pip installs into the image's own Python (--system); {old} is older than 0.2, which cannot be pointed at a virtual environment"
            ));
        }
        if !self.venvs.is_empty() {
            return refuse(
                "uv pip installs into the image's own Python (--system), past the virtual environment the file makes".into(),
            );
        }
        self.uv_python = true;
        self.use_current_env(at);
        Ok(())
    }

    /// poetry, pipenv and uv: where each installs, or why dockopt cannot say.
    fn tool(&mut self, at: &At<'_>, tool: &str, args: &[String]) -> Result<(), Unsure> {
        self.count += 1;
        let sub = args.first().map(String::as_str).unwrap_or("");
        let has = |word: &str| args.iter().any(|a| a == word);
        match (tool, sub) {
            ("poetry", "config") => {
                if has("virtualenvs.create") && has("false") {
                    self.poetry_in_env = true;
                }
            }
            ("poetry", "install" | "sync") => {
                if !self.poetry_in_env {
                    return Err(Unsure::at(
                        Code::PythonEnvironment,
                        at.line,
                        "poetry installs into its own cache folder; set POETRY_VIRTUALENVS_CREATE=false or POETRY_VIRTUALENVS_IN_PROJECT=true",
                    ));
                }
                self.use_current_env(at);
            }
            ("pipenv", "install" | "sync") => {
                if has("--system") {
                    self.use_current_env(at);
                } else if env_flag(self.facts, "PIPENV_VENV_IN_PROJECT") != Some(true) {
                    return Err(Unsure::at(
                        Code::PythonEnvironment,
                        at.line,
                        "pipenv installs into its own folder; use --system or PIPENV_VENV_IN_PROJECT=1",
                    ));
                }
            }
            ("uv", "sync") if self.uv_python => {
                return Err(Unsure::at(
                    Code::PythonEnvironment,
                    at.line,
                    "uv sync in a file that also installs with uv pip --system: UV_PYTHON, which dockopt sets for the one, would choose the other's interpreter",
                ));
            }
            ("uv", "sync") => self.uv_sync(at, args)?,
            ("poetry" | "pipenv" | "uv", _) => {}
            _ => {
                return Err(Unsure::at(
                    Code::PythonEnvironment,
                    at.line,
                    format!("{tool} {sub}"),
                ));
            }
        }
        Ok(())
    }

    /// `uv sync`: the project's environment, UV_PROJECT_ENVIRONMENT or the
    /// project's .venv, which the runtime copies with the app.
    fn uv_sync(&mut self, at: &At<'_>, args: &[String]) -> Result<(), Unsure> {
        if let Some(env) = self.facts.env_value("UV_PROJECT_ENVIRONMENT") {
            let abs = classify::resolve(env, at.workdir).ok_or_else(|| {
                Unsure::at(
                    Code::PythonEnvironment,
                    at.line,
                    "UV_PROJECT_ENVIRONMENT is relative with no WORKDIR",
                )
            })?;
            let line = at.line;
            push_artifact(
                &mut self.plan,
                abs.clone(),
                format!("uv sync installs here (line {line})"),
            );
            self.project_envs.push(abs);
        } else if let Some(dir) = at.workdir
            && !args.iter().any(|a| {
                ["--project", "--directory"]
                    .iter()
                    .any(|f| a == f || a.starts_with(&format!("{f}=")))
            })
        {
            // uv sync makes the project's environment in .venv.
            self.project_envs
                .push(format!("{}/.venv", dir.trim_end_matches('/')));
        }
        Ok(())
    }

    /// The plan with the environments to copy (and /opt/venv made in the
    /// builder where needed), and the environments the runtime gets.
    fn finish(mut self) -> Result<(Plan, Environments), Unsure> {
        if self.count == 0 {
            return Err(Unsure::file(
                Code::NothingToBuild,
                "no Python packages are installed; a slim image alone would not make it smaller by much",
            ));
        }
        for v in &self.venvs {
            let why = "the virtual environment the build fills".into();
            push_artifact(&mut self.plan, v.clone(), why);
        }
        let before_venv = |node: &usize| self.make_venv_before.is_none_or(|m| *node < m);
        let mut envs = Environments {
            made_here: false,
            tools_left_behind: self.venvs.is_empty() && self.tool_installs.iter().any(before_venv),
            folders: std::mem::take(&mut self.venvs),
        };
        envs.folders.append(&mut self.project_envs);
        let Some(node) = self.make_venv_before else {
            return Ok((self.plan, envs));
        };
        venv::check_moves(self.facts, &self.plan, self.facts.line(node))?;
        let path = crate::plan::EnvSetting::new(
            "PATH",
            format!("{VENV}/bin:$PATH"),
            "the virtual environment's programs and Python come first, as in the builder",
        );
        let mut made = vec![
            Added::Run {
                command: format!("python -m venv {VENV}"),
            },
            Added::Env {
                name: path.name.clone(),
                value: path.value.clone(),
            },
        ];
        if self.uv_python {
            made.push(Added::Env {
                name: "UV_PYTHON".into(),
                value: format!("{VENV}/bin/python"),
            });
        }
        self.plan.builder_inserts.push((node, made));
        push_artifact(
            &mut self.plan,
            VENV.into(),
            "pip's packages, kept in a virtual environment so the runtime can copy them whole"
                .into(),
        );
        self.plan.artifact_env.push(path);
        envs.made_here = true;
        envs.folders.push(VENV.into());
        Ok((self.plan, envs))
    }
}

/// The Python environments the runtime copies whole.
struct Environments {
    /// dockopt makes /opt/venv for installs that went into the system.
    made_here: bool,
    /// pip installs packaging tools (uv, poetry) into the system Python,
    /// which the runtime does not copy.
    tools_left_behind: bool,
    /// Every environment's folder: the file's venvs, the project's .venv
    /// that uv sync fills, /opt/venv.
    folders: Vec<String>,
}

impl Environments {
    /// Whether a program path is a console script in one of them
    /// (`/app/.venv/bin/uvicorn`).
    fn has_script(&self, path: &str) -> bool {
        self.folders.iter().any(|env| {
            path.strip_prefix(&format!("{env}/bin/"))
                .is_some_and(|s| !s.contains('/'))
        })
    }
}

/// Whether the program a runtime command starts comes with the copied
/// Python environment (Python itself, pip's console scripts), or is looked
/// up in what the runtime image lacks; build tools and programs that the
/// move to /opt/venv would strand are refused.
fn provided(
    facts: &Facts<'_>,
    cmd: &crate::analysis::shell::Command,
    envs: &Environments,
) -> Result<bool, Unsure> {
    let program = cmd.program();
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    if matches!(program, "poetry" | "pipenv" | "uv") {
        return Err(Unsure::file(
            Code::RunsBuildTool,
            format!("the program is started through {program}, a build tool"),
        ));
    }
    if program.starts_with("python") || program.starts_with("pip") {
        if envs.made_here && full.starts_with("/usr/local/bin/") {
            return Err(Unsure::file(
                Code::VenvMove,
                format!("{full} would not see the packages dockopt moves to {VENV}"),
            ));
        }
        return Ok(true);
    }
    let script = classify::resolve(full, facts.workdir.as_deref());
    if full.contains('/') && script.is_some_and(|p| envs.has_script(&p)) {
        return Ok(true); // a console script of an environment the runtime copies
    }
    if full.starts_with("/usr/local/bin/") {
        return Err(Unsure::file(
            Code::UnknownRuntimeProgram,
            format!("runs {full}; dockopt cannot tell whether pip installed it"),
        ));
    }
    // A console script that pip installed (gunicorn, uvicorn...) is in
    // the copied environment; anything else is looked up in what the
    // runtime image lacks.
    Ok(false)
}
