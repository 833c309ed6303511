//! The package.json files a build reads: the one in each folder where a
//! RUN installs or runs scripts, and the one in the folder the image starts
//! in (`npm start` reads it there). Each is read where the COPY that put it
//! at that path took it from (`COPY server/package*.json /app/` makes
//! /app/package.json the context's server/package.json), so that a
//! monorepo's top-level package.json is not taken for the app's.

use serde_json::Value;

use crate::analysis::steps::{NodeAction, Step};
use crate::classify::Facts;

use super::super::manifests;

/// The package.json of every folder the build or the image works in.
pub struct Projects {
    /// Folder (the RUN's WORKDIR; None where there is none) and its
    /// package.json, when the context has it there.
    docs: Vec<(Option<String>, Option<Value>)>,
    /// The folders npm, yarn or pnpm install in, in file order.
    installs: Vec<Option<String>>,
    /// The folder the image starts in (the last WORKDIR).
    runtime: Option<String>,
}

impl Projects {
    /// Reads the package.json of each folder a RUN works in with Node's
    /// tools, and of the image's WORKDIR.
    pub fn read(facts: &Facts<'_>) -> Projects {
        let mut projects = Projects {
            docs: Vec::new(),
            installs: Vec::new(),
            runtime: facts.workdir.clone(),
        };
        for (_, workdir, steps) in &facts.run_steps {
            for step in steps {
                let Step::Node { action, .. } = step else {
                    continue;
                };
                projects.load(facts, workdir.as_deref());
                if matches!(action, NodeAction::Install) && !projects.installs.contains(workdir) {
                    projects.installs.push(workdir.clone());
                }
            }
        }
        projects.load(facts, facts.workdir.as_deref());
        projects
    }

    /// Reads `folder`'s package.json once.
    fn load(&mut self, facts: &Facts<'_>, folder: Option<&str>) {
        if self.docs.iter().any(|(f, _)| f.as_deref() == folder) {
            return;
        }
        let doc = manifests::context_text_from(facts, folder, "package.json")
            .and_then(|t| serde_json::from_str(&t).ok());
        self.docs.push((folder.map(String::from), doc));
    }

    /// The package.json of `folder`, when the context has it.
    pub fn at(&self, folder: Option<&str>) -> Option<&Value> {
        self.docs
            .iter()
            .find(|(f, _)| f.as_deref() == folder)
            .and_then(|(_, d)| d.as_ref())
    }

    /// The package.json the image's own `npm start` reads.
    pub fn runtime(&self) -> Option<&Value> {
        self.at(self.runtime.as_deref())
    }

    /// The folders packages are installed in, each with its package.json.
    pub fn installed(&self) -> impl Iterator<Item = (Option<&str>, Option<&Value>)> {
        self.installs
            .iter()
            .map(|f| (f.as_deref(), self.at(f.as_deref())))
    }

    /// The dependency tables of every installed project as one document,
    /// for the checks that look at every package the build installs.
    pub fn installed_dependencies(&self) -> Option<Value> {
        let mut merged = serde_json::Map::new();
        let mut any = false;
        for (_, doc) in self.installed() {
            let Some(doc) = doc else { continue };
            any = true;
            for table in ["dependencies", "devDependencies", "optionalDependencies"] {
                let Some(deps) = doc.get(table).and_then(Value::as_object) else {
                    continue;
                };
                let into = merged
                    .entry(table)
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Some(into) = into.as_object_mut() {
                    into.extend(deps.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        any.then_some(Value::Object(merged))
    }
}
