//! The `dockopt` command: argument parsing here, the work in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
