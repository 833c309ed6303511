//! What the rewritten image lost compared with the original, and why.
//!
//! Every path of the original that the rewrite lacks, or has with another
//! mode, owner or link target (or, outside the app, other content), is a
//! loss. A loss the rewrite makes on purpose is explained by a rule:
//! a package the runtime does not install, a difference between the two
//! base images, a cache or log, pip's packages moved into the venv, a build
//! tree the runtime does not copy, or a glob the user allows. What remains
//! is unexplained. Beside the files, every library an ELF object of the
//! rewrite needs must resolve there when it resolved in the original, and
//! every program the image runs must be found where the original found it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::elf;
use super::filesystem::{Entry, Index, Kind};
use super::packages::Packages;
use super::rules::explain;

/// Why a loss is on purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "rule", content = "detail", rename_all = "kebab-case")]
pub enum Rule {
    /// Files of a package the runtime does not install.
    Package(String),
    /// Files in which the builder's base image and the runtime's differ.
    BaseImage,
    /// Caches, temporary files and logs of the build.
    Cache,
    /// pip's packages and scripts, moved into the virtual environment.
    MovedToVenv,
    /// A packaging tool pip installed for the build (uv, poetry, pipenv).
    BuildTool(String),
    /// A build tree or sources the runtime does not copy.
    BuildTree(String),
    /// A package the builder's prune removed from node_modules.
    DevDependency(String),
    /// Accepted by `--allow-missing` or `verify.allow_missing`.
    Allowed(String),
}

impl Rule {
    /// The group name for the saving's breakdown.
    pub fn group(&self) -> &'static str {
        match self {
            Rule::Package(_) => "packages left behind",
            Rule::BaseImage => "base image difference",
            Rule::Cache => "caches and logs",
            Rule::MovedToVenv => "moved into the virtual environment",
            Rule::BuildTool(_) => "build tools left behind",
            Rule::BuildTree(_) => "build tree and sources",
            Rule::DevDependency(_) => "devDependencies pruned",
            Rule::Allowed(_) => "allowed by the user",
        }
    }
}

/// How a path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Missing,
    Content,
    Mode,
    Owner,
    LinkTarget,
    Kind,
}

/// A group of explained losses.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub rule: Rule,
    pub files: usize,
    pub bytes: u64,
}

/// Unexplained losses below one folder.
#[derive(Debug, Clone, Serialize)]
pub struct Unexplained {
    pub folder: String,
    pub files: usize,
    pub bytes: u64,
    /// A few of the paths, with how each differs.
    pub examples: Vec<(String, Change)>,
}

/// A library an object of the rewrite needs and cannot load there.
#[derive(Debug, Clone, Serialize)]
pub struct LostLibrary {
    pub object: String,
    pub needed: String,
    /// Where the original image has it.
    pub original_at: String,
}

/// A program the image runs that the rewrite lacks.
#[derive(Debug, Clone, Serialize)]
pub struct LostProgram {
    pub program: String,
    /// What runs it (CMD, a script, a file of the app).
    pub by: String,
    /// Where the original image has it.
    pub original_at: String,
}

/// The comparison of two images.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Comparison {
    pub explained: Vec<Explained>,
    pub unexplained: Vec<Unexplained>,
    pub libraries: Vec<LostLibrary>,
    pub programs: Vec<LostProgram>,
    pub files: Vec<LostFile>,
    /// Files of the app whose content differs between the two builds, which
    /// separate builds do (timestamps, paths); noted, not counted.
    pub app_content_changes: usize,
    /// A few of those files.
    pub app_content_examples: Vec<String>,
    /// The saving by group: bytes the rewrite left behind.
    pub saving: Vec<(String, u64)>,
}

impl Comparison {
    /// True when nothing was lost without a reason.
    pub fn clean(&self) -> bool {
        self.unexplained.is_empty()
            && self.libraries.is_empty()
            && self.programs.is_empty()
            && self.files.is_empty()
    }
}

/// One image, with what the comparison reads of it.
pub struct Image<'a> {
    pub index: &'a Index,
    pub packages: Packages,
    /// Its PATH and LD_LIBRARY_PATH.
    pub path: Vec<String>,
    pub ld_library_path: Vec<String>,
    pub workdir: String,
}

impl<'a> Image<'a> {
    /// An image from its index and its environment (`NAME=value` lines).
    pub fn new(index: &'a Index, env: &[String], workdir: &str) -> Image<'a> {
        let var = |name: &str| {
            env.iter()
                .find_map(|e| e.strip_prefix(&format!("{name}=")).map(String::from))
        };
        let split = |v: Option<String>| -> Vec<String> {
            v.unwrap_or_default()
                .split(':')
                .filter(|d| !d.is_empty())
                .map(String::from)
                .collect()
        };
        let mut path = split(var("PATH"));
        if path.is_empty() {
            path = [
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/sbin",
                "/usr/bin",
                "/sbin",
                "/bin",
            ]
            .map(String::from)
            .to_vec();
        }
        Image {
            index,
            packages: Packages::read(index),
            path,
            ld_library_path: split(var("LD_LIBRARY_PATH")),
            workdir: if workdir.is_empty() {
                "/".into()
            } else {
                workdir.into()
            },
        }
    }

    /// Where a program is found: an absolute or relative path as it is,
    /// a name on PATH.
    pub fn find_program(&self, program: &str) -> Option<String> {
        let found = |p: &str| {
            self.index
                .resolve(p)
                .filter(|(_, e)| e.kind == Kind::File)
                .map(|(at, _)| at)
        };
        if program.contains('/') {
            let abs = if program.starts_with('/') {
                program.to_string()
            } else {
                format!("{}/{program}", self.workdir.trim_end_matches('/'))
            };
            return found(&abs);
        }
        self.path
            .iter()
            .find_map(|d| found(&format!("{}/{program}", d.trim_end_matches('/'))))
    }
}

/// What the comparison is told beyond the two images.
pub struct Inputs<'a> {
    pub original: &'a Image<'a>,
    pub rewritten: &'a Image<'a>,
    /// The builder's and the runtime's base images, when read.
    pub builder_base: Option<&'a Index>,
    pub runtime_base: Option<&'a Index>,
    /// Folders the original's build put the app in (COPY destinations and
    /// WORKDIRs), and the folders the rewrite's runtime copies.
    pub app_folders: &'a [String],
    pub copied: &'a [String],
    /// Globs the user accepts as lost.
    pub allow: &'a globset::GlobSet,
    pub allow_patterns: &'a [String],
    /// Programs the image runs, with what runs them.
    pub programs: &'a [(String, String)],
    /// Files the app names (fonts, data, libraries loaded by name).
    pub data: &'a [(Need, String)],
    /// Packages the original installs for the program to use: their loss
    /// is never on purpose.
    pub must_carry: &'a [String],
    /// Folders whose node_modules the rewrite's builder prunes.
    pub pruned: &'a [String],
}

/// A file the app's code names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Need {
    /// A path.
    Path(String),
    /// A font by file name (or path).
    Font(String),
    /// A shared library loaded by name.
    Library(String),
}

/// A file the app names that the rewrite lacks.
#[derive(Debug, Clone, Serialize)]
pub struct LostFile {
    pub need: Need,
    pub by: String,
    pub original_at: String,
}

/// Compares the two images.
pub fn compare(inputs: &Inputs<'_>) -> Comparison {
    let o = inputs.original;
    let r = inputs.rewritten;
    let mut explained: BTreeMap<Rule, (usize, u64)> = BTreeMap::new();
    let mut unexplained: BTreeMap<String, Unexplained> = BTreeMap::new();
    let mut app_content = 0;
    let mut app_examples = Vec::new();
    let new_folders = new_app_folders(inputs);
    for (path, entry) in &o.index.entries {
        let Some(change) = change_of(o.index, r.index, path, entry) else {
            continue;
        };
        let in_app = in_any(path, inputs.app_folders) || in_any(path, inputs.copied);
        let stamped = match change {
            Change::Content => true,
            Change::Missing => {
                entry.kind != Kind::Dir && renamed_by_the_build(r.index, &new_folders, path)
            }
            _ => false,
        };
        if in_app && stamped {
            app_content += 1; // separate builds stamp their outputs
            if app_examples.len() < 5 {
                app_examples.push(path.clone());
            }
            continue;
        }
        match explain(inputs, path, entry, change) {
            Some(rule) => {
                let e = explained.entry(rule).or_default();
                e.0 += 1;
                e.1 += entry.size;
            }
            None => note_unexplained(&mut unexplained, path, entry.size, change),
        }
    }
    let mut saving: BTreeMap<&'static str, u64> = BTreeMap::new();
    for (rule, (_, bytes)) in &explained {
        *saving.entry(rule.group()).or_default() += bytes;
    }
    Comparison {
        explained: explained
            .into_iter()
            .map(|(rule, (files, bytes))| Explained { rule, files, bytes })
            .collect(),
        unexplained: unexplained.into_values().collect(),
        libraries: lost_libraries(o, r),
        programs: lost_programs(o, r, inputs.programs),
        files: lost_files(o, r, inputs.data),
        app_content_changes: app_content,
        app_content_examples: app_examples,
        saving: saving
            .into_iter()
            .map(|(g, b)| (g.to_string(), b))
            .collect(),
    }
}

/// How the original's `path` changed in the rewrite; None when it did not
/// count: the same, a folder whose files speak for it, or bytecode each
/// build compiled.
fn change_of(original: &Index, rewritten: &Index, path: &str, entry: &Entry) -> Option<Change> {
    let change = match rewritten.entries.get(path) {
        None if entry.kind == Kind::Dir && has_children(original, path) => return None,
        None => Change::Missing,
        Some(other) => differs(entry, other)?,
    };
    if path.ends_with(".pyc") && change != Change::Missing {
        return None;
    }
    Some(change)
}

/// Counts a loss no rule explains under its folder, with a few examples.
fn note_unexplained(
    unexplained: &mut BTreeMap<String, Unexplained>,
    path: &str,
    size: u64,
    change: Change,
) {
    let folder = folder_of(path);
    let u = unexplained.entry(folder.clone()).or_insert(Unexplained {
        folder,
        files: 0,
        bytes: 0,
        examples: Vec::new(),
    });
    u.files += 1;
    u.bytes += size;
    if u.examples.len() < 5 {
        u.examples.push((path.to_string(), change));
    }
}

/// How two entries at one path differ, if they do.
pub(super) fn differs(a: &Entry, b: &Entry) -> Option<Change> {
    if a.kind != b.kind {
        return Some(Change::Kind);
    }
    if a.kind == Kind::Symlink && a.target != b.target {
        return Some(Change::LinkTarget);
    }
    if a.kind == Kind::File && a.hash != b.hash {
        return Some(Change::Content);
    }
    if a.mode != b.mode {
        return Some(Change::Mode);
    }
    if a.uid != b.uid || a.gid != b.gid {
        return Some(Change::Owner);
    }
    None
}

/// Every need of an ELF object in the rewrite that does not resolve there
/// but is in the original.
fn lost_libraries(o: &Image<'_>, r: &Image<'_>) -> Vec<LostLibrary> {
    let mut out = Vec::new();
    let loader_r = [
        elf::loader_folders(r.index, false),
        elf::loader_folders(r.index, true),
    ];
    let loader_o = [
        elf::loader_folders(o.index, false),
        elf::loader_folders(o.index, true),
    ];
    for (path, entry) in &r.index.entries {
        let Some(info) = &entry.elf else { continue };
        let lr = &loader_r[usize::from(info.musl)];
        let lo = &loader_o[usize::from(info.musl)];
        for needed in &info.needed {
            if elf::resolve_needed(r.index, path, info, needed, &r.ld_library_path, lr).is_some() {
                continue;
            }
            // Where the original has it: for the same object at the same
            // path, or anywhere the loader looks.
            let at = elf::resolve_needed(o.index, path, info, needed, &o.ld_library_path, lo);
            if let Some(original_at) = at {
                out.push(LostLibrary {
                    object: path.clone(),
                    needed: needed.clone(),
                    original_at,
                });
            }
        }
    }
    out
}

/// Every program the image runs that the original finds and the rewrite
/// does not.
fn lost_programs(o: &Image<'_>, r: &Image<'_>, programs: &[(String, String)]) -> Vec<LostProgram> {
    let mut out: Vec<LostProgram> = Vec::new();
    for (program, by) in programs {
        if out.iter().any(|l| &l.program == program) {
            continue;
        }
        if let (Some(original_at), None) = (o.find_program(program), r.find_program(program)) {
            out.push(LostProgram {
                program: program.clone(),
                by: by.clone(),
                original_at,
            });
        }
    }
    out
}

/// Every file the app names that the original has and the rewrite lacks.
fn lost_files(o: &Image<'_>, r: &Image<'_>, data: &[(Need, String)]) -> Vec<LostFile> {
    let mut out = Vec::new();
    for (need, by) in data {
        let find = |img: &Image<'_>| -> Option<String> {
            match need {
                Need::Path(p) => img.index.resolve(p).map(|(at, _)| at),
                Need::Font(name) if name.starts_with('/') => {
                    img.index.resolve(name).map(|(at, _)| at)
                }
                Need::Font(name) => img
                    .index
                    .entries
                    .keys()
                    .find(|k| {
                        (k.starts_with("/usr/share/fonts/")
                            || k.starts_with("/usr/local/share/fonts/"))
                            && k.rsplit('/').next() == Some(name.as_str())
                    })
                    .cloned(),
                Need::Library(name) => {
                    let file = name.rsplit('/').next().unwrap_or(name);
                    let folders = elf::loader_folders(img.index, false);
                    let info = elf::ElfInfo::default();
                    elf::resolve_needed(img.index, "/", &info, file, &img.ld_library_path, &folders)
                        .or_else(|| {
                            // `libz.so` without a version: the loader's
                            // name for the file ldconfig links.
                            folders.iter().find_map(|d| {
                                img.index
                                    .entries
                                    .range(format!("{d}/{file}")..)
                                    .next()
                                    .filter(|(k, _)| k.starts_with(&format!("{d}/{file}")))
                                    .map(|(k, _)| k.clone())
                            })
                        })
                }
            }
        };
        if let (Some(original_at), None) = (find(o), find(r)) {
            out.push(LostFile {
                need: need.clone(),
                by: by.clone(),
                original_at,
            });
        }
    }
    out
}

/// Whether a folder of the index has anything below it.
fn has_children(index: &Index, dir: &str) -> bool {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    index
        .entries
        .range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix))
}

/// The folders of the rewrite's app that the original lacks, by parent:
/// where a build may have named an output anew.
fn new_app_folders(inputs: &Inputs<'_>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (path, e) in &inputs.rewritten.index.entries {
        let in_app = in_any(path, inputs.app_folders) || in_any(path, inputs.copied);
        if e.kind != Kind::Dir || !in_app || inputs.original.index.entries.contains_key(path) {
            continue;
        }
        if let Some((parent, name)) = path.rsplit_once('/') {
            out.entry(parent.to_string())
                .or_default()
                .push(name.to_string());
        }
    }
    out
}

/// Whether the rewrite has `path` under another name in one of its folders,
/// a folder the original lacks (`.next/static/<build id>/`, which each
/// `next build` draws anew): separate builds name their outputs so, as they
/// stamp their contents.
fn renamed_by_the_build(
    rewritten: &Index,
    new_folders: &HashMap<String, Vec<String>>,
    path: &str,
) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    (1..parts.len().saturating_sub(1)).any(|i| {
        let parent = parts[..i].join("/");
        let rest = parts[i + 1..].join("/");
        new_folders.get(&parent).is_some_and(|names| {
            names.iter().any(|n| {
                rewritten
                    .entries
                    .contains_key(&format!("{parent}/{n}/{rest}"))
            })
        })
    })
}

/// The folder a loss is grouped under: the first three levels.
fn folder_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let keep = parts.len().saturating_sub(1).clamp(1, 3);
    format!("/{}", parts[..keep.min(parts.len())].join("/"))
}

/// Whether `path` is `dir` or below it.
pub(super) fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
}

/// Whether `path` is below any of `dirs`.
pub(super) fn in_any(path: &str, dirs: &[impl AsRef<str>]) -> bool {
    dirs.iter().any(|d| under(path, d.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparison of two indexes whose app is /app, copied whole.
    fn compared(o: &Index, r: &Index) -> Comparison {
        let oi = Image::new(o, &[], "/app");
        let ri = Image::new(r, &[], "/app");
        let none = globset::GlobSet::empty();
        compare(&Inputs {
            original: &oi,
            rewritten: &ri,
            builder_base: None,
            runtime_base: None,
            app_folders: &["/app".into()],
            copied: &["/app".into()],
            allow: &none,
            allow_patterns: &[],
            programs: &[],
            data: &[],
            must_carry: &[],
            pruned: &[],
        })
    }

    use crate::verify::filesystem::test_file as file;

    #[test]
    fn explains_what_it_can_and_reports_the_rest() {
        let mut o = Index::default();
        o.entries.insert("/usr/bin/gcc".into(), file(10, 1));
        o.entries.insert("/etc/myapp/build.json".into(), file(5, 2));
        o.entries.insert("/root/.cache/pip/x".into(), file(7, 3));
        o.entries.insert("/app/main.py".into(), file(3, 4));
        o.texts.insert(
            "/var/lib/dpkg/status".into(),
            "Package: gcc\nStatus: install ok installed\nVersion: 12\n".into(),
        );
        o.texts.insert(
            "/var/lib/dpkg/info/gcc.list".into(),
            "/usr/bin/gcc\n".into(),
        );
        let mut r = Index::default();
        r.entries.insert("/app/main.py".into(), file(3, 9));
        let c = compared(&o, &r);
        assert_eq!(c.unexplained.len(), 1, "{:?}", c.unexplained);
        assert_eq!(c.unexplained[0].examples[0].0, "/etc/myapp/build.json");
        assert_eq!(c.app_content_changes, 1);
        let rules: Vec<&Rule> = c.explained.iter().map(|e| &e.rule).collect();
        assert_eq!(rules, [&Rule::Package("gcc".into()), &Rule::Cache]);
        assert!(!c.clean());
    }

    #[test]
    fn an_output_folder_each_build_names_anew_is_not_a_loss() {
        let dir = || Entry {
            kind: Kind::Dir,
            ..file(0, 0)
        };
        let mut o = Index::default();
        o.entries.insert("/app/.next/static".into(), dir());
        o.entries.insert("/app/.next/static/AAA".into(), dir());
        o.entries
            .insert("/app/.next/static/AAA/_buildManifest.js".into(), file(3, 1));
        o.entries
            .insert("/app/.next/static/AAA/gone.js".into(), file(3, 1));
        o.entries.insert("/app/lost.txt".into(), file(3, 1));
        let mut r = Index::default();
        r.entries.insert("/app/.next/static".into(), dir());
        r.entries.insert("/app/.next/static/BBB".into(), dir());
        r.entries
            .insert("/app/.next/static/BBB/_buildManifest.js".into(), file(3, 2));
        let c = compared(&o, &r);
        assert_eq!(c.app_content_changes, 1);
        let lost: Vec<&str> = c
            .unexplained
            .iter()
            .flat_map(|u| u.examples.iter().map(|(p, _)| p.as_str()))
            .collect();
        assert_eq!(lost, ["/app/lost.txt", "/app/.next/static/AAA/gone.js"]);
    }

    #[test]
    fn what_install_scripts_of_packages_left_behind_made_is_explained() {
        let dir = Entry {
            kind: Kind::Dir,
            ..file(0, 0)
        };
        let mut o = Index::default();
        o.entries
            .insert("/usr/local/share/fonts".into(), dir.clone());
        o.entries.insert(
            "/var/lib/systemd/deb-systemd-user-helper-enabled/dirmngr.socket.dsh-also".into(),
            file(1, 1),
        );
        o.texts.insert(
            "/var/lib/dpkg/status".into(),
            "Package: fontconfig-config\nStatus: install ok installed\nVersion: 2.14\n".into(),
        );
        let r = Index::default();
        let c = compared(&o, &r);
        assert!(c.unexplained.is_empty(), "{:?}", c.unexplained);
    }
}
