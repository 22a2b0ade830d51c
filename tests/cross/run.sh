#!/usr/bin/env bash
# tests/cross/run.sh TRIPLE CROSS_PREFIX BUILD_DIR "QEMU..." : the C tests of an ARM build under
# qemu-user. Each differential C test is built twice — for the host against build/ and for ARM
# against BUILD_DIR — and the two must print the same (the host build is itself proven equal to
# Debian's librtmp by make check-c). Then the ARM rtmp-publish and rtmp-play talk to a local
# nginx-rtmp on loopback (two processes under qemu): the tags must come back as they went out.
set -u
TRIPLE=$1 CROSS=$2 B=$3 QEMU=$4
LIB=ours
# The ARM library is the one under test (it runs under qemu; the summary names it).
OURS_DIR=$(cd "$B" && pwd)
# One tally per target: under the script's name (run) the armv7 run would overwrite aarch64's.
SUITE=cross-${TRIPLE%%-*}
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
CC_X=${CROSS}gcc
run_arm() { $QEMU -E LD_LIBRARY_PATH="$REPO/$B" "$@"; }

# host/arm build pair of a C test: compile SRC for both (extra flags after SRC)
pair() {
  local name=$1 src=$2; shift 2
  gcc -O1 -Wall -Iinclude -o "$RUN/$name.host" "$src" "$@" -Lbuild -lrtmp -Wl,-rpath,"$REPO/build" || return 1
  $CC_X -O1 -Wall -Iinclude -o "$RUN/$name.arm" "$src" "$@" -L"$B" -lrtmp || return 1
}
cd "$REPO"

c_symbols() {
  local got want
  got=$(${CROSS}nm -D --defined-only "$B/librtmp.so.1" | awk '{print $3}' | sort)
  want=$(sort librtmp.sym)
  [ "$got" = "$want" ] || { fail "exports differ from librtmp.sym"; diff <(echo "$want") <(echo "$got") | head; return 1; }
  ${CROSS}readelf -d "$B/librtmp.so.1" | grep -q 'SONAME.*librtmp.so.1' || { fail "SONAME"; return 1; }
  ok "$(echo "$got" | wc -l) exports, SONAME librtmp.so.1"
}

c_null_safety() {
  $CC_X -O1 -Wall -Wno-nonnull -Wno-format -Iinclude -o "$RUN/null.arm" tests/c/null_safety.c -L"$B" -lrtmp || { fail "build"; return 1; }
  run_arm "$RUN/null.arm" | tail -1 | tee "$OUT/null.txt"
  grep -q ' 0 failed' "$OUT/null.txt"
}

c_url() {
  pair url tests/c/url_diff.c || { fail "build"; return 1; }
  # Numbers of ten digits or more go through atoi()/strtol() as in the original, so what they
  # become depends on the width of long (64 bits on x86_64 and aarch64, 32 on armv7): inputs
  # holding one are left out. The log (stderr) is compared apart from the results (stdout).
  portable() { awk -F'\t' '$1 !~ /[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]/'; }
  "$RUN/url.host" tests/data/url-parse-vectors.tsv --ours 2>"$OUT/host.err" | portable >"$OUT/host.txt"
  run_arm "$RUN/url.arm" tests/data/url-parse-vectors.tsv --ours 2>"$OUT/arm.err" | portable >"$OUT/arm.txt"
  cmp -s "$OUT/host.err" "$OUT/arm.err" || { fail "url_diff log differs between the host and $TRIPLE"; diff "$OUT/host.err" "$OUT/arm.err" | head; return 1; }
  cmp -s "$OUT/host.txt" "$OUT/arm.txt" || { fail "url_diff output differs between the host and $TRIPLE"; diff "$OUT/host.txt" "$OUT/arm.txt" | head; return 1; }
  ok "url_diff: $(wc -l <"$OUT/arm.txt") lines identical to the host's ($(tail -1 "$OUT/arm.txt"))"
}

c_amf() {
  # The cases the original mishandles are classified on the host (Debian's library is x86 here).
  gcc -O1 -Wall -DAMF_DIFF_CLASSIFY -rdynamic -o "$RUN/amf.classify" tests/c/amf_diff.c -lrtmp -ldl || { fail "build"; return 1; }
  # Debian's library alone, proven: on ours the classifier finds nothing to leave out, and the
  # comparison would pass with the hostile cases never run.
  on_lib orig "$OUT/classify.trace" "$RUN/amf.classify" >"$RUN/unsafe.txt" || { fail "the classifier exited with status $?"; return 1; }
  loaded orig "$OUT/classify.trace" || return 1
  pair amf tests/c/amf_diff.c || { fail "build"; return 1; }
  $CC_X -O1 -Wall -DONLY_SAFE_IMPL -Iinclude -o "$RUN/amf_safe.arm" tests/c/amf_diff.c -L"$B" -lrtmp || { fail "build"; return 1; }
  # The test makes its NaNs with 0.0/0.0, whose sign is the CPU's choice (negative on x86,
  # positive on ARM): lines showing a NaN differ by input, not by library, and are left out.
  "$RUN/amf.host" "$RUN/unsafe.txt" 2>&1 | grep -vi 'nan' >"$OUT/host.txt"
  run_arm "$RUN/amf.arm" "$RUN/unsafe.txt" 2>&1 | grep -vi 'nan' >"$OUT/arm.txt"
  cmp -s "$OUT/host.txt" "$OUT/arm.txt" || { fail "amf_diff output differs between the host and $TRIPLE"; diff "$OUT/host.txt" "$OUT/arm.txt" | head; return 1; }
  run_arm "$RUN/amf_safe.arm" "$RUN/unsafe.txt" >"$OUT/safe.txt" 2>&1 || { fail "ONLY_SAFE_IMPL checks: $(tail -1 "$OUT/safe.txt")"; return 1; }
  ok "amf_diff: $(grep -c '^== ' "$OUT/arm.txt") cases identical to the host's; hostile set: $(tail -1 "$OUT/safe.txt")"
}

c_core() {
  # RTMP_Init's bytes and the rest of core_diff: the same on LP64 ARM as on x86_64.
  [ "$TRIPLE" = aarch64-unknown-linux-gnu ] || { skip "core_diff prints LP64 offsets: compared on aarch64 only, not on $TRIPLE"; return; }
  pair core tests/c/core_diff.c || { fail "build"; return 1; }
  "$RUN/core.host" >"$OUT/host.txt" 2>&1
  run_arm "$RUN/core.arm" >"$OUT/arm.txt" 2>&1
  cmp -s "$OUT/host.txt" "$OUT/arm.txt" || { fail "core_diff differs"; diff "$OUT/host.txt" "$OUT/arm.txt" | head; return 1; }
  ok "core_diff: $(wc -l <"$OUT/arm.txt") lines identical to the host's"
}

c_publish_play() {
  daemon_start player $QEMU -E LD_LIBRARY_PATH="$REPO/$B" "$REPO/$B/rtmp-play" -v --live "$U/live/$CASE" -o "$OUT/live.flv"
  local player=$DAEMON_PID
  "$PY" "$INTEROP_DIR/nettool.py" stat-wait "$STAT_URL" live "$CASE" --players 1 --timeout 30 || { fail "the ARM player did not subscribe"; return 1; }
  run_arm "$REPO/$B/rtmp-publish" --fast "$SMALL" "$U/live/$CASE" || { fail "the ARM publisher failed"; return 1; }
  wait_exit "$player" 30 || { fail "the ARM player did not end"; return 1; }
  flvcmp "$SMALL" "$OUT/live.flv" || { fail "tags differ"; return 1; }
  run_arm "$REPO/$B/rtmp-play" "$U/vod/small.flv" -o "$OUT/vod.flv" || { fail "ARM vod play failed"; return 1; }
  same_file "$OUT/vod.flv" "$SMALL" "the ARM rtmp-play's vod download"
}

MEDIA=$RUN/media
bash tests/media/make-media.sh "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
SMALL=$MEDIA/small.flv
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT

echo "== $TRIPLE under ${QEMU%% *}"
run_case --desc "$TRIPLE: exactly the 116 exports, SONAME" symbols c_symbols
run_case --desc "$TRIPLE: NULL and out-of-range arguments to every export" null-safety c_null_safety
run_case --desc "$TRIPLE: URL vectors and options, same output as the host build" url c_url
run_case --timeout 300 --desc "$TRIPLE: AMF differential cases, same output as the host build; hostile inputs" amf c_amf
run_case --desc "$TRIPLE: RTMP_Init bytes, logging, packets, same output as the host build" core c_core
run_case --timeout 120 --desc "$TRIPLE: rtmp-publish and rtmp-play (two processes under qemu) through nginx-rtmp" publish-play c_publish_play
summary
