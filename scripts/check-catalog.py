#!/usr/bin/env python3
"""Checks the catalog's facts about images and packages against the images
here (the stand-ins of ../shared/e2e, built from Debian's packages).

Usage: scripts/check-catalog.py        (needs buildah and the stand-ins)

- Every Debian package name the catalog installs (runtime libraries of -dev
  packages, tools, libraries of native packages and of -l names,
  alternatives, TLS clients) exists in the release's package index.
- For each builder/runtime pair with stand-ins here (python:3.11 and
  python:3.11-slim, node:20 and node:20-slim, gcc:12 and
  debian:bookworm-slim): every program bases.toml says the runtime lacks,
  of the packages the builder stand-in has, is on the builder's PATH and
  not on the runtime's; every library it says the runtime lacks is absent
  from the runtime's library folders.
- The facts written by hand: libatomic1 and libgomp1 are not in
  debian:bookworm-slim; node:20-slim has no CA certificates; python slim
  and debian slim have tzdata.
Exit 1 on any fact that does not hold.
"""
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "..", "src", "catalog")
failures = []


def sh(image, script):
    """Runs a shell script in a container of `image`; returns stdout."""
    ctr = subprocess.run(["buildah", "from", "--pull=never", image], capture_output=True, text=True)
    if ctr.returncode != 0:
        return None
    name = ctr.stdout.strip()
    try:
        out = subprocess.run(["buildah", "run", name, "--", "sh", "-c", script], capture_output=True, text=True)
        return out.stdout
    finally:
        subprocess.run(["buildah", "rm", name], capture_output=True)


def load(name):
    with open(os.path.join(CATALOG, name), "rb") as f:
        return tomllib.load(f)


packages = load("packages.toml")
bases = load("bases.toml")

# 1. Every Debian name the catalog would install exists in bookworm.
names = set()
for table in ("runtime_library", "native_libraries", "link_libraries"):
    for lst in packages.get(table, {}).get("debian", {}).values():
        names.update(lst)
names.update(packages["tools"]["debian"].values())
for build in load("wheels.toml").values():
    names.update(build["libraries"])
names.update(n for lst in packages["alternatives"].values() for n in lst if n not in ("busybox", "procps-ng", "netcat", "python3-minimal") and not n.startswith("postgresql-client-") and n not in ("mysql-client", "default-jre", "default-jre-headless", "openjdk-17-jre-headless", "openjdk-17-jre", "graphicsmagick-imagemagick-compat", "wget2", "nvi", "neovim", "original-awk", "vim"))
names.update(packages["tls_clients"])
names.update(n for lst in load("node.toml")["install_needs"].values() for n in lst)
listing = sh("docker.io/library/debian:bookworm-slim",
             "apt-get update -qq > /dev/null 2>&1; for p in " + " ".join(sorted(names)) +
             "; do apt-cache show --no-all-versions $p > /dev/null 2>&1 && echo ok $p || echo missing $p; done")
if listing is None:
    print("check-catalog: the stand-ins are not here; skipped")
    sys.exit(0)
missing = [l.split()[1] for l in listing.splitlines() if l.startswith("missing")]
print(f"check-catalog: {len(names) - len(missing)}/{len(names)} Debian package names exist in bookworm")
failures += [f"no Debian package {m}" for m in missing]

# 2. Programs and libraries the runtime lacks, pair by pair.
pairs = [
    ("docker.io/library/python:3.11", "docker.io/library/python:3.11-slim", "python-bookworm", "python-slim-bookworm"),
    ("docker.io/library/node:20", "docker.io/library/node:20-slim", "buildpack-deps-bookworm", "node-slim-bookworm"),
    ("docker.io/library/gcc:12", "docker.io/library/debian:bookworm-slim", "buildpack-deps-bookworm", "debian-bookworm-slim"),
]
for builder, runtime, b, r in pairs:
    lacking = [p for p in bases["image"][b]["packages"] if p not in bases["image"][r]["packages"]]
    have = sh(builder, "dpkg-query -W -f='${Package}\\n'")
    if have is None:
        print(f"check-catalog: {builder} is not here; skipped")
        continue
    have = set(have.split())
    # The python slim stand-in is Debian's python3, which the official slim
    # image does not install: its packages are the stand-in's, not the
    # image's, and are left out.
    runtime_has = set((sh(runtime, "dpkg-query -W -f='${Package}\\n'") or "").split())
    progs, libs = [], []
    for p in lacking:
        if p not in have or p in runtime_has:
            continue  # the stand-ins leave it out (imagemagick, mercurial)
        facts = bases["package"].get(p, {})
        progs += facts.get("programs", [])[:3]
        libs += [l for l in facts.get("libraries", []) if l.count(".so.") == 1][:2]
    probe = "onpath() { for d in $(echo $PATH | tr : ' '); do [ -x $d/$1 ] && return 0; done; return 1; }; " \
            "for p in " + " ".join(progs) + "; do onpath $p && echo has $p || echo lacks $p; done; " \
            "for l in " + " ".join(libs) + "; do [ -n \"$(find /lib /usr/lib -name $l -print -quit 2>/dev/null)\" ] && echo has $l || echo lacks $l; done"
    in_builder = sh(builder, probe) or ""
    in_runtime = sh(runtime, probe) or ""
    bad_b = [l.split()[1] for l in in_builder.splitlines() if l.startswith("lacks")]
    bad_r = [l.split()[1] for l in in_runtime.splitlines() if l.startswith("has")]
    print(f"check-catalog: {builder} -> {runtime}: {len(progs)} programs and {len(libs)} libraries the runtime lacks; "
          f"{len(bad_b)} not in the builder, {len(bad_r)} in the runtime after all")
    failures += [f"{builder} lacks {x}, which bases.toml says it has" for x in bad_b]
    failures += [f"{runtime} has {x}, which bases.toml says it lacks" for x in bad_r]

# 3. Facts written by hand in packages.toml and the strategies.
checks = [
    ("docker.io/library/debian:bookworm-slim", "ls /usr/lib/x86_64-linux-gnu/libatomic.so.1", False, "libatomic1 is not in debian:bookworm-slim"),
    ("docker.io/library/debian:bookworm-slim", "ls /usr/lib/x86_64-linux-gnu/libgomp.so.1", False, "libgomp1 is not in debian:bookworm-slim"),
    ("docker.io/library/node:20-slim", "ls /etc/ssl/certs/ca-certificates.crt", False, "node:20-slim has no CA certificates"),
    ("docker.io/library/python:3.11-slim", "ls /etc/ssl/certs/ca-certificates.crt", True, "python:3.11-slim has CA certificates"),
    ("docker.io/library/debian:bookworm-slim", "ls /usr/share/zoneinfo/UTC", True, "debian:bookworm-slim has tzdata"),
    ("docker.io/library/python:3.11", "command -v git", True, "python:3.11 has git"),
    ("docker.io/library/python:3.11-slim", "command -v git", False, "python:3.11-slim has no git"),
]
for image, probe, want, fact in checks:
    out = sh(image, probe + " > /dev/null 2>&1 && echo yes || echo no")
    if out is None:
        continue
    if (out.strip() == "yes") != want:
        failures.append(f"not so: {fact}")
print(f"check-catalog: {len(checks)} facts written by hand checked")
for f in failures:
    print(f"FAIL {f}")
sys.exit(1 if failures else 0)
