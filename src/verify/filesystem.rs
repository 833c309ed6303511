//! An image's file system as an index: every path with its kind, size,
//! mode, owner, link target and a hash of its content, plus what the
//! comparison needs to read inside some files (ELF dynamic sections, the
//! dynamic loader's configuration, the package databases). Read from a tar
//! stream (`docker export`, `podman export`) or from a mounted folder
//! (`buildah mount`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::elf::{self, ElfInfo};

/// What kind of entry a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One path of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub size: u64,
    /// Permission bits (and setuid, setgid, sticky).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// A symlink's target, as written.
    pub target: Option<String>,
    /// A hash of a file's content.
    pub hash: Option<[u8; 16]>,
    /// A file's dynamic linking facts, when it is an ELF object.
    pub elf: Option<ElfInfo>,
}

/// A regular file for the comparison's tests: its size, and a hash made of
/// one byte.
#[cfg(test)]
pub(crate) fn test_file(size: u64, hash: u8) -> Entry {
    Entry {
        kind: Kind::File,
        size,
        mode: 0o644,
        uid: 0,
        gid: 0,
        target: None,
        hash: Some([hash; 16]),
        elf: None,
    }
}

/// Every path of an image, absolute (`/usr/bin/git`), and the texts of the
/// files the comparison reads.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: BTreeMap<String, Entry>,
    /// Contents of configuration and database files, by path.
    pub texts: BTreeMap<String, String>,
}

/// Whether the text of `path` is kept: the dynamic loader's configuration
/// and the package databases.
fn keeps_text(path: &str) -> bool {
    path == "/etc/ld.so.conf"
        || path.starts_with("/etc/ld.so.conf.d/")
        || path == "/var/lib/dpkg/status"
        || (path.starts_with("/var/lib/dpkg/info/") && path.ends_with(".list"))
        || path == "/lib/apk/db/installed"
        || path.starts_with("/etc/ld-musl-")
        || path == "/etc/passwd"
        || (path.ends_with(".dist-info/RECORD") && path.contains("-packages/"))
}

impl Index {
    /// Reads a tar stream of a whole file system.
    pub fn from_tar(reader: impl Read) -> std::io::Result<Index> {
        let mut index = Index::default();
        let mut archive = tar::Archive::new(reader);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let header = entry.header().clone();
            let path = normalize(&entry.path()?.to_string_lossy());
            let kind = match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File,
                tar::EntryType::Directory => Kind::Dir,
                tar::EntryType::Symlink => Kind::Symlink,
                tar::EntryType::Link => Kind::File,
                _ => Kind::Other,
            };
            let target = match header.entry_type() {
                tar::EntryType::Symlink => {
                    entry.link_name()?.map(|t| t.to_string_lossy().into_owned())
                }
                _ => None,
            };
            if header.entry_type() == tar::EntryType::Link {
                // A hard link: the same content as the file it names.
                let to = entry
                    .link_name()?
                    .map(|t| normalize(&t.to_string_lossy()))
                    .unwrap_or_default();
                if let Some(e) = index.entries.get(&to).cloned() {
                    index.entries.insert(path, e);
                }
                continue;
            }
            let mut e = Entry {
                kind,
                size: header.size().unwrap_or(0),
                mode: header.mode().unwrap_or(0) & 0o7777,
                uid: header.uid().unwrap_or(0),
                gid: header.gid().unwrap_or(0),
                target,
                hash: None,
                elf: None,
            };
            if kind == Kind::File {
                let mut data = Vec::with_capacity(e.size as usize);
                entry.read_to_end(&mut data)?;
                index.add_content(&path, &mut e, &data);
            }
            index.entries.insert(path, e);
        }
        Ok(index)
    }

    /// Reads a mounted file system below `root`, files in parallel.
    pub fn from_dir(root: &Path) -> std::io::Result<Index> {
        use rayon::prelude::*;
        use std::os::unix::fs::MetadataExt;
        let mut paths = Vec::new();
        walk(root, root, &mut paths)?;
        let read: Vec<(String, Entry, Option<String>)> = paths
            .par_iter()
            .filter_map(|(rel, full)| {
                let meta = std::fs::symlink_metadata(full).ok()?;
                let ft = meta.file_type();
                let kind = if ft.is_symlink() {
                    Kind::Symlink
                } else if ft.is_dir() {
                    Kind::Dir
                } else if ft.is_file() {
                    Kind::File
                } else {
                    Kind::Other
                };
                let mut e = Entry {
                    kind,
                    size: if kind == Kind::File { meta.len() } else { 0 },
                    mode: meta.mode() & 0o7777,
                    uid: u64::from(meta.uid()),
                    gid: u64::from(meta.gid()),
                    target: if kind == Kind::Symlink {
                        std::fs::read_link(full)
                            .ok()
                            .map(|t| t.to_string_lossy().into_owned())
                    } else {
                        None
                    },
                    hash: None,
                    elf: None,
                };
                let mut text = None;
                if kind == Kind::File {
                    let data = std::fs::read(full).ok()?;
                    e.hash = Some(hash(&data));
                    e.elf = elf::read(&data);
                    if keeps_text(rel) {
                        text = Some(String::from_utf8_lossy(&data).into_owned());
                    }
                }
                Some((rel.clone(), e, text))
            })
            .collect();
        let mut index = Index::default();
        for (path, e, text) in read {
            if let Some(t) = text {
                index.texts.insert(path.clone(), t);
            }
            index.entries.insert(path, e);
        }
        Ok(index)
    }

    /// Hashes a file's content, reads its ELF facts and keeps its text
    /// when the comparison needs it.
    fn add_content(&mut self, path: &str, e: &mut Entry, data: &[u8]) {
        e.hash = Some(hash(data));
        e.elf = elf::read(data);
        if keeps_text(path) {
            self.texts
                .insert(path.to_string(), String::from_utf8_lossy(data).into_owned());
        }
    }

    /// The entry at `path` with symlinks along the way followed (up to 40,
    /// as the kernel does), and the path it ends at.
    pub fn resolve(&self, path: &str) -> Option<(String, &Entry)> {
        let mut current = normalize(path);
        for _ in 0..40 {
            // Follow a symlink in any component.
            let mut prefix = String::new();
            let mut redirected = None;
            let parts: Vec<&str> = current.split('/').filter(|p| !p.is_empty()).collect();
            for (i, part) in parts.iter().enumerate() {
                prefix.push('/');
                prefix.push_str(part);
                // A folder a tar names only through its files is there.
                let Some(e) = self.entries.get(&prefix) else {
                    if i + 1 == parts.len() {
                        return None;
                    }
                    continue;
                };
                if e.kind == Kind::Symlink {
                    let target = e.target.clone().unwrap_or_default();
                    let base = if target.starts_with('/') {
                        target
                    } else {
                        let parent = prefix.rsplit_once('/').map_or("", |(p, _)| p);
                        format!("{parent}/{target}")
                    };
                    let rest = parts[i + 1..].join("/");
                    redirected = Some(if rest.is_empty() {
                        normalize(&base)
                    } else {
                        normalize(&format!("{base}/{rest}"))
                    });
                    break;
                }
            }
            match redirected {
                Some(next) => current = next,
                None => {
                    let e = self.entries.get(&current)?;
                    return Some((current, e));
                }
            }
        }
        None
    }

    /// The total size of regular files.
    pub fn total_size(&self) -> u64 {
        self.entries
            .values()
            .filter(|e| e.kind == Kind::File)
            .map(|e| e.size)
            .sum()
    }
}

/// Collects every path below `root`, relative and absolute, without
/// following symlinks.
fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let full = e.path();
        let rel = format!(
            "/{}",
            full.strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        out.push((rel, full.clone()));
        if is_dir {
            walk(root, &full, out)?;
        }
    }
    Ok(())
}

/// A 128-bit content hash.
fn hash(data: &[u8]) -> [u8; 16] {
    let h = blake3::hash(data);
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.as_bytes()[..16]);
    out
}

/// An absolute path without `.`, `..`, doubled or trailing slashes.
pub use crate::classify::normalize;

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar of a few entries, made with the tar crate.
    fn tar_of(entries: &[(&str, &[u8])], links: &[(&str, &str)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, path, *data).expect("append");
        }
        for (path, target) in links {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, path, target).expect("link");
        }
        b.into_inner().expect("tar")
    }

    #[test]
    fn reads_a_tar_and_follows_links() {
        let tar = tar_of(
            &[
                ("usr/lib/libz.so.1.2", b"zlib"),
                ("etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n"),
            ],
            &[("usr/lib/libz.so.1", "libz.so.1.2"), ("lib", "usr/lib")],
        );
        let index = Index::from_tar(&tar[..]).expect("reads");
        assert!(index.texts.contains_key("/etc/ld.so.conf"));
        let (path, e) = index.resolve("/lib/libz.so.1").expect("resolves");
        assert_eq!(path, "/usr/lib/libz.so.1.2");
        assert_eq!(e.size, 4);
        assert!(index.resolve("/lib/libmissing.so").is_none());
    }
}
