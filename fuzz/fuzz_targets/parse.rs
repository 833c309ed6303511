//! Any bytes: parsing never panics, and whatever parses prints back as the
//! same bytes. Edits on what parsed keep it parseable.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(df) = dockopt::syntax::parse_bytes(data) else {
        return;
    };
    assert_eq!(
        df.to_string().as_bytes(),
        data,
        "round trip changed the bytes"
    );
    // Removing the last instruction leaves a file whose other nodes read the same.
    let last = df.instructions().map(|(i, _)| i).last();
    if let Some(i) = last {
        let mut edited = df.clone();
        edited.remove(i..i + 1);
        let text = edited.to_string();
        if edited.instructions().next().is_some() {
            assert!(
                dockopt::syntax::parse(&text).is_ok(),
                "edited file no longer parses"
            );
        }
    }
});
