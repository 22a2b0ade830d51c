#!/usr/bin/env bash
# Differential test of the AMF exports: tests/c/amf_diff.c linked with Debian's librtmp and with
# ours must print the same thing, and ours must refuse cleanly what the original mishandles.
#
#   1. a classifier build (original, -DAMF_DIFF_CLASSIFY) lists the decoder cases on which the
#      original reads outside its input, crashes, hangs or uses memory it never wrote;
#   2. the test linked with the original and with ours, given that list, must print the same;
#   3. the test built with -DONLY_SAFE_IMPL and linked with ours runs the listed cases and hostile
#      inputs, and must report no failed check.
#
# Environment: OURS_CFLAGS (default: none, i.e. Debian's headers in /usr/include) and OURS_LIBS
# (default: `cargo build` and target/debug/librtmp.a with its system libraries). A shared library
# named in OURS_LIBS is found at run time through an rpath to its directory.
set -euo pipefail

cd "$(dirname "$0")/../.."
SRC=tests/c/amf_diff.c
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -e /usr/include/librtmp/amf.h ] || ! echo 'int main(void){return 0;}' | ${CC:-gcc} -x c -o /dev/null - -lrtmp 2>/dev/null; then
  echo "amf_diff: Debian's librtmp (librtmp-dev) is not installed: nothing to compare with" >&2
  exit 1
fi

OURS_CFLAGS=${OURS_CFLAGS:-}
if [ -z "${OURS_LIBS:-}" ]; then
  cargo build
  OURS_LIBS="target/debug/librtmp.a -lssl -lcrypto -lpthread -ldl -lm"
fi
rpath=()
for word in $OURS_LIBS; do
  case $word in
    *.so | *.so.*) rpath+=("-Wl,-rpath,$(cd "$(dirname "$word")" && pwd)") ;;
  esac
done

CC=${CC:-gcc}
# shellcheck disable=SC2086 # the flag variables are word lists
{
  $CC -O1 -Wall -DAMF_DIFF_CLASSIFY -rdynamic -o "$T/amf_classify" "$SRC" -lrtmp -ldl
  $CC -O1 -Wall -o "$T/amf_orig" "$SRC" -lrtmp
  $CC -O1 -Wall $OURS_CFLAGS -o "$T/amf_ours" "$SRC" $OURS_LIBS "${rpath[@]}"
  $CC -O1 -Wall -DONLY_SAFE_IMPL $OURS_CFLAGS -o "$T/amf_safe" "$SRC" $OURS_LIBS "${rpath[@]}"
}

# With a shared library, make sure the ours binaries do not pick up Debian's by accident.
if [ ${#rpath[@]} -gt 0 ]; then
  for b in amf_ours amf_safe; do
    if ldd "$T/$b" | grep -q "librtmp.so.1 => /usr/"; then
      echo "amf_diff: $b resolves librtmp.so.1 to the system library:" >&2
      ldd "$T/$b" | grep librtmp >&2
      exit 1
    fi
  done
fi

"$T/amf_classify" >"$T/unsafe.txt"
echo "amf_diff: $(wc -l <"$T/unsafe.txt") decoder cases left to the ONLY_SAFE_IMPL build ($(awk '{print $2}' "$T/unsafe.txt" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'))"

status=0
"$T/amf_orig" "$T/unsafe.txt" >"$T/orig.txt" || { echo "amf_diff: the original failed its fixed checks" >&2; tail -n 1 "$T/orig.txt" >&2; status=1; }
"$T/amf_ours" "$T/unsafe.txt" >"$T/ours.txt" || { echo "amf_diff: ours failed its fixed checks" >&2; status=1; }
if ! diff -u --label original "$T/orig.txt" --label ours "$T/ours.txt" >"$T/diff.txt"; then
  echo "amf_diff: outputs differ ($(grep -c '^[-+][^-+]' "$T/diff.txt") lines); first 300 lines of the diff:" >&2
  head -n 300 "$T/diff.txt" >&2
  status=1
else
  echo "amf_diff: original and ours agree on $(grep -c '^== ' "$T/ours.txt") cases ($(wc -l <"$T/ours.txt") lines); $(tail -n 1 "$T/ours.txt")"
fi

if ! "$T/amf_safe" "$T/unsafe.txt" >"$T/safe.txt"; then
  echo "amf_diff: ONLY_SAFE_IMPL checks failed:" >&2
  grep -a '^CHECK FAILED' "$T/safe.txt" | head -n 100 >&2
  status=1
fi
echo "amf_diff: ONLY_SAFE_IMPL build: $(tail -n 1 "$T/safe.txt")"
exit $status
