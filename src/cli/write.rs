//! Writing a file back safely: a temporary file in the same folder, the
//! original's permissions, then an atomic rename. A reader sees the old file
//! or the new one, never half of one. A read-only file is not written.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

/// Replaces `path` with `contents` atomically, unless the file changed on
/// disk since `original` was read.
pub fn atomic_write(path: &Path, original: &[u8], contents: &[u8]) -> anyhow::Result<()> {
    let current = std::fs::read(path).context("reading it again before writing")?;
    if current != original {
        bail!("the file changed on disk while dockopt worked; not written");
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    // A rename would replace a read-only file regardless; honour the mark.
    if permissions.readonly() {
        bail!("the file is read-only; not written");
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockopt-")
        .tempfile_in(dir)
        .with_context(|| format!("making a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .context("writing the temporary file")?;
    tmp.as_file()
        .set_permissions(permissions)
        .context("giving the new file the old one's permissions")?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .context("renaming the new file over the old one")?;
    Ok(())
}
