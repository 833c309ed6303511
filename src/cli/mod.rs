//! Command-line interface: one module per subcommand.

mod configs;
mod explain;
mod files;
mod input;
mod parse;
mod rewrite;
mod verify;
mod write;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status: everything went as asked.
pub const EXIT_OK: u8 = 0;
/// Exit status: an input could not be read or parsed, or the usage was wrong.
pub const EXIT_ERROR: u8 = 2;

/// Rewrites single-stage Dockerfiles into a builder stage and a slim
/// runtime stage, and shows the change as a reviewable diff.
#[derive(Debug, Parser)]
#[command(name = "dockopt", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Rewrite(rewrite::Args),
    Explain(explain::Args),
    Verify(verify::Args),
    Parse(parse::Args),
}

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Rewrite(args) => rewrite::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Parse(args) => parse::run(&args),
    };
    ExitCode::from(code)
}
