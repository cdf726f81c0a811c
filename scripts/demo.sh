#!/usr/bin/env bash
# Installs what is missing, builds irfa and starts the service on a demo: a simulated recording session
# (a virtual macaque) and a short training job, queued at start. Open http://localhost:${PORT:-8080}/
# to watch the job and explore the reconstructions and their inverse receptive fields.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
build/irfa devices
echo "irfa: serving on http://localhost:${PORT:-8080}/ (data in ./irfa-data; Ctrl-C stops)"
exec build/irfa serve --data ./irfa-data --port "${PORT:-8080}" --demo
