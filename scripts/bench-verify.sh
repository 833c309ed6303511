#!/usr/bin/env bash
# How long `dockopt verify`'s image comparison takes (reading both images'
# files, their base images, every ELF object's needs, and comparing), on
# the flask example (a ~700 MB original and its ~180 MB rewrite), next to
# `tar` reading the same four images' files in the same run.
#
#   scripts/bench-verify.sh [RUNS]          (default 3; needs ../shared/e2e)
set -euo pipefail
cd "$(dirname "$0")/.."
. ../shared/e2e/env.sh
runs=${1:-3}
cargo build --release --quiet
for i in $(seq "$runs"); do
    json=$(target/release/dockopt verify --engine buildah --keep --format json --http 5000/ examples/flask/Dockerfile)
    compare=$(python3 -c 'import json,sys; print(round(json.load(sys.stdin)["compare_seconds"], 2))' <<< "$json")
    tags=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["original"]["tag"], r["rewritten"]["tag"])' <<< "$json")
    start=$(date +%s.%N)
    for tag in $tags docker.io/library/python:3.9 docker.io/library/python:3.9-slim; do
        ctr=$(buildah from --pull=never "$tag")
        dir=$(buildah mount "$ctr")
        tar -C "$dir" -cf - . | wc -c > /dev/null
        buildah umount "$ctr" > /dev/null; buildah rm "$ctr" > /dev/null
    done
    tar_seconds=$(echo "$(date +%s.%N) - $start" | bc)
    for tag in $tags; do buildah rmi -f "$tag" > /dev/null 2>&1 || true; done
    printf 'run %d: dockopt compare %5.2f s   tar of the same four images %5.2f s   ratio %.2f\n' \
        "$i" "$compare" "$tar_seconds" "$(echo "$compare / $tar_seconds" | bc -l)"
done
