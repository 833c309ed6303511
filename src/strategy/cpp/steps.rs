//! What C and C++ builds do in a RUN: make, cmake, meson, ninja,
//! configure, and compilers run directly.

use crate::analysis::shell::Command;
use crate::analysis::steps::Step;

/// A C or C++ build command, or None.
pub fn recognise(cmd: &Command) -> Option<Step> {
    let program = cmd.program();
    matches!(
        program,
        "make"
            | "gmake"
            | "cmake"
            | "meson"
            | "ninja"
            | "configure"
            | "gcc"
            | "g++"
            | "cc"
            | "c++"
            | "clang"
            | "clang++"
    )
    .then(|| native(program, cmd.args()))
}

/// A C or C++ build command: whether it installs, and where.
fn native(tool: &str, args: &[String]) -> Step {
    let mut install = false;
    let mut prefix = None;
    let mut output = None;
    let mut libs = Vec::new();
    let compiler = matches!(tool, "gcc" | "g++" | "cc" | "c++" | "clang" | "clang++");
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        match (tool, name) {
            ("make" | "gmake" | "ninja" | "meson", "install") => install = true,
            ("cmake", "--install") => {
                install = true;
                it.next();
            }
            ("make" | "gmake", "PREFIX" | "prefix") => prefix = inline,
            // DESTDIR moves every file somewhere dockopt does not follow.
            ("make" | "gmake" | "ninja" | "meson", "DESTDIR") => {
                return Step::Unknown(format!("{tool} with DESTDIR"));
            }
            ("cmake", "-DCMAKE_INSTALL_PREFIX" | "-DCMAKE_INSTALL_PREFIX:PATH") => prefix = inline,
            ("cmake" | "meson" | "configure", "--prefix") => {
                prefix = inline.or_else(|| it.next().cloned());
            }
            ("gcc" | "g++" | "cc" | "c++" | "clang" | "clang++", "-o") => {
                output = it.next().cloned()
            }
            (_, "-l") if compiler => libs.extend(it.next().cloned()),
            (_, flag) if compiler && flag.starts_with("-f") => {
                libs.extend(crate::strategy::manifests::flag_libraries(a))
            }
            (_, l) if compiler && l.starts_with("-l") => libs.push(l[2..].to_string()),
            _ => {}
        }
    }
    Step::Native {
        tool: tool.to_string(),
        install,
        prefix,
        output,
        libs,
    }
}
