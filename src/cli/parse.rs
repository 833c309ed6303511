//! `dockopt parse`: show how dockopt (and BuildKit) read a Dockerfile.

use std::io::Write;

use clap::ValueEnum;
use dockopt::syntax;

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
                error!("{name}: cannot read: {e:#}");
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
            Format::Tree => write!(out, "{name}: {}", syntax::dump(&df)),
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return status;
            }
            error!("cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    status
}
