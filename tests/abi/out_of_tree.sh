#!/bin/sh
# The third-party path: install only the plugin-dev component of this build into a temp
# prefix, build the C example against that prefix alone (plain cc, no jcode library; then
# via pkg-config and via the CMake package), then build the installed examples directory (C
# and C++) as a third party would, with its CMakeLists.txt and its Makefile, and load the
# results through the registry.
# usage: out_of_tree.sh <build dir> <source dir> <jcode_abi_load> <cc> <cmake> <c++>
set -eu
build=$1 src=$2 loader=$3 cc=$4 cmake=$5 cxx=$6
work=$(mktemp -d "${TMPDIR:-/tmp}/jcode-oot-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
prefix=$work/prefix

"$cmake" --install "$build" --component plugin-dev --prefix "$prefix" >/dev/null
test -f "$prefix/include/jcode/plugin.h"
pcdir=$(dirname "$(find "$prefix" -name jcode-plugin.pc | head -n 1)")

# Only the entry point may be exported (PAP-PLUGIN-1). Any defined symbol counts, not only
# T: a C++ plugin leaks its inline functions and templates as weak (W, V, u) symbols. Not
# counted: the linker's own, and the standard library's instantiations (namespaces std and
# __gnu_cxx), which libstdc++ declares with default visibility and clang exports anyway.
only_entry_exported() {
  exports=$(nm -D --defined-only "$1" | awk '
    $3 ~ /^(_init|_fini|__bss_start|_edata|_end)$/ {next}
    $3 ~ /^_Z(Z?NK?|T[VIS]N?)?(St|9__gnu_cxx)|^_Znw[jm]Pv$/ {next}
    {print $3}')
  if [ "$exports" != "jcode_plugin_entry" ]; then
    echo "$1: expected only jcode_plugin_entry to be exported, got: $exports" >&2
    exit 1
  fi
}

# Checks the exports of the plugins given, copies them into a fresh directory the registry
# accepts (0755, ours) and loads each by the id its file name carries.
load_plugins() {
  dir=$1
  shift
  mkdir -m 0755 "$dir"
  for so in "$@"; do
    only_entry_exported "$so"
    cp "$so" "$dir/"
  done
  chmod 0755 "$dir"/*.so
  for so in "$@"; do
    id=$(basename "$so" .so)
    "$loader" "$dir" "${id#jcode-provider-}" echo_env example-key-123
  done
}

# 1. Plain cc against the installed header only: no -L, no -l.
mkdir -m 0755 "$work/plain"
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic -shared -fPIC -fvisibility=hidden \
  -I"$prefix/include" "$src/plugin-api/examples/minimal_provider.c" -o "$work/plain/jcode-provider-echo.so"
only_entry_exported "$work/plain/jcode-provider-echo.so"
"$loader" "$work/plain" echo echo_env example-key-123

# 2. pkg-config (relocatable .pc).
if command -v pkg-config >/dev/null 2>&1; then
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

# 4. The installed examples directory, copied as is: its standalone CMakeLists.txt finds the
#    package and builds the C and the C++ provider from the sources next to it.
examples=$prefix/share/doc/jcode-plugin-dev/examples
for f in CMakeLists.txt Makefile minimal_provider.c minimal_provider.cpp; do
  test -f "$examples/$f"
done
cp -R "$examples" "$work/ex-cmake"
"$cmake" -S "$work/ex-cmake" -B "$work/ex-cmake/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release >/dev/null
"$cmake" --build "$work/ex-cmake/build" >/dev/null
load_plugins "$work/ex-cm" "$work/ex-cmake/build/jcode-provider-echo.so" \
  "$work/ex-cmake/build/jcode-provider-echo-cpp.so"

# 5. ... and its Makefile, with pkg-config and the compilers only; clean removes what it built.
if command -v pkg-config >/dev/null 2>&1 && command -v make >/dev/null 2>&1; then
  cp -R "$examples" "$work/ex-make"
  PKG_CONFIG_PATH="$pcdir" make -C "$work/ex-make" CC="$cc" CXX="$cxx" >/dev/null
  load_plugins "$work/ex-mk" "$work/ex-make/jcode-provider-echo.so" "$work/ex-make/jcode-provider-echo-cpp.so"
  make -C "$work/ex-make" clean >/dev/null
  if ls "$work/ex-make"/*.so >/dev/null 2>&1; then
    echo "make clean left: $(ls "$work/ex-make"/*.so)" >&2
    exit 1
  fi
else
  echo "out-of-tree: no pkg-config or make, the examples Makefile was not built" >&2
fi
echo "out-of-tree: OK"
