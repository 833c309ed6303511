//! Knowledge that changes with the world, kept as data: which runtime image
//! goes with a builder image (`images.toml`) and what system packages are
//! for (`packages.toml`). Both files are embedded in the binary.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// An ecosystem's images.
#[derive(Debug, Deserialize)]
pub struct Ecosystem {
    /// The ecosystem whose strategy decides for these images.
    pub name: crate::ecosystem::Ecosystem,
    /// Repository names that mean this ecosystem's official image.
    pub repositories: Vec<String>,
    /// How the runtime tag is derived (see images.toml).
    pub slim: SlimRule,
    /// The image's WORKDIR, where relative paths start.
    #[serde(default)]
    pub workdir: Option<String>,
    /// Users (or the variables naming them) that the runtime image has as
    /// well as the builder image.
    #[serde(default)]
    pub shared_users: Vec<String>,
    /// The numeric `uid:gid` of the users the image makes, for a runtime
    /// that lacks their names.
    #[serde(default)]
    pub user_ids: BTreeMap<String, String>,
    /// Environment the image sets that Dockerfiles use in paths
    /// (`$PHP_INI_DIR`).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The package set (bases.toml) its full Debian tags are built on.
    #[serde(default)]
    pub debian_base: Option<String>,
    /// The Debian release the `latest` tag (and a tag naming no version)
    /// is built on today, for pinning a builder that names none.
    #[serde(default)]
    pub latest_release: Option<String>,
    /// Programs of the image's SDK that its runtime image lacks (the go
    /// tool and gofmt, cargo and rustc, the compilers): an image that runs
    /// one, or code that starts one, needs the build image.
    #[serde(default)]
    pub sdk_programs: Vec<String>,
    /// Packages its Alpine images install themselves (node's libstdc++,
    /// with libgcc), which a runtime from them need not add.
    #[serde(default)]
    pub alpine_has: Vec<String>,
    /// The first version whose tags naming no release were built on
    /// bookworm or later; older ones are on bullseye or buster.
    #[serde(default)]
    pub bookworm_since: Option<String>,
    /// Compressed size of a full image, MB (an estimate's input).
    pub full_size_mb: u32,
    /// Compressed size of its runtime image, MB.
    pub slim_size_mb: u32,
}

/// How an ecosystem's runtime image is named from its builder's tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlimRule {
    /// `-slim` after the version: `3.12-bookworm` -> `3.12-slim-bookworm`.
    AfterVersion,
    /// `-slim` after the release: `20-bookworm` -> `20-bookworm-slim`.
    AfterRelease,
    /// No slim variant: `debian:<release>-slim` of the tag's release.
    DebianRelease,
    /// Eclipse Temurin's JRE of the same JDK.
    TemurinJre,
    /// Microsoft's .NET runtime image of the SDK's version.
    DotnetRuntime,
    /// The same image.
    Same,
}

/// A plain distribution image, which is its own runtime image.
#[derive(Debug, Deserialize)]
pub struct Distro {
    /// `debian`, `ubuntu`, `alpine`.
    pub name: String,
    /// Repository names that mean this image.
    pub repositories: Vec<String>,
    /// Its package family.
    pub family: Family,
    /// Only tags containing this text are this distribution.
    #[serde(default)]
    pub tag_has: Option<String>,
    /// The distribution's python3 version, by the release part of a tag.
    #[serde(default)]
    pub python3: BTreeMap<String, String>,
    /// Compressed size, MB (an estimate's input).
    pub size_mb: u32,
    /// The image itself keeps software in /usr/local.
    #[serde(default)]
    pub busy_usr_local: bool,
}

impl Distro {
    /// The distribution's python3 version for a tag: by a part of the tag
    /// (`jammy-20240212`, `12.5-slim`, `12.6.2-runtime-ubuntu22.04`).
    pub fn python3(&self, tag: &str) -> Option<&str> {
        tag.split('-').find_map(|part| {
            let major_minor = |p: &str| p.split('.').take(2).collect::<Vec<_>>().join(".");
            self.python3
                .get(part)
                .or_else(|| self.python3.get(&major_minor(part)))
                .or_else(|| self.python3.get(part.split('.').next().unwrap_or(part)))
                .map(String::as_str)
        })
    }
}

#[derive(Debug, Deserialize)]
struct Images {
    ecosystem: Vec<Ecosystem>,
    distro: Vec<Distro>,
    go_default_release: BTreeMap<String, String>,
    rust_default_release: BTreeMap<String, String>,
    gcc_release: BTreeMap<String, String>,
    gcc_own_runtime: GccOwnRuntime,
    static_alpine: String,
    debian_releases: Vec<String>,
    debian_numbers: BTreeMap<String, String>,
    ubuntu_numbers: BTreeMap<String, String>,
    every_image: EveryImage,
    runtime_base: BTreeMap<String, String>,
    other_base: Vec<OtherBase>,
    tool_images: BTreeMap<String, String>,
    build_inputs: BTreeMap<String, Vec<String>>,
    build_sources: BTreeMap<String, Vec<String>>,
    manifests_without_program_strings: BTreeMap<String, Vec<String>>,
    project_folder_markers: BTreeMap<String, Vec<String>>,
    dotnet: Dotnet,
    jar_class_path: JarClassPath,
}

/// Build-file words that give a jar a Class-Path of jars beside it
/// (images.toml's `[jar_class_path]`).
#[derive(Debug, Deserialize)]
struct JarClassPath {
    markers: Vec<String>,
}

/// What the .NET SDK image has that its runtime images lack (images.toml's
/// `[dotnet]`).
#[derive(Debug, Deserialize)]
pub struct Dotnet {
    /// The apk packages the Alpine SDK image installs, in its order.
    pub alpine_packages: Vec<String>,
    /// Packages that exist only from this Alpine release on.
    pub alpine_since: BTreeMap<String, String>,
    /// The Alpine release each ended .NET version was last built on.
    pub alpine_last: BTreeMap<String, String>,
    /// .NET versions whose SDK image has no ASPNETCORE_URLS while the
    /// runtime images set it.
    pub sdk_without_urls: Vec<String>,
}

/// What every runtime image has (images.toml's `[every_image]`).
#[derive(Debug, Deserialize)]
pub struct EveryImage {
    /// A shell, its builtins and the core tools.
    pub programs: Vec<String>,
    /// The system's own users.
    pub users: Vec<String>,
    /// The folders on PATH.
    pub path: Vec<String>,
    /// The package managers and user tools of the distributions, which a
    /// RUN repeated in the runtime stage finds there (a Debian image has
    /// apt-get, an Alpine one apk: the RUN ran on the same family).
    pub system_tools: Vec<String>,
}

/// A builder image whose runtime image is of another make, and the
/// programs it has that the runtime lacks (an empty package: none brings
/// it back).
#[derive(Debug, Deserialize)]
pub struct OtherBase {
    pub builders: Vec<String>,
    pub programs: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Packages {
    build_only: Vec<String>,
    compiler_at_runtime: Vec<String>,
    compiler_when_asked: Vec<String>,
    python_build_tools: Vec<String>,
    dev_without_runtime: Vec<String>,
    runtime_library: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    tools: BTreeMap<String, BTreeMap<String, String>>,
    native_libraries: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    rust_sys_without_runtime_package: Vec<String>,
    rust_system_library_crates: Vec<String>,
    #[serde(default)]
    compiler_runtime: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    release_names: BTreeMap<String, ReleaseNames>,
    link_libraries: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    link_names: BTreeMap<String, String>,
    install_downloads: BTreeMap<String, InstallDownload>,
    alternatives: BTreeMap<String, Vec<String>>,
    tls_clients: Vec<String>,
    go_module_links: BTreeMap<String, BTreeMap<String, String>>,
}

/// A PyPI project whose wheels bundle its libraries and whose source build
/// links the system's (wheels.toml).
#[derive(Debug, Deserialize)]
pub struct SourceBuild {
    /// The Debian packages of the libraries a source build links.
    pub libraries: Vec<String>,
    /// Per CPython (`3.11`), the first release with wheels for it.
    pub first_wheel: BTreeMap<String, String>,
}

/// Where an npm package's install script downloads to, outside the app.
#[derive(Debug, Deserialize)]
pub struct InstallDownload {
    /// The folder, `~` for the home folder.
    pub folder: String,
    /// Environment variables that skip the download: `NAME` (any value)
    /// or `NAME=value`.
    pub skip: Vec<String>,
}

/// What npm packages do in a build (node.toml).
#[derive(Debug, Deserialize)]
pub struct Node {
    /// Build programs, by what they write: "app", "code" or "scripts".
    pub build_tools: BTreeMap<String, String>,
    /// Options of build tools whose value is a URL path, not a file.
    pub build_tool_url_options: Vec<String>,
    /// Configuration files that say where build tools write.
    pub output_configs: Vec<String>,
    /// Keys of JSON configurations whose value is a path written to.
    pub output_config_keys: Vec<String>,
    /// Packages whose install script keeps to node_modules.
    pub install_in_place: Vec<String>,
    /// Packages whose install script fetches what needs these packages.
    pub install_needs: BTreeMap<String, Vec<String>>,
    /// Packages whose install builds against system libraries (what).
    pub install_links: BTreeMap<String, String>,
    /// Commands of global packages.
    pub global_commands: BTreeMap<String, Vec<String>>,
    /// Scripts that start a development server.
    pub dev_scripts: Vec<String>,
    /// Commands in scripts that start a development server or watcher.
    pub dev_commands: Vec<String>,
    /// Programs that run the app and restart it when its files change.
    pub restarters: Vec<String>,
    /// Restarter options that name the program it runs (refused).
    pub restarter_exec_options: Vec<String>,
    /// Restarter options followed by a value, which is not the script.
    pub restarter_value_options: Vec<String>,
    /// Script extensions a restarter runs with node (or ts-node).
    pub restarter_script_extensions: Vec<String>,
    /// Configuration files only build and test tools read.
    pub build_configs: Vec<String>,
    /// npm packages named like a native package of another language.
    pub pure_javascript: Vec<String>,
    /// Node options that use the system's CA certificates.
    pub system_ca_options: Vec<String>,
    /// Environment settings (`NAME=value`) that do the same.
    pub system_ca_env: Vec<String>,
    /// Yarn 1 install options that change what is installed: the prune's
    /// second install repeats them.
    pub yarn_install_keeps: Vec<String>,
    /// Yarn 1 install options that change only the output, the lock file
    /// check or the cache: the prune's second install leaves them out.
    pub yarn_install_harmless: Vec<String>,
    /// npm install options that change the tree: `npm prune` repeats them.
    pub npm_install_keeps: Vec<String>,
    /// npm install options that change only the output or the cache.
    pub npm_install_harmless: Vec<String>,
    /// npm options (of either list) that take the next word as their value.
    pub npm_install_valued: Vec<String>,
    /// pnpm install options that change the tree: `pnpm prune` repeats them.
    pub pnpm_install_keeps: Vec<String>,
    /// pnpm install options that change only the output or the lock check.
    pub pnpm_install_harmless: Vec<String>,
    /// pnpm options (of either list) that take the next word as their value.
    pub pnpm_install_valued: Vec<String>,
}

/// The modules of each language's own library (code.toml).
#[derive(Debug, Deserialize)]
struct Code {
    python_stdlib: Vec<String>,
    python_stdlib_libraries: BTreeMap<String, Vec<String>>,
    python_mime_table_modules: Vec<String>,
    node_builtins: Vec<String>,
    js_process_markers: Vec<String>,
    supervisors: Vec<String>,
    wrappers: BTreeMap<String, usize>,
    in_app_commands: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    composer: Composer,
}

/// What composer.json's scripts may call (code.toml's `[composer]`).
#[derive(Debug, Deserialize)]
struct Composer {
    in_app_callbacks: Vec<String>,
}

/// GCCs newer than their Debian release's own, whose programs take the
/// gcc image's libstdc++ along (images.toml `[gcc_own_runtime]`).
#[derive(Debug, Deserialize)]
pub struct GccOwnRuntime {
    versions: Vec<String>,
    /// The GCC that gcc:latest is today.
    pub latest: String,
    /// Where the gcc image keeps its runtime libraries.
    pub folder: String,
    /// The files a C or C++ program links from there.
    pub libraries: Vec<String>,
    /// Libraries (as the linker names them) only GCC's own runtime has in
    /// the version the program was built against.
    pub own_links: Vec<String>,
}

impl GccOwnRuntime {
    /// Whether programs of gcc:`major` need its own libstdc++.
    pub fn needed_by(&self, major: &str) -> bool {
        self.versions.iter().any(|v| v == major)
    }
}

/// The release a family's package names are written for, and what other
/// releases call them (packages.toml `[release_names]`).
#[derive(Debug, Deserialize)]
pub struct ReleaseNames {
    written_for: String,
    #[serde(default)]
    renames: BTreeMap<String, BTreeMap<String, String>>,
    /// Names that releases before `since` (not checked) call otherwise.
    #[serde(default)]
    older: Option<OlderReleases>,
}

/// Names that releases older than `since` call otherwise.
#[derive(Debug, Deserialize)]
pub struct OlderReleases {
    since: String,
    names: Vec<String>,
}

/// Whether version `a` (`3.16`) comes before `b` (`3.17`).
fn version_before(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parts(a) < parts(b)
}

/// What a runtime package is called on a release.
#[derive(Debug, PartialEq, Eq)]
pub enum ReleaseName<'a> {
    /// The name there (the same, or the release's own).
    Named(&'a str),
    /// The release has no such package.
    Missing,
    /// The release was not checked, and other releases rename it.
    Unknown,
}

/// The whole catalog, read once.
#[derive(Debug)]
pub struct Catalog {
    images: Images,
    packages: Packages,
    code: Code,
    bases: Bases,
    node: Node,
    wheels: BTreeMap<String, SourceBuild>,
    crates: BTreeMap<String, BTreeMap<String, CrateLine>>,
}

/// What cargo resolves for one semver-compatible line of a crate
/// (crates.toml, written by scripts/catalog/rust-crates.py).
#[derive(Debug, Deserialize)]
pub struct CrateLine {
    /// The newest release of the line when the table was written.
    pub version: String,
    /// The -sys crates it brings without its default features.
    base: Vec<String>,
    /// The -sys crates it brings with them.
    default: Vec<String>,
    /// Every feature the release has.
    known: Vec<String>,
    /// The features that bring -sys crates beyond `base`.
    #[serde(default)]
    features: BTreeMap<String, Vec<String>>,
}

/// The catalog embedded in the binary.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        // The files ship with the binary and are checked by the tests, so a
        // parse failure here is a build defect, not a user error.
        images: toml::from_str(include_str!("images.toml")).expect("catalog/images.toml"),
        packages: toml::from_str(include_str!("packages.toml")).expect("catalog/packages.toml"),
        code: toml::from_str(include_str!("code.toml")).expect("catalog/code.toml"),
        bases: toml::from_str(include_str!("bases.toml")).expect("catalog/bases.toml"),
        node: toml::from_str(include_str!("node.toml")).expect("catalog/node.toml"),
        wheels: toml::from_str(include_str!("wheels.toml")).expect("catalog/wheels.toml"),
        crates: toml::from_str(include_str!("crates.toml")).expect("catalog/crates.toml"),
    })
}

/// A distribution family, for package names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Debian,
    Ubuntu,
    Alpine,
    /// Fedora and Red Hat's UBI: dnf and RPM names.
    Fedora,
}

impl Family {
    fn key(self) -> &'static str {
        match self {
            Family::Debian => "debian",
            Family::Ubuntu => "ubuntu",
            Family::Alpine => "alpine",
            Family::Fedora => "fedora",
        }
    }
}

/// What a system package is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageRole {
    /// Needed only to build.
    BuildOnly,
    /// A `-dev` package: build-only, its runtime library goes to the runtime.
    Dev(Vec<String>),
    /// A `-dev` package whose runtime library is not known.
    UnknownDev,
    /// Anything else: needed at runtime as far as we know.
    Runtime,
}

impl Catalog {
    /// Whether `module` is part of Python's standard library.
    pub fn python_stdlib(&self, module: &str) -> bool {
        self.code.python_stdlib.iter().any(|m| m == module)
    }

    /// The shared libraries a standard-library module loads that a slim
    /// image may lack (`tkinter`: libtk8.6.so).
    pub fn python_stdlib_libraries(&self, module: &str) -> &[String] {
        self.code
            .python_stdlib_libraries
            .get(module)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether importing the Python module `module` means files are served
    /// or sent with types read from the system's MIME table.
    pub fn python_reads_mime_table(&self, module: &str) -> bool {
        self.code
            .python_mime_table_modules
            .iter()
            .any(|m| m == module)
    }

    /// Whether `script sub` run by `lang` (php, python) is a framework
    /// command that writes only inside the project.
    pub fn in_app_command(&self, lang: &str, script: &str, sub: &str) -> bool {
        self.code
            .in_app_commands
            .get(lang)
            .and_then(|m| m.get(script))
            .is_some_and(|subs| subs.iter().any(|s| s == sub))
    }

    /// PHP methods composer scripts call that write only in the project.
    pub fn composer_in_app_callbacks(&self) -> &[String] {
        &self.code.composer.in_app_callbacks
    }

    /// Whether `module` is one of Node's built-in modules.
    pub fn node_builtin(&self, module: &str) -> bool {
        let top = module.split('/').next().unwrap_or(module);
        self.code
            .node_builtins
            .iter()
            .any(|m| m == module || m == top)
    }

    /// The package set (bases.toml) of a runtime image repository.
    pub fn runtime_base(&self, repository: &str) -> Option<&str> {
        let name = repository
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/");
        self.images.runtime_base.get(name).map(String::as_str)
    }

    /// Whether a Maven or Gradle build file's text gives the jar a
    /// manifest Class-Path of jars beside it.
    pub fn jar_has_class_path(&self, build_file: &str) -> bool {
        self.images
            .jar_class_path
            .markers
            .iter()
            .any(|m| build_file.contains(m.as_str()))
    }

    /// What the .NET SDK image has that its runtime images lack.
    pub fn dotnet(&self) -> &Dotnet {
        &self.images.dotnet
    }

    /// The programs a builder image of another make than its runtime
    /// image has and the runtime lacks.
    pub fn other_base(&self, repository: &str) -> Option<&OtherBase> {
        let name = repository
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/");
        self.images
            .other_base
            .iter()
            .find(|o| o.builders.iter().any(|b| b == name))
    }

    /// What npm packages do in a build (node.toml).
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The generated facts about Debian-based images (bases.toml).
    pub fn bases(&self) -> &Bases {
        &self.bases
    }

    /// The ecosystem whose official image `repository` names.
    pub fn ecosystem(&self, repository: &str) -> Option<&Ecosystem> {
        self.images
            .ecosystem
            .iter()
            .find(|e| e.repositories.iter().any(|r| r == repository))
    }

    /// The plain distribution image `image` is, if dockopt knows it.
    pub fn distro(&self, image: &ImageRef) -> Option<&Distro> {
        let tag = image.tag.as_deref().unwrap_or("latest");
        self.images.distro.iter().find(|d| {
            d.repositories.contains(&image.repository)
                && d.tag_has.as_deref().is_none_or(|t| tag.contains(t))
        })
    }

    /// The Debian release a golang tag without one is built on.
    pub fn go_release(&self, version: &str) -> Option<&str> {
        release_by_minor(&self.images.go_default_release, version)
    }

    /// The GCCs whose programs take the gcc image's libstdc++ along.
    pub fn gcc_own_runtime(&self) -> &GccOwnRuntime {
        &self.images.gcc_own_runtime
    }

    /// The Debian release a gcc tag is built on, for the GCC versions whose
    /// binaries that release's libstdc++ runs, or that dockopt gives their
    /// own.
    pub fn gcc_release(&self, version: &str) -> Option<&str> {
        let major = version.split('.').next().unwrap_or(version);
        self.images.gcc_release.get(major).map(String::as_str)
    }

    /// The Alpine release a static binary goes to when its builder's tag
    /// names none.
    pub fn static_alpine(&self) -> &str {
        &self.images.static_alpine
    }

    /// What every runtime image has.
    pub fn every_image(&self) -> &EveryImage {
        &self.images.every_image
    }

    /// Whether a JavaScript file's code loads a module that starts programs.
    pub fn js_starts_programs(&self, code: &str) -> bool {
        self.code
            .js_process_markers
            .iter()
            .any(|m| code.contains(m.as_str()))
    }

    /// Whether `program` starts the programs its configuration names.
    pub fn is_supervisor(&self, program: &str) -> bool {
        self.code.supervisors.iter().any(|s| s == program)
    }

    /// How many words of its own a wrapper (`gosu USER cmd`) takes before
    /// the command it runs, if `program` is one.
    pub fn wrapper_words(&self, program: &str) -> Option<usize> {
        self.code.wrappers.get(program).copied()
    }

    /// Whether `name` is a Debian release that official images put in
    /// their tags (`bookworm`).
    pub fn is_debian_release(&self, name: &str) -> bool {
        self.images.debian_releases.iter().any(|r| r == name)
    }

    /// Whether a tag of `repository` at `version` that names no Debian
    /// release was last built before the images moved to bookworm.
    pub fn before_bookworm(&self, repository: &str, version: &str) -> bool {
        let numbered = version.chars().next().is_some_and(|c| c.is_ascii_digit());
        self.ecosystem(repository)
            .and_then(|e| e.bookworm_since.as_deref())
            .is_some_and(|since| numbered && version_before(version, since))
    }

    /// The Debian release a version number names (`12` → bookworm).
    pub fn debian_release_of(&self, number: &str) -> Option<&str> {
        self.images.debian_numbers.get(number).map(String::as_str)
    }

    /// The Ubuntu release a version number names (`22.04` → jammy), or the
    /// name itself when it is one.
    pub fn ubuntu_release_of<'a>(&'a self, word: &'a str) -> Option<&'a str> {
        self.images
            .ubuntu_numbers
            .get(word)
            .map(String::as_str)
            .or_else(|| {
                self.images
                    .ubuntu_numbers
                    .values()
                    .find(|r| *r == word)
                    .map(String::as_str)
            })
    }

    /// The newest Debian release official images put in their tags, for
    /// messages that suggest one.
    pub fn newest_debian_release(&self) -> &str {
        self.images
            .debian_releases
            .first()
            .map_or("trixie", String::as_str)
    }

    /// The Debian release a rust tag without one is built on.
    pub fn rust_release(&self, version: &str) -> Option<&str> {
        release_by_minor(&self.images.rust_default_release, version)
    }

    /// What `package` (a name as written, maybe with `=version`) is for.
    pub fn package_role(&self, family: Family, package: &str) -> PackageRole {
        let name = package_name(package);
        let p = &self.packages;
        if p.dev_without_runtime.iter().any(|d| d == name) || p.build_only.iter().any(|b| b == name)
        {
            return PackageRole::BuildOnly;
        }
        if let Some(libs) = p
            .runtime_library
            .get(family.key())
            .and_then(|m| m.get(name))
        {
            return PackageRole::Dev(libs.clone());
        }
        if name.ends_with("-dev") || name.ends_with("-devel") {
            return PackageRole::UnknownDev;
        }
        PackageRole::Runtime
    }

    /// Whether a Rust `-sys` crate needs no runtime package: it links no
    /// library, builds its own in, or links one every slim image has.
    pub fn rust_sys_without_runtime_package(&self, name: &str) -> bool {
        let name = normalize(name);
        self.packages
            .rust_sys_without_runtime_package
            .contains(&name)
    }

    /// What the runtime package `name` (as the tables write it) is called
    /// on `release` of `family`.
    pub fn release_name<'a>(
        &'a self,
        family: Family,
        release: &str,
        name: &'a str,
    ) -> ReleaseName<'a> {
        let Some(table) = self.packages.release_names.get(family.key()) else {
            return ReleaseName::Named(name);
        };
        if release == table.written_for {
            return ReleaseName::Named(name);
        }
        if let Some(older) = &table.older {
            let numbered = release.chars().next().is_some_and(|c| c.is_ascii_digit());
            if numbered
                && version_before(release, &older.since)
                && older.names.iter().any(|n| n == name)
            {
                return ReleaseName::Unknown;
            }
        }
        match table.renames.get(release) {
            Some(renames) => match renames.get(name).map(String::as_str) {
                Some("") => ReleaseName::Missing,
                Some(other) => ReleaseName::Named(other),
                None => ReleaseName::Named(name),
            },
            None if table.renames.values().any(|r| r.contains_key(name)) => ReleaseName::Unknown,
            None => ReleaseName::Named(name),
        }
    }

    /// What programs the build-only compiler package `name` makes link
    /// that a bare image of `family` lacks (packages.toml
    /// `[compiler_runtime]`).
    pub fn compiler_runtime(&self, family: Family, name: &str) -> &[String] {
        self.packages
            .compiler_runtime
            .get(family.key())
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a Rust crate binds a system library: a `-sys` crate, or
    /// one that links or loads its library without that name.
    pub fn rust_binds_a_library(&self, name: &str) -> bool {
        name.ends_with("-sys")
            || self
                .packages
                .rust_system_library_crates
                .contains(&normalize(name))
    }

    /// The -sys crates a dependency on the crate `name` in the semver line
    /// `line` (`1`, `0.8`) brings, with or without its default features
    /// and with `features`; Err says what the table does not know.
    pub fn crate_sys(
        &self,
        name: &str,
        line: &str,
        default: bool,
        features: &[String],
    ) -> Result<Vec<String>, String> {
        let lines = self
            .crates
            .iter()
            .find(|(k, _)| normalize(k) == normalize(name))
            .map(|(_, v)| v)
            .ok_or_else(|| format!("the crate {name} is not one dockopt knows"))?;
        let entry = lines
            .get(line)
            .ok_or_else(|| format!("dockopt does not know release {line} of the crate {name}"))?;
        let mut out = entry.base.clone();
        if default {
            out.extend(entry.default.iter().cloned());
        }
        for f in features {
            if !entry.known.contains(f) {
                return Err(format!(
                    "dockopt does not know the feature {f} of the crate {name} {line}"
                ));
            }
            out.extend(entry.features.get(f).into_iter().flatten().cloned());
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The system libraries a PyPI project or gem built from source loads
    /// at runtime, for a distribution family.
    pub fn native_libraries(&self, family: Family, name: &str) -> &[String] {
        self.packages
            .native_libraries
            .get(family.key())
            .and_then(|m| m.get(&normalize(name)))
            .map_or(&[], Vec::as_slice)
    }

    /// What a source build of the PyPI project `name` links, if its wheels
    /// bundle libraries it would otherwise take from the system.
    pub fn source_build(&self, name: &str) -> Option<&SourceBuild> {
        self.wheels.get(&normalize(name))
    }

    /// The runtime packages of a library a C or C++ build links, by its
    /// `-l` name, CMake package or pkg-config module; None when unknown.
    pub fn link_library(&self, family: Family, name: &str) -> Option<&[String]> {
        let name = self
            .packages
            .link_names
            .get(name)
            .map_or(name, String::as_str);
        self.packages
            .link_libraries
            .get(family.key())
            .and_then(|m| m.get(name))
            .map(Vec::as_slice)
    }

    /// Whether the Python package `requirement` (`torch==2.3.0`,
    /// `triton[tests]`) runs a C compiler while the program runs.
    pub fn compiles_at_runtime(&self, requirement: &str) -> bool {
        self.packages
            .compiler_at_runtime
            .contains(&normalize(requirement))
    }

    /// Whether the Python package `requirement` runs a C compiler when the
    /// program asks it to (torch for `torch.compile`).
    pub fn compiles_when_asked(&self, requirement: &str) -> bool {
        self.packages
            .compiler_when_asked
            .contains(&normalize(requirement))
    }

    /// Where the npm package `name` downloads when it installs, if it
    /// downloads outside the app folder.
    pub fn install_download(&self, name: &str) -> Option<&InstallDownload> {
        self.packages.install_downloads.get(name)
    }

    /// Whether a build context's top-level entry is one only the build of
    /// `ecosystem` reads (`src`, `pom.xml` for Java).
    pub fn is_build_input(&self, ecosystem: &str, name: &str) -> bool {
        matches_any(self.images.build_inputs.get(ecosystem), name)
    }

    /// Whether a context's top-level entry is a build input of any
    /// ecosystem.
    pub fn is_any_build_input(&self, name: &str) -> bool {
        self.images
            .build_inputs
            .values()
            .any(|names| matches_any(Some(names), name))
    }

    /// Whether a file is a source only some ecosystem's build reads.
    pub fn is_any_build_source(&self, name: &str) -> bool {
        self.images
            .build_sources
            .values()
            .any(|names| matches_any(Some(names), name))
    }

    /// Whether a file, wherever it is in the context, is a source only the
    /// build of `ecosystem` reads (`main.go` and `go.mod` for Go).
    pub fn is_build_source(&self, ecosystem: &str, name: &str) -> bool {
        matches_any(self.images.build_sources.get(ecosystem), name)
    }

    /// Whether `name` is a build source of `ecosystem` whose strings never
    /// reach the program (Cargo.toml, go.mod).
    pub fn holds_no_program_strings(&self, ecosystem: &str, name: &str) -> bool {
        matches_any(
            self.images.manifests_without_program_strings.get(ecosystem),
            name,
        )
    }

    /// Words in `ecosystem`'s code that read the project folder by a path
    /// fixed at build time (`CARGO_MANIFEST_DIR`).
    pub fn project_folder_markers(&self, ecosystem: &str) -> &[String] {
        self.images
            .project_folder_markers
            .get(ecosystem)
            .map_or(&[], Vec::as_slice)
    }

    /// The build tool an image exists to hand to other builds (`composer:2`
    /// brings composer, `ghcr.io/astral-sh/uv:0.5` uv), if it is one.
    pub fn tool_image(&self, image: &str) -> Option<&str> {
        let repository = ImageRef::parse(image).repository;
        self.images.tool_images.get(&repository).map(String::as_str)
    }

    /// Whether the Python requirement (`uv==0.5.31`) is a packaging tool
    /// rather than something the program imports.
    pub fn is_python_build_tool(&self, requirement: &str) -> bool {
        self.packages
            .python_build_tools
            .contains(&normalize(requirement))
    }

    /// The packages that each provide `program` (`nc`: netcat-openbsd,
    /// netcat-traditional), any of which serves.
    pub fn alternatives(&self, program: &str) -> &[String] {
        self.packages
            .alternatives
            .get(program)
            .map_or(&[], Vec::as_slice)
    }

    /// The libraries a Go module links through cgo: (build tag, -l or
    /// pkg-config name) pairs, an empty tag meaning always.
    pub fn go_module_links(&self, module: &str) -> Vec<(&str, &str)> {
        self.packages
            .go_module_links
            .get(module)
            .map(|m| m.iter().map(|(t, n)| (t.as_str(), n.as_str())).collect())
            .unwrap_or_default()
    }

    /// Whether the package is a program that connects over TLS with the
    /// system's CA certificates.
    pub fn is_tls_client(&self, package: &str) -> bool {
        self.packages.tls_clients.iter().any(|p| p == package)
    }

    /// The package that provides `program` when a slim image lacks it.
    pub fn tool_package(&self, family: Family, program: &str) -> Option<&str> {
        self.packages
            .tools
            .get(family.key())
            .and_then(|t| t.get(program))
            .map(String::as_str)
    }
}

/// What Debian-based images hold beyond debian:bookworm-slim, and what
/// each such package holds (bases.toml, generated).
#[derive(Debug, Deserialize)]
pub struct Bases {
    image: BTreeMap<String, BaseImage>,
    package: BTreeMap<String, PackageFiles>,
}

/// One image's packages beyond debian:bookworm-slim.
#[derive(Debug, Deserialize)]
pub struct BaseImage {
    /// Where the package list comes from.
    pub source: String,
    /// The packages.
    pub packages: Vec<String>,
}

/// What one package puts in an image.
#[derive(Debug, Default, Deserialize)]
pub struct PackageFiles {
    #[serde(default)]
    pub programs: Vec<String>,
    #[serde(default)]
    pub libraries: Vec<String>,
    #[serde(default)]
    pub data: Vec<String>,
}

/// What a runtime image lacks that its builder image has: the packages of
/// the builder's base that the runtime's base does not install.
#[derive(Debug, Clone, Default)]
pub struct Lacks {
    /// The packages, by name.
    pub packages: Vec<String>,
}

impl Bases {
    /// The packages `builder` has and `runtime` lacks (both named as in
    /// bases.toml); None when either image is unknown.
    pub fn lacks(&self, builder: &str, runtime: &str) -> Option<Lacks> {
        let b = self.image.get(builder)?;
        let r = self.image.get(runtime)?;
        Some(Lacks {
            packages: b
                .packages
                .iter()
                .filter(|p| !r.packages.contains(p))
                .cloned()
                .collect(),
        })
    }

    /// The source line of an image's package list.
    pub fn source(&self, image: &str) -> Option<&str> {
        self.image.get(image).map(|i| i.source.as_str())
    }

    /// The package among `packages` that has the program `name`.
    pub fn program_package<'a>(&self, packages: &'a [String], name: &str) -> Option<&'a str> {
        packages
            .iter()
            .find(|p| {
                self.package
                    .get(p.as_str())
                    .is_some_and(|f| f.programs.iter().any(|x| x == name))
            })
            .map(String::as_str)
    }

    /// The package among `packages` that has a shared library whose file
    /// name is `soname` or starts with it (`libmagic.so` finds
    /// `libmagic.so.1`).
    pub fn library_package<'a>(&self, packages: &'a [String], soname: &str) -> Option<&'a str> {
        packages
            .iter()
            .find(|p| {
                self.package.get(p.as_str()).is_some_and(|f| {
                    f.libraries
                        .iter()
                        .any(|l| l == soname || l.starts_with(&format!("{soname}.")))
                })
            })
            .map(String::as_str)
    }

    /// The package among `packages` whose data folder or file holds `path`
    /// (the most specific one).
    pub fn data_package<'a>(&self, packages: &'a [String], path: &str) -> Option<&'a str> {
        let mut best: Option<(&'a str, usize)> = None;
        for p in packages {
            let Some(files) = self.package.get(p.as_str()) else {
                continue;
            };
            for d in &files.data {
                let hit = path == d || path.starts_with(&format!("{d}/"));
                if hit && best.is_none_or(|(_, len)| d.len() > len) {
                    best = Some((p.as_str(), d.len()));
                }
            }
        }
        best.map(|(p, _)| p)
    }
}

/// A requirement's project name, lower case with `-` for `_`
/// (`Psycopg2==2.9` → `psycopg2`, `tiny_tds` → `tiny-tds`).
pub fn normalize(requirement: &str) -> String {
    requirement
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace('_', "-")
}

/// Whether `name` is one of `names`, where `x*` names a prefix and `*.x` a
/// suffix.
fn matches_any(names: Option<&Vec<String>>, name: &str) -> bool {
    names.is_some_and(|names| {
        names.iter().any(|n| {
            if let Some(prefix) = n.strip_suffix('*') {
                name.starts_with(prefix)
            } else if let Some(suffix) = n.strip_prefix('*') {
                name.ends_with(suffix)
            } else {
                name == n
            }
        })
    })
}

/// The table's entry for a version's `major.minor`.
fn release_by_minor<'a>(table: &'a BTreeMap<String, String>, version: &str) -> Option<&'a str> {
    let minor: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
    table.get(&minor).map(String::as_str)
}

/// A package name without a version pin or release (`curl=7.88*`, `gcc/bookworm`).
pub fn package_name(package: &str) -> &str {
    package.split(['=', '/']).next().unwrap_or(package)
}

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and path before the tag (`python`, `ghcr.io/org/app`).
    pub repository: String,
    /// The tag, if written.
    pub tag: Option<String>,
    /// The digest, if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `name[:tag][@digest]`.
    pub fn parse(image: &str) -> ImageRef {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (image, None),
        };
        // A colon after the last slash starts the tag (a registry port comes before it).
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match rest[slash..].rfind(':') {
            Some(i) => (
                rest[..slash + i].to_string(),
                Some(rest[slash + i + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            repository,
            tag,
            digest,
        }
    }
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_files_load() {
        let c = catalog();
        assert!(c.ecosystem("python").is_some());
        assert_eq!(c.go_release("1.22.5"), Some("bookworm"));
        assert_eq!(
            c.package_role(Family::Debian, "libpq-dev"),
            PackageRole::Dev(vec!["libpq5".into()])
        );
        assert_eq!(
            c.package_role(Family::Debian, "build-essential"),
            PackageRole::BuildOnly
        );
        assert_eq!(
            c.package_role(Family::Debian, "libfoo-dev"),
            PackageRole::UnknownDev
        );
        assert_eq!(
            c.package_role(Family::Debian, "curl=7.88.1-10"),
            PackageRole::Runtime
        );
    }

    #[test]
    fn image_references() {
        assert_eq!(
            ImageRef::parse("localhost:5000/py/python:3.12-slim@sha256:ab"),
            ImageRef {
                repository: "localhost:5000/py/python".into(),
                tag: Some("3.12-slim".into()),
                digest: Some("sha256:ab".into())
            }
        );
        assert_eq!(ImageRef::parse("python").tag, None);
    }
}
