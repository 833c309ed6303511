#!/usr/bin/env bash
set -e
wget --version > /dev/null && echo wget-ok
exec "$@"
