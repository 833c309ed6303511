//! `dockopt parse`: show how dockopt (and BuildKit) read a Dockerfile.

use std::io::Write;

use clap::ValueEnum;
use dockopt::syntax::{self, Dockerfile, NodeKind, TokenKind};

use super::{EXIT_ERROR, EXIT_OK, input};

/// Print how dockopt reads Dockerfiles.
///
/// `json` prints one JSON document per file in the shape of BuildKit's own
/// parser (keys file, instructions; per instruction cmd, sub_cmd, json,
/// start_line, end_line, flags, value, heredocs). `source` prints the file
/// back from the syntax tree, byte for byte. `tree` shows every node and
/// token for people.
///
/// Exit status: 0 when every file parsed, 2 when any could not be read or
/// parsed (the others are still printed).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockopt parse Dockerfile\n  dockopt parse --format json Dockerfile | jq .\n  cat Dockerfile | dockopt parse --format source -"
)]
pub struct Args {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Tree)]
    format: Format,
    /// Dockerfiles to read; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// BuildKit-compatible JSON, one document per line.
    Json,
    /// The file printed back from the tree (equal to the input).
    Source,
    /// A readable dump of nodes and tokens.
    Tree,
}

/// Parses each file and prints it in the chosen format.
pub fn run(args: &Args) -> u8 {
    let mut status = EXIT_OK;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        let name = input::display_name(path);
        let bytes = match input::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {name}: cannot read: {e}");
                status = EXIT_ERROR;
                continue;
            }
        };
        let df = match syntax::parse_bytes(&bytes) {
            Ok(df) => df,
            Err(e) => {
                let src = String::from_utf8_lossy(&bytes);
                eprintln!("{}", e.render(name, &src));
                status = EXIT_ERROR;
                continue;
            }
        };
        let written = match args.format {
            Format::Json => serde_json::to_writer(&mut out, &syntax::buildkit::view(path, &df))
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out)),
            Format::Source => write!(out, "{df}"),
            Format::Tree => write!(out, "{}", tree_dump(name, &df)),
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return status;
            }
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    status
}

/// The `tree` format: one block per node, tokens listed under instructions.
fn tree_dump(name: &str, df: &Dockerfile) -> String {
    let mut s = format!("{name}: escape {:?}", df.escape());
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
        match &node.kind {
            NodeKind::Directive(d) => s += &format!("{at:<14} directive {}={}\n", d.name, d.value),
            NodeKind::Comment => s += &format!("{at:<14} comment {:?}\n", df.node_text(i).trim()),
            NodeKind::Blank => s += &format!("{at:<14} blank\n"),
            NodeKind::Instruction(ins) => {
                let form = if ins.is_exec_form() { "exec" } else { "shell" };
                s += &format!(
                    "{at:<14} {} ({:?}, {form} form)\n",
                    ins.keyword(),
                    ins.kind()
                );
                if let Some(sub) = ins.onbuild_keyword() {
                    s += &format!("{:14}   wraps {sub}\n", "");
                }
                for f in ins.flags() {
                    match f.value {
                        Some(v) => s += &format!("{:14}   flag {} = {v:?}\n", "", f.name),
                        None => s += &format!("{:14}   flag {}\n", "", f.name),
                    }
                }
                for a in ins.args() {
                    s += &format!("{:14}   arg {a:?}\n", "");
                }
                if let Some(stage) = ins.stage_name() {
                    s += &format!("{:14}   stage {stage}\n", "");
                }
                for h in ins.heredocs() {
                    let lines = h.content.lines().count();
                    s += &format!("{:14}   heredoc {} ({lines} lines)\n", "", h.name);
                }
                let tokens: Vec<String> = ins
                    .tokens()
                    .iter()
                    .map(|t| format!("{}({})", token_name(t.kind), df.text(&t.range()).len()))
                    .collect();
                s += &format!("{:14}   tokens {}\n", "", tokens.join(" "));
            }
        }
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
