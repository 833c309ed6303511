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
use crate::facts::code::{Lang, string_literals};
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
    let (value, _) =
        assignment_in(facts, &base, "STATIC_ROOT", &mut Vec::new()).ok_or_else(|| {
            format!(
                "runs collectstatic, and STATIC_ROOT is not set in {module} as dockopt reads it"
            )
        })?;
    let cannot =
        || format!("runs collectstatic into STATIC_ROOT = {value}, which dockopt cannot resolve");
    match classify_value(&value).ok_or_else(cannot)? {
        StaticRoot::InProject if !base_dir_in_project(facts, project, &base) => Err(format!(
            "runs collectstatic into STATIC_ROOT = {value}, and dockopt cannot tell that BASE_DIR lies in the project"
        )),
        root => Ok(root),
    }
}

/// True when the settings define BASE_DIR from their own file's path,
/// climbing no higher than the project folder (`Path(__file__).resolve()
/// .parent.parent` in `mysite/settings.py`, or `os.path.dirname` twice): a
/// BASE_DIR above the project would put STATIC_ROOT outside the app.
fn base_dir_in_project(facts: &Facts<'_>, project: &str, base: &str) -> bool {
    let Some((value, file)) = assignment_in(facts, base, "BASE_DIR", &mut Vec::new()) else {
        return false;
    };
    // How far the assigning file lies below the project: `mysite/settings.py` is 2.
    let depth = file
        .strip_prefix(project)
        .map_or(0, |rel| rel.trim_start_matches('/').split('/').count());
    climbs_from_file(&value).is_some_and(|steps| (1..=depth).contains(&steps))
}

/// How many folders up from its own file a `__file__`-based path climbs:
/// one per `.parent` or `dirname(`, N+1 for `.parents[N]`; None for any
/// other shape (`..`, the environment, no `__file__`).
fn climbs_from_file(value: &str) -> Option<usize> {
    if !value.contains("__file__") || value.contains("..") || value.contains("environ") {
        return None;
    }
    let mut steps = value.matches("dirname(").count();
    let mut rest = value;
    while let Some(at) = rest.find(".parent") {
        rest = &rest[at + ".parent".len()..];
        match rest.strip_prefix("s[") {
            Some(index) => {
                let n: usize = index.split(']').next()?.trim().parse().ok()?;
                steps += n + 1;
            }
            None => steps += 1,
        }
    }
    Some(steps)
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

/// The value `name` ends with in the module at `base` (`x/settings.py`
/// or `x/settings/__init__.py`), and the file that assigned it, reading
/// its top-level lines in order: an assignment, or a star import from the
/// same package (`from .base import *`, the way split settings are
/// written) that assigns it. One assigned inside a block (`if DEBUG:`) is
/// reported as such, since which branch runs is not known.
fn assignment_in(
    facts: &Facts<'_>,
    base: &str,
    name: &str,
    seen: &mut Vec<String>,
) -> Option<(String, String)> {
    if seen.iter().any(|s| s == base) || seen.len() > 8 {
        return None;
    }
    seen.push(base.to_string());
    let module_file = format!("{base}.py");
    let (file, package) = match facts.context_file_at(&module_file) {
        Some(_) => (module_file, base.rsplit_once('/').map_or("", |(p, _)| p)),
        None => (format!("{base}/__init__.py"), base),
    };
    let text = facts.context_file_at(&file)?;
    let mut value = None;
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        let trimmed = code.trim_start();
        if let Some(v) = trimmed
            .strip_prefix(name)
            .and_then(|rest| rest.trim_start().strip_prefix('='))
            .filter(|v| !v.starts_with('='))
        {
            let v = if trimmed.len() == code.len() {
                v.trim().to_string()
            } else {
                "(set inside a block)".to_string()
            };
            value = Some((v, file.clone()));
        } else if let Some(found) = code
            .strip_prefix("from .")
            .and_then(|l| l.trim_end().strip_suffix(" import *"))
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .and_then(|module| assignment_in(facts, &format!("{package}/{module}"), name, seen))
        {
            value = Some(found);
        }
    }
    value
}

/// Reads a STATIC_ROOT value: BASE_DIR joined with relative names (inside
/// the project), or an absolute string literal; None for anything else (an
/// environment variable, another name, a step up from BASE_DIR, an
/// absolute name joined to it, which replaces it).
fn classify_value(value: &str) -> Option<StaticRoot> {
    let literal = |v: &str| {
        let v = v.trim();
        let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = v[1..].strip_suffix(q)?;
        (!inner.contains(q)).then(|| inner.to_string())
    };
    if value.contains("BASE_DIR") {
        let climbs = ["..", "parent", "dirname", "environ", "getenv", "expanduser"]
            .iter()
            .any(|w| value.contains(w));
        let absolute = string_literals(Lang::Python, value)
            .iter()
            .any(|(_, s)| s.starts_with(['/', '~']));
        return (!climbs && !absolute).then_some(StaticRoot::InProject);
    }
    let path = literal(value)?;
    (path.starts_with('/') && !path.contains(".."))
        .then(|| StaticRoot::At(path.trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_dir_climbs() {
        assert_eq!(
            climbs_from_file("Path(__file__).resolve().parent.parent"),
            Some(2)
        );
        assert_eq!(
            climbs_from_file("Path(__file__).resolve().parents[2]"),
            Some(3)
        );
        assert_eq!(
            climbs_from_file("os.path.dirname(os.path.dirname(os.path.abspath(__file__)))"),
            Some(2)
        );
        assert_eq!(
            climbs_from_file("os.path.join(os.path.dirname(__file__), '..')"),
            None
        );
        assert_eq!(climbs_from_file("Path('/srv')"), None);
    }

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
        assert_eq!(classify_value("BASE_DIR.parent / 'static'"), None);
        assert_eq!(
            classify_value("os.path.join(os.path.dirname(BASE_DIR), 'static')"),
            None
        );
        assert_eq!(
            classify_value("os.path.join(BASE_DIR, '..', 'static')"),
            None
        );
        assert_eq!(classify_value("BASE_DIR / '/srv/static'"), None);
        assert_eq!(classify_value("env('STATIC_ROOT')"), None);
    }
}
