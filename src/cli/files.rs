//! Finding Dockerfiles under the paths given on the command line.

use std::path::{Path, PathBuf};

/// How folders are searched.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WalkOptions {
    /// Search hidden files and folders too.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Only files whose path matches this glob (repeatable; `!` negates).
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Skip files whose path matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

/// True for the names people give Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// The files to process: files as given, folders searched (honouring
/// .gitignore and .ignore as ripgrep does), `-` as is. Sorted within each
/// folder so the order is stable.
pub fn expand(paths: &[String], options: &WalkOptions) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p == "-" || !path.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut overrides = ignore::overrides::OverrideBuilder::new(path);
        for g in &options.glob {
            overrides.add(g).map_err(|e| format!("--glob {g}: {e}"))?;
        }
        for g in &options.exclude {
            overrides
                .add(&format!("!{g}"))
                .map_err(|e| format!("--exclude {g}: {e}"))?;
        }
        let overrides = overrides.build().map_err(|e| e.to_string())?;
        let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
            .hidden(!options.hidden)
            .follow_links(options.follow)
            .overrides(overrides)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter(|e| e.file_name().to_str().is_some_and(is_dockerfile_name))
            .map(|e| e.into_path())
            .collect();
        found.sort();
        out.extend(found.into_iter().map(|p| p.to_string_lossy().into_owned()));
    }
    Ok(out)
}
