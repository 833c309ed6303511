//! What the crates of a project with no Cargo.lock link. Cargo then
//! resolves the newest compatible release of each dependency its
//! Cargo.toml files name, and the catalog's crates.toml says, per crate,
//! semver line and feature, which -sys crates those releases bring
//! (scripts/catalog/rust-crates.py asks cargo itself). A dependency that
//! is not from crates.io, a requirement that is not a plain caret one
//! (`=1.2`, `~1.2`, `>=1, <3`), or a crate, line or feature the table does
//! not know leaves the file alone.

use std::collections::BTreeSet;

use crate::catalog;
use crate::classify::{self, Facts};

/// The manifest tables whose crates the program links (dev-dependencies
/// build only tests, build-dependencies only the build script).
const LINKED: &str = "dependencies";

/// The -sys crates of the project in the image folder `dir` and of the
/// members and path dependencies it builds; Err says what dockopt could
/// not read.
pub fn without_lock(facts: &Facts<'_>, dir: &str) -> Result<Vec<String>, String> {
    let root_dir = classify::normalize(dir);
    let root = manifest(facts, &root_dir)?;
    if root.contains_key("patch") || root.contains_key("replace") {
        return Err("its Cargo.toml patches crates, whose sources dockopt cannot read".into());
    }
    // Cargo's configuration may take the crates from elsewhere (a vendor
    // folder, a mirror) or patch them, and then not the newest releases.
    for config in [".cargo/config.toml", ".cargo/config"] {
        let text = facts.context_file_at(&format!("{root_dir}/{config}"));
        if text.is_some_and(|t| t.contains("[source") || t.contains("[patch")) {
            return Err(format!(
                "{config} takes crates from another source, whose releases dockopt cannot look up"
            ));
        }
    }
    let inherited = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();
    let mut queue = vec![root_dir.clone()];
    for m in members(&root)? {
        queue.push(classify::normalize(&format!("{root_dir}/{m}")));
    }
    let mut seen = BTreeSet::new();
    let mut out = BTreeSet::new();
    while let Some(d) = queue.pop() {
        if !seen.insert(d.clone()) {
            continue;
        }
        let doc = if d == root_dir {
            root.clone()
        } else {
            manifest(facts, &d)?
        };
        let Some(package) = doc.get("package") else {
            continue;
        };
        if package.get("links").is_some() {
            return Err(format!(
                "the package in {d} links a system library of its own (`links`)"
            ));
        }
        for (name, spec, enabled) in dependencies(&doc) {
            match dependency(name, &spec, &inherited, &enabled)? {
                Dep::Path(p) => queue.push(classify::normalize(&format!("{d}/{p}"))),
                Dep::Registry {
                    name,
                    line,
                    default,
                    features,
                } => out.extend(catalog::catalog().crate_sys(&name, &line, default, &features)?),
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The parsed Cargo.toml of the image folder `dir`, from the context.
fn manifest(facts: &Facts<'_>, dir: &str) -> Result<toml::Table, String> {
    let path = format!("{}/Cargo.toml", dir.trim_end_matches('/'));
    let text = facts
        .context_file_at(&path)
        .ok_or_else(|| format!("{path} is not in the build context"))?;
    toml::from_str(&text).map_err(|_| format!("{path} does not parse"))
}

/// The workspace's members; a glob names no folder to read.
fn members(root: &toml::Table) -> Result<Vec<String>, String> {
    let list = super::workspace_members(root, "members");
    if let Some(glob) = list.iter().find(|m| m.contains(['*', '?', '['])) {
        return Err(format!("the workspace member {glob} is a glob"));
    }
    Ok(list.into_iter().map(String::from).collect())
}

/// Each linked dependency of a package, with the features the package's
/// own features turn on in it (`full = ["sqlx/postgres"]`: all of the
/// package's features count, as any may be built). Targets other than
/// Linux are left out.
fn dependencies(doc: &toml::Table) -> Vec<(&str, toml::Value, Vec<String>)> {
    let own = doc.get("features").and_then(|f| f.as_table());
    let enabled = |dep: &str| -> Vec<String> {
        own.into_iter()
            .flat_map(|t| t.values())
            .filter_map(|v| v.as_array())
            .flatten()
            .filter_map(|v| v.as_str())
            .filter_map(|v| v.split_once('/'))
            .filter(|(d, _)| d.trim_end_matches('?') == dep)
            .map(|(_, f)| f.to_string())
            .collect()
    };
    let targets = doc
        .get("target")
        .and_then(|t| t.as_table())
        .into_iter()
        .flatten()
        .filter(|(cfg, _)| !other_system(cfg))
        .filter_map(|(_, t)| t.as_table());
    std::iter::once(doc)
        .chain(targets)
        .filter_map(|t| t.get(LINKED).and_then(|d| d.as_table()))
        .flatten()
        .map(|(name, spec)| (name.as_str(), spec.clone(), enabled(name)))
        .collect()
}

/// A `[target.'cfg(...)']` table for Windows, macOS or WebAssembly only.
fn other_system(cfg: &str) -> bool {
    let cfg: String = cfg.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        cfg.as_str(),
        "cfg(windows)"
            | "cfg(target_os=\"windows\")"
            | "cfg(target_os=\"macos\")"
            | "cfg(target_os=\"ios\")"
            | "cfg(target_os=\"android\")"
            | "cfg(target_arch=\"wasm32\")"
            | "cfg(target_family=\"wasm\")"
    )
}

/// Where a dependency comes from.
enum Dep {
    /// A crate in the build context, relative to the package's folder.
    Path(String),
    /// A crates.io crate in a semver line, with its features.
    Registry {
        name: String,
        line: String,
        default: bool,
        features: Vec<String>,
    },
}

/// Reads one dependency's entry (`"1.0"`, or a table with `version`,
/// `features`, `default-features`, `package`, `path`, `workspace = true`).
fn dependency(
    name: &str,
    spec: &toml::Value,
    inherited: &toml::Table,
    enabled: &[String],
) -> Result<Dep, String> {
    let table = match spec {
        toml::Value::String(req) => {
            return registry(name, req, true, enabled.to_vec());
        }
        toml::Value::Table(t) => t,
        _ => return Err(format!("the dependency {name} does not parse")),
    };
    let mut features = words(table.get("features"));
    features.extend(enabled.iter().cloned());
    if table.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
        let base = inherited
            .get(name)
            .ok_or_else(|| format!("the workspace does not declare the dependency {name}"))?;
        let mut merged = match base {
            toml::Value::String(req) => {
                let mut t = toml::Table::new();
                t.insert("version".into(), toml::Value::String(req.clone()));
                t
            }
            toml::Value::Table(t) => t.clone(),
            _ => return Err(format!("the dependency {name} does not parse")),
        };
        features.extend(words(merged.get("features")));
        merged.insert(
            "features".into(),
            toml::Value::Array(features.into_iter().map(toml::Value::String).collect()),
        );
        return dependency(name, &toml::Value::Table(merged), &toml::Table::new(), &[]);
    }
    if let Some(path) = table.get("path").and_then(|p| p.as_str()) {
        return Ok(Dep::Path(path.to_string()));
    }
    if table.contains_key("git") || table.contains_key("registry") {
        return Err(format!(
            "the dependency {name} comes from outside crates.io, where dockopt cannot read what it links"
        ));
    }
    let real = table
        .get("package")
        .and_then(|p| p.as_str())
        .unwrap_or(name);
    let req = table
        .get("version")
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("the dependency {name} names no version"))?;
    let default = table
        .get("default-features")
        .or_else(|| table.get("default_features"))
        .and_then(|d| d.as_bool())
        .unwrap_or(true);
    registry(real, req, default, features)
}

/// A crates.io dependency, once its requirement is read as a semver line.
fn registry(name: &str, req: &str, default: bool, features: Vec<String>) -> Result<Dep, String> {
    let line = caret_line(req).ok_or_else(|| {
        format!("the requirement {req:?} of {name} is not a plain version, whose newest release dockopt could look up")
    })?;
    Ok(Dep::Registry {
        name: name.to_string(),
        line,
        default,
        features,
    })
}

/// The strings of a TOML array (`features = [...]`).
fn words(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// The semver-compatible line a caret requirement resolves in, as cargo
/// reads `1.0`, `^0.4.38` (`1`, `0.4`); None for any other requirement.
fn caret_line(req: &str) -> Option<String> {
    let req = req.trim();
    let req = req.strip_prefix('^').unwrap_or(req).trim();
    let parts: Vec<u64> = req
        .split('.')
        .map(|p| p.parse::<u64>().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [0] | [0, 0] => None,
        [0, 0, patch] => Some(format!("0.0.{patch}")),
        [0, minor] | [0, minor, _] => Some(format!("0.{minor}")),
        [major] | [major, _] | [major, _, _] => Some(major.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_requirements_name_their_line() {
        assert_eq!(caret_line("1.0").as_deref(), Some("1"));
        assert_eq!(caret_line("^0.4.38").as_deref(), Some("0.4"));
        assert_eq!(caret_line("0.7").as_deref(), Some("0.7"));
        assert_eq!(caret_line("0.0.3").as_deref(), Some("0.0.3"));
        assert_eq!(caret_line("4").as_deref(), Some("4"));
        for other in ["=1.2.3", "~1.2", ">=1, <3", "*", "0", "1.0.0-beta.1", ""] {
            assert_eq!(caret_line(other), None, "{other}");
        }
    }

    #[test]
    fn workspace_entries_are_inherited_with_the_members_features() {
        let inherited: toml::Table = toml::from_str(
            r#"tokio = { version = "1.38", default-features = false, features = ["rt"] }"#,
        )
        .expect("parses");
        let spec: toml::Value =
            toml::from_str::<toml::Table>(r#"tokio = { workspace = true, features = ["macros"] }"#)
                .expect("parses")
                .remove("tokio")
                .expect("tokio");
        let Ok(Dep::Registry {
            name,
            line,
            default,
            features,
        }) = dependency("tokio", &spec, &inherited, &["net".to_string()])
        else {
            panic!("a registry dependency");
        };
        assert_eq!(
            (name.as_str(), line.as_str(), default),
            ("tokio", "1", false)
        );
        assert_eq!(features, ["macros", "net", "rt"]);
    }

    #[test]
    fn sources_outside_crates_io_are_not_read() {
        let table: toml::Table = toml::from_str(
            r#"
            a = { git = "https://example.com/a" }
            b = { version = "1", registry = "company" }
            c = { version = "=1.2.3" }
            d = { path = "../d" }
            "#,
        )
        .expect("parses");
        let empty = toml::Table::new();
        for name in ["a", "b", "c"] {
            assert!(
                dependency(name, &table[name], &empty, &[]).is_err(),
                "{name}"
            );
        }
        assert!(matches!(
            dependency("d", &table["d"], &empty, &[]),
            Ok(Dep::Path(p)) if p == "../d"
        ));
    }

    #[test]
    fn other_systems_targets_are_left_out() {
        assert!(other_system("cfg(windows)"));
        assert!(other_system("cfg(target_os = \"macos\")"));
        assert!(!other_system("cfg(not(windows))"));
        assert!(!other_system("cfg(unix)"));
    }

    #[test]
    fn package_features_turn_on_their_dependencies_features() {
        let doc: toml::Table = toml::from_str(
            r#"
            [package]
            name = "a"
            [features]
            pg = ["sqlx?/postgres", "dep:other"]
            [dependencies]
            sqlx = { version = "0.8", optional = true }
            [target.'cfg(windows)'.dependencies]
            winapi = "0.3"
            [target.'cfg(unix)'.dependencies]
            nix = "0.29"
            "#,
        )
        .expect("parses");
        let deps = dependencies(&doc);
        let names: Vec<&str> = deps.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(names, ["sqlx", "nix"]);
        assert_eq!(deps[0].2, ["postgres"]);
    }
}
