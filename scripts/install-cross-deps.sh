#!/usr/bin/env bash
# Installs what `make check-cross` needs on Debian bookworm: Debian's rustc-web/cargo-web 1.96
# (rustup's toolchain has no foreign std, and none can be downloaded here) with the multiarch
# arm64 std and OpenSSL for aarch64, rust-web-src for armv7 (-Zbuild-std), the cross gcc's and
# qemu-user. rustup's cargo stays first on PATH; the cross build calls /usr/bin/cargo explicitly.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
APT="$SUDO apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3"

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if have rustc-web && have libstd-rust-web-dev:arm64 && have libssl-dev:arm64 && have rust-web-src && have qemu-user; then
  echo "install-cross-deps: all packages present"; exit 0
fi
dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
# A foreign-architecture index out of sync on the mirror makes 'update' fail while the rest is
# usable: go on, the pinned versions below decide what can be installed.
$APT update -qq || echo "install-cross-deps: apt-get update reported errors; continuing"
cand() { apt-cache policy "$1" | awk '/Candidate:/{print $2}'; }
V=$(cand libstd-rust-web-dev:arm64)
SV=$(cand libssl-dev:arm64)
[ -n "$V" ] && [ "$V" != "(none)" ] || { echo "install-cross-deps: libstd-rust-web-dev:arm64 is not available" >&2; exit 1; }
# Multi-Arch: same packages need the same version for amd64 and arm64: pin both.
$APT install -y -qq --no-install-recommends --allow-downgrades \
  gcc make perl pkg-config qemu-user gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
  libc6-dev-arm64-cross libc6-dev-armhf-cross \
  rustc-web="$V" cargo-web="$V" libstd-rust-web-dev="$V" libstd-rust-web-dev:arm64="$V" rust-web-src="$V" \
  libssl-dev="$SV" libssl-dev:arm64="$SV"
echo "install-cross-deps: done (rustc $(/usr/bin/rustc --version))"
