# Sourced by run.sh (hostile servers) and serve.sh (hostile clients): the interop helpers, and
# what both suites need.
# shellcheck source=tests/interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
HOSTILE=$REPO/tests/hostile

# hostile_prereqs NAME: our library built, Debian's found, valgrind installed (else exit 2)
hostile_prereqs() {
  [ -f "$OURS_LIBRTMP" ] || { echo "$1: $OURS_LIBRTMP is not built (make)"; exit 2; }
  [ -n "$ORIG_LIBRTMP" ] || { echo "$1: Debian's librtmp.so.1 not found (scripts/install-deps.sh)"; exit 2; }
  command -v valgrind >/dev/null || { echo "$1: valgrind not found (scripts/install-deps.sh)"; exit 2; }
}

# outcome RC KILLED_AT [SECS]: how a run ended: a hang (killed at KILLED_AT s), a crash, an exit
# status, or ok (in SECS)
outcome() {
  if [ "$1" = 137 ]; then echo "HANG (killed at $2 s)"
  elif [ "$1" -ge 128 ]; then echo "CRASH (signal $(($1 - 128)))"
  elif [ "$1" != 0 ]; then echo "exit $1"
  else echo "ok${3:+, ${3}s}"; fi
}
