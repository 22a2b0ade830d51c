#!/usr/bin/env bash
# summary.sh: what make check ran, suite by suite, from the counts the suites left in
# $CHECK_RESULTS (tests/common.sh's tally): passed, skipped (what this machine could not test,
# never counted as passed) and failed, and the totals.
set -u
D=${CHECK_RESULTS:?}
[ -d "$D" ] || { echo "summary: no results in $D"; exit 1; }
tp=0 ts=0 tf=0
printf '%-22s %8s %8s %8s\n' suite passed skipped failed
for f in "$D"/*; do
  read -r p s x <"$f"
  printf '%-22s %8d %8d %8d\n' "$(basename "$f")" "$p" "$s" "$x"
  tp=$((tp + p)) ts=$((ts + s)) tf=$((tf + x))
done
printf '%-22s %8d %8d %8d\n' total "$tp" "$ts" "$tf"
[ "$tf" = 0 ]
