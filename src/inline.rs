//! Directives written in the Dockerfile itself, as comments:
//!
//! - `# dockopt: ignore` leaves the file alone;
//! - `# dockopt: build` or `# dockopt: runtime` just above an instruction
//!   forces where it goes (build: the builder only; runtime: moved to the
//!   runtime stage), whatever dockopt would have decided;
//! - `# dockopt: keep-base` keeps the original image for the runtime stage;
//! - `# dockopt: app-runs NAME...` vouches that the programs the app's code
//!   starts by a computed name are among these (they are then looked up like
//!   the ones it names);
//! - `# dockopt: not-needed NAME...` vouches that a program, library or
//!   package dockopt found in the app's code is not needed when it runs
//!   (code for another platform, a test helper), so it is not installed.
//!
//! Any other word after `dockopt:` is an error, so a typo never passes
//! silently.

use crate::plan::Role;
use crate::syntax::{Dockerfile, NodeKind, ParseError};

/// The directives of one file.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// Line of `# dockopt: ignore`, if any.
    pub ignore: Option<usize>,
    /// `# dockopt: keep-base` was given.
    pub keep_base: bool,
    /// Node index, forced role, and the directive's line.
    pub forced: Vec<(usize, Role, usize)>,
    /// What the user vouches for about the running app.
    pub vouched: Vouched,
}

/// Facts about the running app that the user vouches for, from inline
/// comments or `.dockopt.toml`'s `[app]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vouched {
    /// The programs the app starts by a name its code computes.
    pub runs: Vec<String>,
    /// Programs, libraries or packages found in the app's code that it
    /// does not need when it runs.
    pub not_needed: Vec<String>,
}

impl Vouched {
    /// Whether `name` (a program, a library or a package) was declared not
    /// needed; a program is matched by its file name.
    pub fn not_needed(&self, name: &str) -> bool {
        let base = name.rsplit('/').next().unwrap_or(name);
        self.not_needed.iter().any(|n| n == name || n == base)
    }
}

impl Inline {
    /// The role forced on node `i`, with the directive's line.
    pub fn forced(&self, i: usize) -> Option<(Role, usize)> {
        self.forced
            .iter()
            .find(|(n, _, _)| *n == i)
            .map(|(_, r, l)| (*r, *l))
    }
}

/// Reads the `# dockopt:` comments of a file.
pub fn read(df: &Dockerfile) -> Result<Inline, ParseError> {
    let mut inline = Inline::default();
    for (i, node) in df.nodes().iter().enumerate() {
        if !matches!(node.kind, NodeKind::Comment) {
            continue;
        }
        let Some(word) = directive(df, i)? else {
            continue;
        };
        let line = node.lines.0;
        let (head, names) = word.split_once(char::is_whitespace).unwrap_or((word, ""));
        match word {
            _ if matches!(head, "app-runs" | "not-needed") => {
                let names: Vec<String> = names.split_whitespace().map(str::to_string).collect();
                if names.is_empty() {
                    return Err(located(
                        df,
                        i,
                        format!("`# dockopt: {head}` needs the names it vouches for"),
                    ));
                }
                let list = if head == "app-runs" {
                    &mut inline.vouched.runs
                } else {
                    &mut inline.vouched.not_needed
                };
                list.extend(names);
            }
            "ignore" => inline.ignore = Some(line),
            "keep-base" => inline.keep_base = true,
            "build" | "runtime" => {
                let role = if word == "build" {
                    Role::Build
                } else {
                    Role::Runtime
                };
                inline
                    .forced
                    .push((placed_instruction(df, i, word)?, role, line));
            }
            other => {
                return Err(located(
                    df,
                    i,
                    format!(
                        "unknown dockopt directive `{other}` (known: ignore, build, runtime, keep-base, app-runs, not-needed)"
                    ),
                ));
            }
        }
    }
    Ok(inline)
}

/// The words after `dockopt:` in comment node `i`, if it is a directive; a
/// `# DOCKOPT:` meant as one is an error rather than passed over.
fn directive(df: &Dockerfile, i: usize) -> Result<Option<&str>, ParseError> {
    let text = df.node_text(i).trim();
    let body = text.trim_start_matches('#').trim();
    match body.strip_prefix("dockopt:") {
        Some(words) => Ok(Some(words.trim())),
        // `get`: the comment may hold any text, cut inside a character.
        None => match body.get(..8).filter(|h| h.eq_ignore_ascii_case("dockopt:")) {
            Some(head) => Err(located(
                df,
                i,
                format!("`{head}` is not a directive: write `dockopt:` in lower case"),
            )),
            None => Ok(None),
        },
    }
}

/// The instruction a `# dockopt: build` or `runtime` comment (node `i`)
/// stands above: the next node that is not a comment, and not FROM.
fn placed_instruction(df: &Dockerfile, i: usize, word: &str) -> Result<usize, ParseError> {
    let target = df.nodes()[i + 1..]
        .iter()
        .position(|n| !matches!(n.kind, NodeKind::Comment))
        .map(|k| i + 1 + k)
        .filter(|&k| matches!(df.nodes()[k].kind, NodeKind::Instruction(_)));
    let Some(target) = target else {
        return Err(located(
            df,
            i,
            format!("`# dockopt: {word}` must stand just above an instruction"),
        ));
    };
    let is_from = df.nodes()[target]
        .instruction()
        .is_some_and(|ins| ins.kind() == crate::syntax::Kind::From);
    if is_from {
        return Err(located(
            df,
            i,
            format!("`# dockopt: {word}` cannot stand above FROM, which starts both stages"),
        ));
    }
    Ok(target)
}

/// An error at the `dockopt:` of comment node `i`.
fn located(df: &Dockerfile, i: usize, message: String) -> ParseError {
    let column = df
        .node_text(i)
        .to_ascii_lowercase()
        .find("dockopt:")
        .map_or(1, |c| c + 1);
    ParseError {
        line: df.nodes()[i].lines.0,
        column,
        message,
    }
}
