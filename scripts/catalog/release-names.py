#!/usr/bin/env python3
"""Checks packages.toml's [release_names] against the releases' own
package indexes: every Debian (Ubuntu) runtime package name the catalog
writes must exist on each checked release, under its own name or under
the one [release_names] gives there, and each name given must exist.

    scripts/catalog/release-names.py

Downloads the Packages indexes of Debian bookworm, trixie and bullseye
(main) and Ubuntu jammy, noble and focal (main and universe), about 60 MB;
prints each problem and exits 1 when there is one. Names are looked up as
packages and as what packages Provide (trixie's libssl3t64 provides
libssl3).
"""
import lzma
import os
import sys
import tomllib
import urllib.request

CATALOG = os.path.join(os.path.dirname(__file__), "..", "..", "src", "catalog")
INDEXES = {
    "debian": {
        r: [f"http://deb.debian.org/debian/dists/{r}/main/binary-amd64/Packages.xz"]
        for r in ("bookworm", "trixie", "bullseye")
    },
    "ubuntu": {
        r: [
            f"http://archive.ubuntu.com/ubuntu/dists/{r}/{c}/binary-amd64/Packages.xz"
            for c in ("main", "universe")
        ]
        for r in ("jammy", "noble", "focal")
    },
}
TABLES = ("runtime_library", "native_libraries", "link_libraries")


def names_in(urls):
    """Package names and what they provide, from Packages indexes."""
    out = set()
    for url in urls:
        with urllib.request.urlopen(url, timeout=300) as r:
            text = lzma.decompress(r.read()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("Package: "):
                out.add(line.split()[1])
            elif line.startswith("Provides: "):
                out.update(p.strip().split()[0] for p in line[10:].split(","))
    return out


def main():
    packages = tomllib.load(open(os.path.join(CATALOG, "packages.toml"), "rb"))
    wheels = tomllib.load(open(os.path.join(CATALOG, "wheels.toml"), "rb"))
    problems = []
    for family, releases in INDEXES.items():
        wanted = {n for t in TABLES for lst in packages.get(t, {}).get(family, {}).values() for n in lst}
        if family == "debian":
            wanted.update(n for w in wheels.values() for n in w.get("libraries", []))
        table = packages["release_names"][family]
        for release, urls in releases.items():
            have = names_in(urls)
            renames = {} if release == table["written_for"] else table.get("renames", {}).get(release, {})
            for name in sorted(wanted):
                there = renames.get(name, name)
                if there == "":
                    continue
                if there not in have:
                    problems.append(f"{family} {release}: no package {there} (for {name})")
            print(f"{family} {release}: {len(wanted)} names checked", file=sys.stderr)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
