//! The Dockerfiles both parser benchmarks read, and the allocator they run
//! with.

/// The allocator the `dockopt` binary runs with (src/main.rs), so the
/// benchmarks measure the parser as the command runs it; both parsers
/// allocate through it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};

/// Files under `dir` named like Dockerfiles, in a stable order.
fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            dockerfiles(&path, out);
        } else if name == "Dockerfile"
            || name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile")
        {
            out.push(path);
        }
    }
}

/// The texts of a set that both parsers accept, so that both do the same work.
pub fn load(dir: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    dockerfiles(dir, &mut paths);
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|s| dockopt::syntax::parse(s).is_ok() && parse_dockerfile::parse(s).is_ok())
        .collect()
}
