//! Unified diffs that `git apply` and `patch -p1` accept.

use std::path::{Component, Path, PathBuf};

/// The diff from `old` to `new`, with `a/PATH` and `b/PATH` headers.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    let path = header_path(path);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The path a diff header names, so that `git apply` finds the file from
/// where the user stands: relative to the git repository the file is in,
/// else to the current folder when the file is below it, else the absolute
/// path (which `patch -p1` applies from /). Never with `..` or a leading
/// slash.
pub fn header_path(path: &str) -> String {
    let given = Path::new(path);
    let Ok(cwd) = std::env::current_dir() else {
        return plain(path);
    };
    let absolute = normalize(&cwd.join(given));
    if let Some(root) = repository_of(&absolute)
        && let Ok(rel) = absolute.strip_prefix(&root)
    {
        return slashes(rel);
    }
    match absolute.strip_prefix(normalize(&cwd)) {
        Ok(rel) => slashes(rel),
        Err(_) => slashes(absolute.strip_prefix("/").unwrap_or(&absolute)),
    }
}

/// The git working tree a file is in: the nearest folder above it with a
/// `.git`.
fn repository_of(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A path without `.` and `..` components.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// A relative path with `/` between its parts.
fn slashes(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A name that is not a path on disk (standard input), as written.
fn plain(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_start_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_have_no_dots_or_leading_slash() {
        let h = header_path("/tmp/../tmp/x/Dockerfile");
        assert!(!h.starts_with('/') && !h.contains(".."), "{h}");
        assert!(h.ends_with("x/Dockerfile"), "{h}");
        let rel = header_path("examples/flask/Dockerfile");
        assert_eq!(rel, "examples/flask/Dockerfile");
    }
}
