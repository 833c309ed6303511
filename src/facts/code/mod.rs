//! What a program's source code uses from the system it runs on: the
//! programs it starts, the libraries it loads by name, the fonts and MIME
//! table it looks up, and the absolute paths it names. A rewrite that
//! changes the base image must keep each of these, so the strategies check
//! every finding against what the runtime image lacks.
//!
//! The same findings tell whether code run at build time stays inside its
//! working folder: a script that names no outside path, no home folder, no
//! environment and no module beyond its language's own library writes only
//! where it runs.
//!
//! Reading is textual: comments are blanked out, string literals are read
//! with each language's quoting, and call sites are found by name. What a
//! call computes rather than spells out is reported as computed, which the
//! strategies treat as unknown.

mod calls;
mod patterns;
mod text;

use calls::call_args;
use patterns::{call_sites, cgo_links, imported_call_sites, lang_specific};
use text::{blank_comments, literal_use, literals};

/// A language dockopt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    Go,
    Ruby,
    Php,
    Jvm,
    DotNet,
    Rust,
    C,
    Shell,
}

/// One thing the code uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    /// Starts this program (a name or a path).
    Program(String),
    /// Starts a program whose name the code computes.
    ComputedProgram(String),
    /// Loads this shared library at run time (dlopen, ctypes, loadLibrary).
    Library(String),
    /// Loads a library whose name the code computes.
    ComputedLibrary(String),
    /// Names this absolute path outside the usual app folders.
    Path(String),
    /// Looks up a font that the system provides.
    Font(String),
    /// Reads the system's table of MIME types (/etc/mime.types).
    MimeTypes,
    /// Reads or writes the home folder.
    Home,
    /// Reads the environment.
    Environment,
    /// Imports a module outside the language's standard library.
    Module(String),
    /// Links this library when it is built (cgo, build.rs, binding.gyp,
    /// pkg-config): `-l` names or pkg-config modules.
    Links(String),
    /// Compiles C or C++ while it runs, through this (`torch.compile`,
    /// `pyximport`).
    Compiles(String),
    /// Loads a package whose name the code computes (`require(name)`).
    ComputedModule(String),
}

/// A use, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub what: Use,
}

/// The language of a file, by its name or its `#!` line.
pub fn language(name: &str, text: &str) -> Option<Lang> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let by_ext = match ext.as_deref() {
        Some("py") => Some(Lang::Python),
        Some("js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "jsx" | "tsx") => Some(Lang::JavaScript),
        Some("go") => Some(Lang::Go),
        Some("rb" | "rake" | "ru") => Some(Lang::Ruby),
        Some("php") => Some(Lang::Php),
        Some("java" | "kt" | "kts" | "scala" | "groovy") => Some(Lang::Jvm),
        Some("cs" | "fs" | "vb") => Some(Lang::DotNet),
        Some("rs") => Some(Lang::Rust),
        Some("c" | "cc" | "cpp" | "cxx" | "h" | "hh" | "hpp") => Some(Lang::C),
        Some("sh" | "bash") => Some(Lang::Shell),
        _ => None,
    };
    by_ext.or_else(|| shebang(text).and_then(|s| interpreter_lang(&s.program)))
}

/// A `#!` line: the interpreter it names, read as the kernel and `env` do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The path after `#!` (`/usr/local/bin/python3`, `/usr/bin/env`).
    pub path: String,
    /// The program that runs the script: the path, or what `env` starts.
    pub program: String,
}

/// Reads the `#!` line of a script, if it has one: `#!/usr/bin/env -S node
/// --flag` runs `node`, `#!/usr/local/bin/python3 -u` runs that Python.
pub fn shebang(text: &str) -> Option<Shebang> {
    let line = text.lines().next()?.strip_prefix("#!")?;
    let mut words = line.split_whitespace();
    let path = words.next()?.to_string();
    let program = if path.rsplit('/').next() == Some("env") {
        words
            .find(|w| !w.starts_with('-') && !w.contains('='))
            .map(String::from)
            .unwrap_or_else(|| path.clone())
    } else {
        path.clone()
    };
    Some(Shebang { path, program })
}

/// The language an interpreter runs.
fn interpreter_lang(program: &str) -> Option<Lang> {
    let name = program.rsplit('/').next().unwrap_or(program);
    if name.starts_with("python") {
        Some(Lang::Python)
    } else if matches!(name, "node" | "nodejs" | "deno" | "bun" | "ts-node" | "tsx") {
        Some(Lang::JavaScript)
    } else if name.starts_with("ruby") {
        Some(Lang::Ruby)
    } else if name.starts_with("php") {
        Some(Lang::Php)
    } else if matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh") {
        Some(Lang::Shell)
    } else {
        None
    }
}

/// Everything a file uses, in line order.
pub fn scan(lang: Lang, text: &str) -> Vec<Finding> {
    if lang == Lang::Shell {
        return scan_shell(text);
    }
    let code = blank_comments(lang, text);
    let strings = literals(lang, &code);
    let inside_string = |at: usize| {
        strings
            .iter()
            .any(|(start, end, _)| at > *start && at <= *end)
    };
    let mut out = Vec::new();
    let mut sites = call_sites(lang, &code);
    sites.extend(imported_call_sites(lang, &code));
    for (start, api) in sites {
        if inside_string(start) {
            continue;
        }
        let line = line_at(&code, start);
        let args = call_args(lang, &code[start..]);
        out.extend(
            api.uses(&args)
                .into_iter()
                .map(|what| Finding { line, what }),
        );
    }
    for (at, _, lit) in &strings {
        if let Some(what) = literal_use(lit) {
            out.push(Finding {
                line: line_at(&code, *at),
                what,
            });
        }
    }
    out.extend(lang_specific(lang, &code));
    if lang == Lang::Go {
        out.extend(cgo_links(text));
    }
    out.sort_by_key(|f| f.line);
    out.dedup();
    out
}

/// The string literals of a file outside its comments, with their lines,
/// in order: for configuration files read by key (`"outDir": "/opt/out"`).
pub fn string_literals(lang: Lang, text: &str) -> Vec<(usize, String)> {
    let code = blank_comments(lang, text);
    literals(lang, &code)
        .into_iter()
        .map(|(at, _, s)| (line_at(&code, at), s))
        .collect()
}

/// Whether a string literal names a path of the system rather than a URL
/// path (`/srv/www`, not `/api/users`).
pub fn system_path(lit: &str) -> bool {
    matches!(literal_use(lit), Some(Use::Path(_)))
}

/// The line number (from 1) of a byte offset.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// A shell script: every program it runs, and the home folder or outside
/// paths it names.
fn scan_shell(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.lines().enumerate() {
        offset += line.len() + 1;
        let _ = offset;
        if i == 0 && line.starts_with("#!") {
            continue;
        }
        for cmd in crate::analysis::shell::commands(line) {
            let program = cmd.argv.first().cloned().unwrap_or_default();
            if program.is_empty() {
                continue;
            }
            let what = if program.contains('$') {
                Use::ComputedProgram(program)
            } else {
                Use::Program(program)
            };
            out.push(Finding { line: i + 1, what });
        }
        if line.contains("~/") || line.contains("$HOME") || line.contains("${HOME}") {
            out.push(Finding {
                line: i + 1,
                what: Use::Home,
            });
        }
    }
    out
}

/// Whether a Python module is part of the standard library.
pub fn python_stdlib(module: &str) -> bool {
    crate::catalog::catalog().python_stdlib(module)
}

/// Whether a module name is one of Node's built-in modules.
pub fn node_builtin(module: &str) -> bool {
    let name = module.strip_prefix("node:").unwrap_or(module);
    crate::catalog::catalog().node_builtin(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(lang: Lang, text: &str) -> Vec<Use> {
        scan(lang, text)
            .into_iter()
            .map(|f| f.what)
            .filter(|u| !matches!(u, Use::Module(_) | Use::Environment))
            .collect()
    }

    #[test]
    fn python_processes_and_libraries() {
        assert_eq!(
            uses(
                Lang::Python,
                "import subprocess\nsubprocess.run([\"git\", \"--version\"], check=True)\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(Lang::Python, "os.system(\"curl --version > /dev/null\")\n"),
            [Use::Program("curl".into())]
        );
        assert_eq!(
            uses(
                Lang::Python,
                "subprocess.check_output('ps aux | wc -l', shell=True)\n"
            ),
            [Use::Program("ps".into()), Use::Program("wc".into())]
        );
        assert_eq!(
            uses(Lang::Python, "subprocess.run([tool, '-version'])\n"),
            [Use::ComputedProgram("[...]".into())]
        );
        assert_eq!(
            uses(Lang::Python, "lib = ctypes.CDLL(\"libmagic.so.1\")\n"),
            [Use::Library("libmagic.so.1".into())]
        );
        assert_eq!(
            uses(
                Lang::Python,
                "# subprocess.run(['git'])\nprint('/usr/share/dict')\n"
            ),
            [Use::Path("/usr/share/dict".into())]
        );
        assert_eq!(
            uses(
                Lang::Python,
                "ImageFont.truetype(\"DejaVuSans.ttf\", 12)\nimport mimetypes\n"
            ),
            [Use::Font("DejaVuSans.ttf".into()), Use::MimeTypes]
        );
    }

    #[test]
    fn other_languages() {
        assert_eq!(
            uses(
                Lang::JavaScript,
                "const { execSync } = require('child_process');\nexecSync('git --version')\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "require(\"node:child_process\").execSync('npx prisma migrate deploy')\n"
            ),
            [Use::Program("npx".into())]
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "require('child_process');\nspawnSync(process.env.TOOL || 'x', [])\n"
            ),
            [Use::ComputedProgram("process.env.TOOL || 'x'".into())]
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "import { $ } from \"zx\";\nconst sha = await $`git rev-parse HEAD`;\nconst s = `${sha}`;\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(uses(Lang::JavaScript, "const price = `$${cost}`;\n"), []);
        assert_eq!(
            uses(Lang::JavaScript, "const fmt = require(name);\n"),
            [Use::ComputedModule("require(name)".into())]
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "const r = require(path.join(__dirname, 'routes', f));\nconst m = await import(`./plugins/${p}.js`);\n"
            ),
            []
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "const spawn = require('cross-spawn');\nspawn('git', ['pull']);\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::Php,
                "<?php\n$p = new Process(['git', 'log']);\n$q = Process::fromShellCommandline('convert a.png b.jpg');\n"
            ),
            [Use::Program("git".into()), Use::Program("convert".into())]
        );
        assert_eq!(
            uses(
                Lang::Jvm,
                "CommandLine cmd = CommandLine.parse(\"git --version\");\nnew CommandLine(\"convert\");\n"
            ),
            [Use::Program("git".into()), Use::Program("convert".into())]
        );
        assert_eq!(
            uses(
                Lang::Jvm,
                "int code = new CommandLine(new App()).execute(args);\n"
            ),
            []
        );
        assert_eq!(
            uses(
                Lang::DotNet,
                "await Cli.Wrap(\"git\").WithArguments(\"pull\").ExecuteAsync();\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::Go,
                "out, err := exec.Command(\"git\", \"--version\").Output()\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(Lang::Go, "// #cgo LDFLAGS: -lsqlite3 -lm\nimport \"C\"\n"),
            [Use::Links("sqlite3".into()), Use::Links("m".into())]
        );
        assert_eq!(
            uses(Lang::Go, "/*\n#cgo pkg-config: libxml-2.0\n*/\n"),
            [Use::Links("libxml-2.0".into())]
        );
        assert_eq!(
            uses(
                Lang::JavaScript,
                "const m = /a/.exec(s);\nconst cp = require('child_process');\ncp.spawn('git', []);\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::Python,
                "from subprocess import run\nrun(['git', 'x'])\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(uses(Lang::Ruby, "puts \"run `rake` first\"\n"), []);
        assert_eq!(
            uses(Lang::Ruby, "puts `git --version`\n"),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(Lang::Ruby, "system('convert', '-version')\n"),
            [Use::Program("convert".into())]
        );
        assert_eq!(
            uses(Lang::Php, "<?php echo exec('git --version');\n"),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::Jvm,
                "new ProcessBuilder(\"git\", \"--version\").start();\nSystem.loadLibrary(\"z\");\n"
            ),
            [Use::Program("git".into()), Use::Library("libz.so".into())]
        );
        assert_eq!(
            uses(
                Lang::Rust,
                "std::process::Command::new(\"git\").arg(\"x\");\n"
            ),
            [Use::Program("git".into())]
        );
        assert_eq!(
            uses(
                Lang::C,
                "int main(void) { return system(\"convert -version\"); }\n"
            ),
            [Use::Program("convert".into())]
        );
        assert_eq!(
            uses(
                Lang::Rust,
                "fn main() { println!(\"cargo:rustc-link-lib=curl\"); }\n"
            ),
            [Use::Links("curl".into())]
        );
        assert_eq!(
            uses(
                Lang::Rust,
                "#[link(name = \"z\")]\nunsafe extern \"C\" { fn zlibVersion() -> *const u8; }\n"
            ),
            [Use::Links("z".into())]
        );
    }

    #[test]
    fn shebangs() {
        assert_eq!(
            shebang("#!/usr/local/bin/python3 -u\nx").map(|s| s.program),
            Some("/usr/local/bin/python3".into())
        );
        assert_eq!(
            shebang("#!/usr/bin/env -S node --enable-source-maps\n").map(|s| s.program),
            Some("node".into())
        );
        assert_eq!(
            language("run", "#!/usr/bin/env python3\n"),
            Some(Lang::Python)
        );
    }
}
