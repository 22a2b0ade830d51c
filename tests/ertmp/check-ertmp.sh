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
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  setup_fail "node-media-server 4.4.3 needs Node.js 20 or later; this is $(node --version 2>&1)"
if ! [ -e "$E/nms/node_modules/node-media-server/package.json" ]; then
  mkdir -p "$E/nms"
  (cd "$E/nms" && npm install --no-package-lock --no-save --no-audit --no-fund node-media-server@4.4.3) \
    >"$RUN/logs/npm.log" 2>&1 || { cat "$RUN/logs/npm.log"; setup_fail "npm install node-media-server"; }
fi
FFX=(-hide_banner -nostdin -y -loglevel error)
PLAY=$OURS_DIR/rtmp-play

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
# relay NAME [ARGS...]: c-examples/rtmp-relay on our library; sets RELAY_PORT and RELAY_PID
relay() {
  local name=$1; shift
  local p; p=$(free_ports 1)
  daemon_start "relay-$name" "$OURS_DIR/rtmp-relay" -v -p "$p" --timeout 5 "$@"
  RELAY_PID=$DAEMON_PID
  wait_port "$p" 20 "rtmp-relay $name" "$RELAY_PID" || return 1
  RELAY_PORT=$p
}
relay_log() { echo "$RUN/logs/$CASE.relay-$1.log"; }
daemon_log() { echo "$RUN/logs/$CASE.$1.log"; }
# wait_log FILE PATTERN [N]: until FILE has N (1) lines matching PATTERN, at most 10 s (a second
# or two is what it takes here)
wait_log() {
  local i; for i in $(seq 200); do [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0; sleep 0.05; done
  fail "waited 10 s for '$2' in ${1##*/}"; return 1
}
# media_past TAPLOG N: until the wiretap has seen N video messages (at most 10 s)
media_past() {
  local i; for i in $(seq 200); do [ "$(grep -c '"type": 9,' "$1" 2>/dev/null)" -ge "$2" ] && return 0; sleep 0.05; done
  fail "waited 10 s for $2 video messages"; return 1
}
# one_flv FILE: one FLV header, whole tags, each type's timestamps never going back
one_flv() {
  "$PY" - "$1" <<'PYEOF'
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
}
# decodes_clean FILE WHAT: sid's FFmpeg decodes every stream of FILE without one error line
decodes_clean() {
  "$FF9" -v error -i "$1" -map 0 -f null - >"$OUT/decode.log" 2>&1
  [ ! -s "$OUT/decode.log" ] || { head -5 "$OUT/decode.log"; fail "$2 reported errors"; return 1; }
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
  # The same through rtmp-play's flags (RTMP_SetOpt)
  with_lib "$CASE" "$PLAY" --timeout 2 --fourcc-list hvc1,av01,vp09,Opus,fLaC --video-fourcc-map 'hvc1:3,*:4' \
    --opt audioFourCcInfoMap=Opus:1 --caps-ex 3 "$u" -o "$OUT/none.flv" >"$OUT/flags.log" 2>&1
  check_lib "$CASE" || return 1
  local log; log=$(nms_log a)
  grep CONNECT-CMDOBJ "$log" | sed 's/^/    /'
  "$PY" - "$log" <<'PYEOF' || return 1
import json, sys
objs = [json.loads(l.split('CONNECT-CMDOBJ ', 1)[1]) for l in open(sys.argv[1]) if 'CONNECT-CMDOBJ' in l]
assert len(objs) == 3, f'{len(objs)} connects seen'
plain, enh, flags = objs
assert flags == enh, f'rtmp-play flags gave {flags}, the URL {enh}'
extra = {'fourCcList', 'videoFourCcInfoMap', 'audioFourCcInfoMap', 'capsEx'}
assert not extra & set(plain), f'the default connect has E-RTMP fields: {plain}'
want = {'fourCcList': ['hvc1', 'av01', 'vp09', 'Opus', 'fLaC'], 'videoFourCcInfoMap': {'hvc1': 3, '*': 4},
        'audioFourCcInfoMap': {'Opus': 1}, 'capsEx': 3}
got = {k: enh.get(k) for k in want}
assert got == want, f'received {got}'
assert {k: v for k, v in enh.items() if k not in extra} == plain, 'the other fields changed'
PYEOF
  ok "the server received fourCcList (a strict array), both info maps (objects) and capsEx in the connect object (from the URL and from rtmp-play's flags); none by default"
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
  daemon_start player env LD_LIBRARY_PATH="$OURS_DIR" "$FF" "${FFX[@]}" -i "rtmp://$HOST:$NMS_PORT/live/s live=1 timeout=3" \
    -map 0 -c copy -f flv "$OUT/got.flv"
  local player=$DAEMON_PID
  sleep_until_connected() { local i; for i in $(seq 200); do grep -q CONNECT-CMDOBJ "$(nms_log a)" && return 0; sleep 0.05; done; return 1; }
  sleep_until_connected || { fail "the player did not connect"; return 1; }
  with_lib "$CASE" timeout 40 "$FF" "${FFX[@]}" -re -i "$src" -map 0 -c copy -f flv "rtmp://$HOST:$TAP_PORT/live/s" ||
    { fail "publishing $layout through RTMP_Write failed"; return 1; }
  check_lib "$CASE" || return 1
  # The reference: what this FFmpeg's FLV muxer makes of the file (it rewrites colorInfo and such).
  LD_LIBRARY_PATH=$OURS_DIR "$FF" "${FFX[@]}" -i "$src" -map 0 -c copy -f flv "$OUT/ref.flv" || { fail "no reference"; return 1; }
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
  LD_LIBRARY_PATH=$OURS_DIR "$FF" "${FFX[@]}" -i "$M/hevc-aac.flv" -c copy -f flv "$OUT/ref.flv" || { fail "no reference"; return 1; }
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

# --- ReconnectRequest, playing: A asks the player to move (to B, or to another app of A, or to A
# again), where the same stream is published
reconnect_play() {
  local form=$1
  nms b || return 1; local b=$NMS_PORT
  local tcurl
  case $form in
    absolute) tcurl="rtmp://$HOST:$b/live" ;;
    scheme-relative) tcurl="//$HOST:$b/live" ;;
    host-relative) tcurl="/live2" ;;
    absent) tcurl="" ;;
  esac
  # (once: a player sent back to A would otherwise be asked again at each play, for ever)
  nms a RECONNECT_AFTER_MS=2500 RECONNECT_ON=play RECONNECT_TIMES=1 ${tcurl:+RECONNECT_TCURL=$tcurl} || return 1; local a=$NMS_PORT
  local other="rtmp://$HOST:$b/live/s"
  [ "$form" = host-relative ] && other="rtmp://$HOST:$a/live2/s"
  daemon_start pub-a "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "rtmp://$HOST:$a/live/s"
  daemon_start pub-b "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "$other"
  # Both publishers connected (a player that comes before the first keyframe waits for it).
  local i; for i in $(seq 400); do [ "$(cat "$(nms_log a)" "$(nms_log b)" | grep -c CONNECT-CMDOBJ)" -ge 2 ] && break; sleep 0.05; done
  with_lib "$CASE" "$PLAY" -v --live --timeout 3 "rtmp://$HOST:$a/live/s live=1 capsEx=1" -o "$OUT/got.flv" >"$OUT/play.log" 2>&1
  check_lib "$CASE" || return 1
  grep -a -i 'reconnect' "$OUT/play.log" | head -4 | sed 's/^/    /'
  grep -q 'reconnected to' "$OUT/play.log" || { tail "$OUT/play.log"; fail "the player did not move"; return 1; }
  echo "    node-media-server A asked $(grep -c 'SENDING-RECONNECT' "$(nms_log a)") time(s)"
  one_flv "$OUT/got.flv" || return 1
  local got; got=$(frames "$OUT/got.flv"); echo "$got" | sed 's/^/    /'
  echo "$got" | awk -F, '$3 < 100 {exit 1}' || { fail "too few frames decoded"; return 1; }
  # Seamless: node-media-server starts the new connection at its cached keyframe, on the same
  # timeline (both servers carry the same file from the same moment); what repeats is dropped, and
  # the decoder goes on across the switch without one error.
  decodes_clean "$OUT/got.flv" "decoding across the switch" || return 1
  ok "the player moved ($form) and RTMP_Read's FLV went on: one header, time never going back, decoded without an error"
}

# --- rtmp-relay: a player joining mid-stream gets every track it announced, each from a keyframe
ALL_CODECS="fourCcList=avc1,hvc1,av01,vp09,mp4a,Opus,fLaC,ac-3,ec-3 capsEx=2"
relay_late() {
  local layout=$1 src=$M/$1.flv
  relay a || return 1
  tap pub "$RELAY_PORT" || return 1
  daemon_start pub env LD_LIBRARY_PATH="$OURS_DIR" "$FF" "${FFX[@]}" -re -i "$src" -map 0 -c copy -f flv "rtmp://$HOST:$TAP_PORT/live/s"
  local pub=$DAEMON_PID
  # Past the second keyframe (frame 25 of each video track): the player joins mid-GOP, and the
  # relay starts it at that keyframe, not at the first.
  local vtracks; vtracks=$("$PY" "$REPO/tests/ertmp/tracks.py" "$src" | grep -c '^video')
  media_past "$OUT/pub.tap" $((37 * vtracks)) || return 1
  with_lib "$CASE" timeout 30 "$FF" "${FFX[@]}" -i "rtmp://$HOST:$RELAY_PORT/live/s live=1 timeout=3 $ALL_CODECS" \
    -map 0 -c copy -f flv "$OUT/got.flv" || { fail "the late player failed"; return 1; }
  check_lib "$CASE" || return 1
  wait_exit "$pub" 20 || { fail "the publisher did not end"; return 1; }
  local want got; want=$("$PY" "$REPO/tests/ertmp/tracks.py" "$src") got=$("$PY" "$REPO/tests/ertmp/tracks.py" "$OUT/got.flv")
  echo "the source's tracks:"; echo "$want" | sed 's/^/    /'
  echo "what the late player recorded:"; echo "$got" | sed 's/^/    /'
  echo "decoded by sid's FFmpeg:"; frames "$OUT/got.flv" | sed 's/^/    /'
  "$PY" - "$want" "$got" <<'PYEOF' || return 1
import sys
want = {l.split()[0] + ' ' + l.split()[1]: int(l.split()[2]) for l in sys.argv[1].splitlines()}
got = {l.split()[0] + ' ' + l.split()[1]: l.split()[2:] for l in sys.argv[2].splitlines()}
assert set(got) == set(want), f'tracks {sorted(want)} sent, {sorted(got)} received'
for k, n in want.items():
    c, start = int(got[k][0]), got[k][1:]
    assert c < n, f'{k}: {c} of {n}: the player did not join mid-stream'
    assert c >= n * 0.3, f'{k}: only {c} of {n}'
    if k.startswith('video'):
        assert start == ['starts-key'], f'{k}: its first frame is not a keyframe'
PYEOF
  # Decodable from its first frame: the sequence headers came first (an HEVC, AV1 or VP9 decoder
  # without them fails on every frame), each video track began at a keyframe.
  decodes_clean "$OUT/got.flv" "decoding what the late player got" || return 1
  ok "$layout: a player joining mid-stream got every track, each video track from a keyframe, decoded without an error"
}

# --- rtmp-relay sends each player what it announced: legacy tags to all, enhanced codecs to those
# that named them (our client's fourCcList, FFmpeg 9's own -rtmp_enhanced_codecs), multitrack
# messages to those with capsEx Multitrack.
# gated SOURCE NAME:COMMAND... : each player joins before the publisher; prints its tracks
gated_players() {
  local src=$1; shift
  relay a || return 1
  local spec name pids=()
  for spec in "$@"; do
    name=${spec%%:*}
    case ${spec#*:} in
      ours\ *) daemon_start "$name" env LD_LIBRARY_PATH="$OURS_DIR" "$FF" "${FFX[@]}" \
                 -i "rtmp://$HOST:$RELAY_PORT/live/s live=1 timeout=3 ${spec#*:ours }" -map 0 -c copy -f flv "$OUT/$name.flv" ;;
      ff9\ *) eval "local extra=(${spec#*:ff9 })"
              daemon_start "$name" "$FF9" "${FFX[@]}" -rw_timeout 3000000 "${extra[@]}" \
                 -i "rtmp://$HOST:$RELAY_PORT/live/s" -map 0 -c copy -f flv "$OUT/$name.flv" ;;
    esac
    pids+=("$DAEMON_PID")
  done
  wait_log "$(relay_log a)" ': playing' "$#" || return 1
  with_lib "$CASE" timeout 30 "$FF" "${FFX[@]}" -re -i "$src" -map 0 -c copy -f flv "rtmp://$HOST:$RELAY_PORT/live/s" ||
    { fail "publishing failed"; return 1; }
  local p; for p in "${pids[@]}"; do wait_exit "$p" 20 || { fail "a player did not end"; return 1; }; done
  for spec in "$@"; do
    name=${spec%%:*}
    echo "$name (${spec#*:}):"
    "$PY" "$REPO/tests/ertmp/tracks.py" "$OUT/$name.flv" | tee "$OUT/$name.tracks" | sed 's/^/    /'
  done
}
# has NAME LINE...: the player's tracks are exactly these ("video hvc1/0", "audio legacy10/0")
has() {
  local name=$1; shift
  local want got; want=$(printf '%s\n' "$@" | sort) got=$(cut -d' ' -f1,2 "$OUT/$name.tracks" | sort)
  [ "$want" = "$got" ] || { fail "$name got [$(echo $got)], expected [$(echo $want)]"; return 1; }
}
c_relay_gating() {
  gated_players "$M/hevc-aac.flv" plain:"ours " named:"ours fourCcList=hvc1" \
    ff9plain:"ff9 " ff9named:"ff9 -rtmp_enhanced_codecs hvc1" || return 1
  has plain "audio legacy10/0" && has ff9plain "audio legacy10/0" &&
    has named "video hvc1/0" "audio legacy10/0" && has ff9named "video hvc1/0" "audio legacy10/0" || return 1
  ok "HEVC went only to the players that named hvc1 (ours and FFmpeg 9's own client); AAC to all four"
}
c_relay_gating_multitrack() {
  gated_players "$M/multitrack.flv" nocaps:"ours fourCcList=hvc1,Opus" mt:"ours fourCcList=hvc1,Opus capsEx=2" \
    mtvideo:"ours videoFourCcInfoMap=hvc1:1 capsEx=2" || return 1
  has nocaps "video legacy7/0" "audio legacy10/0" &&
    has mt "video legacy7/0" "video hvc1/1" "audio legacy10/0" "audio Opus/1" &&
    has mtvideo "video legacy7/0" "video hvc1/1" "audio legacy10/0" || return 1
  ok "multitrack: track 1 only with capsEx Multitrack, and of it only the codecs named (list or info map)"
}

# --- rtmp-relay asks its clients to move (--drain-to, SIGUSR1): publishers and players follow
c_relay_drain_publish() {
  relay b || return 1
  tap b "$RELAY_PORT" || return 1; local tb=$TAP_PORT
  relay a --drain-to "rtmp://$HOST:$tb/live" || return 1; local a=$RELAY_PID
  tap a "$RELAY_PORT" || return 1
  # This time the publisher is our rtmp-publish (its --caps-ex flag), sending the file's tags as they are.
  daemon_start pub "$OURS_DIR/rtmp-publish" -v --caps-ex 1 "$M/hevc-aac.flv" "rtmp://$HOST:$TAP_PORT/live/s"
  local pub=$DAEMON_PID
  media_past "$OUT/a.tap" 40 || return 1
  kill -USR1 "$a"
  wait_exit "$pub" 30 || { fail "the publisher did not end"; return 1; }
  grep -a 'asking' "$(relay_log a)" | sed 's/^/    /'
  grep -a 'reconnect' "$(daemon_log pub)" | sed 's/^/    /'
  "$PY" "$REPO/tests/ertmp/witness.py" "$M/hevc-aac.flv" 2 "$OUT/a.tap" "$OUT/b.tap" || { fail "the switch lost, doubled or reordered tags"; return 1; }
  ok "drained, rtmp-publish moved from relay A to B at a keyframe: every tag once, in order"
}
c_relay_drain_same() {
  relay a --drain-to "" || return 1; local a=$RELAY_PID
  tap a "$RELAY_PORT" || return 1
  daemon_start player "$FF9" "${FFX[@]}" -rw_timeout 5000000 -rtmp_enhanced_codecs hvc1 -i "rtmp://$HOST:$RELAY_PORT/live/s" -map 0 -c copy -f flv "$OUT/got.flv"
  local player=$DAEMON_PID
  wait_log "$(relay_log a)" ': playing' || return 1
  LD_LIBRARY_PATH=$OURS_DIR "$FF" "${FFX[@]}" -i "$M/hevc-aac.flv" -c copy -f flv "$OUT/ref.flv" || { fail "no reference"; return 1; }
  daemon_start pub env LD_LIBRARY_PATH="$OURS_DIR" "$FF" "${FFX[@]}" -loglevel info -re -i "$M/hevc-aac.flv" -c copy -f flv \
    "rtmp://$HOST:$TAP_PORT/live/s capsEx=1"
  local pub=$DAEMON_PID
  media_past "$OUT/a.tap" 40 || return 1
  kill -USR1 "$a"
  wait_exit "$pub" 30 || { fail "the publisher did not end"; return 1; }
  wait_exit "$player" 20 || { fail "the player did not end"; return 1; }
  "$PY" "$REPO/tests/ertmp/witness.py" "$OUT/ref.flv" 2 "$OUT/a.tap" || { fail "the switch lost, doubled or reordered tags"; return 1; }
  local want got; want=$(frames "$OUT/ref.flv") got=$(frames "$OUT/got.flv")
  echo "the player (FFmpeg 9's own client) decoded:"; echo "$got" | sed 's/^/    /'
  [ "$got" = "$want" ] || { echo "the source: $want"; fail "the player missed frames across the publisher's return"; return 1; }
  ok "drained to itself, the publisher came back; a player that stayed decoded every frame of both tracks"
}
c_relay_drain_play() {
  relay b || return 1; local b=$RELAY_PORT
  relay a --drain-to "rtmp://$HOST:$b/live" || return 1; local a=$RELAY_PID ap=$RELAY_PORT
  daemon_start pub-a "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "rtmp://$HOST:$ap/live/s"
  daemon_start pub-b "$FF9" "${FFX[@]}" -re -stream_loop 1 -i "$M/hevc-aac.flv" -c copy -f flv "rtmp://$HOST:$b/live/s"
  wait_log "$(relay_log a)" ': publishing' && wait_log "$(relay_log b)" ': publishing' || return 1
  daemon_start player env LD_LIBRARY_PATH="$OURS_DIR" "$PLAY" -v --live --timeout 3 \
    "rtmp://$HOST:$ap/live/s live=1 capsEx=1 fourCcList=hvc1" -o "$OUT/got.flv"
  local player=$DAEMON_PID
  wait_log "$(relay_log a)" ': playing' && wait_file "$OUT/got.flv" 10 "the player's first bytes" || return 1
  kill -USR1 "$a"
  wait_exit "$player" 30 || { fail "the player did not end"; return 1; }
  grep -a -i 'reconnect' "$(daemon_log player)" | head -3 | sed 's/^/    /'
  grep -q 'reconnected to' "$(daemon_log player)" || { fail "the player did not move"; return 1; }
  grep -q ': playing' "$(relay_log b)" || { fail "relay B saw no player"; return 1; }
  one_flv "$OUT/got.flv" || return 1
  local got; got=$(frames "$OUT/got.flv"); echo "$got" | sed 's/^/    /'
  echo "$got" | awk -F, '$3 < 100 {exit 1}' || { fail "too few frames decoded"; return 1; }
  # Relay B starts a player at its last keyframe, on the same timeline: the repeat is dropped and
  # the decoder goes on across the switch without one error.
  decodes_clean "$OUT/got.flv" "decoding across the switch" || return 1
  ok "drained, the player moved from relay A to B; RTMP_Read's FLV went on as one stream, decoded without an error"
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
for f in absolute scheme-relative host-relative absent; do
  eval "c_reconnect_play_$f() { reconnect_play $f; }"
done

# The negative control (make check-negative's, for this suite): on a librtmp.so.1 that does
# nothing, a case of every kind must fail; one that passed there would prove nothing here.
NEGATIVE_CASES="connect-fields codecs-multitrack reconnect-absent reconnect-play-absolute relay-gating relay-late-hevc-aac relay-drain-publish relay-drain-play"
c_negative() {
  local u=$REPO/build/useless
  bash "$REPO/tests/negative/build.sh" "$u" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; fail "cannot build the useless library"; return 1; }
  local e; for e in rtmp-play rtmp-publish rtmp-relay; do cp -f "$OURS_DIR/$e" "$u/"; done
  env -u INTEROP_RUN -u CHECK_RESULTS ERTMP_NEGATIVE=1 OURS_DIR="$u" CASES="$NEGATIVE_CASES" \
    bash "$REPO/tests/ertmp/check-ertmp.sh" >"$OUT/run.log" 2>&1
  grep -E '^(PASS|FAIL) ' "$OUT/run.log" | cut -c1-40 | sed 's/^/    /'
  local n=0 c; for c in $NEGATIVE_CASES; do grep -qE "^FAIL +$c " "$OUT/run.log" && n=$((n + 1)); done
  [ "$n" = "$(echo $NEGATIVE_CASES | wc -w)" ] || { fail "the useless library did not fail all of them (see $OUT/run.log)"; return 1; }
  ok "on a library that does nothing, all $n fail"
}
for l in hevc-aac av1-opus vp9-flac hevc-ac3 multitrack; do
  eval "c_relay_late_$l() { relay_late $l; }"
done
# Four at a time: the cases wait on media sent in real time (-re), not on the CPU. (The negative
# control's run, failing fast or waiting out bounded waits, runs its few at once.)
batch_end() { [ -n "${ERTMP_NEGATIVE:-}" ] || wait_cases; }
run_case_bg --desc "connect object as node-media-server received it: fourCcList, info maps, capsEx; none by default" connect-fields c_connect_fields
run_case_bg --desc "HEVC + AAC: FFmpeg 9 on us publishes and plays via nms; sid's FFmpeg decodes" codecs-hevc-aac c_codecs_hevc_aac
run_case_bg --desc "AV1 + Opus" codecs-av1-opus c_codecs_av1_opus
run_case_bg --desc "VP9 + FLAC" codecs-vp9-flac c_codecs_vp9_flac
batch_end
run_case_bg --desc "HEVC + AC-3" codecs-hevc-ac3 c_codecs_hevc_ac3
run_case_bg --desc "multitrack: H.264 + HEVC (track 1), AAC + Opus (track 1)" codecs-multitrack c_codecs_multitrack
run_case_bg --desc "publisher: ReconnectRequest with an absolute tcUrl (to B)" reconnect-absolute c_reconnect_absolute
run_case_bg --desc "publisher: tcUrl //host:port/app (to B)" reconnect-scheme-relative c_reconnect_scheme_relative
batch_end
run_case_bg --desc "publisher: tcUrl /app (the same server, another app)" reconnect-host-relative c_reconnect_host_relative
run_case_bg --desc "publisher: no tcUrl (the same server again)" reconnect-absent c_reconnect_absent
run_case_bg --desc "publisher without capsEx Reconnect: the request is logged and ignored" reconnect-ignored c_reconnect_ignored
run_case_bg --desc "publisher: the new server refuses; publishing goes on where it was" reconnect-refused c_reconnect_refused
batch_end
run_case_bg --desc "player: ReconnectRequest to B; RTMP_Read's FLV goes on as one stream" reconnect-play-absolute c_reconnect_play_absolute
run_case_bg --desc "player: tcUrl //host:port/app (to B)" reconnect-play-scheme-relative c_reconnect_play_scheme-relative
run_case_bg --desc "player: tcUrl /app (the same server, another app)" reconnect-play-host-relative c_reconnect_play_host-relative
run_case_bg --desc "player: no tcUrl (the same server again)" reconnect-play-absent c_reconnect_play_absent
batch_end
run_case_bg --desc "rtmp-relay: HEVC to the players that named hvc1 (ours, FFmpeg 9's), AAC to all" relay-gating c_relay_gating
run_case_bg --desc "rtmp-relay: multitrack by capsEx Multitrack and FourCCs named" relay-gating-multitrack c_relay_gating_multitrack
run_case_bg --desc "rtmp-relay: a late player of HEVC + AAC" relay-late-hevc-aac c_relay_late_hevc-aac
run_case_bg --desc "rtmp-relay: a late player of AV1 + Opus" relay-late-av1-opus c_relay_late_av1-opus
batch_end
run_case_bg --desc "rtmp-relay: a late player of VP9 + FLAC" relay-late-vp9-flac c_relay_late_vp9-flac
run_case_bg --desc "rtmp-relay: a late player of HEVC + AC-3" relay-late-hevc-ac3 c_relay_late_hevc-ac3
run_case_bg --desc "rtmp-relay: a late player of every track of a multitrack stream" relay-late-multitrack c_relay_late_multitrack
run_case_bg --desc "rtmp-relay drained (SIGUSR1): rtmp-publish moves to relay B" relay-drain-publish c_relay_drain_publish
batch_end
run_case_bg --desc "rtmp-relay drained to itself: the publisher comes back, its player sees no gap" relay-drain-same c_relay_drain_same
run_case_bg --desc "rtmp-relay drained: our player moves to relay B" relay-drain-play c_relay_drain_play
[ -n "${ERTMP_NEGATIVE:-}" ] ||
  run_case_bg --timeout 120 --desc "negative control: on a useless librtmp.so.1, a case of each kind fails" negative-control c_negative
wait_cases
summary
