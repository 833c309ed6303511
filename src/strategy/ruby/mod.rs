//! Ruby: `bundle install` and `gem install` on the official `ruby` image.
//!
//! ## What it recognises
//! `gem install` (into `GEM_HOME`, /usr/local/bundle on the ruby image, or
//! `--install-dir`), `bundle install` (into `BUNDLE_PATH`, a configured
//! `path`, or `GEM_HOME`), `bundle config`, and `bundle exec` build tasks
//! such as `rake assets:precompile`, whose output stays in the app.
//!
//! ## What it emits
//! The runtime stage is the same tag's `-slim` variant (same Debian release;
//! Alpine tags keep their image). It copies /usr/local/bundle (gems, their
//! commands and bundler's global config), any other gem folder, and the app
//! folders. Runtime libraries of `-dev` packages are installed the lean way.
//!
//! ## When it leaves the file alone
//! `gem install --user-install`, a gem or bundle path with a variable, or a
//! CMD running a program that neither Ruby, the gems nor the app provide.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! Gemfile:
//! source "https://rubygems.org"
//! gem "sinatra"
//! ```
//! ```text
//! Gemfile.lock:
//! GEM
//!   remote: https://rubygems.org/
//!   specs:
//!     sinatra (4.0.0)
//!
//! PLATFORMS
//!   ruby
//! ```
//! ```text
//! app.rb:
//! puts 'app'
//! ```
//! the file
//! ```dockerfile
//! FROM ruby:3.3
//! WORKDIR /app
//! COPY Gemfile Gemfile.lock ./
//! RUN bundle install
//! COPY . .
//! CMD ["ruby", "app.rb"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM ruby:3.3 AS builder
//! WORKDIR /app
//! COPY Gemfile Gemfile.lock ./
//! RUN bundle install
//! COPY . .
//!
//! FROM ruby:3.3-slim
//! COPY --from=builder /app /app
//! COPY --from=builder /usr/local/bundle /usr/local/bundle
//! WORKDIR /app
//! CMD ["ruby", "app.rb"]
//! ```

pub mod steps;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::classify::{self, Facts};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::{
    base_plan, install_runtime_needs, manifests, push_artifact, slim_variant,
    source_built_libraries,
};

/// Where the ruby image keeps gems (its GEM_HOME and BUNDLE_APP_CONFIG).
const GEM_HOME: &str = "/usr/local/bundle";

/// Programs the ruby image has in every variant.
const RUBY_PROGRAMS: &[&str] = &[
    "ruby", "gem", "bundle", "bundler", "irb", "erb", "rake", "rdoc", "ri",
];

/// Decides the plan for a Ruby project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = slim_variant(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Ruby, &runtime);
    let gem_home = facts.env_value("GEM_HOME").unwrap_or(GEM_HOME).to_string();
    let mut installs = 0;
    for (node, workdir, steps) in &facts.run_steps {
        let line = facts.line(*node);
        for step in steps {
            if let Step::Ruby { tool, args } = step {
                let at = Placed {
                    workdir: workdir.as_deref(),
                    line,
                };
                if gem_folders(facts, &mut plan, &at, tool, args, &gem_home)? {
                    installs += 1;
                }
            }
        }
    }
    if installs == 0 {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no gem or bundle install: nothing for a builder stage to keep",
        ));
    }
    let mut provided = |cmd: &Command| -> Result<bool, Unsure> {
        // A gem's command (puma, rails, fluentd) is in the copied bundle;
        // anything else is looked up in what the runtime image lacks.
        Ok(RUBY_PROGRAMS.contains(&cmd.program()))
    };
    let installs = manifests::gems(facts);
    let libraries = source_built_libraries(facts, &plan, runtime.family, installs, Vec::new())?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, libraries)?;
    Ok(plan)
}

/// Where a gem command runs, to place the folders it names.
struct Placed<'a> {
    workdir: Option<&'a str>,
    line: usize,
}

impl Placed<'_> {
    /// The absolute folder, or a refusal for one that holds a variable or
    /// is relative with no WORKDIR.
    fn at(&self, dir: &str) -> Result<String, Unsure> {
        classify::resolve(dir, self.workdir)
            .filter(|d| !d.contains('$'))
            .ok_or_else(|| {
                Unsure::at(
                    Code::UnplaceablePath,
                    self.line,
                    format!("gems go to {dir}, which dockopt cannot place"),
                )
            })
    }
}

/// Adds the folders one `gem` or `bundle` command installs gems into as
/// artifacts; true when the command is an install.
fn gem_folders(
    facts: &Facts<'_>,
    plan: &mut Plan,
    place: &Placed<'_>,
    tool: &str,
    args: &[String],
    gem_home: &str,
) -> Result<bool, Unsure> {
    let line = place.line;
    let sub = args.first().map(String::as_str).unwrap_or("");
    match (tool, sub) {
        ("gem", "install") => {
            if args.iter().any(|a| a == "--user-install") {
                return Err(Unsure::at(
                    Code::UnplaceablePath,
                    line,
                    "gem install --user-install puts gems in the user's home",
                ));
            }
            let dir = flag_value(args, &["-i", "--install-dir"]).unwrap_or(gem_home);
            let why = format!("gem install puts gems here (line {line})");
            push_artifact(plan, place.at(dir)?, why);
            Ok(true)
        }
        ("bundle", "install") => {
            let why = format!("bundle install puts gems and their commands here (line {line})");
            push_artifact(plan, place.at(gem_home)?, why);
            let local = local_bundle_path(facts, place.workdir);
            let path = flag_value(args, &["--path"])
                .or(facts.env_value("BUNDLE_PATH"))
                .or(local.as_deref());
            if let Some(p) = path {
                let why = format!("bundle install puts gems here (line {line})");
                push_artifact(plan, place.at(p)?, why);
            }
            Ok(true)
        }
        ("bundle", "config") => {
            // `bundle config [set] [--local|--global] path DIR`
            let words: Vec<&str> = args[1..]
                .iter()
                .map(String::as_str)
                .filter(|a| *a != "set" && !a.starts_with("--"))
                .collect();
            if let ["path", dir] = words.as_slice() {
                // A relative path is the app's (`vendor/bundle`).
                let why = format!("bundler installs gems here (line {line})");
                push_artifact(plan, place.at(dir)?, why);
            }
            Ok(false)
        }
        _ => Ok(false),
    }
}

/// BUNDLE_PATH of the project's own `.bundle/config` (bundler's local
/// settings, which `bundle install` reads in the folder it runs in), as
/// the build context has it.
fn local_bundle_path(facts: &Facts<'_>, workdir: Option<&str>) -> Option<String> {
    let text = super::manifests::context_text_from(facts, workdir, ".bundle/config")?;
    super::manifests::yaml_setting(&text, "BUNDLE_PATH")
}

/// The value of the first of `names` in `args` (`-i DIR`, `--path=DIR`).
fn flag_value<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            return it.next().map(String::as_str);
        }
        if let Some((n, v)) = a.split_once('=')
            && names.contains(&n)
        {
            return Some(v);
        }
    }
    None
}
