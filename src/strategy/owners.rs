//! Owners and users across the two images. A runtime image from another
//! repository (golang → debian, maven → eclipse-temurin) lacks the users
//! its builder image made (`gradle`): a USER or `--chown` naming one would
//! fail, unless a RUN the runtime repeats creates users.

use crate::analysis::steps::Step;
use crate::catalog::{self, ImageRef};
use crate::classify::Facts;
use crate::plan::{Plan, Role, Unsure};
use crate::reasons::Code;
use crate::syntax::Kind;

/// Refuses users and owners the runtime image lacks (module docs).
pub fn check_owners(facts: &Facts<'_>, plan: &mut Plan) -> Result<(), Unsure> {
    let runtime = ImageRef::parse(&plan.runtime_image);
    if runtime.repository == facts.image.repository || repeats_user_creation(facts, plan) {
        return Ok(());
    }
    check_users(facts, plan)?;
    check_artifact_owners(facts, plan)
}

/// Whether a RUN the runtime repeats creates users.
fn repeats_user_creation(facts: &Facts<'_>, plan: &Plan) -> bool {
    facts.run_steps.iter().any(|(node, _, steps)| {
        steps.iter().any(|s| matches!(s, Step::User))
            && plan
                .decisions
                .iter()
                .any(|d| d.node == *node && d.role == Role::Both)
    })
}

/// The first name in `owner` (`user:group`) that neither every image nor
/// the builder's ecosystem images have: a user only the builder image has.
fn unknown_user(facts: &Facts<'_>, owner: &str) -> Option<String> {
    let shared: &[String] = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .map_or(&[], |e| &e.shared_users);
    owner
        .split(':')
        .find(|n| {
            !n.is_empty()
                && !n.chars().all(|c| c.is_ascii_digit())
                && !catalog::catalog()
                    .every_image()
                    .users
                    .iter()
                    .any(|u| u == n)
                && !shared.iter().any(|s| s == n)
        })
        .map(String::from)
}

/// The USER instructions of the runtime stage name users it has.
fn check_users(facts: &Facts<'_>, plan: &Plan) -> Result<(), Unsure> {
    for d in plan.decisions.iter().filter(|d| d.role != Role::Build) {
        let Some(ins) = facts.df.nodes()[d.node].instruction() else {
            continue;
        };
        if ins.kind() != Kind::User {
            continue;
        }
        if let Some(name) = ins.args().first().and_then(|u| unknown_user(facts, u)) {
            return Err(Unsure::at(
                Code::Ownership,
                d.lines.0,
                format!(
                    "the user {name} comes with {}, and {} has no such user",
                    facts.image_text, plan.runtime_image
                ),
            ));
        }
    }
    Ok(())
}

/// Artifacts owned by a user only the builder image has: a program that
/// runs as root reads and writes whatever it owns, so the owner can stay
/// the builder's numbers; otherwise the file is left alone.
fn check_artifact_owners(facts: &Facts<'_>, plan: &mut Plan) -> Result<(), Unsure> {
    let runs_as_root = !plan.decisions.iter().any(|d| {
        d.role != Role::Build
            && facts.df.nodes()[d.node]
                .instruction()
                .is_some_and(|i| i.kind() == Kind::User)
    });
    let ids = catalog::catalog()
        .ecosystem(&facts.image.repository)
        .map(|e| &e.user_ids);
    for a in &mut plan.artifacts {
        let Some(name) = a.chown.as_deref().and_then(|o| unknown_user(facts, o)) else {
            continue;
        };
        match ids.and_then(|ids| numeric_owner(ids, &a.chown)) {
            Some(id) if runs_as_root => {
                a.reason = format!(
                    "{}; owned by {id}, the ids of {name} in {}, which {} has no name for",
                    a.reason, facts.image_text, plan.runtime_image
                );
                a.chown = Some(id);
            }
            _ => {
                return Err(Unsure::file(
                    Code::Ownership,
                    format!(
                        "{} is owned by {name}, a user {} has and {} does not",
                        a.path, facts.image_text, plan.runtime_image
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `gradle:gradle` as the builder image's numeric `uid:gid`, when the
/// catalog knows both names.
fn numeric_owner(
    ids: &std::collections::BTreeMap<String, String>,
    owner: &Option<String>,
) -> Option<String> {
    let owner = owner.as_deref()?;
    let (user, group) = owner.split_once(':').unwrap_or((owner, ""));
    let (uid, user_gid) = ids.get(user)?.split_once(':')?;
    let gid = match group {
        "" => user_gid,
        g if g.chars().all(|c| c.is_ascii_digit()) => g,
        g => ids.get(g)?.split_once(':')?.1,
    };
    Some(format!("{uid}:{gid}"))
}
