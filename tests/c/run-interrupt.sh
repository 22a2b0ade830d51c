#!/usr/bin/env bash
# Runs tests/c/interrupt.c (RTMP_UserInterrupt from another thread, without a signal, ends a
# blocked RTMP_Connect) on the library under test (OURS_DIR, default build/; see tests/common.sh),
# which must pass, and on Debian's original, which must fail it: the original only sees RTMP_ctrlC
# when a signal breaks its recv, so it waits out the timeout. Each run has only its own library
# reachable and ld.so's trace proves which one it loaded. Tallied as `interrupt`.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { echo "FAIL: interrupt: $*"; FAIL=$((FAIL + 1)); }

if gcc -O1 -Wall -Wextra -Iinclude -pthread -o "$T/ours" tests/c/interrupt.c -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR"; then
  on_lib ours "$T/trace.ours" timeout 30 "$T/ours" >"$T/ours.out" 2>&1
  rc=$?
  sed 's/^/ours: /' "$T/ours.out"
  if loaded ours "$T/trace.ours"; then ok; else bad "ours: not proven to have run on $OURS_LIBRTMP"; fi
  if [ $rc = 0 ] && grep -q '^interrupt: PASS' "$T/ours.out"; then ok; else bad "ours: exit status $rc"; fi
else
  bad "does not build against $OURS_DIR"
fi

if [ -z "$ORIG_LIBRTMP" ] || ! [ -f /usr/include/librtmp/rtmp.h ]; then
  bad "original (control): Debian's librtmp and librtmp-dev are required"
elif gcc -O1 -pthread -o "$T/orig" tests/c/interrupt.c -lrtmp; then
  on_lib orig "$T/trace.orig" timeout 30 "$T/orig" >"$T/orig.out" 2>&1
  rc=$?
  sed 's/^/original: /' "$T/orig.out"
  if loaded orig "$T/trace.orig"; then ok; else bad "original: not proven to have run on $ORIG_LIBRTMP"; fi
  # The control: the original reaches the server and is still blocked after the interrupt.
  if [ $rc = 1 ] && grep -q '^interrupt: FAIL: still blocked' "$T/orig.out"; then ok; else
    bad "original (control): expected it to stay blocked until its timeout (exit status $rc)"
  fi
else
  bad "original (control): does not build against Debian's librtmp"
fi

tally interrupt "$PASS" 0 "$FAIL"
if [ "$FAIL" = 0 ]; then
  echo "interrupt: OK: ours ends a blocked call on RTMP_UserInterrupt without a signal; the original waits out its timeout"
  exit 0
fi
echo "interrupt: $FAIL failure(s) (ours: $OURS_LIBRTMP)"; exit 1
