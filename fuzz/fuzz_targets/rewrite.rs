//! Any Dockerfile that parses: the rewriter never panics, what it writes
//! parses, and rewriting that again changes nothing.
#![no_main]

use dockopt::rewrite::{self, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(df) = dockopt::syntax::parse_bytes(data) else {
        return;
    };
    let Ok(Outcome::Rewritten { text, .. }) = rewrite::rewrite_tree(&df) else {
        return;
    };
    let again = dockopt::syntax::parse(&text).expect("the rewrite parses");
    match rewrite::rewrite_tree(&again) {
        Ok(Outcome::Unchanged(_)) => {}
        other => panic!("rewriting the rewrite gave {other:?}"),
    }
});
