#!/usr/bin/env bash
# android-check.sh: what can be proven for Android without an NDK (none can be had here). The Rust
# side — core, ffi layer, and with OpenSSL on aarch64 the crypto modules — is compiled into a
# staticlib for aarch64-linux-android and armv7-linux-androideabi with Debian's toolchain and
# -Zbuild-std (a staticlib needs no linker), against Android's libc bindings (bionic). Then the
# archive's Rust objects must call none of a list of glibc-only entry points.
#
# Not proven here: the C log shim is compiled by the glibc cross gcc as a stand-in for the NDK's
# clang; nothing is linked into a librtmp.so for Android, and nothing runs on Android. Real builds:
# `make TARGET=aarch64-linux-android ANDROID_NDK_HOME=...` (see the README).
set -euo pipefail
# shellcheck source=tests/common.sh
source "$(dirname "$0")/../tests/common.sh"
cd "$(dirname "$0")/.."
[ -x /usr/bin/cargo ] || { echo "android-check: run scripts/install-cross-deps.sh first" >&2; exit 1; }
export CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 PKG_CONFIG_ALLOW_CROSS=1
# glibc-only entry points the Rust code might reach through the libc crate or by habit.
GLIBC_ONLY='__errno_location|__xstat|__fxstat|__lxstat|gnu_get_libc_version|getaddrinfo_a|secure_getenv|__res_init|__libc_'
pass=0 fail=0

check() { # triple, stand-in gcc, extra cargo args...
  local t=$1 cc=$2; shift 2
  local v=${t//-/_} dir=target/android out
  out=$dir/$t/release/librtmp.a
  echo "== $t ($*)"
  if ! env "CC_$v=$cc" "AR_$v=${cc%gcc}ar" "CFLAGS_$v=${STANDIN_CFLAGS:-}" \
      $CARGO rustc --release --lib --crate-type staticlib -Zbuild-std=std,panic_unwind \
      --target "$t" --target-dir "$dir" "$@" >"$dir.$t.log" 2>&1; then
    tail -30 "$dir.$t.log"; echo "FAIL   $t: the staticlib does not build"; fail=$((fail + 1)); return
  fi
  # Undefined symbols of the crate's own objects (not std's, not the stand-in shim's).
  local objs undef
  objs=$(ar t "$out" | grep '^rtmp-' || true)
  [ -n "$objs" ] || { echo "FAIL   $t: no objects of the crate in $out"; fail=$((fail + 1)); return; }
  undef=$(for o in $objs; do ar p "$out" "$o" >"$dir/obj.o"; nm -u "$dir/obj.o"; done | awk '{print $2}' | sort -u)
  if grep -Eq "^($GLIBC_ONLY)" <<<"$undef"; then
    echo "FAIL   $t: glibc-only calls: $(grep -E "^($GLIBC_ONLY)" <<<"$undef" | tr '\n' ' ')"; fail=$((fail + 1)); return
  fi
  echo "PASS   $t: staticlib $(du -k "$out" | cut -f1) KiB; the crate's objects call $(grep -Evc '^(_ZN|_R|anon\.|$)' <<<"$undef") outside Rust, none glibc-only (errno through bionic's $(grep -x '__errno' <<<"$undef"))"
  pass=$((pass + 1))
}

mkdir -p target/android
# aarch64: OpenSSL's headers from the arm64 multiarch package (only its version and features are
# read; the staticlib is not linked).
AARCH64_LINUX_ANDROID_OPENSSL_INCLUDE_DIR=/usr/include \
AARCH64_LINUX_ANDROID_OPENSSL_LIB_DIR=/usr/lib/aarch64-linux-gnu \
  check aarch64-linux-android aarch64-linux-gnu-gcc
# armv7: no armhf OpenSSL is installed (see install-cross-deps.sh), so the CRYPTO= build; the
# stand-in gcc is hard-float, Android's ABI softfp.
STANDIN_CFLAGS=-mfloat-abi=hard check armv7-linux-androideabi arm-linux-gnueabihf-gcc --no-default-features
echo "android: $pass passed, $fail failed"
tally android "$pass" 0 "$fail"
[ "$fail" = 0 ]
