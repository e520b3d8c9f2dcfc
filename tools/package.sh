#!/usr/bin/env bash
# Builds the Debian packages — jcode, jcode-plugin-dev and one jcode-provider-<id> per plugin —
# into dist/, then runs lintian on every one of them (its output is kept in dist/lintian.log);
# a lintian error fails the run.
#
# usage: tools/package.sh [--build-dir DIR] [--out DIR]
#   --build-dir DIR  package an existing, built tree configured with CMAKE_INSTALL_PREFIX=/usr
#                    (the packaging test does so with the test build) instead of making a
#                    Release build in build-release/ with Debian's hardening flags
#   --out DIR        where the .deb files and lintian.log go (default: dist/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build= out=$root/dist
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) build=${2:?--build-dir needs a directory}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    *) echo "package.sh: unknown argument '$1' (see the usage at the top of tools/package.sh)" >&2; exit 2 ;;
  esac
done

if [ -z "$build" ]; then
  "$root/tools/deps.sh"
  build=$root/build-release
  # dpkg-buildflags: the flags Debian builds its packages with (fortify, stack protector,
  # relro, and with hardening=+all also bindnow).
  eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
  export CFLAGS="$CFLAGS $CPPFLAGS" CXXFLAGS="$CXXFLAGS $CPPFLAGS"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
fi
build=$(cd "$build" && pwd)
if ! grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "package.sh: $build is not a build tree configured with -DCMAKE_INSTALL_PREFIX=/usr (Debian packages install to /usr); reconfigure it or omit --build-dir" >&2
  exit 2
fi
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is missing (apt-get install dpkg-dev lintian cmake)" >&2; exit 2; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/jcode*.deb "$out/lintian.log"
work=$(mktemp -d "${TMPDIR:-/tmp}/jcode-package-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; exit 1; }
mv "$work"/*.deb "$out/"

status=0
for deb in "$out"/*.deb; do
  echo "== lintian $(basename "$deb")" >>"$out/lintian.log"
  # initial-upload-closes-no-bugs: these packages are not uploaded to Debian's archive, so
  # there is no ITP bug for the first changelog entry to close.
  if ! lintian --fail-on error --tag-display-limit 0 --suppress-tags initial-upload-closes-no-bugs \
      "$deb" >>"$out/lintian.log" 2>&1; then
    status=1
  fi
done
cat "$out/lintian.log"
if [ $status -ne 0 ]; then
  echo "package.sh: lintian found errors (see above)" >&2
  exit 1
fi
echo "package.sh: $(ls "$out"/*.deb | wc -l) packages in $out, lintian clean of errors"
