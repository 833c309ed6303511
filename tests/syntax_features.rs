//! Snapshot tests of the syntax tree, one per feature of the Dockerfile
//! reference. Each input is written here from the reference; each snapshot
//! shows the input (as its description) and the tree dockopt reads from it.
//! Every case also checks that printing the tree gives the input back.

use dockopt::syntax;

/// Parses `src`, checks the round trip, and snapshots the tree.
fn check(name: &str, src: &str) {
    let df = syntax::parse(src).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        df.to_string(),
        src,
        "{name}: printing the tree changed the text"
    );
    insta::with_settings!({ description => src, omit_expression => true }, {
        insta::assert_snapshot!(name, syntax::dump(&df));
    });
}

#[test]
fn directives() {
    check(
        "directive_syntax_and_escape",
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCOPY testfile.txt C:\\\nRUN dir `\n    C:\\\n",
    );
    check(
        "directive_check_and_spacing",
        "  #  Check = skip=JSONArgsRecommended  \n#syntax=x\nFROM a\n",
    );
    check(
        "directive_ends_at_first_other_line",
        "# syntax=x\n\n# escape=`\nFROM a\nRUN echo `\n",
    );
    check(
        "directive_ends_at_unknown_name",
        "# foo=bar\n# escape=`\nFROM a\n",
    );
}

#[test]
fn continuations() {
    check(
        "continuation_with_comments_and_blank_lines",
        "FROM a\nRUN apt-get update \\\n    # pinned on purpose\n\n    && apt-get install -y curl \\\n  \n    && rm -rf /var/lib/apt/lists/*\n",
    );
    check(
        "continuation_trailing_spaces_after_escape",
        "FROM a\nRUN echo one \\   \n    two \\\t\n    three\n",
    );
    check("continuation_at_end_of_file", "FROM a\nRUN echo \\");
    check(
        "double_escape_is_not_a_continuation",
        "FROM a\nRUN echo C:\\\\\nRUN next\n",
    );
    check("continuation_line_alone_before_instruction", "\\\nFROM a\n");
    // A continued line that starts with a letter outside ASCII is text (a
    // grammar once took `é` and the newline after it for whitespace, and
    // the instruction ran on over the blank line into the next one); one of
    // Unicode's spaces alone on a line is a blank line.
    check(
        "continuation_into_non_ascii_text",
        "FROM a\nRUN echo \\\n\u{e9}\n\nCMD b\n",
    );
    check(
        "continuation_over_a_line_of_unicode_space",
        "FROM a\nRUN echo \\\n\u{3000}\n  x\n",
    );
}

#[test]
fn from() {
    check(
        "from_platform_and_stage",
        "FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build\nfrom alpine:3.20 as final\n",
    );
    check(
        "from_arg_templated_and_digest",
        "ARG PY=3.12\nFROM python:${PY}-slim@sha256:0123abcd\n",
    );
}

#[test]
fn run() {
    check(
        "run_flags",
        "FROM a\nRUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=npmrc,dst=/root/.npmrc \\\n    --network=none --security=insecure --device=gpu pip install -r requirements.txt\n",
    );
    check(
        "run_exec_and_shell_forms",
        "FROM a\nRUN [\"/bin/sh\", \"-c\", \"echo hi\"]\nRUN echo \"$HOME\" && ls ${DIR:-/tmp} ${X:+set}\n",
    );
    check(
        "run_invalid_json_falls_back_to_shell",
        "FROM a\nRUN [\"echo\", 'single quotes']\nCMD [\"unterminated\"\nENTRYPOINT [\"trailing\",]\n",
    );
}

#[test]
fn cmd_entrypoint_shell() {
    check(
        "cmd_entrypoint_shell",
        "FROM a\nSHELL [\"powershell\", \"-Command\"]\nENTRYPOINT [\"python\"]\nCMD [\"app.py\", \"--port\", \"5000\"]\ncmd echo shell form\n",
    );
    check(
        "exec_form_escapes",
        "FROM a\nCMD [\"a\\tb\", \"\\u00e9\", \"q\\\"q\"]\n",
    );
}

#[test]
fn env_label_arg() {
    check(
        "env_pairs_quotes_and_escapes",
        "FROM a\nENV A=1 B=\"two words\" C=three\\ words D='single'\nENV PATH=/opt/venv/bin:$PATH\n",
    );
    check(
        "env_legacy_form",
        "FROM a\nENV JAVA_HOME /usr/lib/jvm/java 17\n",
    );
    check(
        "label_pairs",
        "FROM a\nLABEL org.opencontainers.image.title=\"dockopt demo\" \\\n      version=1.0 \"quoted key\"=v\n",
    );
    check(
        "arg_forms",
        "ARG BASE=python:3.12\nARG NO_DEFAULT\nFROM ${BASE}\nARG A=1 B C=\"x y\"\n",
    );
}

#[test]
fn small_instructions() {
    check(
        "expose_volume_user_workdir_stopsignal_maintainer",
        "FROM a\nEXPOSE 80 443/tcp 53/udp\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /cache /tmp\nUSER app:app\nWORKDIR /srv/app\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane Doe <jane@example.com>\n",
    );
}

#[test]
fn healthcheck() {
    check(
        "healthcheck_forms",
        "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"/bin/check\", \"--quiet\"]\n",
    );
}

#[test]
fn onbuild() {
    check(
        "onbuild_wraps_instructions",
        "FROM a\nONBUILD COPY --chown=app . /app\nONBUILD RUN [\"make\"]\nonbuild run <<EOF\necho hi\nEOF\n",
    );
}

#[test]
fn copy_add() {
    check(
        "copy_add_every_flag",
        "FROM a\nCOPY --from=builder --chown=1000:1000 --chmod=755 --link /out/app /usr/local/bin/app\nCOPY --parents --exclude=*.pyc src/**/*.py /app/\nADD --checksum=sha256:abc123 https://example.com/x.tgz /x.tgz\nADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14 /bk\nADD --unpack=true archive.tar /opt/\nCOPY [\"with space.txt\", \"/dst/\"]\n",
    );
    check(
        "copy_from_external_image",
        "FROM python:3.12\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv\n",
    );
}

#[test]
fn unknown_and_case() {
    check(
        "unknown_instruction_and_keyword_case",
        "from a\nRuN echo mixed\nFOO bar baz\nwOrKdIr /x\n",
    );
}

#[test]
fn heredocs() {
    check(
        "heredoc_run_basic",
        "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
    );
    check(
        "heredoc_chomp_strips_tabs_from_terminator",
        "FROM a\nRUN <<-EOT\n\techo indented\n\tEOT\n",
    );
    check(
        "heredoc_quoted_delimiters",
        "FROM a\nRUN <<\"EOF\"\necho $NOT_EXPANDED\nEOF\nRUN <<'EOF'\necho '$x'\nEOF\n",
    );
    check(
        "heredoc_several_in_one_instruction",
        "FROM a\nCOPY <<one.txt <<two.txt /dst/\nfirst\none.txt\nsecond\ntwo.txt\n",
    );
    check(
        "heredoc_copy_add_with_program",
        "FROM a\nCOPY --chmod=755 <<EOF /usr/local/bin/hello\n#!/bin/sh\necho hello\nEOF\nADD <<EOF /etc/motd\nwelcome\nEOF\nRUN python3 <<PY > /out.txt\nprint('x')\nPY\n",
    );
    check(
        "heredoc_lookalikes_are_text",
        "FROM a\nRUN echo \"<<EOF\" && cat<<EOF\nRUN [\"cat\", \"<<EOF\"]\nENV X=<<EOF\n",
    );
    check(
        "heredoc_terminator_must_be_whole_line",
        "FROM a\nRUN <<EOF bash\necho EOF\n  EOF\nEOF\n",
    );
}

#[test]
fn variables_are_kept_as_written() {
    check(
        "variables_kept",
        "ARG V=1\nFROM img:${V}\nENV A=$B C=${D} E=${F:-x} G=${H:+y}\nRUN echo $A ${C}\n",
    );
}

#[test]
fn bytes_and_whitespace() {
    check(
        "bom_crlf_tabs",
        "\u{feff}# syntax=docker/dockerfile:1\r\nFROM\ta\r\nRUN echo a \\\r\n\tb\r\n",
    );
    check("no_final_newline", "FROM a\nCMD [\"x\"]");
    check("trailing_whitespace", "FROM a   \nRUN echo hi\t \n  \n");
    check(
        "non_ascii_text",
        "FROM a\nLABEL description=\"Café ☕ — 日本語\"\nRUN echo 'ñ' # not a comment\n",
    );
}
