//! The build context's package manifests: which PyPI projects and gems the
//! build installs, so that those linking a system library get it in the
//! runtime stage (`psycopg2` → `libpq5`, `mysql2` → `libmariadb3`).
//!
//! Without the build context only the names written in the Dockerfile are
//! known.

use crate::analysis::steps::Step;
use crate::catalog::{self, Family};
use crate::classify::Facts;

/// A context file a RUN names by a relative path where no WORKDIR says
/// where it runs: at that path below the context, or by its file name at
/// the top.
fn context_file(facts: &Facts<'_>, path: &str) -> Option<String> {
    let context = facts.context.as_ref()?;
    let rel = path.trim_start_matches("./").trim_start_matches('/');
    let name = rel.rsplit('/').next().unwrap_or(rel);
    [context.join(rel), context.join(name)]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
}

/// [`context_file_from`], for strategies.
pub fn context_text_from(facts: &Facts<'_>, workdir: Option<&str>, path: &str) -> Option<String> {
    context_file_from(facts, workdir, path)
}

/// The value of a top-level `key: value` line of a flat YAML settings file
/// (.yarnrc.yml, bundler's .bundle/config), unquoted.
pub fn yaml_setting(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix(key)?
            .trim()
            .strip_prefix(':')
            .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// A file a RUN in `workdir` names: where the COPY that put it at that path
/// took it from (`COPY ./app /app` then `-r requirements.txt` in /app is
/// app/requirements.txt). Only a relative name with no WORKDIR is looked
/// for by [`context_bytes`]'s guess: a file no COPY put where the RUN reads
/// it is not the context's file of that name.
fn context_file_from(facts: &Facts<'_>, workdir: Option<&str>, path: &str) -> Option<String> {
    match crate::classify::resolve(&facts.expand_path(path), workdir) {
        Some(abs) => facts.context_file_at(&abs),
        None => context_file(facts, path),
    }
}

/// Reads the requirements file `file`, named by a RUN in `workdir` or by
/// an including file in its own folder: its project names, its `-r`
/// includes (relative to the file that names them, as pip reads them) and
/// its local projects (`-e .`, `./pkg`, relative to the RUN's folder). A
/// file or include that cannot be read, and a URL naming no project, are
/// unread: what they install is not known.
fn requirements(
    facts: &Facts<'_>,
    run_dir: Option<&str>,
    at: Option<&str>,
    file: &str,
    depth: usize,
    out: &mut Installs,
) {
    let Some(text) = context_file_from(facts, at, file) else {
        if !out.unread.iter().any(|u| u == file) {
            out.unread.push(file.to_string());
        }
        return;
    };
    let path = crate::classify::resolve(&facts.expand_path(file), at);
    let folder = path
        .as_deref()
        .and_then(|p| p.rsplit_once('/'))
        .map(|(d, _)| {
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            }
        });
    for line in text.lines() {
        if let Some(value) = line.trim().strip_prefix("--no-binary") {
            out.no_binary
                .push(value.trim_start_matches([' ', '=']).trim().to_string());
        }
        match requirement_line(line) {
            Requirement::Include(inner) if depth < 4 => {
                requirements(facts, run_dir, folder.as_deref(), inner, depth + 1, out)
            }
            Requirement::Local(path) => local_project(facts, run_dir, path, out),
            Requirement::Name(name, spec) => out.named(name, spec),
            Requirement::Unknown(what) => out.unread.push(what.to_string()),
            Requirement::Include(_) | Requirement::Nothing => {}
        }
    }
}

/// One line of a requirements file, as far as what it installs goes.
#[derive(Debug, PartialEq)]
enum Requirement<'a> {
    /// `-r FILE`: another requirements file.
    Include(&'a str),
    /// A local project (`-e .`, `./pkg`, `/src/lib`).
    Local(&'a str),
    /// A project from the index, with its version specifiers as written
    /// (`==8.4.0`, `>=2,<3`; empty for none), or a URL with `#egg=NAME`.
    Name(String, &'a str),
    /// A URL or VCS line that names no project.
    Unknown(&'a str),
    /// A comment, a blank line, a constraint or an option.
    Nothing,
}

/// Reads one requirements line: pip's comments start a line or follow a
/// space, so a URL's `#egg=` stays.
fn requirement_line(line: &str) -> Requirement<'_> {
    let line = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None if line.trim_start().starts_with('#') => "",
        None => line,
    };
    let line = line.trim().trim_end_matches('\\').trim();
    let option = |names: &[&str]| {
        names.iter().find_map(|n| {
            let rest = line.strip_prefix(n)?;
            let value = rest.strip_prefix('=').unwrap_or(rest).trim();
            (!value.is_empty() && (rest.starts_with([' ', '=', '\t']) || n.len() == 2))
                .then_some(value)
        })
    };
    if let Some(file) = option(&["--requirement", "-r"]) {
        return Requirement::Include(file);
    }
    let target = match option(&["--editable", "-e"]) {
        Some(t) => t,
        None if line.starts_with('-') || line.is_empty() => return Requirement::Nothing,
        None => line,
    };
    if target.starts_with(['.', '/']) {
        return Requirement::Local(target);
    }
    if target.contains("://") || target.starts_with("git+") {
        return match target.split_once("#egg=") {
            Some((_, egg)) => Requirement::Name(catalog::normalize(egg), ""),
            None if target.contains(" @ ") => Requirement::Name(catalog::normalize(target), ""),
            None => Requirement::Unknown(target),
        };
    }
    Requirement::Name(catalog::normalize(target), version_spec(target))
}

/// The version specifiers of a requirement (`Pillow[extra] == 8.4.0 ;
/// python_version < "3.12"` gives `== 8.4.0`): what follows the name and
/// the extras, up to the environment marker.
fn version_spec(requirement: &str) -> &str {
    let rest = requirement
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']').map_or("", |(_, after)| after),
        None => rest,
    };
    // pip's per-requirement options (`--hash=...`) follow the specifiers.
    let rest = rest.split(" -").next().unwrap_or("");
    rest.split(';').next().unwrap_or("").trim()
}

/// What the build installs from the language's package index, and the
/// manifests that named more but could not be read.
#[derive(Debug, Default)]
pub struct Installs {
    /// Project names (lower case, `-` for `_`).
    pub names: Vec<String>,
    /// The version specifiers written for a project (name, `==8.4.0`),
    /// where some were.
    pub specs: Vec<(String, String)>,
    /// `--no-binary` values of pip lines, requirements files and
    /// PIP_NO_BINARY: projects pip builds from source whatever wheels exist
    /// (`:all:`, or names with commas).
    pub no_binary: Vec<String>,
    /// Files the build installs from that are not in the build context.
    pub unread: Vec<String>,
    /// Libraries that local projects' C extensions link (setup.py's
    /// `Extension(..., libraries=[...])`), as -l names.
    pub links: Vec<String>,
    /// Absolute folders local projects install data files into, outside
    /// any environment (setup.py's `data_files`, setup.cfg's
    /// `[options.data_files]`, pyproject's `[tool.setuptools.data-files]`),
    /// with the file that says so.
    pub data_outside: Vec<(String, String)>,
}

impl Installs {
    /// Notes a project named with these version specifiers.
    fn named(&mut self, name: String, spec: &str) {
        if !spec.is_empty() {
            self.specs.push((name.clone(), spec.to_string()));
        }
        self.names.push(name);
    }

    /// Reads `file`, named by a RUN in `workdir`, from the context with
    /// `read`, or notes it as unread.
    fn read_file(
        &mut self,
        facts: &Facts<'_>,
        workdir: Option<&str>,
        file: &str,
        read: impl Fn(&str, &mut Installs),
    ) {
        match context_file_from(facts, workdir, file) {
            Some(text) => read(&text, self),
            None => {
                if !self.unread.iter().any(|u| u == file) {
                    self.unread.push(file.to_string());
                }
            }
        }
    }
}

/// Names in a lock file's `name = "..."` lines (poetry.lock, uv.lock,
/// Cargo.lock).
fn lock_names(text: &str, out: &mut Vec<String>) {
    out.extend(
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("name = "))
            .map(|n| catalog::normalize(n.trim_matches('"'))),
    );
}

/// The packages of a Python lock file (poetry.lock, uv.lock): each
/// `[[package]]`'s `name` and the exact `version` that follows it.
fn python_lock(text: &str, out: &mut Installs) {
    let mut name = None;
    for line in text.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("name = ") {
            let new = catalog::normalize(n.trim_matches('"'));
            out.names.extend(name.replace(new));
        } else if let Some(v) = line.strip_prefix("version = ")
            && let Some(n) = name.take()
        {
            out.named(n, &format!("=={}", v.trim_matches('"')));
        }
    }
    out.names.extend(name);
}

/// PyPI projects the build installs: named on pip lines, listed in the
/// requirements files and lock files the context holds (poetry.lock,
/// Pipfile.lock, uv.lock, pyproject.toml for `pip install .`).
pub fn python_packages(facts: &Facts<'_>) -> Installs {
    let mut out = Installs::default();
    out.no_binary
        .extend(facts.env_value("PIP_NO_BINARY").map(String::from));
    for (_, workdir, steps) in &facts.run_steps {
        for s in steps {
            match s {
                Step::Pip(pip) => {
                    out.no_binary.extend(pip.no_binary.iter().cloned());
                    // Named as a requirements file would name them: a
                    // project, a local path, a URL.
                    for p in &pip.packages {
                        match requirement_line(p) {
                            Requirement::Local(path) => {
                                local_project(facts, workdir.as_deref(), path, &mut out)
                            }
                            Requirement::Name(name, spec) => out.named(name, spec),
                            Requirement::Unknown(what) => out.unread.push(what.to_string()),
                            Requirement::Include(_) | Requirement::Nothing => {}
                        }
                    }
                    for r in &pip.requirements {
                        let w = workdir.as_deref();
                        requirements(facts, w, w, r, 0, &mut out);
                    }
                }
                Step::PythonTool { tool, args } => {
                    let sub = args.first().map(String::as_str).unwrap_or("");
                    match (tool.as_str(), sub) {
                        ("poetry", "install" | "sync") => {
                            out.read_file(facts, workdir.as_deref(), "poetry.lock", python_lock)
                        }
                        ("uv", "sync") => {
                            out.read_file(facts, workdir.as_deref(), "uv.lock", python_lock)
                        }
                        ("pipenv", "install" | "sync") => {
                            out.read_file(facts, workdir.as_deref(), "Pipfile.lock", |t, o| {
                                // JSON keys one level into "default": `"name": {`.
                                o.names.extend(t.lines().filter_map(|l| {
                                    let l = l.trim();
                                    l.ends_with('{')
                                        .then(|| l.split('"').nth(1).map(catalog::normalize))
                                        .flatten()
                                }))
                            })
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A local project `pip install PATH` builds: its dependencies from
/// pyproject.toml, setup.cfg or setup.py, and the libraries its C
/// extensions link (setup.py). A project none of whose files can be read
/// is unread.
fn local_project(facts: &Facts<'_>, workdir: Option<&str>, path: &str, out: &mut Installs) {
    // `.[postgres,redis]`: the project with some of its extras.
    let (path, extras) = match path.split_once('[') {
        Some((p, rest)) => (
            p,
            rest.trim_end_matches(']')
                .split(',')
                .map(str::trim)
                .collect(),
        ),
        None => (path, Vec::new()),
    };
    let dir = crate::classify::resolve(path, workdir).unwrap_or_else(|| path.to_string());
    let read = |name: &str| -> Option<String> {
        facts.context_file_at(&format!("{}/{name}", dir.trim_end_matches('/')))
    };
    let mut found = false;
    let outside = |file: &str, folders: Vec<String>| {
        let file = format!("{}/{file}", path.trim_end_matches('/'));
        out_data(folders, &file)
    };
    let mut data: Vec<(String, String)> = Vec::new();
    if let Some(t) = read("pyproject.toml") {
        found = true;
        out.names.extend(pyproject_names(&t, &extras));
        data.extend(outside(
            "pyproject.toml",
            ini_keys_of(&t, "tool.setuptools.data-files"),
        ));
    }
    if let Some(t) = read("setup.cfg") {
        found = true;
        out.names.extend(setup_cfg_names(&t));
        data.extend(outside("setup.cfg", ini_keys_of(&t, "options.data_files")));
    }
    if let Some(t) = read("setup.py") {
        found = true;
        setup_py(&t, &format!("{path}/setup.py"), out);
        data.extend(outside("setup.py", setup_py_data_folders(&t)));
    }
    out.data_outside.extend(data);
    if !found {
        out.unread
            .push(format!("{}/pyproject.toml", path.trim_end_matches('/')));
    }
}

/// The projects a pyproject.toml depends on: `[project] dependencies` and
/// the `optional-dependencies` of the `extras` asked for (`pip install
/// .[postgres]`), Poetry's
/// `[tool.poetry.dependencies]` (which `pip install .` installs through
/// poetry-core), and any quoted name at the start of a line, so that a
/// file TOML cannot read still yields its lists.
fn pyproject_names(text: &str, extras: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches('[').trim();
            l.starts_with('"')
                .then(|| catalog::normalize(l.trim_matches(['"', ','])))
        })
        .collect();
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return out;
    };
    let project = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_array());
    out.extend(
        project
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str())
            .map(catalog::normalize),
    );
    let optional = doc
        .get("project")
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(|o| o.as_table());
    for (extra, deps) in optional.into_iter().flatten() {
        if extras
            .iter()
            .any(|e| catalog::normalize(e) == catalog::normalize(extra))
        {
            let deps = deps.as_array().into_iter().flatten();
            out.extend(deps.filter_map(|d| d.as_str()).map(catalog::normalize));
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table());
    out.extend(
        poetry
            .into_iter()
            .flat_map(|deps| deps.keys())
            .filter(|k| *k != "python")
            .map(|k| catalog::normalize(k)),
    );
    out
}

/// `install_requires` of a setup.cfg, on its line or indented below it.
fn setup_cfg_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_requires = false;
    for line in text.lines() {
        if line.trim_start().starts_with("install_requires") {
            in_requires = true;
            if let Some((_, v)) = line.split_once('=').filter(|(_, v)| !v.trim().is_empty()) {
                out.push(catalog::normalize(v));
            }
            continue;
        }
        if in_requires && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            out.push(catalog::normalize(line));
        } else {
            in_requires = false;
        }
    }
    out
}

/// The absolute folders among `folders`, each with `file`: setuptools
/// installs relative data-file folders below the environment's prefix,
/// and absolute ones where they say.
fn out_data(folders: Vec<String>, file: &str) -> Vec<(String, String)> {
    folders
        .into_iter()
        .filter(|f| f.starts_with('/') || f.starts_with('~') || f.starts_with('$'))
        .map(|f| (f, file.to_string()))
        .collect()
}

/// The keys of section `[name]` of an INI or TOML file (setup.cfg's
/// `[options.data_files]`, pyproject's `[tool.setuptools.data-files]`),
/// unquoted.
fn ini_keys_of(text: &str, name: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.trim_matches(['[', ']']).trim() == name;
            continue;
        }
        if !inside || t.is_empty() || t.starts_with(['#', ';']) || line.starts_with([' ', '\t']) {
            continue;
        }
        if let Some((key, _)) = t.split_once('=') {
            out.push(key.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    out
}

/// The folders of setup.py's `data_files=[("/etc/app", [...]), ...]`: the
/// first string of each pair in the list.
fn setup_py_data_folders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("data_files") {
        rest = &rest[at + "data_files".len()..];
        let Some(list) = rest.trim_start().strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        let Some(body) = list.strip_prefix('[') else {
            continue;
        };
        let mut depth = 1;
        let end = body
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '[' | '(' => depth += 1,
                    ']' | ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(i, _)| i);
        // Each pair opens with `(`: its first string is the folder.
        for pair in body[..end].split('(').skip(1) {
            let folder = pair
                .split(['"', '\''])
                .nth(1)
                .unwrap_or_default()
                .to_string();
            out.push(folder);
        }
    }
    out
}

/// setup.py's `install_requires` and the `libraries` its C extensions
/// link, from the lists written out in it; a `libraries` the script
/// computes makes the file (`unread` names it) unread.
fn setup_py(text: &str, unread: &str, out: &mut Installs) {
    let quoted = |list: &str| -> Vec<String> {
        list.split(['"', '\''])
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    };
    for key in ["install_requires", "libraries"] {
        let mut rest = text;
        while let Some(at) = rest.find(key) {
            rest = &rest[at + key.len()..];
            let Some(open) = rest.trim_start().strip_prefix('=').map(str::trim_start) else {
                continue;
            };
            let Some(list) = open.strip_prefix('[').and_then(|l| l.split_once(']')) else {
                if key == "libraries" {
                    out.unread.push(unread.to_string());
                }
                continue;
            };
            for item in quoted(list.0) {
                if key == "libraries" {
                    out.links.push(item);
                } else {
                    out.names.push(catalog::normalize(&item));
                }
            }
        }
    }
}

/// Gems the build installs: named on `gem install` lines, and in the
/// context's Gemfile.lock (or Gemfile) when `bundle install` runs.
pub fn gems(facts: &Facts<'_>) -> Installs {
    let mut out = Installs::default();
    // The folder `bundle install` runs in, where it reads the Gemfile.
    let mut bundles: Option<Option<&str>> = None;
    for (_, workdir, steps) in &facts.run_steps {
        for s in steps {
            let Step::Ruby { tool, args } = s else {
                continue;
            };
            match (tool.as_str(), args.first().map(String::as_str)) {
                ("gem", Some("install")) => out.names.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| catalog::normalize(a)),
                ),
                ("bundle", Some("install")) => bundles = Some(workdir.as_deref()),
                _ => {}
            }
        }
    }
    if let Some(workdir) = bundles {
        if let Some(lock) = context_file_from(facts, workdir, "Gemfile.lock") {
            // Specs are indented four spaces: `    pg (1.5.4)`.
            out.names.extend(
                lock.lines()
                    .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
                    .map(catalog::normalize),
            );
        } else {
            out.read_file(facts, workdir, "Gemfile", |gemfile, o| {
                o.names.extend(gemfile.lines().filter_map(|l| {
                    let rest = l.trim().strip_prefix("gem ")?;
                    Some(catalog::normalize(rest.trim().trim_matches(['"', '\''])))
                }))
            });
        }
    }
    out
}

/// npm packages the project depends on, from the context's package.json
/// (every kind of dependency: dev ones are installed too unless omitted).
pub fn node_packages(package_json: Option<&serde_json::Value>) -> Installs {
    let mut out = Installs::default();
    match package_json {
        Some(doc) => {
            out.names = dependencies_of(
                doc,
                &["dependencies", "devDependencies", "optionalDependencies"],
            )
        }
        None => out.unread.push("package.json".into()),
    }
    out
}

/// The packages the program itself depends on (not its devDependencies),
/// when the context has package.json.
pub fn node_runtime_packages(package_json: Option<&serde_json::Value>) -> Vec<String> {
    package_json.map_or_else(Vec::new, |doc| {
        dependencies_of(doc, &["dependencies", "optionalDependencies"])
    })
}

/// The names in the given dependency tables of package.json.
fn dependencies_of(doc: &serde_json::Value, kinds: &[&str]) -> Vec<String> {
    kinds
        .iter()
        .filter_map(|kind| doc.get(*kind).and_then(|d| d.as_object()))
        .flat_map(|deps| deps.keys().map(|k| k.to_ascii_lowercase()))
        .collect()
}

/// A module specifier's package (`lodash/fp` → `lodash`, `@a/b/c` →
/// `@a/b`); relative and absolute specifiers stay as written.
pub fn npm_package_of(spec: &str) -> String {
    let mut parts = spec.split('/');
    match (parts.next(), parts.next()) {
        (Some(scope), Some(name)) if scope.starts_with('@') => format!("{scope}/{name}"),
        (Some(first), _) => first.to_string(),
        _ => spec.to_string(),
    }
}

/// The command of a package.json script, when the context has it.
pub fn npm_script<'a>(package_json: Option<&'a serde_json::Value>, name: &str) -> Option<&'a str> {
    package_json?.get("scripts")?.get(name)?.as_str()
}

/// The package.json script that `npm`, `yarn` or `pnpm` with `args` runs
/// (`npm start`, `npm run build`, `yarn build`), by name; `None` for any
/// other subcommand.
pub fn script_run_by<'a>(program: &str, args: &'a [String]) -> Option<&'a str> {
    let pos: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match pos.as_slice() {
        ["run" | "run-script", name, ..] => Some(name),
        [name @ ("start" | "test" | "stop" | "restart"), ..] => Some(name),
        [name, ..] if program != "npm" => Some(name),
        _ => None,
    }
}

/// The texts of script `name` with the `pre` and `post` scripts npm and
/// Yarn 1 run around it, in the order they run.
pub fn script_with_hooks<'a>(doc: &'a serde_json::Value, name: &str) -> Vec<&'a str> {
    [
        format!("pre{name}"),
        name.to_string(),
        format!("post{name}"),
    ]
    .iter()
    .filter_map(|n| npm_script(Some(doc), n))
    .collect()
}

/// Crates in the Cargo.lock of the project at `project` (an image folder),
/// read where COPY took it from; none for a Cargo.toml there that depends
/// on nothing (cargo writes no lock file worth committing for it), or None:
/// then what the build links is not known.
pub fn crates(facts: &Facts<'_>, project: &str) -> Option<Vec<String>> {
    let dir = project.trim_end_matches('/');
    if let Some(lock) = facts.context_file_at(&format!("{dir}/Cargo.lock")) {
        let mut out = Vec::new();
        lock_names(&lock, &mut out);
        return Some(out);
    }
    let manifest = facts.context_file_at(&format!("{dir}/Cargo.toml"))?;
    depends_on_nothing(&manifest).then(Vec::new)
}

/// A package manifest with no dependency of any kind (normal, build, dev,
/// per target), no workspace and no `links`: its build links only std.
fn depends_on_nothing(manifest: &str) -> bool {
    const TABLES: &[&str] = &["dependencies", "build-dependencies", "dev-dependencies"];
    let Ok(doc) = toml::from_str::<toml::Table>(manifest) else {
        return false;
    };
    let empty = |t: &toml::Table| {
        TABLES.iter().all(|k| {
            t.get(*k)
                .is_none_or(|d| d.as_table().is_some_and(|d| d.is_empty()))
        })
    };
    let targets_empty = doc.get("target").is_none_or(|t| {
        t.as_table()
            .is_some_and(|t| t.values().all(|spec| spec.as_table().is_some_and(empty)))
    });
    let package = doc.get("package").and_then(|p| p.as_table());
    package.is_some_and(|p| !p.contains_key("links"))
        && !doc.contains_key("workspace")
        && empty(&doc)
        && targets_empty
}

/// The libraries a C or C++ build's files in the context link: `-lNAME`
/// in a Makefile, `find_package`, `pkg_check_modules` and
/// `target_link_libraries` in CMakeLists.txt, `dependency()` in
/// meson.build, `AC_CHECK_LIB` and `PKG_CHECK_MODULES` in configure.ac.
/// None when none of those files is found for `workdir`.
pub fn build_file_links(facts: &Facts<'_>, workdir: Option<&str>) -> Option<Vec<String>> {
    const FILES: &[&str] = &[
        "Makefile",
        "makefile",
        "GNUmakefile",
        "CMakeLists.txt",
        "meson.build",
        "configure.ac",
        "configure.in",
    ];
    let dir = workdir.unwrap_or("/").trim_end_matches('/');
    let texts: Vec<String> = FILES
        .iter()
        .filter_map(|f| facts.context_file_at(&format!("{dir}/{f}")))
        .collect();
    if texts.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for text in &texts {
        link_names_in(text, &mut out);
    }
    // The project's own libraries (`add_library(util ...)`) are built, not
    // installed.
    let own: Vec<String> = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("add_library(")?;
            rest.split(|c: char| c.is_whitespace() || c == ')')
                .next()
                .map(String::from)
        })
        .collect();
    out.retain(|n| !own.contains(n));
    Some(out)
}

/// Library names a build file mentions.
fn link_names_in(text: &str, out: &mut Vec<String>) {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        flag_links(&build_words(line), out);
        build_system_links(line, out);
    }
}

/// A build file's words, split at spaces, brackets, commas and quotes.
fn build_words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | '\'' | '"'))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// The runtime libraries a compiler option other than `-l` links, as -l
/// names: `-fopenmp` GCC's OpenMP runtime (gomp), `-fgnu-tm` its
/// transactional memory (itm), `-fsanitize=address,undefined` the
/// sanitizers' runtimes (asan, ubsan, tsan, lsan). A sanitizer's library
/// follows the GCC version (libasan6 for 11, libasan8 for 12), so the
/// catalog has no package for them and the file is left alone.
pub fn flag_libraries(word: &str) -> Vec<String> {
    match word {
        "-fopenmp" | "-openmp" => vec!["gomp".to_string()],
        "-fgnu-tm" => vec!["itm".to_string()],
        _ => word
            .strip_prefix("-fsanitize=")
            .map(|list| {
                list.split(',')
                    .map(|s| match s {
                        "address" | "kernel-address" => "asan".to_string(),
                        "undefined" => "ubsan".to_string(),
                        "thread" => "tsan".to_string(),
                        "leak" => "lsan".to_string(),
                        other => format!("sanitizer-{other}"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Libraries named by compiler flags: `-lNAME`, `-fopenmp` (libgomp), and
/// the modules of `$(shell pkg-config --libs libcurl)`.
fn flag_links(ws: &[String], out: &mut Vec<String>) {
    if let Some(at) = ws.iter().position(|w| w.ends_with("pkg-config")) {
        out.extend(
            ws[at + 1..]
                .iter()
                .take_while(|w| !w.starts_with('$') && !w.contains('`'))
                .filter(|w| !w.starts_with('-'))
                .cloned(),
        );
    }
    out.extend(ws.iter().flat_map(|w| flag_libraries(w)));
    out.extend(ws.iter().filter_map(|w| {
        w.strip_prefix("-l")
            .filter(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.'))
            })
            .map(String::from)
    }));
}

/// Libraries named by CMake, Meson and autoconf calls on a line.
fn build_system_links(line: &str, out: &mut Vec<String>) {
    let call = |name: &str| -> Option<Vec<String>> {
        let at = line.find(&format!("{name}("))?;
        Some(build_words(&line[at + name.len()..]))
    };
    // The name a call takes first, and target_link_libraries's after the
    // target: plain library names; `Pkg::Target` comes from a find_package
    // already read, `${VAR}` from one too.
    for f in [
        "find_package",
        "target_link_libraries",
        "dependency",
        "AC_CHECK_LIB",
    ] {
        let Some(w) = call(f) else { continue };
        if f == "target_link_libraries" {
            out.extend(w.into_iter().skip(1).filter(|n| {
                !matches!(n.as_str(), "PRIVATE" | "PUBLIC" | "INTERFACE")
                    && !n.contains("::")
                    && !n.contains('$')
            }));
        } else {
            out.extend(w.into_iter().take(1));
        }
    }
    for f in [
        "pkg_check_modules",
        "pkg_search_module",
        "PKG_CHECK_MODULES",
    ] {
        if let Some(w) = call(f) {
            // The prefix first, then modules among keywords and versions.
            out.extend(
                w.into_iter()
                    .skip(1)
                    .filter(|m| !m.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                    .filter(|m| m.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
                    .map(|m| m.split(['<', '>', '=']).next().unwrap_or("").to_string())
                    .filter(|m| !m.is_empty()),
            );
        }
    }
}

/// Runtime packages for the libraries these projects load, with why.
pub fn native_libraries(family: Family, names: &[String]) -> Vec<(String, String)> {
    let cat = catalog::catalog();
    let mut out: Vec<(String, String)> = Vec::new();
    for n in names {
        for lib in cat.native_libraries(family, n) {
            super::want(&mut out, lib, || format!("{n} needs it at runtime"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_folders_of_setup_py_setup_cfg_and_pyproject() {
        let py = "setup(\n    name='a',\n    data_files=[\n        ('/etc/a', ['a.ini']),\n        (\"share/a\", [\"x\"]),\n    ],\n)\n";
        assert_eq!(setup_py_data_folders(py), ["/etc/a", "share/a"]);
        assert_eq!(
            out_data(setup_py_data_folders(py), "setup.py"),
            [("/etc/a".to_string(), "setup.py".to_string())]
        );
        let cfg =
            "[metadata]\nname = a\n\n[options.data_files]\n/etc/a = a.ini\nshare/a =\n    x\n";
        assert_eq!(
            ini_keys_of(cfg, "options.data_files"),
            ["/etc/a", "share/a"]
        );
        let toml = "[tool.setuptools.data-files]\n\"/opt/a\" = [\"x\"]\n[project]\nname = \"a\"\n";
        assert_eq!(ini_keys_of(toml, "tool.setuptools.data-files"), ["/opt/a"]);
        assert!(setup_py_data_folders("setup(name='a', data_files=files())").is_empty());
    }

    #[test]
    fn pyproject_dependencies_in_every_spelling() {
        let names = pyproject_names(
            "[project.optional-dependencies]\npostgres = [\"asyncpg\"]\nmysql = [\"pymysql\"]\n\n[project]\nname = \"a\"\ndependencies = [\"psycopg2>=2.9\", \"Flask\"]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nmysqlclient = \"^2.2\"\n",
            &["postgres"],
        );
        assert!(!names.iter().any(|n| n == "pymysql"), "{names:?}");
        for want in ["psycopg2", "flask", "mysqlclient", "asyncpg"] {
            assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        }
        assert!(!names.iter().any(|n| n == "python"), "{names:?}");
        let multi = pyproject_names("[project]\ndependencies = [\n  \"pg8000\",\n]\n", &[]);
        assert!(multi.iter().any(|n| n == "pg8000"), "{multi:?}");
    }

    #[test]
    fn compiler_options_that_link_runtimes() {
        assert_eq!(flag_libraries("-fopenmp"), ["gomp"]);
        assert_eq!(flag_libraries("-fgnu-tm"), ["itm"]);
        assert_eq!(
            flag_libraries("-fsanitize=address,undefined"),
            ["asan", "ubsan"]
        );
        assert!(flag_libraries("-fPIC").is_empty());
        let mut out = Vec::new();
        flag_links(&["gcc".into(), "-fsanitize=thread".into()], &mut out);
        assert_eq!(out, ["tsan"]);
    }

    #[test]
    fn requirement_lines() {
        use Requirement::*;
        let cases: &[(&str, Requirement<'_>)] = &[
            (
                "psycopg2==2.9.9  # the database",
                Name("psycopg2".into(), "==2.9.9"),
            ),
            (
                "Pillow[webp] == 8.4.0 ; python_version < '3.12'",
                Name("pillow".into(), "== 8.4.0"),
            ),
            (
                "Flask_Login>=0.6 --hash=sha256:abc \\",
                Name("flask-login".into(), ">=0.6"),
            ),
            ("# a comment", Nothing),
            ("", Nothing),
            ("--index-url https://example.org/simple", Nothing),
            ("-c constraints.txt", Nothing),
            ("-r base.txt", Include("base.txt")),
            ("-rbase.txt", Include("base.txt")),
            ("--requirement=common/base.txt", Include("common/base.txt")),
            ("-e .", Local(".")),
            ("--editable ./libs/db", Local("./libs/db")),
            ("./vendor/pkg", Local("./vendor/pkg")),
            (
                "git+https://example.org/repo.git#egg=mysqlclient",
                Name("mysqlclient".into(), ""),
            ),
            (
                "pyodbc @ https://example.org/pyodbc-5.1.tar.gz",
                Name("pyodbc".into(), ""),
            ),
            (
                "https://example.org/pkg-1.0.tar.gz",
                Unknown("https://example.org/pkg-1.0.tar.gz"),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(&requirement_line(line), want, "{line}");
        }
    }
}
