//! Go: `go build` and `go install` on the official `golang` image.
//!
//! ## What it recognises
//! `go build -o OUT` (a file or a folder), `go build ./cmd/NAME`, `go install
//! PKG` (into /go/bin), `go mod download`, and `CGO_ENABLED` set in the
//! command or by ENV.
//!
//! ## What it emits
//! The runtime stage is `debian:<release>-slim` of the release the golang
//! tag is built on (CGO is on by default there, so the binary needs the same
//! glibc), or the same Alpine release for `-alpine3.x` tags. It copies the
//! binaries and the app folders (templates and static files often live
//! there), and installs `ca-certificates` and `tzdata`, which the golang
//! image has and Go programs read.
//!
//! ## When it leaves the file alone
//! A CMD that runs `go` (`go run`), a `go build` whose output name depends on
//! go.mod, or a golang tag whose Debian release is not known.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! go.mod:
//! module example.com/app
//!
//! go 1.22
//! ```
//! ```text
//! main.go:
//! package main
//!
//! func main() {}
//! ```
//! the file
//! ```dockerfile
//! FROM golang:1.22
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /bin/app .
//! CMD ["/bin/app"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM golang:1.22 AS builder
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /bin/app .
//!
//! FROM debian:bookworm-slim
//! # hadolint ignore=DL3008
//! RUN apt-get update \
//!     && apt-get install -y --no-install-recommends ca-certificates tzdata \
//!     && rm -rf /var/lib/apt/lists/*
//! COPY --from=builder /src /src
//! COPY --from=builder /bin/app /bin/app
//! WORKDIR /src
//! CMD ["/bin/app"]
//! ```

use crate::analysis::steps::{GoStep, Step};
use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::{
    Runtime, base_plan, install_runtime_needs, keep_on_path, needs, push_artifact, runs_binary,
};
use crate::facts::code::Lang;

/// Where go install writes on the golang image (GOPATH=/go).
const GOPATH_BIN: &str = "/go/bin";

/// Decides the plan for a Go project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = go_runtime(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Go, &runtime);
    let mut binaries: Vec<String> = Vec::new();
    let mut bin_dirs: Vec<String> = Vec::new();
    // The golang image has /go/bin on PATH; a plain runtime does not.
    let mut on_path: Vec<String> = Vec::new();
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            match step {
                Step::Go(build @ GoStep::Build { .. }) => {
                    let out = build_output(facts, build, workdir.as_deref(), line)?;
                    push_artifact(
                        &mut plan,
                        out.clone(),
                        format!("the binary go build writes (line {line})"),
                    );
                    binaries.push(out);
                }
                Step::Go(GoStep::Install { packages, .. }) => {
                    let bin = install_dir(facts, line)?;
                    if packages.iter().any(|p| p.contains("...")) {
                        // Every main package below: copy the folder whole;
                        // the names are not known, so CMD cannot be checked
                        // against them.
                        push_artifact(
                            &mut plan,
                            bin.clone(),
                            format!("the binaries go install writes (line {line})"),
                        );
                        if bin == GOPATH_BIN {
                            on_path.push(bin.clone());
                        }
                        bin_dirs.push(bin);
                        continue;
                    }
                    if bin == GOPATH_BIN {
                        on_path.push(bin.clone());
                    }
                    for p in packages {
                        let name = p.split('@').next().unwrap_or(p).trim_end_matches('/');
                        let name = name.rsplit('/').next().unwrap_or(name);
                        if name.is_empty()
                            || name == "."
                            || name.starts_with('v')
                                && name[1..].chars().all(|c| c.is_ascii_digit())
                        {
                            return Err(Unsure::at(
                                Code::ManifestMissing,
                                line,
                                format!("cannot tell the binary name of go install {p}"),
                            ));
                        }
                        let out = format!("{bin}/{name}");
                        push_artifact(
                            &mut plan,
                            out.clone(),
                            format!("the binary go install writes (line {line})"),
                        );
                        binaries.push(out);
                    }
                }
                _ => {}
            }
        }
    }
    if binaries.is_empty() && plan.artifacts.iter().all(|a| !bin_dirs.contains(&a.path)) {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no go build or go install: nothing to copy out of a builder",
        ));
    }
    let mut provided = |cmd: &crate::analysis::shell::Command| -> Result<bool, Unsure> {
        let program = cmd.program();
        if program == "go" {
            return Err(Unsure::file(
                Code::RunsBuildTool,
                "the image runs the go tool, which needs the SDK",
            ));
        }
        // A path into a folder copied whole is there if the build made it.
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let in_copied_dir = full.starts_with('/')
            && bin_dirs
                .iter()
                .any(|d| full.rsplit_once('/').is_some_and(|(parent, _)| parent == d));
        // A bare name after `go install ./...`: /go/bin comes first on the
        // golang image's PATH and is copied whole and kept on PATH, so the
        // program resolves the same, unless it is a tool of the image.
        let from_gopath_bin = !full.contains('/')
            && bin_dirs.iter().any(|d| d == GOPATH_BIN)
            && program != "gofmt"
            && catalog::catalog()
                .tool_package(runtime.family, program)
                .is_none();
        Ok(in_copied_dir || from_gopath_bin || runs_binary(facts, &binaries, cmd))
    };
    let mut extra = Vec::new();
    if runtime.family == Family::Debian {
        for p in ["ca-certificates", "tzdata"] {
            extra.push((
                p.to_string(),
                "the golang image has it; Go reads it for TLS and time zones".to_string(),
            ));
        }
    } else {
        extra.push((
            "ca-certificates".to_string(),
            "Go reads it for TLS".to_string(),
        ));
    }
    if cgo_on(facts) {
        extra.extend(needs::code_links(facts, runtime.family, Lang::Go)?);
        extra.extend(module_links(facts, runtime.family)?);
    }
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, extra)?;
    keep_on_path(&mut plan, &on_path);
    Ok(plan)
}

/// Whether some go build or go install runs with cgo: the golang image
/// has a C compiler, so cgo is on unless CGO_ENABLED=0 says otherwise.
fn cgo_on(facts: &Facts<'_>) -> bool {
    let env_off = facts.env_value("CGO_ENABLED") == Some("0");
    facts.runs_step(|s| match s {
        Step::Go(GoStep::Build { cgo, .. } | GoStep::Install { cgo, .. }) => {
            cgo.unwrap_or(!env_off)
        }
        _ => false,
    })
}

/// The libraries that modules in go.mod link through cgo (data in
/// packages.toml), with the build tags the builds use.
fn module_links(facts: &Facts<'_>, family: Family) -> Result<Vec<(String, String)>, Unsure> {
    let cat = catalog::catalog();
    let mut tags: Vec<String> = Vec::new();
    for (_, _, steps) in &facts.run_steps {
        for s in steps {
            if let Step::Go(GoStep::Build { tags: t, .. } | GoStep::Install { tags: t, .. }) = s {
                tags.extend(t.iter().cloned());
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let go_mods = needs::app_code_text(facts, "go.mod");
    for text in go_mods {
        for module in text.lines().filter_map(required_module) {
            for (tag, name) in cat.go_module_links(module) {
                if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
                    continue;
                }
                let packages = cat.link_library(family, name).ok_or_else(|| {
                    Unsure::file(Code::UnknownLibrary, format!(
                        "the Go module {module} links {name} through cgo, whose runtime package dockopt does not know"
                    ))
                })?;
                for p in packages {
                    if !out.iter().any(|(o, _)| o == p) {
                        let with = if tag.is_empty() {
                            String::new()
                        } else {
                            format!(" with the build tag {tag}")
                        };
                        out.push((
                            p.clone(),
                            format!("the Go module {module} links {name}{with}"),
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The module path of a `require` line of go.mod (`require x v1` or a
/// line inside `require (...)`).
fn required_module(line: &str) -> Option<&str> {
    let line = line.trim();
    let line = line.strip_prefix("require ").unwrap_or(line);
    let mut words = line.split_whitespace();
    let module = words.next()?;
    let version = words.next()?;
    (version.starts_with('v') && module.contains('/')).then_some(module)
}

/// The absolute path of the binary a `go build` writes: its `-o`, or the
/// name go gives it (after the first file, the package folder, or go.mod's
/// module), in the folder it runs in. The Go strategy and the distro
/// strategy both place go build's output with it.
pub(crate) fn build_output(
    facts: &Facts<'_>,
    build: &GoStep,
    workdir: Option<&str>,
    line: usize,
) -> Result<String, Unsure> {
    let GoStep::Build {
        output,
        packages,
        chdir,
        ..
    } = build
    else {
        return Err(Unsure::at(Code::UnplaceablePath, line, "not a go build"));
    };
    let out = match output {
        Some(o) => o.clone(),
        None => default_output(packages, chdir.as_deref())
            .or_else(|| module_output(facts, packages, chdir.as_deref(), workdir))
            .ok_or_else(|| {
                Unsure::at(Code::ManifestMissing,
                    line,
                    "go build without -o names the binary after the module in go.mod, which is not in the build context",
                )
            })?,
    };
    if out.ends_with('/') {
        return Err(Unsure::at(
            Code::UnplaceablePath,
            line,
            "go build -o into a folder names the binaries after their packages",
        ));
    }
    classify::resolve(&out, workdir)
        .filter(|o| !o.contains('$'))
        .ok_or_else(|| {
            Unsure::at(
                Code::UnplaceablePath,
                line,
                format!("go build writes {out}, which dockopt cannot place"),
            )
        })
}

/// The output of `go build` without `-o`: named after the first file for
/// `.go` files, or after the folder for one relative package folder, in
/// the current folder. None when it depends on go.mod or names several
/// packages (then go build writes nothing).
fn default_output(packages: &[String], chdir: Option<&str>) -> Option<String> {
    let dir = chdir
        .map(|d| format!("{}/", d.trim_end_matches('/')))
        .unwrap_or_default();
    match packages {
        [first, ..] if packages.iter().all(|p| p.ends_with(".go")) => {
            let file = first.rsplit('/').next()?;
            Some(format!("{dir}{}", file.strip_suffix(".go")?))
        }
        [one] if one.starts_with("./") && !one.contains("...") => {
            let name = one.trim_end_matches('/').rsplit('/').next()?;
            (!name.is_empty() && name != "." && !name.starts_with('v'))
                .then(|| format!("{dir}{name}"))
        }
        _ => None,
    }
}

/// `go build` (or `go build .`) in a module's root names the binary after
/// the last element of the module path in go.mod, read from the build
/// context (`example.com/tools/server/v2` → `server`).
fn module_output(
    facts: &Facts<'_>,
    packages: &[String],
    chdir: Option<&str>,
    workdir: Option<&str>,
) -> Option<String> {
    if packages.len() > 1 || packages.first().is_some_and(|p| p != "." && p != "./") {
        return None;
    }
    let dir = classify::resolve(chdir.unwrap_or("."), workdir)?;
    let dir = dir.trim_end_matches('/');
    let go_mod = facts.context_file_at(&format!("{dir}/go.mod"))?;
    let module = go_mod
        .lines()
        .find_map(|l| l.trim().strip_prefix("module "))?
        .trim()
        .trim_matches('"');
    let mut parts = module.rsplit('/');
    let last = parts.next()?;
    let major = last
        .strip_prefix('v')
        .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2));
    let name = if major { parts.next()? } else { last };
    (!name.is_empty()).then(|| format!("{dir}/{name}"))
}

/// Where go install writes: GOBIN, else the first GOPATH entry's bin, else
/// /go/bin, the golang image's GOPATH. Cross-compiled installs go to a
/// subfolder dockopt does not follow.
fn install_dir(facts: &Facts<'_>, line: usize) -> Result<String, Unsure> {
    if facts.env_value("GOOS").is_some() || facts.env_value("GOARCH").is_some() {
        return Err(Unsure::at(
            Code::UnplaceablePath,
            line,
            "go install with GOOS or GOARCH set writes into a per-platform folder",
        ));
    }
    let dir = match (facts.env_value("GOBIN"), facts.env_value("GOPATH")) {
        (Some(bin), _) if !bin.is_empty() => bin.to_string(),
        (_, Some(path)) if !path.is_empty() => {
            format!("{}/bin", path.split(':').next().unwrap_or(path))
        }
        _ => GOPATH_BIN.to_string(),
    };
    if !dir.starts_with('/') || dir.contains('$') {
        return Err(Unsure::at(
            Code::UnplaceablePath,
            line,
            format!("go install writes to {dir}, which dockopt cannot place"),
        ));
    }
    Ok(dir.trim_end_matches('/').to_string())
}

/// debian:<release>-slim for the golang tag's release, or its Alpine
/// release; on a bare `-alpine` tag without a C compiler cgo is off, so the
/// static binary runs on any Alpine.
fn go_runtime(facts: &Facts<'_>) -> Result<Runtime, Unsure> {
    let compiler = facts.packages.iter().any(|p| {
        matches!(
            catalog::package_name(&p.package),
            "gcc" | "build-base" | "clang" | "musl-dev"
        )
    });
    let cat = catalog::catalog();
    super::binary_runtime(facts, &|v| cat.go_release(v).map(String::from), !compiler)
}
