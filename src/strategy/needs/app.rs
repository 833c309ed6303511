//! The app's own code in the build context, scanned once per plan, and what
//! the image runs: the programs, files and packages the checks look up.

use crate::catalog::{self, Family, PackageRole};
use crate::classify::{self, Facts};
use crate::facts::code::{self, Finding, Lang, Shebang, Use};
use crate::facts::context;

use super::{base_program, is_shell, unwrap};

/// A program's source files in the build context, read once per plan.
#[derive(Debug, Default)]
pub struct AppCode {
    /// The files that hold code, with what each uses.
    pub files: Vec<CodeFile>,
    /// Set when the context has too many files to read.
    pub too_large: bool,
    /// A source the image copies that the context lacks: the context is
    /// not the one the image is built from, and its code is not all here.
    pub missing: Option<String>,
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
            missing: None,
        };
    };
    let missing = context::missing_source(root, &facts.copied_sources);
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
        missing,
    }
}

/// Why the app's code cannot all be read, if so: no build context, more
/// files than dockopt reads, or a copied source the context lacks.
pub fn code_unread(facts: &Facts<'_>) -> Option<String> {
    if facts.context.is_none() {
        return Some("the app's code is not in a build context to read".into());
    }
    let code = app_code(facts);
    if code.too_large {
        return Some("the build context is too large to read the app's code".into());
    }
    code.missing.as_ref().map(|source| {
        format!("the build context lacks {source}, which the image copies, so the app's code cannot all be read")
    })
}

/// The texts of the context files named one of `names` below what the
/// image gets (every go.mod, say), in one walk of the context.
pub fn app_code_text(facts: &Facts<'_>, names: &[&str]) -> Vec<String> {
    let Some(root) = facts.context.as_ref() else {
        return Vec::new();
    };
    context::files(root, &facts.copied_sources)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| names.iter().any(|m| n == *m)))
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
