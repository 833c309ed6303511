//! Java: Maven and Gradle builds on the `maven`, `gradle` and
//! `eclipse-temurin` JDK images.
//!
//! ## What it recognises
//! `mvn`, `./mvnw`, `gradle` and `./gradlew` with any goals or tasks
//! (`package`, `install`, `build`, `bootJar`, `installDist`...). Their output
//! (`target/`, `build/`) is written inside the project, so the app folders
//! carry the jar; Maven's `~/.m2` and Gradle's `~/.gradle` caches stay behind.
//!
//! ## What it emits
//! The runtime stage is Eclipse Temurin's JRE of the same JDK version and OS
//! variant: `maven:3.9-eclipse-temurin-17` → `eclipse-temurin:17-jre`,
//! `gradle:8.7-jdk21-alpine` → `eclipse-temurin:21-jre-alpine`,
//! `eclipse-temurin:17-jdk-jammy` → `eclipse-temurin:17-jre-jammy`. It copies
//! the app folders; a CMD such as `java -jar target/*.jar` keeps working
//! because the shell glob finds the same file.
//!
//! ## When it leaves the file alone
//! A tag whose JDK version or vendor dockopt cannot tell (`maven:latest`,
//! `maven:3-openjdk-17`, `gradle:jdk21-graal`), or a CMD that runs the build
//! tool or a JDK-only tool (`mvn spring-boot:run`, `javac`, `jshell`).
//!
//! ## Example
//! With a build context holding:
//! ```text
//! pom.xml:
//! <project>
//!   <modelVersion>4.0.0</modelVersion>
//!   <groupId>x</groupId>
//!   <artifactId>app</artifactId>
//!   <version>1</version>
//! </project>
//! ```
//! the file
//! ```dockerfile
//! FROM maven:3.9-eclipse-temurin-17
//! WORKDIR /app
//! COPY . .
//! RUN mvn -B package -DskipTests
//! CMD ["java", "-jar", "target/app.jar"]
//! ```
//! is rewritten to
//! ```dockerfile
//! FROM maven:3.9-eclipse-temurin-17 AS builder
//! WORKDIR /app
//! COPY . .
//! RUN mvn -B package -DskipTests
//!
//! FROM eclipse-temurin:17-jre
//! COPY --from=builder /app/target/app.jar /app/target/app.jar
//! WORKDIR /app
//! CMD ["java", "-jar", "target/app.jar"]
//! ```
//!
//! The jar alone is copied because the context holds only what the build
//! reads (pom.xml, src/); with other files beside them (a config folder the
//! program may read), the app folder is copied whole.

pub mod steps;

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;
use crate::catalog::Family;
use crate::classify::Facts;
use crate::facts::code::{Lang, Use};
use crate::plan::{Plan, Unsure};
use crate::reasons::Code;

use super::{Runtime, base_plan, install_runtime_needs, refuse_digest};

/// Programs only a JDK or a build tool has.
const JDK_ONLY: &[&str] = &[
    "mvn", "mvnw", "gradle", "gradlew", "javac", "jshell", "jar", "jlink", "jdeps", "jpackage",
];

/// OS variants Eclipse Temurin publishes JRE tags for.
const VARIANTS: &[&str] = &["alpine", "focal", "jammy", "noble"];

/// Decides the plan for a Maven or Gradle project.
pub fn plan(facts: &Facts<'_>) -> Result<Plan, Unsure> {
    let runtime = jre_runtime(facts)?;
    let mut plan = base_plan(facts, crate::ecosystem::Ecosystem::Java, &runtime);
    if !facts.runs_step(|s| matches!(s, Step::Jvm { .. })) {
        return Err(Unsure::file(
            Code::NothingToBuild,
            "no Maven or Gradle build: nothing for a builder stage to keep",
        ));
    }
    let mut provided = |cmd: &Command| -> Result<bool, Unsure> {
        let program = cmd.program();
        if JDK_ONLY.contains(&program) {
            return Err(Unsure::file(
                Code::RunsBuildTool,
                format!("the image runs {program}, which needs the JDK or the build tool"),
            ));
        }
        if gradle_start_script(facts, cmd) {
            return Ok(true);
        }
        if program != "java" {
            return Ok(false);
        }
        let written = cmd.argv.first().map_or("java", String::as_str);
        if written.contains('/') && written != TEMURIN_JAVA {
            return Err(Unsure::file(
                Code::UnknownRuntimeProgram,
                format!(
                    "the image runs {written}; {} has java at {TEMURIN_JAVA}",
                    runtime.image
                ),
            ));
        }
        Ok(true)
    };
    refuse_jdk_modules(facts)?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, Vec::new())?;
    if other_make(facts) {
        refuse_replays(facts, &plan)?;
    }
    jar_only(facts, &mut plan);
    Ok(plan)
}

/// When the image runs one jar the build wrote (`java -jar
/// target/app.jar`) and the build context holds only what the build reads
/// (sources, build files, wrappers: images.toml's `[build_inputs]`), the
/// runtime copies that jar alone; the sources, the rest of target/ or
/// build/ and the build's caches stay behind. Otherwise the app folder is
/// copied whole, as the program may read any file of it.
fn jar_only(facts: &Facts<'_>, plan: &mut Plan) {
    let Some(jar) = run_jar(facts) else {
        return;
    };
    let Some(folder) = facts
        .app_paths
        .iter()
        .find(|a| crate::classify::under(&jar, &a.path))
    else {
        return;
    };
    let rel = jar[folder.path.len()..].trim_start_matches('/');
    let built = rel.starts_with("target/") || rel.starts_with("build/");
    let writes_app = super::run_writes_under(facts, std::slice::from_ref(&folder.path));
    if !built
        || writes_app
        || !facts.replay_after.is_empty()
        || !super::sources::only_build_inputs(facts, "java")
        || code_reads_the_tree(facts)
        || super::sources::code_names_the_tree(facts, "java")
        || super::sources::runtime_names_the_tree(facts, std::slice::from_ref(&jar))
        || jar_loads_its_neighbours(facts)
    {
        return;
    }
    let Some(at) = plan.artifacts.iter().position(|a| a.path == folder.path) else {
        return;
    };
    plan.artifacts[at] = crate::plan::Artifact {
        path: jar,
        chown: folder.chown.clone(),
        reason: format!(
            "the jar the image runs; the rest of {} (sources, build output, caches) stays behind, since the context holds only what the build reads",
            folder.path
        ),
        file: false,
    };
}

/// Whether a build file gives the jar a manifest Class-Path of jars beside
/// it (`target/lib/*.jar`), which `java -jar` loads too; without a context
/// to read, dockopt cannot tell.
fn jar_loads_its_neighbours(facts: &Facts<'_>) -> bool {
    if facts.context.is_none() {
        return true;
    }
    let cat = crate::catalog::catalog();
    super::needs::app_code_text(facts, &["pom.xml", "build.gradle", "build.gradle.kts"])
        .iter()
        .any(|text| cat.jar_has_class_path(text))
}

/// The jar a runtime command runs with `java -jar PATH`, made absolute,
/// when there is one and its path is written out (no variable or glob).
fn run_jar(facts: &Facts<'_>) -> Option<String> {
    let mut jars = facts.runtime_commands.iter().filter_map(|(_, cmd)| {
        if cmd.program() != "java" {
            return None;
        }
        let args = cmd.args();
        let at = args.iter().position(|a| a == "-jar")?;
        args.get(at + 1).cloned()
    });
    let jar = jars.next()?;
    if jars.next().is_some() || jar.contains(['$', '*', '?', '[']) {
        return None;
    }
    crate::classify::resolve(&jar, facts.workdir.as_deref())
}

/// Whether the app's JVM code names a path of the source tree or the build
/// output (`"src/main/resources/x.json"`, `"target/..."`), which it would
/// read from the working folder rather than from the jar.
fn code_reads_the_tree(facts: &Facts<'_>) -> bool {
    let Some(root) = facts.context.as_ref() else {
        return true;
    };
    let Some(files) = crate::facts::context::files(root, &facts.copied_sources) else {
        return true;
    };
    files
        .iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| matches!(e.to_str(), Some("java" | "kt" | "scala" | "groovy")))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .any(|text| {
            [
                "\"src/",
                "\"./src/",
                "\"target/",
                "\"./target/",
                "\"build/",
                "\"./build/",
            ]
            .iter()
            .any(|quoted| text.contains(quoted))
        })
}

/// A start script that Gradle's `installDist` wrote
/// (`build/install/NAME/bin/NAME` below the project it ran in): a POSIX
/// shell script that runs `java` from JAVA_HOME or PATH, both of which the
/// JRE image sets, on the jars in `lib/` beside it.
fn gradle_start_script(facts: &Facts<'_>, cmd: &Command) -> bool {
    let Some(written) = cmd.argv.first() else {
        return false;
    };
    let Some(script) = crate::classify::resolve(written, facts.workdir.as_deref()) else {
        return false;
    };
    let Some((project, rest)) = script.split_once("/build/install/") else {
        return false;
    };
    let in_dist_bin =
        matches!(rest.split('/').collect::<Vec<_>>()[..], [_, "bin", name] if !name.is_empty());
    in_dist_bin
        && facts.run_steps.iter().any(|(_, workdir, steps)| {
            let ran_in = workdir.as_deref().unwrap_or("/");
            crate::classify::under(project, ran_in)
                && steps.iter().any(|s| {
                    matches!(s, Step::Jvm { tool, goals }
                        if tool.contains("gradle") && goals.iter().any(|g| g.rsplit(':').next() == Some("installDist")))
                })
        })
}

/// Where Eclipse Temurin's JDK and JRE images both keep `java`.
const TEMURIN_JAVA: &str = "/opt/java/openjdk/bin/java";

/// A RUN repeated in the runtime, or a system package installed again,
/// would run on Temurin's Ubuntu or Alpine, which need not be the
/// distribution an openjdk image was built on.
fn refuse_replays(facts: &Facts<'_>, plan: &Plan) -> Result<(), Unsure> {
    if let Some(p) = facts.packages.first() {
        return Err(Unsure::at(
            Code::SystemChangeInBuild,
            p.line,
            format!(
                "installs {} on {}, and the runtime {} may be another distribution",
                p.package, facts.image_text, plan.runtime_image
            ),
        ));
    }
    let replayed = plan.decisions.iter().find(|d| {
        d.kind == crate::syntax::Kind::Run
            && d.role != crate::plan::Role::Build
            && !facts
                .run_steps
                .iter()
                .filter(|(node, _, _)| *node == d.node)
                .all(|(_, _, steps)| steps.iter().all(portable))
    });
    match replayed {
        Some(d) => Err(Unsure::at(
            Code::SystemChangeInBuild,
            d.lines.0,
            format!(
                "this RUN would be repeated on {}, which is not the distribution {} is built on",
                plan.runtime_image, facts.image_text
            ),
        )),
        None => Ok(()),
    }
}

/// A step that does the same on any Linux distribution: files, owners,
/// users, `cd`, checks.
fn portable(step: &Step) -> bool {
    match step {
        Step::Script(steps) => steps.iter().all(portable),
        Step::Files { .. } | Step::Chown { .. } | Step::User | Step::Cd(_) | Step::Harmless => true,
        _ => false,
    }
}

/// App code that uses a module only the JDK has (the compiler through
/// javax.tools, jshell, the attach API) fails on a JRE.
fn refuse_jdk_modules(facts: &Facts<'_>) -> Result<(), Unsure> {
    let code = super::needs::app_code(facts);
    for file in code.files.iter().filter(|f| f.lang == Lang::Jvm) {
        if let Some(f) = file
            .findings
            .iter()
            .find(|f| matches!(f.what, Use::Module(_)))
        {
            let Use::Module(module) = &f.what else {
                continue;
            };
            return Err(Unsure::file(
                Code::RunsBuildTool,
                format!(
                    "{}:{} uses {module}, a module of the JDK that a JRE leaves out",
                    file.path, f.line
                ),
            ));
        }
    }
    Ok(())
}

/// The JRE image for the builder's JDK: its version and OS variant read
/// from the tag.
fn jre_runtime(facts: &Facts<'_>) -> Result<Runtime, Unsure> {
    let line = facts.line(facts.from);
    refuse_digest(facts, "its JRE image")?;
    let repo = facts.image.repository.rsplit('/').next().unwrap_or("");
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    let unknown = || {
        Unsure::at(
            Code::UnknownTag,
            line,
            format!(
                "cannot tell the Eclipse Temurin JDK of {}; its JRE image is not known",
                facts.image_text
            ),
        )
    };
    let parts: Vec<&str> = tag.split('-').collect();
    let jdk = match repo {
        "maven" => maven_jdk(&parts),
        "gradle" => gradle_jdk(&parts),
        "openjdk" => openjdk_jdk(&parts),
        _ => temurin_jdk(&parts),
    }
    .ok_or_else(unknown)?;
    if jdk.jre {
        // Already a JRE: the runtime keeps the image.
        return Ok(Runtime {
            image: facts.image.to_string(),
            family: family(&jdk.variants),
            builder: None,
        });
    }
    let variant = jdk.variants.join("-");
    if !variant.is_empty() && !VARIANTS.contains(&variant.as_str()) {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!("the tag variant {variant} has no Eclipse Temurin JRE dockopt knows"),
        ));
    }
    let image = if variant.is_empty() {
        format!("eclipse-temurin:{}-jre", jdk.version)
    } else {
        format!("eclipse-temurin:{}-jre-{variant}", jdk.version)
    };
    Ok(Runtime {
        image,
        family: family(&jdk.variants),
        builder: None,
    })
}

/// What a JDK image's tag says: the Java version, the Temurin OS variant
/// it maps to, and whether it is a JRE already.
struct Jdk<'a> {
    version: String,
    variants: Vec<&'a str>,
    jre: bool,
}

/// `3.9-eclipse-temurin-17-alpine`; and the older tags built on the
/// openjdk images (`3-openjdk-17-slim`, `3.6.3-jdk-11-slim`) and on
/// AdoptOpenJDK's HotSpot (`3.6.3-adoptopenjdk-8`), whose Java is the
/// OpenJDK that Temurin continues.
fn maven_jdk<'a>(parts: &[&'a str]) -> Option<Jdk<'a>> {
    let temurin = parts.windows(2).position(|w| w == ["eclipse", "temurin"]);
    let at = temurin.map(|at| at + 2).or_else(|| {
        parts
            .iter()
            .position(|p| matches!(*p, "openjdk" | "jdk" | "adoptopenjdk"))
            .map(|at| at + 1)
    })?;
    let version = parts.get(at).filter(|v| is_version(v))?;
    let rest = &parts[at + 1..];
    let variants = match temurin {
        Some(_) => rest.to_vec(),
        None => openjdk_variants(rest)?,
    };
    Some(Jdk {
        version: version.to_string(),
        variants,
        jre: false,
    })
}

/// `8.7-jdk21-alpine`, `jdk17`.
fn gradle_jdk<'a>(parts: &[&'a str]) -> Option<Jdk<'a>> {
    let at = parts
        .iter()
        .position(|p| p.strip_prefix("jdk").is_some_and(is_version))?;
    Some(Jdk {
        version: parts[at][3..].to_string(),
        variants: parts[at + 1..].to_vec(),
        jre: false,
    })
}

/// The deprecated openjdk images (`17`, `11-jdk-slim-bullseye`,
/// `8-jdk-alpine`): the same Java major version, on Temurin's Ubuntu or
/// Alpine image; a patch version (`11.0.16`) maps to its major release,
/// which Temurin keeps updated.
fn openjdk_jdk<'a>(parts: &[&'a str]) -> Option<Jdk<'a>> {
    let version = parts.first().filter(|v| is_version(v))?;
    let major = version.split('.').next()?;
    let rest: Vec<&str> = parts[1..]
        .iter()
        .copied()
        .filter(|p| *p != "jdk" && *p != "jre")
        .collect();
    Some(Jdk {
        version: major.to_string(),
        variants: openjdk_variants(&rest)?,
        jre: parts.contains(&"jre"),
    })
}

/// The openjdk images' OS variants as Temurin's: Alpine stays Alpine;
/// slim, Debian and Oracle Linux become Temurin's default Ubuntu (the plan
/// then repeats no package install of the builder's system). Early-access
/// builds, OpenJ9 and Windows are not known.
fn openjdk_variants<'a>(rest: &[&'a str]) -> Option<Vec<&'a str>> {
    const AS_DEFAULT: &[&str] = &[
        "slim",
        "buster",
        "bullseye",
        "bookworm",
        "oracle",
        "oraclelinux7",
        "oraclelinux8",
        "hotspot",
    ];
    let mut out = Vec::new();
    for p in rest {
        if p.starts_with("alpine") {
            out.push("alpine");
        } else if !AS_DEFAULT.contains(p) {
            return None;
        }
    }
    Some(out)
}

/// `17`, `17-jdk-jammy`, `21-jre-alpine`.
fn temurin_jdk<'a>(parts: &[&'a str]) -> Option<Jdk<'a>> {
    let version = parts.first().filter(|v| is_version(v))?;
    let rest: Vec<&str> = parts[1..].iter().copied().filter(|p| *p != "jdk").collect();
    let jre = rest.first() == Some(&"jre");
    Some(Jdk {
        version: version.to_string(),
        variants: if jre { rest[1..].to_vec() } else { rest },
        jre,
    })
}

/// The builder runs on another make of JDK image than Temurin's (openjdk,
/// AdoptOpenJDK), often on another distribution.
fn other_make(facts: &Facts<'_>) -> bool {
    let repo = facts.image.repository.rsplit('/').next().unwrap_or("");
    let tag = facts.image.tag.as_deref().unwrap_or("latest");
    repo == "openjdk" || (repo == "maven" && !tag.contains("eclipse-temurin"))
}

/// A JDK version as tags write it: `17`, `21.0.3_9`.
fn is_version(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
}

/// Temurin images are Ubuntu unless the tag says Alpine.
fn family(variants: &[&str]) -> Family {
    if variants.contains(&"alpine") {
        Family::Alpine
    } else {
        Family::Ubuntu
    }
}
