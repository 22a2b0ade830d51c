#!/usr/bin/env bash
# serve.sh [CASE-PREFIX...] (make check-hostile): every case of tests/hostile/client.py against a
# server on our library (serve.c: RTMP_Serve and rtmpsrv's read loop, timeout=1) and, for the
# report, on Debian's original.
#
# On ours the server must: exit normally (no signal, no abort), never spend more than the timeout
# + 1 s in one library call, leave a WARNING or ERROR line naming the problem, and run clean under
# valgrind (no invalid access, no definite leak). The original's outcome is only reported
# (HOSTILE_ORIG_MEMCHECK=1 runs it under valgrind too, and reports what memcheck finds).
# shellcheck source=tests/hostile/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TMO=1
LIMIT=$((TMO + 1))
SEL=("$@")

hostile_prereqs hostile-serve
gcc -O1 -g -Wall -I"$REPO/include" -o "$RUN/serve" "$HOSTILE/serve.c" -L"$REPO/build" -lrtmp || exit 2

# run_server NAME TAG LIB KILL_AFTER [valgrind...]: the server takes one client.py run; writes
# the server's exit status to $RUN/NAME.TAG.rc and leaves its output in $RUN/NAME.TAG.{out,err}
run_server() {
  local name=$1 tag=$2 lib=$3 kill_after=$4 pid portfile=$RUN/port.$1.$2; shift 4
  local env=(env -u LD_LIBRARY_PATH -u LD_PRELOAD)
  [ "$lib" = ours ] && env+=("LD_LIBRARY_PATH=$REPO/build")
  # (in a subshell: the original's crashes are findings, not noise from this shell)
  (exec timeout -s KILL "$kill_after" "${env[@]}" "$@" "$RUN/serve" "$portfile" >"$RUN/$name.$tag.out" 2>"$RUN/$name.$tag.err") 2>/dev/null &
  pid=$!
  if wait_file "$portfile" 20 "hostile-serve $name" >/dev/null; then
    timeout 30 "$PY" "$HOSTILE/client.py" "$name" "$(cat "$portfile")" >"$RUN/$name.$tag.client" 2>&1
  fi
  wait "$pid" 2>/dev/null
  echo $? >"$RUN/$name.$tag.rc"
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }

# start NAME: the runs of one case, in the background (each has its own server and client):
# ours, ours under valgrind, and the original; the original under valgrind too when
# HOSTILE_ORIG_MEMCHECK=1.
start() {
  run_server "$1" ours ours 30 &
  run_server "$1" vg ours 60 valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite &
  run_server "$1" orig orig 5 &
  if [ "${HOSTILE_ORIG_MEMCHECK:-0}" = 1 ]; then run_server "$1" origvg orig 12 valgrind --leak-check=no & fi
}

# judge NAME WHAT: the verdict on ours, and the original's line of the report, from the runs' files
judge() {
  local name=$1 what=$2 RC longest secs orig errs why problems=()
  RC=$(cat "$RUN/$name.ours.rc")
  [ "$RC" = 0 ] || problems+=("$(outcome "$RC" 30)")
  longest=$(field longest_call "$RUN/$name.ours.out")
  secs=$(field seconds "$RUN/$name.ours.out")
  if [ -z "$longest" ]; then problems+=("no report from the server")
  elif [ $((10#${longest/./})) -gt $((LIMIT * 100)) ]; then problems+=("one call took ${longest}s (limit ${LIMIT}s)"); fi
  grep -q '^\(ERROR\|WARNING\):' "$RUN/$name.ours.err" || problems+=("no WARNING or ERROR line in the log")
  RC=$(cat "$RUN/$name.vg.rc")
  if [ "$RC" = 99 ]; then problems+=("valgrind: $(grep -m1 -E '==[0-9]+== (Invalid|Conditional|.*definitely lost)' "$RUN/$name.vg.err")")
  elif [ "$RC" != 0 ]; then problems+=("under valgrind: $(outcome "$RC" 60)"); fi
  # The original, for the report: how it ended, and what memcheck found in it if asked.
  RC=$(cat "$RUN/$name.orig.rc")
  orig=$(outcome "$RC" 5)
  [ "$RC" = 0 ] && orig="ok, longest call $(field longest_call "$RUN/$name.orig.out")s"
  if [ -f "$RUN/$name.origvg.rc" ]; then
    RC=$(cat "$RUN/$name.origvg.rc")
    errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$RUN/$name.origvg.err" | tail -1)
    case $RC in 0) [ "${errs:-0}" != 0 ] && orig="$orig; memcheck: $errs errors" ;; *) orig="$orig; under valgrind: $(outcome "$RC" 12)" ;; esac
  fi
  why=$( (grep '^\(ERROR\|WARNING\):' "$RUN/$name.ours.err" | grep -v 'no data within'; grep '^ERROR:' "$RUN/$name.ours.err") | head -1 | cut -c1-110)
  if [ ${#problems[@]} = 0 ]; then
    pass=$((pass + 1))
    printf 'PASS   %-24s %5ss  %s\n' "$name" "$secs" "$what"
    printf '         | %s\n' "$why"
    printf '%-24s %-20s %s\n' "$name" "ok, longest ${longest}s" "$orig" >>"$RUN/serve-report.txt"
  else
    failed+=("$name")
    printf 'FAIL   %-24s %5ss  %s\n' "$name" "${secs:-?}" "$what"
    printf '         | %s\n' "${problems[@]}"
    tail -3 "$RUN/$name.ours.err" | sed 's/^/         | /'
    printf '%-24s %-20s %s\n' "$name" "FAIL" "$orig" >>"$RUN/serve-report.txt"
  fi
}

pass=0 failed=()
printf '%-24s %-20s %s\n' case ours original >"$RUN/serve-report.txt"
names=() whats=()
while IFS=$'\t' read -r name what; do
  selected "$name" && names+=("$name") whats+=("$what")
done < <("$PY" "$HOSTILE/client.py" list)
# Two cases at a time: the runs spend most of their time waiting for a timeout, not computing.
for ((i = 0; i < ${#names[@]}; i += 2)); do
  start "${names[i]}"
  [ $((i + 1)) -lt ${#names[@]} ] && start "${names[i + 1]}"
  wait
  judge "${names[i]}" "${whats[i]}"
  [ $((i + 1)) -lt ${#names[@]} ] && judge "${names[i + 1]}" "${whats[i + 1]}"
done

echo
echo "== the same clients against a server on Debian's original librtmp ($ORIG_LIBRTMP):"
cat "$RUN/serve-report.txt"
echo "original: $(grep -c 'CRASH' "$RUN/serve-report.txt") cases crash it, $(grep -c 'HANG' "$RUN/serve-report.txt") hang it, $(grep -c 'memcheck' "$RUN/serve-report.txt") make it touch memory it must not (valgrind), of $((pass + ${#failed[@]})) cases"
echo "$pass passed, ${#failed[@]} failed (ours: $OURS_LIBRTMP)"
[ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
