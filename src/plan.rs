//! What a rewrite decides, before any text is written: the role of every
//! instruction with its reason, the images, and the artifacts the runtime
//! stage copies. `explain` prints it; `emit` turns it into text.

use serde::Serialize;

use crate::reasons::Code;

/// Where an instruction ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Stays in the builder stage only.
    Build,
    /// Moves to the runtime stage.
    Runtime,
    /// Stays in the builder and is repeated in the runtime stage.
    Both,
}

/// The decision about one instruction.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// Node index in the parsed file.
    #[serde(skip)]
    pub node: usize,
    /// First and last line.
    pub lines: (usize, usize),
    /// The instruction's kind.
    #[serde(skip)]
    pub kind: crate::syntax::Kind,
    /// The keyword as written, for display.
    pub keyword: String,
    /// Where it goes.
    pub role: Role,
    /// Why, in a sentence.
    pub reason: String,
}

/// A path the runtime stage copies from the builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// Absolute path, the same in both stages.
    pub path: String,
    /// `--chown` to repeat, when the original set an owner.
    pub chown: Option<String>,
    /// Why it is needed.
    pub reason: String,
    /// A single file, which the runtime may copy with the other files of
    /// its folder in one COPY (a context's files copied into `/`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub file: bool,
}

/// An instruction dockopt adds to the file, as data: [`crate::emit`]
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Added {
    /// Installs system packages the lean way (apt-get without Recommends,
    /// `apk add --no-cache`, dnf without weak dependencies), after
    /// upgrading the system's packages when `upgrade`.
    Packages {
        family: crate::catalog::Family,
        packages: Vec<String>,
        /// Those the original file installed with their Recommends, which
        /// keep them.
        with_recommends: Vec<String>,
        upgrade: bool,
        /// hadolint rules the line cannot follow (version pins it cannot
        /// know), said in a comment above it.
        lint_ignore: Vec<&'static str>,
    },
    /// A RUN of one shell command.
    Run { command: String },
    /// An ENV of one variable.
    Env { name: String, value: String },
    /// A WORKDIR.
    Workdir { path: String },
}

/// An instruction dockopt adds, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addition {
    #[serde(flatten)]
    pub what: Added,
    pub why: String,
}

/// The command that leaves devDependencies in the builder, and the node it
/// goes before.
/// An environment variable the runtime stage sets after the artifacts, with
/// why (shown by `explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvSetting {
    pub name: String,
    pub value: String,
    pub reason: String,
}

impl EnvSetting {
    /// A setting of `name` to `value`, for `reason`.
    pub fn new(name: &str, value: impl Into<String>, reason: impl Into<String>) -> Self {
        EnvSetting {
            name: name.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prune {
    #[serde(skip)]
    pub before: usize,
    pub command: String,
}

impl Prune {
    /// The RUN line the prune is written as.
    pub fn added(&self) -> Added {
        Added::Run {
            command: self.command.clone(),
        }
    }
}

/// A complete rewrite plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The strategy that decided.
    pub strategy: crate::ecosystem::Ecosystem,
    /// The builder image: as written in the file, or the tag it is pinned
    /// to (see `pinned_from`).
    pub builder_image: String,
    /// The image the file's FROM names, when the rewrite pins it to
    /// `builder_image` (`rust:latest` → `rust:trixie`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_from: Option<String>,
    /// The builder stage name.
    pub builder_name: String,
    /// The runtime image.
    pub runtime_image: String,
    /// One decision per instruction, in file order.
    pub decisions: Vec<Decision>,
    /// Artifacts copied into the runtime stage.
    pub artifacts: Vec<Artifact>,
    /// Instructions inserted in the builder before a node.
    #[serde(skip)]
    pub builder_inserts: Vec<(usize, Vec<Added>)>,
    /// The RUN that prunes devDependencies after the build (config `[node]
    /// prune = false` drops it).
    pub prune: Option<Prune>,
    /// Why devDependencies stay in the runtime when the build has some
    /// and there is no prune (shown by `explain`).
    pub dev_kept: Option<String>,
    /// Instructions written at the top of the runtime stage (package
    /// installs, a WORKDIR the runtime image lacks), with why.
    pub runtime_steps: Vec<Addition>,
    /// Environment the artifacts need, written right after them.
    pub artifact_env: Vec<EnvSetting>,
    /// `COPY --link` for the artifacts (config `link = true`).
    #[serde(skip)]
    pub link: bool,
    /// A USER line written after the artifacts (config `non_root = true`).
    pub runtime_user: Option<String>,
    /// Repeated RUNs that use the app's files, so that the runtime stage
    /// repeats them after the artifacts are copied (node indices).
    #[serde(skip)]
    pub replay_after: Vec<usize>,
    /// The image's command, written anew in the runtime stage because it
    /// runs a build tool the runtime image lacks (`cargo run` becomes the
    /// binary it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandChange>,
}

/// A CMD or ENTRYPOINT the runtime stage writes differently from the
/// original, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandChange {
    /// Node index of the original instruction.
    #[serde(skip)]
    pub node: usize,
    /// Its line in the original file.
    pub line: usize,
    /// The instruction as the runtime stage writes it, without a final
    /// newline.
    pub text: String,
    pub reason: String,
}

/// Why a file is left as it is: a code (see [`crate::reasons`]), the line
/// the doubt is about, and the particulars in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsure {
    pub code: Code,
    /// The line the doubt is about, if one.
    pub line: Option<usize>,
    /// The reason, in a sentence.
    pub reason: String,
}

impl Unsure {
    /// A doubt about line `line`.
    pub fn at(code: Code, line: usize, reason: impl Into<String>) -> Unsure {
        Unsure {
            code,
            line: Some(line),
            reason: reason.into(),
        }
    }

    /// A doubt about the whole file.
    pub fn file(code: Code, reason: impl Into<String>) -> Unsure {
        Unsure {
            code,
            line: None,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Unsure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{} unsure about line {l}: {}", self.code, self.reason),
            None => write!(f, "{} {}", self.code, self.reason),
        }
    }
}
