//! Code that a RUN executes (`node build.js`, `python -c "..."`, an npm
//! script's program): what it writes must stay where it runs, inside the
//! app, or the rewrite cannot tell what the runtime needs. The code is read
//! from the build context, with its local modules; anything it cannot
//! account for stops the rewrite with the place that stopped it.

use crate::reasons::Code;
use std::path::{Path, PathBuf};

use crate::classify::{self, Facts};
use crate::facts::code::{self, Lang, Use};
use crate::plan::Unsure;

/// How deep local modules are followed.
const MAX_DEPTH: usize = 6;

/// Checks code that a RUN on line `line` runs with `interpreter`: a
/// `script` (a path as written, or `-m module`), or `inline` code.
pub fn check_code(
    facts: &Facts<'_>,
    interpreter: &str,
    script: Option<&str>,
    inline: Option<&str>,
    args: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    let Some(lang) = language_of(interpreter) else {
        return Err(Unsure::at(
            Code::BuildCodeEscapes,
            line,
            format!("RUN runs {interpreter} code, which dockopt does not read"),
        ));
    };
    check_workdir(facts, interpreter, workdir, line)?;
    check_arguments(facts, interpreter, script, args, workdir, line)?;
    match (script, inline) {
        (_, Some(text)) => {
            let what = format!("{interpreter} code given inline");
            check_text(facts, lang, text, None, &what, line, 0)
        }
        (Some(module), None) if module.starts_with("-m ") => Err(Unsure::at(
            Code::BuildCodeEscapes,
            line,
            format!(
                "RUN runs `{interpreter} {module}`, a module whose effects dockopt cannot read"
            ),
        )),
        (Some(path), None) => check_file(facts, lang, path, workdir, line),
        (None, None) => Ok(()),
    }
}

/// Checks a script file that runs at build time, named as written with the
/// RUN's WORKDIR.
pub fn check_file(
    facts: &Facts<'_>,
    lang: Lang,
    path: &str,
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    let abs = classify::resolve(&facts.expand_path(path), workdir);
    let file = abs.as_deref().and_then(|a| facts.context_path_of(a));
    let Some(file) = file.filter(|f| f.is_file()) else {
        return Err(Unsure::at(
            Code::BuildScriptMissing,
            line,
            format!(
                "RUN runs {path}, which is not in the build context, so dockopt cannot see what it writes"
            ),
        ));
    };
    let text = std::fs::read_to_string(&file).map_err(|_| {
        Unsure::at(
            Code::BuildScriptMissing,
            line,
            format!("RUN runs {path}, which dockopt cannot read"),
        )
    })?;
    check_text(facts, lang, &text, Some(&file), path, line, 0)
}

/// `node build.js /srv/gen`: code may write where its arguments point,
/// which its text does not show; a path outside the app stops the rewrite.
fn check_arguments(
    facts: &Facts<'_>,
    interpreter: &str,
    script: Option<&str>,
    args: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    for value in paths_out(args, &[]) {
        if facts.names_app_path(value, workdir, true) {
            continue;
        }
        let what = script.unwrap_or("code given inline");
        return Err(Unsure::at(
            Code::BuildCodeEscapes,
            line,
            format!(
                "RUN runs `{interpreter} {what}` with the path {value}, outside the app; dockopt cannot tell what it writes there"
            ),
        ));
    }
    Ok(())
}

/// The words of a command's arguments that may name a path outside the
/// folder it runs in: positional words and `--option=value` values, but
/// not the values of `url_options` (`--public-url /static` is a URL path).
pub fn paths_out<'a>(
    args: &'a [String],
    url_options: &'a [String],
) -> impl Iterator<Item = &'a str> + 'a {
    let mut words = args.iter();
    std::iter::from_fn(move || {
        while let Some(arg) = words.next() {
            let value = match arg.split_once('=') {
                Some((option, value)) if option.starts_with('-') => {
                    if url_options.iter().any(|o| o == option) {
                        continue;
                    }
                    value
                }
                _ if url_options.iter().any(|o| o == arg) => {
                    words.next();
                    continue;
                }
                _ if arg.starts_with('-') => continue,
                _ => arg.as_str(),
            };
            if names_a_path_out(value) {
                return Some(value);
            }
        }
        None
    })
}

/// Whether a word may name a path outside the folder it is used in: an
/// absolute one, one in the home folder or a variable, or one that climbs
/// out with `..`.
pub fn names_a_path_out(word: &str) -> bool {
    word.starts_with('/')
        || word.starts_with('~')
        || word.starts_with('$')
        || word.split('/').any(|part| part == "..")
}

/// The language an interpreter runs, for the ones dockopt reads.
fn language_of(interpreter: &str) -> Option<Lang> {
    let name = interpreter.rsplit('/').next().unwrap_or(interpreter);
    if name.starts_with("python") {
        Some(Lang::Python)
    } else if matches!(name, "node" | "nodejs" | "deno" | "bun") {
        Some(Lang::JavaScript)
    } else if name == "ruby" {
        Some(Lang::Ruby)
    } else if name == "php" {
        Some(Lang::Php)
    } else {
        None
    }
}

/// Code writes relative paths below where it runs: that must be the app.
fn check_workdir(
    facts: &Facts<'_>,
    interpreter: &str,
    workdir: Option<&str>,
    line: usize,
) -> Result<(), Unsure> {
    match workdir {
        Some(w) if w != "/" && facts.in_app_or(Some(w), w) => Ok(()),
        _ => Err(Unsure::at(
            Code::BuildCodeEscapes,
            line,
            format!(
                "RUN runs {interpreter} code in {}, not an app folder, where what it writes cannot be told from the system",
                workdir.unwrap_or("/")
            ),
        )),
    }
}

/// Checks one source text (from `file`, when it is a file) and the local
/// modules it loads.
fn check_text(
    facts: &Facts<'_>,
    lang: Lang,
    text: &str,
    file: Option<&Path>,
    what: &str,
    line: usize,
    depth: usize,
) -> Result<(), Unsure> {
    for f in code::scan(lang, text) {
        let escape = match &f.what {
            Use::Program(p) | Use::ComputedProgram(p) => Some(format!("starts the program {p}")),
            Use::Path(p) if !in_app_or_scratch(facts, p) => Some(format!("names {p}")),
            Use::Home => Some("uses the home folder".to_string()),
            Use::Environment => Some("reads the environment".to_string()),
            Use::Module(m) => module_escape(facts, lang, m, file, what, line, depth)?,
            _ => None,
        };
        if let Some(why) = escape {
            return Err(Unsure::at(
                Code::BuildCodeEscapes,
                line,
                format!(
                    "RUN runs {what}, which {why} (line {} of it); dockopt cannot tell what it writes outside the app",
                    f.line
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a path named by build-time code is the app's or scratch space.
fn in_app_or_scratch(facts: &Facts<'_>, path: &str) -> bool {
    facts.in_app(path) || classify::under(path, "/tmp") || path == "/dev/null"
}

/// Why loading module `m` leaves the working folder, if it does: a local
/// module is read in turn; a package beyond the standard library is code
/// dockopt does not have.
fn module_escape(
    facts: &Facts<'_>,
    lang: Lang,
    m: &str,
    file: Option<&Path>,
    what: &str,
    line: usize,
    depth: usize,
) -> Result<Option<String>, Unsure> {
    let builtin = match lang {
        Lang::Python => code::python_stdlib(m),
        Lang::JavaScript => code::node_builtin(m),
        _ => false,
    };
    if builtin {
        return Ok(None);
    }
    let local = file.and_then(|f| local_module(lang, f, m));
    match local {
        Some(path) if depth < MAX_DEPTH => {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            check_text(facts, lang, &text, Some(&path), what, line, depth + 1)?;
            Ok(None)
        }
        _ => Ok(Some(format!("loads {m}, code dockopt does not have"))),
    }
}

/// The file a local module name refers to, beside the file that loads it.
fn local_module(lang: Lang, from: &Path, m: &str) -> Option<PathBuf> {
    let dir = from.parent()?;
    let candidates: Vec<PathBuf> = match lang {
        Lang::JavaScript if m.starts_with('.') => {
            let base = dir.join(m);
            ["", ".js", ".cjs", ".mjs", ".ts", "/index.js", "/index.ts"]
                .iter()
                .map(|e| PathBuf::from(format!("{}{e}", base.display())))
                .collect()
        }
        Lang::Python => {
            let rel = m.replace('.', "/");
            vec![
                dir.join(format!("{rel}.py")),
                dir.join(&rel).join("__init__.py"),
            ]
        }
        _ => Vec::new(),
    };
    candidates.into_iter().find(|p| p.is_file())
}
