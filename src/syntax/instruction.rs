//! What an instruction means: keyword, flags and arguments read from its
//! joined text exactly as BuildKit's parser reads them.
//!
//! Each function here ports one piece of BuildKit's
//! `frontend/dockerfile/parser` (v0.12): `splitCommand`,
//! `extractBuilderFlags`, and the per-instruction argument readers
//! (`parseMaybeJSON`, `parseNameVal`, `parseWords`...). Their quirks are kept
//! on purpose: trailing text after an exec-form array is ignored, legacy
//! `ENV k v` keeps everything after the key as one value, and so on.

/// An instruction's meaning, as BuildKit's parser would report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meaning {
    /// The keyword as written (`run`, `FROM`, or an unknown word).
    pub keyword: String,
    /// Flags before the arguments, as BuildKit unquotes them (`--from=x`).
    pub flags: Vec<String>,
    /// BuildKit's argument list (see `Instruction::value`).
    pub value: Vec<String>,
    /// True for exec form (a JSON array of strings).
    pub json: bool,
    /// The wrapped instruction of an `ONBUILD`.
    pub sub: Option<Box<Meaning>>,
    /// Byte offset, in the joined text, where the arguments start.
    pub args_offset: usize,
}

/// An error in an instruction's text: BuildKit's message, and where in the
/// joined text it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MeaningError {
    pub message: String,
    pub offset: usize,
}

/// Whitespace in BuildKit's `reWhitespace` (`[\t\v\f\r ]+`).
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\x0B' | '\x0C' | '\r' | ' ')
}

/// Reads one instruction's joined text (BuildKit's `newNodeFromLine`).
pub(crate) fn meaning(line: &str, escape: char) -> Result<Meaning, MeaningError> {
    let lead = line.len() - line.trim_start().len();
    let trimmed = line.trim();
    let (keyword, rest_at) = match trimmed.find(is_re_space) {
        Some(i) => {
            let after = &trimmed[i..];
            let skip = after.len() - after.trim_start_matches(is_re_space).len();
            (&trimmed[..i], Some(lead + i + skip))
        }
        None => (trimmed, None),
    };
    let (flags, args, args_offset) = match rest_at {
        Some(at) => {
            let (flags, args_at) = extract_flags(&line[at..lead + trimmed.len()]);
            let raw = &line[at + args_at..lead + trimmed.len()];
            let args = raw.trim();
            let offset = at + args_at + (raw.len() - raw.trim_start().len());
            (flags, args, offset)
        }
        None => (Vec::new(), "", line.len()),
    };
    let err = |message: String| MeaningError {
        message,
        offset: args_offset,
    };
    let err_at = |(message, at): (String, usize)| MeaningError {
        message,
        offset: args_offset + at,
    };
    let mut meaning = Meaning {
        keyword: keyword.to_string(),
        flags,
        value: Vec::new(),
        json: false,
        sub: None,
        args_offset,
    };
    let mut buf = [0u8; 11];
    match lowercase_keyword(keyword, &mut buf) {
        "add" | "copy" | "volume" => {
            (meaning.value, meaning.json) = maybe_json_to_list(args).map_err(err)?
        }
        "cmd" | "entrypoint" | "run" | "shell" => {
            (meaning.value, meaning.json) = maybe_json(args).map_err(err)?
        }
        "arg" => meaning.value = words(args, escape),
        "env" => meaning.value = name_val(args, "ENV", escape).map_err(err_at)?,
        "label" => meaning.value = name_val(args, "LABEL", escape).map_err(err_at)?,
        "expose" | "from" => meaning.value = whitespace_delimited(args),
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            if !args.is_empty() {
                meaning.value = vec![args.to_string()];
            }
        }
        "healthcheck" => (meaning.value, meaning.json) = health(args).map_err(err)?,
        "onbuild" => {
            if !args.is_empty() {
                let mut sub = self::meaning(args, escape).map_err(|mut e| {
                    e.offset += args_offset;
                    e
                })?;
                sub.args_offset += args_offset;
                meaning.value = sub.value.clone();
                meaning.json = sub.json;
                meaning.sub = Some(Box::new(sub));
            }
        }
        // BuildKit's parser keeps unknown instructions with one empty value;
        // the build, not the parser, rejects them.
        _ => meaning.value = vec![String::new()],
    }
    Ok(meaning)
}

/// The keyword in lower case, written into `buf` (no allocation per
/// instruction); a word longer than any keyword comes back empty.
fn lowercase_keyword<'b>(keyword: &str, buf: &'b mut [u8; 11]) -> &'b str {
    let Some(out) = buf.get_mut(..keyword.len()) else {
        return "";
    };
    out.copy_from_slice(keyword.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

impl Meaning {
    /// True when this instruction (or the one `ONBUILD` wraps) may announce
    /// heredocs: shell-form RUN, COPY and ADD.
    pub(crate) fn can_contain_heredoc(&self) -> bool {
        let inner = self.sub.as_deref().unwrap_or(self);
        ["run", "copy", "add"]
            .iter()
            .any(|k| inner.keyword.eq_ignore_ascii_case(k))
            && !inner.json
    }
}

/// Flags at the start of the arguments (`extractBuilderFlags`): returns them
/// and the byte offset where the arguments begin. Works byte by byte, as
/// BuildKit does, so quotes and backslashes inside a flag are removed.
fn extract_flags(line: &str) -> (Vec<String>, usize) {
    let mut r = FlagReader {
        line,
        b: line.as_bytes(),
        pos: 0,
        words: Vec::new(),
        word: Vec::new(),
        blank_ok: false,
    };
    loop {
        if let Some(end) = r.spaces().or_else(|| r.flag()) {
            return (r.words, end);
        }
    }
}

/// BuildKit's flag reading, one phase a method: the spaces between flags,
/// a flag's word, and quotes inside it.
struct FlagReader<'a> {
    line: &'a str,
    b: &'a [u8],
    pos: usize,
    /// The flags read so far.
    words: Vec<String>,
    /// The flag being read.
    word: Vec<u8>,
    /// The flag had quotes, so it counts even when empty.
    blank_ok: bool,
}

impl FlagReader<'_> {
    /// Go's unicode.IsSpace on a byte: ASCII whitespace, and also 0x85 and
    /// 0xA0, which in UTF-8 text are the last byte of some characters
    /// (NBSP, `à`). Followed where the split falls between characters.
    fn is_space(&self, pos: usize) -> bool {
        match self.b[pos] {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => true,
            0x85 | 0xA0 => self.line.is_char_boundary(pos + 1),
            _ => false,
        }
    }

    /// Skips spaces; where the arguments begin when no flag (`--`) starts
    /// next, or None at the start of one.
    fn spaces(&mut self) -> Option<usize> {
        while self.pos < self.b.len() && self.is_space(self.pos) {
            self.pos += 1;
        }
        let flag = self.b.get(self.pos) == Some(&b'-') && self.b.get(self.pos + 1) == Some(&b'-');
        (!flag).then_some(self.pos)
    }

    /// Reads one flag up to a space; where the arguments begin when the
    /// input ends or the flag is a bare `--`, or None to read on.
    fn flag(&mut self) -> Option<usize> {
        loop {
            if self.pos == self.b.len() {
                if self.word != b"--" && (self.blank_ok || !self.word.is_empty()) {
                    self.words.push(latin1(&self.word));
                }
                return Some(self.b.len());
            }
            let c = self.b[self.pos];
            if self.is_space(self.pos) {
                if self.word == b"--" {
                    return Some(self.pos);
                }
                if self.blank_ok || !self.word.is_empty() {
                    self.words.push(latin1(&self.word));
                }
                self.word.clear();
                self.blank_ok = false;
                self.pos += 1;
                return None;
            }
            if c == b'\'' || c == b'"' {
                self.blank_ok = true;
                self.pos += 1;
                self.quoted(c);
                continue;
            }
            self.push_escaped(c);
        }
    }

    /// Reads inside quotes up to the closing `quote` (or the input's end).
    fn quoted(&mut self, quote: u8) {
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c == quote {
                self.pos += 1;
                return;
            }
            if c == b'\\' && self.pos + 1 == self.b.len() {
                self.pos += 1;
                return;
            }
            self.push_escaped(c);
        }
    }

    /// Adds byte `c` at the position to the flag, or after a backslash the
    /// byte it escapes (a backslash at the very end is dropped).
    fn push_escaped(&mut self, c: u8) {
        if c == b'\\' {
            self.pos += 1;
            if self.pos == self.b.len() {
                return;
            }
        }
        self.word.push(self.b[self.pos]);
        self.pos += 1;
    }
}

/// BuildKit appends each byte as a rune: bytes above 0x7f become Latin-1
/// characters, which is what its flags then hold.
fn latin1(w: &[u8]) -> String {
    w.iter().map(|&c| c as char).collect()
}

/// Exec form if the text is a JSON array of strings (`parseJSON`). `Ok(None)`
/// when it is not JSON at all; `Err` when it is an array of non-strings.
fn json_array(rest: &str) -> Result<Option<Vec<String>>, String> {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return Ok(None);
    }
    // Like Go's json.Decoder: the first value counts, trailing text does not.
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    let Some(Ok(serde_json::Value::Array(items))) = stream.next() else {
        return Ok(None);
    };
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => {
                Err("when using JSON array syntax, arrays must be comprised of strings only".into())
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// RUN, CMD, ENTRYPOINT, SHELL: exec form, else the whole text as one value.
fn maybe_json(rest: &str) -> Result<(Vec<String>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    Ok(match json_array(rest)? {
        Some(v) => (v, true),
        None => (vec![rest.to_string()], false),
    })
}

/// COPY, ADD, VOLUME: exec form, else words split on whitespace.
fn maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), String> {
    Ok(match json_array(rest)? {
        Some(v) => (v, true),
        None => (whitespace_delimited(rest), false),
    })
}

/// FROM, EXPOSE and list forms: split on `[\t\v\f\r ]+`.
fn whitespace_delimited(rest: &str) -> Vec<String> {
    if rest.is_empty() {
        return Vec::new();
    }
    rest.split(is_re_space)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// HEALTHCHECK: the type (`CMD`, `NONE`) then a RUN-like command.
fn health(rest: &str) -> Result<(Vec<String>, bool), String> {
    let sep = rest
        .bytes()
        .position(|c| c.is_ascii_whitespace() || c == 0x0B)
        .unwrap_or(rest.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let next = rest[sep..].trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0B');
    let (cmd, json) = maybe_json(next)?;
    let mut value = vec![rest[..sep].to_string()];
    value.extend(cmd);
    Ok((value, json))
}

/// ENV and LABEL (`parseNameVal`): `k=v` pairs, or the legacy `k v` form.
/// The value list holds key, value pairs.
fn name_val(rest: &str, key: &str, escape: char) -> Result<Vec<String>, (String, usize)> {
    let words = words_at(rest, escape);
    let Some((_, first)) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let mut parts = rest.splitn(2, is_re_space);
        let (Some(k), Some(v)) = (parts.next(), parts.next()) else {
            return Err((format!("{key} must have two arguments"), 0));
        };
        let v = v.trim_start_matches(is_re_space);
        return Ok(vec![k.to_string(), v.to_string()]);
    }
    let mut value = Vec::with_capacity(words.len() * 2);
    for (at, word) in words {
        let Some((k, v)) = word.split_once('=') else {
            let message = format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                go_quote(&word)
            );
            return Err((message, at));
        };
        value.extend([k.to_string(), v.to_string()]);
    }
    Ok(value)
}

/// Go's `%q` for the strings BuildKit quotes in its messages.
fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Words separated by whitespace outside quotes (`parseWords`), kept as
/// written: quotes and escapes stay in the word.
pub(crate) fn words(rest: &str, escape: char) -> Vec<String> {
    words_at(rest, escape).into_iter().map(|(_, w)| w).collect()
}

/// [`words`] with the byte offset where each word starts. A word is the
/// source text from its first character to its last (quotes and escapes are
/// kept), so it is sliced once rather than built a character at a time; only
/// an escape character that ends the text is left out.
fn words_at(rest: &str, escape: char) -> Vec<(usize, String)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    // The word read so far is rest[start..end]; `i` is the next character.
    let (mut start, mut end, mut i) = (0, 0, 0);
    loop {
        let next = char_at(rest, i);
        if phase == Phase::Spaces {
            match next {
                None => break,
                Some((c, n)) if c.is_whitespace() => {
                    i += n;
                    continue;
                }
                Some(_) => {
                    phase = Phase::Word;
                    (start, end) = (i, i);
                }
            }
        }
        let Some((c, n)) = next else {
            if blank_ok || end > start {
                words.push((start, rest[start..end].to_string()));
            }
            break;
        };
        i += n;
        if phase == Phase::Word && c.is_whitespace() {
            phase = Phase::Spaces;
            if blank_ok || end > start {
                words.push((start, rest[start..end].to_string()));
            }
            blank_ok = false;
            continue;
        }
        if phase == Phase::Word && (c == '\'' || c == '"') {
            quote = c;
            blank_ok = true;
            phase = Phase::Quote;
        } else if phase == Phase::Quote && c == quote {
            phase = Phase::Word;
        }
        // An escape takes the next character with it; one that ends the
        // text is dropped (and ends a quote).
        if c == escape && (phase == Phase::Word || quote != '\'') {
            match char_at(rest, i) {
                Some((_, m)) => {
                    i += m;
                    end = i;
                }
                None => phase = Phase::Word,
            }
            continue;
        }
        end = i;
    }
    words
}

/// The character at byte `i` of `s` and its length, ASCII without decoding.
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    match s.as_bytes().get(i) {
        None => None,
        Some(&b) if b.is_ascii() => Some((char::from(b), 1)),
        Some(_) => s.get(i..)?.chars().next().map(|c| (c, c.len_utf8())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: &str) -> Meaning {
        meaning(line, '\\').unwrap()
    }

    #[test]
    fn flags_are_unquoted_and_stop_at_double_dash() {
        let got = m(r#"RUN --mount=type=cache,target="/a b" -- x"#);
        assert_eq!(got.flags, ["--mount=type=cache,target=/a b"]);
        assert_eq!(got.value, ["x"]);
    }

    #[test]
    fn exec_form_ignores_trailing_text_and_rejects_numbers() {
        let got = m(r#"CMD ["a"] x"#);
        assert_eq!((got.value, got.json), (vec!["a".to_string()], true));
        assert!(meaning("CMD [1]", '\\').is_err());
        assert!(!m(r#"CMD ["a",]"#).json);
    }

    #[test]
    fn legacy_env_keeps_the_rest_as_one_value() {
        assert_eq!(m("ENV a  b  c").value, ["a", "b  c"]);
        assert_eq!(
            meaning("ENV a=1 b", '\\').unwrap_err().message,
            r#"Syntax error - can't find = in "b". Must be of the form: name=value"#
        );
    }
}
