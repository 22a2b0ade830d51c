#!/usr/bin/env bash
# Builds a differential C test twice — against Debian's original librtmp (headers in /usr/include,
# /usr/lib/*/librtmp.so.1) and against ours (include/, build/librtmp.so.1) — runs both and compares
# their output. usage: run-diff.sh tests/c/NAME.c
set -u
cd "$(dirname "$0")/../.."
src=$1; name=$(basename "$src" .c)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
CFLAGS="-O1 -g -Wall -Wno-deprecated-declarations"
if ! [ -f /usr/include/librtmp/rtmp.h ]; then echo "FAIL: $name: Debian's librtmp-dev is not installed"; exit 1; fi
gcc $CFLAGS -o "$T/orig" "$src" -lrtmp || { echo "FAIL: $name does not build against the original"; exit 1; }
gcc $CFLAGS -Iinclude -o "$T/ours" "$src" -Lbuild -lrtmp -Wl,-rpath,"$PWD/build" || { echo "FAIL: $name does not build against ours"; exit 1; }
# Prove which library each binary loads.
ldd "$T/ours" | grep -q "$PWD/build/librtmp.so.1" || { echo "FAIL: $name: ours does not load build/librtmp.so.1"; exit 1; }
"$T/orig" > "$T/orig.out" 2>&1; rc_orig=$?
"$T/ours" > "$T/ours.out" 2>&1; rc_ours=$?
if [ $rc_orig != $rc_ours ] || ! diff -u "$T/orig.out" "$T/ours.out" > "$T/diff"; then
  echo "FAIL: $name: output differs from the original (exit $rc_orig vs $rc_ours)"; head -60 "$T/diff"; exit 1
fi
echo "$name: same output as the original ($(wc -l < "$T/ours.out") lines)"
