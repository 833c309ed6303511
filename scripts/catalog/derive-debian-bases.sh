#!/usr/bin/env bash
# Derives src/catalog/bases.toml: what the Debian-based builder images have
# that their runtime images lack (programs, shared libraries, data folders),
# package by package. Each image is rebuilt here from the package lists of
# its official Dockerfile (named below, with the commit read), on the
# debian:bookworm-slim stand-in of ../shared/e2e, and read with dpkg.
#
#   scripts/catalog/derive-debian-bases.sh > src/catalog/bases.toml
#
# Needs buildah and the stand-ins (../shared/e2e/scripts/setup-all.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. ../shared/e2e/env.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name | source of the list | packages beyond debian:bookworm-slim
images=(
"buildpack-deps-bookworm|docker-library/buildpack-deps debian/bookworm/{curl,scm,}/Dockerfile (commits 4f0449f, 3b4b1fb, 84e7e46)|ca-certificates curl gnupg netbase sq wget git git-lfs mercurial openssh-client subversion procps autoconf automake bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev libncursesw5-dev libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev libxml2-dev libxslt-dev libyaml-dev make patch unzip xz-utils zlib1g-dev default-libmysqlclient-dev"
"buildpack-deps-bookworm-scm|docker-library/buildpack-deps debian/bookworm/{curl,scm}/Dockerfile (commits 4f0449f, 3b4b1fb)|ca-certificates curl gnupg netbase sq wget git git-lfs mercurial openssh-client subversion procps"
"python-bookworm|docker-library/python 3.12/bookworm/Dockerfile (commit 0d53911): buildpack-deps:bookworm and the packages it adds|ca-certificates curl gnupg netbase sq wget git git-lfs mercurial openssh-client subversion procps autoconf automake bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev libncursesw5-dev libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev libxml2-dev libxslt-dev libyaml-dev make patch unzip xz-utils zlib1g-dev default-libmysqlclient-dev libbluetooth-dev tk-dev uuid-dev"
"golang-bookworm|docker-library/golang 1.22/bookworm/Dockerfile (commit 01abd89): buildpack-deps:bookworm-scm and the cgo packages it adds|ca-certificates curl gnupg netbase sq wget git git-lfs mercurial openssh-client subversion procps g++ gcc libc6-dev make pkg-config"
"python-slim-bookworm|docker-library/python 3.12/slim-bookworm/Dockerfile (commit 01ba658): its runtime packages and the libraries its ldd scan of Python keeps|ca-certificates netbase tzdata libbz2-1.0 libffi8 libgdbm6 libgdbm-compat4 libdb5.3 liblzma5 libncursesw6 libreadline8 libsqlite3-0 libssl3 libuuid1 zlib1g libnsl2"
"ruby-slim-bookworm|docker-library/ruby 3.3/slim-bookworm/Dockerfile: its runtime packages|bzip2 ca-certificates libffi-dev libgmp-dev libssl-dev libyaml-dev procps zlib1g-dev"
"node-slim-bookworm|nodejs/docker-node 20/bookworm-slim/Dockerfile (commit 009449f): everything it installs is purged but what node links, which debian:bookworm-slim has|"
"debian-bookworm-slim|debian:bookworm-slim (debootstrap --variant=minbase)|"
)
for entry in "${images[@]}"; do
    IFS='|' read -r name source packages <<< "$entry"
    c=$(buildah from --pull=never docker.io/library/debian:bookworm-slim)
    if [ -n "$packages" ]; then
        buildah run "$c" -- sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages > /dev/null && rm -rf /var/lib/apt/lists/*" >&2
    fi
    buildah run "$c" -- dpkg-query -W -f='${Package}\n' | sort > "$work/$name.packages"
    buildah run "$c" -- sh -c 'for p in $(dpkg-query -W -f="\${Package}\n"); do dpkg -L "$p" 2>/dev/null | sed "s|^|$p\t|"; done' > "$work/$name.files"
    # Programs that update-alternatives links (/usr/bin/convert ->
    # /etc/alternatives/convert -> convert-im6.q16) belong to the package of
    # the file the link ends at.
    buildah run "$c" -- sh -c 'for l in /usr/bin/* /bin/* /usr/sbin/* /sbin/*; do t=$(readlink "$l") || continue; case "$t" in /etc/alternatives/*) f=$(readlink -f "$l"); p=$(dpkg -S "$f" 2>/dev/null | cut -d: -f1 | head -n1); [ -n "$p" ] && printf "%s\t%s\n" "$p" "$l";; esac; done' >> "$work/$name.files"
    echo "$source" > "$work/$name.source"
    buildah rm "$c" > /dev/null
done
python3 scripts/catalog/bases_toml.py "$work"
