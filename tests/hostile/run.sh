#!/usr/bin/env bash
# run.sh [CASE-PREFIX...] (make check-hostile): every case of tests/hostile/server.py against our
# library and, for the report, against Debian's original.
#
# The client (client.c: connect, play, RTMP_Read to the end, timeout=1) must, on ours: exit
# normally (no signal, no abort), finish within the timeout + 2 s, leave a WARNING or ERROR line
# naming the problem, and run clean under valgrind (no invalid access, no definite leak). The
# original's outcome is only reported: it is what users of the original get.
# shellcheck source=tests/hostile/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TMO=1
LIMIT=$((TMO + 2))
SEL=("$@")

hostile_prereqs hostile
gcc -O1 -g -Wall -I"$REPO/include" -o "$RUN/client" "$HOSTILE/client.c" -L"$REPO/build" -lrtmp || exit 2

# serve NAME TAG: the case's server in the background; prints its port
serve() {
  daemon_start "srv-$1-$2" "$PY" "$HOSTILE/server.py" "$1" "$RUN/port.$1.$2"
  wait_file "$RUN/port.$1.$2" 10 "hostile server $1" >/dev/null || return 1
  cat "$RUN/port.$1.$2"
}

# run_client NAME TAG LIB [valgrind...]: one client run; sets RC SECS and leaves its output
run_client() {
  local name=$1 tag=$2 lib=$3 port t0; shift 3
  port=$(serve "$name" "$tag") || { RC=-1; SECS=0; return; }
  local env=(env -u LD_LIBRARY_PATH -u LD_PRELOAD)
  [ "$lib" = ours ] && env+=("LD_LIBRARY_PATH=$REPO/build")
  t0=$(now_us)
  # (in a subshell: the original's crashes are findings, not noise from this shell)
  (timeout -s KILL 30 "${env[@]}" "$@" "$RUN/client" "rtmp://127.0.0.1:$port/app/stream timeout=$TMO" \
    >"$RUN/$name.$tag.out" 2>"$RUN/$name.$tag.err") 2>/dev/null
  RC=$?
  SECS=$(secs_since "$t0")
  daemon_stop "srv-$name-$tag"
}

pass=0 failed=()
printf '%-26s %-14s %s\n' case ours original >"$RUN/report.txt"
while IFS=$'\t' read -r name what; do
  selected "$name" || continue
  problems=()
  run_client "$name" ours ours
  ours_rc=$RC ours_secs=$SECS
  if [ "$ours_rc" != 0 ]; then problems+=("$(outcome "$ours_rc" 30 "$ours_secs")"); fi
  if [ $((10#$(echo "$ours_secs" | tr -d .))) -gt $((LIMIT * 100)) ]; then problems+=("took ${ours_secs}s (limit ${LIMIT}s)"); fi
  grep -q '^\(ERROR\|WARNING\):' "$RUN/$name.ours.err" || problems+=("no WARNING or ERROR line in the log")
  run_client "$name" vg ours valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
  vg_rc=$RC
  if [ "$vg_rc" = 99 ]; then problems+=("valgrind: $(grep -m1 -E '==[0-9]+== (Invalid|Conditional|.*definitely lost)' "$RUN/$name.vg.err")")
  elif [ "$vg_rc" != 0 ]; then problems+=("under valgrind: $(outcome "$vg_rc" 30 "$SECS")"); fi
  run_client "$name" orig orig
  orig=$(outcome "$RC" 30 "$SECS")
  # What memcheck finds in the original on the same input (reported, not asserted).
  run_client "$name" origvg orig valgrind --leak-check=no
  errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$RUN/$name.origvg.err" | tail -1)
  case $RC in 0) [ "${errs:-0}" != 0 ] && orig="$orig; memcheck: $errs errors" ;; *) orig="$orig; under valgrind: $(outcome "$RC" 30 "$SECS")" ;; esac
  # The most telling line: the first that is not the generic timeout at the end.
  why=$( (grep '^\(ERROR\|WARNING\):' "$RUN/$name.ours.err" | grep -v 'no data within' ; grep '^ERROR:' "$RUN/$name.ours.err") | head -1 | cut -c1-110)
  if [ ${#problems[@]} = 0 ]; then
    pass=$((pass + 1))
    printf 'PASS   %-26s %5ss  %s\n' "$name" "$ours_secs" "$what"
    printf '         | %s\n' "$why"
    printf '%-26s %-14s %s\n' "$name" "ok, ${ours_secs}s" "$orig" >>"$RUN/report.txt"
  else
    failed+=("$name")
    printf 'FAIL   %-26s %5ss  %s\n' "$name" "$ours_secs" "$what"
    printf '         | %s\n' "${problems[@]}"
    tail -3 "$RUN/$name.ours.err" | sed 's/^/         | /'
    printf '%-26s %-14s %s\n' "$name" "FAIL" "$orig" >>"$RUN/report.txt"
  fi
done < <("$PY" "$HOSTILE/server.py" list)

echo
echo "== the same cases on Debian's original librtmp ($ORIG_LIBRTMP):"
cat "$RUN/report.txt"
echo "original: $(grep -c 'CRASH' "$RUN/report.txt") cases crash it, $(grep -c 'HANG' "$RUN/report.txt") hang it past 30 s, $(grep -c 'memcheck' "$RUN/report.txt") make it touch memory it must not (valgrind), of $((pass + ${#failed[@]})) cases"
echo "$pass passed, ${#failed[@]} failed (ours: $OURS_LIBRTMP)"
[ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
