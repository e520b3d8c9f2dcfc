#!/bin/sh
# The third-party path: install only the plugin-dev component of this build into a temp
# prefix, build the C example against that prefix alone (plain cc, no jcode library; then
# via pkg-config and via the CMake package), and load the results through the registry.
# usage: out_of_tree.sh <build dir> <source dir> <jcode_abi_load> <cc> <cmake>
set -eu
build=$1 src=$2 loader=$3 cc=$4 cmake=$5
work=$(mktemp -d "${TMPDIR:-/tmp}/jcode-oot-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
prefix=$work/prefix

"$cmake" --install "$build" --component plugin-dev --prefix "$prefix" >/dev/null
test -f "$prefix/include/jcode/plugin.h"

# 1. Plain cc against the installed header only: no -L, no -l.
mkdir -m 0755 "$work/plain"
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic -shared -fPIC -fvisibility=hidden \
  -I"$prefix/include" "$src/plugin-api/examples/minimal_provider.c" -o "$work/plain/jcode-provider-echo.so"
exports=$(nm -D --defined-only "$work/plain/jcode-provider-echo.so" | awk '$2 == "T" {print $3}')
if [ "$exports" != "jcode_plugin_entry" ]; then
  echo "expected only jcode_plugin_entry to be exported, got: $exports" >&2
  exit 1
fi
"$loader" "$work/plain" echo echo_env example-key-123

# 2. pkg-config (relocatable .pc).
if command -v pkg-config >/dev/null 2>&1; then
  pcdir=$(dirname "$(find "$prefix" -name jcode-plugin.pc | head -n 1)")
  cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags jcode-plugin)
  mkdir -m 0755 "$work/pc"
  # shellcheck disable=SC2086
  "$cc" -std=c99 -shared -fPIC -fvisibility=hidden $cflags \
    "$src/plugin-api/examples/minimal_provider.c" -o "$work/pc/jcode-provider-echo.so"
  "$loader" "$work/pc" echo echo_env example-key-123
fi

# 3. The CMake package: find_package(jcode-plugin) + jcode_add_plugin().
mkdir -p "$work/proj"
cp "$src/plugin-api/examples/minimal_provider.c" "$work/proj/"
cat >"$work/proj/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(echo_provider C)
find_package(jcode-plugin 1.0 REQUIRED)
jcode_add_plugin(echo SOURCES minimal_provider.c)
CMAKE
"$cmake" -S "$work/proj" -B "$work/proj/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release >/dev/null
"$cmake" --build "$work/proj/build" >/dev/null
mkdir -m 0755 "$work/cm"
cp "$work/proj/build/jcode-provider-echo.so" "$work/cm/"
chmod 0755 "$work/cm/jcode-provider-echo.so"
"$loader" "$work/cm" echo echo_env example-key-123
echo "out-of-tree: OK"
