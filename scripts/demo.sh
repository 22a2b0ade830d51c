#!/usr/bin/env bash
# The demo: a local nginx-rtmp (Debian's nginx + libnginx-mod-rtmp, private config, loopback, a free
# port), a sample FLV made with ffmpeg, played live with c-examples/rtmp-play while
# c-examples/rtmp-publish publishes it in real time, and the audio/video tags the player recorded
# compared with the source; then the same file played on demand from nginx.
# Everything lives in a temporary directory that is removed at the end; nginx is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=$REPO/build
for b in rtmp-play rtmp-publish librtmp.so.1; do
  [ -e "$BUILD/$b" ] || { echo "demo: $BUILD/$b is missing: run 'make' first" >&2; exit 1; }
done

RUN=$(mktemp -d "${TMPDIR:-/tmp}/librtmp-rs-demo.XXXXXX")
NGINX_PID=
cleanup() {
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
[ -n "${DEMO_KEEP:-}" ] && trap - EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$RUN/logs" "$RUN/media"
# nginx's worker runs as an unprivileged user when started by root: let it read the media.
chmod 0755 "$RUN" "$RUN/media"

echo "== making a 6 s sample (H.264 + AAC) with ffmpeg"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 6 \
  -pix_fmt yuv420p -c:v libx264 -threads 1 -preset veryfast -g 25 -b:v 300k -c:a aac -b:a 64k \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 "$RUN/media/sample.flv"

cat > "$RUN/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
daemon off;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log info;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:$PORT;
    chunk_size 4096;
    out_queue 8192;
    publish_notify on;
    application live {
      live on;
      allow publish 127.0.0.1;
      deny publish all;
    }
    application vod { play $RUN/media; }
  }
}
CONF
echo "== starting nginx-rtmp on 127.0.0.1:$PORT"
nginx -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 100); do
  python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$PORT)))" && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$RUN/logs/error.log"; echo "demo: nginx did not start" >&2; exit 1; }
  sleep 0.1
done

echo "== rtmp-play waits on the live stream; rtmp-publish publishes it in real time"
"$BUILD/rtmp-play" "rtmp://127.0.0.1:$PORT/live/demo" --live -o "$RUN/live.flv" &
PLAYER=$!
# Publish once nginx has the player subscribed (its log says so), so no tag is missed.
for _ in $(seq 100); do grep -q "play: name='demo'" "$RUN/logs/error.log" && break; sleep 0.1; done
grep -q "play: name='demo'" "$RUN/logs/error.log" || { echo "demo: the player did not subscribe" >&2; exit 1; }
"$BUILD/rtmp-publish" -v "$RUN/media/sample.flv" "rtmp://127.0.0.1:$PORT/live/demo"
# The player ends by itself when nginx tells it the publisher left (NetStream.Play.UnpublishNotify).
wait "$PLAYER" || { echo "demo: rtmp-play failed" >&2; exit 1; }

echo "== the tags the live player recorded, against the source"
python3 "$REPO/tests/interop/flvtool.py" cmp "$RUN/media/sample.flv" "$RUN/live.flv"

echo "== playing the file on demand (nginx vod) with rtmp-play"
"$BUILD/rtmp-play" "rtmp://127.0.0.1:$PORT/vod/sample.flv" -o "$RUN/vod.flv"
cmp "$RUN/media/sample.flv" "$RUN/vod.flv" && echo "vod.flv is byte-identical to the source"
echo "demo: OK: published, played live and on demand; the tags match the source"
