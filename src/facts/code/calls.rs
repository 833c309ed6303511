//! A call's arguments, read from the text after its name, and what they
//! start or load: a shell line, an argv, a library by name.

use super::text::copy_quoted;
use super::*;

/// How a call site takes its command.
#[derive(Debug, Clone, Copy)]
pub(super) enum Api {
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
    pub(super) fn uses(self, args: &[Arg]) -> Vec<Use> {
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
pub(super) fn has_more_literals(args: &[Arg]) -> bool {
    args.iter()
        .skip(1)
        .any(|a| matches!(a, Arg::Literal(_) | Arg::List(_)))
}

/// The programs of a command line.
pub(super) fn shell_line(line: &str) -> Vec<Use> {
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
pub(super) fn argv_uses(args: &[Arg]) -> Vec<Use> {
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
pub(super) enum Arg {
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
pub(super) fn call_args(lang: Lang, text: &str) -> Vec<Arg> {
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
pub(super) fn until_quote(text: &str, quote: char) -> String {
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
pub(super) fn split_args(lang: Lang, body: &str) -> Vec<Arg> {
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
pub(super) fn arg(lang: Lang, text: &str) -> Arg {
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
pub(super) fn unescape(s: &str) -> String {
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
