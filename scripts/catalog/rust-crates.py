#!/usr/bin/env python3
"""Writes src/catalog/crates.toml: for common crates.io crates, the "-sys"
crates their dependency tree brings, with their default features, without
them, and per feature. It backs the Rust rewrite of a project whose build
context has no Cargo.lock: cargo then resolves the newest compatible
release of each dependency, and dockopt reads what those link from here.

For each crate in CRATES it reads the crates.io sparse index, takes the
newest release of each of the last LINES semver-compatible lines that
cargo can resolve from the index it reaches (a line whose release the
table already has is kept as it is), and asks
cargo to resolve a scratch project depending on it (`cargo
generate-lockfile`: the index only, no source is downloaded) and keeps
the -sys crates, and the crates packages.toml's rust_system_library_crates
lists, of the lock file:

- `base`: with `default-features = false`;
- `default`: with the default features;
- per feature, with `default-features = false` and that feature alone.

A feature is written only when it brings a -sys crate `base` lacks; every
feature of the release is listed in `known`, so that a feature the table
has not seen stops the rewrite. The -sys crates of the catalog's
rust_sys_without_runtime_package (packages.toml: other systems' bindings,
crates that build their library in) are left out.

    scripts/catalog/rust-crates.py > src/catalog/crates.toml
    scripts/catalog/rust-crates.py sqlx axum    # a few, to look at

Needs cargo and the network to index.crates.io.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.request

PACKAGES = os.path.join(os.path.dirname(__file__), "..", "..", "src", "catalog", "packages.toml")
# -sys crates that link nothing a Debian slim runtime lacks (packages.toml):
# left out, so that the table names only what needs a runtime package.
PACKAGE_DATA = tomllib.load(open(PACKAGES, "rb"))
HARMLESS = set(PACKAGE_DATA["rust_sys_without_runtime_package"])
# Crates that link or load a system library without a "-sys" name.
SYSTEM = set(PACKAGE_DATA["rust_system_library_crates"])

LINES = 6

TABLE = os.path.join(os.path.dirname(__file__), "..", "..", "src", "catalog", "crates.toml")
# The table as it is: a line whose newest release has not changed is
# taken from it instead of asked of cargo again.
KNOWN = tomllib.load(open(TABLE, "rb")) if os.path.exists(TABLE) else {}

# Crates that web services, bots and command-line programs commonly depend
# on (and every registry crate of the shared corpus's Cargo.toml files).
CRATES = """
actix actix-cors actix-files actix-rt actix-web aho-corasick anyhow argon2
askama async-graphql async-std async-stream async-trait axum axum-extra
base64 bb8 bcrypt bincode byteorder bytes cached chrono chrono-tz ciborium
clap color-eyre colored comrak config cookie crossbeam crossbeam-channel
csv dashmap deadpool deadpool-postgres derive_more diesel dotenv dotenvy
env_logger envy eyre fern flate2 futures futures-util glob governor
handlebars headers hex hmac html-escape http humantime hyper hyper-util
image include_dir indexmap indicatif inkjet itertools jsonwebtoken juniper
lapin lazy_static lettre log log4rs maplit md5 mime minijinja moka
mongodb native-tls num_cpus oauth2 once_cell openssl parking_lot
pretty_env_logger prost pulldown-cmark r2d2 rand rayon redis regex reqwest
rmp-serde rocket rusqlite rust-embed rustls sea-orm serde serde_json
serde_urlencoded serde_with serde_yaml serenity sha1 sha2 simple_logger
smol socketioxide sqlx strum structopt sysinfo tar teloxide tempfile tera
thiserror time tinytemplate tokio tokio-native-tls tokio-postgres
tokio-rustls tokio-stream tokio-tls tokio-tungstenite tokio-util toml tonic
tower tower-http tracing tracing-appender tracing-subscriber tungstenite
ureq url utoipa utoipa-swagger-ui uuid validator walkdir warp zip
""".split()


def index_url(name):
    """The sparse index path of a crate (crates.io's layout)."""
    n = name.lower()
    if len(n) <= 2:
        return f"https://index.crates.io/{len(n)}/{n}"
    if len(n) == 3:
        return f"https://index.crates.io/3/{n[0]}/{n}"
    return f"https://index.crates.io/{n[:2]}/{n[2:4]}/{n}"


def releases(name):
    """The crate's non-yanked, non-pre-release entries from the index."""
    with urllib.request.urlopen(index_url(name), timeout=60) as r:
        rows = [json.loads(line) for line in r.read().decode().splitlines() if line]
    return [r for r in rows if not r["yanked"] and "-" not in r["vers"]]


def key(vers):
    """The semver-compatible line of a version: 1.2.3 -> 1, 0.4.2 -> 0.4."""
    major, minor, patch = (int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", vers).groups())
    if major:
        return str(major)
    if minor:
        return f"0.{minor}"
    return f"0.0.{patch}"


def sort_key(vers):
    return tuple(int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", vers).groups())


def features_of(row):
    """Every feature a dependent may name: declared ones, and optional
    dependencies no `dep:` entry hides."""
    feats = dict(row.get("features", {}))
    feats.update(row.get("features2", {}) or {})
    hidden = {v[4:] for vals in feats.values() for v in vals if v.startswith("dep:")}
    names = set(feats) - {"default"}
    for d in row["deps"]:
        if d.get("optional") and d["name"] not in hidden and d.get("kind", "normal") != "dev":
            names.add(d["name"])
    return sorted(names)


def sys_crates(name, vers, default, features, work):
    """The -sys crates cargo's resolution of one dependency brings, or
    None when cargo cannot resolve it."""
    feats = ", ".join(json.dumps(f) for f in features)
    with open(os.path.join(work, "Cargo.toml"), "w") as f:
        f.write(
            '[package]\nname = "scratch"\nversion = "0.0.0"\nedition = "2021"\n'
            "[dependencies]\n"
            f'{json.dumps(name)} = {{ version = "={vers}", default-features = '
            f"{'true' if default else 'false'}, features = [{feats}] }}\n"
        )
    lock = os.path.join(work, "Cargo.lock")
    if os.path.exists(lock):
        os.remove(lock)
    r = subprocess.run(["cargo", "generate-lockfile", "-q"], cwd=work, capture_output=True)
    if r.returncode != 0:
        return None
    names = re.findall(r'^name = "([^"]+)"', open(lock).read(), re.M)
    binds = {n for n in names if n.endswith("-sys") or n in SYSTEM}
    return sorted(n for n in binds if n != name and n not in HARMLESS)


def crate_lines(name, work):
    """The table rows of one crate: per line, its release and -sys crates."""
    by_line = {}
    for r in releases(name):
        by_line.setdefault(key(r["vers"]), []).append(r)
    for rows in by_line.values():
        rows.sort(key=lambda r: sort_key(r["vers"]), reverse=True)
    lines = sorted(by_line, key=lambda k: sort_key(by_line[k][0]["vers"]))[-LINES:]
    out = {}
    for k in lines:
        known_line = KNOWN.get(name, {}).get(k)
        if known_line and known_line["version"] in [r["vers"] for r in by_line[k][:5]]:
            out[k] = {**known_line, "features": known_line.get("features", {})}
            continue
        # The newest release cargo can resolve from the index (a mirror
        # may lack the newest release of one of its dependencies).
        for row in by_line[k][:5]:
            vers = row["vers"]
            base = sys_crates(name, vers, False, [], work)
            default = sys_crates(name, vers, True, [], work)
            if base is not None and default is not None:
                break
        else:
            print(f"# {name} {k}: cargo could not resolve it", file=sys.stderr)
            continue
        known = features_of(row)
        every = sys_crates(name, vers, False, known, work)
        extra = {}
        if every is None or set(every) != set(base):
            for feat in known:
                got = sys_crates(name, vers, False, [feat], work)
                if got is None:
                    # A feature that cannot be resolved alone is not known.
                    known = [f for f in known if f != feat]
                    continue
                more = sorted(set(got) - set(base))
                if more:
                    extra[feat] = more
        out[k] = {"version": vers, "base": base, "default": default, "features": extra, "known": known}
        print(f"{name} {vers}: {len(known)} features, {len(extra)} bring -sys crates", file=sys.stderr)
    return out


def toml_list(items):
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def main():
    work = tempfile.mkdtemp(prefix="rust-crates-")
    os.makedirs(os.path.join(work, "src"))
    open(os.path.join(work, "src", "main.rs"), "w").write("fn main() {}\n")
    today = datetime.date.today().isoformat()
    print(f"# Generated by scripts/catalog/rust-crates.py from the crates.io index on {today};")
    print("# do not edit by hand (edit the script's CRATES).")
    print("#")
    print("# Per crate and semver-compatible line (`1`, `0.8`): the newest release,")
    print("# the -sys crates cargo resolves for it without default features")
    print("# (`base`) and with them (`default`), the features that bring more")
    print("# (`features`), and every feature the release has (`known`).")
    for name in sys.argv[1:] or sorted(CRATES):
        lines = crate_lines(name, work)
        for k, e in lines.items():
            print()
            print(f'[{json.dumps(name)}.{json.dumps(k)}]')
            print(f'version = {json.dumps(e["version"])}')
            print(f'base = {toml_list(e["base"])}')
            print(f'default = {toml_list(e["default"])}')
            print(f'known = {toml_list(e["known"])}')
            if e["features"]:
                print(f'[{json.dumps(name)}.{json.dumps(k)}.features]')
                for feat, more in sorted(e["features"].items()):
                    print(f"{json.dumps(feat)} = {toml_list(more)}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
