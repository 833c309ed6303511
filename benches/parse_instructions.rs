//! Parse cost in machine instructions, for `scripts/bench-parse-instructions.sh`
//! to count under callgrind: a measure that does not move with the load of
//! a shared machine, as wall time does.
//!
//! `parse_instructions PARSER ROUNDS` parses every file of ../shared/corpus
//! that both parsers accept ROUNDS times with PARSER (`dockopt` or
//! `parse-dockerfile`). The script subtracts a run of 0 rounds, which pays
//! only for loading the files. With other arguments (as `cargo bench` passes)
//! it does nothing.

mod common;

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (parser, rounds) = match args.as_slice() {
        [parser, rounds] => match rounds.parse::<usize>() {
            Ok(n) => (parser.as_str(), n),
            Err(_) => return,
        },
        _ => return,
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let texts = common::load(&root.join("../shared/corpus"));
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!("{} files, {bytes} bytes", texts.len());
    for _ in 0..rounds {
        for t in &texts {
            match parser {
                "dockopt" => {
                    std::hint::black_box(dockopt::syntax::parse(t).ok());
                }
                _ => {
                    std::hint::black_box(parse_dockerfile::parse(t).ok());
                }
            }
        }
    }
}
