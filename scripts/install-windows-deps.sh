#!/usr/bin/env bash
# Installs what `make check-windows` (and `make SYS=mingw`) needs on Debian bookworm: mingw-w64's
# compilers for 64- and 32-bit Windows, wine64 (Debian's wine 8.0, to run the Windows programs)
# and rustup's std for x86_64-pc-windows-gnu and i686-pc-windows-gnu. Safe to run again.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
APT="$SUDO apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3"

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
pkgs=(gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 wine64 wine make perl)
missing=()
for p in "${pkgs[@]}"; do have "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $APT update -qq || echo "install-windows-deps: apt-get update reported errors; continuing"
  $APT install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v rustup >/dev/null || { echo "install-windows-deps: rustup is needed for the Windows std" >&2; exit 1; }
installed=$(rustup target list --installed)
for t in x86_64-pc-windows-gnu i686-pc-windows-gnu; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
echo "install-windows-deps: done ($(x86_64-w64-mingw32-gcc --version | head -1); $(wine --version 2>/dev/null))"
