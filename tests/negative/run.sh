#!/usr/bin/env bash
# run.sh (make check-negative): the negative control. The suites run on a librtmp.so.1 that does
# nothing (tests/negative/useless.py: it never connects, never serves, decodes nothing, only logs
# an ERROR line per call and returns librtmp's failure values, without crashing or hanging) and
# must fail, case by case: a case that passes on it tests nothing. The suites' own runs on
# Debian's original must also fail the cases that always crash or hang it (the hostile suites
# check that themselves).
#
# What a useless library may pass, and why, is listed beside each suite: only checks of what it
# shares with ours by construction (the headers, the exported names).
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
U=$REPO/build/useless
LOGS=$REPO/target/negative
mkdir -p "$LOGS"
bash "$REPO/tests/negative/build.sh" "$U" || { echo "FAIL   setup: cannot build the useless library"; exit 1; }
# The examples find librtmp.so.1 beside them ($ORIGIN): copies of ours run on the useless one.
for e in rtmp-play rtmp-publish rtmp-relay; do cp -f "$REPO/build/$e" "$U/" 2>/dev/null; done
# The useless library is the one under test; nothing it does goes into make check's tally.
export OURS_DIR=$U LIB=ours HOSTILE_OURS_ONLY=1
RESULTS=${CHECK_RESULTS:-}
unset CHECK_RESULTS

bad=0 rows=()
# cases SUITE ALLOWED LOG: the per-case verdicts of a suite's log: every case must fail but those
# in ALLOWED (a space-separated list, with the reason in the row)
cases() {
  local suite=$1 allowed=$2 log=$3 n passed failed p unexpected=()
  passed=$(grep -cE '^PASS +' "$log")
  failed=$(grep -cE '^FAIL +' "$log")
  n=$((passed + failed))
  for p in $(sed -n 's/^PASS \+\([^ ]*\).*/\1/p' "$log"); do
    [[ " $allowed " == *" $p "* ]] || unexpected+=("$p")
  done
  if [ "$n" = 0 ]; then
    rows+=("$(printf '%-20s %s' "$suite" "no case ran (see $log)")"); bad=1
  elif [ ${#unexpected[@]} -gt 0 ]; then
    rows+=("$(printf '%-20s %s' "$suite" "FAIL: the useless library passed ${unexpected[*]} ($log)")"); bad=1
  else
    rows+=("$(printf '%-20s %s' "$suite" "ok: it fails $failed of $n cases${allowed:+ (passes only $allowed: see below)}")")
  fi
}
# whole SUITE LOG CMD...: a suite without per-case verdicts must exit non-zero
whole() {
  local suite=$1 log=$2; shift 2
  if "$@" >"$log" 2>&1; then rows+=("$(printf '%-20s %s' "$suite" "FAIL: the useless library passes it ($log)")"); bad=1
  else rows+=("$(printf '%-20s %s' "$suite" "ok: it fails ($(grep -m1 -E 'FAIL' "$log" | cut -c1-100))")"); fi
}

echo "== negative control: the suites on $U/librtmp.so.1 (logs in $LOGS)"
bash "$REPO/tests/hostile/run.sh" >"$LOGS/hostile-servers.log" 2>&1
cases hostile-servers "" "$LOGS/hostile-servers.log"
bash "$REPO/tests/hostile/serve.sh" >"$LOGS/hostile-clients.log" 2>&1
cases hostile-clients "" "$LOGS/hostile-clients.log"
# `ref` is the original's own download, the reference the other cases compare with.
bash "$REPO/tests/interop/play-publish.sh" ref vod-rtmpdump vod-python vod-curl vod-gst live-rtmpdump live-python pub-curl pub-gst \
  packets seek resume rtmps-rtmpdump rtmpt-rtmpdump socks-rtmpdump close-thread swf-hash rtmpe >"$LOGS/play-publish.log" 2>&1
cases play-publish "ref" "$LOGS/play-publish.log"
# The relay (the server side) cannot start on it: no TLS context, no handshake.
whole relay "$LOGS/relay.log" bash "$REPO/tests/interop/relay.sh"
for t in core_diff; do whole "${t//_/-}" "$LOGS/$t.log" bash "$REPO/tests/c/run-diff.sh" "tests/c/$t.c"; done
whole amf-diff "$LOGS/amf-diff.log" bash "$REPO/tests/c/amf_diff.sh"
whole url-diff "$LOGS/url-diff.log" bash "$REPO/tests/c/url_diff.sh"
whole null-safety "$LOGS/null-safety.log" bash "$REPO/tests/c/run-null-safety.sh"
whole copyreloc "$LOGS/copyreloc.log" bash "$REPO/tests/c/run-copyreloc.sh"
whole interrupt "$LOGS/interrupt.log" bash "$REPO/tests/c/run-interrupt.sh"
# rtmpdump's tools compile against our headers and link against any library with the 116 names:
# only the download can tell.
bash "$REPO/tests/compat/rtmpdump-tools.sh" >"$LOGS/source-compat.log" 2>&1
cases source-compat "compile link" "$LOGS/source-compat.log"

printf '%s\n' "${rows[@]}"
echo "(source-compat: the tools' compiling against our headers and linking against the 116 names is"
echo " what a library with the same headers and exports shares; check-symbols likewise passes on it.)"
n_ok=$(printf '%s\n' "${rows[@]}" | grep -c ' ok: ')
CHECK_RESULTS=$RESULTS tally negative "$n_ok" 0 $((${#rows[@]} - n_ok))
if [ $bad = 0 ]; then echo "negative control: every suite fails the useless library"; else echo "negative control: FAILED"; exit 1; fi
