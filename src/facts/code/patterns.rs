//! Where each language starts programs and loads libraries (its call
//! sites), and what its imports and declarations mark, as patterns
//! compiled once.

use std::sync::OnceLock;

use regex::Regex;

use super::calls::Api;
use super::*;

/// A language's compiled patterns: its call sites, and what its imports
/// and declarations mark.
pub(super) struct Patterns {
    calls: Vec<(Regex, Api)>,
    marks: Vec<(Regex, Mark)>,
}

/// What a match of an import or declaration pattern means.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark {
    /// Reads the MIME table.
    MimeTypes,
    /// Reads or writes the home folder.
    Home,
    /// Reads the environment.
    Environment,
    /// Starts programs through a library that names them by attribute
    /// (Python's sh and plumbum).
    ProcessLibrary,
    /// `cargo:rustc-link-lib=[KIND=]NAME`: links NAME.
    LinkLib,
    /// `probe_library("NAME")`, `#[link(name = "NAME")]`: links NAME.
    QuotedLink,
    /// `require 'name'`: a gem.
    RubyRequire,
    /// A JDK module a JRE leaves out.
    JdkModule,
    /// Code composer's autoloader loads from vendor/.
    Vendor,
    /// Compiles C or C++ while the program runs.
    Compiles,
    /// `require(expr)`, `import(expr)`: a module whose name is computed;
    /// None when the expression builds a path of the app's own files.
    ComputedModule,
}

impl Mark {
    /// The use one match stands for; None when it names nothing.
    fn use_of(self, matched: &str) -> Option<Use> {
        Some(match self {
            Mark::MimeTypes => Use::MimeTypes,
            Mark::Home => Use::Home,
            Mark::Environment => Use::Environment,
            Mark::ProcessLibrary => Use::ComputedProgram("sh/plumbum".into()),
            Mark::LinkLib => Use::Links(matched.rsplit('=').next().unwrap_or_default().into()),
            Mark::QuotedLink => Use::Links(matched.split('"').nth(1)?.to_string()),
            Mark::RubyRequire => Use::Module(
                matched
                    .trim()
                    .trim_start_matches("require")
                    .trim()
                    .trim_matches(['\'', '"'])
                    .to_string(),
            ),
            Mark::JdkModule => Use::Module(matched.to_string()),
            Mark::Vendor => Use::Module("vendor".into()),
            Mark::Compiles => Use::Compiles(matched.trim().to_string()),
            Mark::ComputedModule => {
                let local = [
                    "__dirname",
                    "__filename",
                    "path.",
                    "./",
                    "../",
                    "process.cwd",
                    "import.meta",
                ];
                if local.iter().any(|l| matched.contains(l)) {
                    return None;
                }
                Use::ComputedModule(matched.trim().trim_end_matches(';').to_string())
            }
        })
    }
}

/// A language's patterns, compiled once.
pub(super) fn compiled(lang: Lang) -> Option<&'static Patterns> {
    static CACHE: OnceLock<Vec<(Lang, Patterns)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        [
            Lang::Python,
            Lang::JavaScript,
            Lang::Go,
            Lang::Ruby,
            Lang::Php,
            Lang::Jvm,
            Lang::DotNet,
            Lang::Rust,
            Lang::C,
        ]
        .into_iter()
        .map(|l| (l, patterns(l)))
        .collect()
    });
    all.iter().find(|(l, _)| *l == lang).map(|(_, p)| p)
}

/// The call sites of a language's process and library APIs, with where
/// each call's name starts.
pub(super) fn call_sites(lang: Lang, code: &str) -> Vec<(usize, Api)> {
    let Some(p) = compiled(lang) else {
        return Vec::new();
    };
    // JavaScript's `exec` and `spawn` are child_process's only where the
    // file loads it (`/re/.exec(s)` is a regular expression); $`...` is a
    // shell only where zx or Bun's is loaded.
    let js_processes =
        lang != Lang::JavaScript || crate::catalog::catalog().js_starts_programs(code);
    let mut out = Vec::new();
    for (re, api) in &p.calls {
        if !js_processes && !matches!(api, Api::Library) {
            continue;
        }
        for m in re.find_iter(code) {
            // `x.exec(` on anything but a child_process module is not it.
            if lang == Lang::JavaScript
                && code[..m.start()].ends_with('.')
                && !receiver_is_child_process(code, m.start())
            {
                continue;
            }
            out.push((m.start(), *api));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// Whether `x.` just before `at` names child_process (`cp.exec`,
/// `child_process.spawn`, an alias from `require('child_process')`).
pub(super) fn receiver_is_child_process(code: &str, at: usize) -> bool {
    let before = &code[..at - 1];
    // `require('child_process').execSync(...)`, the module used in place.
    static IN_PLACE: OnceLock<Regex> = OnceLock::new();
    let in_place = IN_PLACE.get_or_init(|| {
        Regex::new(r#"require\(\s*['"](node:)?child_process['"]\s*\)\s*$"#)
            .expect("the in-place require pattern compiles")
    });
    if in_place.is_match(before) {
        return true;
    }
    let receiver: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if receiver.is_empty() {
        return false;
    }
    if receiver == "child_process" {
        return true;
    }
    let alias = Regex::new(&format!(
        r#"\b{}\s*=\s*require\(\s*['"](node:)?child_process['"]|import\s+\*\s+as\s+{}\s+from\s+['"](node:)?child_process|import\s+{}\s+from\s+['"](node:)?child_process"#,
        regex::escape(&receiver),
        regex::escape(&receiver),
        regex::escape(&receiver)
    ));
    alias.is_ok_and(|r| r.is_match(code))
}

/// Calls of names a Python file imports from subprocess (`from subprocess
/// import run` then `run([...])`).
pub(super) fn imported_call_sites(lang: Lang, code: &str) -> Vec<(usize, Api)> {
    if lang != Lang::Python {
        return Vec::new();
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)^\s*from\s+subprocess\s+import\s+\(?([\w, \n]+)\)?")
            .expect("a valid pattern")
    });
    let mut out = Vec::new();
    for c in re.captures_iter(code) {
        for name in c[1]
            .split(',')
            .map(|n| n.split_whitespace().next().unwrap_or(""))
        {
            if !matches!(
                name,
                "run"
                    | "call"
                    | "check_call"
                    | "check_output"
                    | "Popen"
                    | "getoutput"
                    | "getstatusoutput"
            ) {
                continue;
            }
            if let Ok(call) = Regex::new(&format!(r"(^|[^.\w]){name}\s*\(")) {
                out.extend(call.find_iter(code).map(|m| {
                    (
                        m.start()
                            + (m.as_str().len()
                                - m.as_str()
                                    .trim_start_matches(|c: char| !c.is_alphabetic())
                                    .len()),
                        Api::ListOrLine,
                    )
                }));
            }
        }
    }
    out
}

/// cgo's `#cgo LDFLAGS: -lNAME` and `#cgo pkg-config: NAME` lines, which
/// live in the comment above `import "C"`.
pub(super) fn cgo_links(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start().trim_start_matches("//").trim();
        let Some(rest) = line.strip_prefix("#cgo") else {
            continue;
        };
        let Some((kind, values)) = rest.split_once(':') else {
            continue;
        };
        let names: Vec<String> = if kind.contains("LDFLAGS") {
            values
                .split_whitespace()
                .filter_map(|w| w.strip_prefix("-l"))
                .map(String::from)
                .collect()
        } else if kind.contains("pkg-config") {
            values
                .split_whitespace()
                .filter(|n| !n.starts_with('-'))
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        };
        out.extend(names.into_iter().map(|n| Finding {
            line: i + 1,
            what: Use::Links(n),
        }));
    }
    out
}

/// The call patterns of one language.
pub(super) fn patterns(lang: Lang) -> Patterns {
    let r = |s: &str| Regex::new(s).expect("a valid pattern");
    use Api::*;
    let calls = match lang {
        Lang::Python => vec![
            (r(r"\bos\.(system|popen)\s*\("), ShellLine),
            (
                r(
                    r"\bsubprocess\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(",
                ),
                ListOrLine,
            ),
            (
                r(r"(?m)^[^.\n]*\b(check_output|check_call|Popen)\s*\("),
                ListOrLine,
            ),
            (r(r"\bos\.(exec|spawn|posix_spawn)[a-z]*\s*\("), Argv),
            (r(r"\bcreate_subprocess_exec\s*\("), Argv),
            (r(r"\bcreate_subprocess_shell\s*\("), ShellLine),
            (r(r"\bpexpect\.(spawn|run)\s*\("), ShellLine),
            (
                r(r"\b(ctypes\.)?(cdll|CDLL|PyDLL|WinDLL)(\.LoadLibrary)?\s*\("),
                Library,
            ),
            (r(r"\bffi\.dlopen\s*\("), Library),
            (r(r"\bfind_library\s*\("), ShortLibrary),
        ],
        Lang::JavaScript => vec![
            (r(r"\b(execSync|exec)\s*\("), ShellLine),
            (r(r"\b(execFileSync|execFile|spawnSync|spawn)\s*\("), Argv),
            (r(r"\bexeca(Sync|Command|CommandSync)?\s*\("), Argv),
            (r(r"\bshell\.exec\s*\("), ShellLine),
            // zx's and Bun's shell: $`git pull`.
            (r(r"\$`"), ShellLine),
            (r(r"\bBun\.spawn(Sync)?\s*\("), Argv),
            (r(r"\bffi\.Library\s*\("), Library),
            (r(r"\bkoffi\.load\s*\("), Library),
            (r(r"\bprocess\.dlopen\s*\("), Library),
        ],
        Lang::Go => vec![
            (r(r"\bexec\.Command\s*\("), Argv),
            (r(r"\bexec\.CommandContext\s*\("), ArgvAfterOne),
            (r(r"\bexec\.LookPath\s*\("), Argv),
            (r(r"\bsyscall\.Exec\s*\("), Argv),
            (r(r"\bos\.StartProcess\s*\("), Argv),
            (r(r"\bplugin\.Open\s*\("), Library),
            (r(r"\bDlopen\s*\("), Library),
        ],
        Lang::Ruby => vec![
            (r(r"`"), ShellLine),
            (r(r"%x[\(\[\{]"), ShellLine),
            (r(r"(^|[^.\w])(system|exec|spawn)[\s(]"), ListOrLine),
            (
                r(r"\b(Open3\.\w+|IO\.popen|Process\.spawn|PTY\.spawn)\s*\("),
                ListOrLine,
            ),
            (r(r"\bFiddle\.dlopen\s*\("), Library),
            (r(r"\bffi_lib\s"), Library),
        ],
        Lang::Php => vec![
            (
                r(r"\b(exec|shell_exec|system|passthru|popen|proc_open|pcntl_exec)\s*\("),
                ShellLine,
            ),
            (r(r"`"), ShellLine),
            // Symfony's Process (an argv list) and Laravel's Process facade.
            (r(r"\bProcess\s*\("), ListOrLine),
            (r(r"\bProcess::fromShellCommandline\s*\("), ShellLine),
            (r(r"\bProcess::(run|start)\s*\("), ListOrLine),
            (r(r"\bFFI::cdef\s*\("), Library),
        ],
        Lang::Jvm => vec![
            (r(r"\.exec\s*\("), ListOrLine),
            (r(r"\bProcessBuilder\s*\("), Argv),
            // Apache Commons Exec; with a literal program, so that picocli's
            // `new CommandLine(new App())` is not taken for it.
            (r(r"\bCommandLine\.parse\s*\("), ShellLine),
            (r(r#"\bCommandLine\s*\(\s*""#), Argv),
            (r(r"\bSystem\.loadLibrary\s*\("), ShortLibrary),
            (r(r"\bSystem\.load\s*\("), Library),
            (r(r"\bNative\.load(Library)?\s*\("), ShortLibrary),
        ],
        Lang::DotNet => vec![
            (r(r"\bProcess\.Start\s*\("), Argv),
            (r(r"\bProcessStartInfo\s*\("), Argv),
            (r(r"\bFileName\s*=\s*"), Argv),
            // CliWrap.
            (r(r"\bCli\.Wrap\s*\("), Argv),
            (r(r"\b(DllImport|LibraryImport)\s*\("), ShortLibrary),
            (r(r"\bNativeLibrary\.(Load|TryLoad)\s*\("), Library),
        ],
        Lang::Rust => vec![
            (r(r"\bCommand::new\s*\("), Argv),
            (r(r"\bLibrary::new\s*\("), Library),
        ],
        Lang::C => vec![
            (r(r"\b(system|popen)\s*\("), ShellLine),
            (
                r(
                    r"\b(execl|execlp|execle|execv|execvp|execve|execvpe|posix_spawn|posix_spawnp)\s*\(",
                ),
                Argv,
            ),
            (r(r"\bdlopen\s*\("), Library),
        ],
        Lang::Shell => Vec::new(),
    };
    let marks = mark_patterns(lang)
        .iter()
        .map(|(pattern, mark)| (r(pattern), *mark))
        .collect();
    Patterns { calls, marks }
}

/// The import and declaration patterns of one language, with what a match
/// marks.
pub(super) fn mark_patterns(lang: Lang) -> &'static [(&'static str, Mark)] {
    use Mark::*;
    match lang {
        Lang::Python => &[
            (
                r"\b(import\s+mimetypes|from\s+mimetypes\s+import|mimetypes\.|http\.server\b|SimpleHTTPRequestHandler)",
                MimeTypes,
            ),
            (
                r"\b(expanduser|Path\.home|os\.environ\[.HOME|getenv\(.HOME)",
                Home,
            ),
            (r"\b(os\.environ|os\.getenv|environ\.get)\b", Environment),
            (
                r"\b(import\s+sh\b|from\s+sh\s+import|import\s+plumbum|from\s+plumbum)",
                ProcessLibrary,
            ),
            // TorchInductor compiles its kernels with the C++ compiler (and
            // Triton's launchers with cc); Triton's own kernels and Cython's
            // pyximport do the same on first use.
            (
                r"(?m)\btorch\.compile\b|\btorch\._(dynamo|inductor)\b|@triton\.jit\b|^\s*(import|from)\s+(triton|pyximport)\b",
                Compiles,
            ),
        ],
        Lang::JavaScript => &[
            (
                r"\b(os\.homedir|homedir\(\)|process\.env\.HOME|os\.userInfo)",
                Home,
            ),
            (r"\bprocess\.env\b", Environment),
            // The argument up to the line's end: a computed name, or a
            // path built from the app's own folder.
            (
                r#"\b(require|import)\s*\(\s*[^'"`\s)][^\n]*"#,
                ComputedModule,
            ),
        ],
        Lang::Go => &[
            (
                r#""mime"|\bhttp\.(FileServer|ServeFile|ServeContent|FileServerFS|ServeFileFS)\b"#,
                MimeTypes,
            ),
            (r"\b(os\.UserHomeDir|os\.Getenv\(.HOME)", Home),
        ],
        Lang::Rust => &[
            (
                r"cargo::?rustc-link-lib=([a-z-]+=)?[A-Za-z0-9_.+-]+",
                LinkLib,
            ),
            (r#"probe(_library)?\(\s*"[^"]+""#, QuotedLink),
            // An extern block in the program's own code: `#[link(name = "z")]`.
            (r#"#\[link\(\s*name\s*=\s*"[^"]+""#, QuotedLink),
        ],
        Lang::Ruby => &[
            (r"\b(Dir\.home|ENV\[.HOME)", Home),
            (r#"(?m)^\s*require\s+['"]([^'"./][^'"]*)['"]"#, RubyRequire),
        ],
        // The JDK's own modules that a JRE leaves out: the compiler
        // (javax.tools, com.sun.source), jshell, the attach API.
        Lang::Jvm => &[(
            r"\b(javax\.tools|com\.sun\.tools\.(javac|attach)|com\.sun\.source|jdk\.jshell)\b",
            JdkModule,
        )],
        // Code loaded from vendor/ (composer's autoloader) is not the app's
        // own, and not read.
        Lang::Php => &[
            (r"\b(require|include)(_once)?\b[^;]*vendor/", Vendor),
            (r"\bgetenv\s*\(|\$_ENV\b|\$_SERVER\b", Environment),
        ],
        _ => &[],
    }
}

/// What a language's imports and build declarations say: child processes
/// by library (`import sh`), the MIME table, the home folder, the
/// environment, modules beyond the standard library, and build.rs's links.
pub(super) fn lang_specific(lang: Lang, code: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let marks = compiled(lang).map_or(&[][..], |p| &p.marks[..]);
    for (re, mark) in marks {
        for m in re.find_iter(code) {
            if let Some(what) = mark.use_of(m.as_str()) {
                out.push(Finding {
                    line: line_at(code, m.start()),
                    what,
                });
            }
        }
    }
    let modules = match lang {
        Lang::Python => python_imports(code),
        Lang::JavaScript => js_imports(code),
        _ => Vec::new(),
    };
    let cat = crate::catalog::catalog();
    for (at, module) in modules {
        let line = line_at(code, at);
        if lang == Lang::Python {
            if cat.python_reads_mime_table(&module) {
                out.push(Finding {
                    line,
                    what: Use::MimeTypes,
                });
            }
            out.extend(
                cat.python_stdlib_libraries(&module)
                    .iter()
                    .map(|lib| Finding {
                        line,
                        what: Use::Library(lib.clone()),
                    }),
            );
        }
        out.push(Finding {
            line,
            what: Use::Module(module),
        });
    }
    out
}

/// Top-level module names a Python file imports, with offsets; relative
/// imports are left out.
pub(super) fn python_imports(code: &str) -> Vec<(usize, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import|import\s+([A-Za-z_][\w., ]*))")
            .expect("a valid pattern")
    });
    let mut out = Vec::new();
    for c in re.captures_iter(code) {
        let at = c.get(0).map_or(0, |m| m.start());
        let names = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        for name in names.split(',') {
            let top = name.trim().split(['.', ' ']).next().unwrap_or("");
            if !top.is_empty() {
                out.push((at, top.to_string()));
            }
        }
    }
    out
}

/// Module names a JavaScript file requires or imports, with offsets.
pub(super) fn js_imports(code: &str) -> Vec<(usize, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]"#,
        )
        .expect("a valid pattern")
    });
    re.captures_iter(code)
        .filter_map(|c| {
            let m = c.get(1)?;
            Some((c.get(0)?.start(), m.as_str().to_string()))
        })
        .collect()
}
