//! Paths as the Dockerfile names them: expanding `$VAR`, resolving against
//! the working folder, and the folders that are scratch or system.

/// True when `path` is `dir` or below it.
pub fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Replaces `$NAME` and `${NAME}` with values the file set earlier by ENV
/// or ARG; anything else is left as written.
pub fn expand(text: &str, vars: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in vars.iter().rev() {
        let v = v.trim_matches('"');
        // Most text names no variable: nothing to build for it.
        if v.contains('$') || !out.contains('$') {
            continue;
        }
        out = out.replace(&format!("${{{k}}}"), v);
        // `$NAME` only when not followed by more of a name.
        let pat = format!("${k}");
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&pat) {
            let after = &rest[i + pat.len()..];
            result.push_str(&rest[..i]);
            if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                result.push_str(&pat);
            } else {
                result.push_str(v);
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Resolves `path` against the working directory, as Docker does for COPY
/// destinations and as a shell does for relative paths.
pub fn resolve(path: &str, workdir: Option<&str>) -> Option<String> {
    if path.starts_with('/') {
        return Some(normalize(path));
    }
    let base = workdir?;
    Some(normalize(&format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path
    )))
}

/// An absolute path without `.`, `..`, doubled or trailing slashes.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Paths whose contents are scratch space: writing there builds nothing the
/// runtime needs.
/// (A cache in the home folder is not: a program may read a model or a
/// download seeded there.)
pub(super) const SCRATCH: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/var/cache/apt",
    "/var/cache/apk",
    "/var/cache/yum",
    "/var/cache/dnf",
    "/var/lib/apt/lists",
];

/// Folders every Linux image has at the top (the Filesystem Hierarchy
/// Standard's, and the usrmerge and multilib links).
pub(super) const ROOT_FOLDERS: &[&str] = &[
    "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media",
    "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
];

/// Folders that belong to the system image: a COPY into one of them copies
/// the named files, never the whole folder (which holds the builder image's
/// own programs).
pub(super) const SYSTEM: &[&str] = &[
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/etc",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/include",
    "/usr/share",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/local/lib",
    "/usr/local/include",
    "/usr/local/share",
    "/var/lib",
    "/var/cache",
    "/var/log",
    "/var/run",
    "/run",
    "/opt/venv",
];
