#!/usr/bin/env bash
# The real-browser test of grounded's MCP Apps views: tests/apps/run.sh BIN [--readme-screenshots DIR]
# Installs the pinned npm packages (npm ci), the Debian Chromium when it is missing, then runs run.mjs.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: tests/apps/run.sh <path-to-grounded> [--readme-screenshots DIR]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >/dev/null

if [ -z "${GROUNDED_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

exec node "$here/run.mjs" "$@"
