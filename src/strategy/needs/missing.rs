//! What the runtime image lacks compared with the builder's: the two base
//! images' difference (bases.toml) and the build-only packages the plan
//! leaves behind, looked up need by need.

use crate::catalog::{self, Family, ImageRef, PackageRole};
use crate::classify::Facts;
use crate::plan::Plan;

use super::base_program;

/// What the runtime image lacks that the builder had.
pub(super) enum Diff<'c> {
    /// The packages, from the images' package lists.
    Known(Vec<String>),
    /// A builder of another make, with the programs it adds.
    Other(&'c catalog::OtherBase),
    /// Images dockopt has no package lists for.
    Unknown,
}

/// Whether a need is met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// The runtime image has it, or neither image has it.
    Present,
    /// The runtime image gets it from this package.
    Install(String),
    /// The builder image has it and the runtime image lacks it, and no
    /// package brings it back (a JDK tool on a JRE).
    Lacking,
    /// dockopt cannot tell.
    Unknown,
}

/// What the runtime image lacks, looked up need by need.
pub(super) struct Missing {
    pub(super) diff: Diff<'static>,
    /// Build-only packages the plan leaves out.
    pub(super) left_behind: Vec<String>,
    /// Packages the build installs that the runtime has too.
    pub(super) carried: Vec<String>,
    pub(super) family: Family,
    pub(super) runtime: String,
}

impl Missing {
    /// The difference between the builder's image and the plan's runtime.
    pub(super) fn new(facts: &Facts<'_>, plan: &Plan, family: Family) -> Missing {
        let cat = catalog::catalog();
        let mut left_behind = Vec::new();
        let mut carried = Vec::new();
        for inst in &facts.packages {
            let name = catalog::package_name(&inst.package).to_string();
            match cat.package_role(family, &name) {
                PackageRole::Runtime => carried.push(name),
                _ if inst.replayed => carried.push(name),
                _ => left_behind.push(name),
            }
        }
        Missing {
            diff: diff(facts, plan),
            left_behind,
            carried,
            family,
            runtime: plan.runtime_image.clone(),
        }
    }

    /// Whether one of `packages` provides the program `name`.
    pub(super) fn provides<'p>(&self, packages: &'p [String], name: &str) -> Option<&'p str> {
        let cat = catalog::catalog();
        let tool = cat.tool_package(self.family, name);
        packages
            .iter()
            .find(|p| {
                p.as_str() == name
                    || tool == Some(p.as_str())
                    || cat.alternatives(name).iter().any(|a| a == p.as_str())
                    || cat
                        .bases()
                        .program_package(std::slice::from_ref(p), name)
                        .is_some()
            })
            .map(String::as_str)
    }

    /// A program by name (a path is looked up by its file name).
    pub(super) fn program(&self, name: &str) -> Found {
        let name = name.rsplit('/').next().unwrap_or(name);
        if self.provides(&self.carried, name).is_some() {
            return Found::Present;
        }
        if let Some(p) = self.provides(&self.left_behind, name) {
            return Found::Install(p.to_string());
        }
        match &self.diff {
            Diff::Known(packages) => {
                // The package the full image names (imagemagick), before
                // the one that holds the file (imagemagick-6.q16).
                let cat = catalog::catalog();
                if let Some(tool) = cat
                    .tool_package(self.family, name)
                    .filter(|t| packages.iter().any(|p| p == t))
                {
                    return Found::Install(tool.to_string());
                }
                cat.bases()
                    .program_package(packages, name)
                    .map_or(Found::Present, |p| Found::Install(p.to_string()))
            }
            Diff::Other(other) => match other.programs.get(name) {
                Some(p) if p.is_empty() => Found::Lacking,
                Some(p) => Found::Install(p.clone()),
                None => Found::Present,
            },
            Diff::Unknown if base_program(name) => Found::Present,
            Diff::Unknown => Found::Unknown,
        }
    }

    /// A shared library by soname or short name.
    pub(super) fn library(&self, name: &str) -> Found {
        let file = name.rsplit('/').next().unwrap_or(name);
        let soname = if file.contains(".so") {
            file.to_string()
        } else {
            format!("lib{}.so", file.trim_start_matches("lib"))
        };
        match &self.diff {
            Diff::Known(packages) => catalog::catalog()
                .bases()
                .library_package(packages, &soname)
                .map_or(Found::Present, |p| Found::Install(p.to_string())),
            Diff::Other(_) => Found::Present,
            Diff::Unknown => Found::Unknown,
        }
    }

    /// A data file or folder by absolute path.
    pub(super) fn data(&self, path: &str) -> Found {
        match &self.diff {
            Diff::Known(packages) => catalog::catalog()
                .bases()
                .data_package(packages, path)
                .map_or(Found::Present, |p| Found::Install(p.to_string())),
            _ => Found::Present,
        }
    }
}

/// The package difference between the builder image and the runtime image.
fn diff(facts: &Facts<'_>, plan: &Plan) -> Diff<'static> {
    let cat = catalog::catalog();
    let runtime = ImageRef::parse(&plan.runtime_image);
    if runtime.repository == facts.image.repository && runtime.tag == facts.image.tag {
        return Diff::Known(Vec::new());
    }
    if let Some(other) = cat.other_base(&facts.image.repository) {
        return Diff::Other(other);
    }
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    if tag.contains("alpine") || runtime.tag.as_deref().is_some_and(|t| t.contains("alpine")) {
        return Diff::Unknown;
    }
    let builder = if tag.contains("slim") {
        cat.runtime_base(&facts.image.repository)
    } else {
        cat.ecosystem(&facts.image.repository)
            .and_then(|e| e.debian_base.as_deref())
    };
    let runtime_base = cat.runtime_base(&runtime.repository);
    match (builder, runtime_base) {
        (Some(b), Some(r)) => cat
            .bases()
            .lacks(b, r)
            .map_or(Diff::Unknown, |l| Diff::Known(l.packages)),
        _ => Diff::Unknown,
    }
}
