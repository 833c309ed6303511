//! .NET: `dotnet restore`, `build` and `publish` on the
//! `mcr.microsoft.com/dotnet/sdk` image.
//!
//! ## What it recognises
//! Any `dotnet` build verb; `dotnet publish -o DIR` (the folder is copied)
//! or without `-o` (the output stays in the project, inside the app
//! folders). The project file in the build context decides the runtime:
//! `Microsoft.NET.Sdk.Web` (or a reference to `Microsoft.AspNetCore.App`)
//! needs ASP.NET Core, other SDKs need only .NET.
//!
//! ## What it emits
//! The runtime stage is `mcr.microsoft.com/dotnet/aspnet` with the SDK's tag
//! (same .NET version and OS: `sdk:8.0-alpine` → `aspnet:8.0-alpine`), or
//! `dotnet/runtime` for a project that is not a web app. Without the project
//! file the choice is aspnet, which holds the .NET runtime too. On Alpine the
//! runtime gets ICU, its locale data, the time zones and globalization as
//! the SDK image had them, and .NET 3.0 to 7.0 runtimes leave
//! ASPNETCORE_URLS empty as their SDK images do (images.toml's `[dotnet]`).
//!
//! ## When it leaves the file alone
//! A CMD that needs the SDK (`dotnet run`, `dotnet watch`), an SDK tag with a
//! feature-band version (`8.0.204`, whose runtime patch is another number),
//! Windows or CBL-Mariner tags.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! Web.csproj:
//! <Project Sdk="Microsoft.NET.Sdk.Web">
//!   <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
//! </Project>
//! ```
//! the file
//! ```dockerfile
//! FROM mcr.microsoft.com/dotnet/sdk:8.0
//! WORKDIR /src
//! COPY . .
//! RUN dotnet publish -c Release -o /app
//! WORKDIR /app
//! ENTRYPOINT ["dotnet", "Web.dll"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM mcr.microsoft.com/dotnet/sdk:8.0 AS builder
//! WORKDIR /src
//! COPY . .
//! RUN dotnet publish -c Release -o /app
//!
//! FROM mcr.microsoft.com/dotnet/aspnet:8.0
//! COPY --from=builder /app /app
//! WORKDIR /app
//! ENTRYPOINT ["dotnet", "Web.dll"]
//! ```

pub mod steps;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::Family;
use crate::classify::{self, Facts};
use crate::plan::{EnvSetting, Plan, Unsure};
use crate::reasons::Code;

use super::{Runtime, base_plan, install_runtime_needs, push_artifact, refuse_digest};

/// dotnet verbs that need the SDK when the image runs them.
const SDK_VERBS: &[&str] = &[
    "run", "watch", "test", "build", "publish", "restore", "ef", "tool", "new", "pack",
];

/// Decides the plan for a .NET project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = runtime_image(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Dotnet, &runtime);
    let outputs = outputs(facts, &mut plan)?;
    lean_copy(facts, &mut plan, &outputs);
    let mut provided = |cmd: &Command| runs_published(facts, &outputs, cmd);
    let mut extra = Vec::new();
    if runtime.family == Family::Alpine {
        // The Alpine SDK image installs ICU and the time zones and turns
        // globalization-invariant mode off; the aspnet and runtime images
        // have neither and leave it on.
        for package in alpine_sdk_packages(facts) {
            extra.push((
                package,
                "the Alpine SDK image has it; the runtime images run without ICU's locales and time zones"
                    .to_string(),
            ));
        }
        plan.artifact_env.push(EnvSetting::new(
            "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT",
            "false",
            "the Alpine SDK image turns globalization-invariant mode off; its runtime images turn it on",
        ));
    }
    if sdk_without_urls(facts) {
        plan.artifact_env.push(EnvSetting::new(
            "ASPNETCORE_URLS",
            "",
            "the SDK image leaves it empty and the runtime images set http://+:80; empty, Kestrel listens where it did",
        ));
    }
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, extra)?;
    Ok(plan)
}

/// The apk packages the Alpine SDK image of this tag has that its runtime
/// images lack, leaving out those its Alpine release does not have.
fn alpine_sdk_packages(facts: &Facts<'_>) -> Vec<String> {
    let data = crate::catalog::catalog().dotnet();
    let tag = facts.image.tag.as_deref().unwrap_or("");
    let (version, variant) = tag.split_once('-').unwrap_or((tag, ""));
    // `alpine3.18` names its release; a bare `alpine` follows the newest,
    // which for an ended .NET version is the last one it was built on.
    let release = variant
        .strip_prefix("alpine")
        .filter(|r| !r.is_empty())
        .or_else(|| data.alpine_last.get(version).map(String::as_str))
        .and_then(alpine_release);
    data.alpine_packages
        .iter()
        .filter(|p| {
            let since = data.alpine_since.get(*p).and_then(|s| alpine_release(s));
            match (release, since) {
                (Some(have), Some(need)) => have >= need,
                _ => true,
            }
        })
        .cloned()
        .collect()
}

/// Whether the SDK image of this tag has no ASPNETCORE_URLS while its
/// runtime images set `http://+:80`, and the file does not set it itself.
fn sdk_without_urls(facts: &Facts<'_>) -> bool {
    let tag = facts.image.tag.as_deref().unwrap_or("");
    let version = tag.split('-').next().unwrap_or(tag);
    crate::catalog::catalog()
        .dotnet()
        .sdk_without_urls
        .iter()
        .any(|v| v == version)
        && !facts.env.iter().any(|(name, _)| name == "ASPNETCORE_URLS")
}

/// An Alpine release (`3.16`) as a comparable pair.
fn alpine_release(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    let minor = minor.split(['.', '-']).next()?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// aspnet (a web project, or one dockopt cannot read) or runtime, from the
/// SDK image's registry, with its tag.
fn runtime_image(facts: &Facts<'_>) -> Result<Runtime, Unsure> {
    let (tag, family) = runtime_tag(facts)?;
    let flavour = match web_project(facts) {
        Some(false) => "runtime",
        _ => "aspnet",
    };
    let registry = facts
        .image
        .repository
        .rsplit_once('/')
        .map_or("mcr.microsoft.com/dotnet", |(r, _)| r);
    Ok(Runtime {
        image: format!("{registry}/{flavour}:{tag}"),
        family,
        builder: None,
    })
}

/// The folders `dotnet publish -o` and `build -o` write, each an artifact;
/// a file with no dotnet build has nothing to keep.
fn outputs(facts: &Facts<'_>, plan: &mut Plan) -> Result<Vec<String>, Unsure> {
    let mut outputs: Vec<String> = Vec::new();
    let mut builds = false;
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            let Step::Dotnet { verb, output, .. } = step else {
                continue;
            };
            builds = true;
            let Some(out) = output
                .as_ref()
                .filter(|_| matches!(verb.as_str(), "publish" | "build"))
            else {
                continue;
            };
            let dir = classify::resolve(out, workdir.as_deref())
                .filter(|d| !d.contains('$'))
                .ok_or_else(|| {
                    Unsure::at(
                        Code::UnplaceablePath,
                        line,
                        format!("dotnet {verb} -o {out}, which dockopt cannot place"),
                    )
                })?;
            push_artifact(
                plan,
                dir.clone(),
                format!("dotnet {verb} writes the app here (line {line})"),
            );
            outputs.push(dir);
        }
    }
    if !builds {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no dotnet build or publish: nothing for a builder stage to keep",
        ));
    }
    Ok(outputs)
}

/// Whether the image runs the published app: `dotnet APP.dll` or its own
/// executable in a published folder; the SDK's verbs are refused.
fn runs_published(facts: &Facts<'_>, outputs: &[String], cmd: &Command) -> Result<bool, Unsure> {
    if cmd.program() == "dotnet" {
        let first = cmd.args().first().map(String::as_str).unwrap_or("");
        if SDK_VERBS.contains(&first) || !first.ends_with(".dll") {
            return Err(Unsure::file(
                Code::RunsBuildTool,
                format!("the image runs dotnet {first}, which needs the SDK"),
            ));
        }
        return Ok(true);
    }
    let full = cmd.argv.first().map(String::as_str).unwrap_or("");
    let resolved = classify::resolve(full, facts.workdir.as_deref());
    Ok(full.contains('/')
        && resolved.is_some_and(|p| outputs.iter().any(|o| classify::under(&p, o))))
}

/// When the image runs only what `dotnet publish -o` wrote, the published
/// folder is the whole app (content files are published with it), so the
/// sources and their `obj`/`bin` folders stay in the builder. Not when the
/// app runs in a folder the build copied sources into: ASP.NET Core's
/// content root is the working folder, where it reads appsettings.json and
/// wwwroot/, and the program may read other files there by relative path.
fn lean_copy(facts: &Facts<'_>, plan: &mut Plan, outputs: &[String]) {
    let in_output = |p: &str| outputs.iter().any(|o| classify::under(p, o));
    let cwd = facts.workdir.as_deref().unwrap_or("/");
    let cwd_holds_sources = !in_output(cwd)
        && facts
            .app_paths
            .iter()
            .any(|a| classify::under(cwd, &a.path) || classify::under(&a.path, cwd));
    // Code that opens a file of the source tree by its path
    // (`File.ReadAllText("/src/data/seed.json")`) needs the sources too.
    if cwd_holds_sources || super::sources::code_names_the_tree(facts, "dotnet") {
        return;
    }
    let runs_published = !facts.runtime_commands.is_empty()
        && facts.runtime_commands.iter().all(|(_, cmd)| {
            let target = if cmd.program() == "dotnet" {
                cmd.args().first()
            } else {
                cmd.argv.first()
            };
            target
                .and_then(|t| classify::resolve(t, facts.workdir.as_deref()))
                .is_some_and(|p| in_output(&p))
        });
    if runs_published {
        // The published folders alone, even when one lies inside a copied
        // folder (`COPY . /app` then `publish -o /app/out`).
        plan.artifacts.retain(|a| in_output(&a.path));
        for o in outputs {
            if !plan.artifacts.iter().any(|a| classify::under(o, &a.path)) {
                plan.artifacts.push(crate::plan::Artifact {
                    path: o.clone(),
                    chown: None,
                    reason: "dotnet publish writes the app here".into(),
                    file: false,
                });
            }
        }
    }
}

/// The runtime image's tag: the SDK's own (`8.0`, `8.0-alpine`,
/// `9.0-noble`) and its package family.
fn runtime_tag(facts: &Facts<'_>) -> Result<(String, Family), Unsure> {
    let line = facts.line(facts.from);
    refuse_digest(facts, "the runtime image")?;
    let tag = facts.image.tag.clone().unwrap_or_else(|| "latest".into());
    let (version, variant) = tag.split_once('-').unwrap_or((tag.as_str(), ""));
    if version.split('.').count() > 2 || version == "latest" {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!(
                "the SDK tag {tag} names an SDK release; the runtime's own tag for it is another number"
            ),
        ));
    }
    let family = match variant {
        "" | "bookworm-slim" | "bullseye-slim" | "trixie-slim" => Family::Debian,
        "jammy" | "noble" | "focal" | "jammy-chiseled" | "noble-chiseled" => Family::Ubuntu,
        v if v.starts_with("alpine") => Family::Alpine,
        v => {
            return Err(Unsure::at(
                Code::UnknownTag,
                line,
                format!("the SDK tag variant {v} has no runtime image dockopt knows"),
            ));
        }
    };
    Ok((tag.clone(), family))
}

/// Whether the project in the build context is a web app: Some(true) for
/// the Web SDK or an ASP.NET Core reference, Some(false) for another SDK,
/// None without exactly one project file to read.
fn web_project(facts: &Facts<'_>) -> Option<bool> {
    let context = facts.context.as_ref()?;
    let mut projects = Vec::new();
    collect_projects(context, 3, &mut projects);
    let mut web = None;
    for p in projects {
        let text = std::fs::read_to_string(&p).ok()?;
        let this = text.contains("Microsoft.NET.Sdk.Web")
            || text.contains("Microsoft.NET.Sdk.BlazorWebAssembly")
            || text.contains("Microsoft.NET.Sdk.Razor")
            || text.contains("Microsoft.AspNetCore.App");
        web = Some(web.unwrap_or(false) || this);
    }
    web
}

/// Project files (`*.csproj`, `*.fsproj`, `*.vbproj`) up to `depth`
/// folders below `dir`, skipping build output.
fn collect_projects(dir: &std::path::Path, depth: usize, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if depth > 0 && !matches!(name.as_str(), "bin" | "obj" | ".git" | "node_modules") {
                collect_projects(&path, depth - 1, out);
            }
        } else if name.ends_with(".csproj")
            || name.ends_with(".fsproj")
            || name.ends_with(".vbproj")
        {
            out.push(path);
        }
    }
}
