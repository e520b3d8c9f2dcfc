#!/usr/bin/env bash
# Installs the Debian 12 packages jcode builds with, only those missing.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config git
      libboost-dev libboost-filesystem-dev libcurl4-openssl-dev libsimdjson-dev
      nlohmann-json3-dev libtomlplusplus-dev libssl-dev doctest-dev libcli11-dev
      libqrencode-dev libcpp-httplib-dev libre2-dev python3 procps curl
      dpkg-dev lintian)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
