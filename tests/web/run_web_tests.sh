#!/bin/sh
# Usage: run_web_tests.sh TEST.mjs chromium|firefox
# Installs playwright-core and puppeteer-core from the committed package-lock.json (npm registry)
# into tests/web/node_modules and runs one browser test. Exit 77 (ctest: skipped) only when node/npm
# or the Debian browser the test drives is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
test=$1
case "$2" in
  chromium) browser=${IRFA_CHROMIUM:-/usr/bin/chromium}; package=chromium ;;
  firefox) browser=${IRFA_FIREFOX:-/usr/bin/firefox-esr}; package=firefox-esr ;;
  *) echo "run_web_tests.sh: unknown browser '$2' (chromium or firefox)"; exit 2 ;;
esac
name=$(basename "$test" .mjs)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "$name: skipped: node and npm are not installed (apt-get install nodejs npm)"; exit 77
fi
if [ ! -x "$browser" ]; then
  echo "$name: skipped: $browser is missing (apt-get install $package)"; exit 77
fi
cd "$here"
npm install --no-audit --no-fund
exec node "$here/$test"
