//! Running the `dockopt` binary from integration tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs dockopt with `args` in the crate folder, feeding `stdin`, colour off.
pub fn dockopt(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockopt"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dockopt runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("dockopt finishes")
}
