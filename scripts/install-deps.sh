#!/usr/bin/env bash
# Installs what LoopSim needs from Debian's packages, but only what is missing. That is the
# C libraries it links against (GSL, SQLite, libcrypto) when pkg-config cannot find them,
# Chromium for the test that renders report.html, and Python's venv module for the
# notebooks' virtual environment. Runs `apt-get update` at most once.
set -euo pipefail

declare -A package_for=(
  [gsl]=libgsl-dev
  [sqlite3]=libsqlite3-dev
  [libcrypto]=libssl-dev
)

missing=()
if ! command -v pkg-config >/dev/null 2>&1; then
  missing+=(pkg-config)
fi
for module in gsl sqlite3 libcrypto; do
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$module"; then
    missing+=("${package_for[$module]}")
  fi
done

if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "error: missing packages ${missing[*]}, and neither root nor sudo is available." >&2
  echo "Install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
