//! The example at the top of every strategy's documentation is a real
//! rewrite: its input, rewritten in the build context it names, gives
//! exactly the output it shows.

use std::path::Path;

use dockopt::rewrite::{self, Outcome};

/// One documented example: context files, input and output.
struct Example {
    files: Vec<(String, String)>,
    input: String,
    output: String,
}

/// The `## Example` section of a module's `//!` documentation.
fn example(source: &str) -> Option<Example> {
    let doc: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.trim_start_matches("//!"))
        })
        .collect();
    let start = doc.iter().position(|l| *l == "## Example")?;
    let mut files = Vec::new();
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in &doc[start + 1..] {
        if line.starts_with("## ") && open.is_none() {
            break;
        }
        match (line.strip_prefix("```"), open.take()) {
            (Some(lang), None) => open = Some((lang.to_string(), Vec::new())),
            (Some(_), Some(block)) => blocks.push(block),
            (None, Some((lang, mut body))) => {
                body.push(line);
                open = Some((lang, body));
            }
            (None, None) => {}
        }
    }
    let mut dockerfiles = Vec::new();
    for (lang, body) in blocks {
        let text = body.iter().map(|l| format!("{l}\n")).collect::<String>();
        match lang.as_str() {
            "text" => {
                let (name, rest) = text.split_once(":\n")?;
                files.push((name.to_string(), rest.to_string()));
            }
            "dockerfile" => dockerfiles.push(text),
            _ => {}
        }
    }
    let [input, output] = <[String; 2]>::try_from(dockerfiles).ok()?;
    Some(Example {
        files,
        input,
        output,
    })
}

#[test]
fn every_strategy_example_is_the_real_output() {
    let mut checked = 0;
    for entry in glob("src/strategy") {
        let source = std::fs::read_to_string(&entry).expect("readable");
        if !source.contains("//! ## Example") {
            continue;
        }
        let ex = example(&source)
            .unwrap_or_else(|| panic!("{}: the example has no input and output", entry.display()));
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in &ex.files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
            std::fs::write(p, text).expect("write");
        }
        let df = dockopt::syntax::parse(&ex.input).expect("the example parses");
        match rewrite::rewrite_in(&df, Some(dir.path())).expect("rewrites") {
            Outcome::Rewritten { text, .. } => {
                assert_eq!(
                    text,
                    ex.output,
                    "{}: the documented output drifted",
                    entry.display()
                )
            }
            Outcome::Unchanged(why) => {
                panic!("{}: the example is left alone: {why}", entry.display())
            }
        }
        checked += 1;
    }
    // Every ecosystem strategy documents one.
    assert_eq!(checked, 10);
}

/// The `.rs` files below `dir`, in order.
fn glob(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
