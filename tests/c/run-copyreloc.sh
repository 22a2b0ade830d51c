#!/usr/bin/env bash
# Runs tests/c/copyreloc.c as a non-PIE executable on the library under test (OURS_DIR, default
# build/; see tests/common.sh) and on Debian's original as a control, after checking that each
# executable really carries copy relocations for the data objects.
#
# The control shows that the program's checks hold on the library it imitates, so it counts like
# the rest: without librtmp-dev, or if it fails, the suite fails. Each run has only its own library
# reachable and ld.so's trace proves which one it loaded. The tally (copyreloc) counts this
# script's checks; a failure anywhere adds one.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { echo "FAIL: copyreloc: $*"; FAIL=$((FAIL + 1)); }
# copyreloc.c has 8 checks today; fewer means some were compiled or cut out.
MIN_CHECKS=8

# relocs EXE: how many of the four data objects the executable holds through copy relocations
relocs() {
  readelf -rW "$1" | grep -cE 'R_(X86_64|386|AARCH64|ARM)_COPY.*(RTMP_debuglevel|RTMP_ctrlC|RTMP_DefaultFlashVer|RTMPProtocolStringsLower)'
}

# side orig|ours LABEL: runs $T/SIDE on its library, with its checks, proof and output
side() {
  local s=$1 label=$2 n rc c
  n=$(relocs "$T/$s")
  if [ "$n" = 4 ]; then ok; else bad "$label: expected 4 copy relocations in the executable, found $n"; fi
  on_lib "$s" "$T/trace.$s" "$T/$s" >"$T/$s.out" 2>&1; rc=$?
  sed "s/^/$label: /" "$T/$s.out"
  if loaded "$s" "$T/trace.$s"; then ok; else bad "$label: not proven to have run on $(lib_path "$s")"; fi
  c=$(sed -n 's/^copyreloc: \([0-9][0-9]*\) passed, 0 failed$/\1/p' "$T/$s.out")
  if [ "$rc" = 0 ] && [ -n "$c" ] && [ "$c" -ge $MIN_CHECKS ]; then ok; else
    bad "$label: exit status $rc, summary '$(grep '^copyreloc:' "$T/$s.out" | tail -1)' (at least $MIN_CHECKS checks passed and none failed expected)"
  fi
}

if gcc -O1 -no-pie -fno-pic -Iinclude -o "$T/ours" tests/c/copyreloc.c -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR"; then
  side ours "ours"
else
  bad "does not build against $OURS_DIR"
fi
if ! [ -f /usr/include/librtmp/rtmp.h ]; then
  bad "original (control): Debian's librtmp-dev is not installed"
elif [ -z "$ORIG_LIBRTMP" ]; then
  bad "original (control): Debian's librtmp.so.1 not found (through /usr/bin/rtmpdump)"
elif gcc -O1 -no-pie -fno-pic -o "$T/orig" tests/c/copyreloc.c -lrtmp; then
  side orig "original (control)"
else
  bad "original (control): does not build against Debian's librtmp"
fi

tally copyreloc "$PASS" 0 "$FAIL"
if [ "$FAIL" = 0 ]; then
  echo "copyreloc: OK: ours and the original (control) each hold 4 copy relocations and pass (ours $OURS_LIBRTMP, original $ORIG_LIBRTMP)"
  exit 0
fi
echo "copyreloc: $FAIL failure(s) (ours: $OURS_LIBRTMP)"; exit 1
