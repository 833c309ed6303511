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
fn installs_into_current_env(facts: &Facts<'_>) -> bool {
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
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Python, &runtime);
    let path_env = facts.expand_path(facts.env_value("PATH").unwrap_or(""));
    let mut venvs: Vec<String> = Vec::new();
    let mut insert_venv_before: Option<usize> = None;
    let mut installs = 0;
    let truthy = |v: Option<&str>| {
        v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    };
    let falsy = |v: Option<&str>| {
        v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "0" | "false" | "no"))
    };
    let mut poetry_in_env = falsy(facts.env_value("POETRY_VIRTUALENVS_CREATE"))
        || truthy(facts.env_value("POETRY_VIRTUALENVS_IN_PROJECT"));
    let needs_env = installs_into_current_env(facts);
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            match step {
                Step::Venv { path, system_site } => {
                    if *system_site {
                        return Err(Unsure::at(
                            Code::PythonEnvironment,
                            line,
                            format!(
                                "the virtual environment {path} sees the system's packages (--system-site-packages), which stay in the builder"
                            ),
                        ));
                    }
                    let path = facts.expand_path(path);
                    let abs = classify::resolve(&path, workdir.as_deref())
                        .filter(|_| !path.contains('$'))
                        .ok_or_else(|| {
                            Unsure::at(
                                Code::PythonEnvironment,
                                line,
                                format!(
                                    "a virtual environment at {path}, a folder dockopt cannot place"
                                ),
                            )
                        })?;
                    if !path_env.contains(&format!("{abs}/bin")) && !facts.in_app(&abs) {
                        return Err(Unsure::at(
                            Code::PythonEnvironment,
                            line,
                            format!(
                                "the virtual environment {abs} is not on PATH, so dockopt cannot tell where pip installs"
                            ),
                        ));
                    }
                    venvs.push(abs);
                }
                Step::Pip(pip) => {
                    let pip = &venv::with_environment(facts, pip, line)?;
                    installs += 1;
                    refuse_runtime_compilers(pip, line)?;
                    if pip.uv && (pip.system || truthy(facts.env_value("UV_SYSTEM_PYTHON"))) {
                        return Err(Unsure::at(
                            Code::PythonEnvironment,
                            line,
                            "uv pip installs into the image's own Python (--system), which ignores any virtual environment, so the packages cannot be copied apart from Python itself",
                        ));
                    }
                    let dir = pip.prefix.as_ref().or(pip.target.as_ref());
                    if let Some(dir) = dir {
                        let dir = facts.expand_path(dir);
                        let abs = classify::resolve(&dir, workdir.as_deref())
                            .filter(|_| !dir.contains('$'))
                            .ok_or_else(|| {
                                Unsure::at(
                                    Code::PythonEnvironment,
                                    line,
                                    format!(
                                        "pip installs into {dir}, a folder dockopt cannot place"
                                    ),
                                )
                            })?;
                        push_artifact(&mut plan, abs, format!("pip installs here (line {line})"));
                    } else if pip.user {
                        push_artifact(
                            &mut plan,
                            venv::user_base(facts),
                            format!("pip --user installs here (line {line})"),
                        );
                    } else if needs_env && venvs.is_empty() && insert_venv_before.is_none() {
                        insert_venv_before = Some(*node);
                    }
                }
                Step::PythonTool { tool, args } => {
                    installs += 1;
                    let sub = args.first().map(String::as_str).unwrap_or("");
                    match (tool.as_str(), sub) {
                        ("poetry", "config") => {
                            if args.iter().any(|a| a == "virtualenvs.create")
                                && args.iter().any(|a| a == "false")
                            {
                                poetry_in_env = true;
                            }
                        }
                        ("poetry", "install" | "sync") => {
                            if !poetry_in_env {
                                return Err(Unsure::at(
                                    Code::PythonEnvironment,
                                    line,
                                    "poetry installs into its own cache folder; set POETRY_VIRTUALENVS_CREATE=false or POETRY_VIRTUALENVS_IN_PROJECT=true",
                                ));
                            }
                            if venvs.is_empty() && insert_venv_before.is_none() {
                                insert_venv_before = Some(*node);
                            }
                        }
                        ("pipenv", "install" | "sync") => {
                            if args.iter().any(|a| a == "--system") {
                                if venvs.is_empty() && insert_venv_before.is_none() {
                                    insert_venv_before = Some(*node);
                                }
                            } else if !truthy(facts.env_value("PIPENV_VENV_IN_PROJECT")) {
                                return Err(Unsure::at(
                                    Code::PythonEnvironment,
                                    line,
                                    "pipenv installs into its own folder; use --system or PIPENV_VENV_IN_PROJECT=1",
                                ));
                            }
                        }
                        ("uv", "sync") => {
                            if let Some(env) = facts.env_value("UV_PROJECT_ENVIRONMENT") {
                                let abs = classify::resolve(env, workdir.as_deref()).ok_or_else(
                                    || {
                                        Unsure::at(
                                            Code::PythonEnvironment,
                                            line,
                                            "UV_PROJECT_ENVIRONMENT is relative with no WORKDIR",
                                        )
                                    },
                                )?;
                                push_artifact(
                                    &mut plan,
                                    abs,
                                    format!("uv sync installs here (line {line})"),
                                );
                            }
                        }
                        ("poetry" | "pipenv" | "uv", _) => {}
                        _ => {
                            return Err(Unsure::at(
                                Code::PythonEnvironment,
                                line,
                                format!("{tool} {sub}"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if installs == 0 {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no Python packages are installed; a slim image alone would not make it smaller by much",
        ));
    }
    for v in &venvs {
        push_artifact(
            &mut plan,
            v.clone(),
            "the virtual environment the build fills".into(),
        );
    }
    if let Some(node) = insert_venv_before {
        venv::check_moves(facts, &plan, facts.line(node))?;
        plan.builder_inserts.push((
            node,
            format!("RUN python -m venv {VENV}\nENV PATH=\"{VENV}/bin:$PATH\"\n"),
        ));
        push_artifact(
            &mut plan,
            VENV.into(),
            "pip's packages, kept in a virtual environment so the runtime can copy them whole"
                .into(),
        );
        plan.artifact_env
            .push(format!("ENV PATH=\"{VENV}/bin:$PATH\""));
    }
    let venv_made_here = insert_venv_before.is_some();
    let mut provided = |cmd: &crate::analysis::shell::Command| -> Result<bool, Unsure> {
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
    };
    let installs = manifests::python_packages(facts);
    let libraries = source_built_libraries(facts, &plan, runtime.family, installs)?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, libraries)?;
    Ok(plan)
}
