#!/usr/bin/env python3
"""Lists, for wheels downloaded from PyPI, the shared libraries they load
that the full python image has and python:*-slim lacks: what a wheel links
without bundling it (the DT_NEEDED entries of its .so files that no file of
the wheel provides), looked up in src/catalog/bases.toml.

    pip download --no-deps --only-binary=:all: --python-version 3.11 \\
        --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \\
        -d wheels lightgbm rasterio ...
    scripts/catalog/wheel-needs.py wheels/*.whl

What it prints backs the wheel entries of [native_libraries] in
src/catalog/packages.toml. Needs readelf (binutils).
"""
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile

BASES = os.path.join(os.path.dirname(__file__), "..", "..", "src", "catalog", "bases.toml")


def full_only_libraries():
    """Soname -> package, for the packages python:3.x has and -slim lacks."""
    bases = tomllib.load(open(BASES, "rb"))
    full = set(bases["image"]["python-bookworm"]["packages"])
    out = {}
    for name, info in bases.get("package", {}).items():
        if name in full:
            for lib in info.get("libraries", []):
                out[lib] = name
    return out


def needed(wheel):
    """The DT_NEEDED entries of the wheel's shared objects, by file."""
    z = zipfile.ZipFile(wheel)
    names = z.namelist()
    bundled = {os.path.basename(n) for n in names}
    with tempfile.NamedTemporaryFile(suffix=".so") as tmp:
        for n in names:
            if not re.search(r"\.so(\.|$)", n):
                continue
            tmp.seek(0)
            tmp.truncate()
            tmp.write(z.read(n))
            tmp.flush()
            out = subprocess.run(["readelf", "-d", tmp.name], capture_output=True, text=True).stdout
            for lib in re.findall(r"\(NEEDED\).*\[(.*)\]", out):
                if lib not in bundled:
                    yield n, lib


def main():
    lacks = full_only_libraries()
    for wheel in sys.argv[1:]:
        for member, lib in needed(wheel):
            package = next(
                (p for so, p in lacks.items() if so == lib or so.startswith(lib + ".") or lib.startswith(so)),
                None,
            )
            if package:
                print(f"{os.path.basename(wheel)}\t{member}\t{lib}\t{package}")


if __name__ == "__main__":
    main()
