//! Any Dockerfile that parses: the rewriter never panics, what it writes
//! parses and matches its plan, and rewriting that again changes nothing.
#![no_main]

use dockopt::rewrite::{self, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(df) = dockopt::syntax::parse_bytes(data) else {
        return;
    };
    let out = rewrite::rewrite_tree(&df);
    // dockopt's own checks of what it writes must never fail.
    if let Err(e @ (rewrite::Error::Emitted(_) | rewrite::Error::Inconsistent(_))) = &out {
        panic!("{e}");
    }
    let Ok(Outcome::Rewritten { text, .. }) = out else {
        return;
    };
    let again = dockopt::syntax::parse(&text).expect("the rewrite parses");
    match rewrite::rewrite_tree(&again) {
        Ok(Outcome::Unchanged(_)) => {}
        other => panic!("rewriting the rewrite gave {other:?}"),
    }
});
