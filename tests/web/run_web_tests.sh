#!/bin/sh
# Installs playwright-core from the committed package-lock.json (npm registry) and runs the
# end-to-end test. Exit 77 (ctest: skipped) only when node or Debian's chromium is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chromium=${IRFA_CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "web_e2e: skipped: node and npm are not installed (apt-get install nodejs npm)"; exit 77
fi
if [ ! -x "$chromium" ]; then
  echo "web_e2e: skipped: $chromium is missing (apt-get install chromium)"; exit 77
fi
cd "$here"
npm install --no-audit --no-fund
exec node "$here/explorer_e2e.mjs"
