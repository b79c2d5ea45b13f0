#!/bin/sh
# The README's test command: installs every dependency, builds sipsentry with
# its tests, and runs every test through ctest. Run it as root on Debian 12.
set -eu

cd "$(dirname "$0")/.."
packaging/install-deps.sh

build_dir=${SIPSENTRY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" --parallel "$(nproc)"
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc)" "$@"
