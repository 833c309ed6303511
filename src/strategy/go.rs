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
//! ```text
//! FROM golang:1.22              FROM golang:1.22 AS builder
//! WORKDIR /src                  WORKDIR /src
//! COPY . .                      COPY . .
//! RUN go build -o /bin/app .    RUN go build -o /bin/app .
//! CMD ["/bin/app"]
//!                               FROM debian:bookworm-slim
//!                               RUN apt-get update && apt-get install ... ca-certificates tzdata
//!                               COPY --from=builder /src /src
//!                               COPY --from=builder /bin/app /bin/app
//!                               WORKDIR /src
//!                               CMD ["/bin/app"]
//! ```

use crate::analysis::steps::{GoStep, Step};
use crate::catalog::{self, Family};
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};

use super::{
    Runtime, add_packages, base_plan, check_runtime_programs, push_artifact, runs_binary,
    runtime_packages,
};

/// Decides the plan for a Go project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = go_runtime(facts)?;
    let mut plan = base_plan(facts, "go", &runtime);
    let mut binaries: Vec<String> = Vec::new();
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            match step {
                Step::Go(GoStep::Build { output, .. }) => {
                    let out = match output {
                        Some(o) => classify::resolve(o, workdir.as_deref()).ok_or_else(|| {
                            Unsure::at(line, "go build -o a relative path with no WORKDIR")
                        })?,
                        None => {
                            return Err(Unsure::at(
                                line,
                                "go build without -o names the binary after the module in go.mod",
                            ));
                        }
                    };
                    push_artifact(
                        &mut plan,
                        out.clone(),
                        format!("the binary go build writes (line {line})"),
                    );
                    binaries.push(out);
                }
                Step::Go(GoStep::Install { packages, .. }) => {
                    for p in packages {
                        let name = p.split('@').next().unwrap_or(p).trim_end_matches('/');
                        let name = name.rsplit('/').next().unwrap_or(name);
                        if name.is_empty()
                            || name == "."
                            || name.starts_with('v')
                                && name[1..].chars().all(|c| c.is_ascii_digit())
                        {
                            return Err(Unsure::at(
                                line,
                                format!("cannot tell the binary name of go install {p}"),
                            ));
                        }
                        let out = format!("/go/bin/{name}");
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
    if binaries.is_empty() {
        return Err(Unsure::file(
            "no go build or go install: nothing to copy out of a builder",
        ));
    }
    let provided = |cmd: &crate::analysis::shell::Command| -> Result<bool, Unsure> {
        let program = cmd.program();
        if program == "go" {
            return Err(Unsure::file(
                "the image runs the go tool, which needs the SDK",
            ));
        }
        Ok(runs_binary(facts, &binaries, cmd))
    };
    let tools = check_runtime_programs(facts, runtime.family, &plan.artifacts, &provided)?;
    let mut extra = tools;
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
    let packages = runtime_packages(facts, runtime.family, &extra)?;
    add_packages(&mut plan, facts, runtime.family, &packages);
    Ok(plan)
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
