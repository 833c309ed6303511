//! A source file's text as the scan reads it: comments blanked out, string
//! literals with each language's quoting, and the system paths they name.

use super::*;

/// Replaces comments with spaces (newlines kept), leaving strings whole.
pub(super) fn blank_comments(lang: Lang, text: &str) -> String {
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
pub(super) fn copy_quoted(
    q: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
) {
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
pub(super) fn skip_line(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
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
pub(super) fn literals(lang: Lang, code: &str) -> Vec<(usize, usize, String)> {
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
pub(super) const SYSTEM_ROOTS: &[&str] = &[
    "/etc/", "/usr/", "/var/", "/opt/", "/srv/", "/root/", "/home/", "/lib/", "/lib64/", "/bin/",
    "/sbin/", "/mnt/",
];

/// What a string literal alone says: a system path, a font by name.
pub(super) fn literal_use(lit: &str) -> Option<Use> {
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
