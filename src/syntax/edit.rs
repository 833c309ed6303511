//! Editing the tree: insert, remove, move and replace whole nodes. Text that
//! an edit brings in is parsed first, so the tree stays a tree; every byte
//! of the nodes an edit does not touch stays as it was.

use std::ops::Range;

use super::error::ParseError;
use super::tree::{Dockerfile, Node, NodeKind, Token, TokenKind};

impl Dockerfile {
    /// Parses `text` (instructions, comments, blank lines) and inserts its
    /// nodes before node `at`. Line endings follow the file's; a missing
    /// final newline is added. Returns the indices of the new nodes.
    pub fn insert(&mut self, at: usize, text: &str) -> Result<Range<usize>, ParseError> {
        self.check_open_continuation(at)?;
        let nodes = self.parse_text(text)?;
        let n = nodes.len();
        let at = at.min(self.nodes.len());
        self.nodes.splice(at..at, nodes);
        self.end_lines_with_newlines();
        Ok(at..at + n)
    }

    /// Removes the nodes in `range` and returns them; they can be inserted
    /// again with [`Dockerfile::insert_nodes`].
    pub fn remove(&mut self, range: Range<usize>) -> Vec<Node> {
        let removed: Vec<Node> = self.nodes.drain(range).collect();
        self.end_lines_with_newlines();
        removed
    }

    /// Inserts nodes taken from this file (by [`Dockerfile::remove`]) before
    /// node `at`.
    pub fn insert_nodes(&mut self, at: usize, nodes: Vec<Node>) -> Range<usize> {
        let n = nodes.len();
        let at = at.min(self.nodes.len());
        self.nodes.splice(at..at, nodes);
        self.end_lines_with_newlines();
        at..at + n
    }

    /// Replaces node `i` with the nodes parsed from `text`.
    pub fn replace(&mut self, i: usize, text: &str) -> Result<Range<usize>, ParseError> {
        let nodes = self.parse_text(text)?;
        let n = nodes.len();
        self.nodes.splice(i..i + 1, nodes);
        self.end_lines_with_newlines();
        Ok(i..i + n)
    }

    /// Moves the nodes in `range` so that they stand before the node that is
    /// now at index `to` (or at the end). Returns their new indices.
    pub fn move_nodes(&mut self, range: Range<usize>, to: usize) -> Range<usize> {
        let len = range.len();
        let to = if to > range.start {
            to.saturating_sub(len).max(range.start)
        } else {
            to
        };
        let moved: Vec<Node> = self.nodes.drain(range).collect();
        self.insert_nodes(to, moved);
        to..to + len
    }

    /// Text inserted after an instruction whose line continuation runs to
    /// the end of the file would become part of it: refused.
    fn check_open_continuation(&self, at: usize) -> Result<(), ParseError> {
        let before = at
            .min(self.nodes.len())
            .checked_sub(1)
            .map(|i| &self.nodes[i]);
        match before {
            Some(n) if n.instruction().is_some_and(|i| i.continues_at_end()) => Err(ParseError {
                line: n.lines.0,
                column: 1,
                message: "this instruction's line continuation runs to the end of the file; text after it would join it".into(),
            }),
            _ => Ok(()),
        }
    }

    /// Parses `text` with this file's escape character and line endings,
    /// appending it to the arena.
    fn parse_text(&mut self, text: &str) -> Result<Vec<Node>, ParseError> {
        let eol = self.line_ending();
        let mut owned = text.replace("\r\n", "\n");
        if !owned.is_empty() && !owned.ends_with('\n') {
            owned.push('\n');
        }
        if eol == "\r\n" {
            owned = owned.replace('\n', "\r\n");
        }
        let base = self.arena.len();
        let nodes = super::parse_fragment(&owned, self.escape, base)?;
        self.arena.push_str(&owned);
        Ok(nodes)
    }

    /// Makes sure every node but the last ends its line, so that nodes
    /// moved next to each other do not run together.
    fn end_lines_with_newlines(&mut self) {
        let eol = self.line_ending();
        let last = self.nodes.len().saturating_sub(1);
        for i in 0..last {
            if self.node_text(i).ends_with('\n') {
                continue;
            }
            let old = self.nodes[i].range.clone();
            let base = self.arena.len();
            self.arena.extend_from_within(old.clone());
            self.arena.push_str(eol);
            let shift = |r: &mut Range<usize>| {
                *r = r.start - old.start + base..r.end - old.start + base;
            };
            let node = &mut self.nodes[i];
            shift(&mut node.range);
            node.range.end += eol.len();
            if let NodeKind::Instruction(ins) = &mut node.kind {
                ins.tokens.iter_mut().for_each(|t| shift(&mut t.range));
                ins.keyword_at = ins.keyword_at - old.start + base;
                ins.marker_at
                    .iter_mut()
                    .for_each(|m| *m = *m - old.start + base);
                let end = node.range.end;
                ins.tokens.push(Token {
                    kind: TokenKind::Newline,
                    range: end - eol.len()..end,
                });
            }
        }
    }
}
