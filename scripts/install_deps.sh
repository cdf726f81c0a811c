#!/usr/bin/env bash
# Installs the Debian 12 packages irfa needs to build, run and test (only those missing).
# Usage: scripts/install_deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail
pkgs=(build-essential cmake pkg-config glslc libvulkan-dev mesa-vulkan-drivers libopenblas-dev
      libsqlite3-dev libcjson-dev libpng-dev libjpeg-dev zlib1g-dev libmicrohttpd-dev libhdf5-dev)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(vulkan-validationlayers python3-torch python3-numpy python3-h5py python3-yaml chromium firefox-esr)
  # The browser tests need node and npm; machines with another Node.js build keep theirs.
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
