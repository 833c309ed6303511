//! Finding Dockerfiles under the paths given on the command line.

use std::path::Path;

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

/// The files to process, as a stream: files as given, folders searched
/// (honouring .gitignore and .ignore as ripgrep does), `-` as is. Each
/// folder's entries come in name order, so the order is stable. A thread
/// walks ahead of the caller through a bounded channel, so memory does not
/// grow with the number of files; it hands the paths over in batches, so
/// the two threads meet once per batch rather than once per file. Bad
/// globs are reported before any walk.
pub fn stream(
    paths: &[String],
    options: &WalkOptions,
) -> Result<impl Iterator<Item = String> + use<>, String> {
    let mut roots = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p == "-" || !path.is_dir() {
            roots.push((p.clone(), None));
            continue;
        }
        roots.push((p.clone(), Some(overrides(path, options)?)));
    }
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<String>>(AHEAD / BATCH);
    let options = options.clone();
    std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for (p, overrides) in roots {
            let found: Box<dyn Iterator<Item = String>> = match overrides {
                None => Box::new(std::iter::once(p)),
                Some(overrides) => Box::new(
                    ignore::WalkBuilder::new(&p)
                        .hidden(!options.hidden)
                        .follow_links(options.follow)
                        .overrides(overrides)
                        .sort_by_file_name(|a, b| a.cmp(b))
                        .build()
                        .flatten()
                        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                        .filter(|e| e.file_name().to_str().is_some_and(is_dockerfile_name))
                        .map(|e| e.into_path().to_string_lossy().into_owned()),
                ),
            };
            for path in found {
                batch.push(path);
                // The receiver is gone (an error or an interrupt): stop.
                if batch.len() == BATCH
                    && send
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    return;
                }
            }
        }
        if !batch.is_empty() {
            let _ = send.send(batch);
        }
    });
    Ok(receive.into_iter().flatten())
}

/// How many found paths the walking thread may hold ahead of the work.
const AHEAD: usize = 1024;

/// How many paths it hands over at once.
const BATCH: usize = 64;

/// The `--glob` and `--exclude` patterns for one folder.
fn overrides(root: &Path, options: &WalkOptions) -> Result<ignore::overrides::Override, String> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for g in &options.glob {
        overrides.add(g).map_err(|e| format!("--glob {g}: {e}"))?;
    }
    for g in &options.exclude {
        overrides
            .add(&format!("!{g}"))
            .map_err(|e| format!("--exclude {g}: {e}"))?;
    }
    overrides.build().map_err(|e| e.to_string())
}
