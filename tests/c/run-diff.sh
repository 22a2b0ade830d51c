#!/usr/bin/env bash
# Builds a differential C test twice — against Debian's original librtmp (headers in /usr/include,
# its librtmp.so.1) and against the library under test (include/, OURS_DIR, default build/; see
# tests/common.sh) — runs both and compares their output. usage: run-diff.sh tests/c/NAME.c
#
# Each side runs with only its own library reachable and ld.so's trace proves which one it loaded:
# with the caller's LD_LIBRARY_PATH the "original" could run on ours and the comparison would
# prove nothing. The tally (suite NAME with _ as -, e.g. core-diff) counts this script's checks; a
# failure anywhere adds one, so a failing suite never tallies zero.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
src=$1; name=$(basename "$src" .c)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { echo "FAIL: $name: $*"; FAIL=$((FAIL + 1)); }
finish() {
  tally "${name//_/-}" "$PASS" 0 "$FAIL"
  [ "$FAIL" = 0 ] && exit 0
  echo "$name: $FAIL failure(s) (ours: $OURS_LIBRTMP)"; exit 1
}

# Output lines below which the program cannot have run its cases (a library that fails every call
# can cut it short), a little under today's count: core_diff prints 40 lines.
case $name in
  core_diff) min_lines=36 ;;
  *) bad "no line floor for $name: add one here"; finish ;;
esac

CFLAGS="-O1 -g -Wall -Wno-deprecated-declarations"
[ -f /usr/include/librtmp/rtmp.h ] || { bad "Debian's librtmp-dev is not installed"; finish; }
[ -n "$ORIG_LIBRTMP" ] || { bad "Debian's librtmp.so.1 not found (through /usr/bin/rtmpdump)"; finish; }
gcc $CFLAGS -o "$T/orig" "$src" -lrtmp || { bad "does not build against the original"; finish; }
gcc $CFLAGS -Iinclude -o "$T/ours" "$src" -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" ||
  { bad "does not build against $OURS_DIR"; finish; }

on_lib orig "$T/trace.orig" "$T/orig" >"$T/orig.out" 2>&1; rc_orig=$?
on_lib ours "$T/trace.ours" "$T/ours" >"$T/ours.out" 2>&1; rc_ours=$?
if loaded orig "$T/trace.orig"; then ok; else bad "the original side is not proven to have run on $ORIG_LIBRTMP"; fi
if loaded ours "$T/trace.ours"; then ok; else bad "our side is not proven to have run on $OURS_LIBRTMP"; fi

lines=$(wc -l <"$T/ours.out")
diff -u "$T/orig.out" "$T/ours.out" >"$T/diff"; same=$?
if [ $rc_orig != $rc_ours ] || [ $same != 0 ]; then
  bad "output differs from the original (exit $rc_orig vs $rc_ours)"; head -60 "$T/diff"
else
  ok
fi
if [ "$(wc -l <"$T/orig.out")" -ge "$min_lines" ] && [ "$lines" -ge "$min_lines" ]; then ok; else
  bad "$(wc -l <"$T/orig.out") lines from the original, $lines from ours: at least $min_lines expected"
fi
[ "$FAIL" = 0 ] && echo "$name: same output as the original ($lines lines; original $ORIG_LIBRTMP, ours $OURS_LIBRTMP)"
finish
