#!/usr/bin/env bash
# Runs tests/c/nocrypto.c (compiled with -DNO_CRYPTO) against the CRYPTO= build in directory $1,
# proven to have loaded it.
set -u
B=${1:-build/nocrypto}
OURS_DIR=$(cd "$B" 2>/dev/null && pwd) || { echo "FAIL: $B/librtmp.so.1 not built (make CRYPTO= BUILD=$B)"; exit 1; }
# shellcheck source=tests/common.sh
source "$(dirname "$0")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
gcc -O1 -g -Wall -DNO_CRYPTO -Iinclude -o "$T/nocrypto" tests/c/nocrypto.c -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" ||
  { tally nocrypto-c 0 0 1; exit 1; }
on_lib ours "$T/trace" "$T/nocrypto" | tee "$T/out"; rc=${PIPESTATUS[0]}
loaded ours "$T/trace" || rc=1
read -r p f < <(sed -n 's/^nocrypto: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/out")
[ "$rc" = 0 ] || f=$((${f:-0} + 1))
tally nocrypto-c "${p:-0}" 0 "${f:-1}"
exit "$rc"
