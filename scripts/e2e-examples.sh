#!/usr/bin/env bash
# End-to-end: `dockopt verify` builds each example before and after the
# rewrite with buildah, on the local stand-ins for the official images that
# ../shared/e2e sets up, runs both, and compares their HTTP answers.
#
#   scripts/e2e-examples.sh [EXAMPLE...]   (default: flask python-requirements python-pipenv python-uv django node c debian go go-install rust)
#
# Skipped (exit 0, with a message) when ../shared/e2e is absent or cannot be
# set up here. Fails (exit 1) when a rewrite behaves differently or does not
# build while the original does; an environment error on one example (the
# original does not build, e.g. no network to PyPI) is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
E2E=../shared/e2e
if [ ! -f "$E2E/env.sh" ]; then
    echo "e2e: $E2E not found; skipped"
    exit 0
fi
. "$E2E/env.sh"
# grep reads all of the list: with -q it would stop early, and under
# pipefail buildah's broken pipe would read as "missing".
if ! buildah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep 'python:3.11-slim' > /dev/null; then
    echo "e2e: setting up the stand-in images (a few minutes)"
    if ! "$E2E/scripts/setup-all.sh" > /tmp/dockopt-e2e-setup.log 2>&1; then
        echo "e2e: setup failed (see /tmp/dockopt-e2e-setup.log); skipped"
        exit 0
    fi
fi
# golang and rust have no shared stand-ins: build ours from Debian's
# toolchains once (NAME:TAG, then more tags for the same image).
stand_in() {
    local file=$1 tag=$2; shift 2
    buildah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep "$tag" > /dev/null && return
    echo "e2e: building the $tag stand-in (scripts/e2e/$file)"
    if buildah bud --pull=never -f "scripts/e2e/$file" -t "localhost/$tag" scripts/e2e \
        > "/tmp/dockopt-e2e-$file.log" 2>&1; then
        buildah tag "localhost/$tag" "docker.io/library/$tag" "$@"
    else
        echo "e2e: the $tag stand-in did not build (see /tmp/dockopt-e2e-$file.log)"
    fi
}
stand_in golang.Containerfile golang:1.22 localhost/golang:1.22-bookworm
stand_in rust.Containerfile rust:1.79 localhost/rust:1.79-bookworm
# The shared setup tags python:3.12 too: ours is the one with SSL_CERT_FILE,
# which uv needs to trust this machine's TLS proxy (python-uv).
if ! buildah inspect --type image --format '{{.OCIv1.Config.Env}}' docker.io/library/python:3.12 \
    2>/dev/null | grep SSL_CERT_FILE > /dev/null; then
    echo "e2e: building the python:3.12 stand-in (scripts/e2e/python-certs.Containerfile)"
    if buildah bud --pull=never -f scripts/e2e/python-certs.Containerfile -t localhost/python:3.12 \
        scripts/e2e > /tmp/dockopt-e2e-python-certs.log 2>&1; then
        buildah tag localhost/python:3.12 docker.io/library/python:3.12
    else
        echo "e2e: the python:3.12 stand-in did not build (see /tmp/dockopt-e2e-python-certs.log)"
    fi
fi
cargo build --release --quiet || exit 1
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(flask python-requirements python-pipenv python-uv django node c debian go go-install rust)
declare -A port=([flask]=5000 [python-requirements]=8000 [python-pipenv]=8000 [python-uv]=8000 [django]=8000 [node]=3000 [go]=8080 [c]=8080 [debian]=8000 [go-install]=8080 [rust]=8080)
status=0
for ex in "${examples[@]}"; do
    echo "== $ex"
    target/release/dockopt verify --engine buildah --timeout 60 --http "${port[$ex]:-8080}/" "examples/$ex/Dockerfile"
    case $? in
        0) ;;
        1) echo "e2e: $ex: the rewrite does not behave like the original"; status=1 ;;
        *) echo "e2e: $ex: could not be verified here; skipped" ;;
    esac
done
exit $status
