//! The lossless syntax tree: every byte of the input sits in one node, and
//! typed views read an instruction's meaning without touching its bytes.

use std::fmt;
use std::ops::Range;

use super::error::line_col;
use super::instruction::Meaning;

/// A parsed Dockerfile. Printing it (`to_string`) gives back the input byte
/// for byte; edits replace whole nodes and leave every other byte alone.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The source text, followed by any text that edits brought in. Nodes
    /// point into it by byte range.
    pub(crate) arena: String,
    /// Length of the original source within `arena`.
    pub(crate) source_len: usize,
    pub(crate) bom: bool,
    pub(crate) escape: char,
    pub(crate) nodes: Vec<Node>,
}

/// One top-level piece of a Dockerfile.
#[derive(Debug, Clone)]
pub struct Node {
    /// What the piece is.
    pub kind: NodeKind,
    /// Its bytes in the arena (see [`Dockerfile::text`]).
    pub(crate) range: Range<usize>,
    /// First and last line (1-based) in the source that was parsed.
    pub lines: (usize, usize),
}

/// The kinds of top-level pieces.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A parser directive (`# syntax=...`) on the first lines.
    Directive(Directive),
    /// A comment line.
    Comment,
    /// A line holding only whitespace.
    Blank,
    /// An instruction with its continuations and heredoc bodies.
    Instruction(Box<Instruction>),
}

/// A parser directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// `syntax`, `escape` or `check`, lower-cased.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
}

/// The pieces an instruction is made of, so that `tree` can show them and
/// nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Whitespace before the keyword.
    Indent,
    /// Instruction text.
    Text,
    /// An escape character ending a line, with trailing spaces and newline.
    LineBreak,
    /// A comment line inside a continuation (BuildKit drops it).
    ContinuedComment,
    /// A blank line inside a continuation.
    ContinuedBlank,
    /// The newline that ends the instruction.
    Newline,
    /// Lines of a heredoc body.
    HeredocBody,
    /// The line that ends a heredoc.
    HeredocEnd,
}

/// One token of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is in the arena.
    pub(crate) range: Range<usize>,
}

impl Token {
    /// Its bytes in the arena, for [`Dockerfile::text`].
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }
}

impl Node {
    /// Its bytes in the arena, for [`Dockerfile::text`].
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The instruction, if this node is one.
    pub fn instruction(&self) -> Option<&Instruction> {
        match &self.kind {
            NodeKind::Instruction(ins) => Some(ins),
            _ => None,
        }
    }
}

/// The instruction kinds of the Dockerfile reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else: BuildKit's parser keeps it, the build rejects it.
    Unknown,
}

impl Kind {
    /// The kind a keyword names, in any case (upper-cased on the stack: no
    /// allocation per call).
    pub fn from_keyword(keyword: &str) -> Kind {
        let mut buf = [0u8; 11];
        let Some(upper) = buf.get_mut(..keyword.len()) else {
            return Kind::Unknown;
        };
        upper.copy_from_slice(keyword.as_bytes());
        upper.make_ascii_uppercase();
        match &*upper {
            b"ADD" => Kind::Add,
            b"ARG" => Kind::Arg,
            b"CMD" => Kind::Cmd,
            b"COPY" => Kind::Copy,
            b"ENTRYPOINT" => Kind::Entrypoint,
            b"ENV" => Kind::Env,
            b"EXPOSE" => Kind::Expose,
            b"FROM" => Kind::From,
            b"HEALTHCHECK" => Kind::Healthcheck,
            b"LABEL" => Kind::Label,
            b"MAINTAINER" => Kind::Maintainer,
            b"ONBUILD" => Kind::Onbuild,
            b"RUN" => Kind::Run,
            b"SHELL" => Kind::Shell,
            b"STOPSIGNAL" => Kind::Stopsignal,
            b"USER" => Kind::User,
            b"VOLUME" => Kind::Volume,
            b"WORKDIR" => Kind::Workdir,
            _ => Kind::Unknown,
        }
    }
}

/// A heredoc attached to an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub name: String,
    /// The body as written, with its line endings, tabs not stripped.
    pub content: String,
    /// `<<-`: leading tabs are stripped when the build uses the body.
    pub chomp: bool,
    /// False when the name was quoted: no variable expansion in the body.
    pub expand: bool,
    /// File descriptor written before `<<`, 0 if none.
    pub fd: u32,
}

/// A flag such as `--from=builder` or `--link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag<'a> {
    /// The name without dashes (`from`).
    pub name: &'a str,
    /// The value after `=`, if any.
    pub value: Option<&'a str>,
}

/// An instruction: its tokens and what BuildKit reads from them.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub(crate) meaning: Meaning,
    /// The kind the keyword names, read once.
    pub(crate) kind: Kind,
    pub(crate) tokens: Vec<Token>,
    pub(crate) heredocs: Vec<Heredoc>,
    /// Byte offset of the keyword in the arena.
    pub(crate) keyword_at: usize,
    /// Byte offsets of the heredoc markers, for heredoc errors.
    pub(crate) marker_at: Vec<usize>,
}

impl Instruction {
    /// The keyword as written.
    pub fn keyword(&self) -> &str {
        &self.meaning.keyword
    }

    /// Which instruction this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Flags as BuildKit reads them, quotes removed: `--from=x`.
    pub fn raw_flags(&self) -> &[String] {
        &self.meaning.flags
    }

    /// Flags split into name and value.
    pub fn flags(&self) -> impl Iterator<Item = Flag<'_>> {
        self.meaning.flags.iter().map(|f| {
            let f = f.trim_start_matches('-');
            match f.split_once('=') {
                Some((name, value)) => Flag {
                    name,
                    value: Some(value),
                },
                None => Flag {
                    name: f,
                    value: None,
                },
            }
        })
    }

    /// The value of the flag `name` (without dashes), if present.
    pub fn flag(&self, name: &str) -> Option<Option<&str>> {
        self.flags().find(|f| f.name == name).map(|f| f.value)
    }

    /// BuildKit's argument list: exec-form items; one string for shell
    /// form; words for FROM, EXPOSE, COPY, ADD, VOLUME and ARG; key, value,
    /// value pairs for ENV and LABEL; for HEALTHCHECK the type first.
    /// For ONBUILD, the wrapped instruction's arguments.
    pub fn args(&self) -> &[String] {
        &self.meaning.value
    }

    /// True for exec (JSON array) form.
    pub fn is_exec_form(&self) -> bool {
        self.meaning.json
    }

    /// Heredocs in the order they were announced.
    pub fn heredocs(&self) -> &[Heredoc] {
        &self.heredocs
    }

    /// The keyword of the instruction ONBUILD wraps.
    pub fn onbuild_keyword(&self) -> Option<&str> {
        self.meaning.sub.as_ref().map(|s| s.keyword.as_str())
    }

    /// The flags of the instruction ONBUILD wraps.
    pub fn onbuild_flags(&self) -> Option<&[String]> {
        self.meaning.sub.as_ref().map(|s| s.flags.as_slice())
    }

    /// For FROM: the image reference.
    pub fn from_image(&self) -> Option<&str> {
        (self.kind() == Kind::From)
            .then(|| self.args().first().map(String::as_str))
            .flatten()
    }

    /// For FROM: the stage name after `AS`.
    pub fn stage_name(&self) -> Option<&str> {
        match (self.kind(), self.args()) {
            (Kind::From, [_, as_, name]) if as_.eq_ignore_ascii_case("as") => Some(name),
            _ => None,
        }
    }

    /// The tokens, in order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// True when the instruction ends in a line continuation that runs to
    /// the end of the file: any text placed after it would join it.
    pub fn continues_at_end(&self) -> bool {
        self.tokens
            .iter()
            .rev()
            .find(|t| {
                matches!(
                    t.kind,
                    TokenKind::Text | TokenKind::LineBreak | TokenKind::HeredocEnd
                )
            })
            .is_some_and(|t| t.kind == TokenKind::LineBreak)
    }
}

/// A line and column, both 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Where a node starts and ends (the end is its last character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Dockerfile {
    /// All top-level nodes in order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The bytes of a node or token range.
    pub fn text(&self, range: &Range<usize>) -> &str {
        &self.arena[range.clone()]
    }

    /// The bytes of node `i`.
    pub fn node_text(&self, i: usize) -> &str {
        self.text(&self.nodes[i].range)
    }

    /// The instructions with their node index.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &Instruction)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match &n.kind {
                NodeKind::Instruction(ins) => Some((i, ins.as_ref())),
                _ => None,
            })
    }

    /// The parser directives.
    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Directive(d) => Some(d),
            _ => None,
        })
    }

    /// The escape character in force (`\` or a backtick).
    pub fn escape(&self) -> char {
        self.escape
    }

    /// True when the input started with a UTF-8 byte-order mark.
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// `"\r\n"` when the file's first line ends that way, else `"\n"`.
    pub fn line_ending(&self) -> &'static str {
        let src = &self.arena[..self.source_len];
        match memchr::memchr(b'\n', src.as_bytes()) {
            Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// Where node `i` starts and ends in the parsed source. After edits,
    /// inserted nodes have no place in the source: print and parse again.
    pub fn span(&self, i: usize) -> Span {
        let node = &self.nodes[i];
        let src = &self.arena[..self.source_len];
        let start = match &node.kind {
            NodeKind::Instruction(ins) => ins.keyword_at,
            _ => node.range.start,
        };
        let text = self.text(&node.range);
        let last = node.range.start
            + text
                .trim_end_matches(['\n', '\r'])
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
        let pos = |off: usize| {
            let (line, column) = line_col(src, off);
            Pos { line, column }
        };
        Span {
            start: pos(start),
            end: pos(last),
        }
    }

    /// The node range that belongs with node `i` when it moves: the node
    /// itself and the comment lines directly above it.
    pub fn attached(&self, i: usize) -> Range<usize> {
        let mut start = i;
        while start > 0 && matches!(self.nodes[start - 1].kind, NodeKind::Comment) {
            start -= 1;
        }
        start..i + 1
    }
}

impl fmt::Display for Dockerfile {
    /// The file as text: the input itself when nothing was edited.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bom {
            f.write_str("\u{FEFF}")?;
        }
        for node in &self.nodes {
            f.write_str(&self.arena[node.range.clone()])?;
        }
        Ok(())
    }
}
