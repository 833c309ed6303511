#!/usr/bin/env bash
# End-to-end checks of `dockopt verify` itself: each folder of tests/verify
# holds a hand-written rewrite that loses one thing (a library, a file, a
# program, an alternative's link, a font); `dockopt verify --rewritten`
# must exit 1 and name it. With ENGINE=docker it runs through the stock
# docker CLI against podman's Docker-API socket.
#
#   scripts/e2e-verify.sh [CASE...]      ENGINE=buildah|docker (default buildah)
#
# Skipped (exit 0, with a message) without ../shared/e2e.
set -uo pipefail
cd "$(dirname "$0")/.."
E2E=../shared/e2e
if [ ! -f "$E2E/env.sh" ]; then
    echo "e2e-verify: $E2E not found; skipped"
    exit 0
fi
. "$E2E/env.sh"
engine=${ENGINE:-buildah}
if [ "$engine" = docker ]; then
    "$E2E/scripts/podman-service.sh" start > /dev/null || { echo "e2e-verify: no podman service; skipped"; exit 0; }
    export DOCKER_HOST=unix://$DOCKOPT_E2E/podman.sock DOCKER_BUILDKIT=0
    docker version > /dev/null 2>&1 || { echo "e2e-verify: the docker CLI does not answer; skipped"; exit 0; }
fi
cargo build --release --quiet || exit 1
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(tests/verify/*/)
status=0
for dir in "${cases[@]}"; do
    dir=${dir%/}
    expect=$(cat "$dir/expect")
    echo "== $dir ($engine)"
    out=$(target/release/dockopt verify --engine "$engine" --timeout 60 --rewritten "$dir/Dockerfile.broken" "$dir/Dockerfile" 2>&1)
    code=$?
    echo "$out" | grep -E "^(lost|result|  /)" | head -12
    if [ $code -ne 1 ]; then
        echo "e2e-verify: $dir: exit $code, expected 1"
        status=1
    elif ! grep -qF -- "$expect" <<< "$out"; then
        echo "e2e-verify: $dir: the report does not name $expect"
        status=1
    fi
done
exit $status
