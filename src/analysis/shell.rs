//! Splitting a RUN script into simple commands.
//!
//! Enough of POSIX shell to see which programs a RUN line calls and with
//! what arguments: quotes and escapes are removed from words, `&&`, `||`,
//! `;`, `|`, `&`, newlines and parentheses separate commands, redirections
//! and their targets are set aside, and leading `NAME=value` assignments are
//! kept apart from the command. Variables are kept as written.

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    /// `NAME=value` words before the program.
    pub assignments: Vec<(String, String)>,
    /// The program and its arguments, unquoted.
    pub argv: Vec<String>,
    /// Redirection targets (`> file`), unquoted.
    pub redirects: Vec<String>,
}

impl Command {
    /// The program name without its directory (`/usr/bin/apt-get` -> `apt-get`).
    pub fn program(&self) -> &str {
        self.argv
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p))
            .unwrap_or("")
    }

    /// Arguments after the program.
    pub fn args(&self) -> &[String] {
        self.argv.get(1..).unwrap_or(&[])
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    /// A separator between commands.
    Sep,
    /// A redirection operator; the next word is its target.
    Redirect,
}

/// The simple commands of a shell script, in order.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut cur = Command::default();
    let mut redirect_next = false;
    for tok in tokens(script) {
        match tok {
            Tok::Sep => {
                if !cur.argv.is_empty() || !cur.assignments.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                redirect_next = false;
            }
            Tok::Redirect => redirect_next = true,
            Tok::Word(w) => {
                if redirect_next {
                    cur.redirects.push(w);
                    redirect_next = false;
                } else if cur.argv.is_empty() && is_assignment(&w) {
                    let (k, v) = w.split_once('=').unwrap_or((&w, ""));
                    cur.assignments.push((k.to_string(), v.to_string()));
                } else {
                    cur.argv.push(w);
                }
            }
        }
    }
    if !cur.argv.is_empty() || !cur.assignments.is_empty() {
        out.push(cur);
    }
    out.into_iter().filter_map(strip_keywords).collect()
}

/// Shell words that open or close a compound command rather than name a
/// program: `if cond; then cmd; fi` runs `cond` and `cmd`.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac",
    "time",
];

/// The command inside keywords, or nothing for a loop header, a case
/// pattern or a bare keyword.
fn strip_keywords(mut cmd: Command) -> Option<Command> {
    while cmd
        .argv
        .first()
        .is_some_and(|w| KEYWORDS.contains(&w.as_str()))
    {
        cmd.argv.remove(0);
    }
    match cmd.argv.first().map(String::as_str) {
        Some("for" | "case" | "select" | "function") => None,
        Some(w) if w.ends_with(')') && cmd.argv.len() == 1 => None,
        Some("[[" | "[") => None,
        None if cmd.assignments.is_empty() => None,
        _ => Some(cmd),
    }
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Words, separators and redirections.
fn tokens(script: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let flush = |toks: &mut Vec<Tok>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&n @ ('"' | '\\' | '$' | '`')) => {
                                word.push(n);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => word.push('\\'),
                        },
                        _ => word.push(q),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => {
                    in_word = true;
                    word.push(n);
                }
            },
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                toks.push(Tok::Sep);
            }
            ';' | '&' | '|' | '\n' | '(' | ')' => {
                flush(&mut toks, &mut word, &mut in_word);
                if c == '&' && chars.peek() == Some(&'>') {
                    chars.next();
                    toks.push(Tok::Redirect);
                } else {
                    toks.push(Tok::Sep);
                }
            }
            '>' | '<' => {
                // A file descriptor number just before belongs to the operator.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                flush(&mut toks, &mut word, &mut in_word);
                while let Some(&n) = chars.peek() {
                    if n == '>' || n == '<' || n == '&' || n == '|' || n == '-' {
                        chars.next();
                    } else {
                        break;
                    }
                }
                // `2>&1` and `<<EOF` style: a target that is a number or
                // name glued to the operator.
                toks.push(Tok::Redirect);
            }
            c if c.is_whitespace() => flush(&mut toks, &mut word, &mut in_word),
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut toks, &mut word, &mut in_word);
    toks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(s: &str) -> Vec<Vec<String>> {
        commands(s).into_iter().map(|c| c.argv).collect()
    }

    #[test]
    fn splits_on_operators_and_unquotes() {
        assert_eq!(
            argvs("apt-get update && apt-get install -y 'a b' \"c\\\"d\" || true; echo x | tee y"),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "a b", "c\"d"],
                vec!["true"],
                vec!["echo", "x"],
                vec!["tee", "y"],
            ]
        );
    }

    #[test]
    fn assignments_and_redirections_are_set_apart() {
        let c = commands("CGO_ENABLED=0 GOOS=linux go build -o /app . > /dev/null 2>&1");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].assignments[0], ("CGO_ENABLED".into(), "0".into()));
        assert_eq!(c[0].argv, ["go", "build", "-o", "/app", "."]);
        assert_eq!(c[0].redirects, ["/dev/null", "1"]);
    }

    #[test]
    fn comments_and_line_continuations() {
        assert_eq!(
            argvs("pip install \\\n  flask # web\nrm -rf /tmp/x"),
            vec![vec!["pip", "install", "flask"], vec!["rm", "-rf", "/tmp/x"]]
        );
    }
}
