//! Properties of the parser over generated input: it never panics, printing
//! the tree gives the input back, and an edit changes only what it touches.

use dockopt::syntax;
use proptest::prelude::*;

/// Pieces that Dockerfiles are made of, chosen to hit the tricky paths:
/// continuations, comments inside them, quotes, heredoc markers, escapes.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "FROM a",
        "RUN",
        "run",
        "COPY",
        "ENV",
        "LABEL",
        "ARG",
        "ONBUILD",
        "HEALTHCHECK",
        "CMD",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\\\n",
        "\\  \n",
        "\\\r\n",
        "`\n",
        "#",
        "# c\n",
        "\\",
        "\\\\",
        "`",
        "'",
        "\"",
        "=",
        "k=v",
        "a b",
        "--from=x",
        "--mount=type=cache",
        "--",
        "[",
        "]",
        "[\"a\"]",
        "[1]",
        "<<EOF",
        "<<-EOF",
        "<<'EOF'",
        "EOF",
        "\tEOF",
        "$X",
        "${Y:-z}",
        "é",
        "\u{a0}",
        "\u{feff}",
        "# escape=`\n",
        "# syntax=x\n",
        "NONE",
        "AS",
    ])
}

fn dockerfile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_dockerfiles_round_trip(src in dockerfile()) {
        if let Ok(df) = syntax::parse(&src) {
            prop_assert_eq!(df.to_string(), src);
        }
    }

    #[test]
    fn removing_an_instruction_leaves_the_others_alone(src in dockerfile(), pick in any::<usize>()) {
        let Ok(df) = syntax::parse(&src) else { return Ok(()) };
        let ids: Vec<usize> = df.instructions().map(|(i, _)| i).skip(1).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let victim = ids[pick % ids.len()];
        let mut edited = df.clone();
        edited.remove(victim..victim + 1);
        let again = syntax::parse(&edited.to_string()).unwrap();
        let before: Vec<String> = df
            .instructions()
            .filter(|(i, _)| *i != victim)
            .map(|(i, ins)| format!("{:?} {:?} {:?}", df.node_text(i).trim_end(), ins.args(), ins.heredocs()))
            .collect();
        let after: Vec<String> = again
            .instructions()
            .map(|(i, ins)| format!("{:?} {:?} {:?}", again.node_text(i).trim_end(), ins.args(), ins.heredocs()))
            .collect();
        prop_assert_eq!(before, after);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(df) = syntax::parse_bytes(&bytes) {
            let printed = df.to_string();
            prop_assert_eq!(printed.as_bytes(), &bytes[..]);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,300}") {
        if let Ok(df) = syntax::parse(&src) {
            prop_assert_eq!(df.to_string(), src);
        }
    }
}

/// The share of `n` generated inputs that parse, and of those with more
/// than one instruction (what the removal property needs).
fn shares(n: usize) -> (usize, usize) {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut parsed, mut several) = (0, 0);
    for _ in 0..n {
        let src = dockerfile()
            .new_tree(&mut runner)
            .expect("a generated input")
            .current();
        if let Ok(df) = syntax::parse(&src) {
            parsed += 1;
            if df.instructions().count() > 1 {
                several += 1;
            }
        }
    }
    (parsed * 100 / n, several * 100 / n)
}

/// The properties above skip inputs that do not parse; they prove
/// something only if most generated inputs do.
#[test]
fn most_generated_inputs_parse_and_have_instructions_to_remove() {
    let (parsed, several) = shares(2000);
    eprintln!("parsed {parsed}%, with several instructions {several}%");
    assert!(parsed >= 80, "only {parsed}% of generated inputs parse");
    assert!(several >= 50, "only {several}% have instructions to remove");
}
