#!/usr/bin/env bash
# The crate's own tests (cargo test: the Rust core and the ffi layer) built for 64-bit Windows with
# OpenSSL, run under wine64. The stand-in bcryptprimitives.dll (bcryptprimitives.c: wine 8.0 has
# none, Rust's std imports it) goes into the test prefix's system32, where every test program
# finds it.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export WINEPREFIX=${WINEPREFIX:-$REPO/target/windows/wineprefix} WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
unset DISPLAY SSL_CERT_FILE SSL_CERT_DIR
if [ ! -s "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX" && timeout 300 wineboot -i >/dev/null 2>&1 && wineserver -w
fi
sys32=$WINEPREFIX/drive_c/windows/system32
x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" \
  "$REPO/tests/windows/bcryptprimitives.c" "$REPO/tests/windows/bcryptprimitives.def" -lbcrypt
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# The compilers make SYS=mingw gives the build scripts: OpenSSL, built from source for the DLL, is
# then not built again for the tests.
# (make passes its command line's CROSS_COMPILE on, and OpenSSL's build script watches it too).
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CROSS_COMPILE=x86_64-w64-mingw32-
cd "$REPO"
exec bash tests/cargo-tests.sh rust-windows --release --target x86_64-pc-windows-gnu --features vendored --target-dir target "$@"
