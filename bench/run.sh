#!/usr/bin/env bash
# run.sh (make bench): our build/librtmp.so.1 against Debian's original librtmp.so.1 on the same
# work, side by side in one run, printed as ratios (ours / original).
#
# The C programs in bench/ are built once against our headers (the ABI is the same) and run twice
# per measurement: with LD_LIBRARY_PATH=build (ours) and without (Debian's, found by the dynamic
# linker); every run prints the library it actually loaded and the report refuses a mix-up.
# One nginx-rtmp on loopback serves both. Inputs are synthetic FLVs of fixed content (mkflv.py).
#
#   BENCH_REPS=5        repetitions of the throughput runs (medians are reported)
#   BENCH_SIZE_S=80     seconds of 25 Mbit/s video in the big file (80 s = 252 MB)
#   BENCH_CONC="100 1000"  session counts of the concurrency runs; BENCH_CONC_S=10 their length
#   BENCH_CALLGRIND=0   skip the instruction counts (the slowest part)
#   BENCH_OUT=DIR       where the raw log and the report go (default target/bench)
# shellcheck source=tests/interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/interop/lib.sh"

REPS=${BENCH_REPS:-5}
SIZE_S=${BENCH_SIZE_S:-80}
CONC=${BENCH_CONC:-100 1000}
CONC_S=${BENCH_CONC_S:-10}
OUT=${BENCH_OUT:-$REPO/target/bench}
mkdir -p "$OUT/bin" "$OUT/media" "$OUT/callgrind" || exit 1
RAW=$OUT/raw.log
: >"$RAW"
: >"$OUT/profile.txt"

die() { echo "bench: $*" >&2; exit 1; }
for tool in nginx gcc valgrind callgrind_annotate "$PY"; do
  command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done
[ -n "$ORIG_LIBRTMP" ] || die "Debian's librtmp.so.1 not found (ldd /usr/bin/rtmpdump; scripts/install-deps.sh)"
[ -f "$OURS_LIBRTMP" ] || die "$OURS_LIBRTMP is not built (make)"
# 1,000 sessions need 1,000 sockets in this process and in nginx.
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" -ge 2100 ] || echo "bench: note: only $(ulimit -n) file descriptors: large concurrency runs may fail"

# ------------------------------------------------------------------ machine facts
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -srm)"
  echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) x $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "original: $ORIG_LIBRTMP ($(dpkg-query -W -f '${Package} ${Version}' librtmp1 2>/dev/null))"
  echo "ours: $OURS_LIBRTMP ($(git -C "$REPO" describe --always --dirty 2>/dev/null))"
  echo "server: $(nginx -v 2>&1) + libnginx-mod-rtmp $(dpkg-query -W -f '${Version}' libnginx-mod-rtmp 2>/dev/null)"
  echo "valgrind: $(valgrind --version)"
} | tee "$OUT/machine.txt"

# ------------------------------------------------------------------ programs and inputs
CFLAGS=(-O2 -Wall -Wextra -I"$REPO/include")
LIBS=(-L"$REPO/build" -lrtmp)
for p in pub play tcp; do
  gcc "${CFLAGS[@]}" -o "$OUT/bin/bench-$p" "$REPO/bench/bench_$p.c" "${LIBS[@]}" -pthread -ldl || die "cannot build bench-$p"
done
MEDIA=$OUT/media
mk() { # mk NAME SECONDS KBPS: cached by the generator's hash and its arguments
  local f=$MEDIA/$1 key
  key=$(cat "$REPO/bench/mkflv.py" <(echo "$2 $3") | sha256sum | cut -c1-16)
  [ -s "$f" ] && [ "$(cat "$f.key" 2>/dev/null)" = "$key" ] && return 0
  "$PY" "$REPO/bench/mkflv.py" "$f" "$2" "$3" && echo "$key" >"$f.key" || die "mkflv.py $1 failed"
}
mk big.flv "$SIZE_S" 25000
mk cg-small.flv 2 25000     # the two callgrind sizes: the difference gives instructions per MB
mk cg-large.flv 12 25000
mk live.flv 30 880          # ~1 Mbit/s with the audio
BIG_BYTES=$(stat -c %s "$MEDIA/big.flv")
echo "inputs: big.flv $BIG_BYTES bytes; cg-small.flv $(stat -c %s "$MEDIA/cg-small.flv"); cg-large.flv $(stat -c %s "$MEDIA/cg-large.flv"); live.flv $(stat -c %s "$MEDIA/live.flv")" | tee -a "$OUT/machine.txt"
cat "$MEDIA"/*.flv >/dev/null   # into the page cache

NGINX_WORKER_CONNECTIONS=4096 nginx_start bench "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; die "nginx did not start"; }
URL=rtmp://$HOST:$RTMP_PORT
echo "server: nginx pid $NGX_PID on $URL"

# lib_env orig|ours: the environment that selects the library
lib_env() {
  if [ "$1" = ours ]; then echo "LD_LIBRARY_PATH=$REPO/build"; else echo "BENCH_LIB=orig"; fi
}
# run_one LABEL LIB CMD...: runs CMD with LIB, appends "label=LABEL which=LIB <its line>" to the raw log
run_one() {
  local label=$1 which=$2 line rc; shift 2
  line=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$(lib_env "$which")" timeout -s KILL 600 "$@" 2>>"$RUN/logs/$label.$which.err")
  rc=$?
  # A player that ran but lost sessions still reports (the report shows how many played).
  if [ $rc != 0 ] && [[ $line != *" ok="* ]]; then
    echo "bench: $label ($which) failed with rc $rc:"; tail -3 "$RUN/logs/$label.$which.err"
    echo "label=$label which=$which failed=1" >>"$RAW"; return 1
  fi
  [ $rc = 0 ] || echo "bench: $label ($which): not every session played (rc $rc)"
  echo "label=$label which=$which $line" >>"$RAW"
}

# ------------------------------------------------------------------ throughput, CPU, connect, RSS
echo "== throughput: $REPS repetitions (publish at 128- and 4096-byte chunks, play, plain TCP)"
for rep in $(seq "$REPS"); do
  # Alternate which library goes first, so neither always meets a warmer machine.
  if [ $((rep % 2)) = 1 ]; then order="orig ours"; else order="ours orig"; fi
  for which in $order; do
    # A play takes a third of a second and is bound by nginx's pace: three per repetition
    # steady its median.
    for _ in 1 2 3; do run_one play "$which" "$OUT/bin/bench-play" "$URL/vod/big.flv"; done
    run_one pub128 "$which" "$OUT/bin/bench-pub" "$URL/live/b128-$which-$rep" "$MEDIA/big.flv" -c 128
    run_one pub4096 "$which" "$OUT/bin/bench-pub" "$URL/live/b4096-$which-$rep" "$MEDIA/big.flv" -c 4096
    run_one pubdefault "$which" "$OUT/bin/bench-pub" "$URL/live/bdef-$which-$rep" "$MEDIA/big.flv"
  done
  run_one tcp none "$OUT/bin/bench-tcp" "$MEDIA/big.flv" 65536
  echo "  repetition $rep done"
done

# ------------------------------------------------------------------ instructions (callgrind)
echo "== instructions per MB (valgrind callgrind, user space)"
ir() { sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$1" | head -1; }
cg() { # cg LABEL LIB SIZE CMD...
  local label=$1 which=$2 size=$3 f; shift 3
  f=$OUT/callgrind/$label.$which.$size.out
  env -u LD_LIBRARY_PATH "$(lib_env "$which")" timeout -s KILL 900 valgrind --tool=callgrind --callgrind-out-file="$f" "$@" \
    >"$RUN/logs/cg.$label.$which.$size.out" 2>"$RUN/logs/cg.$label.$which.$size.err" \
    || { echo "bench: callgrind $label $which $size failed"; tail -3 "$RUN/logs/cg.$label.$which.$size.err"; return 1; }
  echo "label=cg_$label which=$which size=$size bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$RUN/logs/cg.$label.$which.$size.out") Ir=$(ir "$f")" >>"$RAW"
}
[ "${BENCH_CALLGRIND:-1}" = 0 ] || for which in orig ours; do
  for size in small large; do
    cg play "$which" $size "$OUT/bin/bench-play" "$URL/vod/cg-$size.flv"
    cg pub128 "$which" $size "$OUT/bin/bench-pub" "$URL/live/cg128-$which-$size" "$MEDIA/cg-$size.flv" -c 128
    cg pub4096 "$which" $size "$OUT/bin/bench-pub" "$URL/live/cg4096-$which-$size" "$MEDIA/cg-$size.flv" -c 4096
  done
done
[ "${BENCH_CALLGRIND:-1}" = 0 ] || for size in small large; do   # the receiving process of a plain TCP transfer
  f=$OUT/callgrind/tcp.none.$size.out
  valgrind --tool=callgrind --callgrind-out-file="$f.%p" "$OUT/bin/bench-tcp" "$MEDIA/cg-$size.flv" >"$RUN/logs/cg.tcp.$size.out" 2>&1 &
  vpid=$!; wait $vpid
  mv -f "$f.$vpid" "$f"; rm -f "$f".*
  echo "label=cg_tcp which=none size=$size bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$RUN/logs/cg.tcp.$size.out") Ir=$(ir "$f")" >>"$RAW"
done
[ "${BENCH_CALLGRIND:-1}" = 0 ] || for which in orig ours; do
  echo "-- where the instructions go: play, $which (cg-large)" >>"$OUT/profile.txt"
  callgrind_annotate --inclusive=no "$OUT/callgrind/play.$which.large.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 2,9p >>"$OUT/profile.txt"
  echo "-- where the instructions go: publish at 128, $which (cg-large)" >>"$OUT/profile.txt"
  callgrind_annotate --inclusive=no "$OUT/callgrind/pub128.$which.large.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 2,9p >>"$OUT/profile.txt"
done

# ------------------------------------------------------------------ concurrency
echo "== concurrency: sessions as threads in one process (started 2 ms apart), each playing a ~1 Mbit/s live stream for ${CONC_S} s"
daemon_start livepub env -u LD_LIBRARY_PATH "$OUT/bin/bench-pub" "$URL/live/conc" "$MEDIA/live.flv" -r
LIVEPUB=$DAEMON_PID
# The stream exists once a probe session reads from it.
deadline=$((SECONDS + 15))
until env -u LD_LIBRARY_PATH "$OUT/bin/bench-play" "$URL/live/conc" -l -t 1 >/dev/null 2>&1; do
  alive "$LIVEPUB" || die "the live publisher died: $(tail -3 "$RUN/logs/livepub.log")"
  [ $SECONDS -lt $deadline ] || die "no live stream after 15 s"
done
for n in $CONC; do
  for which in orig ours; do
    run_one "conc$n" "$which" "$OUT/bin/bench-play" "$URL/live/conc" -l -w -s 2 -n "$n" -t "$CONC_S" || true
  done
done
daemon_stop livepub
nginx_stop bench

# ------------------------------------------------------------------ report
"$PY" "$REPO/bench/report.py" "$RAW" "$ORIG_LIBRTMP" "$OURS_LIBRTMP" "$CONC_S" | tee "$OUT/report.txt"
rc=${PIPESTATUS[0]}
echo
cat "$OUT/profile.txt"
echo "raw measurements: $RAW; report: $OUT/report.txt; machine: $OUT/machine.txt"
exit "$rc"
