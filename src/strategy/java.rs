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
//! COPY --from=builder /app /app
//! WORKDIR /app
//! CMD ["java", "-jar", "target/app.jar"]
//! ```

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
        Ok(program == "java")
    };
    refuse_jdk_modules(facts)?;
    install_runtime_needs(&mut plan, facts, runtime.family, &mut provided, Vec::new())?;
    Ok(plan)
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
    let (version, rest): (String, Vec<&str>) = match repo {
        "maven" => {
            let at = parts
                .windows(2)
                .position(|w| w == ["eclipse", "temurin"])
                .ok_or_else(unknown)?;
            let version = parts.get(at + 2).ok_or_else(unknown)?;
            (version.to_string(), parts[at + 3..].to_vec())
        }
        "gradle" => {
            let at = parts
                .iter()
                .position(|p| p.strip_prefix("jdk").is_some_and(is_version))
                .ok_or_else(unknown)?;
            (parts[at][3..].to_string(), parts[at + 1..].to_vec())
        }
        _ => {
            let version = parts
                .first()
                .filter(|v| is_version(v))
                .ok_or_else(unknown)?;
            let rest: Vec<&str> = parts[1..].iter().copied().filter(|p| *p != "jdk").collect();
            if rest.first() == Some(&"jre") {
                // Already a JRE: the runtime keeps the image.
                return Ok(Runtime {
                    image: facts.image.to_string(),
                    family: family(&rest),
                });
            }
            (version.to_string(), rest)
        }
    };
    let variant = rest.join("-");
    if !variant.is_empty() && !VARIANTS.contains(&variant.as_str()) {
        return Err(Unsure::at(
            Code::UnknownTag,
            line,
            format!("the tag variant {variant} has no Eclipse Temurin JRE dockopt knows"),
        ));
    }
    let image = if variant.is_empty() {
        format!("eclipse-temurin:{version}-jre")
    } else {
        format!("eclipse-temurin:{version}-jre-{variant}")
    };
    Ok(Runtime {
        image,
        family: family(&rest),
    })
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
