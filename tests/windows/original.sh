#!/usr/bin/env bash
# original.sh ARCH DEST: the ORIGINAL librtmp 2.4 and its tools, built for Windows from Debian's
# rtmpdump source with mingw-w64 (ARCH x86_64 or i686), as its README says: `make SYS=mingw`,
# CRYPTO= (Debian has no OpenSSL or GnuTLS for mingw). Cached: nothing is done once DEST/.built
# exists. DEST/src/librtmp holds librtmp-1.dll, the import library librtmp.dll.a and the headers;
# DEST/src the tools rtmpdump.exe, rtmpgw.exe, rtmpsrv.exe, rtmpsuck.exe (NO_CRYPTO, as the
# library). DEST/crypto-abi holds rtmpdump.exe and rtmpgw.exe compiled again with the crypto
# layout of the headers (CRYPTO defined) and linked against the same import library: the
# programs that a crypto build of librtmp-1.dll (ours) runs, for rtmps and rtmpe.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
arch=$1 dest=$2
[ -e "$dest/.built" ] && { echo "original.sh: already built in $dest"; exit 0; }
cc=$arch-w64-mingw32-gcc
command -v "$cc" >/dev/null || { echo "original.sh: no $cc (scripts/install-windows-deps.sh installs it)" >&2; exit 1; }
bash "$REPO/tests/compat/debian-source.sh" rtmpdump "$REPO/target/debian-src"
rm -rf "$dest" && mkdir -p "$dest"
cp -a "$REPO/target/debian-src/rtmpdump" "$dest/src"
# The tree is Debian's (its patches applied): the build is the upstream Makefile's own.
make -C "$dest/src" -j2 SYS=mingw CROSS_COMPILE=$arch-w64-mingw32- CRYPTO= >"$dest/build.log" 2>&1 ||
  { tail -30 "$dest/build.log"; exit 1; }
mkdir -p "$dest/crypto-abi"
for tool in rtmpdump rtmpgw; do
  extra=; [ $tool = rtmpgw ] && extra=$dest/src/thread.c
  "$cc" -O2 -Wall -DRTMPDUMP_VERSION=\"v2.4\" -I"$dest/src" -o "$dest/crypto-abi/$tool.exe" \
    "$dest/src/$tool.c" $extra -L"$dest/src/librtmp" -lrtmp -lws2_32 -lwinmm >>"$dest/build.log" 2>&1 ||
    { tail -30 "$dest/build.log"; exit 1; }
done
touch "$dest/.built"
echo "original.sh: the original librtmp and its tools for $arch-w64-mingw32 in $dest"
