#!/usr/bin/env bash
# NULL and out-of-range arguments to every export, then ordinary calls that must give the
# original's results (tests/c/null_safety.c), on the library under test (OURS_DIR, default
# build/; see tests/common.sh). Every check must pass on a plain run and again under valgrind
# (no invalid access, no definite leak), and ld.so's own trace must show that each run loaded
# that librtmp.so.1 and no other: a stray LD_LIBRARY_PATH cannot make this pass on another one.
#
# The tally counts the program's checks (from its plain run); a run that fails as a whole (no
# build, a crash, another library loaded, valgrind errors or failed checks under valgrind) adds
# one failure, so a failing suite never tallies zero.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
bad() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
finish() {
  tally null-safety "$PASS" 0 "$FAIL"
  echo "null-safety: $PASS passed, $FAIL failed (ours: $OURS_LIBRTMP)"
  [ "$FAIL" = 0 ] && exit 0
  exit 1
}

# scripts/install-deps.sh installs valgrind: without it the memory half of this suite would not
# run, and that must not read as a pass.
command -v valgrind >/dev/null || { bad "setup: valgrind not found (scripts/install-deps.sh installs it)"; finish; }

gcc -O1 -g -Wall -Wno-nonnull -Wno-format -Iinclude -o "$T/null_safety" tests/c/null_safety.c \
  -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" || { bad "null_safety.c does not build against $OURS_DIR"; finish; }

# counts FILE: "PASSED FAILED" from the program's last line, empty if it never got there
counts() { sed -n 's/^null-safety: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$1" | tail -1; }

on_lib ours "$T/trace" "$T/null_safety" >"$T/plain.out" 2>"$T/plain.err"
rc=$?
grep '^FAIL' "$T/plain.out"
c=$(counts "$T/plain.out")
if [ -z "$c" ]; then
  bad "null_safety did not run to the end (rc $rc)"; tail -5 "$T/plain.err" | sed 's/^/  | /'
else
  read -r PASS FAIL <<<"$c"
  # the program's exit status must agree with its own count
  if [ "$FAIL" = 0 ] && [ "$rc" != 0 ]; then bad "null_safety exited with rc $rc after passing every check"; fi
fi
loaded ours "$T/trace" || bad "the plain run is not proven to have run on $OURS_LIBRTMP"

on_lib ours "$T/vtrace" valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
  --log-file="$T/valgrind.log" "$T/null_safety" >"$T/vg.out" 2>"$T/vg.err"
rc=$?
c=$(counts "$T/vg.out")
if [ "$rc" = 3 ]; then
  bad "valgrind reports errors or leaks"; grep -E -m20 '==[0-9]+== +(Invalid|Conditional|Use of|[0-9,]+ bytes in|at 0x|by 0x)' "$T/valgrind.log" | sed 's/^/  | /'
elif [ -z "$c" ]; then
  bad "null_safety under valgrind did not run to the end (rc $rc)"; tail -5 "$T/valgrind.log" "$T/vg.err" | sed 's/^/  | /'
elif [ "${c#* }" != 0 ] || [ "$rc" != 0 ]; then
  bad "null_safety under valgrind: ${c% *} passed, ${c#* } failed (rc $rc)"
else
  echo "null-safety under valgrind: clean, ${c% *} checks passed"
fi
loaded ours "$T/vtrace" || bad "the valgrind run is not proven to have run on $OURS_LIBRTMP"

finish
