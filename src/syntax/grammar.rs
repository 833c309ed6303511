//! The pest parser generated from `grammar/dockerfile.pest`.

use pest_derive::Parser;

/// Physical layout of a Dockerfile: directives, comments, blank lines and
/// instructions with their continuations, every byte in one token.
#[derive(Parser)]
#[grammar = "../grammar/dockerfile.pest"]
pub(crate) struct LayoutParser;
