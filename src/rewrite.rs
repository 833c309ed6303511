//! The rewrite as one call: parse, read the facts, let the ecosystem's
//! strategy plan, emit, and check the result before anyone sees it.

use crate::reasons::Code;
use std::path::Path;

use crate::classify;
use crate::config::Config;
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
    /// dockopt wrote stages that differ from its own plan: a bug, and
    /// nothing is written.
    #[error("internal error: the rewritten stages differ from the plan ({0}); please report this")]
    Inconsistent(String),
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
    rewrite_with(
        df,
        &Options {
            context,
            config: None,
        },
    )
}

/// Where a file is rewritten: its build context and its team's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The build context (scripts that CMD runs are read there).
    pub context: Option<&'a Path>,
    /// Settings from `.dockopt.toml`.
    pub config: Option<&'a Config>,
}

/// Rewrites a parsed Dockerfile with these options.
pub fn rewrite_with(df: &Dockerfile, options: &Options<'_>) -> Result<Outcome, Error> {
    let (facts, plan) = match prepare(df, options)? {
        Ok(both) => both,
        Err(why) => return Ok(Outcome::Unchanged(why)),
    };
    let text =
        emit::emit(df, facts.from, facts.platform.as_deref(), &plan).map_err(Error::Emitted)?;
    // Whatever dockopt writes must read back as a Dockerfile, with each
    // instruction in the stage the plan put it in.
    let written = syntax::parse(&text).map_err(Error::Emitted)?;
    emit::check_stages(df, facts.from, &plan, &written).map_err(Error::Inconsistent)?;
    Ok(Outcome::Rewritten {
        text,
        plan: Box::new(plan),
    })
}

/// The plan `rewrite_with` would follow, or why there is none: what
/// `dockopt explain` shows.
pub fn decide(df: &Dockerfile, options: &Options<'_>) -> Result<Result<Plan, Unsure>, Error> {
    Ok(prepare(df, options)?.map(|(_, plan)| plan))
}

/// Inline comments, facts and plan: everything a rewrite decides.
fn prepare<'a>(
    df: &'a Dockerfile,
    options: &Options<'_>,
) -> Result<Result<(classify::Facts<'a>, Plan), Unsure>, Error> {
    let mut inline = inline::read(df).map_err(Error::Directive)?;
    if let Some(config) = options.config {
        let v = &mut inline.vouched;
        v.runs.extend(config.app.runs.iter().cloned());
        v.not_needed.extend(config.app.not_needed.iter().cloned());
    }
    if let Some(line) = inline.ignore {
        return Ok(Err(Unsure::file(
            Code::Ignored,
            format!("`# dockopt: ignore` on line {line}"),
        )));
    }
    let facts = match classify::facts_with(df, options.context, &inline) {
        Ok(f) => f,
        Err(why) => return Ok(Err(why)),
    };
    Ok(plan_with(&facts, &inline, options.config).map(|plan| (facts, plan)))
}

/// The strategy's plan, adjusted by inline comments and the config.
fn plan_with(
    facts: &classify::Facts<'_>,
    inline: &inline::Inline,
    config: Option<&Config>,
) -> Result<Plan, Unsure> {
    let eco = strategy::strategy_for(&facts.image);
    if let (Some(config), Some(eco)) = (config, eco)
        && config.disable.iter().any(|d| d == eco.name())
    {
        let from = config
            .path
            .as_ref()
            .map_or(String::from(".dockopt.toml"), |p| p.display().to_string());
        return Err(Unsure::file(
            Code::StrategyOff,
            format!("the {eco} strategy is turned off in {from}"),
        ));
    }
    let plan = strategy::plan(facts)?;
    let mut plan = keep_base(plan, facts, inline);
    if let Some(config) = config {
        apply_config(&mut plan, facts, config);
    }
    Ok(plan)
}

/// Builder name, registry overrides, `COPY --link` and a non-root user.
fn apply_config(plan: &mut Plan, facts: &classify::Facts<'_>, config: &Config) {
    if let (Some(name), None) = (&config.builder_name, &facts.stage_name) {
        plan.builder_name = name.clone();
    }
    if let Some(image) = config.images.get(&plan.runtime_image) {
        plan.runtime_image = image.clone();
    }
    plan.link = config.link;
    if !config.node.prune {
        plan.prune = None;
    }
    let has_user = plan
        .decisions
        .iter()
        .any(|d| d.kind == crate::syntax::Kind::User);
    if config.non_root && !has_user {
        if plan.strategy == crate::ecosystem::Ecosystem::Node {
            // The node images have a `node` user.
            plan.runtime_user = Some("node".into());
        } else {
            let alpine = plan.runtime_image.contains("alpine");
            let create = if alpine {
                "adduser -D -u 10001 app"
            } else {
                "useradd --create-home --uid 10001 app"
            };
            plan.runtime_steps.push(crate::plan::Addition {
                what: crate::plan::Added::Run {
                    command: create.into(),
                },
                why: "non_root = true in the config".into(),
            });
            plan.runtime_user = Some("app".into());
        }
    }
}

/// `# dockopt: keep-base`: the runtime stage starts from the original image.
fn keep_base(mut plan: Plan, facts: &classify::Facts<'_>, inline: &inline::Inline) -> Plan {
    if inline.keep_base {
        plan.runtime_image = facts.image_text.clone();
        // Both stages on the one image as written: nothing to pin.
        if let Some(written) = plan.pinned_from.take() {
            plan.builder_image = written;
        }
        if let Some(d) = plan.decisions.first_mut() {
            d.reason = format!(
                "the builder keeps {}; `# dockopt: keep-base` keeps it for the runtime too",
                facts.image_text
            );
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Node file whose prune goes into the builder and whose CMD moves.
    const NODE: &str = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npm run build\n\nCMD [\"node\", \"dist/app.js\"]\n";
    const PACKAGE: &str = r#"{"scripts": {"build": "tsc", "start": "node dist/app.js"}, "dependencies": {"ms": "2.1.3"}, "devDependencies": {"typescript": "5.4.5"}}"#;

    #[test]
    fn stages_are_checked_against_the_plan() {
        let context = tempfile::tempdir().unwrap();
        std::fs::write(context.path().join("package.json"), PACKAGE).unwrap();
        let options = Options {
            context: Some(context.path()),
            config: None,
        };
        let df = syntax::parse(NODE).unwrap();
        let Outcome::Rewritten { text, .. } = rewrite_with(&df, &options).unwrap() else {
            panic!("not rewritten");
        };
        let (facts, plan) = prepare(&df, &options).unwrap().unwrap();
        let check = |written: &str| {
            let written = syntax::parse(written).unwrap();
            emit::check_stages(&df, facts.from, &plan, &written)
        };
        assert_eq!(check(&text), Ok(()));
        // The prune lost, and CMD left in the builder: the defect this
        // check was written after.
        let lost = text.replace(
            "RUN npm prune --omit=dev\n",
            "CMD [\"node\", \"dist/app.js\"]\n",
        );
        assert_eq!(
            check(&lost),
            Err("the builder stage differs at `RUN npm prune --omit=dev`".to_string())
        );
        // The builder's own instructions in another order.
        let swapped = text.replacen(
            "COPY . .\nRUN npm install\n",
            "RUN npm install\nCOPY . .\n",
            1,
        );
        assert_ne!(swapped, text);
        assert_eq!(
            check(&swapped),
            Err("the builder stage has its instructions out of order".to_string())
        );
        // A moved instruction missing from the runtime stage.
        let missing = text.replace("\nCMD [\"node\", \"dist/app.js\"]\n", "\n");
        assert_eq!(
            check(&missing),
            Err("the runtime stage lacks `CMD [\"node\", \"dist/app.js\"]`".to_string())
        );
    }
}
