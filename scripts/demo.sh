#!/usr/bin/env bash
# Installs what Muster needs, builds it, builds the synthetic demo city in ./muster-demo.db and
# serves it on http://127.0.0.1:8080 (the admin password is printed once).
# Usage: scripts/demo.sh [muster demo options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target muster muster_web
exec build/muster demo "$@"
