//! The `dockopt` command: argument parsing here, the work in the library.

mod cli;

/// mimalloc instead of glibc's allocator: the rewriter makes many small
/// short-lived strings and vectors per file, and glibc's malloc and free were
/// a fifth of a batch run's instructions (callgrind, `scripts/bench-tree.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
