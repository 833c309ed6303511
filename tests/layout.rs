//! Blank lines and comments carry no meaning: every case folder's file,
//! with a blank line after each instruction or a comment above each, must be
//! rewritten into the same instructions (or refused for the same reason).
//! Moving lines around blank lines and comments is where the emitter once
//! went wrong: an `npm prune` placed before a CMD that moved with the blank
//! line above it was removed with that move.

use std::path::Path;

use dockopt::rewrite::{self, Outcome};
use dockopt::syntax::{self, NodeKind};

/// The file with `extra` written after (or before) every instruction.
fn variant(src: &str, extra: &str, before: bool) -> String {
    let df = syntax::parse(src).expect("the case parses");
    let mut out = String::new();
    let mut directive_above = false;
    for (i, node) in df.nodes().iter().enumerate() {
        let text = df.node_text(i);
        let is_instruction = matches!(node.kind, NodeKind::Instruction(_));
        // A `# dockopt:` comment belongs to the instruction right below it.
        if is_instruction && before && !directive_above {
            out.push_str(extra);
        }
        out.push_str(text);
        if is_instruction && !before {
            if !text.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(extra);
        }
        directive_above =
            matches!(node.kind, NodeKind::Comment) && text.trim_start().starts_with("# dockopt:");
    }
    out
}

/// What a rewrite amounts to: its instructions (comments, blank lines and
/// line endings aside), or the code of the reason it was refused.
fn gist(src: &str, context: Option<&Path>) -> String {
    let df = syntax::parse(src).expect("the variant parses");
    match rewrite::rewrite_in(&df, context) {
        Ok(Outcome::Rewritten { text, .. }) => text
            .replace('\r', "")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n"),
        Ok(Outcome::Unchanged(why)) => format!("unchanged: {:?}", why.code),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn blank_lines_and_comments_change_no_rewrite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut checked = 0;
    for eco in std::fs::read_dir(&root).expect("tests/cases") {
        let Ok(eco) = eco else { continue };
        for case in std::fs::read_dir(eco.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let dir = case.path();
            let Ok(src) = std::fs::read_to_string(dir.join("Dockerfile")) else {
                continue;
            };
            let about = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_default();
            let context = (!about.contains("context = false")).then_some(dir.as_path());
            let want = gist(&src, context);
            for (name, text) in [
                (
                    "a blank line after each instruction",
                    variant(&src, "\n", false),
                ),
                (
                    "a comment above each instruction",
                    variant(&src, "# note\n", true),
                ),
            ] {
                assert_eq!(gist(&text, context), want, "{} with {name}", dir.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} case folders found");
}
