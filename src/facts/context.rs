//! The files of the build context that reach the image: the sources of
//! every COPY and ADD from the context, walked below their folders, with
//! folders that hold other projects' code or build output left out.

use std::path::{Path, PathBuf};

/// Folders whose files are not the app's own code: dependencies, version
/// control, caches, build output and tests (copied, but not what the
/// program runs).
const SKIPPED: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    "target",
    "bin",
    "obj",
    "vendor",
    ".next",
    ".nuxt",
    "coverage",
    "test",
    "tests",
    "__tests__",
    "spec",
    "e2e",
    "cypress",
    "testdata",
    "docs",
];

/// How many files a context may have before dockopt stops reading it.
pub const MAX_FILES: usize = 20_000;

/// The largest file read, in bytes.
pub const MAX_BYTES: u64 = 1 << 20;

/// A COPY source as a path relative to the context (`./app/` -> `app`,
/// `.` -> ``).
fn relative(source: &str) -> &str {
    let rel = source.trim_start_matches("./").trim_end_matches('/');
    if rel == "." { "" } else { rel }
}

/// Whether a relative source names more than one path (a glob, or a path
/// through `..` that the context cannot hold).
fn is_pattern(rel: &str) -> bool {
    rel.contains(['*', '?', '[']) || rel.contains("..")
}

/// The first of `sources` (written out, not a glob or a variable) that the
/// context does not hold: the context is then not the one the image is
/// built from.
pub fn missing_source(context: &Path, sources: &[String]) -> Option<String> {
    sources
        .iter()
        .find(|s| {
            let rel = relative(s);
            !rel.is_empty() && !is_pattern(rel) && !rel.contains('$') && !context.join(rel).exists()
        })
        .cloned()
}

/// Every file below `sources` (paths in the context), or None when there
/// are more than [`MAX_FILES`]. The top-level entries `.dockerignore`
/// leaves out of the build are not read: they never reach the image.
pub fn files(context: &Path, sources: &[String]) -> Option<Vec<PathBuf>> {
    let ignored = ignored_at_top(context);
    let mut out: Vec<PathBuf> = Vec::new();
    let mut stack: Vec<PathBuf> = Vec::new();
    for s in sources {
        let rel = relative(s);
        if ignored(rel.split('/').next().unwrap_or_default()) {
            continue;
        }
        if is_pattern(rel) {
            // A glob: read the whole folder it is in.
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            stack.push(context.join(dir));
            continue;
        }
        stack.push(context.join(rel));
    }
    stack.sort();
    stack.dedup();
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_file() {
            if !out.contains(&p) {
                out.push(p);
            }
        } else if meta.is_dir() {
            let Ok(entries) = std::fs::read_dir(&p) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let path = e.path();
                if path.is_dir() && SKIPPED.contains(&name.as_ref()) {
                    continue;
                }
                if p == context && ignored(&name) {
                    continue;
                }
                stack.push(path);
            }
        }
        if out.len() > MAX_FILES {
            return None;
        }
    }
    out.sort();
    Some(out)
}

/// Whether a file name is a test of its folder's code (`test_x.py`,
/// `x_test.go`, `x.test.js`, `x.spec.ts`), which the program does not run.
pub fn is_test_file(name: &str) -> bool {
    name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
}

/// The top-level entries of the context that its `.dockerignore` leaves
/// out of the build: a name that a pattern without `/` matches (BuildKit's
/// patterns are relative to the context root), unless an exception (`!`)
/// names it or something below it. Other patterns are not read, so what
/// they exclude counts as sent.
pub fn ignored_at_top(context: &Path) -> impl Fn(&str) -> bool + use<> {
    let text = std::fs::read_to_string(context.join(".dockerignore")).unwrap_or_default();
    let mut excluded = globset::GlobSetBuilder::new();
    let mut exceptions: Vec<String> = Vec::new();
    for line in text.lines() {
        let p = line.trim();
        if p.is_empty() || p.starts_with('#') {
            continue;
        }
        if let Some(keep) = p.strip_prefix('!') {
            let keep = keep.trim().trim_start_matches("./").trim_start_matches('/');
            exceptions.push(keep.split('/').next().unwrap_or("").to_string());
            continue;
        }
        let p = p
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/');
        if !p.contains('/')
            && let Ok(glob) = globset::Glob::new(p)
        {
            excluded.add(glob);
        }
    }
    let excluded = excluded
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    move |name: &str| {
        excluded.is_match(name)
            && !exceptions
                .iter()
                .any(|e| e == name || e.contains(['*', '?', '[']))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_entries_left_out_by_dockerignore() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(
            dir.path().join(".dockerignore"),
            "# notes\n/target\n*.md\n!README.md\nconfig/secret.yml\nnode_modules/\n",
        )
        .expect("writable");
        let ignored = ignored_at_top(dir.path());
        assert!(ignored("target"));
        assert!(ignored("node_modules"));
        assert!(ignored("NOTES.md"));
        assert!(!ignored("README.md"), "an exception keeps it");
        assert!(
            !ignored("config"),
            "a pattern with a folder is not read at the top"
        );
        assert!(!ignored("src"));
        let none = tempfile::tempdir().expect("a temporary folder");
        assert!(!ignored_at_top(none.path())("target"));
    }
}
