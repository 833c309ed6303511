//! Which `.dockopt.toml` applies to each file, read once per config file
//! however many Dockerfiles share it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dockopt::config::{self, Config};

/// Config files seen so far, shared by the worker threads.
pub struct Configs {
    given: Option<Arc<Config>>,
    /// `--no-config`: none applies.
    none: bool,
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, String>>>,
    /// The nearest config file of each folder looked at: a tree of many
    /// Dockerfiles asks the file system once per folder, not once per file
    /// and level.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

/// How many folders' nearest config file are remembered at most.
const REMEMBERED_FOLDERS: usize = 2048;

impl Configs {
    /// `--config FILE` when given (read now), else found per file.
    pub fn new(given: Option<&str>, none: bool) -> Result<Configs, String> {
        let given = match given {
            Some(path) => Some(Arc::new(
                config::load(Path::new(path)).map_err(|e| e.to_string())?,
            )),
            None => None,
        };
        Ok(Configs {
            given,
            none,
            loaded: Mutex::new(HashMap::new()),
            nearest: Mutex::new(HashMap::new()),
        })
    }

    /// The config for the Dockerfile at `path`, if any applies.
    pub fn for_file(&self, path: &str) -> Result<Option<Arc<Config>>, String> {
        if let Some(c) = &self.given {
            return Ok(Some(c.clone()));
        }
        if self.none {
            return Ok(None);
        }
        if path == "-" {
            return Ok(None);
        }
        let dir = Path::new(path).parent().unwrap_or(Path::new("."));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Some(file) = self.nearest(dir) else {
            return Ok(None);
        };
        let mut loaded = self
            .loaded
            .lock()
            .map_err(|_| "internal error: config cache poisoned".to_string())?;
        loaded
            .entry(file.clone())
            .or_insert_with(|| config::load(&file).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map(Some)
    }

    /// The nearest `.dockopt.toml` in `dir` or above, remembered for every
    /// folder on the way up.
    fn nearest(&self, dir: &Path) -> Option<PathBuf> {
        let Ok(mut cache) = self.nearest.lock() else {
            return config::find(dir);
        };
        let mut walked = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(known) = cache.get(d) {
                found = known.clone();
                break;
            }
            walked.push(d.to_path_buf());
            let candidate = d.join(config::FILE_NAME);
            if candidate.is_file() {
                found = Some(candidate);
                break;
            }
        }
        // Files come folder by folder, so a bounded cache forgets only
        // folders that are done with, and memory stays flat on any tree.
        if cache.len() + walked.len() > REMEMBERED_FOLDERS {
            cache.clear();
        }
        for d in walked {
            cache.insert(d, found.clone());
        }
        found
    }
}
