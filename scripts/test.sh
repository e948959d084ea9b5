#!/usr/bin/env bash
# Installs what the tests need, builds Muster and runs every test suite.
# Usage: scripts/test.sh [--slow]     (--slow adds the suites labelled slow)
# Needs nothing running beforehand: the PostgreSQL suites start their own throwaway server.
set -euo pipefail
cd "$(dirname "$0")/.."

slow=0
for arg in "$@"; do
  case "$arg" in
    --slow) slow=1 ;;
    *) echo "usage: scripts/test.sh [--slow]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2

filter=(-LE slow)
[ "$slow" -eq 1 ] && filter=()
ctest --test-dir build --output-on-failure --timeout 600 -j2 "${filter[@]}"
