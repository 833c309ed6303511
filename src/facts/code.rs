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

use std::sync::OnceLock;

use regex::Regex;

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

/// Replaces comments with spaces (newlines kept), leaving strings whole.
fn blank_comments(lang: Lang, text: &str) -> String {
    let hash = matches!(lang, Lang::Python | Lang::Ruby | Lang::Php | Lang::Shell);
    let slashes = !matches!(lang, Lang::Python | Lang::Ruby | Lang::Shell);
    let single_quotes = lang != Lang::Rust;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                out.push(c);
                copy_quoted(c, &mut chars, &mut out);
            }
            '\'' if single_quotes => {
                out.push(c);
                copy_quoted(c, &mut chars, &mut out);
            }
            '#' if hash => skip_line(&mut chars, &mut out),
            '/' if slashes && chars.peek() == Some(&'/') => skip_line(&mut chars, &mut out),
            '/' if slashes && chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str("  ");
                let mut prev = ' ';
                for n in chars.by_ref() {
                    out.push(if n == '\n' { '\n' } else { ' ' });
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Copies a quoted string after its opening quote.
fn copy_quoted(q: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    while let Some(n) = chars.next() {
        out.push(n);
        if n == '\\' {
            if let Some(e) = chars.next() {
                out.push(e);
            }
        } else if n == q {
            break;
        }
    }
}

/// Blanks the rest of a line comment.
fn skip_line(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    out.push(' ');
    for n in chars.by_ref() {
        if n == '\n' {
            out.push('\n');
            break;
        }
        out.push(' ');
    }
}

/// The string literals of code whose comments are blanked, with the
/// offsets of their opening and closing quotes.
fn literals(lang: Lang, code: &str) -> Vec<(usize, usize, String)> {
    let single_quotes = lang != Lang::Rust;
    let mut out = Vec::new();
    let bytes: Vec<(usize, char)> = code.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (at, c) = bytes[i];
        if c == '"' || c == '`' || (c == '\'' && single_quotes) {
            let mut s = String::new();
            i += 1;
            while i < bytes.len() {
                let (_, n) = bytes[i];
                if n == '\\' {
                    if let Some(&(_, e)) = bytes.get(i + 1) {
                        s.push(e);
                    }
                    i += 2;
                    continue;
                }
                if n == c {
                    break;
                }
                s.push(n);
                i += 1;
            }
            let end = bytes.get(i).map_or(code.len(), |(e, _)| *e);
            out.push((at, end, s));
        }
        i += 1;
    }
    out
}

/// Roots of the file system where an absolute path names the system, not
/// the app (URL paths such as "/api/users" start elsewhere).
const SYSTEM_ROOTS: &[&str] = &[
    "/etc/", "/usr/", "/var/", "/opt/", "/srv/", "/root/", "/home/", "/lib/", "/lib64/", "/bin/",
    "/sbin/", "/mnt/",
];

/// What a string literal alone says: a system path, a font by name.
fn literal_use(lit: &str) -> Option<Use> {
    let lower = lit.to_ascii_lowercase();
    let font = [".ttf", ".otf", ".ttc", ".pfb"]
        .iter()
        .any(|e| lower.ends_with(e));
    if font && (!lit.contains('/') || lit.starts_with("/usr/share/fonts")) {
        return Some(Use::Font(lit.to_string()));
    }
    if lit.starts_with("~/") {
        return Some(Use::Home);
    }
    if SYSTEM_ROOTS.iter().any(|r| lit.starts_with(r)) && !lit.contains(char::is_whitespace) {
        return Some(Use::Path(lit.to_string()));
    }
    None
}

/// How a call site takes its command.
#[derive(Debug, Clone, Copy)]
enum Api {
    /// A command line run by a shell (`os.system`, `execSync`, backticks).
    ShellLine,
    /// A program and its arguments (`exec.Command`, `spawn`, `Popen([...])`).
    Argv,
    /// Either, by whether the first argument is a list (Python's
    /// subprocess, Ruby's system).
    ListOrLine,
    /// `exec.CommandContext(ctx, name, ...)`: the program comes second.
    ArgvAfterOne,
    /// Loads a library by name.
    Library,
    /// Loads a library named without `lib` and `.so` (`System.loadLibrary`,
    /// `find_library`).
    ShortLibrary,
}

impl Api {
    /// What one call uses, from its arguments.
    fn uses(self, args: &[Arg]) -> Vec<Use> {
        let first = match self {
            Api::ArgvAfterOne => args.get(1),
            _ => args.first(),
        };
        let snippet = || {
            first
                .map(|a| match a {
                    Arg::Other(t) => t.clone(),
                    Arg::Literal(s) => s.clone(),
                    Arg::List(_) => "[...]".into(),
                })
                .unwrap_or_default()
        };
        match self {
            Api::Library | Api::ShortLibrary => match first {
                Some(Arg::Literal(name)) => {
                    let name = match self {
                        Api::ShortLibrary if !name.contains(".so") && !name.contains('/') => {
                            format!("lib{name}.so")
                        }
                        _ => name.clone(),
                    };
                    vec![Use::Library(name)]
                }
                _ => vec![Use::ComputedLibrary(snippet())],
            },
            Api::ShellLine => match first {
                Some(Arg::Literal(line)) => shell_line(line),
                _ => vec![Use::ComputedProgram(snippet())],
            },
            Api::ListOrLine => match first {
                Some(Arg::List(words)) => argv_uses(words),
                Some(Arg::Literal(line)) if args.len() == 1 || !has_more_literals(args) => {
                    shell_line(line)
                }
                Some(Arg::Literal(_)) => argv_uses(args),
                _ => vec![Use::ComputedProgram(snippet())],
            },
            Api::Argv | Api::ArgvAfterOne => {
                let rest = match self {
                    Api::ArgvAfterOne => args.get(1..).unwrap_or(&[]),
                    _ => args,
                };
                match rest.first() {
                    Some(Arg::List(words)) => argv_uses(words),
                    Some(Arg::Literal(_)) => argv_uses(rest),
                    _ => vec![Use::ComputedProgram(snippet())],
                }
            }
        }
    }
}

/// Whether more than the first argument is a string.
fn has_more_literals(args: &[Arg]) -> bool {
    args.iter()
        .skip(1)
        .any(|a| matches!(a, Arg::Literal(_) | Arg::List(_)))
}

/// The programs of a command line.
fn shell_line(line: &str) -> Vec<Use> {
    let cmds = crate::analysis::shell::commands(line);
    let mut out: Vec<Use> = cmds
        .iter()
        .filter_map(|c| c.argv.first())
        .map(|p| {
            if p.contains('$') || p.contains('{') {
                Use::ComputedProgram(p.clone())
            } else {
                Use::Program(p.clone())
            }
        })
        .collect();
    if out.is_empty() {
        out.push(Use::ComputedProgram(line.to_string()));
    }
    out
}

/// The program of an argument vector; a shell's `-c` line is read too.
fn argv_uses(args: &[Arg]) -> Vec<Use> {
    let Some(Arg::Literal(program)) = args.first() else {
        return vec![Use::ComputedProgram("[...]".into())];
    };
    if program.contains("${") || program.contains('$') {
        return vec![Use::ComputedProgram(program.clone())];
    }
    let mut out = vec![Use::Program(program.clone())];
    let shell = matches!(
        program.rsplit('/').next(),
        Some("sh" | "bash" | "dash" | "ash" | "zsh")
    );
    if shell && let Some(i) = args.iter().position(|a| a == &Arg::Literal("-c".into())) {
        match args.get(i + 1) {
            Some(Arg::Literal(line)) => out.extend(shell_line(line)),
            _ => out.push(Use::ComputedProgram("sh -c ...".into())),
        }
    }
    out
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    /// A string literal with no interpolation.
    Literal(String),
    /// A list (`[...]`, `{...}`, `new String[] {...}`) of arguments.
    List(Vec<Arg>),
    /// Anything else, as written (shortened).
    Other(String),
}

/// The arguments of the call whose name starts `text`: from its opening
/// parenthesis to the matching one, split at top-level commas. Ruby's and
/// Perl's calls without parentheses take the rest of the line.
fn call_args(lang: Lang, text: &str) -> Vec<Arg> {
    let Some(open) = text.find(['(', '`', ' ', '[', '{']) else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let (body_start, closer) = match bytes[open] {
        b'(' => (open + 1, b')'),
        b'`' => return vec![Arg::Literal(until_quote(&text[open + 1..], '`'))],
        b'[' if lang == Lang::Ruby => (open + 1, b']'),
        b'{' if lang == Lang::Ruby => (open + 1, b'}'),
        _ => (open + 1, b'\n'),
    };
    let body = &text[body_start..];
    let mut depth = 0usize;
    let mut end = body.len();
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                if q == b'\'' && lang == Lang::Rust {
                    i += 1;
                    continue;
                }
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            c if c == closer && depth == 0 => {
                end = i;
                break;
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    split_args(lang, &body[..end])
}

/// The text up to an unescaped `quote`.
fn until_quote(text: &str, quote: char) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c if c == quote => break,
            c => out.push(c),
        }
    }
    out
}

/// Splits a call's argument text at top-level commas into arguments.
fn split_args(lang: Lang, body: &str) -> Vec<Arg> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                cur.push(c);
                copy_quoted(c, &mut chars, &mut cur);
            }
            '\'' if lang != Lang::Rust => {
                cur.push(c);
                copy_quoted(c, &mut chars, &mut cur);
            }
            '(' | '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    parts.iter().map(|p| arg(lang, p.trim())).collect()
}

/// Reads one argument's text.
fn arg(lang: Lang, text: &str) -> Arg {
    // Keyword arguments (`args=[...]`, `shell=True`) are read by value.
    let text = text.trim();
    let text = match text.split_once('=') {
        Some((k, v)) if k.chars().all(|c| c.is_alphanumeric() || c == '_') && !k.is_empty() => {
            if k == "args" {
                v.trim()
            } else {
                return Arg::Other(text.into());
            }
        }
        _ => text,
    };
    let text = text
        .trim_start_matches("new String[]")
        .trim_start_matches("new[]")
        .trim_start_matches("&")
        .trim_start_matches("vec!")
        .trim();
    if let Some(inner) = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .or_else(|| text.strip_prefix('{').and_then(|t| t.strip_suffix('}')))
        .or_else(|| text.strip_prefix("%w[").and_then(|t| t.strip_suffix(']')))
    {
        if text.starts_with("%w[") {
            return Arg::List(
                inner
                    .split_whitespace()
                    .map(|w| Arg::Literal(w.into()))
                    .collect(),
            );
        }
        return Arg::List(split_args(lang, inner));
    }
    // A string prefix: r"...", b'...', u"...", @"..." (C#), f"..." is
    // interpolated and so computed.
    let (prefix, rest) = text.split_at(text.find(['"', '\'', '`']).unwrap_or(0));
    let interpolating = prefix.contains('f') || prefix.contains('$');
    if (prefix.is_empty() || prefix.chars().all(|c| "rRbBuU@".contains(c)))
        && !interpolating
        && let Some(q) = rest.chars().next()
        && matches!(q, '"' | '\'' | '`')
        && rest.len() >= 2
        && rest.ends_with(q)
    {
        let inner = &rest[1..rest.len() - 1];
        let inner = inner.trim_start_matches(q).trim_end_matches(q); // """...""" and '''...'''
        let interpolated = (q == '`' && inner.contains("${"))
            || (q == '"'
                && matches!(lang, Lang::Ruby | Lang::Php | Lang::Shell)
                && (inner.contains("#{") || inner.contains('$')));
        if !interpolated && !rest[1..rest.len() - 1].contains(q) || inner.len() + 2 == rest.len() {
            if interpolated {
                return Arg::Other(text.chars().take(60).collect());
            }
            return Arg::Literal(unescape(inner));
        }
    }
    Arg::Other(text.chars().take(60).collect())
}

/// Undoes the common backslash escapes of a string literal.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A language's compiled patterns: its call sites, and what its imports
/// and declarations mark.
struct Patterns {
    calls: Vec<(Regex, Api)>,
    marks: Vec<(Regex, Mark)>,
}

/// What a match of an import or declaration pattern means.
#[derive(Debug, Clone, Copy)]
enum Mark {
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
        })
    }
}

/// A language's patterns, compiled once.
fn compiled(lang: Lang) -> Option<&'static Patterns> {
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
fn call_sites(lang: Lang, code: &str) -> Vec<(usize, Api)> {
    let Some(p) = compiled(lang) else {
        return Vec::new();
    };
    // JavaScript's `exec` and `spawn` are child_process's only where the
    // file loads it (`/re/.exec(s)` is a regular expression).
    let js_processes = lang != Lang::JavaScript
        || ["child_process", "execa", "shelljs", "Bun.spawn"]
            .iter()
            .any(|m| code.contains(m));
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
fn receiver_is_child_process(code: &str, at: usize) -> bool {
    let before = &code[..at - 1];
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
fn imported_call_sites(lang: Lang, code: &str) -> Vec<(usize, Api)> {
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
fn cgo_links(text: &str) -> Vec<Finding> {
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
fn patterns(lang: Lang) -> Patterns {
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
            (r(r"\bFFI::cdef\s*\("), Library),
        ],
        Lang::Jvm => vec![
            (r(r"\.exec\s*\("), ListOrLine),
            (r(r"\bProcessBuilder\s*\("), Argv),
            (r(r"\bSystem\.loadLibrary\s*\("), ShortLibrary),
            (r(r"\bSystem\.load\s*\("), Library),
            (r(r"\bNative\.load(Library)?\s*\("), ShortLibrary),
        ],
        Lang::DotNet => vec![
            (r(r"\bProcess\.Start\s*\("), Argv),
            (r(r"\bProcessStartInfo\s*\("), Argv),
            (r(r"\bFileName\s*=\s*"), Argv),
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
fn mark_patterns(lang: Lang) -> &'static [(&'static str, Mark)] {
    use Mark::*;
    match lang {
        Lang::Python => &[
            (
                r"\b(import\s+mimetypes|from\s+mimetypes\s+import|mimetypes\.)",
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
        ],
        Lang::JavaScript => &[
            (
                r"\b(os\.homedir|homedir\(\)|process\.env\.HOME|os\.userInfo)",
                Home,
            ),
            (r"\bprocess\.env\b", Environment),
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
fn lang_specific(lang: Lang, code: &str) -> Vec<Finding> {
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
    out.extend(modules.into_iter().map(|(at, module)| Finding {
        line: line_at(code, at),
        what: Use::Module(module),
    }));
    out
}

/// Top-level module names a Python file imports, with offsets; relative
/// imports are left out.
fn python_imports(code: &str) -> Vec<(usize, String)> {
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
fn js_imports(code: &str) -> Vec<(usize, String)> {
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
                "require('child_process');\nspawnSync(process.env.TOOL || 'x', [])\n"
            ),
            [Use::ComputedProgram("process.env.TOOL || 'x'".into())]
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
