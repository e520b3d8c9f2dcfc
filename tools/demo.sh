#!/usr/bin/env bash
# Installs what is missing, builds jcode, and runs the main job against the local emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh"
build=${JCODE_DEMO_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
exec "$root/tools/demo-run.sh" "$build"
