//! A readable dump of the tree, for `dockopt parse --format tree` and for
//! snapshot tests: every node with its span, every token with its text.

use std::fmt::Write;

use super::tree::{Dockerfile, NodeKind, TokenKind};

/// One line per node, then what an instruction means and its tokens.
pub fn dump(df: &Dockerfile) -> String {
    let mut s = format!("escape {:?}", df.escape());
    if df.has_bom() {
        s.push_str(", byte-order mark");
    }
    s.push('\n');
    for (i, node) in df.nodes().iter().enumerate() {
        let span = df.span(i);
        let at = format!(
            "{}:{}-{}:{}",
            span.start.line, span.start.column, span.end.line, span.end.column
        );
        // Writing to a String cannot fail.
        let _ = match &node.kind {
            NodeKind::Directive(d) => writeln!(s, "{at} directive {} = {:?}", d.name, d.value),
            NodeKind::Comment => writeln!(s, "{at} comment {:?}", df.node_text(i)),
            NodeKind::Blank => writeln!(s, "{at} blank {:?}", df.node_text(i)),
            NodeKind::Instruction(ins) => {
                let form = if ins.is_exec_form() { "exec" } else { "shell" };
                let _ = writeln!(s, "{at} {:?} {} ({form} form)", ins.kind(), ins.keyword());
                if let Some(sub) = ins.onbuild_keyword() {
                    let _ = writeln!(s, "    wraps {sub}");
                }
                for f in ins.flags() {
                    let _ = writeln!(s, "    flag {} = {:?}", f.name, f.value);
                }
                for a in ins.args() {
                    let _ = writeln!(s, "    arg {a:?}");
                }
                if let Some(stage) = ins.stage_name() {
                    let _ = writeln!(s, "    stage {stage:?}");
                }
                for h in ins.heredocs() {
                    let _ = writeln!(
                        s,
                        "    heredoc {:?} chomp={} expand={} fd={} content={:?}",
                        h.name, h.chomp, h.expand, h.fd, h.content
                    );
                }
                for t in ins.tokens() {
                    let _ = writeln!(s, "    | {} {:?}", token_name(t.kind), df.text(&t.range()));
                }
                Ok(())
            }
        };
    }
    s
}

fn token_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Indent => "indent",
        TokenKind::Text => "text",
        TokenKind::LineBreak => "line-break",
        TokenKind::ContinuedComment => "continued-comment",
        TokenKind::ContinuedBlank => "continued-blank",
        TokenKind::Newline => "newline",
        TokenKind::HeredocBody => "heredoc-body",
        TokenKind::HeredocEnd => "heredoc-end",
    }
}
