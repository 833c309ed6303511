#!/usr/bin/env bash
# Batch speed: builds a tree of many copies of real Dockerfiles and times
# `dockopt rewrite --check` over it, next to `grep -rc FROM` on the same tree
# in the same run (the floor: walking and reading the files, nothing more).
# Prints files per second, peak memory, and the ratio to grep.
#
#   scripts/bench-tree.sh [COPIES]      (default 120; files come from
#                                        ../shared/corpus/real, else examples/)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-120}
src=../shared/corpus/real
[ -d "$src" ] || src=examples
cargo build --release --quiet
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mapfile -t files < <(find "$src" -type f \( -name 'Dockerfile*' -o -name '*.Dockerfile' \) | sort)
for c in $(seq 1 "$copies"); do
    i=0
    for f in "${files[@]}"; do
        i=$((i + 1))
        mkdir -p "$tree/repo$c/svc$i"
        cp "$f" "$tree/repo$c/svc$i/Dockerfile"
    done
done
n=$(find "$tree" -type f | wc -l)
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
find "$tree" -type f -exec cat {} + > /dev/null   # warm the page cache
best() { # best wall time of 3 runs (s), and its peak memory (KB)
    local t m bt=999999 bm=0 out
    out=$(mktemp)
    for _ in 1 2 3; do
        /usr/bin/time -o "$out" -f '%e %M' "$@" > /dev/null 2>&1 || true
        read -r t m < <(tail -n 1 "$out")
        if [ "$(echo "$t < $bt" | bc)" = 1 ]; then bt=$t; bm=$m; fi
    done
    rm -f "$out"
    echo "$bt $bm"
}
read -r tg mg < <(best grep -rc FROM "$tree")
read -r td md < <(best target/release/dockopt rewrite --check "$tree")
rate() { if [ "$(echo "$1 > 0" | bc)" = 1 ]; then echo "scale=0; $n / $1" | bc; else echo "-"; fi; }
echo "tree: $n files, $((bytes / 1024)) KiB, $(nproc) cores"
printf '%-28s %8ss %10s files/s %8s MB peak\n' "grep -rc FROM" "$tg" "$(rate "$tg")" "$((mg / 1024))"
printf '%-28s %8ss %10s files/s %8s MB peak\n' "dockopt rewrite --check" "$td" "$(rate "$td")" "$((md / 1024))"
echo "dockopt / grep: $(echo "scale=1; $td / $tg" | bc)x the time"
