//! Which words of an instruction open a heredoc, and under what name.
//!
//! BuildKit decides this by splitting the whole instruction line into shell
//! words (quotes and backslashes kept as written, unset variables empty),
//! then matching each word against `^(\d*)<<(-?)([^<]*)$`. The name is the
//! rest of the word with its quotes removed; a quoted name turns variable
//! expansion in the body off. This module ports that lexer, so that
//! `RUN echo "<<EOF"` opens nothing and `RUN <<"EOF"` opens `EOF`.

/// A heredoc announced by an instruction, before its body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The terminator, quotes removed.
    pub name: String,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// False when any part of the name was quoted.
    pub expand: bool,
    /// The file descriptor before `<<` (0 when absent).
    pub fd: u32,
}

/// The heredocs that `line` (an instruction's joined text) announces, in
/// order. `Err` carries BuildKit's message for a malformed heredoc word.
pub(crate) fn markers(line: &str) -> Result<Vec<Marker>, String> {
    if !line.contains("<<") {
        return Ok(Vec::new());
    }
    // BuildKit ignores lexing errors here: such a line announces nothing.
    let Ok(words) = Lexer::new(line, true, true, true).words() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for word in words {
        if let Some(marker) = marker(&word)? {
            out.push(marker);
        }
    }
    Ok(out)
}

/// One word as a heredoc marker, if it is one.
fn marker(word: &str) -> Result<Option<Marker>, String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let words = Lexer::new(rest, false, false, true).words()?;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw = Lexer::new(rest, true, false, true).words()?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    let name = words.into_iter().next().unwrap_or_default();
    Ok(Some(Marker {
        expand: quotes(&name) == quotes(&raw[0]),
        name,
        chomp,
        fd: word[..digits].parse().unwrap_or(0),
    }))
}

/// BuildKit's shell-word lexer (frontend/dockerfile/shell), with no
/// variables set: enough to tell words apart the way BuildKit does.
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset: bool,
}

/// Words being collected: whitespace outside quotes separates them.
#[derive(Default)]
struct Words {
    words: Vec<String>,
    word: String,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }
    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }
    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }
    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }
    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

const ESCAPE: char = '\\';

impl Lexer {
    fn new(text: &str, raw_quotes: bool, raw_escapes: bool, skip_unset: bool) -> Self {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
            raw_quotes,
            raw_escapes,
            skip_unset,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn words(mut self) -> Result<Vec<String>, String> {
        self.process_stop_on(None).map(|(_, words)| words)
    }

    /// Reads up to `stop` (or the end), returning the text and its words.
    fn process_stop_on(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.pos += 1;
                return Ok((result, words.finish()));
            }
            match ch {
                '\'' => {
                    let s = self.single_quote()?;
                    result.push_str(&s);
                    words.add_raw_string(&s);
                }
                '"' => {
                    let s = self.double_quote()?;
                    result.push_str(&s);
                    words.add_raw_string(&s);
                }
                '$' => {
                    let s = self.dollar()?;
                    result.push_str(&s);
                    words.add_string(&s);
                }
                _ => {
                    self.pos += 1;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        let Some(escaped) = self.next() else { break };
                        words.add_raw_char(escaped);
                        result.push(escaped);
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let open = self.next().unwrap_or('\'');
        if self.raw_quotes {
            result.push(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let open = self.next().unwrap_or('"');
        if self.raw_quotes {
            result.push(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.pos += 1;
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let s = self.dollar()?;
                    result.push_str(&s);
                }
                Some(mut ch) => {
                    self.pos += 1;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c @ ('"' | '$' | ESCAPE)) => {
                                self.pos += 1;
                                ch = c;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// `$name`, `${name}` and `${name:-word}` forms, with no variable set.
    fn dollar(&mut self) -> Result<String, String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(if self.skip_unset {
                format!("${name}")
            } else {
                String::new()
            });
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.name();
        match self.next() {
            Some('}') => Ok(if self.skip_unset {
                format!("${{{name}}}")
            } else {
                String::new()
            }),
            Some('?') => {
                let (word, _) = self.process_stop_on(Some('}'))?;
                if self.skip_unset {
                    return Ok(format!("${{{name}?{word}}}"));
                }
                Err(format!("{name}: {word}"))
            }
            Some(':') => {
                let modifier = self.next();
                let (word, _) = self.process_stop_on(Some('}')).map_err(|e| {
                    if self.peek().is_none() {
                        "syntax error: missing '}'".to_string()
                    } else {
                        e
                    }
                })?;
                if self.skip_unset {
                    let m = modifier.map(String::from).unwrap_or_default();
                    return Ok(format!("${{{name}:{m}{word}}}"));
                }
                match modifier {
                    Some('+') => Ok(String::new()),
                    Some('-') => Ok(word),
                    Some('?') => Err(format!("{name}: {word}")),
                    Some(m) => Err(format!("unsupported modifier ({m}) in substitution")),
                    None => Err("syntax error: missing '}'".into()),
                }
            }
            _ => Err("missing ':' in substitution".into()),
        }
    }

    /// A variable name: letters, digits and `_`, or a special parameter.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return ch.to_string();
            }
            if !ch.is_alphanumeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.pos += 1;
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        markers(line).unwrap().into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn quoted_markers_are_not_heredocs() {
        assert_eq!(names(r#"RUN echo "<<EOF""#), Vec::<String>::new());
        assert_eq!(names("RUN echo '<<EOF'"), Vec::<String>::new());
        assert_eq!(names("RUN cat<<EOF"), Vec::<String>::new());
    }

    #[test]
    fn quoted_names_lose_their_quotes_and_expansion() {
        let m = markers(r#"RUN <<"EOF" <<E'N'D 3<<-X"#).unwrap();
        let got: Vec<_> = m
            .iter()
            .map(|m| (m.name.as_str(), m.expand, m.chomp, m.fd))
            .collect();
        assert_eq!(
            got,
            [
                ("EOF", false, false, 0),
                ("END", false, false, 0),
                ("X", true, true, 3)
            ]
        );
    }

    #[test]
    fn unbalanced_quotes_announce_nothing() {
        assert_eq!(names(r#"RUN echo "oops <<EOF"#), Vec::<String>::new());
    }
}
