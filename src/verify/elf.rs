//! ELF objects' dynamic linking: the libraries each needs (DT_NEEDED), its
//! search paths (DT_RPATH, DT_RUNPATH) and the folders an image's dynamic
//! loader searches, so that every need can be resolved inside an image as
//! the loader would.

use object::elf;
use object::read::elf::{Dyn, ElfFile, FileHeader, ProgramHeader};

use super::filesystem::{Index, normalize};

/// What an ELF object asks of the dynamic loader.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElfInfo {
    /// DT_NEEDED: the libraries it loads, by soname.
    pub needed: Vec<String>,
    /// DT_RPATH, searched before the loader's folders (unless RUNPATH).
    pub rpath: Vec<String>,
    /// DT_RUNPATH, searched after LD_LIBRARY_PATH.
    pub runpath: Vec<String>,
    /// Whether it asks for musl's loader (Alpine) rather than glibc's.
    pub musl: bool,
}

/// The dynamic linking facts of `data`, when it is a dynamically linked ELF
/// object of the 64-bit kind this tool runs on; None otherwise.
pub fn read(data: &[u8]) -> Option<ElfInfo> {
    if data.len() < 64 || &data[..4] != b"\x7fELF" || data[4] != elf::ELFCLASS64 {
        return None;
    }
    if data[5] == elf::ELFDATA2LSB {
        read_as::<elf::FileHeader64<object::LittleEndian>>(data)
    } else {
        read_as::<elf::FileHeader64<object::BigEndian>>(data)
    }
}

/// [`read`] for one ELF header type.
fn read_as<H: FileHeader>(data: &[u8]) -> Option<ElfInfo> {
    let file = ElfFile::<H>::parse(data).ok()?;
    let endian = file.endian();
    let header = file.elf_header();
    let mut info = ElfInfo::default();
    for ph in header.program_headers(endian, data).ok()? {
        if ph.p_type(endian) == elf::PT_INTERP
            && let Ok(Some(interp)) = ph.interpreter(endian, data)
        {
            info.musl = String::from_utf8_lossy(interp).contains("musl");
        }
    }
    let sections = header.sections(endian, data).ok()?;
    let Some((dynamic, link)) = sections.dynamic(endian, data).ok().flatten() else {
        return Some(info);
    };
    let strings = sections.strings(endian, data, link).ok()?;
    for d in dynamic {
        let tag = d.tag32(endian).unwrap_or(0);
        if !matches!(tag, elf::DT_NEEDED | elf::DT_RPATH | elf::DT_RUNPATH) {
            continue;
        }
        let Ok(value) = d.string(endian, strings) else {
            continue;
        };
        let value = String::from_utf8_lossy(value).into_owned();
        match tag {
            elf::DT_NEEDED => info.needed.push(value),
            elf::DT_RPATH => info.rpath.extend(value.split(':').map(String::from)),
            _ => info.runpath.extend(value.split(':').map(String::from)),
        }
    }
    Some(info)
}

/// The folders an image's dynamic loader searches after an object's own
/// paths: /etc/ld.so.conf with its includes, then the default folders
/// (glibc); or musl's path file and defaults.
pub fn loader_folders(index: &Index, musl: bool) -> Vec<String> {
    let mut out = Vec::new();
    if musl {
        let file = index
            .texts
            .iter()
            .find(|(p, _)| p.starts_with("/etc/ld-musl-"))
            .map(|(_, t)| t.clone());
        match file {
            Some(text) => out.extend(
                text.split([':', '\n'])
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            ),
            None => out.extend(["/lib", "/usr/local/lib", "/usr/lib"].map(String::from)),
        }
        return out;
    }
    read_conf(index, "/etc/ld.so.conf", &mut out, 0);
    out.extend(
        [
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/lib64",
            "/usr/lib64",
            "/lib",
            "/usr/lib",
        ]
        .map(String::from),
    );
    out
}

/// The folders of one ld.so.conf file, following `include` globs.
fn read_conf(index: &Index, path: &str, out: &mut Vec<String>, depth: usize) {
    let Some(text) = index.texts.get(path) else {
        return;
    };
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(pattern) = line.strip_prefix("include") {
            let pattern = pattern.trim();
            let matcher = globset::Glob::new(pattern).map(|g| g.compile_matcher());
            if let (Ok(m), true) = (matcher, depth < 8) {
                let files: Vec<String> = index
                    .texts
                    .keys()
                    .filter(|k| m.is_match(k.as_str()))
                    .cloned()
                    .collect();
                for f in files {
                    read_conf(index, &f, out, depth + 1);
                }
            }
        } else {
            out.push(line.to_string());
        }
    }
}

/// Where `needed`, loaded by the object at `object_path`, is found in
/// `index`: the path, or None. `ld_library_path` is the image's
/// LD_LIBRARY_PATH.
pub fn resolve_needed(
    index: &Index,
    object_path: &str,
    info: &ElfInfo,
    needed: &str,
    ld_library_path: &[String],
    loader: &[String],
) -> Option<String> {
    if needed.contains('/') {
        return index.resolve(needed).map(|(p, _)| p);
    }
    let origin = object_path.rsplit_once('/').map_or("/", |(d, _)| d);
    let expand = |dir: &String| -> String {
        normalize(&dir.replace("$ORIGIN", origin).replace("${ORIGIN}", origin))
    };
    let mut dirs: Vec<String> = Vec::new();
    if info.runpath.is_empty() {
        dirs.extend(info.rpath.iter().map(expand));
    }
    dirs.extend(ld_library_path.iter().cloned());
    dirs.extend(info.runpath.iter().map(expand));
    dirs.extend(loader.iter().cloned());
    dirs.iter().find_map(|d| {
        let candidate = format!("{}/{needed}", d.trim_end_matches('/'));
        index
            .resolve(&candidate)
            .filter(|(_, e)| e.kind == super::filesystem::Kind::File)
            .map(|(p, _)| p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_needs_of_a_real_program() {
        // This very test binary links the C library dynamically.
        let exe = std::env::current_exe().expect("the test binary");
        let data = std::fs::read(exe).expect("readable");
        let info = read(&data).expect("an ELF object");
        assert!(
            info.needed.iter().any(|n| n.starts_with("libc.so")),
            "{:?}",
            info.needed
        );
        assert!(
            read(b"#!/bin/sh\necho not an ELF file at all, just some text to be long enough")
                .is_none()
        );
    }
}
