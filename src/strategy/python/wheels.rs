//! Old releases that pip builds from source.
//!
//! Pillow, lxml and a few others bundle their libraries in their wheels, so
//! a wheel runs on `-slim`. A release with no wheel for the image's Python
//! (`Pillow==8.4.0` on 3.11) is built from source instead, and on a full
//! image, whose buildpack-deps base has the headers, that build links the
//! system's libjpeg or libxml2, which `-slim` lacks: the runtime must
//! install them. Which releases have wheels is data (catalog/wheels.toml,
//! read from PyPI).

use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifiers};

use crate::catalog::{self, ImageRef, SourceBuild};
use crate::strategy::manifests::Installs;

/// Runtime packages for the projects the build pins below their first
/// wheel for the image's Python, or that have no wheels, each with why.
pub fn source_builds(image: &ImageRef, installs: &Installs) -> Vec<(String, String)> {
    let cat = catalog::catalog();
    let mut out: Vec<(String, String)> = Vec::new();
    let unpinned = installs
        .names
        .iter()
        .filter(|n| !installs.specs.iter().any(|(s, _)| s == *n))
        .map(|n| (n, ""));
    let pinned = installs.specs.iter().map(|(n, s)| (n, s.as_str()));
    for (name, spec) in pinned.chain(unpinned) {
        let Some(build) = cat.source_build(name) else {
            continue;
        };
        let why = match first_wheel(build, image.tag.as_deref()) {
            _ if no_binary(&installs.no_binary, name) => format!(
                "pip is told not to use {name}'s wheels (--no-binary), so it builds it from source against the builder's libraries"
            ),
            // No wheels at all: every release is built from source.
            None => format!(
                "{name} publishes no wheels, so pip builds it from source against the builder's libraries"
            ),
            Some((python, first)) if stays_below(spec, &first) => format!(
                "{name}{spec} has no wheel for Python {python}, so pip builds it from source against the builder's libraries"
            ),
            Some(_) => continue,
        };
        for lib in &build.libraries {
            crate::strategy::want(&mut out, lib, || why.clone());
        }
    }
    out
}

/// Whether a `--no-binary` value (`:all:`, `lxml,pillow`) covers `name`;
/// `:none:` in a later value clears the earlier ones, as pip reads them.
fn no_binary(values: &[String], name: &str) -> bool {
    let mut covered = false;
    for v in values {
        for item in v.split(',').map(str::trim) {
            match item {
                ":all:" => covered = true,
                ":none:" => covered = false,
                n if catalog::normalize(n) == name => covered = true,
                _ => {}
            }
        }
    }
    covered
}

/// The image's Python (`3.11` from `3.11.4-bookworm`) and the project's
/// first release with a wheel for it. A tag that names no Python version
/// (`latest`, `3`, `bookworm`), or one newer than the data knows, counts
/// as the newest known: those thresholds are the highest, so the runtime
/// gets the libraries whenever some Python would build from source.
fn first_wheel(build: &SourceBuild, tag: Option<&str>) -> Option<(String, Version)> {
    let minor = |v: &str| v.strip_prefix("3.").and_then(|m| m.parse::<u32>().ok());
    let known = build
        .first_wheel
        .iter()
        .filter_map(|(k, v)| Some((minor(k)?, k, v)));
    let newest = known.clone().max_by_key(|(m, _, _)| *m)?;
    let oldest = known.clone().min_by_key(|(m, _, _)| *m)?;
    let wanted = tag.and_then(tag_minor);
    let (_, python, first) = match wanted {
        Some(m) if m < oldest.0 => oldest,
        Some(m) => known.clone().find(|(k, _, _)| *k == m).unwrap_or(newest),
        None => newest,
    };
    Some((python.clone(), Version::from_str(first).ok()?))
}

/// The CPython minor version a python image tag names (`3.11.4-slim` is 11).
fn tag_minor(tag: &str) -> Option<u32> {
    let rest = tag.strip_prefix("3.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether the specifiers admit only releases older than `first`: some
/// upper bound (`==`, `<`, `<=`, `~=`, `==X.*`) leaves `first` out and
/// sits at or below it. Unreadable specifiers are left to pip, which
/// fails on them in the original build too.
fn stays_below(spec: &str, first: &Version) -> bool {
    let Ok(specifiers) = VersionSpecifiers::from_str(spec) else {
        return false;
    };
    specifiers.iter().any(|s| {
        matches!(
            s.operator(),
            Operator::Equal
                | Operator::ExactEqual
                | Operator::EqualStar
                | Operator::TildeEqual
                | Operator::LessThan
                | Operator::LessThanEqual
        ) && !s.contains(first)
            && s.version() <= first
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn below(spec: &str, first: &str) -> bool {
        stays_below(spec, &Version::from_str(first).unwrap())
    }

    #[test]
    fn upper_bounds_below_the_first_wheel_build_from_source() {
        assert!(below("==8.4.0", "9.2.0"));
        assert!(below("<9", "9.2.0"));
        assert!(below("<9.2.0", "9.2.0"));
        assert!(below("<=9.1.1", "9.2.0"));
        assert!(below("~=8.4", "9.2.0"));
        assert!(below("==8.*", "9.2.0"));
        assert!(below(">=7,<9", "9.2.0"));
    }

    #[test]
    fn bounds_that_reach_the_first_wheel_get_wheels() {
        assert!(!below("", "9.2.0"));
        assert!(!below(">=8", "9.2.0"));
        assert!(!below("==9.2.0", "9.2.0"));
        assert!(!below("==10.1", "9.2.0"));
        assert!(!below("<10", "9.2.0"));
        assert!(!below("~=9.0", "9.2.0"));
        assert!(!below("!=9.2.0", "9.2.0"));
        assert!(!below("not a version", "9.2.0"));
    }

    #[test]
    fn tags_name_their_python() {
        assert_eq!(tag_minor("3.11"), Some(11));
        assert_eq!(tag_minor("3.11.4-slim-bookworm"), Some(11));
        assert_eq!(tag_minor("3.9-bullseye"), Some(9));
        assert_eq!(tag_minor("3"), None);
        assert_eq!(tag_minor("latest"), None);
    }

    #[test]
    fn pillow_pinned_old_on_python_3_11_gets_its_libraries() {
        let image = ImageRef::parse("python:3.11");
        let mut pinned = Installs::default();
        pinned.names.push("pillow".into());
        pinned.specs.push(("pillow".into(), "==8.4.0".into()));
        let libs = source_builds(&image, &pinned);
        assert!(libs.iter().any(|(p, _)| p == "libjpeg62-turbo"), "{libs:?}");
        // 8.4.0 has wheels for 3.9: no libraries there.
        assert!(source_builds(&ImageRef::parse("python:3.9"), &pinned).is_empty());
        // No version in the tag: the newest Python's threshold.
        assert!(!source_builds(&ImageRef::parse("python:3"), &pinned).is_empty());
        // Not pinned: pip takes the newest release, which has wheels.
        let mut unpinned = Installs::default();
        unpinned.names.push("pillow".into());
        assert!(source_builds(&image, &unpinned).is_empty());
    }

    #[test]
    fn no_binary_builds_any_release_from_source() {
        let mut told = Installs::default();
        told.names.push("lxml".into());
        told.no_binary.push(":all:".into());
        let libs = source_builds(&ImageRef::parse("python:3.12"), &told);
        assert!(libs.iter().any(|(p, _)| p == "libxml2"), "{libs:?}");
        assert!(no_binary(&["Pillow,lxml".into()], "lxml"));
        assert!(!no_binary(&[":all:".into(), ":none:".into()], "lxml"));
        assert!(!no_binary(&["psycopg2".into()], "lxml"));
    }

    #[test]
    fn a_project_without_wheels_always_builds_from_source() {
        let mut simd = Installs::default();
        simd.names.push("pillow-simd".into());
        let libs = source_builds(&ImageRef::parse("python:3.12"), &simd);
        assert!(libs.iter().any(|(p, _)| p == "libjpeg62-turbo"), "{libs:?}");
    }
}
