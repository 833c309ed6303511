//! PHP: composer projects on the official `php` image.
//!
//! ## What it recognises
//! `composer install`, `update`, `require` and `dump-autoload` (`vendor/`
//! is written in the project, inside the app folders), composer itself
//! copied from the `composer` image, PHP extensions built with
//! `docker-php-ext-install`, `docker-php-ext-enable`, `pecl install` or
//! `install-php-extensions`, and Apache's configuration changed with
//! `a2enmod` or `sed -i`.
//!
//! ## What it emits
//! The runtime stage starts from the same php image: there is no slimmer
//! one that has the same PHP. It leaves behind composer, its cache and the
//! build-only packages no repeated RUN needs, and copies the app with its
//! `vendor/` (and the owners the build gave parts of it, such as Laravel's
//! `storage/`). A RUN that changes the system (an extension build, a module
//! enabled) is repeated there as written, build packages and all, and so is
//! an earlier RUN that installs packages it may build on
//! (src/classify/run.rs, `role_of_effects`).
//!
//! ## When it leaves the file alone
//! No composer step (nothing to leave behind), a RUN that both builds the
//! app and changes the system, or a CMD that runs composer.
//!
//! ## Example
//! With a build context holding:
//! ```text
//! composer.json:
//! {
//!   "require": { "monolog/monolog": "^3.0" }
//! }
//! ```
//! ```text
//! index.php:
//! <?php echo 'hi';
//! ```
//! the file
//! ```dockerfile
//! FROM php:8.3-apache
//! COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
//! COPY . .
//! RUN composer install --no-dev
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM php:8.3-apache AS builder
//! COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
//! COPY . .
//! RUN composer install --no-dev
//!
//! FROM php:8.3-apache
//! COPY --from=builder /var/www/html /var/www/html
//! ```

pub mod scripts;
pub mod steps;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::{Family, PackageRole};
use crate::classify::Facts;
use crate::plan::{Plan, Role, Unsure};
use crate::reasons::Code;

use super::{Runtime, base_plan, install_runtime_needs, left_behind, same_image_has};

/// Decides the plan for a composer project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = Runtime {
        image: facts.image.to_string(),
        family: Family::Debian,
        builder: None,
    };
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Php, &runtime);
    let family = family_of(&plan);
    if !facts.runs_step(|s| matches!(s, Step::Composer { .. })) {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no composer install: the runtime would be the same php image with the same files",
        ));
    }
    extensions_are_self_contained(facts, &plan)?;
    for (node, workdir, steps) in &facts.run_steps {
        for step in steps {
            if let Step::Composer { args } = step {
                scripts::check(facts, args, workdir.as_deref(), facts.line(*node))?;
            }
        }
    }
    super::leave_tool_images_behind(facts, &mut plan);
    let left = left_behind(facts, family);
    let mut provided = |cmd: &Command| -> Result<bool, Unsure> {
        if matches!(cmd.program(), "composer" | "composer.phar") {
            return Err(Unsure::file(
                Code::RunsBuildTool,
                "the image runs composer, a build tool the runtime leaves out",
            ));
        }
        same_image_has(family, &left, cmd)
    };
    install_runtime_needs(&mut plan, facts, family, &mut provided, Vec::new())?;
    Ok(plan)
}

/// An extension build the runtime repeats must find its headers there:
/// installed in the same RUN, or by an earlier package RUN that is repeated
/// too (not one that also does other work, which stays in the builder).
fn extensions_are_self_contained(facts: &Facts<'_>, plan: &Plan) -> Result<(), Unsure> {
    for (node, _, steps) in &facts.run_steps {
        if !steps.iter().any(|s| matches!(s, Step::PhpExtension)) {
            continue;
        }
        let line = facts.line(*node);
        let replayed = plan
            .decisions
            .iter()
            .any(|d| d.node == *node && d.role == Role::Both);
        let cat = crate::catalog::catalog();
        let earlier_build_packages = facts.packages.iter().any(|p| {
            p.line < line
                && !p.replayed
                && cat.package_role(family_of(plan), &p.package) != PackageRole::Runtime
        });
        if !replayed || earlier_build_packages {
            return Err(Unsure::at(
                Code::SystemChangeInBuild,
                line,
                "builds a PHP extension on build packages an earlier RUN installs along with other work, which the runtime stage does not repeat; install them in a RUN of their own or in the same RUN",
            ));
        }
    }
    Ok(())
}

/// The package family of the plan's runtime image.
fn family_of(plan: &Plan) -> Family {
    if plan.runtime_image.contains("alpine") {
        Family::Alpine
    } else {
        Family::Debian
    }
}
