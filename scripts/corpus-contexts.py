#!/usr/bin/env python3
"""Rewrites of real repositories with their build context.

Usage: scripts/corpus-contexts.py [--dockopt PATH] [--corpus DIR] [--keep DIR] [--only CASE]
                                  [--min-share PERCENT]

For every case of CORPUS/contexts/MANIFEST.tsv (see the README there), mimics
the repository as that README says: the case folder is copied, every path of
TREE.txt that does not exist yet is made as an empty file, and
`dockopt rewrite --stdout --context <copy>/<context> <copy>/<dockerfile>` runs
on it. Each rewrite is checked:
- BuildKit's own parser (../shared/tools/buildkit_oracle.py, PyPI package
  `dockerfile`) accepts it;
- rewriting it again changes nothing;
- every `COPY --from=<builder>` source is a path the builder stage creates or
  copies (a COPY or ADD destination, with the entries of a copied folder; a
  WORKDIR; a path a RUN or ENV names; or a folder the builder image is known
  to fill), so `COPY ./dist/ ./` cannot be read as making /dist.
Prints the share rewritten per ecosystem and the reasons for the rest, grouped
by kind. Exit 1 if any rewrite fails a check, or the share is below
--min-share.
"""
import argparse
import collections
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--dockopt", default="target/release/dockopt")
ap.add_argument("--corpus", default="../shared/corpus")
ap.add_argument("--keep", help="mimic the contexts in this folder and keep them")
ap.add_argument("--only", help="one case")
ap.add_argument("--min-share", type=float, default=0.0)
ap.add_argument("--verbose", action="store_true")
a = ap.parse_args()

sys.path.insert(0, os.path.join(a.corpus, "..", "tools"))
import buildkit_oracle as bk  # noqa: E402

contexts = os.path.join(a.corpus, "contexts")
rows = []
with open(os.path.join(contexts, "MANIFEST.tsv")) as f:
    header = f.readline().rstrip("\n").split("\t")
    for line in f:
        r = dict(zip(header, line.rstrip("\n").split("\t")))
        if not a.only or r["case"] == a.only:
            rows.append(r)


def mimic(case, into):
    """Copies a case and makes every other path of TREE.txt an empty file."""
    src = os.path.join(contexts, case)
    dst = os.path.join(into, case)
    shutil.copytree(src, dst, symlinks=False)
    os.remove(os.path.join(dst, "TREE.txt"))
    with open(os.path.join(src, "TREE.txt"), encoding="utf-8", errors="replace") as f:
        for p in f:
            p = p.rstrip("\n")
            if not p or p.startswith("/") or ".." in p.split("/"):
                continue
            full = os.path.join(dst, p)
            if os.path.lexists(full):
                continue
            try:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                open(full, "a").close()
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                pass  # collides with a folder
    return dst


# Folders the builder images fill by themselves, which a COPY --from may take.
IMAGE_FOLDERS = [
    "/usr/local/bundle", "/go/bin", "/go/pkg", "/usr/local/cargo", "/root/.m2", "/root/.gradle",
    "/root/.local", "/root/.cache", "/usr/local/lib/node_modules", "/usr/local/share/.cache",
    "/opt/venv", "/usr/local/lib",
]


# The WORKDIR the builder images start in, by repository.
IMAGE_WORKDIRS = {"php": "/var/www/html", "gradle": "/home/gradle", "golang": "/go"}


def image_workdir(from_value):
    repo = from_value.split("@")[0].rsplit(":", 1)[0] if ":" in from_value.split("/")[-1] else from_value
    return IMAGE_WORKDIRS.get(repo.rsplit("/", 1)[-1], "/")


def norm(p, workdir):
    if not p.startswith("/"):
        p = posixpath.join(workdir or "/", p)
    return posixpath.normpath(p) if p != "/" else "/"


def under(p, d):
    return p == d or d == "/" and p.startswith("/") or p.startswith(d.rstrip("/") + "/")


def builder_paths(instructions, context_dir):
    """Paths the first stage creates or copies."""
    paths = list(IMAGE_FOLDERS)
    workdir = image_workdir((instructions[0].get("value") or [""])[0])
    paths.append(workdir)
    env = {}
    for ins in instructions:
        cmd = ins["cmd"].lower()
        vals = ins.get("value") or []
        if cmd == "from" and paths is not None and ins is not instructions[0]:
            break
        if cmd == "workdir" and vals:
            workdir = norm(expand(vals[0], env), workdir)
            paths.append(workdir)
        elif cmd in ("env", "arg"):
            for i in range(0, len(vals) - 1, 2):
                env[vals[i]] = vals[i + 1]
                for v in vals[i + 1].split(":"):
                    if v.startswith("/"):
                        paths.append(posixpath.normpath(v))
            for v in vals:
                if "=" in v:
                    k, _, x = v.partition("=")
                    env[k] = x
        elif cmd in ("copy", "add") and len(vals) >= 2:
            if any(f.startswith("--from") for f in ins.get("flags", [])):
                paths.append(norm(expand(vals[-1], env), workdir))
                continue
            dest = expand(vals[-1], env)
            dest_abs = norm(dest, workdir)
            sources = vals[:-1]
            dir_like = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
            for s in sources:
                s_path = os.path.join(context_dir, s.lstrip("./") if s not in (".", "./") else "")
                if os.path.isdir(s_path):
                    # A folder's contents land in the destination.
                    if dest_abs != "/":
                        paths.append(dest_abs)
                    for entry in os.listdir(s_path):
                        paths.append(posixpath.join(dest_abs, entry))
                elif dir_like:
                    paths.append(posixpath.join(dest_abs, posixpath.basename(s.rstrip("/"))))
                else:
                    paths.append(dest_abs)
        elif cmd == "run":
            text = " ".join(vals) + " " + " ".join(h["content"] for h in ins.get("heredocs", []))
            for w in re.findall(r"[^\s'\"=;&|()<>]+", expand(text, env)):
                if w.startswith("/") or w.startswith("./") or re.match(r"^[\w.-]+/", w):
                    paths.append(norm(w.rstrip("/"), workdir))
    return paths


def expand(text, env):
    for k, v in env.items():
        text = text.replace("${%s}" % k, v)
        text = re.sub(r"\$%s\b" % re.escape(k), lambda _: v, text)
    return text


def copy_from_problems(text_path, context_dir):
    """`COPY --from=<first stage>` sources the first stage does not make."""
    view = bk.parse(text_path)
    ins = view.get("instructions", [])
    froms = [i for i, x in enumerate(ins) if x["cmd"].lower() == "from"]
    if len(froms) < 2:
        return ["the rewrite has one stage"]
    first = ins[froms[0]:froms[1]]
    name = (first[0]["value"] + ["", "", ""])[2] if len(first[0]["value"]) >= 3 else "0"
    made = builder_paths(first, context_dir)
    problems = []
    copies = 0
    for x in ins[froms[1]:]:
        flags = x.get("flags", [])
        src_stage = [f.split("=", 1)[1] for f in flags if f.startswith("--from=")]
        if x["cmd"].lower() != "copy" or not src_stage:
            continue
        if src_stage[0] not in (name, "0"):
            continue
        copies += 1
        for s in x["value"][:-1]:
            s = posixpath.normpath(s)
            if not any(under(s, m) or under(m, s) and m != "/" for m in made):
                problems.append(f"COPY --from={src_stage[0]} {s}: the builder does not make it")
    if copies == 0:
        problems.append("the runtime stage copies nothing from the builder")
    return problems


def kind(reason):
    """A refusal reason with its particulars taken out, to group by."""
    why = re.sub(r"line \d+", "line N", reason)
    why = re.sub(r"`[^`]*`", "`...`", why)
    why = re.sub(r"base image \S+", "base image X", why)
    why = re.sub(r"(/[\w.@+-]+)+/?", "PATH", why)
    return why[:160]


per_eco = collections.Counter()
done_eco = collections.Counter()
reasons = collections.Counter()
failures = []
tmp = a.keep or tempfile.mkdtemp(prefix="dockopt-contexts-")
os.makedirs(tmp, exist_ok=True)
try:
    for r in rows:
        case, eco = r["case"], r["ecosystem"]
        per_eco[eco] += 1
        root = os.path.join(tmp, case)
        if os.path.exists(root):
            shutil.rmtree(root)
        root = mimic(case, tmp)
        path = os.path.join(root, r["dockerfile"])
        ctx = os.path.normpath(os.path.join(root, r["context"]))
        p = subprocess.run(
            [a.dockopt, "rewrite", "--stdout", "--context", ctx, path], capture_output=True
        )
        err = p.stderr.decode(errors="replace")
        if p.returncode != 0:
            failures.append(f"{case}: exit {p.returncode}: {err.strip()}")
            continue
        out = p.stdout
        if out == open(path, "rb").read():
            why = err.split(": unchanged: ", 1)[-1].strip()
            reasons[kind(why)] += 1
            if a.verbose:
                print(f"  unchanged {case}: {why}")
            continue
        done_eco[eco] += 1
        if a.verbose:
            print(f"  rewritten {case}")
        new = path + ".dockopt"
        with open(new, "wb") as f:
            f.write(out)
        view = bk.parse(new)
        if "error" in view:
            failures.append(f"{case}: BuildKit rejects the rewrite: {view['error']}")
            continue
        again = subprocess.run(
            [a.dockopt, "rewrite", "--check", "--context", ctx, new], capture_output=True
        )
        if again.returncode != 0:
            failures.append(f"{case}: rewriting the rewrite changes it again")
        for problem in copy_from_problems(new, ctx):
            failures.append(f"{case}: {problem}")
finally:
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)

total = sum(per_eco.values())
done = sum(done_eco.values())
share = 100 * done / max(total, 1)
print(f"corpus-contexts: {done}/{total} repositories rewritten ({share:.0f}%)")
for eco in sorted(per_eco):
    print(f"  {eco:<8} {done_eco[eco]}/{per_eco[eco]}")
print("left unchanged, by kind of reason:")
for why, n in reasons.most_common():
    print(f"  {n:>3}  {why}")
for f in failures:
    print(f"FAIL {f}")
if share < a.min_share:
    print(f"FAIL the share rewritten, {share:.0f}%, is below {a.min_share:.0f}%")
    sys.exit(1)
sys.exit(1 if failures else 0)
