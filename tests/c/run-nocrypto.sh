#!/usr/bin/env bash
# Runs tests/c/nocrypto.c (compiled with -DNO_CRYPTO) against the CRYPTO= build in directory $1.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build/nocrypto}
[ -f "$B/librtmp.so.1" ] || { echo "FAIL: $B/librtmp.so.1 not built (make CRYPTO= BUILD=$B)"; exit 1; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
gcc -O1 -g -Wall -DNO_CRYPTO -Iinclude -o "$T/nocrypto" tests/c/nocrypto.c -L"$B" -lrtmp -Wl,-rpath,"$PWD/$B" || exit 1
"$T/nocrypto"
