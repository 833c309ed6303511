//! Whether the files a build copies from its context are only what the
//! build reads (sources, manifests, the repository's own files): then a
//! compiled program, once built, reads none of them, and the runtime can
//! take the build's outputs alone instead of the app folder. What counts is
//! data (images.toml's `[build_inputs]` by top-level name, `[build_sources]`
//! by file name anywhere).

use std::path::Path;

use crate::catalog;
use crate::classify::{self, Facts};
use crate::facts::context;

/// Whether everything the file copies from the build context is a build
/// input of `ecosystem`: each COPY source's top-level entry (and for `.`
/// every entry at the top of the context) is one by name, or is a source
/// file, or a folder that holds only source files. Without a context,
/// dockopt cannot tell.
pub fn only_build_inputs(facts: &Facts<'_>, ecosystem: &str) -> bool {
    let Some(root) = facts.context.as_ref() else {
        return false;
    };
    let ignored = context::ignored_at_top(root);
    let input = |name: &str, path: &Path| {
        ignored(name)
            || catalog::catalog().is_build_input(ecosystem, name)
            || only_sources(ecosystem, path)
    };
    facts.copied_sources.iter().all(|source| {
        let rel = source.trim_start_matches("./").trim_start_matches('/');
        match rel.split('/').next().unwrap_or("") {
            "" | "." => std::fs::read_dir(root).is_ok_and(|entries| {
                entries
                    .flatten()
                    .all(|e| input(&e.file_name().to_string_lossy(), &e.path()))
            }),
            top => !top.contains(['*', '?', '[']) && input(top, &root.join(top)),
        }
    })
}

/// Whether `path` is a source file of `ecosystem`, or a folder whose every
/// file below is one (no more than [`context::MAX_FILES`] looked at).
fn only_sources(ecosystem: &str, path: &Path) -> bool {
    let cat = catalog::catalog();
    let mut stack = vec![path.to_path_buf()];
    let mut seen = 0;
    while let Some(p) = stack.pop() {
        seen += 1;
        if seen > context::MAX_FILES {
            return false;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            return false;
        };
        if meta.is_dir() {
            let Ok(entries) = std::fs::read_dir(&p) else {
                return false;
            };
            stack.extend(entries.flatten().map(|e| e.path()));
        } else {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if !meta.is_file() || !name.is_some_and(|n| cat.is_build_source(ecosystem, &n)) {
                return false;
            }
        }
    }
    true
}

/// Whether the sources name one of the context's own entries in a string
/// (`"Cargo.toml"`, `"./README.md"`, `"src/`, `"/app/go.mod"` where the
/// context went to /app, Go's and JavaScript's `` `go.mod` ``): a program
/// that opens such a path at run time reads it from its working folder,
/// which the runtime would then lack. A build that embeds the file (`include_str!`,
/// `//go:embed`) is read the same way, to stay on the safe side. So is code
/// that opens the project folder by a path fixed at build time
/// (`CARGO_MANIFEST_DIR`, `runtime.Caller`, `__FILE__`: images.toml's
/// `[project_folder_markers]`).
pub fn code_names_the_tree(facts: &Facts<'_>, ecosystem: &str) -> bool {
    let (Some(root), Some(names)) = (facts.context.as_ref(), top_names(facts)) else {
        return true;
    };
    let Some(files) = context::files(root, &facts.copied_sources) else {
        return true;
    };
    let cat = catalog::catalog();
    let markers = cat.project_folder_markers(ecosystem);
    // A name opens a string, after `./`, or after a folder the context was
    // copied to (`"/src/go.mod"`).
    let folders: Vec<String> = std::iter::once(String::new())
        .chain(std::iter::once("./".to_string()))
        .chain(
            facts
                .app_paths
                .iter()
                .map(|a| format!("{}/", a.path.trim_end_matches('/'))),
        )
        .collect();
    // Every string start with every name, made once rather than per line.
    let needles: Vec<String> = ["\"", "'", "`"]
        .iter()
        .flat_map(|q| folders.iter().map(move |f| format!("{q}{f}")))
        .flat_map(|start| names.iter().map(move |n| format!("{start}{n}")))
        .collect();
    files
        .iter()
        .filter(|p| {
            // Cargo.toml naming its workspace members names them for the
            // build, not for the program.
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                cat.is_build_source(ecosystem, &n) && !cat.holds_no_program_strings(ecosystem, &n)
            })
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .any(|text| {
            if markers.iter().any(|m| text.contains(m.as_str())) {
                return true;
            }
            // A C header included is read by the compiler, not the program.
            text.lines()
                .filter(|l| !l.trim_start().starts_with("#include"))
                .any(|line| needles.iter().any(|needle| line.contains(needle.as_str())))
        })
}

/// Whether the image hands the program a file of the app folder by name:
/// a CMD, ENTRYPOINT or HEALTHCHECK word, or an ENV value, that resolves
/// (against the final WORKDIR) into a folder the context was copied to and
/// names one of the context's own entries there (`CMD ["count",
/// "count.c"]`, `ENV SCHEMA=/src/schema.sql`). The binaries themselves do
/// not count. A runtime with the binaries alone would lack such a file.
pub fn runtime_names_the_tree(facts: &Facts<'_>, binaries: &[String]) -> bool {
    let Some(names) = top_names(facts) else {
        return true;
    };
    let workdir = facts.workdir.as_deref();
    let names_an_entry = |word: &str| {
        let Some(path) = classify::resolve(&classify::expand(word, &facts.env), workdir) else {
            return false;
        };
        if binaries.iter().any(|b| b == &path) {
            return false;
        }
        facts.app_paths.iter().any(|app| {
            let rest = path
                .strip_prefix(app.path.trim_end_matches('/'))
                .and_then(|r| r.strip_prefix('/'));
            let top = rest.and_then(|r| r.split('/').next()).unwrap_or_default();
            !top.is_empty() && names.iter().any(|n| n == top)
        })
    };
    // A word may carry a path after `--flag=` or in a `a:b` list.
    let pieces = |word: &str| -> Vec<String> {
        word.split(['=', ':', ','])
            .filter(|p| !p.is_empty() && !p.starts_with('-'))
            .map(String::from)
            .collect()
    };
    let command_words = facts
        .runtime_commands
        .iter()
        .flat_map(|(_, c)| c.argv.iter().chain(c.assignments.iter().map(|(_, v)| v)));
    let env_values = facts
        .df
        .instructions()
        .filter(|(_, i)| i.kind() == crate::syntax::Kind::Env)
        .flat_map(|(_, i)| i.args().chunks(2).filter_map(|kv| kv.get(1)));
    command_words
        .chain(env_values)
        .flat_map(|w| pieces(w))
        .any(|p| names_an_entry(&p))
}

/// The names at the top of the build context, or None without one.
fn top_names(facts: &Facts<'_>) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(facts.context.as_ref()?).ok()?;
    Some(
        entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
    )
}

/// The first finding `check` makes in the context files the image gets
/// whose names `wanted` accepts (given the file's name and text), or that
/// they cannot be read to tell `what` (no context, or a file that does not
/// read as text): a doubt either way, for checks that must see every
/// source.
pub fn first_in_sources(
    facts: &Facts<'_>,
    what: &str,
    wanted: impl Fn(&str) -> bool,
    check: impl Fn(&str, &str) -> Option<String>,
) -> Option<String> {
    let unread = || Some(format!("dockopt cannot read the sources to tell {what}"));
    let Some(root) = facts.context.as_ref() else {
        return unread();
    };
    let Some(files) = context::files(root, &facts.copied_sources) else {
        return unread();
    };
    files.iter().find_map(|p| {
        let name = p.file_name()?.to_string_lossy().into_owned();
        if !wanted(&name) {
            return None;
        }
        match std::fs::read_to_string(p) {
            Ok(text) => check(&name, &text),
            Err(_) => unread(),
        }
    })
}
