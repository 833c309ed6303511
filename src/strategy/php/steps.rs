//! What PHP's tools do in a RUN: composer, and the extension builders
//! that change the PHP installation itself.

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;

/// A composer command or an extension builder, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let args = cmd.args();
    Some(match cmd.program() {
        "composer" | "composer.phar" => Step::Composer {
            args: args.to_vec(),
        },
        "docker-php-ext-install"
        | "docker-php-ext-configure"
        | "docker-php-ext-enable"
        | "docker-php-source"
        | "install-php-extensions" => Step::PhpExtension,
        "pecl" if args.first().is_some_and(|a| a == "install") => Step::PhpExtension,
        _ => return None,
    })
}
