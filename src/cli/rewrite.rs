//! `dockopt rewrite`: single-stage Dockerfiles to builder + runtime stages,
//! one file or a whole tree of repositories.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use dockopt::report;
use dockopt::rewrite::{self, Outcome};
use dockopt::syntax;
use rayon::prelude::*;

use super::configs::Configs;
use super::{EXIT_ERROR, EXIT_OK, files, input, write};

/// Exit status with --check when a file would change.
const EXIT_WOULD_CHANGE: u8 = 1;

/// Set by Ctrl-C: files not yet started are skipped and nothing more is
/// written; a second Ctrl-C ends the process at once.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Exit status after an interruption, as shells report SIGINT.
const EXIT_INTERRUPTED: u8 = 130;

/// Files handled in parallel before their results are printed in order:
/// enough to keep the cores busy, few enough that memory stays flat.
const CHUNK: usize = 256;

/// Rewrite single-stage Dockerfiles into a builder stage and a slim runtime stage.
///
/// By default prints a unified diff (`--- a/PATH`, `+++ b/PATH`) that `git
/// apply` and `patch -p1` accept. A file dockopt leaves alone gets one line on
/// standard error saying why: already multi-stage, no known ecosystem, or the
/// line it is unsure about and the reason. Every rewrite is parsed again
/// before it is printed or written. Folders are searched for Dockerfile,
/// Dockerfile.*, *.Dockerfile, *.dockerfile and Containerfile, honouring
/// .gitignore; files are handled in parallel and reported in a stable order.
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
    /// Write a report of every file: FORMAT is json or markdown, FILE a path
    /// or `-` for standard error.
    #[arg(long, value_names = ["FORMAT", "FILE"], num_args = 2)]
    report: Option<Vec<String>>,
    /// Settings file (default: the nearest .dockopt.toml above each Dockerfile).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Threads to use (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    walk: files::WalkOptions,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// What became of one file.
enum Done {
    /// Could not be read, parsed or written: the message to print.
    Error(String),
    /// Left as it was, and why.
    Unchanged {
        reason: String,
        original: Option<String>,
    },
    /// Rewritten: what to print on standard output, and its report entry.
    Rewritten(String, Box<report::Entry>),
}

/// Runs `dockopt rewrite`.
pub fn run(args: &Args) -> u8 {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    let paths = match files::expand(&args.paths, &args.walk) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
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
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        eprintln!("error: standard input can be read only once");
        return EXIT_ERROR;
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start threads: {e}");
            return EXIT_ERROR;
        }
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let report_to = match args.report.as_deref() {
        None => None,
        Some([format, file]) if format == "json" || format == "markdown" => {
            Some((format.clone(), file.clone()))
        }
        Some(other) => {
            eprintln!(
                "error: --report takes a format (json or markdown) and a file, not {}",
                other.join(" ")
            );
            return EXIT_ERROR;
        }
    };
    // Entries are kept only for a report, so memory stays flat without one.
    let mut entries: Option<Vec<report::Entry>> = report_to.as_ref().map(|_| Vec::new());
    let configs = match Configs::new(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let progress = progress_bar(paths.len());
    let mut summary = Summary::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for chunk in paths.chunks(CHUNK) {
        if interrupted() {
            break;
        }
        let results: Vec<Done> = pool.install(|| {
            chunk
                .par_iter()
                .map(|p| process(p, args, &configs, color))
                .collect()
        });
        for (path, done) in chunk.iter().zip(results) {
            progress.inc(1);
            let name = input::display_name(path);
            let printed = match done {
                Done::Error(message) => {
                    progress.suspend(|| eprintln!("{message}"));
                    let first = message.lines().next().unwrap_or("");
                    record(
                        &mut entries,
                        report::Entry::Error {
                            file: name.to_string(),
                            error: first.trim_start_matches("error: ").to_string(),
                        },
                    );
                    summary.errors += 1;
                    Ok(())
                }
                Done::Unchanged { reason, original } => {
                    progress.suspend(|| eprintln!("{name}: unchanged: {reason}"));
                    summary.unchanged(&reason);
                    record(
                        &mut entries,
                        report::Entry::Unchanged {
                            file: name.to_string(),
                            reason,
                        },
                    );
                    match original {
                        Some(text) => out.write_all(text.as_bytes()),
                        None => Ok(()),
                    }
                }
                Done::Rewritten(text, entry) => {
                    summary.changed += 1;
                    record(&mut entries, *entry);
                    out.write_all(text.as_bytes())
                }
            };
            if let Err(e) = printed {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return EXIT_OK;
                }
                eprintln!("error: cannot write output: {e}");
                return EXIT_ERROR;
            }
        }
    }
    progress.finish_and_clear();
    if interrupted() {
        eprintln!("dockopt: interrupted; every file is either as it was or fully rewritten");
        return EXIT_INTERRUPTED;
    }
    if let Some((format, file)) = report_to {
        let text = match format.as_str() {
            "json" => report::json(entries.as_deref().unwrap_or_default()),
            _ => report::markdown(entries.as_deref().unwrap_or_default()),
        };
        let written = if file == "-" {
            std::io::stderr().write_all(text.as_bytes())
        } else {
            std::fs::write(&file, text)
        };
        if let Err(e) = written {
            eprintln!("error: cannot write the report to {file}: {e}");
            return EXIT_ERROR;
        }
    }
    if paths.len() > 1 {
        eprint!("{}", summary.render(paths.len(), args.check));
    }
    if summary.errors > 0 {
        EXIT_ERROR
    } else if args.check && summary.changed > 0 {
        EXIT_WOULD_CHANGE
    } else {
        EXIT_OK
    }
}

/// Reads, rewrites and (with --in-place) writes one file.
fn process(path: &str, args: &Args, configs: &Configs, color: bool) -> Done {
    let name = input::display_name(path);
    let bytes = match input::read(path) {
        Ok(b) => b,
        Err(e) => return Done::Error(format!("error: {name}: cannot read: {e}")),
    };
    let df = match syntax::parse_bytes(&bytes) {
        Ok(df) => df,
        Err(e) => return Done::Error(e.render(name, &String::from_utf8_lossy(&bytes))),
    };
    // The tree prints back to exactly the input, which parse_bytes checked
    // is UTF-8: the bytes are the text.
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let config = match configs.for_file(path) {
        Ok(c) => c,
        Err(e) => return Done::Error(format!("error: {e}")),
    };
    if let Some((glob, from)) = config
        .as_ref()
        .and_then(|c| Some((c.skipped(Path::new(path))?, c.path.clone()?)))
    {
        return Done::Unchanged {
            reason: format!("skipped by `{glob}` in {}", from.display()),
            original: args.stdout.then(|| text.to_string()),
        };
    }
    let context = context_of(path, args.context.as_deref());
    let options = rewrite::Options {
        context: context.as_deref(),
        config: config.as_deref(),
    };
    let new = match rewrite::rewrite_with(&df, &options) {
        Err(rewrite::Error::Directive(e)) => return Done::Error(e.render(name, text)),
        Err(e) => return Done::Error(format!("error: {name}: {e}")),
        Ok(Outcome::Unchanged(why)) => {
            return Done::Unchanged {
                reason: why.to_string(),
                original: args.stdout.then(|| text.to_string()),
            };
        }
        Ok(Outcome::Rewritten { text: new, plan }) => {
            (new, Box::new(report::Entry::rewritten(name, &plan)))
        }
    };
    let (new, entry) = new;
    if args.check {
        Done::Rewritten(format!("would rewrite {name}\n"), entry)
    } else if args.stdout {
        Done::Rewritten(new, entry)
    } else if args.in_place {
        if interrupted() {
            return Done::Error(format!(
                "error: {name}: interrupted before writing; left as it was"
            ));
        }
        match write::atomic_write(Path::new(path), &bytes, new.as_bytes()) {
            Ok(()) => Done::Rewritten(format!("rewrote {name}\n"), entry),
            Err(e) => Done::Error(format!("error: {name}: cannot write: {e}")),
        }
    } else {
        let diff = dockopt::diff::unified(name, text, &new);
        Done::Rewritten(paint(&diff, color), entry)
    }
}

/// Keeps a report entry when a report was asked for.
fn record(entries: &mut Option<Vec<report::Entry>>, entry: report::Entry) {
    if let Some(v) = entries {
        v.push(entry);
    }
}

/// A progress bar on standard error, only for a person watching many files.
fn progress_bar(files: usize) -> indicatif::ProgressBar {
    let watching = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !watching || files < 50 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Counts for the closing summary.
#[derive(Default)]
struct Summary {
    changed: usize,
    errors: usize,
    reasons: BTreeMap<String, usize>,
}

impl Summary {
    /// Counts a file left unchanged under its reason, line numbers aside.
    fn unchanged(&mut self, reason: &str) {
        let general = reason
            .split_once(": ")
            .filter(|(head, _)| head.starts_with("unsure about line"))
            .map_or(reason.to_string(), |(_, rest)| rest.to_string());
        *self.reasons.entry(general).or_default() += 1;
    }

    fn render(&self, files: usize, check: bool) -> String {
        let unchanged: usize = self.reasons.values().sum();
        let verb = if check {
            "would be rewritten"
        } else {
            "rewritten"
        };
        let mut s = format!(
            "dockopt: {}: {} {verb}, {unchanged} unchanged, {}\n",
            dockopt::report::count(files, "file"),
            self.changed,
            dockopt::report::count(self.errors, "error")
        );
        let mut reasons: Vec<(&String, &usize)> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (why, n) in reasons.iter().take(10) {
            s.push_str(&format!("  {n:>5} unchanged: {why}\n"));
        }
        if reasons.len() > 10 {
            s.push_str(&format!("  and {} other reasons\n", reasons.len() - 10));
        }
        s
    }
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
