//! Command-line interface: one module per subcommand.

/// Prints an error on standard error, `error:` in red where colour is on
/// (anstream follows NO_COLOR and CLICOLOR_FORCE).
macro_rules! error {
    ($($arg:tt)*) => {
        $crate::cli::print_labelled(anstyle::AnsiColor::Red, "error", &format!($($arg)*))
    };
}

/// Prints a warning on standard error, `warning:` in yellow.
macro_rules! warning {
    ($($arg:tt)*) => {
        $crate::cli::print_labelled(anstyle::AnsiColor::Yellow, "warning", &format!($($arg)*))
    };
}

mod configs;
mod explain;
mod files;
mod input;
mod parse;
mod rewrite;
mod rules;
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
#[command(
    name = "dockopt",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("DOCKOPT_COMMIT"), ")"),
    about,
    long_about = None
)]
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
    Rules(rules::ListArgs),
    Rule(rules::ShowArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Example:\n  dockopt completions bash > /etc/bash_completion.d/dockopt")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or a man folder.
    #[command(after_help = "Example:\n  dockopt man > /usr/local/share/man/man1/dockopt.1")]
    Man,
}

/// `label: message` on standard error, the label bold in `color`.
pub fn print_labelled(color: anstyle::AnsiColor, label: &str, message: &str) {
    let style = anstyle::Style::new().fg_color(Some(color.into())).bold();
    anstream::eprintln!(
        "{}{label}:{} {message}",
        style.render(),
        style.render_reset()
    );
}

/// Writes `bytes` to standard output; a reader that goes away (`| head`)
/// is not an error.
pub fn print_all(bytes: &[u8]) -> u8 {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            error!("cannot write output: {e}");
            EXIT_ERROR
        }
    }
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
        Command::Rules(args) => rules::list(&args),
        Command::Rule(args) => rules::show(&args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dockopt", &mut text);
            print_all(&text)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut text) {
                Ok(()) => print_all(&text),
                Err(e) => {
                    error!("cannot make the manual page: {e}");
                    EXIT_ERROR
                }
            }
        }
    };
    ExitCode::from(code)
}
