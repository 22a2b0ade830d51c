#!/usr/bin/env bash
# serve.sh [CASE-PREFIX...] (make check-hostile): every case of tests/hostile/client.py against a
# server on our library (serve.c: RTMP_Serve and rtmpsrv's read loop, timeout=1), and by the same
# rules against one on Debian's original.
#
# A case passes when: the scripted client got its damage onto the wire (its marker); the server's
# report shows what the case expects (serve=, packets>=, commands>=, undecodable>=, timedout=); a
# WARNING or ERROR line matches the case's pattern (client.py judge); the server exited normally
# (no signal) and spent no more than the timeout + 1 s in any library call; and, for ours,
# valgrind saw no invalid access and no definite leak. Each run proves which librtmp.so.1 it loaded.
#
# The original is judged by the same rules, for the report (HOSTILE_ORIG_MEMCHECK=1 also runs it
# under valgrind); the cases it always crashes or hangs on must fail there.
#
#   HOSTILE_OURS_ONLY=1  only the plain runs on the library under test (the negative control)
# shellcheck source=tests/hostile/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TMO=1
LIMIT=$((TMO + 1))
SEL=("$@")
OURS_ONLY=${HOSTILE_OURS_ONLY:-0}

hostile_prereqs hostile-serve
gcc -O1 -g -Wall -I"$REPO/include" -o "$RUN/serve" "$HOSTILE/serve.c" -L"$OURS_DIR" -lrtmp || exit 2

# run_server NAME TAG LIB KILL_AFTER [valgrind...]: the server takes one client.py run; leaves the
# server's exit status in $RUN/NAME.TAG.rc, its output in $RUN/NAME.TAG.{out,err}, the client's
# marker in $RUN/NAME.TAG.sent and the library proof (empty, or why not) in $RUN/NAME.TAG.lib
run_server() {
  local name=$1 tag=$2 lib=$3 kill_after=$4 pid portfile=$RUN/port.$1.$2; shift 4
  # (in a subshell: the original's crashes are findings, not noise from this shell)
  (on_lib "$lib" "$RUN/ld.$name.$tag" timeout -s KILL "$kill_after" "$@" "$RUN/serve" "$portfile" \
    >"$RUN/$name.$tag.out" 2>"$RUN/$name.$tag.err") 2>/dev/null &
  pid=$!
  if wait_file "$portfile" 20 "hostile-serve $name" >/dev/null; then
    timeout 30 "$PY" "$HOSTILE/client.py" "$name" "$(cat "$portfile")" "$RUN/$name.$tag.sent" >"$RUN/$name.$tag.client" 2>&1
  fi
  wait "$pid" 2>/dev/null
  echo $? >"$RUN/$name.$tag.rc"
  loaded "$lib" "$RUN/ld.$name.$tag" >"$RUN/$name.$tag.lib"
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }

# start NAME: the runs of one case, in the background (each has its own server and client):
# ours, ours under valgrind, and the original; the original under valgrind too when
# HOSTILE_ORIG_MEMCHECK=1.
start() {
  run_server "$1" ours ours 30 &
  [ "$OURS_ONLY" = 1 ] && return
  run_server "$1" vg ours 60 valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite &
  run_server "$1" orig orig 5 &
  if [ "${HOSTILE_ORIG_MEMCHECK:-0}" = 1 ]; then run_server "$1" origvg orig 12 valgrind --leak-check=no & fi
}

# verdict NAME TAG KILLED_AT: the problems with one run by the case's rules, one per line
verdict() {
  local name=$1 tag=$2 rc longest
  cat "$RUN/$name.$tag.lib"
  rc=$(cat "$RUN/$name.$tag.rc")
  [ "$rc" = 0 ] || echo "$(outcome "$rc" "$3")"
  longest=$(field longest_call "$RUN/$name.$tag.out")
  if [ -n "$longest" ] && [ $((10#${longest/./})) -gt $((LIMIT * 100)) ]; then echo "one call took ${longest}s (limit ${LIMIT}s)"; fi
  "$PY" "$HOSTILE/client.py" judge "$name" "$RUN/$name.$tag.out" "$RUN/$name.$tag.err" "$RUN/$name.$tag.sent"
}

# judge NAME ORIG_KNOWN WHAT: the verdict on ours, and the original's line of the report
judge() {
  local name=$1 orig_known=$2 what=$3 RC secs orig errs why pattern problems oproblems
  mapfile -t problems < <(verdict "$name" ours 30)
  secs=$(field seconds "$RUN/$name.ours.out")
  if [ "$OURS_ONLY" != 1 ]; then
    RC=$(cat "$RUN/$name.vg.rc")
    if [ "$RC" = 99 ]; then problems+=("valgrind: $(grep -m1 -E '==[0-9]+== (Invalid|Conditional|.*definitely lost)' "$RUN/$name.vg.err")")
    elif [ "$RC" != 0 ]; then problems+=("under valgrind: $(outcome "$RC" 60)"); fi
    [ -s "$RUN/$name.vg.lib" ] && problems+=("under valgrind: $(cat "$RUN/$name.vg.lib")")
    # The original by the same rules, for the report; what memcheck found in it if asked.
    mapfile -t oproblems < <(verdict "$name" orig 5)
    if [ ${#oproblems[@]} = 0 ]; then orig="ok, longest call $(field longest_call "$RUN/$name.orig.out")s"
    else
      orig_failed=$((orig_failed + 1)) orig="FAIL: ${oproblems[0]}"
      [[ ${oproblems[0]} == "no WARNING or ERROR line"* ]] && orig="FAIL: its log: $(grep -m1 -E '^(ERROR|WARNING):' "$RUN/$name.orig.err" | cut -c1-80)"
    fi
    if [ "$orig_known" != - ] && [ ${#oproblems[@]} = 0 ]; then orig_must+=("$name: the original, which always ${orig_known/%h/he}s on it, passed"); fi
    if [ -f "$RUN/$name.origvg.rc" ]; then
      RC=$(cat "$RUN/$name.origvg.rc")
      errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$RUN/$name.origvg.err" | tail -1)
      case $RC in 0) [ "${errs:-0}" != 0 ] && orig="$orig; memcheck: $errs errors" ;; *) orig="$orig; under valgrind: $(outcome "$RC" 12)" ;; esac
    fi
  fi
  pattern=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import client; print(client.CASES[sys.argv[2]]["log"])' "$HOSTILE" "$name")
  why=$(grep -E '^(ERROR|WARNING):' "$RUN/$name.ours.err" | grep -m1 -E -- "$pattern" | cut -c1-110)
  if [ ${#problems[@]} = 0 ]; then
    pass=$((pass + 1))
    printf 'PASS   %-24s %5ss  %s\n' "$name" "$secs" "$what"
    printf '         | %s\n' "$(cat "$RUN/$name.ours.out")" "$why"
    [ "$OURS_ONLY" = 1 ] || printf '%-24s %-20s %s\n' "$name" "ok, longest $(field longest_call "$RUN/$name.ours.out")s" "$orig" >>"$RUN/serve-report.txt"
  else
    failed+=("$name")
    printf 'FAIL   %-24s %5ss  %s\n' "$name" "${secs:-?}" "$what"
    printf '         | %s\n' "${problems[@]}" "report: $(cat "$RUN/$name.ours.out" 2>/dev/null)"
    tail -3 "$RUN/$name.ours.err" | sed 's/^/         | /'
    [ "$OURS_ONLY" = 1 ] || printf '%-24s %-20s %s\n' "$name" "FAIL" "$orig" >>"$RUN/serve-report.txt"
  fi
}

pass=0 failed=() orig_failed=0 orig_must=()
printf '%-24s %-20s %s\n' case ours 'original, by the same rules' >"$RUN/serve-report.txt"
names=() knowns=() whats=()
while IFS=$'\t' read -r name orig_known what; do
  selected "$name" && names+=("$name") knowns+=("$orig_known") whats+=("$what")
done < <("$PY" "$HOSTILE/client.py" list)
# Two cases at a time: the runs spend most of their time waiting for a timeout, not computing.
for ((i = 0; i < ${#names[@]}; i += 2)); do
  start "${names[i]}"
  [ $((i + 1)) -lt ${#names[@]} ] && start "${names[i + 1]}"
  wait
  judge "${names[i]}" "${knowns[i]}" "${whats[i]}"
  [ $((i + 1)) -lt ${#names[@]} ] && judge "${names[i + 1]}" "${knowns[i + 1]}" "${whats[i + 1]}"
done

if [ "$OURS_ONLY" != 1 ]; then
  echo
  echo "== the same clients against a server on Debian's original librtmp ($ORIG_LIBRTMP), judged by the same rules:"
  cat "$RUN/serve-report.txt"
  echo "original: fails $orig_failed of $((pass + ${#failed[@]})) cases; $(grep -c 'CRASH' "$RUN/serve-report.txt") crash it, $(grep -c 'HANG' "$RUN/serve-report.txt") hang it, $(grep -c 'memcheck' "$RUN/serve-report.txt") make it touch memory it must not (valgrind)"
  for m in "${orig_must[@]}"; do failed+=("control:${m%%:*}"); echo "FAIL   control: $m: the case cannot tell a broken library from a sound one"; done
fi
# A list that broke (a Python error) must not pass as an empty suite.
if [ ${#SEL[@]} = 0 ] && [ $((pass + ${#failed[@]})) -lt 67 ]; then failed+=("count"); echo "FAIL   only $((pass + ${#failed[@]})) client cases ran, 67 expected"; fi
echo "$pass passed, ${#failed[@]} failed (ours: $OURS_LIBRTMP)"
tally hostile-clients "$pass" 0 "${#failed[@]}"
[ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
