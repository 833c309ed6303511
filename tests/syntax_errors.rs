//! Invalid Dockerfiles: each is rejected with BuildKit's reason, the file,
//! line and column, the offending line and a caret under the column.

use dockopt::syntax;

/// Parses `src`, expects an error, and snapshots it as a user sees it.
fn check(name: &str, src: &[u8]) {
    let err = match syntax::parse_bytes(src) {
        Ok(df) => panic!("{name}: expected an error, got\n{}", syntax::dump(&df)),
        Err(e) => e,
    };
    let shown = err.render("Dockerfile", &String::from_utf8_lossy(src));
    insta::with_settings!({ description => String::from_utf8_lossy(src), omit_expression => true }, {
        insta::assert_snapshot!(name, shown);
    });
}

#[test]
fn instruction_errors() {
    check("env_without_value", b"FROM a\nENV JUST_A_NAME\n");
    check("env_pair_without_equals", b"FROM a\nENV A=1 B\n");
    check("label_without_value", b"FROM a\nLABEL solo\n");
    check(
        "exec_form_with_non_strings",
        b"FROM a\nCMD [\"python\", 3]\n",
    );
    check(
        "error_column_after_continuation",
        b"FROM a\nENV \\\n    ONLY_KEY\n",
    );
}

#[test]
fn heredoc_errors() {
    check("unterminated_heredoc", b"FROM a\nRUN cat <<EOF\nhello\n");
    check(
        "unterminated_second_heredoc",
        b"FROM a\nCOPY <<A <<B /x\na\nA\nb\n",
    );
}

#[test]
fn directive_errors() {
    check("duplicate_directive", b"# syntax=a\n# syntax=b\nFROM x\n");
    check("invalid_escape_token", b"# escape=!\nFROM x\n");
}

#[test]
fn file_errors() {
    check("empty_file", b"");
    check(
        "only_comments",
        b"# syntax=docker/dockerfile:1\n# nothing else\n\n",
    );
    check("not_utf8", b"FROM a\nRUN echo \xff\xfe\n");
    check("binary_junk", b"\x00\x01\x02\x89PNG\r\n\x1a\n\xff");
}

#[test]
fn long_lines_are_cut_around_the_caret() {
    let src = format!("FROM a\nENV {}\n", "K".repeat(500));
    check("long_line", src.as_bytes());
}
