#!/usr/bin/env bash
# End-to-end: `dockopt verify` builds the case folders of tests/cases whose
# case.toml asks for it (`verify = "run"`, or the verify options to use),
# before and after the rewrite, with buildah and the stand-ins of
# ../shared/e2e, and compares how they run. A case dockopt leaves alone
# passes as it is. Cases whose base image is not here are skipped.
#
#   scripts/e2e-cases.sh [CASE_FOLDER...]   (default: every case that asks)
#
# Exit 1 when a rewrite behaves differently or does not build while the
# original does; skipped (exit 0) without ../shared/e2e.
set -uo pipefail
cd "$(dirname "$0")/.."
E2E=../shared/e2e
if [ ! -f "$E2E/env.sh" ]; then
    echo "e2e-cases: $E2E not found; skipped"
    exit 0
fi
. "$E2E/env.sh"
cargo build --release --quiet || exit 1
images=$(buildah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null)
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
    while IFS= read -r f; do cases+=("$(dirname "$f")"); done \
        < <(grep -l '^verify' tests/cases/*/*/case.toml | sort)
fi
status=0
passed=0
skipped=0
for dir in "${cases[@]}"; do
    options=$(sed -n 's/^verify = "\(.*\)"$/\1/p' "$dir/case.toml")
    [ "$options" = "run" ] && options=""
    base=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$dir/Dockerfile" | head -n1)
    case "$base" in *:*) ;; *) base="$base:latest" ;; esac
    if ! grep -qx "docker.io/library/$base\|localhost/$base" <<< "$images"; then
        echo "== $dir: no $base here; skipped"
        skipped=$((skipped + 1))
        continue
    fi
    echo "== $dir"
    # shellcheck disable=SC2086
    target/release/dockopt verify --engine buildah --timeout 60 $options "$dir/Dockerfile"
    case $? in
        0) passed=$((passed + 1)) ;;
        1) echo "e2e-cases: $dir: the rewrite does not behave like the original"; status=1 ;;
        *) echo "e2e-cases: $dir: could not be verified here; skipped"; skipped=$((skipped + 1)) ;;
    esac
done
echo "e2e-cases: $passed verified, $skipped skipped"
exit $status
