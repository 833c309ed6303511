//! The package databases inside an image: which package owns each path,
//! which packages are installed, at what version. Debian's dpkg
//! (/var/lib/dpkg/status and info/*.list) and Alpine's apk
//! (/lib/apk/db/installed).

use std::collections::BTreeMap;

use super::filesystem::{Index, normalize};

/// An image's installed packages and the paths they own.
#[derive(Debug, Default)]
pub struct Packages {
    /// Installed package name -> version.
    pub installed: BTreeMap<String, String>,
    /// Path -> the package that owns it.
    pub owner: BTreeMap<String, String>,
}

impl Packages {
    /// Reads the package databases of an image.
    pub fn read(index: &Index) -> Packages {
        let mut out = Packages::default();
        if let Some(status) = index.texts.get("/var/lib/dpkg/status") {
            read_dpkg_status(status, &mut out.installed);
        }
        for (path, text) in &index.texts {
            let Some(file) = path.strip_prefix("/var/lib/dpkg/info/") else {
                continue;
            };
            let Some(name) = file.strip_suffix(".list") else {
                continue;
            };
            let name = name.split(':').next().unwrap_or(name).to_string();
            for line in text.lines().filter(|l| l.starts_with('/')) {
                out.owner
                    .entry(normalize(line))
                    .or_insert_with(|| name.clone());
            }
            // The database files of a package are its own too.
            for ext in [
                "list",
                "md5sums",
                "conffiles",
                "postinst",
                "preinst",
                "postrm",
                "prerm",
                "triggers",
                "shlibs",
                "symbols",
                "templates",
                "config",
            ] {
                out.owner
                    .entry(format!("/var/lib/dpkg/info/{name}.{ext}"))
                    .or_insert_with(|| name.clone());
                out.owner
                    .entry(format!("/var/lib/dpkg/info/{name}:amd64.{ext}"))
                    .or_insert_with(|| name.clone());
            }
        }
        if let Some(db) = index.texts.get("/lib/apk/db/installed") {
            read_apk(db, &mut out);
        }
        out.owner = canonical_owners(index, std::mem::take(&mut out.owner));
        out
    }

    /// Whether the image has any package database.
    pub fn known(&self) -> bool {
        !self.installed.is_empty()
    }
}

/// The owners' paths as the image has them: dpkg records `/bin/bunzip2`,
/// which a merged /usr keeps at `/usr/bin/bunzip2`.
fn canonical_owners(index: &Index, owners: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut parents: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (path, package) in owners {
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", &path));
        let canonical_parent = parents
            .entry(parent.to_string())
            .or_insert_with(|| {
                if parent.is_empty() {
                    return Some(String::new());
                }
                index.resolve(parent).map(|(p, _)| p)
            })
            .clone();
        let canonical = match canonical_parent {
            Some(p) if p != parent => format!("{}/{name}", p.trim_end_matches('/')),
            _ => path.clone(),
        };
        out.entry(canonical).or_insert_with(|| package.clone());
        out.entry(path).or_insert(package);
    }
    out
}

/// The installed packages of a dpkg status file.
fn read_dpkg_status(text: &str, out: &mut BTreeMap<String, String>) {
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        let installed = field("Status:").is_some_and(|s| {
            s.ends_with("installed") && !s.contains("not-installed") && !s.contains("config-files")
        });
        if let (Some(name), true) = (field("Package:"), installed) {
            out.insert(name, field("Version:").unwrap_or_default());
        }
    }
}

/// Alpine's installed database: `P:` name, `V:` version, `F:` folder and
/// `R:` file lines.
fn read_apk(text: &str, out: &mut Packages) {
    for stanza in text.split("\n\n") {
        let mut name = String::new();
        let mut folder = String::new();
        for line in stanza.lines() {
            if let Some(v) = line.strip_prefix("P:") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("V:") {
                out.installed.insert(name.clone(), v.to_string());
            } else if let Some(v) = line.strip_prefix("F:") {
                folder = v.to_string();
            } else if let Some(v) = line.strip_prefix("R:") {
                out.owner
                    .insert(normalize(&format!("/{folder}/{v}")), name.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_and_apk_databases() {
        let mut index = Index::default();
        index.texts.insert(
            "/var/lib/dpkg/status".into(),
            "Package: git\nStatus: install ok installed\nVersion: 1:2.39\n\nPackage: old\nStatus: deinstall ok config-files\nVersion: 1\n".into(),
        );
        index.texts.insert(
            "/var/lib/dpkg/info/git.list".into(),
            "/.\n/usr/bin/git\n".into(),
        );
        index.texts.insert(
            "/lib/apk/db/installed".into(),
            "P:curl\nV:8.5\nF:usr/bin\nR:curl\n".into(),
        );
        let p = Packages::read(&index);
        assert_eq!(p.installed.get("git").map(String::as_str), Some("1:2.39"));
        assert!(!p.installed.contains_key("old"));
        assert_eq!(p.owner.get("/usr/bin/git").map(String::as_str), Some("git"));
        assert_eq!(
            p.owner.get("/usr/bin/curl").map(String::as_str),
            Some("curl")
        );
    }
}
