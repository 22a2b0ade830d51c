#!/usr/bin/env bash
# run.sh [CASE-PREFIX...] (make check-hostile): every case of tests/hostile/server.py against our
# library, and by the same rules against Debian's original.
#
# The client (client.c: connect, play, RTMP_Read to the end, timeout=1) passes a case when: the
# scripted server got its damage onto the wire (its marker); the client's report shows the stage
# the case expects (connect=, stream=, bytes>=, timedout=); a WARNING or ERROR line matches the
# case's pattern (server.py judge); it exited normally (no signal) within the timeout + 2 s; and,
# for ours, valgrind saw no invalid access and no definite leak. Each run proves which
# librtmp.so.1 it loaded.
#
# The original is judged by the same rules, for the report; the cases it always crashes or hangs
# on (server.py list's second column) must fail there, or the suite could not tell them apart.
#
#   HOSTILE_OURS_ONLY=1  only the plain runs on the library under test (no valgrind, no original):
#                        the negative control (tests/negative/run.sh) runs it on a useless library
# shellcheck source=tests/hostile/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TMO=1
LIMIT=$((TMO + 2))
SEL=("$@")
OURS_ONLY=${HOSTILE_OURS_ONLY:-0}

hostile_prereqs hostile
gcc -O1 -g -Wall -I"$REPO/include" -o "$RUN/client" "$HOSTILE/client.c" -L"$OURS_DIR" -lrtmp || exit 2

# run_client NAME TAG LIB [valgrind...]: one client run against a fresh server; sets RC SECS and
# leaves $RUN/NAME.TAG.{out,err,sent} and the library proof in LIBOK (empty, or why not)
run_client() {
  local name=$1 tag=$2 lib=$3 port t0 portfile=$RUN/port.$1.$2; shift 3
  daemon_start "srv-$name-$tag" "$PY" "$HOSTILE/server.py" "$name" "$portfile"
  if ! wait_file "$portfile" 10 "hostile server $name" >/dev/null; then RC=-1 SECS=0 LIBOK="the server did not start"; return; fi
  port=$(cat "$portfile")
  t0=$(now_us)
  # (in a subshell: the original's crashes are findings, not noise from this shell)
  # (the client publishes to a stream named "publish": the pub-* cases)
  local path=stream; [[ $name == pub-* ]] && path=publish
  (on_lib "$lib" "$RUN/ld.$name.$tag" timeout -s KILL 30 "$@" "$RUN/client" "rtmp://127.0.0.1:$port/app/$path timeout=$TMO" \
    >"$RUN/$name.$tag.out" 2>"$RUN/$name.$tag.err") 2>/dev/null
  RC=$?
  SECS=$(secs_since "$t0")
  daemon_stop "srv-$name-$tag"
  mv -f "$portfile.sent" "$RUN/$name.$tag.sent" 2>/dev/null
  LIBOK=$(loaded "$lib" "$RUN/ld.$name.$tag")
}

# verdict NAME TAG KILLED_AT: the problems with one run by the case's rules, one per line (none: a pass)
verdict() {
  local name=$1 tag=$2
  [ -n "$LIBOK" ] && echo "$LIBOK"
  [ "$RC" = 0 ] || echo "$(outcome "$RC" "$3" "$SECS")"
  [ $((10#$(echo "$SECS" | tr -d .))) -le $((LIMIT * 100)) ] || echo "took ${SECS}s (limit ${LIMIT}s)"
  "$PY" "$HOSTILE/server.py" judge "$name" "$RUN/$name.$tag.out" "$RUN/$name.$tag.err" "$RUN/$name.$tag.sent"
}

pass=0 failed=() orig_failed=0 orig_must=()
printf '%-26s %-14s %s\n' case ours 'original, by the same rules' >"$RUN/report.txt"
while IFS=$'\t' read -r name orig_known what; do
  selected "$name" || continue
  run_client "$name" ours ours
  ours_secs=$SECS
  mapfile -t problems < <(verdict "$name" ours 30)
  if [ "$OURS_ONLY" != 1 ]; then
    run_client "$name" vg ours valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    if [ "$RC" = 99 ]; then problems+=("valgrind: $(grep -m1 -E '==[0-9]+== (Invalid|Conditional|.*definitely lost)' "$RUN/$name.vg.err")")
    elif [ "$RC" != 0 ]; then problems+=("under valgrind: $(outcome "$RC" 30 "$SECS")"); fi
    [ -n "$LIBOK" ] && problems+=("under valgrind: $LIBOK")
    run_client "$name" orig orig
    mapfile -t oproblems < <(verdict "$name" orig 30)
    if [ ${#oproblems[@]} = 0 ]; then orig="ok, ${SECS}s"
    else
      orig_failed=$((orig_failed + 1)) orig="FAIL: ${oproblems[0]}"
      # Failing the log rule alone: what the original said instead.
      [[ ${oproblems[0]} == "no WARNING or ERROR line"* ]] && orig="FAIL: its log: $(grep -m1 -E '^(ERROR|WARNING):' "$RUN/$name.orig.err" | cut -c1-80)"
    fi
    if [ "$orig_known" != - ] && [ ${#oproblems[@]} = 0 ]; then orig_must+=("$name: the original, which always ${orig_known/%h/he}s on it, passed"); fi
    # What memcheck finds in the original on the same input (reported, not asserted).
    run_client "$name" origvg orig valgrind --leak-check=no
    errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$RUN/$name.origvg.err" | tail -1)
    case $RC in 0) [ "${errs:-0}" != 0 ] && orig="$orig; memcheck: $errs errors" ;; *) orig="$orig; under valgrind: $(outcome "$RC" 30 "$SECS")" ;; esac
  fi
  # The line that named the problem.
  pattern=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import server; print(server.CASES[sys.argv[2]]["log"])' "$HOSTILE" "$name")
  why=$(grep -E '^(ERROR|WARNING):' "$RUN/$name.ours.err" | grep -m1 -E -- "$pattern" | cut -c1-110)
  if [ ${#problems[@]} = 0 ]; then
    pass=$((pass + 1))
    printf 'PASS   %-26s %5ss  %s\n' "$name" "$ours_secs" "$what"
    printf '         | %s\n' "$(cat "$RUN/$name.ours.out")" "$why"
    [ "$OURS_ONLY" = 1 ] || printf '%-26s %-14s %s\n' "$name" "ok, ${ours_secs}s" "$orig" >>"$RUN/report.txt"
  else
    failed+=("$name")
    printf 'FAIL   %-26s %5ss  %s\n' "$name" "$ours_secs" "$what"
    printf '         | %s\n' "${problems[@]}" "report: $(cat "$RUN/$name.ours.out" 2>/dev/null)"
    tail -3 "$RUN/$name.ours.err" | sed 's/^/         | /'
    [ "$OURS_ONLY" = 1 ] || printf '%-26s %-14s %s\n' "$name" "FAIL" "$orig" >>"$RUN/report.txt"
  fi
done < <("$PY" "$HOSTILE/server.py" list)

if [ "$OURS_ONLY" != 1 ]; then
  echo
  echo "== the same cases on Debian's original librtmp ($ORIG_LIBRTMP), judged by the same rules:"
  cat "$RUN/report.txt"
  n=$((pass + ${#failed[@]}))
  echo "original: fails $orig_failed of $n cases; $(grep -c 'CRASH' "$RUN/report.txt") crash it, $(grep -c 'HANG' "$RUN/report.txt") hang it past 30 s, $(grep -c 'memcheck' "$RUN/report.txt") make it touch memory it must not (valgrind)"
  for m in "${orig_must[@]}"; do failed+=("control:${m%%:*}"); echo "FAIL   control: $m: the case cannot tell a broken library from a sound one"; done
fi
# A list that broke (a Python error) must not pass as an empty suite.
if [ ${#SEL[@]} = 0 ] && [ $((pass + ${#failed[@]})) -lt 56 ]; then failed+=("count"); echo "FAIL   only $((pass + ${#failed[@]})) server cases ran, 56 expected"; fi
echo "$pass passed, ${#failed[@]} failed (ours: $OURS_LIBRTMP)"
tally hostile-servers "$pass" 0 "${#failed[@]}"
[ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
