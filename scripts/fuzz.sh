#!/usr/bin/env bash
# fuzz.sh SECONDS: builds the cargo-fuzz targets of fuzz/ (nightly, AddressSanitizer and
# LeakSanitizer), replays every checked-in regression input and seed, then fuzzes each target for
# SECONDS (or until FUZZ_RUNS executions, whichever comes first) from its seed corpus (a working
# copy under target/fuzz/, so the checked-in corpus only changes by hand). Prints executions per
# target; fails on any crash, leak or timeout, naming the input that caused it
# (fuzz/artifacts/<target>/). `make fuzz` runs it long, `make check-fuzz` short.
# FUZZ_OUT=DIR puts the working corpora, logs and report.txt there instead of target/fuzz, so a
# long run can go on beside another run or a `make check` (whose check-fuzz starts target/fuzz's over).
set -euo pipefail
# shellcheck source=tests/common.sh
source "$(dirname "$0")/../tests/common.sh"
OUT=${FUZZ_OUT:-}
[ -n "$OUT" ] && { mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd); }
cd "$(dirname "$0")/.."
REPO=$PWD
SECS=${1:-120}
OUT=${OUT:-$REPO/target/fuzz}
export PATH=$HOME/.cargo/bin:$PATH
command -v cargo-fuzz >/dev/null || { echo "fuzz: cargo-fuzz not found (run scripts/install-deps.sh)" >&2; exit 2; }
cargo +nightly --version >/dev/null 2>&1 || { echo "fuzz: no nightly toolchain (run scripts/install-deps.sh)" >&2; exit 2; }
mkdir -p "$OUT"
cd fuzz
echo "== building the fuzz targets ($(cargo +nightly --version))"
cargo +nightly fuzz build -O 2>"$OUT/build.log" || { tail -30 "$OUT/build.log"; exit 1; }
# FUZZ_TARGETS="a b" runs only those (two runs with different targets can share the two cores).
TARGETS=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
# The same options for every run: inputs up to 64 KiB, 2 GiB of memory, 10 s per input at most.
OPTS=(-rss_limit_mb=2048 -max_len=65536 -timeout=10 -print_final_stats=1)
# ASan records the call stack of every allocation and free in a table it never shrinks; through
# the recursive AMF decoders each nesting path is a new stack, so with its default 30 frames that
# table alone grew by ~220 MB per million amf3 inputs (1.3 M stacks in 1.5 M runs) until the
# run hit the 2 GiB limit, the live heap being 27 MB. 8 frames keep it at 50 K stacks (9 MB) and
# still name the allocating function; faults are caught and reported with full stacks as before.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=8}
# FUZZ_RUNS=N stops a target after N executions, so a long run can aim at a count, not a time.
LIMIT=(-max_total_time="$SECS")
[ -n "${FUZZ_RUNS:-}" ] && LIMIT+=(-runs="$FUZZ_RUNS")
fail=0
report=()
for t in $TARGETS; do
  for dir in regressions corpus; do
    [ -d "$dir/$t" ] || continue
    if ! cargo +nightly fuzz run -O "$t" "$dir/$t" -- "${OPTS[@]}" -runs=0 >"$OUT/$t.$dir.log" 2>&1; then
      echo "FAIL   $t: replaying $dir/$t: $(grep -m1 -E 'panicked|ERROR' "$OUT/$t.$dir.log")"; fail=1; continue 2
    fi
  done
  rm -rf "$OUT/corpus/$t" && mkdir -p "$OUT/corpus/$t"
  if cargo +nightly fuzz run -O "$t" "$OUT/corpus/$t" "corpus/$t" -- "${OPTS[@]}" "${LIMIT[@]}" >"$OUT/$t.log" 2>&1; then
    verdict=PASS
  else
    verdict=FAIL fail=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$t.log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$OUT/$t.log" | tail -1)
  line=$(printf '%-6s %-13s %12s executions  %7s/s  %s  corpus %s' "$verdict" "$t" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$(ls "$OUT/corpus/$t" | wc -l)")
  echo "$line"; report+=("$line")
  if [ $verdict = FAIL ]; then
    grep -m3 -E 'panicked|SUMMARY|==ERROR|Test unit written' "$OUT/$t.log" | sed 's/^/         | /'
  fi
done
printf '%s\n' "fuzzing, ${SECS} s${FUZZ_RUNS:+ or $FUZZ_RUNS executions} per target ($(date -u +%F)):" "${report[@]}" >"$OUT/report.txt"
[ $fail = 0 ] && echo "fuzz: every target clean (report: $OUT/report.txt)"
tally fuzz "$(printf '%s\n' "${report[@]}" | grep -c '^PASS')" 0 "$fail"
exit $fail
