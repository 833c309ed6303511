//! `dockopt verify`: build the original and the rewritten Dockerfile with a
//! real engine, run both, and report sizes and whether they behave the same.
//! A reviewer then need not trust the rewrite: it is measured.

pub mod compare;
pub mod elf;
pub mod engine;
pub mod filesystem;
pub mod packages;
mod rules;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::plan::Unsure;
use crate::rewrite::{self, Outcome};
use crate::syntax;
pub use engine::{Engine, Finished};

/// What to verify, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The engine; `None` picks the first that answers.
    pub engine: Option<Engine>,
    /// The build context (default: the Dockerfile's folder).
    pub context: Option<PathBuf>,
    /// Compare `GET http://127.0.0.1:PORT/PATH` instead of the CMD's output.
    pub http: Option<(u16, String)>,
    /// Compare the output of this command run in both images.
    pub smoke: Option<Vec<String>>,
    /// How long a run may take.
    pub timeout: Duration,
    /// Keep the images afterwards.
    pub keep: bool,
    /// Run both images with no network, so that a program that fetches
    /// something when it starts shows it (docker and podman only).
    pub offline: bool,
    /// A multi-stage file to verify instead of dockopt's own rewrite.
    pub rewritten: Option<PathBuf>,
    /// Compare the two images' files, libraries and programs.
    pub compare_files: bool,
    /// Globs of paths the user accepts as lost.
    pub allow_missing: Vec<String>,
}

/// Why a verification could not be made.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// No engine is installed or answering.
    #[error(
        "no container engine found: install docker, podman or buildah (or name one with --engine)"
    )]
    NoEngine,
    /// The chosen engine does not answer.
    #[error("{0} does not answer here")]
    EngineMissing(&'static str),
    /// The engine failed at something other than a build.
    #[error("{0}")]
    Engine(String),
    /// A build failed; the log's last lines.
    #[error("the build failed:\n{0}")]
    Build(String),
    /// The input could not be read or parsed.
    #[error("{0}")]
    Input(String),
}

/// One image's measurements.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    pub tag: String,
    pub size_bytes: u64,
    pub layers: usize,
    pub build_seconds: f64,
}

/// What each image did under the behaviour check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Behaviour {
    /// The image's own command (or --smoke): exit status and output.
    Command { exit: Option<i32>, stdout: String },
    /// An HTTP answer: status, Content-Type (a file served with another
    /// type is served differently) and body.
    Http {
        status: Option<u16>,
        content_type: Option<String>,
        body: String,
    },
}

/// The verification of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub engine: Engine,
    pub original: Image,
    /// None when the rewrite failed to build (see `rewrite_build_error`).
    pub rewritten: Option<Image>,
    pub rewrite_build_error: Option<String>,
    pub saving_bytes: i64,
    pub saving_percent: f64,
    pub original_behaviour: Behaviour,
    pub rewritten_behaviour: Option<Behaviour>,
    /// True when the rewrite builds and behaves the same.
    pub same: bool,
    /// Builds that failed once and were tried again, with the first
    /// failure's last line: engines fail now and then for their own reasons.
    pub retried: Vec<String>,
    /// What the rewrite lost, explained or not, when the files were read.
    pub comparison: Option<compare::Comparison>,
    /// How long reading and comparing the images took.
    pub compare_seconds: f64,
}

/// What verifying a file came to.
#[derive(Debug)]
pub enum Verified {
    /// Both were built and run.
    Report(Box<Report>),
    /// dockopt leaves this file as it is: nothing to verify.
    NotRewritten(Unsure),
}

/// Verifies the rewrite of the Dockerfile at `path`.
pub fn verify(path: &Path, options: &Options) -> Result<Verified, VerifyError> {
    let bytes = std::fs::read(path)
        .map_err(|e| VerifyError::Input(format!("{}: cannot read: {e}", path.display())))?;
    let df = syntax::parse_bytes(&bytes).map_err(|e| {
        VerifyError::Input(e.render(
            &path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        ))
    })?;
    let context = options.context.clone().unwrap_or_else(|| folder_of(path));
    let text = match rewritten_text(&df, &context, options)? {
        Ok(text) => text,
        Err(why) => return Ok(Verified::NotRewritten(why)),
    };
    let rewritten_df = syntax::parse(&text).map_err(|e| {
        VerifyError::Input(
            e.render(
                &options
                    .rewritten
                    .as_ref()
                    .map_or_else(|| "the rewrite".to_string(), |p| p.display().to_string()),
                &text,
            ),
        )
    })?;
    let about = About::read(&df, &rewritten_df, &context);
    let engine = chosen_engine(options)?;
    let mut rewritten_file = tempfile::Builder::new()
        .prefix("Dockerfile.dockopt-")
        .tempfile()
        .map_err(|e| VerifyError::Engine(format!("cannot write a temporary file: {e}")))?;
    rewritten_file
        .write_all(text.as_bytes())
        .map_err(|e| VerifyError::Engine(format!("cannot write a temporary file: {e}")))?;
    let stamp = format!(
        "{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    let tags = [
        format!("localhost/dockopt-verify:original-{stamp}"),
        format!("localhost/dockopt-verify:rewritten-{stamp}"),
    ];
    let result = measure(
        engine,
        path,
        rewritten_file.path(),
        &context,
        &tags,
        options,
        &about,
    );
    if !options.keep {
        tags.iter().for_each(|t| engine.remove(t));
    }
    result.map(|r| Verified::Report(Box::new(r)))
}

/// The folder a Dockerfile is in, its default build context.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The rewrite to verify: `--rewritten FILE`, or dockopt's own; why not,
/// when dockopt leaves the file alone.
fn rewritten_text(
    df: &syntax::Dockerfile,
    context: &Path,
    options: &Options,
) -> Result<Result<String, Unsure>, VerifyError> {
    if let Some(file) = &options.rewritten {
        return std::fs::read_to_string(file)
            .map(Ok)
            .map_err(|e| VerifyError::Input(format!("{}: cannot read: {e}", file.display())));
    }
    match rewrite::rewrite_in(df, Some(context)).map_err(|e| VerifyError::Input(e.to_string()))? {
        Outcome::Unchanged(why) => Ok(Err(why)),
        Outcome::Rewritten { text, .. } => Ok(Ok(text)),
    }
}

/// The engine `--engine` names, or the first that answers; buildah cannot
/// run an image offline.
fn chosen_engine(options: &Options) -> Result<Engine, VerifyError> {
    let engine = match options.engine {
        Some(e) if e.usable() => e,
        Some(e) => return Err(VerifyError::EngineMissing(e.program())),
        None => Engine::detect().ok_or(VerifyError::NoEngine)?,
    };
    if options.offline && engine == Engine::Buildah {
        return Err(VerifyError::Engine(
            "--offline needs docker or podman: buildah runs images on the host's network".into(),
        ));
    }
    Ok(engine)
}

/// Builds, sizes and runs both images.
fn measure(
    engine: Engine,
    original: &Path,
    rewritten: &Path,
    context: &Path,
    tags: &[String; 2],
    options: &Options,
    about: &About,
) -> Result<Report, VerifyError> {
    let mut retried = Vec::new();
    let t = build_with_retry(
        engine,
        original,
        context,
        &tags[0],
        "original",
        &mut retried,
    )?;
    let original_image = sized(engine, &tags[0], t)?;
    let original_behaviour = behaviour(engine, &tags[0], options)?;
    let mut report = Report {
        file: original.display().to_string(),
        engine,
        original: original_image,
        rewritten: None,
        rewrite_build_error: None,
        saving_bytes: 0,
        saving_percent: 0.0,
        original_behaviour,
        rewritten_behaviour: None,
        same: false,
        retried,
        comparison: None,
        compare_seconds: 0.0,
    };
    let t = match build_with_retry(
        engine,
        rewritten,
        context,
        &tags[1],
        "rewritten",
        &mut report.retried,
    ) {
        Ok(t) => t,
        Err(VerifyError::Build(log)) => {
            report.rewrite_build_error = Some(log);
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    let new = sized(engine, &tags[1], t)?;
    report.saving_bytes = report.original.size_bytes as i64 - new.size_bytes as i64;
    report.saving_percent = if report.original.size_bytes > 0 {
        100.0 * report.saving_bytes as f64 / report.original.size_bytes as f64
    } else {
        0.0
    };
    report.rewritten = Some(new);
    let rewritten_behaviour = behaviour(engine, &tags[1], options)?;
    report.same = rewritten_behaviour == report.original_behaviour;
    report.rewritten_behaviour = Some(rewritten_behaviour);
    if options.compare_files {
        let start = Instant::now();
        let comparison = compare_images(engine, tags, about, options)?;
        report.compare_seconds = start.elapsed().as_secs_f64();
        report.same &= comparison.clean();
        report.comparison = Some(comparison);
    }
    Ok(report)
}

/// A built image with its size and layers, and how long it took.
fn sized(engine: Engine, tag: &str, took: std::time::Duration) -> Result<Image, VerifyError> {
    let (size, layers) = engine.size(tag)?;
    Ok(Image {
        tag: tag.to_string(),
        size_bytes: size,
        layers,
        build_seconds: took.as_secs_f64(),
    })
}

/// What the comparison needs to know of the two Dockerfiles.
#[derive(Debug, Default)]
struct About {
    /// The images the original builds on and the rewrite's runtime
    /// starts from.
    builder_base: Option<String>,
    runtime_base: Option<String>,
    /// Where the original's build put the app, and what the rewrite's
    /// runtime copies from its builder.
    app_folders: Vec<String>,
    copied: Vec<String>,
    /// Programs the image runs, with what runs them.
    programs: Vec<(String, String)>,
    /// Files the app's code names.
    data: Vec<(compare::Need, String)>,
    /// Packages the original installs for the program.
    must_carry: Vec<String>,
    /// Folders whose node_modules the rewrite's builder prunes to the
    /// production dependencies.
    pruned: Vec<String>,
}

/// True when `by` ("line N") names a CMD or ENTRYPOINT of the original
/// that the rewrite wrote anew (`cargo run` became the binary it starts),
/// so that what it ran is no longer run.
fn command_rewritten(
    original: &syntax::Dockerfile,
    rewritten: &syntax::Dockerfile,
    by: &str,
) -> bool {
    let Some(line) = by
        .strip_prefix("line ")
        .and_then(|l| l.parse::<usize>().ok())
    else {
        return false;
    };
    let text = |df: &syntax::Dockerfile, i: usize| df.node_text(i).trim_end().to_string();
    original
        .instructions()
        .find(|(i, ins)| {
            original.nodes()[*i].lines.0 == line
                && matches!(ins.kind(), syntax::Kind::Cmd | syntax::Kind::Entrypoint)
        })
        .is_some_and(|(i, _)| {
            let was = text(original, i);
            !rewritten
                .instructions()
                .any(|(j, _)| text(rewritten, j) == was)
        })
}

impl About {
    /// Reads the original (with its build context) and the rewrite.
    fn read(
        original: &syntax::Dockerfile,
        rewritten: &syntax::Dockerfile,
        context: &Path,
    ) -> About {
        let mut about = About::default();
        if let Ok(facts) = crate::classify::facts_in(original, Some(context)) {
            about.app_folders = facts.app_paths.iter().map(|a| a.path.clone()).collect();
            about
                .app_folders
                .extend(facts.workdir.clone().filter(|w| w != "/"));
            about.programs = crate::strategy::needs::programs_used(&facts);
            about
                .programs
                .retain(|(_, by)| !command_rewritten(original, rewritten, by));
            about.data = crate::strategy::needs::files_used(&facts)
                .into_iter()
                .map(|(need, by)| {
                    let need = match need {
                        crate::strategy::needs::FileUse::Path(p) => compare::Need::Path(p),
                        crate::strategy::needs::FileUse::Font(f) => compare::Need::Font(f),
                        crate::strategy::needs::FileUse::Library(l) => compare::Need::Library(l),
                    };
                    (need, by)
                })
                .collect();
            about.must_carry = crate::strategy::needs::runtime_packages_installed(&facts);
            let base = crate::classify::expand(&facts.image_text, &facts.global_args);
            about.builder_base = (!base.contains('$')).then_some(base);
        }
        let froms: Vec<usize> = rewritten
            .instructions()
            .filter(|(_, i)| i.kind() == syntax::Kind::From)
            .map(|(n, _)| n)
            .collect();
        about.pruned = pruned_folders(rewritten, froms.last().copied());
        if let Some(&last) = froms.last() {
            about.runtime_base = rewritten.nodes()[last]
                .instruction()
                .and_then(|i| i.from_image())
                .map(String::from)
                .filter(|i| !i.contains('$'));
            let mut workdir = "/".to_string();
            for (n, ins) in rewritten.instructions().filter(|(n, _)| *n > last) {
                let _ = n;
                match ins.kind() {
                    syntax::Kind::Workdir => {
                        if let Some(w) = ins.args().first() {
                            workdir =
                                crate::classify::resolve(w, Some(&workdir)).unwrap_or(workdir);
                        }
                    }
                    syntax::Kind::Copy if ins.flag("from").is_some() => {
                        let args = ins.args();
                        for src in args.iter().take(args.len().saturating_sub(1)) {
                            if let Some(abs) = crate::classify::resolve(src, Some("/")) {
                                about.copied.push(abs);
                            }
                        }
                        if let Some(dest) = args
                            .last()
                            .and_then(|d| crate::classify::resolve(d, Some(&workdir)))
                        {
                            about.copied.push(dest);
                        }
                    }
                    _ => {}
                }
            }
        }
        about
    }
}

/// The WORKDIR of each `RUN npm prune --omit=dev`, `pnpm prune --prod` or
/// `yarn install --production` before the runtime stage's FROM (the prune
/// dockopt writes).
fn pruned_folders(rewritten: &syntax::Dockerfile, runtime_from: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    let mut workdir = "/".to_string();
    for (n, ins) in rewritten.instructions() {
        if runtime_from.is_some_and(|f| n >= f) {
            break;
        }
        match ins.kind() {
            syntax::Kind::From => workdir = "/".into(),
            syntax::Kind::Workdir => {
                if let Some(w) = ins.args().first() {
                    workdir = crate::classify::resolve(w, Some(&workdir)).unwrap_or(workdir);
                }
            }
            syntax::Kind::Run => {
                let text = ins.args().join(" ");
                if [
                    "npm prune --omit=dev",
                    "pnpm prune --prod",
                    "yarn install --production",
                ]
                .iter()
                .any(|p| text.contains(p))
                {
                    out.push(workdir.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// Reads both images (and their base images, when they are in the store)
/// and compares them.
fn compare_images(
    engine: Engine,
    tags: &[String; 2],
    about: &About,
    options: &Options,
) -> Result<compare::Comparison, VerifyError> {
    let original = engine.export(&tags[0])?;
    let rewritten = engine.export(&tags[1])?;
    let base = |name: &Option<String>| -> Option<filesystem::Index> {
        let name = name.as_ref()?;
        let found = [name.clone(), format!("docker.io/library/{name}")]
            .into_iter()
            .find(|n| engine.has_image(n))?;
        engine.export(&found).ok()
    };
    let builder_base = base(&about.builder_base);
    let runtime_base = base(&about.runtime_base);
    let (o_env, o_dir) = engine.config(&tags[0])?;
    let (r_env, r_dir) = engine.config(&tags[1])?;
    let o = compare::Image::new(&original, &o_env, &o_dir);
    let r = compare::Image::new(&rewritten, &r_env, &r_dir);
    let mut globs = globset::GlobSetBuilder::new();
    for p in &options.allow_missing {
        let glob = globset::Glob::new(p)
            .map_err(|e| VerifyError::Input(format!("--allow-missing {p}: {e}")))?;
        globs.add(glob);
    }
    let allow = globs
        .build()
        .map_err(|e| VerifyError::Input(format!("--allow-missing: {e}")))?;
    Ok(compare::compare(&compare::Inputs {
        original: &o,
        rewritten: &r,
        builder_base: builder_base.as_ref(),
        runtime_base: runtime_base.as_ref(),
        app_folders: &about.app_folders,
        copied: &about.copied,
        allow: &allow,
        allow_patterns: &options.allow_missing,
        programs: &about.programs,
        data: &about.data,
        must_carry: &about.must_carry,
        pruned: &about.pruned,
    }))
}

/// Builds once, and once more when that fails: an engine can fail to start a
/// step for reasons of its own (buildah's "sealing memfd copy: Device or
/// resource busy"), and one such failure must not read as a broken rewrite.
/// A file that really does not build fails both times; the first failure is
/// noted in `retried` either way.
fn build_with_retry(
    engine: Engine,
    dockerfile: &Path,
    context: &Path,
    tag: &str,
    which: &str,
    retried: &mut Vec<String>,
) -> Result<Duration, VerifyError> {
    match engine.build(dockerfile, context, tag) {
        Err(VerifyError::Build(log)) => {
            let last = log
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            retried.push(format!(
                "the {which} build failed once and was tried again: {}",
                last.trim()
            ));
            engine.build(dockerfile, context, tag)
        }
        other => other,
    }
}

/// Runs one image the way the options ask and records what it did.
fn behaviour(engine: Engine, tag: &str, options: &Options) -> Result<Behaviour, VerifyError> {
    if let Some((port, path)) = &options.http {
        let env = [("PORT".to_string(), port.to_string())];
        let mut running = engine.start(tag, None, &env, Some(*port), false)?;
        let answer = http_get(*port, path, options.timeout);
        running.stop();
        let (status, content_type, body) = answer.unwrap_or((None, None, String::new()));
        return Ok(Behaviour::Http {
            status,
            content_type,
            body,
        });
    }
    let running = engine.start(tag, options.smoke.as_deref(), &[], None, options.offline)?;
    let Finished { exit, stdout } = running.finish(options.timeout);
    Ok(Behaviour::Command {
        exit,
        stdout: mask_durations(&stdout),
    })
}

/// The output with the lengths of time in it (`Done in 0.08s.`, `took
/// 12ms`) written as `<time>`: two runs of the same program differ in them,
/// and yarn prints one after every script.
fn mask_durations(output: &str) -> String {
    static DURATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b\d+(\.\d+)?\s?(ns|us|µs|ms|s|m|min)\b")
            .expect("the duration pattern is valid")
    });
    DURATION.replace_all(output, "<time>").into_owned()
}

/// Polls `GET http://127.0.0.1:PORT/PATH` until it answers or time runs out.
fn http_get(
    port: u16,
    path: &str,
    limit: Duration,
) -> Option<(Option<u16>, Option<String>, String)> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let request =
                format!("GET {path} HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            if s.write_all(request.as_bytes()).is_ok() {
                let mut raw = Vec::new();
                if s.read_to_end(&mut raw).is_ok() && !raw.is_empty() {
                    let text = String::from_utf8_lossy(&raw);
                    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok());
                    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
                    return Some((status, content_type(head), body.to_string()));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

/// The Content-Type header of an HTTP answer's head, as sent.
fn content_type(head: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| value.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_type_is_read_from_the_head() {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\ncontent-type: font/woff2\r\nDate: x";
        assert_eq!(super::content_type(head).as_deref(), Some("font/woff2"));
        assert_eq!(super::content_type("HTTP/1.0 204 No Content"), None);
    }

    #[test]
    fn durations_are_masked() {
        assert_eq!(
            super::mask_durations("$ node dist/server.js\napi up 2m\nDone in 0.08s.\n"),
            "$ node dist/server.js\napi up <time>\nDone in <time>.\n"
        );
        assert_eq!(super::mask_durations("3 files, 2 ms"), "3 files, <time>");
        assert_eq!(super::mask_durations("v1.22.22 sha256"), "v1.22.22 sha256");
    }
}
