#!/usr/bin/env bash
# Installs every Debian package that Muster's build, tests, benchmarks and demo need.
# Idempotent: packages already present are skipped, and apt is not touched when nothing is missing.
# Usage: scripts/setup.sh            (as root on Debian 12)
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git clang-format
  # libraries
  libsqlite3-dev libpq-dev libsodium-dev nlohmann-json3-dev liblemon-dev
  libxlsxwriter-dev libqrencode-dev libcurl4-openssl-dev libboost-dev
  libzip-dev libpugixml-dev libglpk-dev coinor-libclp-dev prometheus-cpp-dev
  # tests and benchmarks; chromium and CJK fonts for the browser checks and screenshots
  libgtest-dev libgmock-dev libbenchmark-dev postgresql sqlite3 curl wrk chromium fonts-noto-cjk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js for the web build: Debian's own where no node is present.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Some package installs leave /dev/null as a regular file, which breaks initdb and many tools.
if [ ! -c /dev/null ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: /dev/null is not a character device; restoring it"
    rm -f /dev/null
    mknod -m 666 /dev/null c 1 3
  else
    echo "setup: /dev/null is not a character device; run as root to repair it" >&2
    exit 1
  fi
fi

# The PostgreSQL tests run the server as the postgres user, which the postgresql package creates.
if ! id postgres >/dev/null 2>&1; then
  echo "setup: the postgres user is missing although postgresql is installed" >&2
  exit 1
fi
echo "setup: all prerequisites present"
