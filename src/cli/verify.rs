//! `dockopt verify`: prove that a rewrite builds, behaves the same and is
//! smaller, with the container engine already on the machine.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;
use dockopt::verify::{self, Behaviour, Engine, Options, Report, Verified};

use super::{EXIT_ERROR, EXIT_OK};

/// Build the original and the rewritten Dockerfile, run both, compare.
///
/// The rewrite is made in memory; both are built in the same context with
/// the engine's own command line (`docker build`, `podman build`, `buildah
/// bud`). Reports each image's size, layers and build time, and the saving.
/// Behaviour: by default each image's own command runs until it exits or the
/// timeout, and exit status and output are compared; with --http the port is
/// polled and the HTTP status and body compared; with --smoke that command
/// runs in both; with --offline both run with no network (docker, podman),
/// which shows a program that downloads something when it starts. Images
/// are removed afterwards unless --keep. A build that
/// fails is tried once more, with a note, before it counts as failed: engines
/// fail now and then for reasons of their own.
///
/// Exit status: 0 the rewrite behaves the same (or dockopt leaves the file
/// alone); 1 it does not, or it fails to build while the original builds;
/// 2 usage or environment errors (no engine, the original does not build).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockopt verify --http 5000/ examples/flask/Dockerfile\n  dockopt verify --smoke 'python -c \"import flask\"' Dockerfile\n  dockopt verify --engine podman --format json Dockerfile\n  dockopt verify --engine podman --offline Dockerfile"
)]
pub struct Args {
    /// The Dockerfile.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// The engine to build and run with.
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    engine: EngineArg,
    /// The build context (default: the Dockerfile's folder).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// Compare `GET http://127.0.0.1:PORT/PATH` (PORT is also set as $PORT).
    #[arg(long, value_name = "PORT[/PATH]")]
    http: Option<String>,
    /// Compare the output of this command, run in both images.
    #[arg(long, value_name = "CMD")]
    smoke: Option<String>,
    /// Seconds a run may take.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Keep the images it built.
    #[arg(long)]
    keep: bool,
    /// Run both images with no network, to show a program that downloads
    /// something when it starts (docker or podman; not with --http).
    #[arg(long, conflicts_with = "http")]
    offline: bool,
    /// Verify this multi-stage file against PATH instead of dockopt's own
    /// rewrite (a hand-made rewrite, another tool's).
    #[arg(long, value_name = "FILE")]
    rewritten: Option<PathBuf>,
    /// Accept the loss of paths matching GLOB (repeatable), as
    /// `verify.allow_missing` in .dockopt.toml does.
    #[arg(long = "allow-missing", value_name = "GLOB")]
    allow_missing: Vec<String>,
    /// Compare only behaviour, not the images' files, libraries and
    /// programs.
    #[arg(long)]
    no_files: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineArg {
    Auto,
    Docker,
    Podman,
    Buildah,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs `dockopt verify`.
pub fn run(args: &Args) -> u8 {
    let http = match args.http.as_deref().map(parse_http) {
        Some(Err(e)) => {
            error!("--http {e}");
            return EXIT_ERROR;
        }
        Some(Ok(h)) => Some(h),
        None => None,
    };
    let smoke = args.smoke.as_deref().map(|s| {
        dockopt::analysis::shell::commands(s)
            .into_iter()
            .next()
            .map(|c| c.argv)
            .unwrap_or_default()
    });
    let options = Options {
        engine: match args.engine {
            EngineArg::Auto => None,
            EngineArg::Docker => Some(Engine::Docker),
            EngineArg::Podman => Some(Engine::Podman),
            EngineArg::Buildah => Some(Engine::Buildah),
        },
        context: args.context.clone(),
        http,
        smoke,
        timeout: Duration::from_secs(args.timeout),
        keep: args.keep,
        offline: args.offline,
        rewritten: args.rewritten.clone(),
        compare_files: !args.no_files,
        allow_missing: allow_missing(args),
    };
    let name = args.path.display().to_string();
    match verify::verify(&args.path, &options) {
        Err(e) => {
            if matches!(args.format, Format::Json) {
                println!(
                    "{}",
                    serde_json::json!({ "file": name, "error": e.to_string() })
                );
            }
            error!("{name}: {e}");
            EXIT_ERROR
        }
        Ok(Verified::NotRewritten(why)) => {
            match args.format {
                Format::Json => {
                    println!("{}", serde_json::json!({ "file": name, "unchanged": why }))
                }
                Format::Text => println!("{name}: unchanged: {why}; nothing to verify"),
            }
            EXIT_OK
        }
        Ok(Verified::Report(report)) => {
            match args.format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                ),
                Format::Text => print!("{}", text(&report)),
            }
            if report.same { EXIT_OK } else { 1 }
        }
    }
}

/// `--allow-missing` globs and the nearest .dockopt.toml's
/// `verify.allow_missing`.
fn allow_missing(args: &Args) -> Vec<String> {
    let mut out = args.allow_missing.clone();
    let dir = args
        .path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(std::path::Path::new("."));
    if let Some(found) = dockopt::config::find(&dir.canonicalize().unwrap_or(dir.to_path_buf()))
        && let Ok(config) = dockopt::config::load(&found)
    {
        out.extend(config.verify.allow_missing);
    }
    out
}

/// `8080` or `8080/health`.
fn parse_http(s: &str) -> Result<(u16, String), String> {
    let (port, path) = match s.split_once('/') {
        Some((p, rest)) => (p, format!("/{rest}")),
        None => (s, "/".to_string()),
    };
    let port = port
        .parse()
        .map_err(|_| format!("expects PORT[/PATH], not {s}"))?;
    Ok((port, path))
}

fn text(r: &Report) -> String {
    let mut s = format!("{}: built and run with {}\n", r.file, r.engine.program());
    for note in &r.retried {
        let _ = writeln!(s, "note: {note}");
    }
    let _ = writeln!(s, "  {:<12} {:>16} {:>16}", "", "original", "rewritten");
    let Some(new) = &r.rewritten else {
        let _ = writeln!(
            s,
            "  {:<12} {:>16} {:>16}",
            "size",
            megabytes(r.original.size_bytes),
            "-"
        );
        let _ = writeln!(
            s,
            "result: the rewrite does not build, while the original does:\n{}",
            r.rewrite_build_error.as_deref().unwrap_or("")
        );
        return s;
    };
    measures_text(&mut s, r, new);
    let after = r
        .rewritten_behaviour
        .as_ref()
        .map(answer)
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "  {:<12} {:>16} {:>16}",
        "answer",
        answer(&r.original_behaviour),
        after
    );
    let behaves = r.rewritten_behaviour.as_ref() == Some(&r.original_behaviour);
    if let Some(new) = r.rewritten_behaviour.as_ref().filter(|_| !behaves) {
        first_difference(&mut s, &r.original_behaviour, new);
    }
    if let Some(c) = &r.comparison {
        comparison_text(&mut s, c, r.compare_seconds);
    }
    let files_clean = r.comparison.as_ref().is_none_or(|c| c.clean());
    let result = match (behaves, files_clean) {
        (true, true) => format!(
            "the rewrite behaves the same and is {:.1}% smaller",
            r.saving_percent
        ),
        (true, false) => {
            "the rewrite answers the same but lost what the original has (above)".into()
        }
        _ => "the rewrite behaves differently".into(),
    };
    let _ = writeln!(s, "result: {result}");
    s
}

/// Bytes as megabytes, one decimal.
fn megabytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

/// The size, layers and build time of both images.
fn measures_text(s: &mut String, r: &Report, new: &dockopt::verify::Image) {
    let _ = writeln!(
        s,
        "  {:<12} {:>16} {:>16}   saving {} ({:.1}%)",
        "size",
        megabytes(r.original.size_bytes),
        megabytes(new.size_bytes),
        megabytes(r.saving_bytes.max(0) as u64),
        r.saving_percent
    );
    let _ = writeln!(
        s,
        "  {:<12} {:>16} {:>16}",
        "layers", r.original.layers, new.layers
    );
    let _ = writeln!(
        s,
        "  {:<12} {:>14.1} s {:>14.1} s",
        "build time", r.original.build_seconds, new.build_seconds
    );
}

/// How an image answered, in one line: the HTTP status and body, or the
/// exit status and output.
fn answer(b: &Behaviour) -> String {
    match b {
        Behaviour::Http {
            status,
            content_type,
            body,
        } => format!(
            "{}{} {:?}",
            status.map_or("-".into(), |c| c.to_string()),
            content_type
                .as_ref()
                .map_or(String::new(), |t| format!(" {t}")),
            first_line(body)
        ),
        Behaviour::Command { exit, stdout } => format!(
            "{} {:?}",
            exit.map_or("timeout".into(), |c| format!("exit {c}")),
            first_line(stdout)
        ),
    }
}

/// The first line where the two answers differ, when the summary's first
/// lines look alike.
fn first_difference(s: &mut String, old: &Behaviour, new: &Behaviour) {
    let text = |b: &Behaviour| match b {
        Behaviour::Http { body, .. } => body.clone(),
        Behaviour::Command { stdout, .. } => stdout.clone(),
    };
    let (old, new) = (text(old), text(new));
    let mut pairs = old.lines().map(Some).chain(std::iter::repeat(None));
    let mut news = new.lines().map(Some).chain(std::iter::repeat(None));
    for n in 1..=old.lines().count().max(new.lines().count()) {
        let (a, b) = (pairs.next().flatten(), news.next().flatten());
        if a != b {
            let _ = writeln!(
                s,
                "  output line {n}: {:?} then {:?}",
                a.unwrap_or("(none)"),
                b.unwrap_or("(none)")
            );
            return;
        }
    }
}

/// The comparison of the two images' files, libraries and programs.
fn comparison_text(s: &mut String, c: &dockopt::verify::compare::Comparison, seconds: f64) {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    if !c.saving.is_empty() {
        let _ = writeln!(s, "left behind on purpose:");
        for (group, bytes) in &c.saving {
            let _ = writeln!(s, "  {:<36} {:>10}", group, mb(*bytes));
        }
    }
    for l in &c.libraries {
        let _ = writeln!(
            s,
            "lost library: {} needs {}, which the original has at {} and the rewrite lacks",
            l.object, l.needed, l.original_at
        );
    }
    for p in &c.programs {
        let _ = writeln!(
            s,
            "lost program: {} (run by {}) is at {} in the original and not found in the rewrite",
            p.program, p.by, p.original_at
        );
    }
    for f in &c.files {
        let what = match &f.need {
            dockopt::verify::compare::Need::Path(p) => p.clone(),
            dockopt::verify::compare::Need::Font(n) => format!("the font {n}"),
            dockopt::verify::compare::Need::Library(l) => format!("the library {l}"),
        };
        let _ = writeln!(
            s,
            "lost file: {what} (named by {}) is at {} in the original and missing in the rewrite",
            f.by, f.original_at
        );
    }
    if !c.unexplained.is_empty() {
        let files: usize = c.unexplained.iter().map(|u| u.files).sum();
        let _ = writeln!(s, "lost without a reason ({files} paths):");
        for u in &c.unexplained {
            let examples: Vec<String> = u
                .examples
                .iter()
                .map(|(p, change)| format!("{p} ({})", change_word(*change)))
                .collect();
            let _ = writeln!(
                s,
                "  {:<36} {:>5} files {:>10}  e.g. {}",
                u.folder,
                u.files,
                mb(u.bytes),
                examples.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "  (accept a loss with --allow-missing GLOB or verify.allow_missing in .dockopt.toml)"
        );
    }
    if c.app_content_changes > 0 {
        let _ = writeln!(
            s,
            "note: {} files of the app differ in content, as two builds' outputs do; not counted",
            c.app_content_changes
        );
    }
    let _ = writeln!(s, "images compared in {seconds:.1} s");
}

/// How a path differs, in a word.
fn change_word(c: dockopt::verify::compare::Change) -> &'static str {
    use dockopt::verify::compare::Change;
    match c {
        Change::Missing => "missing",
        Change::Content => "other content",
        Change::Mode => "other mode",
        Change::Owner => "other owner",
        Change::LinkTarget => "other link target",
        Change::Kind => "other kind",
    }
}

/// The first line with something on it, cut to fit the table: what a
/// reader recognises the answer by (the comparison uses all of it).
fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(40).collect()
}
