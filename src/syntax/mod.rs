//! Reading Dockerfiles: a lossless tree that agrees with BuildKit.
//!
//! The pest grammar (`grammar/dockerfile.pest`) cuts the text into
//! directives, comments, blank lines and instructions; `instruction` reads
//! each instruction's meaning as BuildKit does; `heredoc` finds the heredocs
//! an instruction announces, whose bodies are read here.

pub mod buildkit;
mod dump;
mod edit;
mod error;
mod grammar;
mod heredoc;
mod instruction;
mod tree;

use std::ops::Range;

use pest::Parser;
use pest::iterators::Pair;

pub use dump::dump;
pub use error::ParseError;
pub use instruction::Meaning;
pub use tree::{
    Directive, Dockerfile, Flag, Heredoc, Instruction, Kind, Node, NodeKind, Pos, Span, Token,
    TokenKind,
};

use grammar::{LayoutParser, Rule};

const BOM: &str = "\u{FEFF}";

/// Parses Dockerfile bytes; text that is not UTF-8 is an error at the first
/// bad byte.
pub fn parse_bytes(bytes: &[u8]) -> Result<Dockerfile, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(src) => parse(src),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let src = std::str::from_utf8(good).unwrap_or_default();
            let mut err = ParseError::at(src, src.len(), "");
            err.message = format!(
                "not UTF-8 text (byte 0x{:02x} at offset {})",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            );
            Err(err)
        }
    }
}

/// Parses a Dockerfile the way BuildKit does, keeping every byte.
pub fn parse(src: &str) -> Result<Dockerfile, ParseError> {
    let bom = src.starts_with(BOM);
    let mut df = Dockerfile {
        arena: src.to_string(),
        source_len: src.len(),
        bom,
        escape: '\\',
        nodes: Vec::new(),
    };
    let mut reader = Reader {
        src,
        pos: if bom { BOM.len() } else { 0 },
        line: 1,
        base: 0,
    };
    reader.directives(&mut df)?;
    let nodes = reader.items(df.escape)?;
    df.nodes.extend(nodes);
    if !df
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Instruction(_)))
    {
        return Err(ParseError::at(src, 0, "file with no instructions"));
    }
    Ok(df)
}

/// Parses a piece of Dockerfile text (instructions, comments, blank lines)
/// with the given escape character, placing its byte ranges at `base`.
pub(crate) fn parse_fragment(
    src: &str,
    escape: char,
    base: usize,
) -> Result<Vec<Node>, ParseError> {
    let mut reader = Reader {
        src,
        pos: 0,
        line: 1,
        base,
    };
    reader.items(escape)
}

/// Walks the text once, front to back, producing nodes.
struct Reader<'s> {
    src: &'s str,
    /// Byte offset of the next unread byte.
    pos: usize,
    /// Line number of the next unread byte.
    line: usize,
    /// Where `src` sits in the arena.
    base: usize,
}

impl<'s> Reader<'s> {
    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::at(self.src, offset, message)
    }

    /// Takes `len` bytes as one node, counting its lines.
    fn take(&mut self, len: usize, kind: NodeKind) -> Node {
        let text = &self.src[self.pos..self.pos + len];
        let newlines = self.newlines(&kind, text);
        let last = self.line + newlines - usize::from(newlines > 0 && text.ends_with('\n'));
        let node = Node {
            kind,
            range: self.base + self.pos..self.base + self.pos + len,
            lines: (self.line, last),
        };
        self.pos += len;
        self.line += newlines;
        node
    }

    /// The newlines in a node's text, read from what the grammar found: a
    /// directive, comment or blank line is one line, and in an instruction
    /// only the tokens that end a line hold one, at their end.
    fn newlines(&self, kind: &NodeKind, text: &str) -> usize {
        let ends_line = |end: usize| self.src.as_bytes()[end - 1 - self.base] == b'\n';
        match kind {
            NodeKind::Instruction(ins) => ins
                .tokens
                .iter()
                .filter(|t| t.kind != TokenKind::Text && t.kind != TokenKind::Indent)
                .filter(|t| t.range.end > t.range.start && ends_line(t.range.end))
                .count(),
            _ => usize::from(text.ends_with('\n')),
        }
    }

    /// Parser directives on the first lines; the escape directive sets the
    /// escape character for the rest of the file.
    fn directives(&mut self, df: &mut Dockerfile) -> Result<(), ParseError> {
        // A directive is a `#` line with only whitespace before it: a file
        // that starts otherwise has none, and needs no grammar call for that.
        if !self.rest().trim_start().starts_with('#') {
            return Ok(());
        }
        // `directives` matches zero or more lines, so it cannot fail.
        let Ok(pairs) = LayoutParser::parse(Rule::directives, self.rest()) else {
            return Ok(());
        };
        for pair in pairs {
            let mut name = String::new();
            let mut value = String::new();
            for p in pair.clone().into_inner() {
                match p.as_rule() {
                    Rule::directive_name => name = p.as_str().to_ascii_lowercase(),
                    Rule::directive_value => value = p.as_str().to_string(),
                    _ => {}
                }
            }
            let at = self.pos;
            if df.directives().any(|d| d.name == name) {
                return Err(self.error(at, format!("only one {name} parser directive can be used")));
            }
            if name == "escape" {
                df.escape = match value.as_str() {
                    "\\" => '\\',
                    "`" => '`',
                    _ => {
                        return Err(self.error(
                            at,
                            format!("invalid escape token '{value}' does not match ` or \\"),
                        ));
                    }
                };
            }
            let node = self.take(
                pair.as_str().len(),
                NodeKind::Directive(Directive { name, value }),
            );
            df.nodes.push(node);
        }
        Ok(())
    }

    /// Everything after the directives: one grammar call for the whole
    /// rest, and one more after each instruction that announces heredocs,
    /// since the grammar does not know the bodies and reads them as lines.
    fn items(&mut self, escape: char) -> Result<Vec<Node>, ParseError> {
        let rule = match escape {
            '`' => Rule::items_backtick,
            _ => Rule::items_backslash,
        };
        // One node per line at most: sized once instead of grown.
        let lines = memchr::memchr_iter(b'\n', self.rest().as_bytes()).count() + 1;
        let mut nodes = Vec::with_capacity(lines);
        'call: while self.pos < self.src.len() {
            let call_at = self.pos;
            let pairs = LayoutParser::parse(rule, self.rest())
                .map_err(|e| self.error(self.pos, format!("internal grammar error: {e}")))?;
            for pair in pairs {
                self.empty_lines_until(call_at + pair.as_span().start(), &mut nodes);
                if pair.as_rule() == Rule::EOI {
                    break 'call;
                }
                let (mut node, markers) = self.item(pair, escape)?;
                if markers.is_empty() {
                    nodes.push(node);
                    continue;
                }
                if let NodeKind::Instruction(ins) = &mut node.kind {
                    for marker in markers {
                        self.heredoc_body(ins, marker)?;
                    }
                }
                node.range.end = self.base + self.pos;
                let text = self.text_of(&node.range);
                node.lines.1 = (self.line - usize::from(text.ends_with('\n'))).max(node.lines.0);
                nodes.push(node);
                // The rest of this call read the bodies as lines.
                continue 'call;
            }
            break;
        }
        Ok(nodes)
    }

    /// The empty lines the grammar leaves unmarked before `at`: one blank
    /// node per newline.
    fn empty_lines_until(&mut self, at: usize, nodes: &mut Vec<Node>) {
        while self.pos < at {
            let gap = &self.src.as_bytes()[self.pos..at];
            let len = memchr::memchr(b'\n', gap).map_or(gap.len(), |i| i + 1);
            nodes.push(self.take(len, NodeKind::Blank));
        }
    }

    fn text_of(&self, range: &Range<usize>) -> &'s str {
        &self.src[range.start - self.base..range.end - self.base]
    }

    /// Turns one grammar item into a node, with the heredocs it announces
    /// (their bodies not yet read).
    fn item(
        &mut self,
        pair: Pair<'s, Rule>,
        escape: char,
    ) -> Result<(Node, Vec<heredoc::Marker>), ParseError> {
        let len = pair.as_str().len();
        let (kind, markers) = match pair.as_rule() {
            Rule::blank => (NodeKind::Blank, Vec::new()),
            Rule::comment => (NodeKind::Comment, Vec::new()),
            _ => {
                let (ins, markers) = self.instruction(pair, escape)?;
                (NodeKind::Instruction(Box::new(ins)), markers)
            }
        };
        Ok((self.take(len, kind), markers))
    }

    /// The tokens of an instruction's lines. The grammar marks everything
    /// but the text and the final newline (indentation, line breaks, skipped
    /// lines), so the text is what lies between the marked pieces: one token
    /// even where an escape character that ends no line sits in it.
    fn instruction_tokens(&self, pair: Pair<'s, Rule>) -> Vec<Token> {
        let span = pair.as_span();
        let origin = self.base + self.pos - span.start();
        let mut tokens: Vec<Token> = Vec::new();
        let mut cursor = span.start();
        let mut push = |kind, start: usize, end: usize, cursor: &mut usize| {
            if *cursor < start {
                tokens.push(Token {
                    kind: TokenKind::Text,
                    range: origin + *cursor..origin + start,
                });
            }
            tokens.push(Token {
                kind,
                range: origin + start..origin + end,
            });
            *cursor = end;
        };
        for p in pair.into_inner() {
            let s = p.as_span();
            match p.as_rule() {
                Rule::indent => push(TokenKind::Indent, s.start(), s.end(), &mut cursor),
                Rule::line_break | Rule::line_break_bt => {
                    push(TokenKind::LineBreak, s.start(), s.end(), &mut cursor)
                }
                Rule::continued_comment => {
                    push(TokenKind::ContinuedComment, s.start(), s.end(), &mut cursor)
                }
                Rule::continued_blank => {
                    push(TokenKind::ContinuedBlank, s.start(), s.end(), &mut cursor)
                }
                _ => {}
            }
        }
        // The rest: text, then the newline that ends the instruction.
        let mut end = span.end();
        if span.as_str().ends_with('\n') && cursor < end {
            end -= 1;
        }
        if cursor < end {
            tokens.push(Token {
                kind: TokenKind::Text,
                range: origin + cursor..origin + end,
            });
        }
        if end < span.end() {
            tokens.push(Token {
                kind: TokenKind::Newline,
                range: origin + end..origin + span.end(),
            });
        }
        tokens
    }

    /// Builds an instruction's tokens and reads its meaning from the joined
    /// text, as BuildKit joins continued lines.
    fn instruction(
        &self,
        pair: Pair<'s, Rule>,
        escape: char,
    ) -> Result<(Instruction, Vec<heredoc::Marker>), ParseError> {
        let tokens = self.instruction_tokens(pair);
        // The joined text (borrowed when the instruction is one piece of
        // text), and where each text token starts in it and in the source,
        // to point errors at the right column.
        let mut texts = tokens.iter().filter(|t| t.kind == TokenKind::Text);
        let first = texts.next().map(|t| t.range.clone());
        let single;
        let mut pieces = Vec::new();
        let joined;
        let (line, map): (&str, &[(usize, usize)]) = match (first, texts.next()) {
            (Some(only), None) => {
                single = [(0, only.start - self.base)];
                (self.text_of(&only), &single)
            }
            _ => {
                let mut s = String::new();
                for t in tokens.iter().filter(|t| t.kind == TokenKind::Text) {
                    pieces.push((s.len(), t.range.start - self.base));
                    s.push_str(self.text_of(&t.range));
                }
                joined = s;
                (&joined, &pieces)
            }
        };
        let at = |offset: usize| {
            let i = map.partition_point(|&(logical, _)| logical <= offset);
            map.get(i.wrapping_sub(1))
                .map_or(self.pos, |&(logical, src)| src + (offset - logical))
                .min(self.src.len())
        };
        let lead = line.len() - line.trim_start().len();
        let keyword_at = self.base + at(lead);
        let meaning =
            instruction::meaning(line, escape).map_err(|e| self.error(at(e.offset), e.message))?;
        let markers = if meaning.can_contain_heredoc() {
            heredoc::markers(line).map_err(|m| self.error(at(lead), m))?
        } else {
            Vec::new()
        };
        let ins = Instruction {
            kind: Kind::from_keyword(&meaning.keyword),
            meaning,
            tokens,
            heredocs: Vec::new(),
            keyword_at,
            marker_at: markers_at(line, &markers)
                .into_iter()
                .map(|i| self.base + at(i))
                .collect(),
        };
        Ok((ins, markers))
    }

    /// Reads one heredoc body up to its terminator line (BuildKit compares
    /// the line without its line ending, and for `<<-` without leading tabs).
    fn heredoc_body(
        &mut self,
        ins: &mut Instruction,
        marker: heredoc::Marker,
    ) -> Result<(), ParseError> {
        let body_start = self.pos;
        while self.pos < self.src.len() {
            let rest = self.rest();
            let len = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
            let physical = &rest[..len];
            let mut candidate = physical.trim_end_matches(['\r', '\n']);
            if marker.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            let line_start = self.pos;
            self.pos += len;
            self.line += usize::from(physical.ends_with('\n'));
            if candidate != marker.name {
                continue;
            }
            if line_start > body_start {
                ins.tokens.push(Token {
                    kind: TokenKind::HeredocBody,
                    range: self.base + body_start..self.base + line_start,
                });
            }
            ins.tokens.push(Token {
                kind: TokenKind::HeredocEnd,
                range: self.base + line_start..self.base + self.pos,
            });
            ins.heredocs.push(Heredoc {
                content: self.src[body_start..line_start].to_string(),
                name: marker.name,
                chomp: marker.chomp,
                expand: marker.expand,
                fd: marker.fd,
            });
            return Ok(());
        }
        let at = ins
            .marker_at
            .get(ins.heredocs.len())
            .copied()
            .unwrap_or(ins.keyword_at);
        Err(self.error(
            at - self.base,
            format!("unterminated heredoc {}", marker.name),
        ))
    }
}

/// Where each heredoc marker starts in the joined line: the successive `<<`
/// whose word holds the marker's name (for pointing errors at it).
fn markers_at(line: &str, markers: &[heredoc::Marker]) -> Vec<usize> {
    let mut out = Vec::with_capacity(markers.len());
    let mut from = 0;
    for m in markers {
        let found = line[from..]
            .match_indices("<<")
            .map(|(i, _)| from + i)
            .find(|&i| {
                let word = line[i + 2..]
                    .split(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                word.trim_start_matches('-')
                    .contains(m.name.chars().next().unwrap_or('<'))
            });
        let Some(i) = found else {
            // Not found (a marker the lexer assembled): point at the keyword.
            out.push(line.len() - line.trim_start().len());
            continue;
        };
        // Back up over the file descriptor digits.
        let start = i - line[..i]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
        out.push(start);
        from = i + 2;
    }
    out
}
