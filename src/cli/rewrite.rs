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
    /// Write a report of every file: FORMAT is json, markdown, sarif or
    /// github, FILE a path or `-` for standard output.
    #[arg(long, value_names = ["FORMAT", "FILE"], num_args = 2)]
    report: Option<Vec<String>>,
    /// How to print each file's outcome on standard output: text (the diff,
    /// or with --check the files that would change), or json, sarif (SARIF
    /// 2.1.0 for code review) or github (workflow annotations) instead.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    output_format: OutputFormat,
    /// Settings file (default: the nearest .dockopt.toml above each Dockerfile).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Threads to use (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    /// Print only errors (no reasons, no summary).
    #[arg(short = 'q', long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: the settings file each Dockerfile uses, and with --check
    /// the files already multi-stage too.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Ignore every .dockopt.toml.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// The name standard input is reported under, and whose folder is its
    /// build context (like ruff's and prettier's).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    #[command(flatten)]
    walk: files::WalkOptions,
}

/// What standard output carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
    Sarif,
    Github,
}

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReportFormat {
    Json,
    Markdown,
    Sarif,
    Github,
}

impl ReportFormat {
    /// The format by its name.
    fn parse(name: &str) -> Option<ReportFormat> {
        Some(match name {
            "json" => ReportFormat::Json,
            "markdown" => ReportFormat::Markdown,
            "sarif" => ReportFormat::Sarif,
            "github" => ReportFormat::Github,
            _ => return None,
        })
    }

    /// The report of `entries` in this format.
    fn render(self, entries: &[report::Entry]) -> String {
        match self {
            ReportFormat::Json => report::json(entries),
            ReportFormat::Markdown => report::markdown(entries),
            ReportFormat::Sarif => report::sarif(entries),
            ReportFormat::Github => report::github(entries),
        }
    }
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
        why: dockopt::plan::Unsure,
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
    match setup(args).and_then(|(paths, setup)| work(args, paths, setup)) {
        Ok(code) | Err(code) => code,
    }
}

/// What a run needs besides the files; an `Err` is the exit status, its
/// message already printed.
struct Setup {
    pool: rayon::ThreadPool,
    color: bool,
    report_to: Option<(ReportFormat, String)>,
    configs: Configs,
}

/// Checks the arguments and finds the first files before any work: every
/// usage error is found before a file is touched.
fn setup(args: &Args) -> Result<(impl Iterator<Item = String>, Setup), u8> {
    if args.in_place && args.paths.iter().any(|p| p == "-") {
        error!("--in-place cannot write back to standard input");
        return Err(EXIT_ERROR);
    }
    if args.paths.iter().filter(|p| *p == "-").count() > 1 {
        error!("standard input can be read only once");
        return Err(EXIT_ERROR);
    }
    if let Some(dir) = args.context.as_deref().filter(|d| !Path::new(d).is_dir()) {
        error!("--context {dir}: no such folder");
        return Err(EXIT_ERROR);
    }
    let report_to = report_target(args)?;
    let configs = Configs::new(args.config.as_deref(), args.no_config).map_err(|e| {
        error!("{e}");
        EXIT_ERROR
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| {
            error!("cannot start threads: {e}");
            EXIT_ERROR
        })?;
    let paths = first_files(args)?;
    let color = stdout_color(args.color);
    Ok((
        paths,
        Setup {
            pool,
            color,
            report_to,
            configs,
        },
    ))
}

/// The files to do, streamed; no file at all is a warning and success,
/// several with `--stdout` an error.
fn first_files(args: &Args) -> Result<impl Iterator<Item = String>, u8> {
    let mut paths = files::stream(&args.paths, &args.walk)
        .map_err(|e| {
            error!("{e}");
            EXIT_ERROR
        })?
        .peekable();
    let Some(first) = paths.next() else {
        warning!("no Dockerfiles found under {}", args.paths.join(", "));
        return Err(EXIT_OK);
    };
    if args.stdout && paths.peek().is_some() {
        eprintln!(
            "error: --stdout takes exactly one Dockerfile ({} given)",
            1 + paths.count()
        );
        return Err(EXIT_ERROR);
    }
    Ok(std::iter::once(first).chain(paths))
}

/// `--report FORMAT FILE`, checked.
fn report_target(args: &Args) -> Result<Option<(ReportFormat, String)>, u8> {
    match args.report.as_deref() {
        None => Ok(None),
        Some([format, file]) if ReportFormat::parse(format).is_some() => {
            Ok(ReportFormat::parse(format).map(|f| (f, file.clone())))
        }
        Some(other) => {
            eprintln!(
                "error: --report takes a format (json, markdown, sarif or github) and a file, not {}",
                other.join(" ")
            );
            Err(EXIT_ERROR)
        }
    }
}

/// Whether the diff on standard output is coloured. anstream decides for
/// `auto` as the conventions ask: a terminal, NO_COLOR (set and not empty)
/// turns colour off, CLICOLOR_FORCE on.
fn stdout_color(color: Color) -> bool {
    let choice = match color {
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
        Color::Auto => anstream::ColorChoice::Auto,
    };
    !matches!(
        anstream::AutoStream::new(std::io::stdout(), choice).current_choice(),
        anstream::ColorChoice::Never
    )
}

/// Rewrites the files chunk by chunk (in parallel within a chunk, printed
/// in order), then prints the report and the summary; returns the status.
fn work(args: &Args, mut paths: impl Iterator<Item = String>, setup: Setup) -> Result<u8, u8> {
    let structured = args.output_format != OutputFormat::Text;
    // Entries are kept only for a report, so memory stays flat without one.
    let mut tally = Tally {
        entries: (setup.report_to.is_some() || structured).then(Vec::new),
        structured,
        summary: Summary::default(),
        total: 0,
        progress: indicatif::ProgressBar::hidden(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    loop {
        let chunk: Vec<String> = paths.by_ref().take(CHUNK).collect();
        if chunk.is_empty() || interrupted() {
            break;
        }
        if tally.total == 0 && chunk.len() == CHUNK {
            tally.progress = progress_bar();
        }
        tally.total += chunk.len();
        let results: Vec<Done> = setup.pool.install(|| {
            chunk
                .par_iter()
                .map(|p| process(p, args, &setup.configs, setup.color))
                .collect()
        });
        for (path, done) in chunk.iter().zip(results) {
            tally.progress.inc(1);
            match tally.add(shown_name(path, args), done, args, &mut out) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OK),
                Err(e) => {
                    error!("cannot write output: {e}");
                    return Err(EXIT_ERROR);
                }
                Ok(()) => {}
            }
        }
    }
    tally.progress.finish_and_clear();
    if interrupted() {
        eprintln!("dockopt: interrupted; every file is either as it was or fully rewritten");
        return Err(EXIT_INTERRUPTED);
    }
    tally.finish(args, setup.report_to, &mut out)
}

/// What the files came to, so far.
struct Tally {
    /// Report entries, kept only when a report or structured output asks.
    entries: Option<Vec<report::Entry>>,
    /// Standard output carries a report format, not diffs.
    structured: bool,
    summary: Summary,
    total: usize,
    /// Hidden unless a person watches many files; lines on standard error
    /// are printed around it.
    progress: indicatif::ProgressBar,
}

impl Tally {
    /// Counts one file, prints its line on standard error and its diff (or
    /// original) on standard output.
    fn add(
        &mut self,
        name: &str,
        done: Done,
        args: &Args,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let structured = self.structured;
        match done {
            Done::Error(message) => {
                self.progress.suspend(|| eprintln!("{message}"));
                let first = message.lines().next().unwrap_or("");
                self.record(report::Entry::Error {
                    file: name.to_string(),
                    error: first.trim_start_matches("error: ").to_string(),
                });
                self.summary.errors += 1;
                Ok(())
            }
            Done::Unchanged { why, original } => {
                // With --check, a file already split is not news.
                let routine = args.check
                    && why.code == dockopt::reasons::Code::AlreadyMultiStage
                    && !args.verbose;
                if !structured && !args.quiet && !routine {
                    self.progress
                        .suspend(|| eprintln!("{}", unchanged_line(name, &why)));
                }
                self.summary.unchanged(why.code);
                self.record(report::Entry::unchanged(name, &why));
                match original {
                    Some(text) if !structured => out.write_all(text.as_bytes()),
                    _ => Ok(()),
                }
            }
            Done::Rewritten(text, entry) => {
                self.summary.changed += 1;
                self.record(*entry);
                if structured {
                    Ok(())
                } else {
                    out.write_all(text.as_bytes())
                }
            }
        }
    }

    fn record(&mut self, entry: report::Entry) {
        if let Some(v) = &mut self.entries {
            v.push(entry);
        }
    }

    /// The structured output, the report and the closing summary; the
    /// exit status the conventions give.
    fn finish(
        self,
        args: &Args,
        report_to: Option<(ReportFormat, String)>,
        out: &mut impl Write,
    ) -> Result<u8, u8> {
        let all = self.entries.as_deref().unwrap_or_default();
        let shown = match args.output_format {
            OutputFormat::Text => None,
            OutputFormat::Json => Some(ReportFormat::Json),
            OutputFormat::Sarif => Some(ReportFormat::Sarif),
            OutputFormat::Github => Some(ReportFormat::Github),
        };
        if let Some(format) = shown
            && let Err(e) = out.write_all(format.render(all).as_bytes())
        {
            error!("cannot write output: {e}");
            return Err(EXIT_ERROR);
        }
        if let Some((format, file)) = report_to {
            let text = format.render(all);
            let written = if file == "-" {
                out.write_all(text.as_bytes())
            } else {
                std::fs::write(&file, text)
            };
            if let Err(e) = written {
                error!("cannot write the report to {file}: {e}");
                return Err(EXIT_ERROR);
            }
        }
        if self.total > 1 && !args.quiet {
            eprint!("{}", self.summary.render(self.total, mode(args)));
        }
        Ok(if self.summary.errors > 0 {
            EXIT_ERROR
        } else if args.check && self.summary.changed > 0 {
            EXIT_WOULD_CHANGE
        } else {
            EXIT_OK
        })
    }
}

/// The name a file is reported under: `--stdin-filename` for standard
/// input when given.
fn shown_name<'a>(path: &'a str, args: &'a Args) -> &'a str {
    match (path, args.stdin_filename.as_deref()) {
        ("-", Some(given)) => given,
        _ => input::display_name(path),
    }
}

/// What the run does to files, for the words that report it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Writes them back.
    InPlace,
    /// Lists or shows what would change.
    Show,
}

/// The run's mode.
fn mode(args: &Args) -> Mode {
    if args.in_place {
        Mode::InPlace
    } else {
        Mode::Show
    }
}

/// Reads, rewrites and (with --in-place) writes one file.
fn process(path: &str, args: &Args, configs: &Configs, color: bool) -> Done {
    let name = shown_name(path, args);
    let bytes = match input::read(path) {
        Ok(b) => b,
        Err(e) => return Done::Error(format!("error: {name}: cannot read: {e:#}")),
    };
    let df = match syntax::parse_bytes(&bytes) {
        Ok(df) => df,
        Err(e) => return Done::Error(e.render(name, &String::from_utf8_lossy(&bytes))),
    };
    // The tree prints back to exactly the input, which parse_bytes checked
    // is UTF-8: the bytes are the text.
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let config_path = match (path, args.stdin_filename.as_deref()) {
        ("-", Some(given)) => given,
        _ => path,
    };
    let config = match configs.for_file(config_path) {
        Ok(c) => c,
        Err(e) => return Done::Error(format!("error: {e}")),
    };
    if args.verbose
        && let Some(from) = config.as_ref().and_then(|c| c.path.as_ref())
    {
        eprintln!("{name}: settings from {}", from.display());
    }
    if let Some(done) = skipped_by_config(config.as_deref(), path, args, text) {
        return done;
    }
    let context = match (path, args.stdin_filename.as_deref()) {
        ("-", Some(given)) => context_of(given, args.context.as_deref()),
        _ => context_of(path, args.context.as_deref()),
    };
    if context.is_none() && !args.quiet {
        eprintln!(
            "note: {name} has no build context, so the app's code is not read for what it uses; give --stdin-filename PATH or --context DIR"
        );
    }
    let options = rewrite::Options {
        context: context.as_deref(),
        config: config.as_deref(),
    };
    let new = match rewrite::rewrite_with(&df, &options) {
        Err(rewrite::Error::Directive(e)) => return Done::Error(e.render(name, text)),
        Err(e) => return Done::Error(format!("error: {name}: {e}")),
        Ok(Outcome::Unchanged(why)) => return unchanged(why, context.is_none(), args, text),
        Ok(Outcome::Rewritten { text: new, plan }) => {
            (new, Box::new(report::Entry::rewritten(name, &plan)))
        }
    };
    let (new, entry) = new;
    deliver(path, name, args, (&bytes, text), new, entry, color)
}

/// A file a `.dockopt.toml` skips, told as unchanged with the glob.
fn skipped_by_config(
    config: Option<&dockopt::config::Config>,
    path: &str,
    args: &Args,
    text: &str,
) -> Option<Done> {
    let c = config?;
    let glob = c.skipped(Path::new(path))?;
    let from = c.path.clone()?;
    Some(Done::Unchanged {
        why: dockopt::plan::Unsure::file(
            dockopt::reasons::Code::Ignored,
            format!("skipped by `{glob}` in {}", from.display()),
        ),
        original: args.stdout.then(|| text.to_string()),
    })
}

/// A file left as it is, with a hint when the reason wants the build
/// context that standard input lacks.
fn unchanged(mut why: dockopt::plan::Unsure, no_context: bool, args: &Args, text: &str) -> Done {
    use dockopt::reasons::Code;
    let wants_context = matches!(
        why.code,
        Code::RuntimeScriptMissing
            | Code::ManifestMissing
            | Code::BuildScriptMissing
            | Code::NpmScript
    );
    if no_context && wants_context {
        why.reason.push_str(
            " (standard input has no build context: name it with --stdin-filename PATH, or give --context DIR)",
        );
    }
    Done::Unchanged {
        why,
        original: args.stdout.then(|| text.to_string()),
    }
}

/// Hands the rewrite over as the mode asks: a `--check` line, the new text,
/// the file written in place, or the diff.
fn deliver(
    path: &str,
    name: &str,
    args: &Args,
    (bytes, text): (&[u8], &str),
    new: String,
    entry: Box<report::Entry>,
    color: bool,
) -> Done {
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
        match write::atomic_write(Path::new(path), bytes, new.as_bytes()) {
            Ok(()) => Done::Rewritten(format!("rewrote {name}\n"), entry),
            Err(e) => Done::Error(format!("error: {name}: cannot write: {e:#}")),
        }
    } else {
        let diff = dockopt::diff::unified(name, text, &new);
        Done::Rewritten(paint(&diff, color), entry)
    }
}

/// A progress bar on standard error, only for a person watching many files.
fn progress_bar() -> indicatif::ProgressBar {
    let watching = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !watching {
        return indicatif::ProgressBar::hidden();
    }
    // The files are found while they are worked on: no total to show.
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {pos} files {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// The line standard error gets for a file left alone:
/// `PATH:LINE: unchanged: CODE reason`, as editors and CI logs read it.
fn unchanged_line(name: &str, why: &dockopt::plan::Unsure) -> String {
    match why.line {
        Some(l) => format!("{name}:{l}: unchanged: {} {}", why.code, why.reason),
        None => format!("{name}: unchanged: {} {}", why.code, why.reason),
    }
}

/// Counts for the closing summary.
#[derive(Default)]
struct Summary {
    changed: usize,
    errors: usize,
    reasons: BTreeMap<dockopt::reasons::Code, usize>,
}

impl Summary {
    /// Counts a file left unchanged under its reason's code.
    fn unchanged(&mut self, code: dockopt::reasons::Code) {
        *self.reasons.entry(code).or_default() += 1;
    }

    fn render(&self, files: usize, mode: Mode) -> String {
        let unchanged: usize = self.reasons.values().sum();
        let verb = match mode {
            Mode::InPlace => "rewritten",
            Mode::Show => "would be rewritten",
        };
        let mut s = format!(
            "dockopt: {}: {} {verb}, {unchanged} unchanged, {}\n",
            dockopt::report::count(files, "file"),
            self.changed,
            dockopt::report::count(self.errors, "error")
        );
        let mut reasons: Vec<(&dockopt::reasons::Code, &usize)> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (code, n) in reasons {
            let d = code.doc();
            s.push_str(&format!("  {n:>5} {code} {}: {}\n", d.name, d.summary));
        }
        if !self.reasons.is_empty() {
            s.push_str("  (`dockopt rule CODE` explains a code and what to do about it)\n");
        }
        s
    }
}

/// Colours a unified diff the way git does.
fn paint(diff: &str, color: bool) -> String {
    use anstyle::{AnsiColor, Style};
    if !color {
        return diff.to_string();
    }
    diff.split_inclusive('\n')
        .map(|line| {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold()
            } else if line.starts_with('+') {
                AnsiColor::Green.on_default()
            } else if line.starts_with('-') {
                AnsiColor::Red.on_default()
            } else if line.starts_with("@@") {
                AnsiColor::Cyan.on_default()
            } else {
                return line.to_string();
            };
            let body = line.trim_end_matches('\n');
            let nl = if line.ends_with('\n') { "\n" } else { "" };
            format!("{}{body}{}{nl}", style.render(), style.render_reset())
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
