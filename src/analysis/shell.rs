//! Splitting a RUN script into simple commands.
//!
//! Enough of POSIX shell to see which programs a RUN line calls and with
//! what arguments: quotes and escapes are removed from words, `&&`, `||`,
//! `;`, `|`, `&`, newlines and parentheses separate commands, redirections
//! and their targets are set aside, and leading `NAME=value` assignments are
//! kept apart from the command. Variables are kept as written, and so is a
//! command substitution (`$(...)` or backticks) inside a word, whose own
//! commands are read as commands of the script too: they run.

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Command {
    /// `NAME=value` words before the program.
    pub assignments: Vec<(String, String)>,
    /// The program and its arguments, unquoted.
    pub argv: Vec<String>,
    /// Redirection targets (`> file`), unquoted.
    pub redirects: Vec<String>,
    /// Whether a word of the command is computed by a command substitution
    /// (`$(cat list)`, backticks): what it names is known only at run time.
    pub substituted: bool,
    /// The subshells the command runs in, outermost first (`( ... )` and
    /// command substitutions), each with an id unique in its script: a `cd`
    /// lasts only as long as its subshell.
    pub subshells: Vec<usize>,
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
    /// `(`: a separator, and the start of a subshell.
    Open,
    /// `)`: a separator, and the end of a `case` pattern or a subshell.
    Close,
    /// `;;`: the end of a `case` branch.
    BranchEnd,
    /// A redirection operator; the next word is its target, a file
    /// written to when the operator has `>` (`<` and `<<EOF` only read).
    Redirect {
        output: bool,
    },
    /// The script inside a command substitution, whose commands run too.
    Inner(String),
}

/// The simple commands of a shell script, in order.
pub fn commands(script: &str) -> Vec<Command> {
    commands_in(script, &mut 0, &[])
}

/// The commands of a script that runs inside the subshells `outer`; `ids`
/// numbers the subshells opened so far.
fn commands_in(script: &str, ids: &mut usize, outer: &[usize]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut scope = outer.to_vec();
    let fresh = |scope: &[usize]| Command {
        subshells: scope.to_vec(),
        ..Command::default()
    };
    let mut cur = fresh(&scope);
    let mut redirect_next: Option<bool> = None;
    let mut case = CaseState::default();
    let mut inner: Vec<String> = Vec::new();
    // Whether the innermost `(` was opened since the last command ended: a
    // `case` pattern may start with one (`(a|b)`).
    let mut open_pending = false;
    for tok in tokens(script) {
        match tok {
            Tok::Inner(text) => {
                cur.substituted = true;
                inner.push(text);
            }
            Tok::Sep | Tok::BranchEnd | Tok::Close | Tok::Open => {
                let pattern = tok == Tok::Close && case.pattern_ends(&mut out, &cur);
                if pattern {
                    cur = fresh(&scope);
                } else if !cur.argv.is_empty() || !cur.assignments.is_empty() {
                    case.command_ends(&cur, out.len());
                    out.push(std::mem::replace(&mut cur, fresh(&scope)));
                    open_pending = false;
                }
                if tok == Tok::BranchEnd {
                    case.branch_ends(out.len());
                }
                match tok {
                    Tok::Open => {
                        *ids += 1;
                        scope.push(*ids);
                        open_pending = true;
                    }
                    Tok::Close if !pattern || open_pending => {
                        if scope.len() > outer.len() {
                            scope.pop();
                        }
                        open_pending = false;
                    }
                    _ => {}
                }
                cur.subshells = scope.clone();
                redirect_next = None;
            }
            Tok::Redirect { output } => redirect_next = Some(output),
            Tok::Word(w) => {
                if let Some(output) = redirect_next.take() {
                    if output {
                        cur.redirects.push(w);
                    }
                } else if only_keywords(&cur.argv) && is_assignment(&w) {
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
    let mut out: Vec<Command> = out.into_iter().filter_map(strip_keywords).collect();
    for text in inner {
        *ids += 1;
        let mut within = outer.to_vec();
        within.push(*ids);
        out.extend(commands_in(&text, ids, &within));
    }
    out
}

/// Where a `case` statement is: its patterns (`a|b)`) name no program, and
/// the words of a pattern must not be taken for commands.
#[derive(Default)]
struct CaseState {
    /// Open `case` statements, innermost last.
    depth: usize,
    /// Where the commands of the pattern being read start in the output,
    /// while a pattern is expected.
    pattern_from: Option<usize>,
}

impl CaseState {
    /// Notes a finished command, about to be the output's `index`th:
    /// `case WORD in` opens a statement (with the pattern's first words, when
    /// `|` follows them on its line), `esac` closes one.
    fn command_ends(&mut self, cmd: &Command, index: usize) {
        if is_case_header(&cmd.argv) {
            self.depth += 1;
            self.pattern_from = Some(index);
        } else if cmd.argv.iter().any(|w| w == "esac") {
            self.esac();
        }
    }

    /// At `)`: when a pattern was expected (or `case WORD in PATTERN)` sits
    /// on one line), the words since it started are a pattern, not commands.
    fn pattern_ends(&mut self, out: &mut Vec<Command>, cur: &Command) -> bool {
        if is_case_header(&cur.argv) {
            self.depth += 1;
            self.pattern_from = None;
            return true;
        }
        match self.pattern_from.take() {
            Some(from) if self.depth > 0 => {
                out.truncate(from.min(out.len()));
                true
            }
            _ => false,
        }
    }

    /// At `;;`: the next words are a pattern, or `esac`.
    fn branch_ends(&mut self, out_len: usize) {
        if self.depth > 0 {
            self.pattern_from = Some(out_len);
        }
    }

    fn esac(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.pattern_from = None;
    }
}

/// `case WORD in`, maybe followed by the first pattern's words.
fn is_case_header(argv: &[String]) -> bool {
    let words = non_keyword_words(argv);
    words.first().is_some_and(|w| w == "case") && words.get(2).is_some_and(|w| w == "in")
}

/// The words after any leading shell keywords.
fn non_keyword_words(argv: &[String]) -> &[String] {
    let n = argv
        .iter()
        .take_while(|w| KEYWORDS.contains(&w.as_str()))
        .count();
    &argv[n..]
}

/// True when every word so far is a keyword: `then FOO=1 make` assigns.
fn only_keywords(argv: &[String]) -> bool {
    non_keyword_words(argv).is_empty()
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
    let mut lexer = Lexer {
        toks: Vec::new(),
        word: String::new(),
        in_word: false,
        chars: script.chars().peekable(),
    };
    while let Some(c) = lexer.chars.next() {
        lexer.read(c);
    }
    lexer.flush();
    lexer.toks
}

/// A shell script being split into tokens: those so far, and the word
/// being read.
struct Lexer<'s> {
    toks: Vec<Tok>,
    word: String,
    in_word: bool,
    chars: std::iter::Peekable<std::str::Chars<'s>>,
}

impl Lexer<'_> {
    /// Reads from character `c` on: part of a word, a quoted string, a
    /// comment, an operator or a redirection.
    fn read(&mut self, c: char) {
        match c {
            '$' if self.chars.peek() == Some(&'(') => {
                self.in_word = true;
                self.command_substitution();
            }
            '`' => {
                self.in_word = true;
                self.backticks();
            }
            '\'' => {
                self.in_word = true;
                for q in self.chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    self.word.push(q);
                }
            }
            '"' => {
                self.in_word = true;
                self.double_quoted();
            }
            '\\' => match self.chars.next() {
                Some('\n') | None => {}
                Some(n) => {
                    self.in_word = true;
                    self.word.push(n);
                }
            },
            '#' if !self.in_word => {
                // A comment runs to the end of the line.
                for q in self.chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                self.toks.push(Tok::Sep);
            }
            ';' | '&' | '|' | '\n' | '(' | ')' => self.operator(c),
            '>' | '<' => self.redirection(c),
            c if c.is_whitespace() => self.flush(),
            _ => {
                self.in_word = true;
                self.word.push(c);
            }
        }
    }

    /// Ends the word being read, if any.
    fn flush(&mut self) {
        if self.in_word {
            self.toks.push(Tok::Word(std::mem::take(&mut self.word)));
            self.in_word = false;
        }
    }

    /// `$(...)` in a word: kept in the word, and its text is a script of
    /// its own (but `$((...))`, arithmetic).
    fn command_substitution(&mut self) {
        let text = substitution(&mut self.chars);
        self.word.push_str(&format!("$({text})"));
        if !text.starts_with('(') {
            self.toks.push(Tok::Inner(text));
        }
    }

    /// `` `...` `` in a word, read like `$(...)`.
    fn backticks(&mut self) {
        let text = backticks(&mut self.chars);
        self.word.push_str(&format!("$({text})"));
        self.toks.push(Tok::Inner(text));
    }

    /// A double-quoted string after its opening quote: substitutions stay
    /// live, a backslash escapes only `"`, `\\`, `$`, `` ` `` and a newline.
    fn double_quoted(&mut self) {
        while let Some(q) = self.chars.next() {
            match q {
                '"' => break,
                '$' if self.chars.peek() == Some(&'(') => self.command_substitution(),
                '`' => self.backticks(),
                '\\' => match self.chars.peek() {
                    Some(&n @ ('"' | '\\' | '$' | '`')) => {
                        self.word.push(n);
                        self.chars.next();
                    }
                    Some('\n') => {
                        self.chars.next();
                    }
                    _ => self.word.push('\\'),
                },
                _ => self.word.push(q),
            }
        }
    }

    /// `;`, `&`, `|`, a newline or a parenthesis: the word ends, and a
    /// separator (`;;` ends a case branch, `&>` redirects) or a subshell's
    /// bound follows.
    fn operator(&mut self, c: char) {
        self.flush();
        let next = self.chars.peek().copied();
        let tok = match (c, next) {
            ('&', Some('>')) => {
                self.chars.next();
                Tok::Redirect { output: true }
            }
            ('(', _) => Tok::Open,
            (')', _) => Tok::Close,
            (';', Some(';')) => {
                self.chars.next();
                Tok::BranchEnd
            }
            _ => Tok::Sep,
        };
        self.toks.push(tok);
    }

    /// `>`, `<` and what is glued to them (`2>&1`, `<<EOF`, `>|`); a file
    /// descriptor number just before belongs to the operator.
    fn redirection(&mut self, first: char) {
        if self.in_word && self.word.chars().all(|d| d.is_ascii_digit()) {
            self.word.clear();
            self.in_word = false;
        }
        self.flush();
        let mut output = first == '>';
        while let Some(&n) = self.chars.peek() {
            if n == '>' || n == '<' || n == '&' || n == '|' || n == '-' {
                output |= n == '>';
                self.chars.next();
            } else {
                break;
            }
        }
        self.toks.push(Tok::Redirect { output });
    }
}

/// The text of a `$(...)` whose `$` was just read, up to its matching
/// parenthesis (quotes inside are skipped over). `$((...))`, arithmetic,
/// comes back starting with `(`.
fn substitution(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    chars.next(); // the opening parenthesis
    let mut depth = 1;
    let mut text = String::new();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                text.push(c);
                if let Some(n) = chars.next() {
                    text.push(n);
                }
                continue;
            }
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        text.push(c);
    }
    text
}

/// The text of a backtick substitution whose opening backtick was just read.
fn backticks(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut text = String::new();
    while let Some(c) = chars.next() {
        match c {
            '`' => break,
            '\\' => {
                if let Some(n) = chars.next() {
                    text.push(n);
                }
            }
            c => text.push(c),
        }
    }
    text
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
    fn subshells_are_marked_and_case_patterns_are_not_subshells() {
        let scopes = |s: &str| -> Vec<(String, Vec<usize>)> {
            commands(s)
                .into_iter()
                .map(|c| (c.argv.join(" "), c.subshells))
                .collect()
        };
        assert_eq!(
            scopes("(cd /tmp && make) && (cd b) && pip install x"),
            vec![
                ("cd /tmp".to_string(), vec![1]),
                ("make".to_string(), vec![1]),
                ("cd b".to_string(), vec![2]),
                ("pip install x".to_string(), vec![]),
            ]
        );
        assert_eq!(
            scopes("case $A in (x) cd /x ;; y) cd /y ;; esac; make"),
            vec![
                ("cd /x".to_string(), vec![]),
                ("cd /y".to_string(), vec![]),
                ("make".to_string(), vec![]),
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
    fn only_output_redirections_name_files_written() {
        let c = commands("python gen.py < in.json > /etc/out.json");
        assert_eq!(c[0].argv, ["python", "gen.py"]);
        assert_eq!(c[0].redirects, ["/etc/out.json"]);
        assert!(commands("sort <<< \"$x\"")[0].redirects.is_empty());
        assert_eq!(commands("make &> build.log")[0].redirects, ["build.log"]);
        assert_eq!(
            commands("tsc >> /var/log/tsc.log")[0].redirects,
            ["/var/log/tsc.log"]
        );
    }

    #[test]
    fn case_patterns_are_not_commands() {
        let script = "arch=\"$(uname -m)\" && case \"$arch\" in \\\n  amd64|x86_64) url=a; ;; \\\n  \"arm64\") url=b; make ;; \\\n  *) echo no; exit 1 ;; \\\nesac && curl \"$url\"";
        let programs: Vec<_> = commands(script)
            .iter()
            .map(|c| c.program().to_string())
            .collect();
        assert_eq!(
            programs,
            ["", "", "", "make", "echo", "exit", "curl", "uname"]
        );
        // The pattern on the header's line, and a newline after `in`.
        assert_eq!(
            argvs("case $A in a) gcc x.c ;; esac"),
            vec![vec!["gcc", "x.c"]]
        );
        assert_eq!(
            argvs("case $A in\n b|c)\n  gcc x.c\n  ;;\nesac\nmake"),
            vec![vec!["gcc", "x.c"], vec!["make"]]
        );
    }

    #[test]
    fn assignments_after_a_keyword() {
        let c = commands("if [ -n \"$X\" ]; then LD_PRELOAD=\"/usr/lib/x.so\" make; fi");
        assert_eq!(c.last().map(|c| c.program()), Some("make"));
        assert_eq!(
            c.last().map(|c| c.assignments.clone()),
            Some(vec![("LD_PRELOAD".into(), "/usr/lib/x.so".into())])
        );
    }

    #[test]
    fn command_substitutions_are_kept_in_words_and_run() {
        let c = commands("pip install $(cat requirements.txt) && echo \"`date`\" > /b");
        assert_eq!(c[0].argv, ["pip", "install", "$(cat requirements.txt)"]);
        assert!(c[0].substituted);
        assert_eq!(c[1].argv, ["echo", "$(date)"]);
        let programs: Vec<_> = c.iter().map(|c| c.program().to_string()).collect();
        assert_eq!(programs, ["pip", "echo", "cat", "date"]);
        let a = commands("echo $((1 + (2 * 3)))");
        assert_eq!(a.len(), 1);
        assert!(!a[0].substituted);
    }

    #[test]
    fn comments_and_line_continuations() {
        assert_eq!(
            argvs("pip install \\\n  flask # web\nrm -rf /tmp/x"),
            vec![vec!["pip", "install", "flask"], vec!["rm", "-rf", "/tmp/x"]]
        );
    }
}
