#!/usr/bin/env bash
# Installs what is missing, builds jcode, and runs the main job against the local emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh"
build=${JCODE_DEMO_BUILD_DIR:-$root/build}
# The demo needs jcode, the emulator and the plugins only: tests are built by tools/test.sh.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
  -DJCODE_SHARED_DIR="$root/../shared" >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
exec "$root/tools/demo-run.sh" "$build"
