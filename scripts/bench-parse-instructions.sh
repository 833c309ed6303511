#!/usr/bin/env bash
# Parser cost in instructions per byte, dockopt against parse-dockerfile on
# the same files (../shared/corpus, those both accept), counted by callgrind.
# Unlike wall time, the count does not move with other work on the machine,
# so it is what to compare before and after a parser change. Needs valgrind.
#
#   scripts/bench-parse-instructions.sh [ROUNDS]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 2; }
[ -d ../shared/corpus ] || { echo "../shared/corpus not found" >&2; exit 2; }
bin=$(cargo bench --bench parse_instructions --no-run --message-format=json 2> /dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "parse_instructions" and m.get("executable"):
        print(m["executable"])')
count() { # instructions executed by one run
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
        awk '/Collected/ {print $4}'
}
bytes=$("$bin" dockopt 0 2>&1 | awk '{print $3}')
base=$(count dockopt 0)
ours=$(count dockopt "$rounds")
theirs=$(count parse-dockerfile "$rounds")
python3 - "$bytes" "$rounds" "$base" "$ours" "$theirs" <<'PY'
import sys
size, rounds, base, ours, theirs = map(int, sys.argv[1:])
d = (ours - base) / rounds / size
p = (theirs - base) / rounds / size
print(f"dockopt           {d:7.1f} instructions per byte")
print(f"parse-dockerfile  {p:7.1f} instructions per byte")
print(f"dockopt / parse-dockerfile: {d / p:.1f}x")
PY
