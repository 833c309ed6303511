//! COPY and ADD: where context files land, archives ADD unpacks, and
//! system files a copy puts in place.

use super::*;

/// Records where COPY and ADD put context files.
pub(super) fn copy_destination(
    facts: &mut Facts<'_>,
    node: usize,
    ins: &Instruction,
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    let args = ins.args();
    let Some((dest, sources)) = args.split_last() else {
        return Err(Unsure::at(
            Code::UnsupportedInstruction,
            line,
            format!("{} with no destination", ins.keyword()),
        ));
    };
    refuse_downloads(ins, sources, line)?;
    if ins.flag("from").is_some() {
        // From another image: repeated in the runtime stage as it is.
        if let Some(abs) = resolve(&expand(dest, &facts.env), workdir) {
            facts.made_in_runtime.push(abs);
        }
        return Ok(());
    }
    let dest = &expand(dest, &facts.env);
    let abs = placed(dest, workdir, line)?;
    let dir_like = dest.ends_with('/') || dest == "." || sources.len() > 1;
    let system = abs == "/" || SYSTEM.iter().any(|s| under(&abs, s));
    let chown = ins.flag("chown").flatten().map(String::from);
    if ins.kind() == Kind::Add && sources.iter().any(|s| is_archive(s)) {
        return add_archive(facts, &abs, system, chown, line);
    }
    if abs == "/" && !dir_like {
        return Err(Unsure::at(
            Code::CopyIntoSystem,
            line,
            "copies into /; dockopt cannot tell the app's files apart",
        ));
    }
    let paths = if dir_like && system {
        let mut paths = Vec::new();
        for s in sources {
            paths.extend(system_targets(facts, s, &abs, line)?);
        }
        paths
    } else {
        vec![(abs.clone(), false)]
    };
    record_context_copies(facts, node, sources, &abs, dir_like);
    for (p, file) in paths {
        if facts.in_app(&p) {
            continue;
        }
        facts.app_paths.retain(|a| !under(&a.path, &p));
        facts.app_paths.push(Artifact {
            path: p,
            chown: chown.clone(),
            reason: format!("the build puts files here (line {line})"),
            file,
        });
    }
    Ok(())
}

/// ADD from a URL or a git repository: what arrives is not known.
fn refuse_downloads(ins: &Instruction, sources: &[String], line: usize) -> Result<(), Unsure> {
    let downloads = sources
        .iter()
        .any(|s| s.contains("://") || s.starts_with("git@"));
    if ins.kind() == Kind::Add && downloads {
        return Err(Unsure::at(
            Code::DownloadOutsideApp,
            line,
            "ADD downloads from a URL; dockopt cannot see what arrives",
        ));
    }
    Ok(())
}

/// A COPY destination as an absolute path, or why it cannot be one.
fn placed(dest: &str, workdir: Option<&str>, line: usize) -> Result<String, Unsure> {
    if dest.contains('$') {
        return Err(Unsure::at(
            Code::ComputedAtBuild,
            line,
            format!("destination {dest} holds a variable"),
        ));
    }
    resolve(dest, workdir).ok_or_else(|| {
        Unsure::at(
            Code::UnplaceablePath,
            line,
            format!("relative destination {dest} with no WORKDIR"),
        )
    })
}

/// A local archive, which ADD unpacks into the destination folder.
pub(super) fn is_archive(source: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|e| source.ends_with(e))
}

/// ADD of an archive: its folder goes to the runtime whole, and one among
/// the system's files is refused (what the archive holds is unknown).
pub(super) fn add_archive(
    facts: &mut Facts<'_>,
    abs: &str,
    system: bool,
    chown: Option<String>,
    line: usize,
) -> Result<(), Unsure> {
    if system {
        return Err(Unsure::at(
            Code::CopyIntoSystem,
            line,
            format!(
                "ADD unpacks an archive into {abs}, among the system's files; dockopt cannot see what it holds"
            ),
        ));
    }
    if !facts.in_app(abs) {
        facts.app_paths.push(Artifact {
            path: abs.to_string(),
            chown,
            reason: format!("ADD unpacks an archive here (line {line})"),
            file: false,
        });
    }
    Ok(())
}

/// The paths one source makes in a system folder: the named file, or a
/// context folder's entries (a folder source puts its contents there, not
/// itself: `COPY ./dist/ ./` in / makes /server.js, not /dist), each with
/// whether the context shows it is a single file. Refused where the files
/// cannot be told apart from the system's.
pub(super) fn system_targets(
    facts: &Facts<'_>,
    s: &str,
    abs: &str,
    line: usize,
) -> Result<Vec<(String, bool)>, Unsure> {
    let refuse = |message: String| Err(Unsure::at(Code::CopyIntoSystem, line, message));
    let base = abs.trim_end_matches('/');
    let rel = s.trim_start_matches("./").trim_end_matches('/');
    let folder = facts
        .context
        .as_ref()
        .filter(|_| !rel.contains(['*', '?', '[', '$']) && !s.starts_with("<<"))
        .map(|c| c.join(rel))
        .filter(|p| p.is_dir());
    if let Some((context, folder)) = facts.context.as_ref().zip(folder) {
        let ignored = crate::facts::context::ignored_at_top(context);
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !rel.is_empty() && rel != "." || !ignored(n))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        // Into /, the context's entries are the app's files as long as
        // none is one of the folders every image has at the top.
        let clash = names
            .iter()
            .find(|n| abs == "/" && ROOT_FOLDERS.contains(&format!("/{n}").as_str()));
        if let Some(clash) = clash {
            return refuse(format!(
                "copies the contents of {s} into /, and its {clash} would merge with the system's /{clash}"
            ));
        }
        if names.is_empty() {
            return refuse(format!(
                "copies the contents of {s} into {abs}; dockopt cannot tell the app's files apart"
            ));
        }
        return Ok(names
            .iter()
            .map(|n| (format!("{base}/{n}"), folder.join(n).is_file()))
            .collect());
    }
    if abs == "/" && (s.ends_with('/') || s == ".") {
        return refuse(format!(
            "copies {s} into /; dockopt cannot tell the app's files apart"
        ));
    }
    if s.ends_with('/') || s == "." {
        return refuse(format!(
            "copies the contents of {s} into the system folder {abs}, and {s} is not in the build context"
        ));
    }
    let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
    if name.contains(['*', '?', '[']) || name == "." || name.is_empty() || s.starts_with("<<") {
        let into = if abs == "/" {
            "/; dockopt cannot tell the app's files apart".to_string()
        } else {
            format!("the system folder {abs}")
        };
        return refuse(format!("copies {s} into {into}"));
    }
    Ok(vec![(format!("{base}/{name}"), false)])
}

/// Where folders and files of the context land, to find them again: COPY
/// puts a folder's contents at the destination, and a file at the
/// destination or, for a folder destination, inside it.
pub(super) fn record_context_copies(
    facts: &mut Facts<'_>,
    node: usize,
    sources: &[String],
    abs: &str,
    dir_like: bool,
) {
    facts
        .copied_sources
        .extend(sources.iter().filter(|s| !s.starts_with("<<")).cloned());
    let Some(context) = facts.context.clone() else {
        return;
    };
    let mut matched = Vec::new();
    for src in sources {
        let src = src.trim_start_matches("./").trim_end_matches('/');
        let src = if src == "." { "" } else { src };
        if src.contains('$') {
            continue;
        }
        if src.contains(['*', '?', '[']) {
            matched.extend(glob_in_context(&context, src));
        } else {
            matched.push(src.to_string());
        }
    }
    // Several sources, or a pattern matching several, need a folder.
    let dir_like = dir_like || matched.len() > 1;
    for src in matched {
        // One status call tells a folder from a file (and from nothing).
        let Ok(meta) = std::fs::metadata(context.join(&src)) else {
            continue;
        };
        if meta.is_dir() {
            facts.context_copies.push(ContextCopy {
                node,
                at: abs.to_string(),
                src,
                folder: true,
            });
        } else if meta.is_file() {
            let name = src.rsplit('/').next().unwrap_or(&src);
            let at = if dir_like || context_dir_in_image(facts, abs) {
                format!("{}/{name}", abs.trim_end_matches('/'))
            } else {
                abs.to_string()
            };
            facts.context_copies.push(ContextCopy {
                node,
                at,
                src,
                folder: false,
            });
        }
    }
}

/// The context paths a COPY source with a wildcard in its last part
/// matches (`package*.json`), as BuildKit matches them: the part without a
/// wildcard names a folder, and `*` does not cross a `/`. A pattern with a
/// wildcard in a folder's name matches nothing here.
fn glob_in_context(context: &std::path::Path, pattern: &str) -> Vec<String> {
    let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    if dir.contains(['*', '?', '[']) {
        return Vec::new();
    }
    let Some(matcher) = name_matcher(name) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(context.join(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| matcher.is_match(n))
        .map(|n| {
            if dir.is_empty() {
                n
            } else {
                format!("{dir}/{n}")
            }
        })
        .collect();
    out.sort();
    out
}

/// A compiled matcher for a COPY source's file-name pattern, kept per
/// thread: compiling one builds a regex (tens of thousands of instructions),
/// and the same few patterns (`package*.json`, `requirements*.txt`) come
/// back in file after file of a tree. None for a pattern that is not a glob.
fn name_matcher(name: &str) -> Option<globset::GlobMatcher> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static MATCHERS: RefCell<HashMap<String, Option<globset::GlobMatcher>>> =
            RefCell::new(HashMap::new());
    }
    MATCHERS.with_borrow_mut(|matchers| {
        if let Some(m) = matchers.get(name) {
            return m.clone();
        }
        // Unusual patterns do not pile up over a long run.
        if matchers.len() >= 256 {
            matchers.clear();
        }
        let m = globset::GlobBuilder::new(name)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher());
        matchers.insert(name.to_string(), m.clone());
        m
    })
}

/// The build tool a step runs (`pip install`, `npm install`, `go build`),
/// which only a builder stage can run.
pub(super) fn build_tool_step(step: &Step) -> Option<&'static str> {
    Some(match step {
        Step::Pip(_) => "pip install",
        Step::PythonTool { .. } => "a Python package manager",
        Step::Node { .. } | Step::NodeGlobal { .. } => "npm, yarn or pnpm",
        Step::Go(_) => "go",
        Step::Cargo(_) => "cargo",
        Step::Jvm { .. } => "Maven or Gradle",
        Step::Dotnet { .. } => "dotnet",
        Step::Ruby { .. } => "gem or bundler",
        Step::Composer { .. } => "composer",
        Step::Native { .. } => "a C or C++ build",
        _ => return None,
    })
}

/// Whether `path` is a folder the build made earlier (a WORKDIR or a
/// folder COPY filled), so that a COPY to it without a slash puts files
/// inside it.
pub(super) fn context_dir_in_image(facts: &Facts<'_>, path: &str) -> bool {
    facts
        .context_copies
        .iter()
        .any(|c| c.folder && c.at == path)
        || facts.workdir.as_deref() == Some(path)
}
