//! Parse errors with a location, rendered the way rustc and ruff do.

use std::fmt;

/// Why a Dockerfile could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line of the offending text.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong, in BuildKit's words where BuildKit has some.
    pub message: String,
}

impl ParseError {
    /// An error at a byte offset of `src`, its line and column worked out here.
    pub(crate) fn at(src: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(src, offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }

    /// The error as a person reads it: `error: FILE:LINE:COL: message`, then
    /// the offending line and a caret under the column.
    pub fn render(&self, file: &str, src: &str) -> String {
        Rendered {
            err: self,
            file,
            src,
        }
        .to_string()
    }
}

struct Rendered<'a> {
    err: &'a ParseError,
    file: &'a str,
    src: &'a str,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.err;
        writeln!(
            f,
            "error: {}:{}:{}: {}",
            self.file, e.line, e.column, e.message
        )?;
        let Some(text) = self.src.split('\n').nth(e.line.saturating_sub(1)) else {
            return Ok(());
        };
        let text = text.trim_end_matches('\r');
        // Long lines are cut around the column so the caret stays visible.
        let chars: Vec<char> = text.chars().collect();
        let col = e.column.saturating_sub(1).min(chars.len());
        let start = col.saturating_sub(60);
        let end = (col + 60).min(chars.len());
        let shown: String = chars[start..end]
            .iter()
            .map(|c| if c.is_control() { ' ' } else { *c })
            .collect();
        let gutter = e.line.to_string();
        let pad = " ".repeat(gutter.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{gutter} | {shown}")?;
        write!(f, "{pad} | {}^", " ".repeat(col - start))
    }
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let before = &src[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The largest char boundary at or below `i`.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
