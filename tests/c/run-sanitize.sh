#!/usr/bin/env bash
# make check-sanitize: the C tests and the C examples built with AddressSanitizer and
# UndefinedBehaviorSanitizer (leak checking on) against the library under test (OURS_DIR, default
# build/; see tests/common.sh) and run on it alone, proven by ld.so's trace: every
# export with NULL and hostile arguments (null_safety), the core and AMF and URL tests, and the
# three examples together — rtmp-relay serving a live session from rtmp-publish to rtmp-play,
# on demand and over rtmps. Any sanitizer report fails it. (valgrind runs the same programs
# elsewhere: null_safety in check-c, the relay in check-relay, the client in check-hostile.)
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
T=$(mktemp -d); RELAY=
cleanup() { [ -n "$RELAY" ] && kill "$RELAY" 2>/dev/null && wait "$RELAY" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1)
LINK=(-L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR")
# What on_lib ours does, as a command env execs, so that the relay's PID ($!) is the relay's own
# (it is stopped with SIGTERM and its exit code read); every process is traced to $T/trace.ours.*.
OURS=(env -u LD_PRELOAD -u LD_LIBRARY_PATH -u LD_DEBUG -u LD_DEBUG_OUTPUT "LD_LIBRARY_PATH=$OURS_DIR"
      LD_DEBUG=libs "LD_DEBUG_OUTPUT=$T/trace.ours")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
passes=0 fails=0
pass() { echo "PASS   $1"; passes=$((passes + 1)); }
failed() { echo "FAIL   $1"; sed 's/^/         | /' "$2" | grep -E -m12 'ERROR|runtime error|SUMMARY|#[0-9] ' ; fails=$((fails + 1)); }
finish() {
  tally sanitize "$passes" 0 "$fails"
  [ $fails = 0 ] && echo "check-sanitize: no sanitizer reports ($passes passed; ours: $OURS_LIBRTMP)"
  exit $((fails > 0))
}
# abort MSG: a step the rest depends on failed
abort() { echo "FAIL   $*"; fails=$((fails + 1)); finish; }

build() { # NAME SRC [FLAGS...]
  local n=$1 src=$2; shift 2
  gcc "${SAN[@]}" -Wall -Wno-nonnull -Wno-format -Wno-deprecated-declarations -Iinclude "$@" -o "$T/$n" "$src" "${LINK[@]}" 2>"$T/$n.build" \
    || { cat "$T/$n.build"; abort "$n does not build with the sanitizers against $OURS_DIR"; }
}

build null_safety tests/c/null_safety.c
if "${OURS[@]}" "$T/null_safety" >"$T/null_safety.out" 2>&1; then pass "null_safety: NULL and out-of-range arguments to every export"; else failed "null_safety (rc $?)" "$T/null_safety.out"; fi

build core_diff tests/c/core_diff.c
gcc -O1 -g -Wall -Wno-deprecated-declarations -Iinclude -o "$T/core_plain" tests/c/core_diff.c "${LINK[@]}" || abort "core_diff does not build against $OURS_DIR"
"${OURS[@]}" "$T/core_plain" >"$T/core_plain.out" 2>&1
if "${OURS[@]}" "$T/core_diff" >"$T/core_diff.out" 2>&1 && cmp -s "$T/core_plain.out" "$T/core_diff.out"; then
  pass "core_diff: $(wc -l <"$T/core_diff.out") lines, as without the sanitizers"
else failed "core_diff" "$T/core_diff.out"; fi

# AMF: the cases the original mishandles come from a classifier linked with it (see amf_diff.sh),
# run on Debian's library alone and proven: on ours it would find nothing to leave out, and the
# hostile cases would never reach the sanitized ONLY_SAFE_IMPL build.
[ -n "$ORIG_LIBRTMP" ] || abort "Debian's librtmp.so.1 not found (through /usr/bin/rtmpdump): no AMF classifier"
gcc -O1 -Wall -DAMF_DIFF_CLASSIFY -rdynamic -o "$T/amf_classify" tests/c/amf_diff.c -lrtmp -ldl || abort "the AMF classifier does not build against Debian's librtmp"
on_lib orig "$T/trace.classify" "$T/amf_classify" >"$T/unsafe.txt" || abort "the AMF classifier exited with status $?"
loaded orig "$T/trace.classify" || abort "the AMF classifier is not proven to have run on $ORIG_LIBRTMP"
echo "(the classifier on $ORIG_LIBRTMP: $(wc -l <"$T/unsafe.txt") decoder cases left to the ONLY_SAFE_IMPL build)"
build amf_ours tests/c/amf_diff.c
build amf_safe tests/c/amf_diff.c -DONLY_SAFE_IMPL
if "${OURS[@]}" "$T/amf_ours" "$T/unsafe.txt" >"$T/amf_ours.out" 2>"$T/amf_ours.err" && "${OURS[@]}" "$T/amf_safe" "$T/unsafe.txt" >"$T/amf_safe.out" 2>"$T/amf_safe.err"; then
  pass "amf_diff: $(wc -l <"$T/amf_ours.out") AMF cases, and the hostile ones ($(tail -n 1 "$T/amf_safe.out"))"
else failed "amf_diff" <(cat "$T/amf_ours.err" "$T/amf_safe.err" 2>/dev/null); fi

build url_diff tests/c/url_diff.c
if "${OURS[@]}" "$T/url_diff" tests/data/url-parse-vectors.tsv --ours >"$T/url_diff.out" 2>"$T/url_diff.err"; then
  pass "url_diff: $(tail -n 1 "$T/url_diff.out") (URL vectors, options, SetupStream)"
else tail -n 3 "$T/url_diff.out" >>"$T/url_diff.err"; failed "url_diff" "$T/url_diff.err"; fi

# The examples, all three instrumented, talking to each other.
for e in rtmp-relay rtmp-play rtmp-publish; do build "$e" "c-examples/$e.c" -pthread -lcrypto; done
TLS=$T/tls; mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout "$TLS/key.pem" -out "$TLS/cert.pem" \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost" 2>/dev/null
mkdir -p "$T/media"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine -t 3 -pix_fmt yuv420p \
  -c:v libx264 -preset ultrafast -g 25 -c:a aac -fflags +bitexact -map_metadata -1 "$T/media/s.flv" || abort "cannot make the sample"
"${OURS[@]}" "$T/rtmp-relay" -v -p 0 --tls-port 0 --cert "$TLS/cert.pem" --key "$TLS/key.pem" --vod "$T/media" --timeout 10 2>"$T/relay.log" &
RELAY=$!
for _ in $(seq 200); do grep -q "rtmps://" "$T/relay.log" && break; kill -0 "$RELAY" 2>/dev/null || break; sleep 0.05; done
PORT=$(sed -n 's|.*listening on rtmp://127.0.0.1:\([0-9]*\).*|\1|p' "$T/relay.log")
TPORT=$(sed -n 's|.*listening on rtmps://127.0.0.1:\([0-9]*\).*|\1|p' "$T/relay.log")
[ -n "$PORT" ] && [ -n "$TPORT" ] || { cat "$T/relay.log"; abort "the sanitized relay did not start within 10 s"; }
"${OURS[@]}" "$T/rtmp-play" --live --timeout 10 "rtmp://127.0.0.1:$PORT/live/s" -o "$T/live.flv" 2>"$T/play.err" &
PLAYER=$!
for _ in $(seq 200); do grep -q "live/s: playing" "$T/relay.log" 2>/dev/null && break; sleep 0.05; done
grep -q "live/s: playing" "$T/relay.log" || { echo "FAIL   the sanitized rtmp-play was not playing 10 s after it started"; fails=$((fails + 1)); }
"${OURS[@]}" "$T/rtmp-publish" --timeout 10 "$T/media/s.flv" "rtmp://127.0.0.1:$PORT/live/s" 2>"$T/publish.err"; rc_pub=$?
wait "$PLAYER"; rc_play=$?
"${OURS[@]}" "$T/rtmp-play" --timeout 10 "rtmps://localhost:$TPORT/vod/s.flv cafile=$TLS/cert.pem" -o "$T/vod.flv" 2>"$T/vod.err"; rc_vod=$?
kill -TERM "$RELAY"; wait "$RELAY"; rc_relay=$?; RELAY=
if [ $rc_pub = 0 ] && [ $rc_play = 0 ] && [ $rc_vod = 0 ] && cmp -s "$T/vod.flv" "$T/media/s.flv" \
   && python3 tests/interop/flvtool.py cmp "$T/media/s.flv" "$T/live.flv" >"$T/live.cmp"; then
  pass "examples: rtmp-publish -> rtmp-relay -> rtmp-play live (tags equal to the source), rtmps vod byte-identical"
else
  echo "FAIL   examples: publish rc=$rc_pub, live play rc=$rc_play, rtmps vod rc=$rc_vod"; cat "$T/publish.err" "$T/play.err" "$T/vod.err" | head; fails=$((fails + 1))
fi
if [ $rc_relay = 0 ]; then pass "rtmp-relay: stopped cleanly on SIGTERM, no sanitizer report"
else failed "rtmp-relay exited rc=$rc_relay (86: AddressSanitizer, 87: UBSan)" "$T/relay.log"; fi
if loaded ours "$T/trace.ours"; then pass "every sanitized program ran on $OURS_LIBRTMP (ld.so's trace)"
else echo "FAIL   the sanitized programs are not proven to have run on $OURS_LIBRTMP"; fails=$((fails + 1)); fi
finish
