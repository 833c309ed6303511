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
