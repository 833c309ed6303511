#!/usr/bin/env python3
"""Validates dockopt's SARIF output against the SARIF 2.1.0 JSON schema.

Usage: scripts/check-sarif.py [--dockopt PATH]

Runs `dockopt rewrite --output-format sarif` over examples/ and tests/cases/
(rewrites and refusals of every kind) and validates the document with the
`jsonschema` package against OASIS's sarif-2.1.0.json, which Microsoft's
SARIF Multitool ships on the npm registry
(@microsoft/sarif-multitool-linux); it is fetched at run time, not kept in
the repository. SARIF_SCHEMA=FILE names a schema already on disk. Exit 1 if
the document is not valid; 0 with a message when the schema cannot be had.
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--dockopt", default="target/release/dockopt")
a = ap.parse_args()

try:
    import jsonschema
except ImportError:
    sys.exit("check-sarif: install jsonschema first (python3 -m pip install jsonschema)")

with tempfile.TemporaryDirectory() as tmp:
    schema_path = os.environ.get("SARIF_SCHEMA")
    if not schema_path:
        pack = subprocess.run(
            ["npm", "pack", "--silent", "@microsoft/sarif-multitool-linux@5.7.0"],
            cwd=tmp, capture_output=True, text=True,
        )
        if pack.returncode != 0:
            print(f"check-sarif: cannot fetch the schema from the npm registry; skipped ({pack.stderr.strip()[:200]})")
            sys.exit(0)
        with tarfile.open(os.path.join(tmp, pack.stdout.strip().splitlines()[-1])) as t:
            member = t.getmember("package/sarif-2.1.0.json")
            t.extract(member, tmp, filter="data")
        schema_path = os.path.join(tmp, "package", "sarif-2.1.0.json")
    schema = json.load(open(schema_path))
    out = subprocess.run(
        [a.dockopt, "rewrite", "--output-format", "sarif", "examples", "tests/cases"],
        capture_output=True, text=True,
    )
    doc = json.loads(out.stdout)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    results = doc["runs"][0]["results"]
    rules = {r["ruleId"] for r in results}
    print(f"check-sarif: {len(results)} results of {len(rules)} rules checked against {schema.get('title')}")
    for e in errors[:20]:
        print(f"FAIL {'/'.join(map(str, e.path))}: {e.message[:200]}")
    sys.exit(1 if errors else 0)
