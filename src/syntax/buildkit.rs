//! The BuildKit-compatible view of a parsed file: the JSON that
//! `dockopt parse --format json` prints, in the shape of BuildKit's own
//! parser as exposed by the `dockerfile` Python package.

use serde::Serialize;

use super::tree::{Dockerfile, Instruction};

/// One file in BuildKit's terms.
#[derive(Debug, Serialize)]
pub struct FileView<'a> {
    /// The path as given.
    pub file: &'a str,
    /// The instructions, in order.
    pub instructions: Vec<InstructionView<'a>>,
}

/// One instruction in BuildKit's terms.
#[derive(Debug, Serialize)]
pub struct InstructionView<'a> {
    /// The keyword, upper-cased.
    pub cmd: String,
    /// For ONBUILD, the wrapped keyword, upper-cased.
    pub sub_cmd: Option<String>,
    /// Exec form.
    pub json: bool,
    /// First line, heredoc bodies included in the range.
    pub start_line: usize,
    /// Last line.
    pub end_line: usize,
    /// Flags as BuildKit unquotes them.
    pub flags: Vec<&'a str>,
    /// BuildKit's value list.
    pub value: Vec<&'a str>,
    /// Heredocs (empty for ONBUILD: BuildKit reports them on the wrapper).
    pub heredocs: Vec<HeredocView<'a>>,
}

/// A heredoc in BuildKit's terms.
#[derive(Debug, Serialize)]
pub struct HeredocView<'a> {
    /// Terminator.
    pub name: &'a str,
    /// Body as written.
    pub content: &'a str,
}

/// BuildKit's view of `df`, reported under the name `file`.
pub fn view<'a>(file: &'a str, df: &'a Dockerfile) -> FileView<'a> {
    let instructions = df
        .instructions()
        .map(|(i, ins)| instruction_view(ins, df.nodes()[i].lines))
        .collect();
    FileView { file, instructions }
}

fn instruction_view(ins: &Instruction, lines: (usize, usize)) -> InstructionView<'_> {
    let sub_cmd = ins.onbuild_keyword().map(|k| up_to_nul(k).to_uppercase());
    let heredocs = if sub_cmd.is_some() {
        Vec::new()
    } else {
        ins.heredocs()
            .iter()
            .map(|h| HeredocView {
                name: up_to_nul(&h.name),
                content: up_to_nul(&h.content),
            })
            .collect()
    };
    InstructionView {
        cmd: up_to_nul(ins.keyword()).to_uppercase(),
        sub_cmd,
        json: ins.is_exec_form(),
        start_line: lines.0,
        end_line: lines.1,
        flags: ins.raw_flags().iter().map(|s| up_to_nul(s)).collect(),
        value: ins.args().iter().map(|s| up_to_nul(s)).collect(),
        heredocs,
    }
}

/// The text before the first NUL. The `dockerfile` package that exposes
/// BuildKit's parser to Python hands strings over as C strings, which end
/// at a NUL; this view matches it. The tree keeps the whole string.
fn up_to_nul(s: &str) -> &str {
    s.split('\0').next().unwrap_or(s)
}
