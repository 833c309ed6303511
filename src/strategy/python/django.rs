//! Django's `manage.py collectstatic`: where the static files go.
//!
//! collectstatic copies every app's static files into `STATIC_ROOT`. The
//! runtime stage must receive that folder: inside the project (the usual
//! `BASE_DIR / "staticfiles"`) it travels with the app; an absolute path
//! elsewhere is copied on its own. The settings module is found the way
//! manage.py finds it (`DJANGO_SETTINGS_MODULE`), in the build context; a
//! STATIC_ROOT dockopt cannot read leaves the file alone.

use crate::analysis::steps::Step;
use crate::classify::{self, Facts};
use crate::plan::{Artifact, Plan, Unsure};
use crate::reasons::Code;

/// Adds the folder of every collectstatic run to the artifacts, or refuses.
pub fn static_files(facts: &Facts<'_>, plan: &mut Plan) -> Result<(), Unsure> {
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            let Step::Django { script } = step else {
                continue;
            };
            let manage = classify::resolve(script, workdir.as_deref()).ok_or_else(|| {
                Unsure::at(
                    Code::UnplaceablePath,
                    line,
                    "manage.py at a relative path with no WORKDIR",
                )
            })?;
            let project = manage
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir)
                .to_string();
            match static_root(facts, &project)
                .map_err(|why| Unsure::at(Code::UnplaceablePath, line, why))?
            {
                StaticRoot::InProject => {}
                StaticRoot::At(path) => {
                    if !plan.artifacts.iter().any(|a| a.path == path) {
                        plan.artifacts.push(Artifact {
                            path,
                            chown: None,
                            reason: format!(
                                "collectstatic gathers the static files here (line {line})"
                            ),
                            file: false,
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// Where STATIC_ROOT points.
#[derive(Debug, PartialEq, Eq)]
enum StaticRoot {
    /// Below the project's BASE_DIR, which is copied with the app.
    InProject,
    /// An absolute path.
    At(String),
}

/// STATIC_ROOT from the settings module of the project whose manage.py is
/// in `project` (an image path), or why it cannot be told.
fn static_root(facts: &Facts<'_>, project: &str) -> Result<StaticRoot, String> {
    let manage = facts
        .context_file_at(&format!("{project}/manage.py"))
        .ok_or("runs manage.py collectstatic, and manage.py is not in the build context")?;
    let module = facts
        .env_value("DJANGO_SETTINGS_MODULE")
        .map(str::to_string)
        .or_else(|| settings_module(&manage))
        .ok_or("runs collectstatic, and dockopt cannot tell the settings module")?;
    if module.contains('$') {
        return Err(format!(
            "runs collectstatic with settings {module}, a name with a variable"
        ));
    }
    let base = format!("{project}/{}", module.replace('.', "/"));
    let mut seen = Vec::new();
    let value = assignment_in(facts, &base, &mut seen).ok_or_else(|| {
        format!("runs collectstatic, and STATIC_ROOT is not set in {module} as dockopt reads it")
    })?;
    classify_value(&value).ok_or_else(|| {
        format!("runs collectstatic into STATIC_ROOT = {value}, which dockopt cannot resolve")
    })
}

/// The module manage.py names: `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")`.
fn settings_module(manage: &str) -> Option<String> {
    let at = manage.find("DJANGO_SETTINGS_MODULE")?;
    let rest = &manage[at + "DJANGO_SETTINGS_MODULE".len()..];
    let rest = rest.trim_start_matches(['"', '\'']).trim_start();
    let rest = rest.strip_prefix(',')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    (!value.is_empty()).then(|| value.to_string())
}

/// The value STATIC_ROOT ends with in the module at `base` (`x/settings.py`
/// or `x/settings/__init__.py`), reading its top-level lines in order: an
/// assignment, or a star import from the same package (`from .base
/// import *`, the way split settings are written) that assigns it. One
/// assigned inside a block (`if DEBUG:`) is reported as such, since which
/// branch runs is not known.
fn assignment_in(facts: &Facts<'_>, base: &str, seen: &mut Vec<String>) -> Option<String> {
    if seen.iter().any(|s| s == base) || seen.len() > 8 {
        return None;
    }
    seen.push(base.to_string());
    let (text, package) = match facts.context_file_at(&format!("{base}.py")) {
        Some(t) => (t, base.rsplit_once('/').map_or("", |(p, _)| p).to_string()),
        None => (
            facts.context_file_at(&format!("{base}/__init__.py"))?,
            base.to_string(),
        ),
    };
    let mut value = None;
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        let trimmed = code.trim_start();
        if let Some(v) = trimmed
            .strip_prefix("STATIC_ROOT")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            value = Some(if trimmed.len() == code.len() {
                v.trim().to_string()
            } else {
                "(set inside a block)".to_string()
            });
        } else if let Some(v) = code
            .strip_prefix("from .")
            .and_then(|l| l.trim_end().strip_suffix(" import *"))
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .and_then(|module| assignment_in(facts, &format!("{package}/{module}"), seen))
        {
            value = Some(v);
        }
    }
    value
}

/// Reads a STATIC_ROOT value: built from BASE_DIR (inside the project), or
/// an absolute string literal; None for anything else (an environment
/// variable, another name).
fn classify_value(value: &str) -> Option<StaticRoot> {
    let literal = |v: &str| {
        let v = v.trim();
        let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = v[1..].strip_suffix(q)?;
        (!inner.contains(q)).then(|| inner.to_string())
    };
    if value.contains("BASE_DIR") && !value.contains("environ") && !value.contains("getenv") {
        return Some(StaticRoot::InProject);
    }
    let path = literal(value)?;
    (path.starts_with('/') && !path.contains(".."))
        .then(|| StaticRoot::At(path.trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_module_from_manage_py() {
        let manage =
            "def main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n";
        assert_eq!(settings_module(manage).as_deref(), Some("mysite.settings"));
        assert_eq!(settings_module("import os\n"), None);
    }

    #[test]
    fn static_root_values() {
        assert_eq!(
            classify_value("BASE_DIR / \"staticfiles\""),
            Some(StaticRoot::InProject)
        );
        assert_eq!(
            classify_value("os.path.join(BASE_DIR, 'static')"),
            Some(StaticRoot::InProject)
        );
        assert_eq!(
            classify_value("'/var/www/static/'"),
            Some(StaticRoot::At("/var/www/static".into()))
        );
        assert_eq!(
            classify_value("os.environ.get('STATIC_ROOT', BASE_DIR / 's')"),
            None
        );
        assert_eq!(classify_value("'static'"), None);
        assert_eq!(classify_value("env('STATIC_ROOT')"), None);
    }
}
