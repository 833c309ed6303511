//! Every outcome dockopt reports about a file it leaves alone, as a typed
//! code with its documentation: what it means, why dockopt stops, and what
//! the user can do. Messages name the particulars; the code is what CI,
//! reports and SARIF group and count by. `dockopt rules` lists the codes,
//! `dockopt rule CODE` prints one.

use serde::Serialize;

/// Why a file is left as it is (or, for `Rewrite`, that it can change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A rewrite is available (not a refusal).
    Rewrite,
    AlreadyMultiStage,
    NoFrom,
    Ignored,
    StrategyOff,
    UnknownBase,
    NothingToBuild,
    UnsupportedInstruction,
    DirectiveConflict,
    UnknownCommand,
    BuildCodeEscapes,
    BuildScriptMissing,
    ComputedAtBuild,
    SystemChangeInBuild,
    CopyIntoSystem,
    DownloadOutsideApp,
    NpmScript,
    ComposerScript,
    ForeignStep,
    UnplaceablePath,
    NonRootBuild,
    Ownership,
    UnknownRuntimeProgram,
    ComputedAtRuntime,
    Supervisor,
    RunsBuildTool,
    RuntimeScriptMissing,
    UnknownLibrary,
    CompilesAtRuntime,
    ManifestMissing,
    ContextTooLarge,
    DigestPinned,
    UnknownTag,
    WindowsImage,
    VenvMove,
    PythonEnvironment,
}

/// A code's documentation, as `dockopt rule CODE` prints it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Doc {
    /// `DO201`.
    pub id: &'static str,
    /// `unknown-command`.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Why dockopt stops there.
    pub why: &'static str,
    /// What the user can do.
    pub fix: &'static str,
    /// A Dockerfile (or part of one) that raises it.
    pub example: &'static str,
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Code {
    /// The code as written (`DO201`).
    pub fn id(self) -> &'static str {
        self.doc().id
    }

    /// The code with that id or name, if there is one.
    pub fn parse(text: &str) -> Option<Code> {
        ALL.iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(text) || c.doc().name == text)
    }

    /// Every code, in order.
    pub fn all() -> &'static [Code] {
        ALL
    }

    /// The documentation.
    pub fn doc(self) -> &'static Doc {
        use Code::*;
        match self {
            Rewrite => &Doc {
                id: "DO001",
                name: "rewrite-available",
                summary: "The file can be rewritten into a builder and a runtime stage.",
                why: "Everything the build does and the program needs is accounted for.",
                fix: "Review the diff (`dockopt rewrite FILE`), prove it with `dockopt verify FILE`, apply it with `--in-place`.",
                example: "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD [\"python\", \"/app/app.py\"]",
            },
            AlreadyMultiStage => &Doc {
                id: "DO101",
                name: "already-multi-stage",
                summary: "The file has more than one FROM.",
                why: "dockopt rewrites single-stage files; one with stages has a split already.",
                fix: "Nothing to do. `dockopt verify --rewritten` can check a hand-made split against the single-stage file it came from.",
                example: "FROM golang:1.22 AS build\n...\nFROM debian:bookworm-slim",
            },
            NoFrom => &Doc {
                id: "DO102",
                name: "no-from",
                summary: "The file has no FROM, or its FROM names no image.",
                why: "Without a base image there is nothing to split.",
                fix: "Check that the file is a Dockerfile.",
                example: "RUN echo hello",
            },
            Ignored => &Doc {
                id: "DO103",
                name: "ignored",
                summary: "A `# dockopt: ignore` comment or the config's `skip` leaves the file alone.",
                why: "The file's owners asked dockopt not to touch it.",
                fix: "Remove the comment, or the glob from `skip` in .dockopt.toml.",
                example: "# dockopt: ignore\nFROM python:3.12",
            },
            StrategyOff => &Doc {
                id: "DO104",
                name: "strategy-off",
                summary: "The ecosystem's strategy is turned off in .dockopt.toml.",
                why: "`disable` lists it.",
                fix: "Remove it from `disable`.",
                example: "disable = [\"python\"]",
            },
            UnknownBase => &Doc {
                id: "DO105",
                name: "unknown-base-image",
                summary: "No strategy knows the base image.",
                why: "dockopt knows the official images of Python, Node.js, Go, Rust, Java, .NET, Ruby, PHP and GCC, and plain distributions; for another image it cannot tell what its slim counterpart holds.",
                fix: "Base the file on an official image, or keep it as it is.",
                example: "FROM nginx:1.27",
            },
            NothingToBuild => &Doc {
                id: "DO106",
                name: "nothing-to-build",
                summary: "The build has nothing a builder stage could keep back.",
                why: "No compile, package install or build-only package: a runtime stage would hold the same files.",
                fix: "Nothing to gain; the file is fine as it is.",
                example: "FROM python:3.12-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]",
            },
            UnsupportedInstruction => &Doc {
                id: "DO107",
                name: "unsupported-instruction",
                summary: "The file uses an instruction or flag dockopt does not split (ONBUILD, an unknown instruction, FROM flags, a continuation at the end).",
                why: "Its meaning in a two-stage file is not certain.",
                fix: "Keep the file as it is, or split it by hand.",
                example: "ONBUILD COPY . /app",
            },
            DirectiveConflict => &Doc {
                id: "DO108",
                name: "directive-conflict",
                summary: "A `# dockopt:` comment asks for what the build cannot do.",
                why: "`# dockopt: runtime` above a pip, npm or compiler RUN would move the build into the slim runtime stage, where its tools and sources are not.",
                fix: "Remove the comment, or put `# dockopt: runtime` only above RUNs the running image needs as they are.",
                example: "# dockopt: runtime\nRUN pip install -r requirements.txt",
            },
            UnknownCommand => &Doc {
                id: "DO201",
                name: "unknown-command",
                summary: "A RUN calls a program whose effects dockopt does not know.",
                why: "What it writes, and so what the runtime needs, cannot be told.",
                fix: "If the RUN is build work whose results stay in the app, put `# dockopt: build` just above it; if the runtime needs it as it is, `# dockopt: runtime`.",
                example: "RUN ./bootstrap --with-everything",
            },
            BuildCodeEscapes => &Doc {
                id: "DO202",
                name: "build-code-writes-outside",
                summary: "Code a RUN executes may write outside the app.",
                why: "`node build.js`, `python -c`, heredoc code and the like are read: a path outside the app, the home folder, the environment or a module dockopt does not have means it may leave files the runtime would lack.",
                fix: "Write the outputs below the app folder, or vouch for the RUN with `# dockopt: build`.",
                example: "RUN node -e \"require('fs').writeFileSync('/etc/app.json', '{}')\"",
            },
            BuildScriptMissing => &Doc {
                id: "DO203",
                name: "build-script-not-in-context",
                summary: "A RUN runs a script (or an npm script) that is not in the build context.",
                why: "Its commands cannot be read.",
                fix: "Run dockopt with the build context (`--context DIR`), or vouch with `# dockopt: build`.",
                example: "RUN sh scripts/build.sh",
            },
            ComputedAtBuild => &Doc {
                id: "DO204",
                name: "computed-at-build",
                summary: "What a command installs or where it writes comes from a command substitution or a variable.",
                why: "`pip install $(cat list)` installs what the build computes; dockopt cannot see it.",
                fix: "Name the packages or paths (`pip install -r list`).",
                example: "RUN pip install $(cat requirements.txt)",
            },
            SystemChangeInBuild => &Doc {
                id: "DO205",
                name: "system-change-in-build",
                summary: "A RUN both builds and changes system files, or changes them in a way that cannot be repeated in the runtime.",
                why: "The runtime stage repeats system changes; it cannot repeat half a RUN, a change of the package sources, or a link over the copied app.",
                fix: "Split the RUN: the build commands in one, the system changes in another.",
                example: "RUN make && cp build/app.conf /etc/app.conf",
            },
            CopyIntoSystem => &Doc {
                id: "DO206",
                name: "copy-into-system",
                summary: "COPY or ADD puts files into / or among a system folder's own.",
                why: "The runtime cannot copy them apart from the builder image's files.",
                fix: "Copy into an app folder (`WORKDIR /app`, `COPY . .`).",
                example: "COPY . /",
            },
            DownloadOutsideApp => &Doc {
                id: "DO207",
                name: "download-outside-app",
                summary: "The build downloads into a place outside the app (ADD from a URL, a package's install script, a global cache).",
                why: "puppeteer, Playwright and Yarn's global cache put files in the home folder; ADD from a URL brings what dockopt cannot see.",
                fix: "Skip the download (PUPPETEER_SKIP_DOWNLOAD...), or keep the cache in the project (Yarn's enableGlobalCache: false).",
                example: "RUN npm install puppeteer",
            },
            NpmScript => &Doc {
                id: "DO208",
                name: "npm-script",
                summary: "An npm script, or a dependency's install script, runs something whose effects dockopt does not know.",
                why: "`npm run build` and `npm install` run the scripts of package.json and the install scripts of dependencies.",
                fix: "Keep the script's outputs in the project (no output folder outside it, in its arguments or its tool's configuration), use a known build tool (tsc, vite, next, webpack...), or vouch for the RUN with `# dockopt: build`.",
                example: "\"scripts\": { \"build\": \"./scripts/build.sh\" }",
            },
            ComposerScript => &Doc {
                id: "DO213",
                name: "composer-script",
                summary: "A script of composer.json that an install, update or dump-autoload fires runs something whose effects dockopt does not know.",
                why: "`composer install` runs the project's scripts for its events (post-install-cmd, post-autoload-dump), and they can write anywhere.",
                fix: "Keep the scripts' writes in the project, or run composer with `--no-scripts` and the commands on their own.",
                example: "\"post-install-cmd\": [\"cp app.ini /usr/local/etc/php/conf.d/\"]",
            },
            ForeignStep => &Doc {
                id: "DO209",
                name: "foreign-step",
                summary: "A step of another ecosystem than the image's installs where this strategy does not follow (pip on a node image).",
                why: "Each strategy knows where its own tools put things.",
                fix: "Install into the app folder, or into a virtual environment the file makes and puts on PATH.",
                example: "FROM node:20\nRUN pip install six",
            },
            UnplaceablePath => &Doc {
                id: "DO210",
                name: "unplaceable-path",
                summary: "A path the build writes cannot be placed: relative with no WORKDIR, with a variable, or an output whose name is not known.",
                why: "The runtime copies exact paths.",
                fix: "Set a WORKDIR, name the output (`go build -o /app/server`).",
                example: "RUN go build ./...",
            },
            NonRootBuild => &Doc {
                id: "DO211",
                name: "non-root-build",
                summary: "USER comes before RUN steps.",
                why: "Files those RUNs make belong to that user, which a copy from the builder does not keep.",
                fix: "Run the build as root and switch USER at the end.",
                example: "USER app\nRUN pip install --user -r requirements.txt",
            },
            Ownership => &Doc {
                id: "DO212",
                name: "ownership",
                summary: "Part of a copied folder gets another owner, or a user only the build image has owns files or runs the program.",
                why: "COPY --from gives one owner to a whole folder, and the runtime image lacks the build image's users.",
                fix: "chown the whole folder, or create the user in a RUN.",
                example: "RUN chown app /app/data",
            },
            UnknownRuntimeProgram => &Doc {
                id: "DO301",
                name: "unknown-runtime-program",
                summary: "The image runs a program dockopt cannot tell the runtime image has.",
                why: "CMD, its scripts or the app's code start a program the runtime image may lack.",
                fix: "Install the program in a RUN, keep the builder image for the runtime with `# dockopt: keep-base`, or, when only the app's code names it and the app does not need it when it runs, say so with `# dockopt: not-needed NAME`.",
                example: "CMD [\"mytool\", \"serve\"]",
            },
            ComputedAtRuntime => &Doc {
                id: "DO302",
                name: "computed-at-runtime",
                summary: "The program or library the app starts or loads is named by a variable or computed by the code.",
                why: "dockopt cannot look it up in what the runtime image lacks.",
                fix: "Name the programs it may start with `# dockopt: app-runs NAME...` (or `runs` under `[app]` in .dockopt.toml): dockopt then installs those the runtime image lacks. Or name it in the code.",
                example: "subprocess.run([os.environ[\"TOOL\"]])",
            },
            Supervisor => &Doc {
                id: "DO303",
                name: "supervisor",
                summary: "The image runs supervisord, cron or the like, which start the programs their configuration names.",
                why: "dockopt does not read those configurations.",
                fix: "Keep the file, or split it by hand and check it with `dockopt verify --rewritten`.",
                example: "CMD [\"supervisord\", \"-c\", \"/etc/supervisord.conf\"]",
            },
            RunsBuildTool => &Doc {
                id: "DO304",
                name: "runs-build-tool",
                summary: "The image runs a build tool or a development server (dotnet run, go run, npm run dev, poetry run...).",
                why: "It needs the SDK or the build's tools, which the runtime leaves out.",
                fix: "Run the built program instead (`dotnet App.dll`, the binary, `npm start` of a production server).",
                example: "CMD [\"npm\", \"run\", \"dev\"]",
            },
            RuntimeScriptMissing => &Doc {
                id: "DO305",
                name: "runtime-script-not-in-context",
                summary: "CMD or ENTRYPOINT runs a script that is not in the build context.",
                why: "What it calls cannot be checked.",
                fix: "Run dockopt with the build context (`--context DIR`).",
                example: "ENTRYPOINT [\"./entrypoint.sh\"]",
            },
            UnknownLibrary => &Doc {
                id: "DO306",
                name: "unknown-library",
                summary: "The build links, or a package needs, a system library whose runtime package dockopt does not know.",
                why: "The full images have -dev packages the slim ones lack; without the runtime package the program would not load.",
                fix: "Install the runtime library in a RUN, or add it to src/catalog/packages.toml.",
                example: "RUN apt-get install -y libfoo-dev",
            },
            CompilesAtRuntime => &Doc {
                id: "DO307",
                name: "compiles-at-runtime",
                summary: "A package compiles C or C++ code while the program runs (DeepSpeed, PyTensor and PyMC, PyStan), or the code asks torch or triton to (torch.compile, @triton.jit, pyximport).",
                why: "The runtime stage has no compiler.",
                fix: "Keep the file as it is; torch without torch.compile in the code is rewritten.",
                example: "RUN pip install deepspeed",
            },
            ManifestMissing => &Doc {
                id: "DO308",
                name: "manifest-not-in-context",
                summary: "The build installs from a manifest (requirements.txt, Gemfile, Cargo.lock, go.mod) that is not in the build context.",
                why: "What it installs, and what that links, cannot be read.",
                fix: "Run dockopt in the repository, or with `--context DIR`.",
                example: "RUN pip install -r requirements.txt",
            },
            ContextTooLarge => &Doc {
                id: "DO309",
                name: "context-too-large",
                summary: "The build context has more files than dockopt reads.",
                why: "Every source file the image gets is read for what it uses.",
                fix: "Narrow the context with .dockerignore and the COPY sources.",
                example: "COPY . .",
            },
            DigestPinned => &Doc {
                id: "DO401",
                name: "digest-pinned",
                summary: "The base image is pinned by digest, and the runtime image would be another one.",
                why: "dockopt cannot know the other image's digest.",
                fix: "Pin the runtime image's digest by hand after the rewrite, or use a tag.",
                example: "FROM python:3.12@sha256:...",
            },
            UnknownTag => &Doc {
                id: "DO402",
                name: "unknown-tag",
                summary: "The tag's variant or release has no runtime image dockopt knows.",
                why: "The runtime must be the same release (same C library) as the builder.",
                fix: "Name the release in the tag (`rust:1.79-bookworm`).",
                example: "FROM rust:latest",
            },
            WindowsImage => &Doc {
                id: "DO403",
                name: "windows-image",
                summary: "Windows base images have no slim variant dockopt knows.",
                why: "dockopt's knowledge is of Linux images.",
                fix: "Keep the file as it is.",
                example: "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
            },
            VenvMove => &Doc {
                id: "DO501",
                name: "venv-move",
                summary: "Something names the system Python's folders, which moving pip's packages into /opt/venv would empty.",
                why: "ENV values, copied files, scripts' #! lines or pip by its path would point at packages that moved; a PATH that puts /usr/local/bin first (or drops $PATH) would find the system Python before the virtual environment.",
                fix: "Install into a virtual environment the file makes and puts on PATH, use `#!/usr/bin/env python3`, or drop an `ENV PATH /usr/local/bin:$PATH` the image already has.",
                example: "ENV PYTHONPATH=/usr/local/lib/python3.12/site-packages",
            },
            PythonEnvironment => &Doc {
                id: "DO502",
                name: "python-environment",
                summary: "A Python tool installs where dockopt cannot copy it apart (poetry's or pipenv's own cache, uv --system, pip --root, a venv not on PATH).",
                why: "The runtime copies environments whole; these are mixed with the system's Python.",
                fix: "Set POETRY_VIRTUALENVS_IN_PROJECT=true, use `pipenv install --system`, or make a venv on PATH.",
                example: "RUN poetry install",
            },
        }
    }
}

/// Every code in order.
const ALL: &[Code] = &[
    Code::Rewrite,
    Code::AlreadyMultiStage,
    Code::NoFrom,
    Code::Ignored,
    Code::StrategyOff,
    Code::UnknownBase,
    Code::NothingToBuild,
    Code::UnsupportedInstruction,
    Code::DirectiveConflict,
    Code::UnknownCommand,
    Code::BuildCodeEscapes,
    Code::BuildScriptMissing,
    Code::ComputedAtBuild,
    Code::SystemChangeInBuild,
    Code::CopyIntoSystem,
    Code::DownloadOutsideApp,
    Code::NpmScript,
    Code::ForeignStep,
    Code::UnplaceablePath,
    Code::NonRootBuild,
    Code::Ownership,
    Code::ComposerScript,
    Code::UnknownRuntimeProgram,
    Code::ComputedAtRuntime,
    Code::Supervisor,
    Code::RunsBuildTool,
    Code::RuntimeScriptMissing,
    Code::UnknownLibrary,
    Code::CompilesAtRuntime,
    Code::ManifestMissing,
    Code::ContextTooLarge,
    Code::DigestPinned,
    Code::UnknownTag,
    Code::WindowsImage,
    Code::VenvMove,
    Code::PythonEnvironment,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut ids: Vec<&str> = Code::all().iter().map(|c| c.id()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate codes");
        for c in Code::all() {
            assert_eq!(Code::parse(c.id()), Some(*c));
            assert_eq!(Code::parse(c.doc().name), Some(*c));
        }
    }
}
