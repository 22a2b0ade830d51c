# shellcheck shell=bash
# What every test script shares: which librtmp.so.1 a program runs on, with the proof of it, and
# the tally of a suite's results that `make check` sums up. Source it; never run it.
#
#   OURS_DIR=DIR       the library under test (default build/). The negative control
#                      (tests/negative/run.sh) points it at a library that does nothing, which
#                      every suite must fail.
#   CHECK_RESULTS=DIR  where each suite leaves its counts (make check sets it; see tally)
#
# A program meant to run on Debian's original runs through `on_lib orig`, one meant to run on
# ours through `on_lib ours`: LD_PRELOAD and LD_LIBRARY_PATH are cleared (ours then gets
# LD_LIBRARY_PATH=$OURS_DIR alone), so a caller's environment (`LD_LIBRARY_PATH=$PWD/build`, as
# the README shows users doing) cannot swap one library for the other; `loaded` then proves from
# the dynamic linker's own trace which librtmp.so.1 each process loaded.

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTS_DIR/.." && pwd)
OURS_DIR=${OURS_DIR:-$REPO/build}
case $OURS_DIR in /*) ;; *) OURS_DIR=$PWD/$OURS_DIR ;; esac
OURS_LIBRTMP=$OURS_DIR/librtmp.so.1
# Debian's library: where the dynamic linker finds librtmp.so.1 for its own rtmpdump.
ORIG_LIBRTMP=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd /usr/bin/rtmpdump 2>/dev/null | awk '$1 == "librtmp.so.1" {print $3}')

# on_lib orig|ours TRACE CMD...: CMD (a program, not a function) with only that librtmp
# reachable; with TRACE non-empty, ld.so writes each process's library trace to TRACE.PID.
on_lib() {
  local which=$1 trace=$2; shift 2
  local -a e=(env -u LD_PRELOAD -u LD_LIBRARY_PATH -u LD_DEBUG -u LD_DEBUG_OUTPUT)
  case $which in
    orig) ;;
    ours) e+=("LD_LIBRARY_PATH=$OURS_DIR") ;;
    *) echo "on_lib: 'orig' or 'ours', not '$which'" >&2; return 2 ;;
  esac
  [ -n "$trace" ] && e+=(LD_DEBUG=libs "LD_DEBUG_OUTPUT=$trace")
  "${e[@]}" "$@"
}

# lib_path orig|ours: the file that library is
lib_path() { if [ "$1" = ours ]; then echo "$OURS_LIBRTMP"; else echo "$ORIG_LIBRTMP"; fi; }

# loaded orig|ours TRACE: every process traced to TRACE.* that loaded a librtmp loaded that one,
# and at least one did; otherwise says what was loaded instead and returns 1.
loaded() {
  local want got p bad=0
  want=$(readlink -f "$(lib_path "$1")")
  got=$(cat "$2".* 2>/dev/null | sed -n 's/.*calling init: \(.*librtmp\.so[^ ]*\).*/\1/p' | sort -u)
  if [ -z "$got" ]; then
    echo "LIBCHECK FAILED [$(basename "$2")]: no process loaded any librtmp.so (expected $(lib_path "$1"))"; return 1
  fi
  for p in $got; do
    if [ "$(readlink -f "$p")" != "$want" ]; then
      echo "LIBCHECK FAILED [$(basename "$2")]: loaded $p, expected $(lib_path "$1")"; bad=1
    fi
  done
  return $bad
}

# tally SUITE PASS SKIP FAIL: a suite's counts, for the summary at the end of make check
# (tests/summary.sh). A SKIP is something the suite could not test here, never a pass.
tally() {
  [ -n "${CHECK_RESULTS:-}" ] || return 0
  mkdir -p "$CHECK_RESULTS" && echo "$2 $3 $4" >"$CHECK_RESULTS/$1"
}
