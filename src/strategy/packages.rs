//! The system packages of the runtime stage: the runtime libraries of the
//! build's `-dev` packages and of what links one, the tools the program
//! runs that the runtime image lacks, and the install line they go in.

use crate::analysis::shell::Command;
use crate::catalog::{self, Family, PackageRole, ReleaseName};
use crate::classify::Facts;
use crate::plan::{Added, Addition, Plan, Unsure};
use crate::reasons::Code;

use super::manifests;

/// The system packages the runtime image `runtime` installs, under the
/// names of its release, and why each.
pub fn runtime_packages(
    facts: &Facts<'_>,
    runtime: &str,
    family: Family,
    extra: &[(String, String)],
) -> Result<Vec<(String, String)>, Unsure> {
    let cat = catalog::catalog();
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut add = |pkg: &str, why: String| {
        if !wanted.iter().any(|(p, _)| p == pkg) {
            wanted.push((pkg.to_string(), why));
        }
    };
    // What the runtime image installs itself (node's Alpine images).
    let image_has = cat
        .ecosystem(&facts.image.repository)
        .filter(|_| family == Family::Alpine)
        .map_or(&[][..], |e| e.alpine_has.as_slice());
    for inst in facts.packages.iter().filter(|i| !i.replayed) {
        match cat.package_role(family, &inst.package) {
            PackageRole::BuildOnly => {
                for l in cat
                    .compiler_runtime(family, &inst.package)
                    .iter()
                    .filter(|l| !image_has.contains(l))
                {
                    add(
                        l,
                        format!(
                            "what {} (line {}) builds links it, and the runtime image lacks it",
                            inst.package, inst.line
                        ),
                    );
                }
            }
            PackageRole::Dev(libs) => {
                for l in libs {
                    add(
                        &l,
                        format!("runtime library of {} (line {})", inst.package, inst.line),
                    );
                }
            }
            PackageRole::UnknownDev => {
                return Err(Unsure::at(
                    Code::UnknownLibrary,
                    inst.line,
                    format!(
                        "no known runtime library for {} on {}",
                        inst.package,
                        family_name(family)
                    ),
                ));
            }
            PackageRole::Runtime => add(
                &inst.package,
                format!("installed on line {} and not a build tool", inst.line),
            ),
        }
    }
    // What the app's code was found to need, but its author vouches it
    // does not (`# dockopt: not-needed`), is not installed.
    for (p, why) in extra.iter().filter(|(p, _)| !facts.vouched.not_needed(p)) {
        add(p, why.clone());
    }
    for_release(runtime, family, wanted)
}

/// The runtime packages under the names the runtime image's release gives
/// them: the catalog's names are one release's (bookworm's, jammy's), and
/// a few libraries are called otherwise elsewhere (libssl1.1 on bullseye,
/// libicu76 on trixie). A release that lacks one, a release dockopt has
/// not checked, or a tag that names no release where the releases it may
/// pull differ, leaves the file alone.
fn for_release(
    image: &str,
    family: Family,
    packages: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Unsure> {
    if !matches!(family, Family::Debian | Family::Ubuntu | Family::Alpine) {
        return Ok(packages);
    }
    let cat = catalog::catalog();
    let releases = runtime_releases(image, family);
    let unsure = |why: String| Unsure::file(Code::UnknownLibrary, why);
    packages
        .into_iter()
        .map(|(name, why)| {
            let Some(releases) = &releases else {
                // No release of the family is "": only the names that some
                // release calls otherwise come back unknown.
                return match cat.release_name(family, "", &name) {
                    ReleaseName::Named(n) => Ok((n.to_string(), why)),
                    _ => Err(unsure(format!(
                        "the runtime needs {name}, which Debian's and Ubuntu's releases name differently, and the tag of {image} does not say which release it is"
                    ))),
                };
            };
            let mut found: Vec<(&str, &str)> = Vec::new();
            for r in releases {
                match cat.release_name(family, r, &name) {
                    ReleaseName::Named(n) => found.push((r, n)),
                    ReleaseName::Missing => {
                        return Err(unsure(format!(
                            "the runtime needs {name} ({why}), and {r}, which {image} is built on, has no such package"
                        )));
                    }
                    ReleaseName::Unknown => {
                        return Err(unsure(format!(
                            "the runtime needs {name}, which other releases name differently, and dockopt has not checked what {r}, which {image} may be built on, calls it"
                        )));
                    }
                }
            }
            match found.as_slice() {
                [(_, n), rest @ ..] if rest.iter().all(|(_, m)| m == n) => Ok((n.to_string(), why)),
                _ => Err(unsure(format!(
                    "the runtime needs {name}, which is {}, and the tag of {image} does not name its release; name it in the tag (-{})",
                    found
                        .iter()
                        .map(|(r, n)| format!("{n} on {r}"))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    found.first().map_or("bookworm", |(r, _)| r)
                ))),
            }
        })
        .collect()
}

/// The releases a runtime image may be built on: the one its tag names
/// (`python:3.12-slim-bookworm`, `debian:12`, `ubuntu:24.04`,
/// `nvidia/cuda:12.4.1-runtime-ubuntu22.04`); for a Debian-based image
/// whose tag names none, bookworm or trixie, what such tags pull today, or
/// buster or bullseye for versions last built before bookworm (node:14);
/// debian:latest and debian:stable are trixie; None when it cannot tell.
fn runtime_releases(image: &str, family: Family) -> Option<Vec<String>> {
    let cat = catalog::catalog();
    let image = catalog::ImageRef::parse(image);
    let tag = image.tag.as_deref().unwrap_or("latest");
    let words: Vec<&str> = tag.split('-').collect();
    let repository = image.repository.rsplit('/').next().unwrap_or_default();
    match family {
        Family::Debian => {
            if let Some(r) = words.iter().find(|w| cat.is_debian_release(w)) {
                return Some(vec![r.to_string()]);
            }
            if repository == "debian" {
                let number = words[0].split('.').next().unwrap_or_default();
                return match cat.debian_release_of(number) {
                    Some(r) => Some(vec![r.to_string()]),
                    None if matches!(words[0], "latest" | "stable") => {
                        Some(vec!["trixie".to_string()])
                    }
                    None => None,
                };
            }
            if cat.before_bookworm(&image.repository, words[0]) {
                return Some(vec!["buster".to_string(), "bullseye".to_string()]);
            }
            Some(vec!["bookworm".to_string(), "trixie".to_string()])
        }
        Family::Ubuntu => words
            .iter()
            .map(|w| w.trim_start_matches("ubuntu"))
            .find_map(|w| cat.ubuntu_release_of(w))
            .map(|r| vec![r.to_string()]),
        // `python:3.9-alpine3.16`, `alpine:3.16.2`; a tag without a version
        // is a current Alpine, whose names the catalog writes.
        Family::Alpine => {
            let version = words
                .iter()
                .find_map(|w| w.strip_prefix("alpine"))
                .filter(|v| !v.is_empty())
                .or_else(|| (repository == "alpine").then_some(words[0]))
                .map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
                .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()));
            Some(vec![version.unwrap_or_else(|| "current".to_string())])
        }
        Family::Fedora => None,
    }
}

/// A family's name as messages write it.
fn family_name(f: Family) -> &'static str {
    match f {
        Family::Debian => "Debian",
        Family::Ubuntu => "Ubuntu",
        Family::Alpine => "Alpine",
        Family::Fedora => "Fedora",
    }
}

/// Adds the system packages step to a plan.
pub fn add_packages(
    plan: &mut Plan,
    facts: &Facts<'_>,
    family: Family,
    packages: &[(String, String)],
) {
    // Packages the file installed with their Recommends keep them.
    let recommends: Vec<String> = facts
        .packages
        .iter()
        .filter(|p| p.recommends)
        .map(|p| catalog::package_name(&p.package).to_string())
        .collect();
    if packages.is_empty() && !facts.upgrades {
        return;
    }
    // hadolint asks for pinned versions (DL3008, DL3018). A file that
    // passed that rule would fail it on this line, whose versions can only
    // follow the image's release; say so where it is written.
    let input_pins = facts
        .packages
        .iter()
        .all(|p| !p.pin_linted || catalog::package_name(&p.package) != p.package);
    let mut lint_ignore: Vec<&'static str> = Vec::new();
    if input_pins && !packages.is_empty() {
        lint_ignore.push(match family {
            Family::Alpine => "DL3018",
            Family::Fedora => "DL3041",
            Family::Debian | Family::Ubuntu => "DL3008",
        });
    }
    // DL3015 asks for --no-install-recommends, which the file chose not to
    // give for these packages; the runtime keeps that choice.
    let with_recommends: Vec<String> = packages
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| recommends.contains(p))
        .collect();
    if !with_recommends.is_empty() && matches!(family, Family::Debian | Family::Ubuntu) {
        lint_ignore.push("DL3015");
    }
    let mut why = grouped_reasons(packages);
    if facts.upgrades {
        why = format!("the build upgrades the system packages; {why}");
    }
    plan.runtime_steps.push(Addition {
        what: Added::Packages {
            family,
            packages: packages.iter().map(|(p, _)| p.clone()).collect(),
            with_recommends,
            upgrade: facts.upgrades,
            lint_ignore,
        },
        why,
    });
}

/// A program a package installed for the app put on PATH (a pip console
/// script, a gem's command), rather than a tool the image may lack.
pub fn package_command(family: Family, cmd: &Command) -> bool {
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    !full.contains('/')
        && !full.starts_with('.')
        && catalog::catalog()
            .tool_package(family, cmd.program())
            .is_none()
}

/// The build-only and `-dev` packages the build leaves installed: what a
/// runtime stage from the same image gains by not installing them.
pub fn left_behind(facts: &Facts<'_>, family: Family) -> Vec<String> {
    let cat = catalog::catalog();
    let mut out: Vec<String> = Vec::new();
    for inst in facts.packages.iter().filter(|p| !p.replayed) {
        let name = catalog::package_name(&inst.package).to_string();
        let build = !matches!(cat.package_role(family, &name), PackageRole::Runtime);
        if build && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Each reason once, after the packages it is given for (`libjpeg62-turbo,
/// libtiff6: pillow==8.4.0 has no wheel...`), in the packages' order.
fn grouped_reasons(packages: &[(String, String)]) -> String {
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for (p, w) in packages {
        match groups.iter_mut().find(|(_, why)| why == w) {
            Some((names, _)) => names.push(p),
            None => groups.push((vec![p], w)),
        }
    }
    groups
        .iter()
        .map(|(names, why)| format!("{}: {why}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// For a runtime stage from the builder's own image: a program called by
/// name is there unless it came with a build-only package the runtime
/// leaves out.
pub fn same_image_has(
    family: Family,
    left_behind: &[String],
    cmd: &Command,
) -> Result<bool, Unsure> {
    let program = cmd.program();
    let package = catalog::catalog()
        .tool_package(family, program)
        .unwrap_or(program);
    if left_behind.iter().any(|p| p == package) {
        // Not there: the runtime needs check installs the package again.
        return Ok(false);
    }
    Ok(!cmd.argv.first().is_some_and(|a| a.contains('/')))
}

/// Adds `package` to the runtime packages wanted, once, with the first
/// reason given for it.
pub fn want(out: &mut Vec<(String, String)>, package: &str, why: impl FnOnce() -> String) {
    if !out.iter().any(|(p, _)| p == package) {
        out.push((package.to_string(), why()));
    }
}

/// Whether the runtime image is another than the builder's (a full image's
/// -slim variant), so what the builder's libraries let a build link may be
/// missing there.
pub fn runtime_differs(facts: &Facts<'_>, plan: &Plan) -> bool {
    plan.runtime_image != facts.image.to_string()
}

/// Runtime libraries for what the build installs from a package index.
/// A full official image (python:3.12, ruby:3.3) is built on
/// buildpack-deps, whose headers let packages build from source against
/// libraries its slim variant lacks; when the build installs from a
/// manifest dockopt cannot read, it cannot tell which, and leaves the file
/// alone.
pub fn source_built_libraries(
    facts: &Facts<'_>,
    plan: &Plan,
    family: Family,
    installs: manifests::Installs,
    extra: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Unsure> {
    if let Some(file) = installs
        .unread
        .first()
        .filter(|_| runtime_differs(facts, plan))
    {
        return Err(Unsure::file(
            Code::ManifestMissing,
            format!(
                "installs from {file}, which is not in the build context: packages built from source on {} can link libraries {} lacks, and dockopt cannot see which",
                facts.image_text, plan.runtime_image
            ),
        ));
    }
    let mut out = manifests::native_libraries(family, &installs.names);
    for name in &installs.links {
        let packages = catalog::catalog()
            .link_library(family, name)
            .ok_or_else(|| {
                Unsure::file(Code::UnknownLibrary, format!(
                    "a C extension the build compiles links {name}, whose runtime package dockopt does not know"
                ))
            })?;
        for p in packages {
            want(&mut out, p, || {
                format!("a C extension the build compiles links {name}")
            });
        }
    }
    for (p, why) in extra {
        want(&mut out, &p, || why);
    }
    Ok(out)
}

/// A pip install of a package that compiles C code while the program runs
/// (DeepSpeed's ops, PyTensor's graphs) needs the compiler the builder has
/// and the runtime lacks; torch and triton only when the app's code asks
/// (`torch.compile`).
pub fn refuse_runtime_compilers(
    facts: &Facts<'_>,
    packages: &[String],
    line: Option<usize>,
) -> Result<(), Unsure> {
    let cat = catalog::catalog();
    let refuse = |why: String| match line {
        Some(line) => Unsure::at(Code::CompilesAtRuntime, line, why),
        None => Unsure::file(Code::CompilesAtRuntime, why),
    };
    if let Some(p) = packages.iter().find(|p| cat.compiles_at_runtime(p)) {
        return Err(refuse(format!(
            "{p} runs the C compiler while the program runs, and a runtime stage would have none"
        )));
    }
    let asked = packages.iter().find(|p| cat.compiles_when_asked(p));
    // A pip line answers for what it installs; the whole file (no line)
    // also for code that compiles, whichever install brought the compiler's
    // users in.
    if asked.is_none() && line.is_some() {
        return Ok(());
    }
    match (code_compiles(facts), asked) {
        (Compiling::At(how), _) => Err(refuse(format!(
            "the code compiles while it runs ({how}), and a runtime stage would have no compiler"
        ))),
        (Compiling::Unread(why), Some(p)) => Err(refuse(format!(
            "{p} runs the C compiler when the program asks (torch.compile), and {why}"
        ))),
        _ => Ok(()),
    }
}

/// Whether the app's code compiles C or C++ while it runs.
enum Compiling {
    /// Where it does (`app.py:12 torch.compile`).
    At(String),
    /// Nowhere in the code read.
    No,
    /// Why the code cannot be read.
    Unread(String),
}

/// Reads the app's code for what compiles while it runs.
fn code_compiles(facts: &Facts<'_>) -> Compiling {
    if let Some(why) = super::needs::code_unread(facts) {
        return Compiling::Unread(why);
    }
    super::needs::app_code(facts)
        .files
        .iter()
        .find_map(|file| {
            file.findings.iter().find_map(|f| match &f.what {
                crate::facts::code::Use::Compiles(how) => {
                    Some(Compiling::At(format!("{}:{} {how}", file.path, f.line)))
                }
                _ => None,
            })
        })
        .unwrap_or(Compiling::No)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn releases(image: &str, family: Family) -> Option<Vec<String>> {
        runtime_releases(image, family)
    }

    #[test]
    fn the_runtime_release_comes_from_the_tag() {
        let one = |r: &str| Some(vec![r.to_string()]);
        assert_eq!(
            releases("python:3.10-slim-bullseye", Family::Debian),
            one("bullseye")
        );
        assert_eq!(releases("debian:12-slim", Family::Debian), one("bookworm"));
        assert_eq!(
            releases("debian:trixie-slim", Family::Debian),
            one("trixie")
        );
        assert_eq!(releases("debian:latest", Family::Debian), one("trixie"));
        assert_eq!(releases("debian:testing", Family::Debian), None);
        assert_eq!(
            releases("python:3.12-slim", Family::Debian),
            Some(vec!["bookworm".to_string(), "trixie".to_string()])
        );
        assert_eq!(
            releases("node:14-slim", Family::Debian),
            Some(vec!["buster".to_string(), "bullseye".to_string()])
        );
        assert_eq!(releases("ubuntu:22.04", Family::Ubuntu), one("jammy"));
        assert_eq!(releases("ubuntu:noble", Family::Ubuntu), one("noble"));
        assert_eq!(
            releases("nvidia/cuda:12.4.1-runtime-ubuntu22.04", Family::Ubuntu),
            one("jammy")
        );
        assert_eq!(releases("ubuntu:latest", Family::Ubuntu), None);
        assert_eq!(releases("node:18-alpine3.16", Family::Alpine), one("3.16"));
        assert_eq!(releases("alpine:3.15.4", Family::Alpine), one("3.15"));
        assert_eq!(
            releases("python:3.12-alpine", Family::Alpine),
            one("current")
        );
    }

    #[test]
    fn libraries_take_the_release_s_names() {
        let want = |names: &[&str]| -> Vec<(String, String)> {
            names
                .iter()
                .map(|n| (n.to_string(), String::new()))
                .collect()
        };
        let names = |got: Result<Vec<(String, String)>, Unsure>| -> Vec<String> {
            got.expect("named").into_iter().map(|(n, _)| n).collect()
        };
        let libs = want(&["libssl3", "libffi8", "libpq5"]);
        assert_eq!(
            names(for_release(
                "python:3.10-slim-bullseye",
                Family::Debian,
                libs.clone()
            )),
            ["libssl1.1", "libffi7", "libpq5"]
        );
        assert_eq!(
            names(for_release(
                "node:20-alpine3.19",
                Family::Alpine,
                want(&["libssl3"])
            )),
            ["libssl3"]
        );
        // bookworm and trixie call these alike.
        assert_eq!(
            names(for_release(
                "python:3.12-slim",
                Family::Debian,
                libs.clone()
            )),
            ["libssl3", "libffi8", "libpq5"]
        );
        assert_eq!(
            names(for_release(
                "python:3.12-slim-trixie",
                Family::Debian,
                want(&["libicu72"])
            )),
            ["libicu76"]
        );
        for (image, family, lib) in [
            ("python:3.12-slim", Family::Debian, "libicu72"),
            ("debian:trixie-slim", Family::Debian, "libpcre3"),
            ("debian:buster-slim", Family::Debian, "libssl3"),
            ("ubuntu:18.04", Family::Ubuntu, "libssl3"),
            ("python:3.9-alpine3.16", Family::Alpine, "libssl3"),
            ("node:14-slim", Family::Debian, "libssl3"),
        ] {
            assert!(
                for_release(image, family, want(&[lib])).is_err(),
                "{image} {lib}"
            );
        }
    }
}
