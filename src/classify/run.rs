//! RUN instructions: their commands and steps, the role each RUN takes
//! (build work, or a system change the runtime repeats), and the owners
//! and files it leaves.

use super::*;

/// The commands a RUN executes: its shell script, its heredoc scripts, or
/// its exec-form argument list.
pub fn run_steps(ins: &Instruction) -> Vec<Step> {
    steps_of(&commands_of(ins))
}

/// The steps of a script's commands, with the subshells they enter and
/// leave marked.
pub(super) fn steps_of(commands: &[Command]) -> Vec<Step> {
    let mut out = Vec::new();
    let mut scope: &[usize] = &[];
    for c in commands {
        // Leaving and entering subshells, where a `cd` ends.
        let same = scope
            .iter()
            .zip(&c.subshells)
            .take_while(|(a, b)| a == b)
            .count();
        (same..scope.len()).for_each(|_| out.push(Step::Cd(CdTo::Leave)));
        (same..c.subshells.len()).for_each(|_| out.push(Step::Cd(CdTo::Enter)));
        scope = &c.subshells;
        flatten_into(steps::step(c), &mut out);
    }
    out
}

/// A RUN's steps with the folder each runs in, split where a `cd` moves
/// them: the RUN's WORKDIR is only where it starts.
pub type Parts = Vec<(Option<String>, Vec<Step>)>;

/// Splits a RUN's steps at each `cd`; a folder dockopt cannot follow
/// (`cd $DIR` with a variable the file does not set, `cd -`) is refused
/// unless what runs there does not depend on the folder.
pub(super) fn by_folder(
    facts: &mut Facts<'_>,
    steps: Vec<Step>,
    workdir: Option<&str>,
    line: usize,
) -> Result<Parts, Unsure> {
    let mut parts: Parts = vec![(workdir.map(str::to_string), Vec::new())];
    // The folder now, or the `cd` that left it unknown.
    let mut here: Result<Option<String>, String> = Ok(workdir.map(str::to_string));
    let mut saved = Vec::new();
    for s in steps {
        let next = match &s {
            Step::Cd(CdTo::Enter) => {
                saved.push(here.clone());
                continue;
            }
            Step::Cd(CdTo::Leave) => saved.pop().unwrap_or_else(|| here.clone()),
            Step::Cd(CdTo::Path(p)) => {
                let expanded = facts.expand_path(p);
                match &here {
                    _ if expanded.contains('$') => Err(p.clone()),
                    Ok(cur) => resolve(&expanded, cur.as_deref())
                        .map(Some)
                        .ok_or(p.clone()),
                    Err(_) if expanded.starts_with('/') => {
                        Ok(Some(resolve(&expanded, None).unwrap_or(expanded)))
                    }
                    Err(unknown) => Err(unknown.clone()),
                }
            }
            _ => {
                if let Err(dir) = &here
                    && !folder_free(&s)
                {
                    return Err(Unsure::at(
                        Code::ComputedAtBuild,
                        line,
                        format!(
                            "after `cd {dir}`, a folder dockopt cannot follow, the RUN runs {}",
                            describe(std::slice::from_ref(&s))
                        ),
                    ));
                }
                if let Some((_, last)) = parts.last_mut() {
                    last.push(s);
                }
                continue;
            }
        };
        if next != here {
            if let Ok(Some(dir)) = &next
                && !facts.in_app_or(workdir, dir)
            {
                facts.foreign_folders.push(dir.clone());
            }
            here = next;
            parts.push((here.clone().unwrap_or_default(), Vec::new()));
        }
    }
    parts.retain(|(_, steps)| !steps.is_empty());
    Ok(parts)
}

/// Steps whose effect does not depend on the folder they run in.
pub(super) fn folder_free(step: &Step) -> bool {
    matches!(
        step,
        Step::Harmless
            | Step::PackageIndex
            | Step::PackageUpgrade
            | Step::PackageInstall { .. }
            | Step::PackageRemove { .. }
            | Step::User
            | Step::Cd(_)
    )
}

/// The simple commands of a RUN, CMD, ENTRYPOINT or HEALTHCHECK.
pub fn commands_of(ins: &Instruction) -> Vec<Command> {
    let args = ins.args();
    let args = if ins.kind() == Kind::Healthcheck {
        args.get(1..).unwrap_or(&[])
    } else {
        args
    };
    if ins.is_exec_form() {
        return exec_commands(args);
    }
    let Some(script) = args.first() else {
        return Vec::new();
    };
    let mut cmds = shell::commands(script);
    // `RUN <<EOF` or `RUN bash <<EOF`: the body is the script.
    for h in ins.heredocs() {
        let feeds_shell = cmds.is_empty()
            || cmds
                .iter()
                .all(|c| matches!(c.program(), "sh" | "bash" | "ash" | "set"));
        if feeds_shell {
            cmds.retain(|c| !matches!(c.program(), "sh" | "bash" | "ash"));
            cmds.extend(shell::commands(&h.content));
            continue;
        }
        // `RUN python3 <<EOF`: the interpreter runs the body as its code.
        if let Some(c) = cmds.iter_mut().find(|c| {
            inline_flag(c.program()).is_some() && c.args().iter().all(|a| a.starts_with('-'))
        }) {
            let flag = inline_flag(c.program()).unwrap_or("-c");
            c.argv.truncate(1);
            c.argv.push(flag.to_string());
            c.argv.push(h.content.clone());
        }
    }
    cmds
}

/// The option that gives an interpreter its code on the command line.
pub(super) fn inline_flag(program: &str) -> Option<&'static str> {
    if program.starts_with("python") {
        Some("-c")
    } else if matches!(
        program,
        "node" | "nodejs" | "ruby" | "perl" | "deno" | "bun"
    ) {
        Some("-e")
    } else if program == "php" {
        Some("-r")
    } else {
        None
    }
}

/// Exec form: the argument list, or the script of `sh -c "..."`.
pub(super) fn exec_commands(argv: &[String]) -> Vec<Command> {
    match argv {
        [sh, c, script, ..]
            if matches!(sh.rsplit('/').next(), Some("sh" | "bash" | "ash")) && c == "-c" =>
        {
            shell::commands(script)
        }
        [] => Vec::new(),
        _ => vec![Command {
            argv: argv.to_vec(),
            ..Command::default()
        }],
    }
}

/// CMD, ENTRYPOINT and HEALTHCHECK: the commands they run.
pub(super) fn runtime_commands(ins: &Instruction) -> Vec<Command> {
    if ins.kind() == Kind::Healthcheck
        && ins
            .args()
            .first()
            .is_some_and(|t| t.eq_ignore_ascii_case("none"))
    {
        return Vec::new();
    }
    let mut cmds = commands_of(ins);
    for c in &mut cmds {
        // `exec prog` runs prog.
        while c.program() == "exec" {
            c.argv.remove(0);
        }
    }
    cmds
}

/// Whether a RUN is build work or also changes what the runtime needs.
pub(super) fn run_role(facts: &mut Facts<'_>, parts: &Parts, line: usize) -> Result<Role, Unsure> {
    let effects = run_effects(facts, parts, line)?;
    let steps: Vec<Step> = parts.iter().flat_map(|(_, s)| s.clone()).collect();
    role_of_effects(facts, &effects, &steps, line)
}

/// What a RUN's steps do, as far as its role depends on it.
#[derive(Debug, Default)]
pub(super) struct Effects {
    /// Writes system files outside the app and scratch folders.
    system_change: bool,
    /// Builds, installs language packages or runs code.
    build_work: bool,
    /// Installs, removes or indexes system packages.
    packaging: bool,
}

/// Reads each step of a RUN for what it does, refusing the steps that
/// cannot be read (and recording build output moved beside the app).
pub(super) fn run_effects(
    facts: &mut Facts<'_>,
    parts: &Parts,
    line: usize,
) -> Result<Effects, Unsure> {
    let mut e = Effects::default();
    for (workdir, s) in each_step(parts) {
        if let Some(dest) = moved_out_of_app(facts, s, workdir) {
            // Build output the RUN puts beside the app (`mv node_modules
            // /node_modules`): copied like the app itself.
            facts.app_paths.push(Artifact {
                path: dest,
                chown: None,
                reason: format!("the build moves its output here (line {line})"),
                file: false,
            });
            e.build_work = true;
            continue;
        }
        if let Some(refusal) = unreadable_step(s, line) {
            return Err(refusal);
        }
        match s {
            Step::AppCommand { command } => {
                if !workdir.is_some_and(|w| w != "/" && facts.in_app_or(Some(w), w)) {
                    return Err(Unsure::at(
                        Code::UnplaceablePath,
                        line,
                        format!(
                            "`{command}` writes into its working folder, which is not an app folder"
                        ),
                    ));
                }
                e.build_work = true;
            }
            Step::Code {
                interpreter,
                script,
                inline,
                args,
            } => {
                crate::facts::buildtime::check_code(
                    facts,
                    interpreter,
                    script.as_deref(),
                    inline.as_deref(),
                    args,
                    workdir,
                    line,
                )?;
                e.build_work = true;
            }
            // Built into PHP's own folders: the runtime repeats the RUN.
            Step::User | Step::PhpExtension => e.system_change = true,
            Step::Files { program, paths }
            | Step::Chown {
                owner: program,
                paths,
                ..
            } => {
                if writes_outside_the_app(facts, program, paths, workdir, line)? {
                    e.system_change = true;
                }
            }
            Step::Harmless => {}
            s if s.is_packaging() => e.packaging = true,
            _ => e.build_work = true,
        }
    }
    Ok(e)
}

/// The refusal for a step dockopt cannot read: an unknown program, a
/// command substitution, a script missing from the context.
pub(super) fn unreadable_step(s: &Step, line: usize) -> Option<Unsure> {
    let (code, why) = match s {
        Step::Unknown(prog) => (
            Code::UnknownCommand,
            format!("RUN calls `{prog}`, which dockopt does not know"),
        ),
        Step::Computed { program } => (
            Code::ComputedAtBuild,
            format!(
                "`{program}` takes what it installs or writes from a command substitution, known only when the build runs"
            ),
        ),
        Step::ShellScript { path } => (
            Code::BuildScriptMissing,
            format!("RUN runs the script {path}, which is not in the build context"),
        ),
        _ => return None,
    };
    Some(Unsure::at(code, line, why))
}

/// Whether a file command (`ln`, `chown`, `sed -i`...) writes outside the
/// app and the scratch folders; paths it cannot place are refused.
pub(super) fn writes_outside_the_app(
    facts: &Facts<'_>,
    program: &str,
    paths: &[String],
    workdir: Option<&str>,
    line: usize,
) -> Result<bool, Unsure> {
    let mut outside = false;
    for p in paths {
        let p = &facts.expand_path(p);
        let Some(abs) = resolve(p, workdir) else {
            return Err(Unsure::at(
                Code::UnplaceablePath,
                line,
                format!("`{program}` on the relative path {p} with no WORKDIR"),
            ));
        };
        if p.contains('$') {
            return Err(Unsure::at(
                Code::ComputedAtBuild,
                line,
                format!("`{program}` on {p}, a path with a variable"),
            ));
        }
        if abs.starts_with("/etc/apt") {
            return Err(Unsure::at(
                Code::SystemChangeInBuild,
                line,
                "changes the package sources",
            ));
        }
        if !facts.in_app_or(workdir, &abs) && !SCRATCH.iter().any(|s| under(&abs, s)) {
            outside = true;
        }
    }
    Ok(outside)
}

/// The role that follows from what a RUN does: build work stays in the
/// builder, a system change is repeated, both at once is a doubt.
pub(super) fn role_of_effects(
    facts: &Facts<'_>,
    e: &Effects,
    steps: &[Step],
    line: usize,
) -> Result<Role, Unsure> {
    if e.packaging && !e.build_work {
        if !e.system_change {
            return Ok(Role::Build);
        }
        // Runtime packages and the files made with them (a download with
        // the wget it installs): the runtime repeats the whole RUN. On the
        // builder's own image it is repeated as written, build packages and
        // all, so it does there what it did here.
        if runtime_is_the_builder_image(facts) {
            return Ok(Role::Both);
        }
        if let Some(why) = replay_doubt(steps) {
            return Err(Unsure::at(Code::SystemChangeInBuild, line, why));
        }
        return Ok(Role::Both);
    }
    match (e.system_change, e.build_work || e.packaging) {
        (true, true) => Err(Unsure::at(
            Code::SystemChangeInBuild,
            line,
            "the same RUN builds and changes system files the runtime may need",
        )),
        (true, false) => Ok(Role::Both),
        _ => Ok(Role::Build),
    }
}

/// Each step of a RUN with the folder it runs in.
pub(super) fn each_step(parts: &Parts) -> impl Iterator<Item = (Option<&str>, &Step)> {
    parts
        .iter()
        .flat_map(|(w, steps)| steps.iter().map(move |s| (w.as_deref(), s)))
}

/// Whether a RUN's file commands name a path of the app (a file COPY put
/// there, or below the RUN's working folder when it is the app's).
pub(super) fn uses_app_files(facts: &Facts<'_>, parts: &Parts) -> bool {
    // (A link it makes in the app is copied with the app, and making it
    // again over the copy fails: `link_in_app` refuses those first.)
    // A folder holding files the file copied into it (a certificate in
    // /usr/local/share/ca-certificates) is worked on after they arrive too.
    let holds_copied =
        |folder: &str| folder != "/" && facts.app_paths.iter().any(|a| under(&a.path, folder));
    each_step(parts).any(|(workdir, s)| match s {
        Step::Files { paths, .. } | Step::Chown { paths, .. } => paths.iter().any(|p| {
            resolve(&facts.expand_path(p), workdir)
                .is_some_and(|a| facts.in_app_or(workdir, &a) || holds_copied(&a))
        }),
        _ => false,
    })
}

/// A repeated RUN that makes a link inside the app would make it again over
/// the link the app's copy already brought, and fail.
pub(super) fn refuse_link_in_app(
    facts: &Facts<'_>,
    parts: &Parts,
    line: usize,
) -> Result<(), Unsure> {
    for (workdir, s) in each_step(parts) {
        let Step::Files { program, paths } = s else {
            continue;
        };
        if program != "ln" {
            continue;
        }
        if let Some(link) = paths.last()
            && resolve(&facts.expand_path(link), workdir)
                .is_some_and(|a| facts.in_app_or(workdir, &a))
        {
            return Err(Unsure::at(
                Code::SystemChangeInBuild,
                line,
                format!(
                    "the RUN changes system files and makes the link {link} in the app; repeated in the runtime stage, it would make it again over the copied one"
                ),
            ));
        }
    }
    Ok(())
}

/// The absolute paths a RUN's file commands name, which a repeated RUN
/// makes in the runtime stage too.
pub(super) fn made_files(steps: &[Step], workdir: Option<&str>) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Files { paths, .. } => Some(paths),
            _ => None,
        })
        .flatten()
        .filter_map(|p| resolve(p, workdir))
        .collect()
}

/// The destination of an `mv` or `cp` that takes files from the app to a
/// new top-level folder or one under /opt, which no image has of its own.
pub(super) fn moved_out_of_app(
    facts: &Facts<'_>,
    step: &Step,
    workdir: Option<&str>,
) -> Option<String> {
    let Step::Files { program, paths } = step else {
        return None;
    };
    let (dest, sources) = paths.split_last()?;
    if !matches!(program.as_str(), "mv" | "cp") || sources.is_empty() || dest.ends_with('/') {
        return None;
    }
    let in_app = |abs: &str| facts.in_app_or(workdir, abs);
    let all_from_app = sources.iter().all(|p| {
        !p.contains('$') && !p.contains('*') && resolve(p, workdir).is_some_and(|a| in_app(&a))
    });
    let dest = resolve(dest, workdir).filter(|d| !d.contains('$'))?;
    let parent = dest.rsplit_once('/').map_or("", |(p, _)| p);
    let fresh = (parent.is_empty() && !ROOT_FOLDERS.contains(&dest.as_str()))
        || parent == "/opt"
        || parent.starts_with("/opt/");
    (all_from_app && fresh && !in_app(&dest)).then_some(dest)
}

/// Why a RUN that installs packages and changes system files cannot simply
/// be repeated in the runtime stage, if it cannot: a build tool among its
/// packages, or apt without its own `apt-get update` (slim images have no
/// package lists).
pub(super) fn replay_doubt(steps: &[Step]) -> Option<String> {
    let cat = crate::catalog::catalog();
    let mut indexed = false;
    // Packages the same RUN removes again never reach either image.
    let removed: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::PackageRemove { packages, .. } => Some(packages),
            _ => None,
        })
        .flatten()
        .map(|p| crate::catalog::package_name(p))
        .collect();
    for s in steps {
        match s {
            Step::PackageIndex => indexed = true,
            Step::PackageInstall {
                virtual_name: Some(v),
                ..
            } if indexed && removed.contains(&v.as_str()) => {}
            Step::PackageInstall {
                manager, packages, ..
            } => {
                let family = match manager {
                    _ if !indexed => {
                        return Some("installs packages without refreshing the package index in the same RUN, and changes system files".into());
                    }
                    Manager::Apt => crate::catalog::Family::Debian,
                    Manager::Apk => crate::catalog::Family::Alpine,
                    Manager::Dnf => {
                        return Some(
                            "the same RUN installs dnf packages and changes system files".into(),
                        );
                    }
                };
                if let Some(p) = packages.iter().find(|p| {
                    cat.package_role(family, p) != crate::catalog::PackageRole::Runtime
                        && !removed.contains(&crate::catalog::package_name(p))
                }) {
                    return Some(format!(
                        "the same RUN installs the build package {p} and changes system files the runtime may need; remove it in that RUN so the runtime can repeat it"
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// `COPY --from` does not carry the owner of the folder it copies, so an
/// owner the build sets on a whole copied folder is repeated with
/// `--chown`; the owners of its parts travel with the copy.
pub(super) fn record_owners(
    facts: &mut Facts<'_>,
    parts: &Parts,
    line: usize,
) -> Result<(), Unsure> {
    for (workdir, s) in each_step(parts) {
        let Step::Chown {
            owner,
            paths,
            recursive,
        } = s
        else {
            continue;
        };
        for p in paths {
            let Some(abs) = resolve(&facts.expand_path(p), workdir) else {
                continue;
            };
            let Some(artifact) = facts.app_paths.iter_mut().find(|a| under(&abs, &a.path)) else {
                continue; // outside the app: a system change, handled by run_role
            };
            // A part of a copied folder keeps the owner the build gave it:
            // COPY --from keeps the owners of what it copies (BuildKit,
            // moby/moby#38599), all but the copied folder itself
            // (moby/moby#38710), unless `--chown` gives them all one owner,
            // which an earlier chown of the whole folder would ask for.
            if abs != artifact.path {
                if artifact.chown.is_none() {
                    continue;
                }
                return Err(Unsure::at(
                    Code::Ownership,
                    line,
                    format!(
                        "chown on {abs} after the whole of {} got one owner: copied with that owner, it would lose its own",
                        artifact.path
                    ),
                ));
            }
            if !*recursive {
                return Err(Unsure::at(
                    Code::Ownership,
                    line,
                    format!(
                        "chown without -R on {abs}, the copied folder itself, whose owner COPY --from does not carry"
                    ),
                ));
            }
            if artifact.chown.as_deref().is_some_and(|o| o != owner) {
                return Err(Unsure::at(
                    Code::Ownership,
                    line,
                    format!("chown on {abs}, which an earlier RUN gave another owner"),
                ));
            }
            artifact.chown = Some(owner.clone());
        }
    }
    Ok(())
}

/// Replaces each shell script a RUN runs (`sh build.sh`, `./install.sh`)
/// with the steps of its commands, read from the build context; a script
/// that cannot be read stays, and stops the rewrite.
pub(super) fn expand_scripts(
    facts: &Facts<'_>,
    steps: Vec<Step>,
    workdir: Option<&str>,
    line: usize,
    depth: usize,
) -> Result<Vec<Step>, Unsure> {
    let mut out = Vec::new();
    for s in steps {
        let Step::ShellScript { path } = &s else {
            out.push(s);
            continue;
        };
        let text =
            resolve(&facts.expand_path(path), workdir).and_then(|abs| facts.context_file_at(&abs));
        let Some(text) = text.filter(|_| depth < 4) else {
            out.push(s);
            continue;
        };
        // A script whose `#!` names another interpreter is that language's
        // code, not commands of the shell.
        if let Some(bang) = crate::facts::code::shebang(&text)
            && !matches!(
                bang.program.rsplit('/').next(),
                Some("sh" | "bash" | "dash" | "ash" | "zsh" | "ksh")
            )
        {
            out.push(Step::Code {
                interpreter: bang.program.rsplit('/').next().unwrap_or("").to_string(),
                script: Some(path.clone()),
                inline: None,
                args: Vec::new(),
            });
            continue;
        }
        let inner = steps_of(&shell::commands(&text));
        if inner.iter().any(|s| matches!(s, Step::Unknown(_))) {
            // Name the script in the reason, not only the command.
            if let Some(Step::Unknown(prog)) = inner.iter().find(|s| matches!(s, Step::Unknown(_)))
            {
                return Err(Unsure::at(
                    Code::UnknownCommand,
                    line,
                    format!("{path} calls `{prog}`, which dockopt does not know"),
                ));
            }
        }
        // The script runs in its own shell: its `cd`s end with it.
        out.push(Step::Cd(CdTo::Enter));
        out.extend(expand_scripts(facts, inner, workdir, line, depth + 1)?);
        out.push(Step::Cd(CdTo::Leave));
    }
    Ok(out)
}

/// Appends a step, with a `sh -c` script's steps in place of it.
pub(super) fn flatten_into(step: Step, out: &mut Vec<Step>) {
    match step {
        Step::Script(inner) => {
            // `sh -c` runs in its own shell: its `cd`s end with it.
            out.push(Step::Cd(CdTo::Enter));
            inner.into_iter().for_each(|s| flatten_into(s, out));
            out.push(Step::Cd(CdTo::Leave));
        }
        s => out.push(s),
    }
}

/// Keeps the list of installed system packages up to date.
pub(super) fn track_packages(
    facts: &mut Facts<'_>,
    virtual_groups: &mut Vec<(String, Vec<String>)>,
    step: &Step,
    line: usize,
) {
    match step {
        Step::PackageInstall {
            manager,
            packages,
            virtual_name,
            pin_linted,
            recommends,
        } => {
            if *manager == Manager::Apt {
                facts.uses_apt = true;
            }
            if let Some(v) = virtual_name {
                virtual_groups.push((v.clone(), packages.clone()));
            }
            for p in packages {
                facts.packages.push(Installed {
                    manager: *manager,
                    package: p.clone(),
                    line,
                    replayed: false,
                    pin_linted: *pin_linted,
                    recommends: *recommends,
                });
            }
        }
        Step::PackageRemove { packages, .. } => {
            for p in packages {
                let group: Vec<String> = virtual_groups
                    .iter()
                    .filter(|(v, _)| v == p)
                    .flat_map(|(_, g)| g.clone())
                    .collect();
                let name = crate::catalog::package_name(p).to_string();
                facts.packages.retain(|i| {
                    let n = crate::catalog::package_name(&i.package);
                    n != name && !group.iter().any(|g| crate::catalog::package_name(g) == n)
                });
            }
        }
        _ => {}
    }
}
