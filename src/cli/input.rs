//! Reading inputs named on the command line (`-` is standard input).

use std::io::Read;

use anyhow::Context;

/// Reads a file, or standard input for `-`.
pub fn read(path: &str) -> anyhow::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("standard input")?;
        Ok(buf)
    } else {
        Ok(std::fs::read(path)?)
    }
}

/// The name an input is reported under.
pub fn display_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}
