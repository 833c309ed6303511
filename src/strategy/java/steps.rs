//! What Maven and Gradle do in a RUN: the tool and its goals or tasks.

use crate::analysis::shell::Command;
use crate::analysis::steps::{Step, positional};

/// A Maven or Gradle command (or its wrapper), or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    matches!(program, "mvn" | "mvnw" | "gradle" | "gradlew").then(|| Step::Jvm {
        tool: program.trim_end_matches('w').to_string(),
        goals: positional(cmd.args()),
    })
}
