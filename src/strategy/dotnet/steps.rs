//! What the dotnet command does in a RUN: its verb and `-o` folder.

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;

/// A dotnet command, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    (cmd.program() == "dotnet").then(|| dotnet(cmd.args()))
}

/// dotnet's verb, its `-o`/`--output` folder and its other words.
fn dotnet(args: &[String]) -> Step {
    let Some((verb, rest)) = args.split_first() else {
        return Step::Unknown("dotnet".into());
    };
    if verb.starts_with('-') || verb.ends_with(".dll") {
        // `dotnet --info`, or running an app, which builds nothing.
        return Step::Harmless;
    }
    let mut output = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.split_once('=') {
            Some(("-o" | "--output", v)) => output = Some(v.to_string()),
            _ if a == "-o" || a == "--output" => output = it.next().cloned(),
            _ => {}
        }
    }
    Step::Dotnet {
        verb: verb.clone(),
        output,
        args: rest.to_vec(),
    }
}
