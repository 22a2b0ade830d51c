#!/usr/bin/env bash
# cargo-tests.sh SUITE CARGO-TEST-ARGS...: `cargo test` with those arguments, its output shown as
# it comes, and the passed/ignored/failed tests of every test binary summed into the tally.
set -uo pipefail
# shellcheck source=tests/common.sh
source "$(dirname "$0")/common.sh"
suite=$1; shift
log=$(mktemp); trap 'rm -f "$log"' EXIT
"${CARGO:-cargo}" test "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
passed=$(grep '^test result:' "$log" | grep -o '[0-9]* passed' | awk '{s += $1} END {print s + 0}')
ignored=$(grep '^test result:' "$log" | grep -o '[0-9]* ignored' | awk '{s += $1} END {print s + 0}')
failed=$(grep '^test result:' "$log" | grep -o '[0-9]* failed' | awk '{s += $1} END {print s + 0}')
# A build that failed runs no test: a failure all the same.
[ "$rc" != 0 ] && [ "$failed" = 0 ] && failed=1
tally "$suite" "$passed" "$ignored" "$failed"
exit "$rc"
