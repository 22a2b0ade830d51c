#!/usr/bin/env bash
# make check-ertmp: Enhanced RTMP through this library, with peers nobody here wrote:
# node-media-server 4.4.3 (npm; tests/ertmp/nms_run.js logs each connect command object and sends
# ReconnectRequests on cue), FFmpeg 9 built with --enable-librtmp on us (tests/ffmpeg), and Debian
# sid's FFmpeg 9 programs (tests/ertmp/sid-ffmpeg.sh) making the media and decoding what arrived.
# What went where is judged from the bytes: tests/interop/wiretap.py between client and server.
#   FFMPEG_CACHE=DIR  FFmpeg's builds (default target/ffmpeg; check-ffmpeg builds them)
#   ERTMP_CACHE=DIR   the sid programs and node-media-server (default target/ertmp)
LIB=ours
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
# shellcheck source=tests/ffmpeg/source.sh
source "$REPO/tests/ffmpeg/source.sh"
E=${ERTMP_CACHE:-$REPO/target/ertmp}
mkdir -p "$E"
FF=$W/build-shared/ffmpeg
[ -x "$FF" ] || setup_fail "no FFmpeg built on us in $W/build-shared (make check-ffmpeg builds it)"
bash "$REPO/tests/ertmp/sid-ffmpeg.sh" "$E/sid" >"$RUN/logs/sid-ffmpeg.log" 2>&1 || { cat "$RUN/logs/sid-ffmpeg.log"; setup_fail "Debian sid's FFmpeg"; }
FF9=$E/sid/ff9
if ! [ -e "$E/nms/node_modules/node-media-server/package.json" ]; then
  mkdir -p "$E/nms"
  (cd "$E/nms" && npm install --no-package-lock --no-save --no-audit --no-fund node-media-server@4.4.3) \
    >"$RUN/logs/npm.log" 2>&1 || { cat "$RUN/logs/npm.log"; setup_fail "npm install node-media-server"; }
fi
FFX=(-hide_banner -nostdin -y -loglevel error)
PLAY=$REPO/build/rtmp-play

# The media, made by sid's FFmpeg: 6 s at 25 fps, a keyframe each second.
M=$RUN/media
mkdir -p "$M"
mk() { "$FF9" "${FFX[@]}" -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 6 "$@" >>"$RUN/logs/media.log" 2>&1; }
mk -c:v libx265 -x265-params log-level=none:keyint=25 -c:a aac -f flv "$M/hevc-aac.flv" &&
  mk -c:v libsvtav1 -preset 12 -g 25 -svtav1-params verbosity=0 -c:a libopus -f flv "$M/av1-opus.flv" &&
  mk -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 25 -c:a flac -f flv "$M/vp9-flac.flv" &&
  mk -c:v libx265 -x265-params log-level=none:keyint=25 -c:a ac3 -f flv "$M/hevc-ac3.flv" &&
  "$FF9" "${FFX[@]}" -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i testsrc2=size=160x120:rate=25 \
    -f lavfi -i sine=frequency=440 -f lavfi -i sine=frequency=880 -t 6 -map 0:v -map 1:v -map 2:a -map 3:a \
    -c:v:0 libx264 -c:v:1 libx265 -x265-params log-level=none:keyint=25 -g 25 -c:a:0 aac -c:a:1 libopus \
    -f flv "$M/multitrack.flv" >>"$RUN/logs/media.log" 2>&1 || { cat "$RUN/logs/media.log"; setup_fail "making the media"; }

# nms NAME [VAR=VALUE...]: a node-media-server on free ports; sets NMS_PORT
nms() {
  local name=$1; shift
  local p; read -r p hp < <(free_ports 2 | tr '\n' ' ')
  mkdir -p "$OUT/$name"
  daemon_start "nms-$name" env NMS_MODULES="$E/nms/node_modules" NMS_DIR="$OUT/$name" RTMP_PORT="$p" HTTP_PORT="$hp" "$@" \
    node "$REPO/tests/ertmp/nms_run.js"
  wait_port "$p" 20 "node-media-server $name" "$DAEMON_PID" || return 1
  NMS_PORT=$p
}
nms_log() { echo "$RUN/logs/$CASE.nms-$1.log"; }
# tap NAME PORT: a wiretap in front of 127.0.0.1:PORT; sets TAP_PORT, its log in $OUT/NAME.tap
tap() {
  daemon_start "tap-$1" "$PY" "$INTEROP_DIR/wiretap.py" "$OUT/$1.port" "$HOST" "$2" "$OUT/$1.tap"
  wait_file "$OUT/$1.port" 10 "the wiretap $1" || return 1
  TAP_PORT=$(cat "$OUT/$1.port")
  : >>"$OUT/$1.tap"
}
# frames FILE: "STREAM FRAMES" per stream, decoded by sid's FFmpeg (its own decoders)
frames() {
  FFTOOL=ffprobe "$FF9" -v error -count_frames -show_entries stream=index,codec_name,nb_read_frames -of csv=p=0 "$1"
}

# --- the connect command object, as a server received it
c_connect_fields() {
  nms a || return 1
  local u="rtmp://$HOST:$NMS_PORT/live/none"
  with_lib "$CASE" "$PLAY" --timeout 2 "$u" -o "$OUT/none.flv" >"$OUT/plain.log" 2>&1
  with_lib "$CASE" "$PLAY" -v --timeout 2 "$u fourCcList=hvc1,av01,vp09,Opus,fLaC videoFourCcInfoMap=hvc1:3,*:4 audioFourCcInfoMap=Opus:1 capsEx=3" \
    -o "$OUT/none.flv" >"$OUT/enh.log" 2>&1
  check_lib "$CASE" || return 1
  local log; log=$(nms_log a)
  grep CONNECT-CMDOBJ "$log" | sed 's/^/    /'
  "$PY" - "$log" <<'PYEOF' || return 1
import json, sys
objs = [json.loads(l.split('CONNECT-CMDOBJ ', 1)[1]) for l in open(sys.argv[1]) if 'CONNECT-CMDOBJ' in l]
assert len(objs) == 2, f'{len(objs)} connects seen'
plain, enh = objs
extra = {'fourCcList', 'videoFourCcInfoMap', 'audioFourCcInfoMap', 'capsEx'}
assert not extra & set(plain), f'the default connect has E-RTMP fields: {plain}'
want = {'fourCcList': ['hvc1', 'av01', 'vp09', 'Opus', 'fLaC'], 'videoFourCcInfoMap': {'hvc1': 3, '*': 4},
        'audioFourCcInfoMap': {'Opus': 1}, 'capsEx': 3}
got = {k: enh.get(k) for k in want}
assert got == want, f'received {got}'
assert {k: v for k, v in enh.items() if k not in extra} == plain, 'the other fields changed'
PYEOF
  ok "the server received fourCcList (a strict array), both info maps (objects) and capsEx in the connect object; none by default"
  grep -q "the server's Enhanced RTMP: it answered none of the fields we announced" "$OUT/enh.log" ||
    { cat "$OUT/enh.log"; fail "the silent answer was not logged"; return 1; }
  ok "a server that answers none of them is said so at INFO"
}

# --- each codec layout: FFmpeg 9 on us publishes (RTMP_Write) and plays (RTMP_Read) through
# node-media-server; the player joined first, so it gets every track; sid's FFmpeg decodes.
codecs() {
  local layout=$1 src=$M/$1.flv
  nms a || return 1
  tap pub "$NMS_PORT" || return 1
  daemon_start player env LD_LIBRARY_PATH="$REPO/build" "$FF" "${FFX[@]}" -i "rtmp://$HOST:$NMS_PORT/live/s live=1 timeout=3" \
    -map 0 -c copy -f flv "$OUT/got.flv"
  local player=$DAEMON_PID
  sleep_until_connected() { local i; for i in $(seq 200); do grep -q CONNECT-CMDOBJ "$(nms_log a)" && return 0; sleep 0.05; done; return 1; }
  sleep_until_connected || { fail "the player did not connect"; return 1; }
  with_lib "$CASE" timeout 40 "$FF" "${FFX[@]}" -re -i "$src" -map 0 -c copy -f flv "rtmp://$HOST:$TAP_PORT/live/s" ||
    { fail "publishing $layout through RTMP_Write failed"; return 1; }
  check_lib "$CASE" || return 1
  # The reference: what this FFmpeg's FLV muxer makes of the file (it rewrites colorInfo and such).
  LD_LIBRARY_PATH=$REPO/build "$FF" "${FFX[@]}" -i "$src" -map 0 -c copy -f flv "$OUT/ref.flv" || { fail "no reference"; return 1; }
  "$PY" "$REPO/tests/ertmp/witness.py" "$OUT/ref.flv" 1 "$OUT/pub.tap" || { fail "what the publisher sent is not the file's tags"; return 1; }
  wait_exit "$player" 20 || { fail "the player did not end after the publisher"; return 1; }
  [ -s "$OUT/got.flv" ] || { fail "the player recorded nothing"; return 1; }
  local want got; want=$(frames "$src") got=$(frames "$OUT/got.flv")
  echo "decoded from the source:"; echo "$want" | sed 's/^/    /'
  echo "decoded from what RTMP_Read gave:"; echo "$got" | sed 's/^/    /'
  [ "$(echo "$got" | wc -l)" = "$(echo "$want" | wc -l)" ] || { fail "tracks missing"; return 1; }
  "$PY" - "$want" "$got" <<'PYEOF' || return 1
import sys
w = [l.split(',') for l in sys.argv[1].split()]
g = [l.split(',') for l in sys.argv[2].split()]
for a, b in zip(w, g):
    assert a[1] == b[1], f'stream {a[0]}: {a[1]} sent, {b[1]} played'
    # Live: the player may miss the first moments; it must decode nearly all of each track.
    assert int(b[2]) >= int(a[2]) * 0.8, f'stream {a[0]} ({a[1]}): {b[2]} of {a[2]} frames decoded'
PYEOF
  ok "$layout: published byte-exact through RTMP_Write; every track played through RTMP_Read and decoded"
}

# --- ReconnectRequest, publishing: node-media-server A asks the publisher to move after 2 s
reconnect_publish() {
  local form=$1 want_conns=${2:-2}
  nms b || return 1; local b=$NMS_PORT
  tap b "$b" || return 1; local tb=$TAP_PORT
  local tcurl
  case $form in
    absolute) tcurl="rtmp://$HOST:$tb/live" ;;
    scheme-relative) tcurl="//$HOST:$tb/live" ;;
    host-relative) tcurl="/live2" ;;
    absent) tcurl="" ;;
    refused) tcurl="rtmp://$HOST:$(free_ports 1)/live" ;;
  esac
  nms a RECONNECT_AFTER_MS=2000 RECONNECT_ON=publish ${tcurl:+RECONNECT_TCURL=$tcurl} || return 1
  tap a "$NMS_PORT" || return 1
  local url="rtmp://$HOST:$TAP_PORT/live/s capsEx=1"
  [ "$form" = ignored ] && url="rtmp://$HOST:$TAP_PORT/live/s"
  LD_LIBRARY_PATH=$REPO/build "$FF" "${FFX[@]}" -i "$M/hevc-aac.flv" -c copy -f flv "$OUT/ref.flv" || { fail "no reference"; return 1; }
  with_lib "$CASE" timeout 40 "$FF" "${FFX[@]}" -loglevel info -re -i "$M/hevc-aac.flv" -c copy -f flv "$url" >"$OUT/pub.log" 2>&1 || { tail "$OUT/pub.log"; fail "publishing failed"; return 1; }
  check_lib "$CASE" || return 1
  grep -a 'SENDING-RECONNECT' "$(nms_log a)" | head -2 | sed 's/^/    /'
  grep -a -i 'reconnect' "$OUT/pub.log" | head -6 | sed 's/^/    /'
  "$PY" "$REPO/tests/ertmp/witness.py" "$OUT/ref.flv" "$want_conns" "$OUT/a.tap" "$OUT/b.tap" || { fail "the switch lost, doubled or reordered tags"; return 1; }
  case $form in
    # (without Reconnect the publisher never reads the server, as the original: it stays, unaware)
    ignored) ;;
    refused) grep -q 'ReconnectRequest: .* failed (cannot connect' "$OUT/pub.log" || { fail "the failure was not logged"; return 1; } ;;
    *) grep -q "reconnected to" "$OUT/pub.log" || { fail "no 'reconnected to' line"; return 1; } ;;
  esac
  ok "ReconnectRequest ($form): every tag once, in order; the new connection began with the headers and a keyframe"
}

# --- ReconnectRequest, playing: A asks the player to move to B, where the same stream is published
c_reconnect_play() {
  nms b || return 1; local b=$NMS_PORT
  nms a RECONNECT_AFTER_MS=2500 RECONNECT_ON=play RECONNECT_TCURL="rtmp://$HOST:$b/live" || return 1; local a=$NMS_PORT
  daemon_start pub-a "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "rtmp://$HOST:$a/live/s"
  daemon_start pub-b "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "rtmp://$HOST:$b/live/s"
  # Both publishers connected (a player that comes before the first keyframe waits for it).
  local i; for i in $(seq 400); do [ "$(cat "$(nms_log a)" "$(nms_log b)" | grep -c CONNECT-CMDOBJ)" -ge 2 ] && break; sleep 0.05; done
  with_lib "$CASE" "$PLAY" -v --live --timeout 3 "rtmp://$HOST:$a/live/s live=1 capsEx=1" -o "$OUT/got.flv" >"$OUT/play.log" 2>&1
  check_lib "$CASE" || return 1
  grep -a -i 'reconnect' "$OUT/play.log" | head -5 | sed 's/^/    /'
  grep -q 'reconnected to' "$OUT/play.log" || { tail "$OUT/play.log"; fail "the player did not move"; return 1; }
  "$PY" - "$OUT/got.flv" <<'PYEOF' || return 1
import sys
d = open(sys.argv[1], 'rb').read()
assert d[:3] == b'FLV' and d.count(b'FLV\x01') == 1, 'not one FLV header'
i, last, n = 13, {8: -1, 9: -1}, 0
while i + 11 <= len(d):
    t, size = d[i] & 0x1f, int.from_bytes(d[i + 1:i + 4], 'big')
    ts = int.from_bytes(d[i + 4:i + 7], 'big') | d[i + 7] << 24
    if t in last:
        assert ts >= last[t] - 100, f'tag {n}: type {t} goes back from {last[t]} to {ts}'
        last[t] = max(last[t], ts)
    i, n = i + 11 + size + 4, n + 1
assert i == len(d), 'a cut tag'
print(f'one FLV, {n} tags, timestamps never going back (last video {last[9]} ms)')
PYEOF
  local got; got=$(frames "$OUT/got.flv"); echo "$got" | sed 's/^/    /'
  echo "$got" | awk -F, '$3 < 100 {exit 1}' || { fail "too few frames decoded"; return 1; }
  ok "the player moved to B and RTMP_Read's FLV went on: one header, time never going back, decodable"
}

c_codecs_hevc_aac() { codecs hevc-aac; }
c_codecs_av1_opus() { codecs av1-opus; }
c_codecs_vp9_flac() { codecs vp9-flac; }
c_codecs_hevc_ac3() { codecs hevc-ac3; }
c_codecs_multitrack() { codecs multitrack; }
c_reconnect_absolute() { reconnect_publish absolute; }
c_reconnect_scheme_relative() { reconnect_publish scheme-relative; }
c_reconnect_host_relative() { reconnect_publish host-relative 2; }
c_reconnect_absent() { reconnect_publish absent 2; }
c_reconnect_ignored() { reconnect_publish ignored 1; }
c_reconnect_refused() { reconnect_publish refused 1; }

run_case --desc "connect object as node-media-server received it: fourCcList, info maps, capsEx; none by default" connect-fields c_connect_fields
run_case_bg --desc "HEVC + AAC: FFmpeg 9 on us publishes and plays via nms; sid's FFmpeg decodes" codecs-hevc-aac c_codecs_hevc_aac
run_case_bg --desc "AV1 + Opus" codecs-av1-opus c_codecs_av1_opus
wait_cases
run_case_bg --desc "VP9 + FLAC" codecs-vp9-flac c_codecs_vp9_flac
run_case_bg --desc "HEVC + AC-3" codecs-hevc-ac3 c_codecs_hevc_ac3
wait_cases
run_case --desc "multitrack: H.264 + HEVC (track 1), AAC + Opus (track 1)" codecs-multitrack c_codecs_multitrack
run_case_bg --desc "publisher: ReconnectRequest with an absolute tcUrl (to B)" reconnect-absolute c_reconnect_absolute
run_case_bg --desc "publisher: tcUrl //host:port/app (to B)" reconnect-scheme-relative c_reconnect_scheme_relative
wait_cases
run_case_bg --desc "publisher: tcUrl /app (the same server, another app)" reconnect-host-relative c_reconnect_host_relative
run_case_bg --desc "publisher: no tcUrl (the same server again)" reconnect-absent c_reconnect_absent
wait_cases
run_case_bg --desc "publisher without capsEx Reconnect: the request is logged and ignored" reconnect-ignored c_reconnect_ignored
run_case_bg --desc "publisher: the new server refuses; publishing goes on where it was" reconnect-refused c_reconnect_refused
wait_cases
run_case --desc "player: ReconnectRequest to B; RTMP_Read's FLV goes on as one stream" reconnect-play c_reconnect_play
summary
