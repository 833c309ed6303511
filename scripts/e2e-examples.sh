#!/usr/bin/env bash
# Builds each example before and after `dockopt rewrite` with a real engine
# (buildah, with the local stand-ins for the official images from
# ../shared/e2e), runs both images, and compares sizes and answers.
#
#   scripts/e2e-examples.sh [EXAMPLE...]      (default: flask python-requirements node)
#
# Needs ../shared/e2e set up once: ../shared/e2e/scripts/setup-all.sh
# Exit status: 0 when every example behaves the same, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
E2E=../shared/e2e
if [ ! -x "$E2E/scripts/e2e-compare.sh" ]; then
    echo "e2e: $E2E not found; skipped"
    exit 0
fi
cargo build --release --quiet
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(flask python-requirements node)
declare -A port=([flask]=5000 [python-requirements]=8000 [node]=3000 [go]=8080)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for ex in "${examples[@]}"; do
    cp -r "examples/$ex" "$work/$ex"
    target/release/dockopt rewrite --stdout "$work/$ex/Dockerfile" > "$work/$ex/Dockerfile.multistage"
    echo "== $ex"
    if ! PORT=${port[$ex]:-8080} "$E2E/scripts/e2e-compare.sh" "$work/$ex" Dockerfile Dockerfile.multistage; then
        status=1
    fi
done
exit $status
