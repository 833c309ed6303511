//! The shipped examples: the diff dockopt prints for each (a snapshot), the
//! result parses, and rewriting it again changes nothing.

use std::path::Path;

use dockopt::rewrite::{self, Outcome};

#[test]
fn every_example_is_rewritten_into_a_readable_diff() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("examples folder")
        .flatten()
        .filter(|e| e.path().join("Dockerfile").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "examples: {names:?}");
    for name in names {
        let dir = root.join(&name);
        let src = std::fs::read_to_string(dir.join("Dockerfile")).expect("readable");
        let df = dockopt::syntax::parse(&src).expect("example parses");
        let Outcome::Rewritten { text, .. } =
            rewrite::rewrite_in(&df, Some(&dir)).expect("rewrite")
        else {
            panic!("examples/{name} was left unchanged");
        };
        dockopt::syntax::parse(&text).expect("rewrite parses");
        assert!(matches!(
            rewrite::rewrite(&text).expect("again"),
            Outcome::Unchanged(_)
        ));
        let diff = dockopt::diff::unified(&format!("examples/{name}/Dockerfile"), &src, &text);
        insta::assert_snapshot!(format!("example_{name}"), diff);
    }
}
