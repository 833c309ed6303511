//! `dockopt explain`: why each instruction goes where it goes.

use std::fmt::Write as _;

use clap::ValueEnum;
use dockopt::rewrite;
use dockopt::syntax;

use super::{EXIT_ERROR, EXIT_OK, input};

/// Explain the rewrite of one Dockerfile, instruction by instruction.
///
/// For each instruction (with its lines): build, runtime or both, and the
/// reason; then the strategy, the builder and runtime images, the artifacts
/// the runtime stage copies and the steps it adds. When dockopt would leave
/// the file alone, says why.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: String,
    /// The build context (default: the folder holding the Dockerfile).
    #[arg(long, value_name = "DIR")]
    context: Option<String>,
    /// Settings file (default: the nearest .dockopt.toml above the Dockerfile).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs `dockopt explain`.
pub fn run(args: &Args) -> u8 {
    let name = input::display_name(&args.file);
    let json = matches!(args.format, Format::Json);
    let fail = |message: String| {
        if json {
            println!("{}", serde_json::json!({ "file": name, "error": message }));
        }
        eprintln!("{message}");
        EXIT_ERROR
    };
    let bytes = match input::read(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(format!("error: {name}: cannot read: {e:#}")),
    };
    let df = match syntax::parse_bytes(&bytes) {
        Ok(df) => df,
        Err(e) => return fail(e.render(name, &String::from_utf8_lossy(&bytes))),
    };
    let context = super::rewrite::context_of(&args.file, args.context.as_deref());
    let config = match super::configs::Configs::new(args.config.as_deref(), false)
        .and_then(|c| c.for_file(&args.file))
    {
        Ok(c) => c,
        Err(e) => {
            error!("{e}");
            return EXIT_ERROR;
        }
    };
    let options = rewrite::Options {
        context: context.as_deref(),
        config: config.as_deref(),
    };
    let decision = match rewrite::decide(&df, &options) {
        Ok(d) => d,
        Err(rewrite::Error::Directive(e)) => {
            eprintln!("{}", e.render(name, &String::from_utf8_lossy(&bytes)));
            return EXIT_ERROR;
        }
        Err(e) => {
            error!("{name}: {e}");
            return EXIT_ERROR;
        }
    };
    let text = match args.format {
        Format::Json => {
            let value = match &decision {
                Ok(plan) => serde_json::json!({ "file": name, "rewrite": plan }),
                Err(why) => serde_json::json!({ "file": name, "unchanged": why }),
            };
            format!("{value}\n")
        }
        Format::Text => match &decision {
            Ok(plan) => explain_text(name, plan),
            Err(why) => {
                let d = why.code.doc();
                let at = why.line.map_or(String::new(), |l| format!(":{l}"));
                format!(
                    "{name}{at}: unchanged: {} {}\n\n  {} ({}): {}\n  What you can do: {}\n",
                    why.code, why.reason, why.code, d.name, d.summary, d.fix
                )
            }
        },
    };
    print!("{text}");
    EXIT_OK
}

fn explain_text(name: &str, plan: &dockopt::plan::Plan) -> String {
    use dockopt::emit::instruction_text;
    use dockopt::plan::Added;
    let mut s = String::new();
    let _ = writeln!(s, "{name}: {} strategy", plan.strategy);
    let _ = writeln!(
        s,
        "  builder: {} (stage {})",
        plan.builder_image, plan.builder_name
    );
    let _ = writeln!(s, "  runtime: {}", plan.runtime_image);
    let _ = writeln!(s, "\ninstructions:");
    for d in &plan.decisions {
        let lines = if d.lines.0 == d.lines.1 {
            format!("{}", d.lines.0)
        } else {
            format!("{}-{}", d.lines.0, d.lines.1)
        };
        let role = format!("{:?}", d.role).to_lowercase();
        let _ = writeln!(s, "  {lines:>7}  {:<11} {role:<8} {}", d.keyword, d.reason);
    }
    if !plan.builder_inserts.is_empty() || plan.prune.is_some() {
        let _ = writeln!(s, "\nthe builder gets:");
        let prune = plan.prune.iter().map(|p| {
            let run = Added::Run {
                command: p.command.clone(),
            };
            (p.before, vec![run])
        });
        for (node, added) in plan.builder_inserts.iter().cloned().chain(prune) {
            let before = plan
                .decisions
                .iter()
                .find(|d| d.node == node)
                .map_or(String::new(), |d| format!(" (before line {})", d.lines.0));
            for a in &added {
                let _ = writeln!(s, "  {}{before}", instruction_text(a));
            }
        }
    }
    if plan.prune.is_some() {
        let _ = writeln!(
            s,
            "  (the prune leaves devDependencies in the builder: the start command and the app's imports need only dependencies)"
        );
    }
    let _ = writeln!(s, "\nthe runtime stage copies:");
    for a in &plan.artifacts {
        let _ = writeln!(s, "  {}  ({})", a.path, a.reason);
    }
    if !plan.runtime_steps.is_empty() {
        let _ = writeln!(s, "\nand adds:");
        for step in &plan.runtime_steps {
            let line = instruction_text(&step.what);
            let _ = writeln!(s, "  {}  ({})", one_line(&line), step.why);
        }
    }
    if !plan.artifact_env.is_empty() {
        let _ = writeln!(s, "\nand sets, after the copies:");
        for e in &plan.artifact_env {
            let _ = writeln!(s, "  {}={:?}  ({})", e.name, e.value, e.reason);
        }
    }
    if let Some(change) = &plan.command {
        let _ = writeln!(
            s,
            "\nand writes line {} as:\n  {}  ({})",
            change.line,
            one_line(&change.text),
            change.reason
        );
    }
    if let Some(why) = &plan.dev_kept {
        let _ = writeln!(s, "\ndevDependencies stay in the runtime: {why}");
    }
    s
}

/// An instruction on one line, without the `# hadolint ignore` comment
/// above it and with its continuations joined.
fn one_line(instruction: &str) -> String {
    instruction
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| l.trim().trim_end_matches('\\').trim())
        .collect::<Vec<_>>()
        .join(" ")
}
