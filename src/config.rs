//! `.dockopt.toml`: a team's settings, found upward from each Dockerfile.
//!
//! ```toml
//! builder_name = "build"        # the builder stage's name (default "builder")
//! non_root = true               # run the runtime stage as a non-root user
//! link = true                   # COPY --link for what the runtime copies
//! disable = ["go"]              # strategies turned off
//! skip = ["legacy/**"]          # paths (from this file's folder) left alone
//!
//! [images]                      # runtime images replaced by others
//! "python:3.12-slim" = "registry.example.com/python:3.12-slim"
//!
//! [app]                         # facts about the running apps, vouched for
//! runs = ["convert"]            # programs the code starts by computed names
//! not_needed = ["git"]          # found in the code, not needed when it runs
//!
//! [verify]
//! allow_missing = ["/usr/share/doc/**"]   # losses verify accepts
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name searched for.
pub const FILE_NAME: &str = ".dockopt.toml";

/// Settings from a `.dockopt.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Runtime images replaced by others (a company registry's copies).
    #[serde(default)]
    pub images: BTreeMap<String, String>,
    /// Strategies turned off (`python`, `node`, `go`).
    #[serde(default)]
    pub disable: Vec<String>,
    /// Globs, relative to the config file's folder, of files left alone.
    #[serde(default)]
    pub skip: Vec<String>,
    /// The builder stage's name.
    pub builder_name: Option<String>,
    /// Add a non-root user to the runtime stage when the file sets none.
    #[serde(default)]
    pub non_root: bool,
    /// `COPY --link` for what the runtime stage copies.
    #[serde(default)]
    pub link: bool,
    /// Facts about the running apps that the team vouches for.
    #[serde(default)]
    pub app: AppConfig,
    /// Settings of the Node.js strategy.
    #[serde(default)]
    pub node: NodeConfig,
    /// Settings of `dockopt verify`.
    #[serde(default)]
    pub verify: VerifyConfig,
    /// Where the file was read from (not a setting).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[app]` in `.dockopt.toml`: what `# dockopt: app-runs` and
/// `# dockopt: not-needed` say, for every file below.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Programs the apps start by names their code computes.
    #[serde(default)]
    pub runs: Vec<String>,
    /// Programs, libraries or packages the apps do not need when they run.
    #[serde(default)]
    pub not_needed: Vec<String>,
}

/// `[node]` in `.dockopt.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Prune devDependencies in the builder when the program needs only
    /// dependencies (default true).
    #[serde(default = "yes")]
    pub prune: bool,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig { prune: true }
    }
}

/// The default of a setting that is on unless turned off.
fn yes() -> bool {
    true
}

/// `[verify]` in `.dockopt.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Globs of paths the rewrite may lose without failing verify.
    #[serde(default)]
    pub allow_missing: Vec<String>,
}

/// Why a config file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The nearest `.dockopt.toml` in `dir` or a folder above it.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and checks a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: shown.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read: {e}"),
    })?;
    let mut config: Config = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let before = &text[..at.min(text.len())];
        ConfigError {
            path: shown.clone(),
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: e.message().to_string(),
        }
    })?;
    for name in &config.disable {
        if crate::ecosystem::Ecosystem::from_name(name).is_none() {
            return Err(ConfigError {
                path: shown,
                line: 1,
                column: 1,
                message: format!(
                    "unknown strategy `{name}` in disable (known: {})",
                    crate::ecosystem::Ecosystem::ALL
                        .map(|e| e.name())
                        .join(", ")
                ),
            });
        }
    }
    config.path = Some(path.to_path_buf());
    Ok(config)
}

impl Config {
    /// The `skip` glob that matches `file`, if any.
    pub fn skipped(&self, file: &Path) -> Option<&str> {
        let base = self.path.as_deref()?.parent()?;
        let abs = std::path::absolute(file).ok()?;
        let base = std::path::absolute(base).ok()?;
        let rel = abs.strip_prefix(&base).ok()?;
        self.skip.iter().map(String::as_str).find(|g| {
            globset::Glob::new(g)
                .map(|g| g.compile_matcher().is_match(rel))
                .unwrap_or(false)
        })
    }
}
