//! The editing API: inserted, removed, moved and replaced nodes change only
//! what they touch; every other byte stays as it was.

use dockopt::syntax::{self, Kind};

const SRC: &str = "# syntax=docker/dockerfile:1\r\nFROM python:3.12\r\n# install deps\r\nRUN pip install \\\r\n    flask\r\n\r\nCOPY . /app\r\nCMD [\"python\", \"app.py\"]";

fn index_of(df: &syntax::Dockerfile, kind: Kind) -> usize {
    df.instructions()
        .find(|(_, ins)| ins.kind() == kind)
        .map(|(i, _)| i)
        .expect("instruction present")
}

#[test]
fn insert_follows_the_files_line_endings_and_escape() {
    let mut df = syntax::parse(SRC).unwrap();
    let at = index_of(&df, Kind::Copy);
    let added = df.insert(at, "ENV A=1 \\\n    B=2\n").unwrap();
    assert_eq!(added.len(), 1);
    let out = df.to_string();
    assert!(
        out.contains("\r\n\r\nENV A=1 \\\r\n    B=2\r\nCOPY . /app\r\n"),
        "{out:?}"
    );
    // The result parses, and the new instruction reads as written.
    let again = syntax::parse(&out).unwrap();
    let env = again
        .instructions()
        .find(|(_, i)| i.kind() == Kind::Env)
        .unwrap()
        .1;
    assert_eq!(env.args(), ["A", "1", "B", "2"]);
}

#[test]
fn remove_and_replace_touch_only_their_nodes() {
    let mut df = syntax::parse(SRC).unwrap();
    let run = index_of(&df, Kind::Run);
    let with_comment = df.attached(run);
    assert_eq!(with_comment.len(), 2, "the comment above RUN belongs to it");
    df.remove(with_comment);
    let from = index_of(&df, Kind::From);
    df.replace(from, "FROM python:3.12-slim\n").unwrap();
    assert_eq!(
        df.to_string(),
        "# syntax=docker/dockerfile:1\r\nFROM python:3.12-slim\r\n\r\nCOPY . /app\r\nCMD [\"python\", \"app.py\"]"
    );
}

#[test]
fn moving_the_last_line_adds_the_newline_it_lacked() {
    let mut df = syntax::parse(SRC).unwrap();
    let cmd = index_of(&df, Kind::Cmd);
    let copy = index_of(&df, Kind::Copy);
    df.move_nodes(cmd..cmd + 1, copy);
    let out = df.to_string();
    assert!(
        out.ends_with("CMD [\"python\", \"app.py\"]\r\nCOPY . /app\r\n"),
        "{out:?}"
    );
    let again = syntax::parse(&out).unwrap();
    let kinds: Vec<Kind> = again.instructions().map(|(_, i)| i.kind()).collect();
    assert_eq!(kinds, [Kind::From, Kind::Run, Kind::Cmd, Kind::Copy]);
}

#[test]
fn insert_rejects_text_that_does_not_parse() {
    let mut df = syntax::parse(SRC).unwrap();
    let err = df.insert(1, "ENV NO_VALUE\n").unwrap_err();
    assert_eq!(err.message, "ENV must have two arguments");
    assert_eq!(df.to_string(), SRC, "a failed edit changes nothing");
}

#[test]
fn spans_point_at_keywords() {
    let df = syntax::parse("FROM a\n  run echo \\\n    hi\n").unwrap();
    let run = index_of(&df, Kind::Run);
    let span = df.span(run);
    assert_eq!((span.start.line, span.start.column), (2, 3));
    assert_eq!((span.end.line, span.end.column), (3, 6));
}
