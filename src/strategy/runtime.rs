//! The runtime image: the slim variant of the builder's tag (python:3.12
//! → python:3.12-slim), or a plain image of the same Debian release for
//! compiled programs (golang:1.22 → debian:bookworm-slim), read from the
//! catalog's image pairs and release maps.

use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::plan::Unsure;
use crate::reasons::Code;

/// The runtime image and its distribution family.
#[derive(Debug, Clone)]
pub struct Runtime {
    pub image: String,
    pub family: Family,
    /// The image the builder's FROM is pinned to, when the file names a
    /// tag that moves between Debian releases (`rust:latest` →
    /// `rust:trixie`, the same image today).
    pub builder: Option<String>,
}

/// Tag parts: the version, then variants like `slim`, `bookworm`, `alpine3.20`.
fn tag_parts(facts: &Facts<'_>) -> Result<(String, Vec<String>), Unsure> {
    let line = facts.line(facts.from);
    let tag = facts.image.tag.clone().unwrap_or_else(|| "latest".into());
    let tag = templated_tag(facts, &tag)?;
    let mut parts: Vec<String> = tag.split('-').map(String::from).collect();
    // `golang:alpine`, `python:slim`: no version, only a variant.
    let versionless = parts
        .first()
        .is_some_and(|p| is_release(p) || p == "slim" || p.starts_with("alpine"));
    let version = if versionless {
        "latest".to_string()
    } else {
        parts.remove(0)
    };
    let variants = parts;
    if variants
        .iter()
        .any(|v| v.contains("windows") || v.contains("nanoserver"))
    {
        return Err(Unsure::at(
            Code::WindowsImage,
            line,
            "Windows base images have no slim variant dockopt knows",
        ));
    }
    Ok((version, variants))
}

/// A tag written with an ARG (`python:${PY}`) is read with the ARG's
/// default. Only a plain version can take a variant after it for every
/// value the ARG may get, so a default that is itself a variant (`3.11-slim`,
/// `3.11-bookworm`) is kept whole: the runtime is then the same image, or
/// the file is left alone.
fn templated_tag(facts: &Facts<'_>, tag: &str) -> Result<String, Unsure> {
    if !tag.contains('$') {
        return Ok(tag.to_string());
    }
    let line = facts.line(facts.from);
    let resolved = classify::expand(tag, &facts.global_args);
    if resolved.contains('$') {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!("the tag {tag} comes from a build argument with no default"),
        ));
    }
    let plain = resolved
        .split('-')
        .next()
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if plain && !resolved.contains('-') {
        return Ok(tag.to_string());
    }
    if resolved.contains("slim") || resolved.contains("alpine") {
        return Ok(resolved);
    }
    Err(Unsure::at(
        Code::UnknownTag,
        line,
        format!(
            "the tag {tag} comes from a build argument whose default, {resolved}, names a variant; dockopt cannot name the slim image of every value it may take"
        ),
    ))
}

/// A runtime image other than the builder's cannot keep a digest pin: the
/// other image's digest is not something dockopt can know.
/// `runtime` names that image in the message ("its slim variant").
pub fn refuse_digest(facts: &Facts<'_>, runtime: &str) -> Result<(), Unsure> {
    if facts.image.digest.is_some() {
        return Err(Unsure::at(
            Code::DigestPinned,
            facts.line(facts.from),
            format!(
                "the base image is pinned by digest; {runtime} has another digest dockopt cannot know"
            ),
        ));
    }
    Ok(())
}

/// A Debian release name, as the catalog lists them.
fn is_release(name: &str) -> bool {
    catalog::catalog().is_debian_release(name)
}

/// python, node and ruby: the same repository's slim variant of the same
/// release, placed as the catalog's `slim` rule says. A tag that is already
/// slim or Alpine is its own runtime, digest and all.
pub fn slim_variant(facts: &Facts<'_>) -> Result<Runtime, Unsure> {
    let slim_after_release = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .is_some_and(|e| e.slim == catalog::SlimRule::AfterRelease);
    let (version, variants) = tag_parts(facts)?;
    let repo = &facts.image.repository;
    let alpine = variants.iter().any(|v| v.starts_with("alpine"));
    let family = if alpine {
        Family::Alpine
    } else {
        Family::Debian
    };
    if alpine || variants.iter().any(|v| v == "slim") {
        // Already slim: its own runtime, written as the file writes it.
        return Ok(Runtime {
            image: facts.image_text.clone(),
            family,
            builder: None,
        });
    }
    refuse_digest(facts, "its slim variant")?;
    let known = variants.iter().all(|v| is_release(v));
    if !known {
        return Err(Unsure::at(
            Code::UnknownTag,
            facts.line(facts.from),
            format!(
                "the tag variant {} has no slim counterpart dockopt knows",
                variants.join("-")
            ),
        ));
    }
    let tag = match (version.as_str(), variants.first()) {
        ("latest", None) => "slim".to_string(),
        (v, None) => format!("{v}-slim"),
        (v, Some(r)) if slim_after_release => format!("{v}-{r}-slim"),
        (v, Some(r)) => format!("{v}-slim-{r}"),
    };
    Ok(Runtime {
        image: format!("{repo}:{tag}"),
        family,
        builder: None,
    })
}

/// How to name the Debian release in the tag, as the official images spell
/// it: `rust:trixie` for `latest` (there is no `latest-trixie`); for a
/// version, the suffix only, since which releases a version was built on
/// varies.
fn release_tag_example(repo: &str, version: &str) -> String {
    let release = catalog::catalog().newest_debian_release();
    match version {
        "latest" => format!("{repo}:{release}"),
        v => format!("{repo}:{v}-<release>, a Debian release {repo}:{v} was built on"),
    }
}

/// For a compiled binary: debian:<release>-slim of the builder tag's
/// release (named in the tag, or `default` for the version), or the same
/// Alpine release. `static_on_bare_alpine` says whether an Alpine tag
/// without a release still gives a runtime (a static binary runs on any).
pub fn binary_runtime(
    facts: &Facts<'_>,
    default: &dyn Fn(&str) -> Option<String>,
    static_on_bare_alpine: bool,
) -> Result<Runtime, Unsure> {
    let line = facts.line(facts.from);
    refuse_digest(facts, "its slim variant")?;
    let (version, variants) = tag_parts(facts)?;
    let repo = &facts.image.repository;
    if let Some(alpine) = variants.iter().find(|v| v.starts_with("alpine")) {
        let release = alpine.strip_prefix("alpine").unwrap_or_default();
        if !release.is_empty() {
            return Ok(Runtime {
                image: format!("alpine:{release}"),
                family: Family::Alpine,
                builder: None,
            });
        }
        if static_on_bare_alpine {
            return Ok(Runtime {
                image: format!("alpine:{}", catalog::catalog().static_alpine()),
                family: Family::Alpine,
                builder: None,
            });
        }
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!(
                "{repo}:*-alpine without a release: the binary needs the same musl as an Alpine release dockopt cannot tell"
            ),
        ));
    }
    let rest: Vec<&String> = variants.iter().filter(|v| *v != "slim").collect();
    let mut builder = None;
    let release = match rest.as_slice() {
        [r] if is_release(r) => r.to_string(),
        [] => match default(&version) {
            Some(release) => release,
            None => {
                let (release, pinned) = pin_moving_tag(facts, &version, &variants).ok_or_else(|| {
                    Unsure::at(Code::UnknownTag, line, format!("cannot tell which Debian release {repo}:{version} is built on; name it in the tag ({})", release_tag_example(repo, &version)))
                })?;
                builder = Some(pinned);
                release
            }
        },
        _ => {
            return Err(Unsure::at(
                Code::UnknownTag,
                line,
                format!("unknown {repo} tag variant {}", variants.join("-")),
            ));
        }
    };
    Ok(Runtime {
        image: format!("debian:{release}-slim"),
        family: Family::Debian,
        builder,
    })
}

/// A builder tag that follows the newest release (`latest`, `1`, `slim`,
/// no tag) names no Debian release, and the runtime must match the
/// builder's. The catalog knows the release such tags are built on today;
/// the builder is pinned to the tag that names it (`rust:latest` →
/// `rust:trixie`, `rust:1-slim` → `rust:1-slim-trixie`), the same image
/// today, so that builder and runtime stay on one release when the moving
/// tag moves. Returns the release and the pinned image as written.
fn pin_moving_tag(
    facts: &Facts<'_>,
    version: &str,
    variants: &[String],
) -> Option<(String, String)> {
    let release = catalog::catalog()
        .ecosystem(&facts.image.repository)?
        .latest_release
        .clone()?;
    let written = facts.image.tag.as_deref().unwrap_or_default();
    if written.contains('$') || facts.image.digest.is_some() {
        return None;
    }
    let slim = variants.iter().any(|v| v == "slim");
    let tag = match (version, slim) {
        ("latest", false) => release.clone(),
        ("latest", true) => format!("slim-{release}"),
        ("1", false) => format!("1-{release}"),
        ("1", true) => format!("1-slim-{release}"),
        _ => return None,
    };
    Some((release, retagged(facts, &tag)))
}

/// The builder's image as written, with `tag` in place of its own (or
/// added, when it has none).
pub fn retagged(facts: &Facts<'_>, tag: &str) -> String {
    let written = facts.image.tag.as_deref().unwrap_or_default();
    let name = match facts.image_text.rsplit_once(':') {
        Some((name, t)) if t == written && !t.contains('/') => name,
        _ => facts.image_text.as_str(),
    };
    format!("{name}:{tag}")
}
