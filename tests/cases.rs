//! The case folders under `tests/cases/<ecosystem>/<case>/`: each holds a
//! Dockerfile, the build context it is rewritten in (the folder itself),
//! `case.toml` saying what it probes (and `context = false` for a file
//! rewritten with no build context, as from standard input), and
//! `expected.snap`, the diff a reviewer would see or the reason the file is
//! left alone. Every rewrite
//! must parse again, and rewriting it again must change nothing. One result
//! is reported per case.

use std::path::Path;

use dockopt::rewrite::{self, Outcome};

/// The diff of a rewrite, checked to parse and to stay as it is when
/// rewritten again; or the reason the file was left alone.
fn show(dir: &Path, src: &str, context: Option<&Path>) -> String {
    let df = dockopt::syntax::parse(src).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let outcome =
        rewrite::rewrite_in(&df, context).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    match outcome {
        Outcome::Rewritten { text, .. } => {
            dockopt::syntax::parse(&text)
                .unwrap_or_else(|e| panic!("{}: output does not parse: {e}", dir.display()));
            let again = dockopt::syntax::parse(&text).expect("parses");
            match rewrite::rewrite_in(&again, context).expect("output rewrites") {
                Outcome::Unchanged(why) => {
                    assert_eq!(why.reason, "already multi-stage", "{}", dir.display())
                }
                Outcome::Rewritten { .. } => {
                    panic!("{}: rewriting the output changed it again", dir.display())
                }
            }
            dockopt::diff::unified("Dockerfile", src, &text)
        }
        Outcome::Unchanged(why) => format!("unchanged: {why}\n"),
    }
}

#[test]
fn every_case_folder() {
    insta::glob!("cases/*/*/Dockerfile", |path| {
        let dir = path.parent().expect("a case folder");
        let src = std::fs::read_to_string(path).expect("readable Dockerfile");
        let about = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_default();
        // `context = false`: rewritten as from standard input, with no
        // build context to read.
        let settings: toml::Table = about
            .parse()
            .unwrap_or_else(|e| panic!("{}: case.toml: {e}", dir.display()));
        let with_context = settings.get("context").and_then(toml::Value::as_bool) != Some(false);
        let context = with_context.then_some(dir);
        let shown = show(dir, &src, context);
        insta::with_settings!({
            snapshot_path => dir,
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            input_file => path,
            description => about.trim(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("expected", shown);
        });
    });
}
