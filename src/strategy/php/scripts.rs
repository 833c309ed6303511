//! What composer runs besides installing packages: the scripts of
//! composer.json for the events an install, update or dump-autoload fires
//! (`post-install-cmd`, `post-autoload-dump`...). Each entry is read like a
//! command of a RUN: `@php artisan package:discover` is a framework command
//! that stays in the project, `@php -r "..."` is code read for its writes,
//! `@other` runs another script, a shell command must write in the app,
//! and a PHP callback (`Class::method`) must be one the catalog knows.
//! Whatever cannot be read stops the rewrite, naming the event and entry.

use serde_json::Value;

use crate::analysis::shell::{self, Command};
use crate::analysis::steps::{self, Step};
use crate::classify::Facts;
use crate::facts::buildtime;
use crate::plan::Unsure;
use crate::reasons::Code;

/// How deep scripts that run scripts are followed.
const MAX_DEPTH: usize = 8;

/// The project a composer command works on, and the RUN it is in.
pub struct Project<'a> {
    facts: &'a Facts<'a>,
    composer_json: Value,
    workdir: Option<&'a str>,
    line: usize,
}

/// Checks where a composer command of a RUN installs and the scripts it
/// fires (unless `--no-scripts` turns them off), when composer.json is in
/// the context.
pub fn check(
    facts: &Facts<'_>,
    args: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    let Some(text) = super::super::manifests::context_text_from(facts, workdir, "composer.json")
    else {
        return Ok(());
    };
    let Ok(composer_json) = serde_json::from_str::<Value>(&text) else {
        return Err(Unsure::at(
            Code::ComposerScript,
            line,
            "composer.json cannot be read as JSON, so dockopt cannot see the scripts composer runs",
        ));
    };
    let project = Project {
        facts,
        composer_json,
        workdir,
        line,
    };
    project.check_install_paths()?;
    if args.iter().any(|a| a == "--no-scripts") {
        return Ok(());
    }
    for event in events(args) {
        project.check_script(event, 0)?;
    }
    Ok(())
}

/// The script events a composer command fires, by its subcommand
/// (getcomposer.org, "Scripts": command events).
fn events(args: &[String]) -> Vec<&str> {
    let mut words = args.iter().filter(|a| !a.starts_with('-'));
    match words.next().map(String::as_str) {
        Some("install" | "i") | None => vec![
            "pre-install-cmd",
            "post-install-cmd",
            "pre-autoload-dump",
            "post-autoload-dump",
        ],
        Some("update" | "u" | "upgrade" | "require" | "r" | "remove" | "rm") => vec![
            "pre-update-cmd",
            "post-update-cmd",
            "pre-autoload-dump",
            "post-autoload-dump",
        ],
        Some("dump-autoload" | "dumpautoload") => vec!["pre-autoload-dump", "post-autoload-dump"],
        Some("run-script" | "run") => words.next().map(String::as_str).into_iter().collect(),
        Some(_) => Vec::new(),
    }
}

impl Project<'_> {
    /// A reason about the RUN that fires the script.
    fn doubt(&self, why: String) -> Unsure {
        Unsure::at(Code::ComposerScript, self.line, why)
    }

    /// Where composer.json tells composer to install: `config.vendor-dir`
    /// and `bin-dir`, and composer/installers' `extra.installer-paths`
    /// (`"../wp-content/plugins/{$name}/"`), must lie in the app.
    fn check_install_paths(&self) -> Result<(), Unsure> {
        let doc = &self.composer_json;
        let config = ["vendor-dir", "bin-dir"]
            .into_iter()
            .filter_map(|k| Some((k, doc.get("config")?.get(k)?.as_str()?)));
        let installers = doc
            .get("extra")
            .and_then(|e| e.get("installer-paths"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(path, _)| ("installer-paths", path.as_str()));
        for (key, path) in config.chain(installers) {
            let path = path.split("{$").next().unwrap_or(path);
            if !self.facts.names_app_path(path, self.workdir, false) {
                return Err(self.doubt(format!(
                    "composer.json's {key} puts packages in {path}, outside the app"
                )));
            }
        }
        Ok(())
    }

    /// The entries of script `name`: one command, a list, or Symfony
    /// Flex's map of console commands (`"cache:clear": "symfony-cmd"`).
    fn check_script(&self, name: &str, depth: usize) -> Result<(), Unsure> {
        let Some(script) = self.composer_json.get("scripts").and_then(|s| s.get(name)) else {
            return Ok(());
        };
        if depth > MAX_DEPTH {
            return Err(self.doubt(format!(
                "the composer script {name} runs scripts too deep to follow"
            )));
        }
        match script {
            Value::String(entry) => self.check_entry(name, entry, depth),
            Value::Array(entries) => entries.iter().try_for_each(|e| match e.as_str() {
                Some(entry) => self.check_entry(name, entry, depth),
                None => Err(self.doubt(format!(
                    "the composer script {name} has an entry that is not a command"
                ))),
            }),
            Value::Object(commands) => commands
                .iter()
                .try_for_each(|(command, kind)| self.check_flex(name, command, kind)),
            _ => Err(self.doubt(format!(
                "the composer script {name} is neither a command nor a list"
            ))),
        }
    }

    /// One entry of a script.
    fn check_entry(&self, name: &str, entry: &str, depth: usize) -> Result<(), Unsure> {
        let entry = entry.trim();
        if let Some(rest) = entry.strip_prefix("@php ") {
            return self.check_commands(name, &format!("php {rest}"));
        }
        if entry.starts_with("@composer ") || entry.starts_with("@putenv ") {
            return Ok(()); // composer itself (its scripts are the events above), or a variable
        }
        if let Some(other) = entry.strip_prefix('@') {
            let other = other.split_whitespace().next().unwrap_or(other);
            return self.check_script(other, depth + 1);
        }
        if is_callback(entry) {
            let known = crate::catalog::catalog()
                .composer_in_app_callbacks()
                .iter()
                .any(|c| c == entry);
            return if known {
                Ok(())
            } else {
                Err(self.doubt(format!(
                    "the composer script {name} calls the PHP method {entry}, whose effects dockopt does not know"
                )))
            };
        }
        self.check_commands(name, entry)
    }

    /// A Symfony Flex `auto-scripts` entry: a console command (`symfony-cmd`),
    /// a PHP script (`php-script`) or a shell command (`script`).
    fn check_flex(&self, name: &str, command: &str, kind: &Value) -> Result<(), Unsure> {
        match kind.as_str() {
            Some("symfony-cmd") => {
                let sub = command.split_whitespace().next().unwrap_or_default();
                let known = crate::catalog::catalog().in_app_command("php", "console", sub);
                if known {
                    Ok(())
                } else {
                    Err(self.doubt(format!(
                        "the composer script {name} runs the console command {command}, whose effects dockopt does not know"
                    )))
                }
            }
            Some("php-script") => self.check_commands(name, &format!("php {command}")),
            Some("script") => self.check_commands(name, command),
            _ => Err(self.doubt(format!(
                "the composer script {name} runs {command} in a way dockopt does not know"
            ))),
        }
    }

    /// A command line of a script: each command must keep its writes in
    /// the app, as a RUN's would.
    fn check_commands(&self, name: &str, line: &str) -> Result<(), Unsure> {
        for cmd in shell::commands(line) {
            self.check_command(name, &cmd)?;
        }
        Ok(())
    }

    /// One command of a script.
    fn check_command(&self, name: &str, cmd: &Command) -> Result<(), Unsure> {
        let facts = self.facts;
        let program = cmd.program().to_string();
        let inside = |p: &str| facts.names_app_path(p, self.workdir, true);
        let step = steps::step(cmd);
        let parts = match step {
            Step::Script(parts) => parts,
            s => vec![s],
        };
        for part in parts {
            match part {
                Step::Harmless | Step::Cleanup => {}
                Step::AppCommand { .. } if self.workdir.is_some_and(&inside) => {}
                Step::Files { paths, .. } | Step::Chown { paths, .. } => {
                    if let Some(p) = paths.iter().find(|p| !inside(p)) {
                        return Err(self.doubt(format!(
                            "the composer script {name} runs `{program}` on {p}, outside the app"
                        )));
                    }
                }
                Step::Code {
                    interpreter,
                    script,
                    inline,
                    args,
                } => buildtime::check_code(
                    facts,
                    &interpreter,
                    script.as_deref(),
                    inline.as_deref(),
                    &args,
                    self.workdir,
                    self.line,
                )?,
                _ => {
                    return Err(self.doubt(format!(
                        "the composer script {name} runs `{program}`, whose effects dockopt does not know"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Whether a script entry is a PHP callback (`Vendor\Class::method`).
fn is_callback(entry: &str) -> bool {
    entry.contains("::") && !entry.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_fires_its_events() {
        let args = |s: &str| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        assert_eq!(events(&args("install --no-dev"))[1], "post-install-cmd");
        assert_eq!(
            events(&args("--no-interaction update"))[0],
            "pre-update-cmd"
        );
        assert_eq!(
            events(&args("dump-autoload -o")),
            ["pre-autoload-dump", "post-autoload-dump"]
        );
        assert_eq!(events(&args("run-script build")), ["build"]);
        assert!(events(&args("config --global x y")).is_empty());
        assert!(is_callback(
            "Illuminate\\Foundation\\ComposerScripts::postAutoloadDump"
        ));
        assert!(!is_callback("php -r \"A::b();\""));
    }
}
