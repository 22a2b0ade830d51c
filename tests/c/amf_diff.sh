#!/usr/bin/env bash
# Differential test of the AMF exports: tests/c/amf_diff.c linked with Debian's librtmp and with
# the library under test (OURS_DIR, default build/; see tests/common.sh) must print the same
# thing, and ours must refuse cleanly what the original mishandles.
#
#   1. a classifier build (original, -DAMF_DIFF_CLASSIFY) lists the decoder cases on which the
#      original reads outside its input, crashes, hangs or uses memory it never wrote;
#   2. the test linked with the original and with ours, given that list, must print the same;
#   3. the test built with -DONLY_SAFE_IMPL and linked with ours runs the listed cases and hostile
#      inputs, and must report no failed check.
#
# Every run has only its own library reachable and ld.so's trace proves which one it loaded: run
# on ours, the classifier finds nothing to leave out and the "original" agrees with ours, so the
# suite would pass with a fraction of its checks. The counts have floors for the same reason.
# The tally (amf-diff) counts this script's checks; a failure anywhere adds one.
set -uo pipefail
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
SRC=tests/c/amf_diff.c
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { echo "amf_diff: FAIL: $*" >&2; FAIL=$((FAIL + 1)); }
finish() {
  tally amf-diff "$PASS" 0 "$FAIL"
  if [ "$FAIL" = 0 ]; then echo "amf_diff: OK ($PASS checks; original $ORIG_LIBRTMP, ours $OURS_LIBRTMP)"; exit 0; fi
  echo "amf_diff: $FAIL failure(s) (ours: $OURS_LIBRTMP)" >&2; exit 1
}
# at_least WHAT N FLOOR: a count that collapsed means the cases never ran
at_least() { if [ "${2:-0}" -ge "$3" ] 2>/dev/null; then ok; else bad "$1: ${2:-none}, at least $3 expected"; fi; }

# Floors, a little under today's figures (1303 classified cases, 10185 cases compared, 22 fixed
# checks, 2291 ONLY_SAFE_IMPL checks).
MIN_CLASSIFIED=1250
MIN_COMPARED=10000
MIN_FIXED=20
MIN_SAFE=2250

CC=${CC:-gcc}
if [ ! -e /usr/include/librtmp/amf.h ] || ! echo 'int main(void){return 0;}' | $CC -x c -o /dev/null - -lrtmp 2>/dev/null; then
  bad "Debian's librtmp (librtmp-dev) is not installed: nothing to compare with"; finish
fi
[ -n "$ORIG_LIBRTMP" ] || { bad "Debian's librtmp.so.1 not found (through /usr/bin/rtmpdump)"; finish; }

OURS=(-Iinclude -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR")
$CC -O1 -Wall -DAMF_DIFF_CLASSIFY -rdynamic -o "$T/amf_classify" "$SRC" -lrtmp -ldl &&
  $CC -O1 -Wall -o "$T/amf_orig" "$SRC" -lrtmp &&
  $CC -O1 -Wall -o "$T/amf_ours" "$SRC" "${OURS[@]}" &&
  $CC -O1 -Wall -DONLY_SAFE_IMPL -o "$T/amf_safe" "$SRC" "${OURS[@]}" ||
  { bad "a build failed (ours: $OURS_DIR)"; finish; }

# proven orig|ours NAME: the run traced as NAME loaded that library
proven() { if loaded "$1" "$T/trace.$2"; then ok; else bad "$2 is not proven to have run on $(lib_path "$1")"; fi; }

on_lib orig "$T/trace.amf_classify" "$T/amf_classify" >"$T/unsafe.txt" || bad "the classifier exited with status $?"
proven orig amf_classify
classified=$(wc -l <"$T/unsafe.txt")
echo "amf_diff: $classified decoder cases left to the ONLY_SAFE_IMPL build ($(awk '{print $2}' "$T/unsafe.txt" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'))"
at_least "decoder cases classified on the original" "$classified" $MIN_CLASSIFIED

on_lib orig "$T/trace.amf_orig" "$T/amf_orig" "$T/unsafe.txt" >"$T/orig.txt" ||
  { bad "the original exited with status $? (its fixed checks or a crash)"; tail -n 1 "$T/orig.txt" >&2; }
proven orig amf_orig
on_lib ours "$T/trace.amf_ours" "$T/amf_ours" "$T/unsafe.txt" >"$T/ours.txt" ||
  { bad "ours exited with status $? (its fixed checks or a crash)"; tail -n 1 "$T/ours.txt" >&2; }
proven ours amf_ours
if ! diff -u --label original "$T/orig.txt" --label ours "$T/ours.txt" >"$T/diff.txt"; then
  bad "outputs differ ($(grep -c '^[-+][^-+]' "$T/diff.txt") lines); first 300 lines of the diff:"
  head -n 300 "$T/diff.txt" >&2
else
  ok
  echo "amf_diff: original and ours agree on $(grep -c '^== ' "$T/ours.txt") cases ($(wc -l <"$T/ours.txt") lines); $(tail -n 1 "$T/ours.txt")"
fi
at_least "cases compared" "$(grep -c '^== ' "$T/ours.txt")" $MIN_COMPARED
at_least "fixed checks passed on ours" "$(tail -n 1 "$T/ours.txt" | sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p')" $MIN_FIXED

on_lib ours "$T/trace.amf_safe" "$T/amf_safe" "$T/unsafe.txt" >"$T/safe.txt"; rc=$?
if [ $rc != 0 ]; then
  bad "the ONLY_SAFE_IMPL build exited with status $rc; its failed checks:"
  grep -a '^CHECK FAILED' "$T/safe.txt" | head -n 100 >&2
fi
proven ours amf_safe
echo "amf_diff: ONLY_SAFE_IMPL build: $(tail -n 1 "$T/safe.txt")"
at_least "ONLY_SAFE_IMPL checks passed" "$(tail -n 1 "$T/safe.txt" | sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p')" $MIN_SAFE
finish
