//! Python: pip, poetry, pipenv and uv projects on the official `python` image.
//!
//! ## What it recognises
//! `pip install` in any spelling (`pip3`, `python -m pip`, `uv pip`), with
//! `-r`, `--user`, `--prefix`, `--target` and `-e`; a virtual environment
//! the file makes and puts on PATH; `poetry install` when poetry installs into
//! the current environment or the project's `.venv`; `pipenv install
//! --system`; `uv sync` (the project's `.venv`).
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
//! A venv made but not put on PATH while pip runs bare; poetry or pipenv
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

use crate::analysis::steps::Step;
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

mod venv;

use super::{
    base_plan, install_runtime_needs, manifests, push_artifact, refuse_runtime_compilers,
    slim_variant, source_built_libraries,
};

/// Where dockopt puts packages that pip would have put in the system.
const VENV: &str = "/opt/venv";

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
                Step::Pip(pip) => installs.pip(&at, pip)?,
                Step::PythonTool { tool, args } => installs.tool(&at, tool, args)?,
                _ => {}
            }
        }
    }
    let (mut plan, venv_made_here) = installs.finish()?;
    let mut provided = |cmd: &crate::analysis::shell::Command| provided(cmd, venv_made_here);
    let packages = manifests::python_packages(facts);
    let libraries = source_built_libraries(facts, &plan, runtime.family, packages)?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, libraries)?;
    Ok(plan)
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

    /// `pip install`: into a folder it names, the user's base, or the
    /// current environment.
    fn pip(&mut self, at: &At<'_>, pip: &crate::analysis::steps::Pip) -> Result<(), Unsure> {
        let pip = &venv::with_environment(self.facts, pip, at.line)?;
        self.count += 1;
        refuse_runtime_compilers(pip, at.line)?;
        if pip.uv && (pip.system || env_flag(self.facts, "UV_SYSTEM_PYTHON") == Some(true)) {
            return Err(Unsure::at(
                Code::PythonEnvironment,
                at.line,
                "uv pip installs into the image's own Python (--system), which ignores any virtual environment, so the packages cannot be copied apart from Python itself",
            ));
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
        } else if self.needs_env {
            self.use_current_env(at);
        }
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
            ("uv", "sync") => {
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
                        abs,
                        format!("uv sync installs here (line {line})"),
                    );
                }
            }
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

    /// The plan with the environments to copy (and /opt/venv made in the
    /// builder where needed), and whether dockopt made it.
    fn finish(mut self) -> Result<(Plan, bool), Unsure> {
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
        let Some(node) = self.make_venv_before else {
            return Ok((self.plan, false));
        };
        venv::check_moves(self.facts, &self.plan, self.facts.line(node))?;
        self.plan.builder_inserts.push((
            node,
            format!("RUN python -m venv {VENV}\nENV PATH=\"{VENV}/bin:$PATH\"\n"),
        ));
        push_artifact(
            &mut self.plan,
            VENV.into(),
            "pip's packages, kept in a virtual environment so the runtime can copy them whole"
                .into(),
        );
        self.plan
            .artifact_env
            .push(format!("ENV PATH=\"{VENV}/bin:$PATH\""));
        Ok((self.plan, true))
    }
}

/// Whether the program a runtime command starts comes with the copied
/// Python environment (Python itself, pip's console scripts), or is looked
/// up in what the runtime image lacks; build tools and programs that the
/// move to /opt/venv would strand are refused.
fn provided(cmd: &crate::analysis::shell::Command, venv_made_here: bool) -> Result<bool, Unsure> {
    let program = cmd.program();
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    if matches!(program, "poetry" | "pipenv" | "uv") {
        return Err(Unsure::file(
            Code::RunsBuildTool,
            format!("the program is started through {program}, a build tool"),
        ));
    }
    if program.starts_with("python") || program.starts_with("pip") {
        if venv_made_here && full.starts_with("/usr/local/bin/") {
            return Err(Unsure::file(
                Code::VenvMove,
                format!("{full} would not see the packages dockopt moves to {VENV}"),
            ));
        }
        return Ok(true);
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
