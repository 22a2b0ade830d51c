#!/usr/bin/env bash
# The demo: c-examples/rtmp-relay (a small live server on this library's RTMP_Serve; loopback, a
# free port), a sample FLV made with ffmpeg, played live with c-examples/rtmp-play while
# c-examples/rtmp-publish publishes it in real time, and the audio/video tags the player recorded
# compared with the source; then the same file played on demand from the relay's vod directory.
# Everything lives in a temporary directory that is removed at the end; the relay is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=$REPO/build
for b in rtmp-play rtmp-publish rtmp-relay librtmp.so.1; do
  [ -e "$BUILD/$b" ] || { echo "demo: $BUILD/$b is missing: run 'make' first" >&2; exit 1; }
done

RUN=$(mktemp -d "${TMPDIR:-/tmp}/librtmp-rs-demo.XXXXXX")
RELAY_PID=
cleanup() {
  if [ -n "$RELAY_PID" ] && kill -0 "$RELAY_PID" 2>/dev/null; then
    kill -TERM "$RELAY_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$RELAY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$RELAY_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
[ -n "${DEMO_KEEP:-}" ] && trap - EXIT
mkdir -p "$RUN/media"

echo "== making a 6 s sample (H.264 + AAC) with ffmpeg"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 6 \
  -pix_fmt yuv420p -c:v libx264 -threads 1 -preset veryfast -g 25 -b:v 300k -c:a aac -b:a 64k \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 "$RUN/media/sample.flv"

echo "== starting rtmp-relay (c-examples/rtmp-relay.c, a server on this library's RTMP_Serve) on a free port"
"$BUILD/rtmp-relay" -v -p 0 --vod "$RUN/media" 2>"$RUN/relay.log" &
RELAY_PID=$!
for _ in $(seq 100); do
  grep -q "listening on" "$RUN/relay.log" && break
  kill -0 "$RELAY_PID" 2>/dev/null || { cat "$RUN/relay.log"; echo "demo: rtmp-relay did not start" >&2; exit 1; }
  sleep 0.1
done
PORT=$(sed -n 's|.*listening on rtmp://127.0.0.1:\([0-9]*\).*|\1|p' "$RUN/relay.log")
[ -n "$PORT" ] || { cat "$RUN/relay.log"; echo "demo: rtmp-relay did not say where it listens" >&2; exit 1; }
echo "rtmp-relay listens on 127.0.0.1:$PORT"

echo "== rtmp-play waits on the live stream; rtmp-publish publishes it in real time"
"$BUILD/rtmp-play" "rtmp://127.0.0.1:$PORT/live/demo" --live -o "$RUN/live.flv" &
PLAYER=$!
# Publish once the relay has the player subscribed (its log says so), so no tag is missed.
for _ in $(seq 100); do grep -q "live/demo: playing" "$RUN/relay.log" && break; sleep 0.1; done
grep -q "live/demo: playing" "$RUN/relay.log" || { echo "demo: the player did not subscribe" >&2; exit 1; }
"$BUILD/rtmp-publish" -v "$RUN/media/sample.flv" "rtmp://127.0.0.1:$PORT/live/demo"
# The player ends by itself when the relay tells it the publisher left (NetStream.Play.UnpublishNotify).
wait "$PLAYER" || { echo "demo: rtmp-play failed" >&2; exit 1; }

echo "== the tags the live player recorded, against the source"
python3 "$REPO/tests/interop/flvtool.py" cmp "$RUN/media/sample.flv" "$RUN/live.flv"

echo "== playing the file on demand (the relay's vod directory) with rtmp-play"
"$BUILD/rtmp-play" "rtmp://127.0.0.1:$PORT/vod/sample.flv" -o "$RUN/vod.flv"
cmp "$RUN/media/sample.flv" "$RUN/vod.flv" && echo "vod.flv is byte-identical to the source"
echo "demo: OK: published, played live and on demand; the tags match the source"
