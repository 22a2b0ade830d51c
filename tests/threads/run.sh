#!/usr/bin/env bash
# make check-threads: tests/threads/threads.c — 16 threads, each with its own RTMP, 8 playing and
# 8 publishing at once through rtmp-relay, DEBUG logging into one application callback while
# another thread changes the log level — first on the library under test (OURS_DIR, default
# build/; see tests/common.sh; the relay too, from OURS_DIR), proven by ld.so's trace, then with
# the library built from this source tree, Rust's std and the program built with ThreadSanitizer
# (nightly, -Zbuild-std; the runtime is rustc's own, which matches its instrumentation). Any data
# race report fails it.
set -u
# shellcheck source=tests/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
cd "$REPO" || exit 1
N=${THREADS:-16}
T=$(mktemp -d); RELAY=
cleanup() { [ -n "$RELAY" ] && kill "$RELAY" 2>/dev/null && wait "$RELAY" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export PATH=$HOME/.cargo/bin:$PATH
passes=0 fails=0
finish() {
  tally threads "$passes" 0 "$fails"
  [ $fails = 0 ] && echo "check-threads: $N threads, natively and under ThreadSanitizer: clean"
  exit $((fails > 0))
}
# abort MSG: a step the rest depends on failed
abort() { echo "FAIL   $*"; fails=$((fails + 1)); finish; }
# What on_lib ours does, as a command env execs, so that $! is the relay's own PID (it is
# stopped by PID); every process is traced to $T/trace.ours.*.
OURS=(env -u LD_PRELOAD -u LD_LIBRARY_PATH -u LD_DEBUG -u LD_DEBUG_OUTPUT "LD_LIBRARY_PATH=$OURS_DIR"
      LD_DEBUG=libs "LD_DEBUG_OUTPUT=$T/trace.ours")
# make builds the examples in build/ only: a library under test elsewhere needs the relay beside it.
[ -x "$OURS_DIR/rtmp-relay" ] || abort "$OURS_DIR/rtmp-relay does not exist: the examples are built in build/; copy rtmp-relay into $OURS_DIR to test the library there"

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine -t 4 -pix_fmt yuv420p \
  -c:v libx264 -preset ultrafast -g 25 -c:a aac -fflags +bitexact -map_metadata -1 "$T/s.flv" || abort "cannot make the sample"
"${OURS[@]}" "$OURS_DIR/rtmp-relay" -p 0 --timeout 20 2>"$T/relay.log" &
RELAY=$!
for _ in $(seq 200); do grep -q "listening on" "$T/relay.log" && break; kill -0 "$RELAY" 2>/dev/null || break; sleep 0.05; done
PORT=$(sed -n 's|.*listening on rtmp://127.0.0.1:\([0-9]*\).*|\1|p' "$T/relay.log")
[ -n "$PORT" ] || { cat "$T/relay.log"; abort "rtmp-relay did not start within 10 s"; }
URL=rtmp://127.0.0.1:$PORT/live

gcc -O1 -g -Wall -Wextra -Iinclude -pthread -o "$T/threads" tests/threads/threads.c -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" \
  || abort "threads.c does not build against $OURS_DIR"
if timeout 120 "${OURS[@]}" "$T/threads" "$URL" "$T/s.flv" "$N" >"$T/native.out" 2>&1; then
  echo "PASS   native: $(tail -n 1 "$T/native.out")"; passes=$((passes + 1))
else
  echo "FAIL   native (rc $?):"; tail -n 5 "$T/native.out"; fails=$((fails + 1))
fi
if loaded ours "$T/trace.ours"; then echo "PASS   the relay and the native run loaded $OURS_LIBRTMP (ld.so's trace)"; passes=$((passes + 1))
else echo "FAIL   the native run is not proven to have run on $OURS_LIBRTMP"; fails=$((fails + 1)); fi

# The ThreadSanitizer build: target/tsan is kept between runs.
SYSROOT=$(rustc +nightly --print sysroot 2>/dev/null) || abort "no nightly toolchain (scripts/install-deps.sh)"
RT=$SYSROOT/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-nightly_rt.tsan.a
[ -f "$RT" ] || abort "$RT missing"
echo "== building librtmp with ThreadSanitizer (cargo +nightly -Zbuild-std, target/tsan)"
if ! RUSTFLAGS="-Zsanitizer=thread" CFLAGS_x86_64_unknown_linux_gnu="-fsanitize=thread" \
    cargo +nightly build --release --lib -Zbuild-std --target x86_64-unknown-linux-gnu --target-dir target/tsan >"$T/tsan-build.log" 2>&1; then
  tail -n 20 "$T/tsan-build.log"; abort "the ThreadSanitizer build"
fi
gcc -fsanitize=thread -O1 -g -Wall -Iinclude -c -o "$T/threads-tsan.o" tests/threads/threads.c || abort "threads.c does not build with ThreadSanitizer"
gcc -o "$T/threads-tsan" "$T/threads-tsan.o" target/tsan/x86_64-unknown-linux-gnu/release/librtmp.a \
  -Wl,--whole-archive "$RT" -Wl,--no-whole-archive -lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lstdc++ || abort "the ThreadSanitizer program does not link"
TSAN_OPTIONS="halt_on_error=0 exitcode=66" timeout 300 "$T/threads-tsan" "$URL" "$T/s.flv" "$N" >"$T/tsan.out" 2>&1; rc=$?
races=$(grep -c "WARNING: ThreadSanitizer" "$T/tsan.out")
if [ $rc = 0 ] && [ "$races" = 0 ]; then
  echo "PASS   ThreadSanitizer: $(tail -n 1 "$T/tsan.out"); no data race reported"; passes=$((passes + 1))
else
  echo "FAIL   ThreadSanitizer: rc=$rc, $races reports"; grep -A12 -m3 "WARNING: ThreadSanitizer" "$T/tsan.out" | head -40; fails=$((fails + 1))
fi
finish
