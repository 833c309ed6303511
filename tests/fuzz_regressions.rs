//! Inputs that once crashed the parser (found by `cargo fuzz`): each must
//! now parse or be rejected with an error, never panic, and what parses
//! must print back unchanged.

use std::path::Path;

#[test]
fn fuzz_findings_no_longer_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        if let Ok(df) = dockopt::syntax::parse_bytes(&bytes) {
            assert_eq!(df.to_string().as_bytes(), &bytes[..], "{}", path.display());
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs found in {}", dir.display());
}

/// Rewrites of the regression inputs parse and are stable.
#[test]
fn fuzz_findings_rewrite_safely() {
    use dockopt::rewrite::{self, Outcome};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("readable");
        let Ok(df) = dockopt::syntax::parse_bytes(&bytes) else {
            continue;
        };
        if let Ok(Outcome::Rewritten { text, .. }) = rewrite::rewrite_tree(&df) {
            let again = dockopt::syntax::parse(&text).expect("rewrite parses");
            assert!(matches!(
                rewrite::rewrite_tree(&again),
                Ok(Outcome::Unchanged(_))
            ));
        }
    }
}
