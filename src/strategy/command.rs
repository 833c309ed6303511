//! The image's command read as plain words, and written anew for the
//! runtime stage when it runs a build tool the runtime image lacks (`cargo
//! run`, `go run`): the strategies decide what replaces it.

use crate::classify::{self, Facts};
use crate::plan::{CommandChange, Plan};
use crate::syntax::{Instruction, Kind};

/// The file's only CMD or ENTRYPOINT, with its words: the exec form's, or
/// a shell form's when it is plain words (no quoting, variables or
/// operators), a leading `exec` dropped. None for anything else: with both
/// a CMD and an ENTRYPOINT the tool would read the CMD's words as its own.
pub fn image_command<'f>(facts: &'f Facts<'_>) -> Option<(usize, &'f Instruction, Vec<String>)> {
    let commands: Vec<usize> = facts
        .df
        .instructions()
        .filter(|(i, ins)| *i > facts.from && matches!(ins.kind(), Kind::Cmd | Kind::Entrypoint))
        .map(|(i, _)| i)
        .collect();
    let [node] = commands.as_slice() else {
        return None;
    };
    let ins = facts.instruction(*node)?;
    let mut words = plain_words(ins)?;
    if words.first().is_some_and(|w| w == "exec") {
        words.remove(0);
    }
    Some((*node, ins, words))
}

/// The words of a CMD or ENTRYPOINT, when they are plain.
fn plain_words(ins: &Instruction) -> Option<Vec<String>> {
    if ins.is_exec_form() {
        return Some(ins.args().to_vec());
    }
    let text = ins.args().join(" ");
    let plain = |w: &str| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
    };
    let words: Vec<String> = text.split_whitespace().map(String::from).collect();
    words.iter().all(|w| plain(w)).then_some(words)
}

/// The instruction as the runtime stage writes it: the same keyword and
/// form, `program` and `args`.
pub fn written(ins: &Instruction, program: &str, args: &[String]) -> String {
    let words: Vec<&str> = std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .collect();
    if ins.is_exec_form() {
        let quoted: Vec<String> = words
            .iter()
            .map(|w| serde_json::to_string(w).unwrap_or_default())
            .collect();
        format!("{} [{}]", ins.keyword(), quoted.join(", "))
    } else {
        format!("{} {}", ins.keyword(), words.join(" "))
    }
}

/// The commands of the original instruction a change replaces, as the
/// runtime-needs check reads them: the program they run is provided by
/// what replaces them, not needed in the runtime image.
pub fn replaced(facts: &Facts<'_>, change: Option<&CommandChange>) -> Vec<Vec<String>> {
    change
        .and_then(|c| facts.instruction(c.node))
        .map(|ins| {
            classify::image_commands(ins)
                .into_iter()
                .map(|c| c.argv)
                .collect()
        })
        .unwrap_or_default()
}

/// The first instruction after node `after` of one of `kinds`, or a USER
/// anywhere after the FROM: what could make a tool run in place of the
/// program (`cargo run`, `go run`) build otherwise than the builder did, or
/// fail where it did not (a user without a writable build cache). Said as
/// "KEYWORD on line N".
pub fn changed_after(facts: &Facts<'_>, after: usize, kinds: &[Kind]) -> Option<String> {
    facts
        .df
        .instructions()
        .find(|(i, ins)| {
            (*i > after && kinds.contains(&ins.kind()))
                || (*i > facts.from && ins.kind() == Kind::User)
        })
        .map(|(i, ins)| format!("{} on line {}", ins.keyword(), facts.line(i)))
}

/// Puts a command change into the plan, and says it in the instruction's
/// reason.
pub fn apply(plan: &mut Plan, change: CommandChange) {
    if let Some(d) = plan.decisions.iter_mut().find(|d| d.node == change.node) {
        d.reason = format!("tells the runtime image what to run: {}", change.reason);
    }
    plan.command = Some(change);
}
