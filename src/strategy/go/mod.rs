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
//! glibc), or the same Alpine release for `-alpine3.x` tags; `golang` and
//! `golang:latest` are pinned to `golang:trixie`, the same image today. It
//! copies the binaries alone when the build context holds only Go sources
//! and module files (and the code does not open its source folder through
//! `runtime.Caller`); otherwise the app folders too (templates and static files often
//! live there), which `explain` says. It installs `ca-certificates` and
//! `tzdata`, which the golang image has and Go programs read. A CMD or
//! ENTRYPOINT of `go run` (a package folder or `.go` files, no build flags)
//! is compiled once by a `go build` added as the builder's last step, and
//! the runtime starts that binary (run.rs says when it does not).
//!
//! ## When it leaves the file alone
//! A CMD that runs `go` otherwise, a `go build` whose output name depends
//! on go.mod, or a golang tag whose Debian release is not known.
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
//! COPY --from=builder /bin/app /bin/app
//! WORKDIR /src
//! CMD ["/bin/app"]
//! ```

mod run;
pub mod steps;

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
    let mut outputs = Outputs::default();
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            match step {
                Step::Go(build @ GoStep::Build { .. }) => {
                    let out = build_output(facts, build, workdir.as_deref(), line)?;
                    let why = format!("the binary go build writes (line {line})");
                    push_artifact(&mut plan, out.clone(), why);
                    outputs.binaries.push(out);
                }
                Step::Go(GoStep::Install { packages, .. }) => {
                    let bin = install_dir(facts, line)?;
                    outputs.install(&mut plan, bin, packages, line)?;
                }
                _ => {}
            }
        }
    }
    let go_run = run::go_run(facts)?;
    if let Some(r) = &go_run {
        let why = format!(
            "the binary of the package go run builds (line {}), compiled in the builder",
            r.change.line
        );
        push_artifact(&mut plan, r.binary.clone(), why);
        outputs.binaries.push(r.binary.clone());
        plan.builder_inserts
            .push((r.build.0, vec![r.build.1.clone()]));
    }
    if outputs.binaries.is_empty()
        && plan
            .artifacts
            .iter()
            .all(|a| !outputs.bin_dirs.contains(&a.path))
    {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no go build or go install: nothing to copy out of a builder",
        ));
    }
    binaries_alone(facts, &mut plan, &outputs);
    let replaced = super::command::replaced(facts, go_run.as_ref().map(|r| &r.change));
    let mut provided = |cmd: &crate::analysis::shell::Command| {
        if replaced.contains(&cmd.argv) {
            return Ok(true);
        }
        outputs.provides(facts, runtime.family, cmd)
    };
    let mut extra = runtime_files(runtime.family);
    let run_cgo = go_run.is_some() && facts.env_value("CGO_ENABLED") != Some("0");
    if cgo_on(facts) || run_cgo {
        extra.extend(needs::code_links(facts, runtime.family, Lang::Go)?);
        extra.extend(module_links(facts, runtime.family)?);
    }
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, extra)?;
    keep_on_path(&mut plan, &outputs.on_path);
    if let Some(r) = go_run {
        super::command::apply(&mut plan, r.change);
    }
    Ok(plan)
}

/// When the build context holds only Go sources and module files (and the
/// repository's own files: images.toml's `[build_inputs]` and
/// `[build_sources]`), and no RUN but the build writes into the app
/// folders, the runtime takes the binaries alone: the program reads nothing
/// of its sources. Otherwise the app folders are copied whole, since the
/// program may read templates, static files or configuration there.
fn binaries_alone(facts: &Facts<'_>, plan: &mut Plan, outputs: &Outputs) {
    let app: Vec<String> = facts.app_paths.iter().map(|a| a.path.clone()).collect();
    // `go generate` may write files the program reads beside its code.
    let generates = facts.runs_step(|s| matches!(s, Step::Go(GoStep::Generate)));
    let keeps_app = app.is_empty()
        || generates
        || !facts.replay_after.is_empty()
        || facts.app_paths.iter().any(|a| a.chown.is_some())
        || super::run_writes_under(facts, &app)
        || !super::sources::only_build_inputs(facts, "go")
        || super::sources::code_names_the_tree(facts, "go")
        || super::sources::runtime_names_the_tree(facts, &outputs.binaries);
    if keeps_app {
        for a in plan.artifacts.iter_mut().filter(|a| app.contains(&a.path)) {
            a.reason
                .push_str("; copied whole, since the program may read files of it");
        }
        return;
    }
    super::binaries_instead_of(
        plan,
        &app,
        &outputs.binaries,
        "the binary go build writes",
        "the sources stay behind, since the build context holds only Go sources and module files",
    );
}

/// What the build's go build and go install write.
#[derive(Default)]
struct Outputs {
    /// Binaries by path.
    binaries: Vec<String>,
    /// Folders copied whole (`go install ./...`: the names are not known).
    bin_dirs: Vec<String>,
    /// Folders to keep on PATH: the golang image has /go/bin there; a
    /// plain runtime does not.
    on_path: Vec<String>,
}

impl Outputs {
    /// `go install PACKAGES` into `bin`: each package's binary, or the
    /// folder whole for `...` patterns.
    fn install(
        &mut self,
        plan: &mut Plan,
        bin: String,
        packages: &[String],
        line: usize,
    ) -> Result<(), Unsure> {
        if bin == GOPATH_BIN {
            self.on_path.push(bin.clone());
        }
        if packages.iter().any(|p| p.contains("...")) {
            // Every main package below: copy the folder whole; the names
            // are not known, so CMD cannot be checked against them.
            let why = format!("the binaries go install writes (line {line})");
            push_artifact(plan, bin.clone(), why);
            self.bin_dirs.push(bin);
            return Ok(());
        }
        for p in packages {
            let out = format!("{bin}/{}", installed_name(p, line)?);
            let why = format!("the binary go install writes (line {line})");
            push_artifact(plan, out.clone(), why);
            self.binaries.push(out);
        }
        Ok(())
    }

    /// Whether a program the image runs is one the build made; the go
    /// tool itself is refused (it needs the SDK).
    fn provides(
        &self,
        facts: &Facts<'_>,
        family: Family,
        cmd: &crate::analysis::shell::Command,
    ) -> Result<bool, Unsure> {
        let program = cmd.program();
        super::refuse_sdk_program(facts, program)?;
        // A path into a folder copied whole is there if the build made it.
        let full = cmd.argv.first().map(String::as_str).unwrap_or("");
        let in_copied_dir = full.starts_with('/')
            && self
                .bin_dirs
                .iter()
                .any(|d| full.rsplit_once('/').is_some_and(|(parent, _)| parent == d));
        // A bare name after `go install ./...`: /go/bin comes first on the
        // golang image's PATH and is copied whole and kept on PATH, so the
        // program resolves the same, unless it is a tool of the image.
        let from_gopath_bin = !full.contains('/')
            && self.bin_dirs.iter().any(|d| d == GOPATH_BIN)
            && program != "gofmt"
            && catalog::catalog().tool_package(family, program).is_none();
        Ok(in_copied_dir || from_gopath_bin || runs_binary(facts, &self.binaries, cmd))
    }
}

/// The binary name `go install` gives a package: its last path element
/// without the version (a major-version suffix such as `v2` is refused:
/// the name is the element before it, which dockopt does not guess).
fn installed_name(package: &str, line: usize) -> Result<&str, Unsure> {
    let name = package
        .split('@')
        .next()
        .unwrap_or(package)
        .trim_end_matches('/');
    let name = name.rsplit('/').next().unwrap_or(name);
    let major_version = name.starts_with('v') && name[1..].chars().all(|c| c.is_ascii_digit());
    if name.is_empty() || name == "." || major_version {
        return Err(Unsure::at(
            Code::ManifestMissing,
            line,
            format!("cannot tell the binary name of go install {package}"),
        ));
    }
    Ok(name)
}

/// Files a Go program reads that the golang image has: CA certificates
/// (TLS) and, on Debian, time zones.
fn runtime_files(family: Family) -> Vec<(String, String)> {
    if family == Family::Debian {
        ["ca-certificates", "tzdata"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    "the golang image has it; Go reads it for TLS and time zones".to_string(),
                )
            })
            .collect()
    } else {
        vec![(
            "ca-certificates".to_string(),
            "Go reads it for TLS".to_string(),
        )]
    }
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
    let go_mods = needs::app_code_text(facts, &["go.mod"]);
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
                let with = if tag.is_empty() {
                    String::new()
                } else {
                    format!(" with the build tag {tag}")
                };
                for p in packages {
                    super::want(&mut out, p, || {
                        format!("the Go module {module} links {name}{with}")
                    });
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
