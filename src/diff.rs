//! Unified diffs that `git apply` and `patch -p1` accept.

/// The diff from `old` to `new`, with `a/PATH` and `b/PATH` headers.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
