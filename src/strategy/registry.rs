//! The one table of ecosystems. Each entry is an ecosystem's strategy: the
//! recogniser of its tools' commands in a RUN (pip, npm, go, cargo...) and
//! the planner of its rewrites. Both live in the ecosystem's own module
//! (`strategy/python/steps.rs` and `strategy/python/mod.rs`), with its data
//! in `src/catalog/`; adding an ecosystem adds its module, its data and a
//! row here.
//!
//! Plain distribution images (`distro`) have no tools of their own: their
//! files run the other ecosystems' tools, and the distro strategy follows
//! those.

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::classify::Facts;
use crate::ecosystem::Ecosystem;
use crate::plan::{Plan, Unsure};

use super::{cpp, distro, dotnet, go, java, node, php, python, ruby, rust};

/// One ecosystem's strategy.
pub struct Strategy {
    pub ecosystem: Ecosystem,
    /// What a command of the ecosystem's tools does; None for a program
    /// that is not one of them.
    pub recognise: fn(&Command) -> Option<Step>,
    /// The plan for a file on one of the ecosystem's images.
    pub plan: fn(&Facts<'_>) -> Result<Plan, Unsure>,
}

/// Every strategy, in the order their recognisers are asked.
pub static STRATEGIES: [Strategy; 10] = [
    Strategy {
        ecosystem: Ecosystem::Python,
        recognise: python::steps::recognise,
        plan: python::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Node,
        recognise: node::steps::recognise,
        plan: node::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Go,
        recognise: go::steps::recognise,
        plan: go::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Java,
        recognise: java::steps::recognise,
        plan: java::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Dotnet,
        recognise: dotnet::steps::recognise,
        plan: dotnet::plan,
    },
    Strategy {
        ecosystem: Ecosystem::C,
        recognise: cpp::steps::recognise,
        plan: cpp::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Ruby,
        recognise: ruby::steps::recognise,
        plan: ruby::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Php,
        recognise: php::steps::recognise,
        plan: php::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Rust,
        recognise: rust::steps::recognise,
        plan: rust::plan,
    },
    Strategy {
        ecosystem: Ecosystem::Distro,
        recognise: |_| None,
        plan: distro::plan,
    },
];

/// The strategy of `ecosystem`.
pub fn strategy(ecosystem: Ecosystem) -> &'static Strategy {
    STRATEGIES
        .iter()
        .find(|s| s.ecosystem == ecosystem)
        .unwrap_or_else(|| unreachable!("every ecosystem has a row: {ecosystem}"))
}

/// What a command of any ecosystem's tools does, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    STRATEGIES.iter().find_map(|s| (s.recognise)(cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ecosystem_has_one_row() {
        for e in Ecosystem::ALL {
            assert_eq!(
                STRATEGIES.iter().filter(|s| s.ecosystem == e).count(),
                1,
                "{e}"
            );
        }
    }

    #[test]
    fn each_tool_is_recognised_by_one_ecosystem() {
        for line in [
            "pip install flask",
            "npm ci",
            "go build -o /app .",
            "mvn package",
            "dotnet publish -o /out",
            "make install",
            "bundle install",
            "composer install",
            "cargo build --release",
        ] {
            let cmd = &crate::analysis::shell::commands(line)[0];
            let owners: Vec<Ecosystem> = STRATEGIES
                .iter()
                .filter(|s| (s.recognise)(cmd).is_some())
                .map(|s| s.ecosystem)
                .collect();
            assert_eq!(owners.len(), 1, "{line}: {owners:?}");
        }
    }
}
