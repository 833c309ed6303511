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

/// A complete rewrite plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The strategy that decided.
    pub strategy: crate::ecosystem::Ecosystem,
    /// The builder image as written in the file.
    pub builder_image: String,
    /// The builder stage name.
    pub builder_name: String,
    /// The runtime image.
    pub runtime_image: String,
    /// One decision per instruction, in file order.
    pub decisions: Vec<Decision>,
    /// Artifacts copied into the runtime stage.
    pub artifacts: Vec<Artifact>,
    /// Lines inserted in the builder before a node, with why.
    #[serde(skip)]
    pub builder_inserts: Vec<(usize, String)>,
    /// The RUN that prunes devDependencies after the build, before a node
    /// (config `[node] prune = false` drops it).
    pub prune: Option<(usize, String)>,
    /// Instructions written at the top of the runtime stage (package
    /// installs, environment for the artifacts), with why.
    pub runtime_steps: Vec<(String, String)>,
    /// Environment lines written right after the artifacts.
    #[serde(skip)]
    pub artifact_env: Vec<String>,
    /// `COPY --link` for the artifacts (config `link = true`).
    #[serde(skip)]
    pub link: bool,
    /// A USER line written after the artifacts (config `non_root = true`).
    pub runtime_user: Option<String>,
    /// Repeated RUNs that use the app's files, so that the runtime stage
    /// repeats them after the artifacts are copied (node indices).
    #[serde(skip)]
    pub replay_after: Vec<usize>,
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
