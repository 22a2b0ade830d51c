#!/usr/bin/env bash
# make check-threads: tests/threads/threads.c — 16 threads, each with its own RTMP, 8 playing and
# 8 publishing at once through rtmp-relay, DEBUG logging into one application callback while
# another thread changes the log level — first on build/librtmp.so.1, then with the library,
# Rust's std and the program built with ThreadSanitizer (nightly, -Zbuild-std; the runtime is
# rustc's own, which matches its instrumentation). Any data race report fails it.
set -u
cd "$(dirname "$0")/../.."
REPO=$PWD
N=${THREADS:-16}
T=$(mktemp -d); RELAY=
cleanup() { [ -n "$RELAY" ] && kill "$RELAY" 2>/dev/null && wait "$RELAY" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export PATH=$HOME/.cargo/bin:$PATH
fails=0

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine -t 4 -pix_fmt yuv420p \
  -c:v libx264 -preset ultrafast -g 25 -c:a aac -fflags +bitexact -map_metadata -1 "$T/s.flv" || { echo "FAIL   cannot make the sample"; exit 1; }
build/rtmp-relay -p 0 --timeout 20 2>"$T/relay.log" &
RELAY=$!
for _ in $(seq 200); do grep -q "listening on" "$T/relay.log" && break; kill -0 "$RELAY" 2>/dev/null || break; sleep 0.05; done
PORT=$(sed -n 's|.*listening on rtmp://127.0.0.1:\([0-9]*\).*|\1|p' "$T/relay.log")
[ -n "$PORT" ] || { echo "FAIL   rtmp-relay did not start"; cat "$T/relay.log"; exit 1; }
URL=rtmp://127.0.0.1:$PORT/live

gcc -O1 -g -Wall -Wextra -Iinclude -pthread -o "$T/threads" tests/threads/threads.c -Lbuild -lrtmp -Wl,-rpath,"$REPO/build" || exit 1
if timeout 120 "$T/threads" "$URL" "$T/s.flv" "$N" >"$T/native.out" 2>&1; then
  echo "PASS   native: $(tail -n 1 "$T/native.out")"
else
  echo "FAIL   native:"; tail -n 5 "$T/native.out"; fails=$((fails + 1))
fi

# The ThreadSanitizer build: target/tsan is kept between runs.
SYSROOT=$(rustc +nightly --print sysroot 2>/dev/null) || { echo "FAIL   no nightly toolchain (scripts/install-deps.sh)"; exit 1; }
RT=$SYSROOT/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-nightly_rt.tsan.a
[ -f "$RT" ] || { echo "FAIL   $RT missing"; exit 1; }
echo "== building librtmp with ThreadSanitizer (cargo +nightly -Zbuild-std, target/tsan)"
if ! RUSTFLAGS="-Zsanitizer=thread" CFLAGS_x86_64_unknown_linux_gnu="-fsanitize=thread" \
    cargo +nightly build --release --lib -Zbuild-std --target x86_64-unknown-linux-gnu --target-dir target/tsan >"$T/tsan-build.log" 2>&1; then
  echo "FAIL   the ThreadSanitizer build:"; tail -n 20 "$T/tsan-build.log"; exit 1
fi
gcc -fsanitize=thread -O1 -g -Wall -Iinclude -c -o "$T/threads-tsan.o" tests/threads/threads.c || exit 1
gcc -o "$T/threads-tsan" "$T/threads-tsan.o" target/tsan/x86_64-unknown-linux-gnu/release/librtmp.a \
  -Wl,--whole-archive "$RT" -Wl,--no-whole-archive -lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lstdc++ || exit 1
TSAN_OPTIONS="halt_on_error=0 exitcode=66" timeout 300 "$T/threads-tsan" "$URL" "$T/s.flv" "$N" >"$T/tsan.out" 2>&1; rc=$?
races=$(grep -c "WARNING: ThreadSanitizer" "$T/tsan.out")
if [ $rc = 0 ] && [ "$races" = 0 ]; then
  echo "PASS   ThreadSanitizer: $(tail -n 1 "$T/tsan.out"); no data race reported"
else
  echo "FAIL   ThreadSanitizer: rc=$rc, $races reports"; grep -A12 -m3 "WARNING: ThreadSanitizer" "$T/tsan.out" | head -40; fails=$((fails + 1))
fi
[ $fails = 0 ] && echo "check-threads: $N threads, natively and under ThreadSanitizer: clean"
exit $((fails > 0))
