//! Container engines driven through their own command lines: docker,
//! podman and buildah. Nothing here talks to a daemon directly.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::VerifyError;
use super::filesystem::Index;

/// An engine dockopt can build and run images with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Docker,
    Podman,
    Buildah,
}

impl Engine {
    /// The engine's program name.
    pub fn program(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman => "podman",
            Engine::Buildah => "buildah",
        }
    }

    /// The first engine that answers, in the order docker, podman, buildah.
    pub fn detect() -> Option<Engine> {
        [Engine::Docker, Engine::Podman, Engine::Buildah]
            .into_iter()
            .find(|e| e.usable())
    }

    /// True when the engine is installed and (for docker) its daemon answers.
    pub fn usable(self) -> bool {
        let probe: &[&str] = match self {
            Engine::Docker => &["info", "--format", "{{.ServerVersion}}"],
            _ => &["version"],
        };
        Command::new(self.program())
            .args(probe)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Builds `dockerfile` in `context` as `tag`; returns how long it took.
    pub fn build(
        self,
        dockerfile: &Path,
        context: &Path,
        tag: &str,
    ) -> Result<Duration, VerifyError> {
        let mut cmd = Command::new(self.program());
        match self {
            Engine::Buildah => cmd.arg("bud"),
            _ => cmd.arg("build"),
        };
        cmd.arg("-f")
            .arg(dockerfile)
            .arg("-t")
            .arg(tag)
            .arg(context);
        let start = Instant::now();
        let out = cmd
            .output()
            .map_err(|e| VerifyError::Engine(format!("cannot run {}: {e}", self.program())))?;
        if !out.status.success() {
            let log = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            return Err(VerifyError::Build(tail(&log, 25)));
        }
        Ok(start.elapsed())
    }

    /// The image's size in bytes and its layer count.
    pub fn size(self, tag: &str) -> Result<(u64, usize), VerifyError> {
        // buildah and podman share their image store; podman reports bytes.
        let program = match self {
            Engine::Buildah if Engine::Podman.usable() => "podman",
            Engine::Buildah => "buildah",
            e => e.program(),
        };
        let out = if program == "buildah" {
            run(Command::new("buildah").args(["images", "--format", "{{.Size}}", tag]))?
        } else {
            run(Command::new(program).args([
                "image",
                "inspect",
                "--format",
                "{{.Size}} {{len .RootFS.Layers}}",
                tag,
            ]))?
        };
        let mut parts = out.split_whitespace();
        let size = parts.next().unwrap_or("0");
        let bytes = size
            .parse::<u64>()
            .ok()
            .or_else(|| human_bytes(out.trim()))
            .unwrap_or(0);
        let layers = match parts.next().and_then(|l| l.parse().ok()) {
            Some(n) => n,
            None => run(Command::new("buildah").args([
                "inspect",
                "--type",
                "image",
                "--format",
                "{{len .OCIv1.RootFS.DiffIDs}}",
                tag,
            ]))?
            .trim()
            .parse()
            .unwrap_or(0),
        };
        Ok((bytes, layers))
    }

    /// Starts the image's own command (entrypoint and CMD), or `command`
    /// instead of both, with `env` set; `offline` gives it no network
    /// (docker and podman).
    pub fn start(
        self,
        tag: &str,
        command: Option<&[String]>,
        env: &[(String, String)],
        port: Option<u16>,
        offline: bool,
    ) -> Result<Running, VerifyError> {
        let mut cmd;
        let mut container = None;
        match self {
            Engine::Buildah => {
                let ctr = run(Command::new("buildah").args(["from", "--pull=never", tag]))?
                    .trim()
                    .to_string();
                let argv: Vec<String> = match command {
                    Some(c) => c.to_vec(),
                    None => run(Command::new("buildah").args([
                        "inspect", "--type", "container", "--format",
                        "{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}",
                        &ctr,
                    ]))?
                    .lines()
                    .map(String::from)
                    .collect(),
                };
                cmd = Command::new("buildah");
                cmd.args(["run", "--isolation", "chroot"]);
                for (k, v) in env {
                    cmd.arg("--env").arg(format!("{k}={v}"));
                }
                cmd.arg(&ctr).arg("--").args(&argv);
                container = Some(ctr);
            }
            _ => {
                cmd = Command::new(self.program());
                cmd.args(["run", "--rm", "--init"]);
                if offline {
                    cmd.args(["--network", "none"]);
                }
                for (k, v) in env {
                    cmd.arg("-e").arg(format!("{k}={v}"));
                }
                if let Some(p) = port {
                    cmd.arg("-p").arg(format!("127.0.0.1:{p}:{p}"));
                }
                match command {
                    Some([program, args @ ..]) => {
                        cmd.arg("--entrypoint").arg(program).arg(tag).args(args);
                    }
                    _ => {
                        cmd.arg(tag);
                    }
                }
            }
        }
        // Its own process group, so that stopping it stops what it started.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| VerifyError::Engine(format!("cannot run {}: {e}", self.program())))?;
        Ok(Running {
            child,
            container,
            engine: self,
        })
    }

    /// The whole file system of an image, read through the engine's own
    /// command line: a container exported as a tar (docker, podman), or
    /// mounted (buildah).
    pub fn export(self, tag: &str) -> Result<Index, VerifyError> {
        match self {
            Engine::Buildah => {
                let ctr = run(Command::new("buildah").args(["from", "--pull=never", tag]))?
                    .trim()
                    .to_string();
                let result = run(Command::new("buildah").args(["mount", &ctr])).and_then(|dir| {
                    Index::from_dir(Path::new(dir.trim())).map_err(|e| {
                        VerifyError::Engine(format!("cannot read the files of {tag}: {e}"))
                    })
                });
                let _ = run(Command::new("buildah").args(["umount", &ctr]));
                let _ = run(Command::new("buildah").args(["rm", &ctr]));
                result
            }
            _ => {
                let id = run(Command::new(self.program()).args(["create", tag, "true"]))?
                    .trim()
                    .to_string();
                let result = (|| {
                    let mut child = Command::new(self.program())
                        .args(["export", &id])
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .map_err(|e| {
                            VerifyError::Engine(format!("cannot run {}: {e}", self.program()))
                        })?;
                    let stdout = child.stdout.take().ok_or_else(|| {
                        VerifyError::Engine(format!("{} export gave no output", self.program()))
                    })?;
                    let index = Index::from_tar(std::io::BufReader::with_capacity(1 << 20, stdout))
                        .map_err(|e| {
                            VerifyError::Engine(format!("cannot read the export of {tag}: {e}"))
                        });
                    let status = child.wait();
                    match (index, status) {
                        (Ok(i), Ok(s)) if s.success() => Ok(i),
                        (Err(e), _) => Err(e),
                        _ => Err(VerifyError::Engine(format!(
                            "{} export of {tag} failed",
                            self.program()
                        ))),
                    }
                })();
                let _ = run(Command::new(self.program()).args(["rm", "-f", &id]));
                result
            }
        }
    }

    /// An image's environment (`NAME=value` lines) and working folder.
    pub fn config(self, tag: &str) -> Result<(Vec<String>, String), VerifyError> {
        let out = match self {
            Engine::Buildah => run(Command::new("buildah").args([
                "inspect",
                "--type",
                "image",
                "--format",
                "{{range .OCIv1.Config.Env}}{{println .}}{{end}}WORKDIR={{.OCIv1.Config.WorkingDir}}",
                tag,
            ]))?,
            _ => run(Command::new(self.program()).args([
                "image",
                "inspect",
                "--format",
                "{{range .Config.Env}}{{println .}}{{end}}WORKDIR={{.Config.WorkingDir}}",
                tag,
            ]))?,
        };
        let mut env = Vec::new();
        let mut workdir = String::new();
        for line in out.lines() {
            match line.strip_prefix("WORKDIR=") {
                Some(w) => workdir = w.to_string(),
                None if !line.is_empty() => env.push(line.to_string()),
                None => {}
            }
        }
        Ok((env, workdir))
    }

    /// Whether an image is in the engine's store.
    pub fn has_image(self, tag: &str) -> bool {
        let args: &[&str] = match self {
            Engine::Buildah => &["inspect", "--type", "image"],
            _ => &["image", "inspect"],
        };
        Command::new(self.program())
            .args(args)
            .arg(tag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Removes an image dockopt built.
    pub fn remove(self, tag: &str) {
        let sub: &[&str] = match self {
            Engine::Buildah => &["rmi", "-f"],
            _ => &["rmi", "-f"],
        };
        let _ = Command::new(self.program())
            .args(sub)
            .arg(tag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A running image.
pub struct Running {
    child: Child,
    container: Option<String>,
    engine: Engine,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finished {
    /// Exit status, or None when it was stopped at the time limit.
    pub exit: Option<i32>,
    /// What it printed on standard output.
    pub stdout: String,
}

impl Running {
    /// Waits up to `limit`, then stops it; returns its status and output.
    pub fn finish(mut self, limit: Duration) -> Finished {
        let start = Instant::now();
        let mut exit = None;
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                exit = status.code();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if exit.is_none() {
            self.stop();
        }
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        self.cleanup();
        Finished { exit, stdout }
    }

    /// Stops what it runs. buildah 1.28 must not get SIGTERM itself (it
    /// panics, and its panic signals far beyond its own processes), so the
    /// processes it started get SIGTERM, and the group SIGKILL if it lingers.
    pub fn stop(&mut self) {
        #[cfg(unix)]
        {
            let pid = self.child.id();
            let targets = match self.engine {
                Engine::Buildah => leaves(pid),
                _ => vec![pid],
            };
            for t in targets {
                signal("-TERM", &t.to_string());
            }
            for _ in 0..100 {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(self.child.try_wait(), Ok(None)) {
                signal("-KILL", &format!("-{pid}"));
            }
        }
        let _ = self.child.wait();
    }

    /// Removes the working container (buildah).
    pub fn cleanup(&mut self) {
        if let Some(ctr) = self.container.take() {
            let _ = Command::new(self.engine.program())
                .args(["rm", &ctr])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop();
        }
        self.cleanup();
    }
}

/// Sends a signal with kill(1); errors (the process is gone) do not matter.
#[cfg(unix)]
fn signal(sig: &str, target: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The processes below `pid` that have no children of their own (Linux).
#[cfg(unix)]
fn leaves(pid: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces.
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|x| x.parse().ok());
            if let Some(ppid) = ppid {
                parent_of.push((p, ppid));
            }
        }
    }
    let mut below = vec![pid];
    let mut i = 0;
    while i < below.len() {
        let me = below[i];
        below.extend(
            parent_of
                .iter()
                .filter(|(_, pp)| *pp == me)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    below
        .into_iter()
        .skip(1)
        .filter(|p| !parent_of.iter().any(|(_, pp)| pp == p))
        .collect()
}

/// Runs a command and returns its standard output, or the error it printed.
fn run(cmd: &mut Command) -> Result<String, VerifyError> {
    let out = cmd
        .output()
        .map_err(|e| VerifyError::Engine(format!("cannot run {:?}: {e}", cmd.get_program())))?;
    if !out.status.success() {
        return Err(VerifyError::Engine(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            tail(&String::from_utf8_lossy(&out.stderr), 5)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The last `n` lines of a log.
fn tail(log: &str, n: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// "181 MB" as bytes (buildah's rounded figure).
fn human_bytes(s: &str) -> Option<u64> {
    let (num, unit) = s.split_once(' ')?;
    let n: f64 = num.parse().ok()?;
    let scale = match unit {
        "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    Some((n * scale) as u64)
}
