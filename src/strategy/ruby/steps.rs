//! What Ruby's tools do in a RUN: gem and bundle, and Rails' binstubs
//! (`bin/rails assets:precompile`), which run the project's bundle.

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;

/// A gem or bundle command, or a Rails binstub, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    let args = cmd.args();
    Some(match program {
        "gem" | "bundle" | "bundler" => match args.first().map(String::as_str) {
            Some("--version" | "-v" | "env" | "list" | "check") => Step::Harmless,
            Some(_) => Step::Ruby {
                tool: if program == "gem" { "gem" } else { "bundle" }.to_string(),
                args: args.to_vec(),
            },
            None => Step::Unknown(program.into()),
        },
        // Rails' binstubs run the project's bundle, as `bundle exec rails`.
        "rails" | "rake"
            if cmd.argv.first().is_some_and(|f| {
                f == &format!("bin/{program}") || f.ends_with(&format!("/bin/{program}"))
            }) =>
        {
            let mut bundled = vec!["exec".to_string(), program.to_string()];
            bundled.extend(args.iter().cloned());
            Step::Ruby {
                tool: "bundle".into(),
                args: bundled,
            }
        }
        _ => return None,
    })
}
