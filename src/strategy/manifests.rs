//! The build context's package manifests: which PyPI projects and gems the
//! build installs, so that those linking a system library get it in the
//! runtime stage (`psycopg2` → `libpq5`, `mysql2` → `libmariadb3`).
//!
//! Without the build context only the names written in the Dockerfile are
//! known.

use crate::analysis::steps::Step;
use crate::catalog::{self, Family};
use crate::classify::Facts;

/// A context file named by a RUN (`requirements.txt`, `/app/Gemfile.lock`):
/// at that path below the context, or by its file name at the top.
fn context_file(facts: &Facts<'_>, path: &str) -> Option<String> {
    let context = facts.context.as_ref()?;
    let rel = path.trim_start_matches("./").trim_start_matches('/');
    let name = rel.rsplit('/').next().unwrap_or(rel);
    [context.join(rel), context.join(name)]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
}

/// Project names in a requirements file, following `-r` includes once.
fn requirement_names(facts: &Facts<'_>, text: &str, nested: bool, out: &mut Vec<String>) {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(inner) = line
            .strip_prefix("-r ")
            .or_else(|| line.strip_prefix("--requirement "))
        {
            if !nested && let Some(t) = context_file(facts, inner.trim()) {
                requirement_names(facts, &t, true, out);
            }
        } else if !line.starts_with('-') && !line.is_empty() {
            out.push(catalog::normalize(line));
        }
    }
}

/// PyPI projects the build installs: named on pip lines, and listed in
/// the requirements files the context holds.
pub fn python_packages(facts: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (_, _, steps) in &facts.run_steps {
        for s in steps {
            let Step::Pip(pip) = s else { continue };
            out.extend(pip.packages.iter().map(|p| catalog::normalize(p)));
            for r in &pip.requirements {
                if let Some(text) = context_file(facts, r) {
                    requirement_names(facts, &text, false, &mut out);
                }
            }
        }
    }
    out
}

/// Gems the build installs: named on `gem install` lines, and in the
/// context's Gemfile.lock (or Gemfile) when `bundle install` runs.
pub fn gems(facts: &Facts<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut bundles = false;
    for (_, _, steps) in &facts.run_steps {
        for s in steps {
            let Step::Ruby { tool, args } = s else {
                continue;
            };
            match (tool.as_str(), args.first().map(String::as_str)) {
                ("gem", Some("install")) => out.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| catalog::normalize(a)),
                ),
                ("bundle", Some("install")) => bundles = true,
                _ => {}
            }
        }
    }
    if bundles {
        if let Some(lock) = context_file(facts, "Gemfile.lock") {
            // Specs are indented four spaces: `    pg (1.5.4)`.
            out.extend(
                lock.lines()
                    .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
                    .map(catalog::normalize),
            );
        } else if let Some(gemfile) = context_file(facts, "Gemfile") {
            out.extend(gemfile.lines().filter_map(|l| {
                let rest = l.trim().strip_prefix("gem ")?;
                Some(catalog::normalize(rest.trim().trim_matches(['"', '\''])))
            }));
        }
    }
    out
}

/// Crates in the context's Cargo.lock (next to `manifest`, or at the top),
/// or None without one: then what the build links is not known.
pub fn crates(facts: &Facts<'_>, manifest_dir: &str) -> Option<Vec<String>> {
    let lock = context_file(facts, &format!("{manifest_dir}/Cargo.lock"))?;
    Some(
        lock.lines()
            .filter_map(|l| l.trim().strip_prefix("name = "))
            .map(|n| catalog::normalize(n.trim_matches('"')))
            .collect(),
    )
}

/// Runtime packages for the libraries these projects load, with why.
pub fn native_libraries(family: Family, names: &[String]) -> Vec<(String, String)> {
    let cat = catalog::catalog();
    let mut out: Vec<(String, String)> = Vec::new();
    for n in names {
        for lib in cat.native_libraries(family, n) {
            if !out.iter().any(|(p, _)| p == lib) {
                out.push((lib.clone(), format!("{n} loads it at runtime")));
            }
        }
    }
    out
}
