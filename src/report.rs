//! Reports of a batch rewrite, for people (Markdown, made to paste into a
//! pull request) and for programs (JSON).

use serde::Serialize;

use crate::catalog;
use crate::plan::{Plan, Role, Unsure};
use crate::reasons::Code;

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Entry {
    /// Rewritten (or, with --check, would be).
    Rewritten {
        file: String,
        ecosystem: String,
        builder: String,
        runtime: String,
        /// Instructions moved to or repeated in the runtime stage.
        moved: Vec<String>,
        /// Paths the runtime copies from the builder.
        copied: Vec<String>,
        /// The CMD or ENTRYPOINT the runtime stage writes anew (`cargo
        /// run` or `go run` becomes the binary they start).
        #[serde(skip_serializing_if = "Option::is_none")]
        command: Option<String>,
        /// Estimated saving, from the catalog's size figures.
        estimated_saving_mb: Option<u32>,
    },
    /// Left as it was: the reason's code, the line it is about, the reason.
    Unchanged {
        file: String,
        code: Code,
        line: Option<usize>,
        reason: String,
    },
    /// Could not be read, parsed or written.
    Error { file: String, error: String },
}

impl Entry {
    /// The entry for a file left alone.
    pub fn unchanged(file: &str, why: &Unsure) -> Entry {
        Entry::Unchanged {
            file: file.to_string(),
            code: why.code,
            line: why.line,
            reason: why.reason.clone(),
        }
    }

    /// The entry for a rewritten file.
    pub fn rewritten(file: &str, plan: &Plan) -> Entry {
        let moved = plan
            .decisions
            .iter()
            .filter(|d| d.role != Role::Build)
            .map(|d| format!("{} (line {})", d.keyword, d.lines.0))
            .collect();
        Entry::Rewritten {
            file: file.to_string(),
            ecosystem: plan.strategy.to_string(),
            builder: plan.builder_image.clone(),
            runtime: plan.runtime_image.clone(),
            moved,
            copied: plan.artifacts.iter().map(|a| a.path.clone()).collect(),
            command: plan
                .command
                .as_ref()
                .map(|c| format!("line {}: {}", c.line, c.text)),
            estimated_saving_mb: estimate(plan),
        }
    }
}

/// Full image size minus runtime image size, from `catalog/images.toml`
/// (Docker Hub's compressed sizes). None when the runtime keeps the image.
fn estimate(plan: &Plan) -> Option<u32> {
    if plan.runtime_image == plan.builder_image {
        return None;
    }
    let c = catalog::catalog();
    let e = catalog::ImageRef::parse(&plan.builder_image);
    let eco = c.ecosystem(&e.repository)?;
    let alpine = e
        .tag
        .as_deref()
        .is_some_and(|t| t.contains("alpine") || t.contains("slim"));
    (!alpine).then(|| eco.full_size_mb.saturating_sub(eco.slim_size_mb))
}

/// The whole report as JSON: the entries and the totals.
pub fn json(entries: &[Entry]) -> String {
    let (rewritten, unchanged, errors, saving) = totals(entries);
    let doc = serde_json::json!({
        "files": entries.len(),
        "rewritten": rewritten,
        "unchanged": unchanged,
        "errors": errors,
        "estimated_saving_mb": saving,
        "estimate_source": "compressed image sizes on Docker Hub, as listed in dockopt's catalog (src/catalog/images.toml); an estimate, not a measurement",
        "entries": entries,
    });
    format!("{doc:#}\n")
}

/// `1 error`, `2 errors`: a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The whole report as Markdown, for a pull-request description.
pub fn markdown(entries: &[Entry]) -> String {
    let (rewritten, unchanged, errors, saving) = totals(entries);
    let mut s = String::from("## dockopt: multi-stage Dockerfiles\n\n");
    s.push_str(&format!(
        "{}: **{rewritten} rewritten**, {unchanged} left unchanged, {}. Estimated saving: about {saving} MB of compressed image per build.\n\n",
        count(entries.len(), "file"),
        count(errors, "error")
    ));
    if rewritten > 0 {
        s.push_str("| file | ecosystem | builder | runtime | moved or repeated in the runtime | copied | est. saving |\n|---|---|---|---|---|---|---:|\n");
        for e in entries {
            if let Entry::Rewritten {
                file,
                ecosystem,
                builder,
                runtime,
                moved,
                copied,
                command,
                estimated_saving_mb,
            } = e
            {
                let saving = estimated_saving_mb.map_or("-".to_string(), |m| format!("~{m} MB"));
                // A command written anew is said beside what moved.
                let moved: Vec<String> = moved
                    .iter()
                    .cloned()
                    .chain(command.iter().map(|c| format!("{c} (written anew)")))
                    .collect();
                s.push_str(&format!(
                    "| `{file}` | {ecosystem} | `{builder}` | `{runtime}` | {} | {} | {saving} |\n",
                    cell(&moved),
                    cell(&copied.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>())
                ));
            }
        }
        s.push('\n');
    }
    let left: Vec<&Entry> = entries
        .iter()
        .filter(|e| !matches!(e, Entry::Rewritten { .. }))
        .collect();
    if !left.is_empty() {
        s.push_str(
            "<details><summary>Left unchanged, and why</summary>\n\n| file | code | why |\n|---|---|---|\n",
        );
        for e in left {
            match e {
                Entry::Unchanged {
                    file,
                    code,
                    line,
                    reason,
                } => {
                    let at = line.map_or(String::new(), |l| format!(" (line {l})"));
                    s.push_str(&format!(
                        "| `{file}` | {code} {} | {}{at} |\n",
                        code.doc().name,
                        escape(reason)
                    ))
                }
                Entry::Error { file, error } => {
                    s.push_str(&format!("| `{file}` | error | {} |\n", escape(error)))
                }
                Entry::Rewritten { .. } => {}
            }
        }
        s.push_str("\n</details>\n\n");
    }
    s.push_str("Savings are estimates from the compressed sizes of the official images on Docker Hub, listed in dockopt's catalog; `dockopt explain FILE` shows why each line went where it did.\n");
    s
}

/// The table of codes the README shows, made from the codes themselves (a
/// test checks the README's copy).
pub fn codes_table() -> String {
    let mut s = String::from("| code | name | what it means |\n|---|---|---|\n");
    for c in Code::all() {
        let d = c.doc();
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            d.id,
            d.name,
            escape(d.summary)
        ));
    }
    s
}

/// The outcomes as SARIF 2.1.0, for code-review tools: a rule per code,
/// a result per file left alone (level `note`, at its line) and per file
/// that can be rewritten (`DO001`, level `warning`).
pub fn sarif(entries: &[Entry]) -> String {
    let rules: Vec<serde_json::Value> = Code::all()
        .iter()
        .map(|c| {
            let d = c.doc();
            serde_json::json!({
                "id": d.id,
                "name": d.name,
                "shortDescription": { "text": d.summary },
                "fullDescription": { "text": d.why },
                "help": { "text": format!("{}\n\nExample:\n{}", d.fix, d.example) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for e in entries {
        let (file, code, line, text, level) = match e {
            Entry::Unchanged {
                file,
                code,
                line,
                reason,
            } => (
                file,
                *code,
                line.unwrap_or(1),
                format!("left unchanged: {reason}"),
                "note",
            ),
            Entry::Rewritten { file, runtime, .. } => (
                file,
                Code::Rewrite,
                1,
                format!("can be rewritten into a builder stage and a {runtime} runtime stage"),
                "warning",
            ),
            Entry::Error { .. } => continue,
        };
        results.push(serde_json::json!({
            "ruleId": code.id(),
            "level": level,
            "message": { "text": text },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(file) },
                    "region": { "startLine": line.max(1) },
                }
            }],
        }));
    }
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dockopt",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/OWNER/dockopt",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    format!("{doc:#}\n")
}

/// A file path as a SARIF artifact URI: relative paths stay relative,
/// with `/` separators.
fn uri(file: &str) -> String {
    file.replace('\\', "/")
        .trim_start_matches("./")
        .replace(' ', "%20")
}

/// The outcomes as GitHub Actions workflow commands: an annotation on each
/// file, a notice where it is left alone and a warning where it can be
/// rewritten.
pub fn github(entries: &[Entry]) -> String {
    let mut s = String::new();
    for e in entries {
        match e {
            Entry::Unchanged {
                file,
                code,
                line,
                reason,
            } => s.push_str(&format!(
                "::notice file={},line={},title={} {}::{}\n",
                property(file.trim_start_matches("./")),
                line.unwrap_or(1),
                code,
                code.doc().name,
                data(reason)
            )),
            Entry::Rewritten { file, runtime, .. } => s.push_str(&format!(
                "::warning file={},line=1,title=DO001 rewrite-available::{}\n",
                property(file.trim_start_matches("./")),
                data(&format!("can be rewritten into a builder stage and a {runtime} runtime stage; run `dockopt rewrite {file}` to see the diff"))
            )),
            Entry::Error { file, error } => s.push_str(&format!(
                "::error file={}::{}\n",
                property(file),
                data(error)
            )),
        }
    }
    s
}

/// A workflow command's message, escaped as GitHub asks.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped as GitHub asks.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn totals(entries: &[Entry]) -> (usize, usize, usize, u32) {
    let mut t = (0, 0, 0, 0);
    for e in entries {
        match e {
            Entry::Rewritten {
                estimated_saving_mb,
                ..
            } => {
                t.0 += 1;
                t.3 += estimated_saving_mb.unwrap_or(0);
            }
            Entry::Unchanged { .. } => t.1 += 1,
            Entry::Error { .. } => t.2 += 1,
        }
    }
    t
}

fn cell(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        escape(&items.join(", "))
    }
}

/// Keeps a table cell on one line and its pipes literal.
fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(super::count(0, "error"), "0 errors");
        assert_eq!(super::count(1, "error"), "1 error");
        assert_eq!(super::count(170, "file"), "170 files");
    }
}
