#!/usr/bin/env bash
# Installs what Muster needs, builds it, and builds the synthetic demo city in ./muster-demo.db.
# Usage: scripts/demo.sh [muster demo options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target muster
exec build/muster demo "$@"
