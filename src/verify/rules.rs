//! The rules that explain what a rewrite leaves behind on purpose: packages
//! it does not install, the base images' difference, caches, pip's packages
//! moved into the venv, packaging tools, pruned devDependencies, and the
//! build tree a runtime that copies outputs alone leaves in the builder.

use super::compare::{Change, Image, Inputs, Rule, differs, in_any, under};
use super::filesystem::{Entry, Index, Kind};

/// Caches, temporary files and logs a build leaves, which a runtime need
/// not keep.
pub(super) const CACHES: &[&str] = &[
    "/root/.cache",
    "/root/.npm",
    "/root/.m2",
    "/root/.gradle",
    "/root/.cargo/registry",
    "/root/.cargo/git",
    "/root/.composer",
    "/root/.config/composer",
    "/root/.local/share/pnpm",
    "/root/.yarn",
    "/root/.nuget",
    "/root/.dotnet",
    "/root/.bundle/cache",
    "/usr/local/share/.cache",
    "/usr/local/bundle/cache",
    "/tmp",
    "/var/tmp",
    "/var/cache",
    "/var/log",
    "/var/lib/apt/lists",
    "/go/pkg/mod",
    "/root/go/pkg",
    "/home/node/.npm",
    "/home/gradle/.gradle",
    "/usr/local/cargo/registry",
    "/usr/local/cargo/git",
    "/home/app/.cache",
    "/usr/local/cargo/.package-cache",
    "/root/.cargo/.package-cache",
    "/root/.local/share/virtualenvs",
    "/root/.local/share/pipenv",
    // Next.js's telemetry settings, written by `next build` and again by
    // `next start` when missing (nextjs.org/telemetry).
    "/root/.config/nextjs-nodejs",
];

/// Files every package change rewrites (the package manager's own state).
pub(super) const PACKAGE_STATE: &[&str] = &[
    "/var/lib/dpkg/status",
    "/var/lib/dpkg/status-old",
    "/var/lib/dpkg/available",
    "/var/lib/dpkg/triggers",
    "/var/lib/dpkg/alternatives",
    "/var/lib/apt/extended_states",
    "/etc/ld.so.cache",
    "/var/cache/ldconfig",
    "/var/cache/debconf",
    "/lib/apk/db",
    "/etc/apk/world",
    "/usr/lib/sysimage",
    "/var/lib/ucf",
    "/etc/ssl/certs",
    "/usr/share/info/dir",
    "/usr/lib/python3/dist-packages/__pycache__",
    // deb-systemd-helper's record of the units packages enabled (gnupg's
    // dirmngr and gpg-agent sockets, pulled in by build-essential).
    "/var/lib/systemd/deb-systemd-helper-enabled",
    "/var/lib/systemd/deb-systemd-user-helper-enabled",
    "/var/lib/systemd/deb-systemd-helper-masked",
];

/// Folders that packages' install scripts make, which no file list of the
/// package database names, with the package: gone with it.
pub(super) const MADE_BY_INSTALL_SCRIPTS: &[(&str, &str)] = &[
    // fontconfig-config's postinst makes the folder for local fonts.
    ("/usr/local/share/fonts", "fontconfig-config"),
];

/// The rule that explains a loss, if one does.
pub(super) fn explain(
    inputs: &Inputs<'_>,
    path: &str,
    entry: &Entry,
    change: Change,
) -> Option<Rule> {
    let o = inputs.original;
    let r = inputs.rewritten;
    if inputs.allow.is_match(path) {
        let pattern = inputs
            .allow_patterns
            .iter()
            .find(|p| {
                globset::Glob::new(p)
                    .map(|g| g.compile_matcher().is_match(path))
                    .unwrap_or(false)
            })
            .cloned()
            .unwrap_or_default();
        return Some(Rule::Allowed(pattern));
    }
    if let Some(rule) = package_rule(inputs, path, entry, change) {
        return Some(rule);
    }
    if let (Some(b), Some(rb)) = (inputs.builder_base, inputs.runtime_base)
        && let Some(in_builder) = b.entries.get(path)
        && rb
            .entries
            .get(path)
            .is_none_or(|x| differs(in_builder, x).is_some())
    {
        return Some(Rule::BaseImage);
    }
    if in_any(path, CACHES) {
        return Some(Rule::Cache);
    }
    if matches!(change, Change::Missing | Change::Content) && moved_to_venv(path, r.index) {
        return Some(Rule::MovedToVenv);
    }
    if change == Change::Content && path.starts_with("/var/lib/dpkg/info/") {
        return Some(Rule::Package("(the package database)".into()));
    }
    if change != Change::Missing {
        return None;
    }
    if let Some(tool) = python_build_tool(o.index, path) {
        return Some(Rule::BuildTool(tool));
    }
    if let Some(package) = pruned_package(path, inputs.pruned, r.index) {
        return Some(Rule::DevDependency(package));
    }
    left_in_builder(path, inputs.app_folders, inputs.copied).map(Rule::BuildTree)
}

/// A path of a system package the rewrite does not install (or has in
/// another version), a link to one's file, or the package database;
/// never a package the original file installs for the program.
pub(super) fn package_rule(
    inputs: &Inputs<'_>,
    path: &str,
    entry: &Entry,
    change: Change,
) -> Option<Rule> {
    let o = inputs.original;
    let r = inputs.rewritten;
    let carried = |package: &String| inputs.must_carry.iter().any(|p| p == package);
    if let Some(package) = o.packages.owner.get(path).filter(|p| !carried(p)) {
        let gone = !r.packages.installed.contains_key(package);
        let other_version = r.packages.installed.get(package) != o.packages.installed.get(package);
        if gone || (other_version && change != Change::Missing) {
            return Some(Rule::Package(package.clone()));
        }
    }
    // A link update-alternatives made (/usr/bin/cc -> /etc/alternatives/cc
    // -> gcc-12's file): the package of the file it ends at.
    if entry.kind == Kind::Symlink
        && change == Change::Missing
        && let Some((end, _)) = o.index.resolve(path)
        && let Some(package) = o.packages.owner.get(&end)
        && !r.packages.installed.contains_key(package)
        && !carried(package)
    {
        return Some(Rule::Package(package.clone()));
    }
    if in_any(path, PACKAGE_STATE)
        || path.starts_with("/etc/alternatives/") && alternative_of_gone_package(o, r, entry)
    {
        return Some(Rule::Package("(the package database)".into()));
    }
    MADE_BY_INSTALL_SCRIPTS
        .iter()
        .find(|(folder, package)| {
            *folder == path
                && o.packages.installed.contains_key(*package)
                && !r.packages.installed.contains_key(*package)
        })
        .map(|(_, package)| Rule::Package(package.to_string()))
}

/// The package a missing path belonged to, when the builder pruned that
/// folder's node_modules and the rewrite has none of the package (a link
/// in node_modules/.bin counts as its package's).
pub(super) fn pruned_package(path: &str, pruned: &[String], r: &Index) -> Option<String> {
    pruned.iter().find_map(|folder| {
        let modules = format!("{}/node_modules/", folder.trim_end_matches('/'));
        let rest = path.strip_prefix(&modules)?;
        if let Some(bin) = rest.strip_prefix(".bin/") {
            return Some(format!(".bin/{bin}"));
        }
        let package = crate::strategy::manifests::npm_package_of(rest);
        let root = format!("{modules}{package}");
        let kept = r
            .entries
            .range(root.clone()..)
            .next()
            .is_some_and(|(k, _)| under(k, &root));
        (!kept).then_some(package)
    })
}

/// The Python distribution a file belongs to, by the RECORD files of the
/// original's site-packages, when it is a packaging tool (uv, poetry,
/// pipenv, pip...) that the build needs and the program does not.
pub(super) fn python_build_tool(o: &Index, path: &str) -> Option<String> {
    let cat = crate::catalog::catalog();
    for (record, text) in o
        .texts
        .iter()
        .filter(|(p, _)| p.ends_with(".dist-info/RECORD"))
    {
        let site = record.rsplitn(3, '/').nth(2).unwrap_or("");
        let dist = record
            .rsplit('/')
            .nth(1)
            .and_then(|d| d.strip_suffix(".dist-info"))
            .and_then(|d| d.rsplit_once('-'))
            .map(|(n, _)| n.to_ascii_lowercase().replace('_', "-"))
            .unwrap_or_default();
        if !cat.is_python_build_tool(&dist) {
            continue;
        }
        let owns = text.lines().any(|l| {
            let file = l.split(',').next().unwrap_or("");
            super::filesystem::normalize(&format!("{site}/{file}")) == path
        });
        if owns {
            return Some(dist);
        }
    }
    None
}

/// An `/etc/alternatives` link whose original target belongs to a package
/// the rewrite does not install.
pub(super) fn alternative_of_gone_package(o: &Image<'_>, r: &Image<'_>, entry: &Entry) -> bool {
    let Some(target) = entry.target.as_deref() else {
        return false;
    };
    o.packages
        .owner
        .get(target)
        .is_some_and(|p| !r.packages.installed.contains_key(p))
}

/// Whether a missing file of the system Python is in the rewrite's venv at
/// the same place below it (`/usr/local/lib/python3.11/site-packages/x`
/// -> `/opt/venv/lib/python3.11/site-packages/x`, scripts in bin; Debian's
/// Python calls the folder dist-packages, a venv of it site-packages).
pub(super) fn moved_to_venv(path: &str, rewritten: &Index) -> bool {
    if let Some(rest) = path.strip_prefix("/usr/local/lib/")
        && rest.starts_with("python")
        && let Some((version, inner)) = rest.split_once('/')
        && (inner.starts_with("site-packages/") || inner.starts_with("dist-packages/"))
    {
        let inner = inner.replacen("dist-packages/", "site-packages/", 1);
        return rewritten
            .entries
            .keys()
            .any(|k| k.starts_with("/opt/venv/") && k.ends_with(&format!("/{version}/{inner}")))
            || inner.contains("__pycache__");
    }
    if let Some(name) = path.strip_prefix("/usr/local/bin/") {
        return rewritten
            .entries
            .contains_key(&format!("/opt/venv/bin/{name}"));
    }
    // Headers a package installs (`include/site/python3.11/...`) and data
    // files under the prefix's share/ move with it too.
    for below in ["include/site/", "share/"] {
        if let Some(rest) = path.strip_prefix(&format!("/usr/local/{below}")) {
            return rewritten
                .entries
                .contains_key(&format!("/opt/venv/{below}{rest}"));
        }
    }
    false
}

/// The app folder a missing path is in when the rewrite leaves that
/// folder's build tree in the builder: the rewrite copies nothing of the
/// folder, or the path is build output (target/, obj/, .git..., and the
/// Cargo.lock cargo writes when the context has none), or a source or
/// manifest only a build reads (images.toml's `[build_sources]` and, at
/// the top of the folder, `[build_inputs]`), which a runtime that takes a
/// binary alone leaves behind.
pub(super) fn left_in_builder(path: &str, app: &[String], copied: &[String]) -> Option<String> {
    let folder = app
        .iter()
        .filter(|a| under(path, a))
        .max_by_key(|a| a.len())?;
    let copies_some = copied.iter().any(|c| under(c, folder) || under(folder, c));
    let not_copied = !copied.iter().any(|c| under(path, c));
    let left =
        !copies_some || not_copied && (is_build_output(path) || is_build_source(folder, path));
    left.then(|| folder.clone())
}

/// Whether a path below an app folder is a source file or, at its top, a
/// build input of some ecosystem.
pub(super) fn is_build_source(folder: &str, path: &str) -> bool {
    let rel = path[folder.len()..].trim_start_matches('/');
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let top = rel.split('/').next().unwrap_or(rel);
    let cat = crate::catalog::catalog();
    cat.is_any_build_source(name) || cat.is_any_build_input(top)
}

/// Whether a path is in a build's output or tool folders.
pub(super) fn is_build_output(path: &str) -> bool {
    path.split('/').any(|part| {
        matches!(
            part,
            "target"
                | "obj"
                | ".git"
                | "node_modules"
                | "__pycache__"
                | ".gradle"
                | ".m2"
                | "build"
                | "dist"
                | "Cargo.lock"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::verify::filesystem::test_file as file;

    #[test]
    fn a_pruned_package_is_explained_only_when_it_is_gone_whole() {
        let mut r = Index::default();
        r.entries
            .insert("/app/node_modules/ms/index.js".into(), file(1, 1));
        let pruned = ["/app".to_string()];
        let gone = pruned_package("/app/node_modules/typescript/lib/tsc.js", &pruned, &r);
        assert_eq!(gone.as_deref(), Some("typescript"));
        let scoped = pruned_package("/app/node_modules/@types/node/index.d.ts", &pruned, &r);
        assert_eq!(scoped.as_deref(), Some("@types/node"));
        assert_eq!(
            pruned_package("/app/node_modules/ms/readme.md", &pruned, &r),
            None
        );
        assert_eq!(
            pruned_package("/srv/node_modules/x/a.js", &pruned, &r),
            None
        );
        assert_eq!(pruned_package("/app/node_modules/x/a.js", &[], &r), None);
    }

    #[test]
    fn build_output_beside_a_copied_binary_stays_in_the_builder() {
        let app = ["/src".to_string()];
        let copied = ["/src/target/release/app".to_string()];
        for built in ["/src/Cargo.lock", "/src/target/release/deps/app.d"] {
            assert_eq!(
                left_in_builder(built, &app, &copied).as_deref(),
                Some("/src")
            );
        }
        assert_eq!(left_in_builder("/src/config.toml", &app, &copied), None);
        // Only the binary of target/ copied: the sources stayed behind too.
        let binary_alone = ["/src/target/release/app".to_string()];
        assert_eq!(
            left_in_builder("/src/src/main.rs", &app, &binary_alone).as_deref(),
            Some("/src")
        );
        assert_eq!(left_in_builder("/etc/Cargo.lock", &app, &copied), None);
    }

    #[test]
    fn a_package_moved_into_the_venv_is_explained_with_its_headers() {
        let mut r = Index::default();
        for p in [
            "/opt/venv/lib/python3.11/site-packages/x/__init__.py",
            "/opt/venv/include/site/python3.11/x/x.h",
            "/opt/venv/bin/x",
        ] {
            r.entries.insert(p.into(), file(1, 1));
        }
        for moved in [
            "/usr/local/lib/python3.11/site-packages/x/__init__.py",
            "/usr/local/lib/python3.11/dist-packages/x/__init__.py",
            "/usr/local/include/site/python3.11/x/x.h",
            "/usr/local/bin/x",
        ] {
            assert!(moved_to_venv(moved, &r), "{moved}");
        }
        assert!(!moved_to_venv(
            "/usr/local/lib/python3.11/dist-packages/y/__init__.py",
            &r
        ));
        assert!(!moved_to_venv(
            "/usr/local/include/site/python3.11/y/y.h",
            &r
        ));
        assert!(!moved_to_venv("/usr/local/lib/libx.so", &r));
    }
}
