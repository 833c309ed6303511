//! Finding Dockerfiles under the paths given on the command line.

use std::path::{Path, PathBuf};

/// True for the names people give Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// The files to process: files as given, directories walked (honouring
/// .gitignore and .ignore, skipping hidden folders), `-` as is. Sorted
/// within each directory so the order is stable.
pub fn expand(paths: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p == "-" || !path.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter(|e| e.file_name().to_str().is_some_and(is_dockerfile_name))
            .map(|e| e.into_path())
            .collect();
        found.sort();
        out.extend(found.into_iter().map(|p| p.to_string_lossy().into_owned()));
    }
    out
}
