//! The rewrite as one call: parse, read the facts, let the ecosystem's
//! strategy plan, emit, and check the result before anyone sees it.

use std::path::Path;

use crate::classify;
use crate::emit;
use crate::inline;
use crate::plan::{Plan, Unsure};
use crate::strategy;
use crate::syntax::{self, Dockerfile, ParseError};

/// What a rewrite came to.
#[derive(Debug)]
pub enum Outcome {
    /// The file was rewritten.
    Rewritten {
        /// The new text.
        text: String,
        /// What was decided and why.
        plan: Box<Plan>,
    },
    /// The file is left as it is, for this reason.
    Unchanged(Unsure),
}

/// Errors of a rewrite.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A `# dockopt:` comment dockopt does not understand.
    #[error("{0}")]
    Directive(ParseError),
    /// dockopt wrote text that does not parse: a bug, and nothing is written.
    #[error("internal error: the rewritten file does not parse ({0}); please report this")]
    Emitted(ParseError),
}

/// Rewrites Dockerfile text.
pub fn rewrite(src: &str) -> Result<Outcome, Error> {
    let df = syntax::parse(src)?;
    rewrite_tree(&df)
}

/// Rewrites a parsed Dockerfile.
pub fn rewrite_tree(df: &Dockerfile) -> Result<Outcome, Error> {
    rewrite_in(df, None)
}

/// Rewrites a parsed Dockerfile whose build context is `context` (where
/// scripts that CMD runs can be read).
pub fn rewrite_in(df: &Dockerfile, context: Option<&Path>) -> Result<Outcome, Error> {
    let inline = inline::read(df).map_err(Error::Directive)?;
    if let Some(line) = inline.ignore {
        return Ok(Outcome::Unchanged(Unsure::file(format!(
            "`# dockopt: ignore` on line {line}"
        ))));
    }
    let facts = match classify::facts_with(df, context, &inline) {
        Ok(f) => f,
        Err(why) => return Ok(Outcome::Unchanged(why)),
    };
    let plan = match strategy::plan(&facts).map(|p| keep_base(p, &facts, &inline)) {
        Ok(plan) => plan,
        Err(why) => return Ok(Outcome::Unchanged(why)),
    };
    let text =
        emit::emit(df, facts.from, facts.platform.as_deref(), &plan).map_err(Error::Emitted)?;
    // Whatever dockopt writes must read back as a Dockerfile.
    syntax::parse(&text).map_err(Error::Emitted)?;
    Ok(Outcome::Rewritten {
        text,
        plan: Box::new(plan),
    })
}

/// The plan for a parsed file, or why there is none.
pub fn decide(df: &Dockerfile, context: Option<&Path>) -> Result<Plan, Unsure> {
    let inline = inline::read(df).map_err(|e| Unsure::at(e.line, e.message))?;
    if let Some(line) = inline.ignore {
        return Err(Unsure::file(format!("`# dockopt: ignore` on line {line}")));
    }
    let facts = classify::facts_with(df, context, &inline)?;
    strategy::plan(&facts).map(|p| keep_base(p, &facts, &inline))
}

/// `# dockopt: keep-base`: the runtime stage starts from the original image.
fn keep_base(mut plan: Plan, facts: &classify::Facts<'_>, inline: &inline::Inline) -> Plan {
    if inline.keep_base {
        plan.runtime_image = facts.image_text.clone();
        if let Some(d) = plan.decisions.first_mut() {
            d.reason = format!(
                "the builder keeps {}; `# dockopt: keep-base` keeps it for the runtime too",
                facts.image_text
            );
        }
    }
    plan
}
