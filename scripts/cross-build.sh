#!/usr/bin/env bash
# cross-build.sh aarch64|armv7 [--test]: builds librtmp.so.1/librtmp.a for ARM Linux with Debian's
# Rust toolchain (scripts/install-cross-deps.sh) through the Makefile (TARGET=, CROSS_COMPILE=),
# into build/<triple>/. With --test: the Rust tests and C tests run under qemu-user, and the ARM
# rtmp-publish and rtmp-play go through a local nginx-rtmp (tests/cross/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:?usage: cross-build.sh aarch64|armv7 [--test]}
case $arch in
  aarch64) T=aarch64-unknown-linux-gnu; CROSS=aarch64-linux-gnu-; FLAGS=() ;;
  # No armhf std or OpenSSL packages are installed (multiarch armhf breaks apt on mirror skew):
  # std comes from rust-web-src and OpenSSL is built from source.
  armv7)   T=armv7-unknown-linux-gnueabihf; CROSS=arm-linux-gnueabihf-; FLAGS=(-Zbuild-std=std,panic_unwind --features vendored) ;;
  *) echo "cross-build: unknown architecture $arch" >&2; exit 2 ;;
esac
[ -x /usr/bin/cargo ] && /usr/bin/rustc --version | grep -q . || { echo "cross-build: run scripts/install-cross-deps.sh first" >&2; exit 1; }

# Debian's toolchain, not rustup's: only it has (or can build) a std for these targets.
export CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export PKG_CONFIG_ALLOW_CROSS=1
WRAP=$PWD/target/cross/bin
mkdir -p "$WRAP"
# bookworm has no aarch64 pkgconf personality: look at the arm64 multiarch .pc files only.
printf '#!/bin/sh\nPKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig exec pkg-config "$@"\n' >"$WRAP/aarch64-pkg-config"
chmod +x "$WRAP/aarch64-pkg-config"
export PKG_CONFIG_aarch64_unknown_linux_gnu=$WRAP/aarch64-pkg-config
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
# With the multiarch libc6:arm64 installed, qemu must take ld.so and libc from / (the cross
# sysroot's ld.so with the multiarch libc hangs in pthread_create).
if [ -e /lib/ld-linux-aarch64.so.1 ]; then QA="qemu-aarch64 -L /"; else QA="qemu-aarch64 -L /usr/aarch64-linux-gnu"; fi
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$QA"
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER="qemu-arm -L /usr/arm-linux-gnueabihf"

B=build/$T
make --no-print-directory TARGET=$T CROSS_COMPILE=$CROSS TARGET_DIR=target/cross BUILD=$B CARGO="$CARGO" CARGO_FLAGS="${FLAGS[*]}" all
file "$B/librtmp.so.1" | sed 's/^/cross-build: /'
if [ "${2:-}" = --test ]; then
  QEMU=$([ $arch = aarch64 ] && echo "$QA" || echo "qemu-arm -L /usr/arm-linux-gnueabihf")
  # Rust tests: a panic=unwind std for build-std, in its own target dir (two cores in one deps/
  # directory collide).
  CARGO=$CARGO bash tests/cargo-tests.sh "rust-$arch" --release --target $T "${FLAGS[@]}" --target-dir target/cross-test --lib
  bash tests/cross/run.sh "$T" "$CROSS" "$B" "$QEMU"
fi
