//! `dockopt parse` as a user runs it: formats, standard input, exit status,
//! and errors on standard error while the other files are still printed.

mod common;

use common::dockopt;

#[test]
fn source_format_gives_back_the_input_from_stdin() {
    let input = b"\xef\xbb\xbf# syntax=docker/dockerfile:1\r\nFROM a\r\nRUN echo \\\r\n  hi";
    let out = dockopt(&["parse", "--format", "source", "-"], input);
    assert!(out.status.success());
    assert_eq!(out.stdout, input);
}

#[test]
fn json_format_has_buildkits_shape() {
    let out = dockopt(
        &["parse", "--format", "json", "-"],
        b"FROM a AS b\nCOPY --from=b <<EOF /x\nhi\nEOF\n",
    );
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(
        doc,
        serde_json::json!({
            "file": "-",
            "instructions": [
                {"cmd": "FROM", "sub_cmd": null, "json": false, "start_line": 1, "end_line": 1,
                 "flags": [], "value": ["a", "AS", "b"], "heredocs": []},
                {"cmd": "COPY", "sub_cmd": null, "json": false, "start_line": 2, "end_line": 4,
                 "flags": ["--from=b"], "value": ["<<EOF", "/x"],
                 "heredocs": [{"name": "EOF", "content": "hi\n"}]}
            ]
        })
    );
}

#[test]
fn a_bad_file_exits_2_and_the_others_are_still_printed() {
    let out = dockopt(
        &[
            "parse",
            "--format",
            "source",
            "tests/fuzz-regressions/heredoc-marker-multibyte-2",
            "examples/flask/Dockerfile",
            "no/such/file",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("FROM python:3.9\n"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "error: tests/fuzz-regressions/heredoc-marker-multibyte-2:1:10: unterminated heredoc"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: no/such/file: cannot read:"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(dockopt(&["parse"], b"").status.code(), Some(2));
    assert_eq!(
        dockopt(&["parse", "--format", "yaml", "-"], b"")
            .status
            .code(),
        Some(2)
    );
    let help = dockopt(&["parse", "--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit status"));
}
