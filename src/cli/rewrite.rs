//! `dockopt rewrite`: single-stage Dockerfiles to builder + runtime stages.

use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use dockopt::rewrite::{self, Outcome};
use dockopt::syntax;

use super::{EXIT_ERROR, EXIT_OK, files, input, write};

/// Exit status with --check when a file would change.
const EXIT_WOULD_CHANGE: u8 = 1;

/// Rewrite single-stage Dockerfiles into a builder stage and a slim runtime stage.
///
/// By default prints a unified diff (`--- a/PATH`, `+++ b/PATH`) that `git
/// apply` and `patch -p1` accept. A file dockopt leaves alone gets one line on
/// standard error saying why: already multi-stage, no known ecosystem, or the
/// line it is unsure about and the reason. Every rewrite is parsed again
/// before it is printed or written.
///
/// Exit status: 0 done; 1 with --check when a file would change; 2 when an
/// input could not be read or parsed (the others are still processed).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockopt rewrite Dockerfile                 # show the diff\n  dockopt rewrite Dockerfile | git apply     # apply it with git\n  dockopt rewrite --in-place services/       # rewrite every Dockerfile under services/\n  dockopt rewrite --check .                  # CI: exit 1 if a file would change\n  dockopt explain Dockerfile                 # why each line goes where it goes"
)]
pub struct Args {
    /// Dockerfiles or folders to search; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Write the result back (atomically, keeping permissions, line endings and BOM).
    #[arg(short = 'i', long, conflicts_with_all = ["stdout", "check"])]
    in_place: bool,
    /// Print the whole rewritten Dockerfile instead of a diff (one input).
    #[arg(long, conflicts_with = "check")]
    stdout: bool,
    /// Print the files that would change; exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// The build context (default: the folder holding each Dockerfile).
    #[arg(long, value_name = "DIR")]
    context: Option<String>,
    /// When to colour the diff.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Runs `dockopt rewrite`.
pub fn run(args: &Args) -> u8 {
    let paths = files::expand(&args.paths);
    if args.stdout && paths.len() != 1 {
        eprintln!(
            "error: --stdout takes exactly one Dockerfile ({} given)",
            paths.len()
        );
        return EXIT_ERROR;
    }
    if args.in_place && paths.iter().any(|p| p == "-") {
        eprintln!("error: --in-place cannot write back to standard input");
        return EXIT_ERROR;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut status = EXIT_OK;
    let (mut changed, mut unchanged, mut errors) = (0, 0, 0);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &paths {
        let name = input::display_name(path);
        let bytes = match input::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {name}: cannot read: {e}");
                errors += 1;
                continue;
            }
        };
        let src = match syntax::parse_bytes(&bytes) {
            Ok(df) => (df.to_string(), df),
            Err(e) => {
                eprintln!("{}", e.render(name, &String::from_utf8_lossy(&bytes)));
                errors += 1;
                continue;
            }
        };
        let (text, df) = src;
        let outcome =
            match rewrite::rewrite_in(&df, context_of(path, args.context.as_deref()).as_deref()) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    errors += 1;
                    continue;
                }
            };
        let new = match outcome {
            Outcome::Unchanged(why) => {
                eprintln!("{name}: unchanged: {why}");
                unchanged += 1;
                if args.stdout {
                    let _ = out.write_all(text.as_bytes());
                }
                continue;
            }
            Outcome::Rewritten { text: new, .. } => new,
        };
        changed += 1;
        let result = if args.check {
            writeln!(out, "would rewrite {name}")
        } else if args.stdout {
            out.write_all(new.as_bytes())
        } else if args.in_place {
            match write::atomic_write(Path::new(path), &bytes, new.as_bytes()) {
                Ok(()) => writeln!(out, "rewrote {name}"),
                Err(e) => {
                    eprintln!("error: {name}: cannot write: {e}");
                    errors += 1;
                    changed -= 1;
                    Ok(())
                }
            }
        } else {
            let diff = dockopt::diff::unified(name, &text, &new);
            out.write_all(paint(&diff, color).as_bytes())
        };
        if let Err(e) = result {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return status;
            }
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if paths.len() > 1 {
        let verb = if args.check {
            "would be rewritten"
        } else {
            "rewritten"
        };
        eprintln!(
            "dockopt: {} files: {changed} {verb}, {unchanged} unchanged, {errors} errors",
            paths.len()
        );
    }
    if errors > 0 {
        status = EXIT_ERROR;
    } else if args.check && changed > 0 {
        status = EXIT_WOULD_CHANGE;
    }
    status
}

/// Colours a unified diff the way git does.
fn paint(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_string();
    }
    diff.split_inclusive('\n')
        .map(|line| {
            let code = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                return line.to_string();
            };
            let body = line.trim_end_matches('\n');
            let nl = if line.ends_with('\n') { "\n" } else { "" };
            format!("\x1b[{code}m{body}\x1b[0m{nl}")
        })
        .collect()
}

/// The build context of a Dockerfile: `--context`, else its folder (none
/// for standard input).
pub fn context_of(path: &str, given: Option<&str>) -> Option<std::path::PathBuf> {
    if let Some(dir) = given {
        return Some(dir.into());
    }
    if path == "-" {
        return None;
    }
    let parent = Path::new(path).parent()?;
    Some(if parent.as_os_str().is_empty() {
        ".".into()
    } else {
        parent.to_path_buf()
    })
}
