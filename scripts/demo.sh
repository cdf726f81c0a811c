#!/usr/bin/env bash
# Installs what is missing, builds irfa, lists the compute devices and benchmarks the ops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
build/irfa devices
build/irfa bench ops --device "${IRFA_DEVICE:-auto}"
