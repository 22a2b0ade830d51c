#!/usr/bin/env bash
# Installs every Debian package and cargo tool the build, the demo and the tests need, on a fresh Debian
# bookworm machine (run as root, or with sudo available). Safe to run again: apt-get skips what is there.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# What the build needs, what the tests compare against (Debian's original librtmp and its clients),
# the cross compilers for the layout check, and the peers the interop tests start on loopback.
PKGS=(
  build-essential pkg-config libssl-dev curl ca-certificates dpkg-dev
  librtmp-dev librtmp1 rtmpdump
  gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mingw-w64-x86-64 gcc-mingw-w64-i686
  libc6-dev-i386-cross libc6-dev-arm64-cross libc6-dev-armhf-cross g++
  valgrind python3 libgcrypt20-dev
  nginx libnginx-mod-rtmp libnginx-mod-stream ffmpeg
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  python3-librtmp dante-server
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true   # a mirror mid-sync must not stop an install of packages that are listed
  # nginx must not start a system instance (no systemd here, and port 80 is not ours): policy-rc.d says no.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node-media-server (make check-ertmp) runs on Node.js 20 or later with npm: the machine's, or Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

command -v cargo >/dev/null || { echo "install-deps: cargo not found (install Rust with rustup first)" >&2; exit 1; }

# The fuzz targets (make check-fuzz, make fuzz): a nightly toolchain (libFuzzer's sanitizer flags
# are nightly-only) and cargo-fuzz.
export PATH=$HOME/.cargo/bin:$PATH
if ! cargo +nightly --version >/dev/null 2>&1; then
  command -v rustup >/dev/null || { echo "install-deps: the fuzz targets need a nightly toolchain, and rustup is not here to install one" >&2; exit 1; }
  rustup toolchain install nightly --profile minimal
fi
# ThreadSanitizer (make check-threads) rebuilds std with the instrumentation: it needs std's source.
if [ ! -d "$(rustc +nightly --print sysroot)/lib/rustlib/src/rust/library" ]; then
  rustup component add rust-src --toolchain nightly
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
echo "install-deps: all packages present"
