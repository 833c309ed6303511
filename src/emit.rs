//! Writing a plan as edits on the lossless tree: the builder keeps every
//! instruction that stays as it was, byte for byte; instructions that move
//! to the runtime stage move with their comments; new lines are few and
//! follow the file's line endings.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::catalog::Family;
use crate::plan::{Added, Artifact, Plan, Prune, Role};
use crate::syntax::{Dockerfile, Kind, Node, NodeKind, ParseError, TokenKind};

/// One edit at a node index of the original tree.
enum Edit {
    Remove(Range<usize>),
    Insert(usize, String),
    Replace(usize, String),
}

impl Edit {
    fn at(&self) -> usize {
        match self {
            Edit::Remove(r) => r.start,
            Edit::Insert(i, _) | Edit::Replace(i, _) => *i,
        }
    }
}

/// The rewritten file: builder stage, then runtime stage.
pub fn emit(
    df: &Dockerfile,
    from: usize,
    platform: Option<&str>,
    plan: &Plan,
) -> Result<String, ParseError> {
    // Comments after the last instruction close the file, and keep doing so.
    let last = df.instructions().last().map_or(0, |(i, _)| i);
    let trailing: Vec<Node> = df.nodes()[last + 1..].to_vec();
    let (mut edits, mut runtime_nodes) = moves(df, plan);
    if !trailing.is_empty() {
        edits.push(Edit::Remove(last + 1..df.nodes().len()));
    }
    for (node, added) in &plan.builder_inserts {
        edits.push(Edit::Insert(df.attached(*node).start, lines(added)));
    }
    if let Some(prune) = &plan.prune {
        edits.push(Edit::Insert(
            df.attached(prune.before).start,
            lines(&[prune.added()]),
        ));
    }
    if let Some(text) = builder_from(df, from, plan) {
        edits.push(Edit::Replace(from, text));
    }
    let mut out = apply(df, edits)?;
    let later = runtime_nodes.split_off(artifacts_at(df, plan, &runtime_nodes));
    let end = out.nodes().len();
    let added = out.insert(end, &runtime_head(&out, platform, plan))?;
    let end = out.insert_nodes(added.end, runtime_nodes).end;
    let added = out.insert(end, &artifact_lines(plan))?;
    let end = out.insert_nodes(added.end, later).end;
    out.insert_nodes(end, trailing);
    if let Some(change) = &plan.command {
        rewrite_command(df, &mut out, change)?;
    }
    Ok(out.to_string())
}

/// Writes the runtime stage's copy of the changed CMD or ENTRYPOINT as the
/// plan says (the last instruction of the written file with the original's
/// text: it moved to the runtime stage, which comes last).
fn rewrite_command(
    df: &Dockerfile,
    out: &mut Dockerfile,
    change: &crate::plan::CommandChange,
) -> Result<(), ParseError> {
    let original = plain(df.node_text(change.node));
    let at = out
        .instructions()
        .map(|(i, _)| i)
        .filter(|i| plain(out.node_text(*i)) == original)
        .last();
    if let Some(i) = at {
        out.replace(i, &change.text)?;
    }
    Ok(())
}

/// Checks that the written file holds what the plan says: the builder
/// keeps exactly the instructions the plan leaves there, in their order,
/// and the lines it adds there, and the runtime stage has every instruction
/// that moves or is repeated. A mismatch is a defect of dockopt's own,
/// found before anything is written.
pub fn check_stages(
    df: &Dockerfile,
    from: usize,
    plan: &Plan,
    written: &Dockerfile,
) -> Result<(), String> {
    let (kept, moved) = planned_stages(df, from, plan);
    let stages = stage_instructions(written);
    let [builder, runtime] = stages.as_slice() else {
        return Err(format!("{} stages written, not 2", stages.len()));
    };
    let want = counts(kept.iter().chain(&builder_additions(plan)));
    let have = counts(builder);
    if let Some(text) = want
        .keys()
        .chain(have.keys())
        .find(|k| want.get(*k) != have.get(*k))
    {
        return Err(format!(
            "the builder stage differs at `{}`",
            first_line(text)
        ));
    }
    if !is_subsequence(&kept, builder) {
        return Err("the builder stage has its instructions out of order".into());
    }
    let have = counts(runtime);
    if let Some((text, _)) = counts(&moved)
        .into_iter()
        .find(|(t, n)| have.get(t).copied().unwrap_or(0) < *n)
    {
        return Err(format!("the runtime stage lacks `{}`", first_line(&text)));
    }
    Ok(())
}

/// The original instructions after the builder's FROM that the plan keeps
/// in the builder, and those it puts in the runtime stage, in file order.
fn planned_stages(df: &Dockerfile, from: usize, plan: &Plan) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut moved) = (Vec::new(), Vec::new());
    for (i, _) in df.instructions().filter(|(i, _)| *i > from) {
        let role = plan
            .decisions
            .iter()
            .find(|d| d.node == i)
            .map_or(Role::Build, |d| d.role);
        let text = plain(df.node_text(i));
        if role != Role::Build {
            match &plan.command {
                Some(change) if change.node == i => moved.push(plain(&change.text)),
                _ => moved.push(text.clone()),
            }
        }
        if role != Role::Runtime {
            kept.push(text);
        }
    }
    (kept, moved)
}

/// The lines the plan adds to the builder: its inserts and the prune.
fn builder_additions(plan: &Plan) -> Vec<String> {
    plan.builder_inserts
        .iter()
        .flat_map(|(_, a)| a.iter().cloned())
        .chain(plan.prune.iter().map(Prune::added))
        .map(|a| plain(&instruction_text(&a)))
        .collect()
}

/// The instructions of each stage after the first FROM (the FROM lines
/// themselves left out), in order.
fn stage_instructions(df: &Dockerfile) -> Vec<Vec<String>> {
    let mut stages: Vec<Vec<String>> = Vec::new();
    for (i, ins) in df.instructions() {
        if ins.kind() == Kind::From {
            stages.push(Vec::new());
        } else if let Some(stage) = stages.last_mut() {
            stage.push(plain(df.node_text(i)));
        }
    }
    stages
}

/// How many times each text occurs.
fn counts<'a>(texts: impl IntoIterator<Item = &'a String>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for t in texts {
        *out.entry(t.clone()).or_default() += 1;
    }
    out
}

/// True when `part` occurs in `whole` in the same order (not necessarily
/// side by side).
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

/// An instruction's text with `\n` line endings and no final newline, to
/// compare what was moved or added with what was written.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

/// The first line of an instruction, for a message.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// The removals of what moves to the runtime stage, and the nodes the
/// runtime stage gets: moved ones and copies of repeated ones, in order.
fn moves(df: &Dockerfile, plan: &Plan) -> (Vec<Edit>, Vec<Node>) {
    let mut edits = Vec::new();
    let mut runtime_nodes = Vec::new();
    for d in &plan.decisions {
        match d.role {
            Role::Runtime => {
                let r = moving_range(df, d.node);
                runtime_nodes.extend(df.nodes()[r.clone()].iter().cloned());
                edits.push(Edit::Remove(r));
            }
            Role::Both => runtime_nodes.push(df.nodes()[d.node].clone()),
            Role::Build => {}
        }
    }
    (edits, runtime_nodes)
}

/// Applies the edits to a copy of the tree.
fn apply(df: &Dockerfile, mut edits: Vec<Edit>) -> Result<Dockerfile, ParseError> {
    // An insertion before a node that moves with the blank line above it
    // falls inside that removal: it goes where the removed nodes were, or
    // the removal would take it (and leave the moved node behind).
    let removed: Vec<Range<usize>> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Remove(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    for e in &mut edits {
        if let Edit::Insert(i, _) = e
            && let Some(r) = removed.iter().find(|r| r.start < *i && *i < r.end)
        {
            *i = r.start;
        }
    }
    // From the end backwards, so earlier indices stay valid; at one index a
    // removal goes before an insertion.
    edits.sort_by_key(|e| (std::cmp::Reverse(e.at()), matches!(e, Edit::Insert(..))));
    let mut out = df.clone();
    for e in edits {
        match e {
            Edit::Remove(r) => {
                out.remove(r);
            }
            Edit::Insert(i, text) => {
                out.insert(i, &text)?;
            }
            Edit::Replace(i, text) => {
                out.replace(i, &text)?;
            }
        }
    }
    Ok(out)
}

/// The runtime stage's FROM (after a blank line) and the steps the plan
/// writes before the moved and repeated instructions.
fn runtime_head(out: &Dockerfile, platform: Option<&str>, plan: &Plan) -> String {
    let mut head = String::new();
    if !matches!(out.nodes().last().map(|n| &n.kind), Some(NodeKind::Blank)) {
        head.push('\n');
    }
    match platform {
        Some(p) => head.push_str(&format!("FROM --platform={p} {}\n", plan.runtime_image)),
        None => head.push_str(&format!("FROM {}\n", plan.runtime_image)),
    }
    let added: Vec<Added> = plan.runtime_steps.iter().map(|s| s.what.clone()).collect();
    head.push_str(&lines(&added));
    head
}

/// Instructions dockopt adds, a line each (continuations aside).
fn lines(added: &[Added]) -> String {
    added
        .iter()
        .map(|a| format!("{}\n", instruction_text(a)))
        .collect()
}

/// The Dockerfile text of an instruction dockopt adds, without its final
/// newline.
pub fn instruction_text(added: &Added) -> String {
    match added {
        Added::Packages {
            family,
            packages,
            with_recommends,
            upgrade,
            lint_ignore,
        } => {
            let run = install_text(*family, packages, with_recommends, *upgrade);
            match lint_ignore.as_slice() {
                [] => run,
                rules => format!("# hadolint ignore={}\n{run}", rules.join(",")),
            }
        }
        Added::Run { command } => format!("RUN {command}"),
        // Quoted where the value expands a variable (`$PATH`) or is empty.
        Added::Env { name, value } if value.is_empty() || value.contains(['$', ' ']) => {
            format!("ENV {name}=\"{value}\"")
        }
        Added::Env { name, value } => format!("ENV {name}={value}"),
        Added::Workdir { path } => format!("WORKDIR {path}"),
    }
}

/// The RUN that installs `packages` the lean way, after upgrading the
/// system packages when the build did; those in `recommends` come with
/// their Recommends, as the original file installed them (imagemagick
/// without ghostscript converts no PDF).
fn install_text(
    family: Family,
    packages: &[String],
    recommends: &[String],
    upgrade: bool,
) -> String {
    let names: Vec<&str> = packages.iter().map(String::as_str).collect();
    match family {
        Family::Alpine => {
            let mut s = String::from("RUN ");
            if upgrade {
                s.push_str("apk upgrade --no-cache");
                if !names.is_empty() {
                    s.push_str(" && ");
                }
            }
            if !names.is_empty() {
                s.push_str(&format!("apk add --no-cache {}", names.join(" ")));
            }
            s
        }
        Family::Fedora => {
            let mut s = String::from("RUN ");
            if upgrade {
                s.push_str("dnf upgrade -y");
                if !names.is_empty() {
                    s.push_str(" \\\n    && ");
                }
            }
            if !names.is_empty() {
                s.push_str(&format!(
                    "dnf install -y --setopt=install_weak_deps=False {}",
                    names.join(" ")
                ));
            }
            s.push_str(" \\\n    && dnf clean all");
            s
        }
        Family::Debian | Family::Ubuntu => {
            let mut s = String::from("RUN apt-get update");
            if upgrade {
                s.push_str(" \\\n    && apt-get upgrade -y");
            }
            let (with, lean): (Vec<&str>, Vec<&str>) = names
                .iter()
                .partition(|n| recommends.iter().any(|r| r == *n));
            if !lean.is_empty() {
                s.push_str(&format!(
                    " \\\n    && apt-get install -y --no-install-recommends {}",
                    lean.join(" ")
                ));
            }
            if !with.is_empty() {
                s.push_str(&format!(
                    " \\\n    && apt-get install -y {}",
                    with.join(" ")
                ));
            }
            s.push_str(" \\\n    && rm -rf /var/lib/apt/lists/*");
            s
        }
    }
}

/// Where among the runtime nodes the artifacts are copied in.
///
/// After the RUN lines the runtime repeats (a user they are chowned to must
/// exist first) and the COPY lines from the context it repeats (the build's
/// output wins over a stale copy in the context, as it did in the
/// original), but before a repeated RUN that uses the app's files (`cp
/// /app/conf/x /etc/`), and what follows it.
fn artifacts_at(df: &Dockerfile, plan: &Plan, runtime_nodes: &[Node]) -> usize {
    runtime_nodes
        .iter()
        .position(|n| {
            plan.replay_after
                .iter()
                .any(|i| df.nodes()[*i].range().start == n.range().start)
        })
        .unwrap_or_else(|| {
            runtime_nodes
                .iter()
                .rposition(|n| {
                    n.instruction().is_some_and(|i| {
                        i.kind() == Kind::Run
                            || matches!(i.kind(), Kind::Copy | Kind::Add)
                                && i.flag("from").is_none()
                    })
                })
                .map_or(0, |i| i + 1)
        })
}

/// The `COPY --from` lines of the artifacts, the environment they need and
/// the runtime user.
fn artifact_lines(plan: &Plan) -> String {
    let mut head = String::new();
    let link = if plan.link { " --link" } else { "" };
    for group in file_groups(&plan.artifacts) {
        let chown = group[0]
            .chown
            .as_ref()
            .map(|o| format!(" --chown={o}"))
            .unwrap_or_default();
        let sources: Vec<&str> = group.iter().map(|a| a.path.as_str()).collect();
        let dest = match group.as_slice() {
            [one] => one.path.clone(),
            _ => format!("{}/", parent(&group[0].path)),
        };
        head.push_str(&format!(
            "COPY --from={}{link}{chown} {} {dest}\n",
            plan.builder_name,
            sources.join(" ")
        ));
    }
    let env: Vec<Added> = plan
        .artifact_env
        .iter()
        .map(|e| Added::Env {
            name: e.name.clone(),
            value: e.value.clone(),
        })
        .collect();
    head.push_str(&lines(&env));
    if let Some(user) = &plan.runtime_user {
        head.push_str(&format!("USER {user}\n"));
    }
    head
}

/// The artifacts in the order given, with the single files of one folder
/// and owner together at the first of them: one COPY carries them into
/// their folder. A file waits for a folder copied before it that holds it.
fn file_groups(artifacts: &[Artifact]) -> Vec<Vec<&Artifact>> {
    let mut groups: Vec<Vec<&Artifact>> = Vec::new();
    for (i, a) in artifacts.iter().enumerate() {
        let joins = |g: &Vec<&Artifact>| {
            let first = g[0];
            a.file && first.file && a.chown == first.chown && parent(&a.path) == parent(&first.path)
        };
        let at = groups.iter().position(joins).filter(|&g| {
            let start = artifacts
                .iter()
                .position(|x| std::ptr::eq(x, groups[g][0]))
                .unwrap_or(i);
            !artifacts[start..i]
                .iter()
                .any(|b| crate::classify::under(&a.path, &b.path))
        });
        match at {
            Some(g) => groups[g].push(a),
            None => groups.push(vec![a]),
        }
    }
    groups
}

/// The folder an absolute path is in, without its last slash (`` for /).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The builder's FROM line: its image pinned when the plan pins it, and
/// ` AS name` added after the image unless it names its stage already.
/// `None` when it stays as written.
fn builder_from(df: &Dockerfile, from: usize, plan: &Plan) -> Option<String> {
    let node = &df.nodes()[from];
    let ins = node.instruction()?;
    let start = node.range().start;
    let mut text = df.node_text(from).to_string();
    if let Some(written) = &plan.pinned_from {
        let at = ins
            .tokens()
            .iter()
            .filter(|t| t.kind == TokenKind::Text)
            .find_map(|t| {
                word_at(df.text(&t.range()), written).map(|w| t.range().start - start + w)
            })?;
        text.replace_range(at..at + written.len(), &plan.builder_image);
    }
    if ins.stage_name().is_none() {
        let last_text = ins
            .tokens()
            .iter()
            .rev()
            .find(|t| t.kind == TokenKind::Text)?;
        let cut = last_text.range().end - start + text.len() - df.node_text(from).len();
        let body = text[..cut].trim_end();
        text = format!("{body} AS {}{}", plan.builder_name, &text[cut..]);
    }
    (text != df.node_text(from)).then_some(text)
}

/// Where `word` stands alone (between whitespace or the ends) in `text`.
fn word_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace)
    })
}

/// What moves with an instruction: the comments directly above it and one
/// blank line above those, so neither stage is left with stray spacing.
fn moving_range(df: &Dockerfile, i: usize) -> Range<usize> {
    let mut r = df.attached(i);
    if r.start > 0 && matches!(df.nodes()[r.start - 1].kind, NodeKind::Blank) {
        r.start -= 1;
    }
    r
}
