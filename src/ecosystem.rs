//! The ecosystems dockopt has a strategy for: the one name used by the
//! catalog, the strategies, the plan, the config's `disable` and the reports.

use serde::{Deserialize, Serialize};

/// An ecosystem with a strategy of its own (and `distro`, plain
/// distribution images).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Python,
    Node,
    Go,
    Rust,
    Java,
    Dotnet,
    Ruby,
    Php,
    /// C and C++ on the gcc image.
    C,
    /// Plain distribution images (debian, ubuntu, alpine...).
    Distro,
}

impl Ecosystem {
    /// Every ecosystem, in the order `--help` and errors list them.
    pub const ALL: [Ecosystem; 10] = [
        Ecosystem::Python,
        Ecosystem::Node,
        Ecosystem::Go,
        Ecosystem::Rust,
        Ecosystem::Java,
        Ecosystem::Dotnet,
        Ecosystem::Ruby,
        Ecosystem::Php,
        Ecosystem::C,
        Ecosystem::Distro,
    ];

    /// The name as the config, the reports and `explain` write it.
    pub fn name(self) -> &'static str {
        match self {
            Ecosystem::Python => "python",
            Ecosystem::Node => "node",
            Ecosystem::Go => "go",
            Ecosystem::Rust => "rust",
            Ecosystem::Java => "java",
            Ecosystem::Dotnet => "dotnet",
            Ecosystem::Ruby => "ruby",
            Ecosystem::Php => "php",
            Ecosystem::C => "c",
            Ecosystem::Distro => "distro",
        }
    }

    /// The ecosystem named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Ecosystem> {
        Ecosystem::ALL.into_iter().find(|e| e.name() == name)
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_name(e.name()), Some(e));
            let json = serde_json::to_string(&e).expect("serialises");
            assert_eq!(json, format!("\"{}\"", e.name()));
        }
        assert_eq!(Ecosystem::from_name("perl"), None);
    }
}
