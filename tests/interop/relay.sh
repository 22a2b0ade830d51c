#!/usr/bin/env bash
# relay.sh [CASE-PREFIX...]: the server side (RTMP_Serve, RTMP_TLS_Accept) through
# c-examples/rtmp-relay, with clients nobody here wrote.
#
# The relay runs on the library under test, $OURS_DIR/librtmp.so.1 (OURS_DIR, default build/; see
# tests/common.sh; checked in /proc/PID/maps), as do our examples, taken from OURS_DIR too (make
# builds them in build/ only: copy them beside another library to test it). Its peers: Debian's ffmpeg
# (its own RTMP code: publisher and player over rtmp and rtmps), Debian's rtmpdump and
# python3-librtmp on Debian's ORIGINAL librtmp (rtmp, rtmpe: the original's client handshakes
# against our server), and our own c-examples. Outputs are compared with the source file (audio
# and video payload sequences, flvtool.py cmp; vod byte for byte). Broken clients must not stop
# the relay, and a run under valgrind must be clean. Live players must end when the relay tells
# them the stream ended (UnpublishNotify), soon after the publisher leaves and with the exit code
# of a normal end: the relay keeps their connection open, so a player that missed it would only
# end at its own receive timeout.
# shellcheck source=tests/interop/lib.sh
LIB=orig   # the librtmp clients run on Debian's original; the relay on ours, whatever LIB says
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEL=("$@")

FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
# The prefixes that run a program on one library alone, as on_lib (tests/common.sh) does, but as a
# command that env execs: a daemon's recorded PID is then the program's own (its /proc/PID/maps,
# the signals c_interrupt and c_valgrind send, its exit code). Every process run on ours is traced
# to $RUN/ld/ours.*, proven at the end (ours-proven); those on the original per case (check_lib).
OURS=(env -u LD_PRELOAD -u LD_LIBRARY_PATH -u LD_DEBUG -u LD_DEBUG_OUTPUT "LD_LIBRARY_PATH=$OURS_DIR"
      LD_DEBUG=libs "LD_DEBUG_OUTPUT=$RUN/ld/ours")
ORIG=(env -u LD_PRELOAD -u LD_LIBRARY_PATH -u LD_DEBUG -u LD_DEBUG_OUTPUT LD_DEBUG=libs)
PLAY=("${OURS[@]}" "$OURS_DIR/rtmp-play")
PUBLISH=("${OURS[@]}" "$OURS_DIR/rtmp-publish")
# The live players' own receive timeout, and how soon after their publisher has left each must
# have ended: well inside that timeout, so that ending at it (having missed the relay's notice)
# fails. (ffmpeg's RTMP client has no receive timeout by default: not ending in time is its miss.)
PLAYER_TMO=10 END_SECS=3
echo "== interop relay: rtmp-relay on $OURS_LIBRTMP; librtmp clients on $ORIG_LIBRTMP; run dir $RUN"

for tool in ffmpeg rtmpdump openssl valgrind "$PY"; do
  command -v "$tool" >/dev/null || setup_fail "$tool not found (run scripts/install-deps.sh)"
done
[ -f "$OURS_LIBRTMP" ] || setup_fail "$OURS_LIBRTMP does not exist (make, or set OURS_DIR)"
for b in rtmp-relay rtmp-play rtmp-publish; do
  [ -x "$OURS_DIR/$b" ] || setup_fail "$OURS_DIR/$b does not exist: make builds the examples in build/ only; copy them into $OURS_DIR to test the library there"
done
[ -n "$ORIG_LIBRTMP" ] || setup_fail "Debian's librtmp.so.1 not found (ldd /usr/bin/rtmpdump)"
if ldd "$(command -v ffmpeg)" | grep -q librtmp; then setup_fail "this ffmpeg links librtmp: it is not an independent peer"; fi

MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || { cat "$RUN/logs/media.log"; setup_fail "make-media.sh"; }
SMALL=$MEDIA/small.flv
SMALL_SIZE=$(stat -c %s "$SMALL")
make_tls || setup_fail "cannot make the test certificates"

# relay_start NAME [WRAPPER...]: rtmp-relay (rtmp + rtmps, vod from $MEDIA, 5 s timeout, and the
# arguments in RELAY_ARGS) as a daemon; sets RELAY_PID RELAY_LOG PORT TLS_PORT U. Waits until
# both ports listen.
RELAY_ARGS=()
relay_start() {
  local name=$1; shift
  read -r PORT TLS_PORT < <(free_ports 2)
  daemon_start "$name" "${OURS[@]}" "$@" "$OURS_DIR/rtmp-relay" -v -p "$PORT" --tls-port "$TLS_PORT" \
    --cert "$RUN/tls/server.pem" --key "$RUN/tls/server.key" --vod "$MEDIA" --timeout 5 "${RELAY_ARGS[@]}"
  RELAY_PID=$DAEMON_PID RELAY_LOG=$RUN/logs/${CASE:+$CASE.}$name.log U=rtmp://$HOST:$PORT
  wait_port "$PORT" 60 "rtmp-relay" "$RELAY_PID" && wait_port "$TLS_PORT" 60 "rtmp-relay (tls)" "$RELAY_PID"
}
# relay_says TEXT [COUNT] [SECS]: the relay's log holds TEXT at least COUNT times, within SECS
relay_says() {
  local deadline=$(( $(now_us) + ${3:-10} * 1000000 ))
  until [ "$(grep -cF -- "$1" "$RELAY_LOG")" -ge "${2:-1}" ]; do
    [ "$(now_us)" -ge "$deadline" ] && { fail "the relay did not log '$1' (${2:-1}x) within ${3:-10}s"; return 1; }
    alive "$RELAY_PID" || { fail "the relay died"; return 1; }
    sleep 0.02
  done
}
# orig TAG CMD...: CMD on Debian's original librtmp (LIB=orig), its loaded library recorded
orig() { with_lib "$@"; }
# ended WHAT PID T0_US RC...: the live player WHAT (PID, a daemon of this case) has ended within
# END_SECS of T0 (when its publisher left) with one of the exit codes RC (those of a normal end)
ended() {
  local what=$1 pid=$2 t0=$3 rc c; shift 3
  while alive "$pid"; do
    if [ "$(now_us)" -ge $(( t0 + END_SECS * 1000000 )) ]; then
      fail "$what still running ${END_SECS}s after the publisher left (its receive timeout: ${PLAYER_TMO}s): it did not end on the relay's UnpublishNotify"
      return 1
    fi
    sleep 0.02
  done
  wait "$pid"; rc=$?
  for c in "$@"; do
    [ "$rc" = "$c" ] && { ok "$what ended within $(secs_since "$t0")s of the publisher leaving, rc=$rc"; return 0; }
  done
  fail "$what ended $(secs_since "$t0")s after the publisher left with rc=$rc, not that of a normal end ($*)"
}

relay_start relay >"$RUN/logs/relay-start.log" 2>&1 || { cat "$RUN/logs/relay-start.log"; tail "$RUN/logs/relay.log"; setup_fail "rtmp-relay did not start"; }
grep -q "$(readlink -f "$OURS_LIBRTMP")" "/proc/$RELAY_PID/maps" || setup_fail "rtmp-relay did not load $OURS_LIBRTMP"
echo "setup: rtmp-relay pid $RELAY_PID on rtmp $PORT, rtmps $TLS_PORT, loaded $OURS_LIBRTMP"

# ------------------------------------------------------------------ cases
c_live_ours() {
  daemon_start play "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/live/ours" -o "$OUT/out.flv"
  local player=$DAEMON_PID
  relay_says "live/ours: playing" || return 1
  timeout 30 "${PUBLISH[@]}" "$SMALL" "$U/live/ours" || { fail "rtmp-publish rc=$?"; return 1; }
  ended rtmp-play "$player" "$(now_us)" 0 || return 1
  flvcmp "$SMALL" "$OUT/out.flv"
}

c_live_ffmpeg() {
  # Three players wait: Debian's rtmpdump and python3-librtmp on the original librtmp, and
  # Debian's ffmpeg; then ffmpeg publishes in real time.
  local -A pid
  daemon_start rtmpdump "${ORIG[@]}" "LD_DEBUG_OUTPUT=$RUN/ld/$CASE" \
    timeout 40 rtmpdump -q --live -m "$PLAYER_TMO" -r "$U/live/ff" -o "$OUT/rtmpdump.flv"
  pid[rtmpdump]=$DAEMON_PID
  daemon_start python "${ORIG[@]}" "LD_DEBUG_OUTPUT=$RUN/ld/$CASE" \
    timeout 40 "$PY" "$INTEROP_DIR/py_read.py" "$U/live/ff" "$OUT/python.flv" --live --timeout "$PLAYER_TMO"
  pid[python]=$DAEMON_PID
  daemon_start ffplay timeout 40 "${FF[@]}" -i "$U/live/ff" -c copy -f flv "$OUT/ffmpeg.flv"
  pid[ffplay]=$DAEMON_PID
  relay_says "live/ff: playing" 3 || return 1
  timeout 40 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/ff" || { fail "ffmpeg publish rc=$?"; return 1; }
  local t0 bad=0; t0=$(now_us)
  # rtmpdump: 0, as ffmpeg's live metadata says duration 0: nothing for the original's download,
  # short of its last tag, to fall short of (compare rtmpe_case)
  ended "rtmpdump (original)" "${pid[rtmpdump]}" "$t0" 0 || bad=1
  ended "python3-librtmp (original)" "${pid[python]}" "$t0" 0 || bad=1
  ended "ffmpeg (player)" "${pid[ffplay]}" "$t0" 0 || bad=1
  check_lib "$CASE" && [ $bad = 0 ] || return 1
  echo "-- ffmpeg:"; flvcmp "$SMALL" "$OUT/ffmpeg.flv" || return 1
  # The original librtmp drops the final 5-byte end-of-sequence tag.
  echo "-- rtmpdump (original):"; flvcmp "$SMALL" "$OUT/rtmpdump.flv" --suffix --max-missing 1 --min-tags 50 || return 1
  echo "-- python3-librtmp (original):"; flvcmp "$SMALL" "$OUT/python.flv" --suffix --max-missing 1 --min-tags 50
}

c_live_late() {
  local pub player rc
  daemon_start pub timeout 40 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/late"
  pub=$DAEMON_PID
  relay_says "live/late: publishing" || return 1
  # Joins while the publisher is under way: metadata and codec headers first, then from a keyframe.
  daemon_start play "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/live/late" -o "$OUT/out.flv"
  player=$DAEMON_PID
  relay_says "live/late: playing" || return 1
  wait_exit "$pub" 40 || { fail "the ffmpeg publisher still running after 40 s"; return 1; }
  wait "$pub"; rc=$?
  [ "$rc" = 0 ] || { fail "ffmpeg publish rc=$rc"; return 1; }
  ended rtmp-play "$player" "$(now_us)" 0 || return 1
  flvcmp "$SMALL" "$OUT/out.flv" --late --min-tags 20 || return 1
  "$PY" "$INTEROP_DIR/flvtool.py" info "$OUT/out.flv" | grep -q "onMetaData" || { fail "no onMetaData for the late player"; return 1; }
  ok "the late player got onMetaData"
}

# rtmpe_case TYPE [FAST] [RELAY ARGS...]: Debian's rtmpdump on the ORIGINAL librtmp plays over
# rtmpe while our rtmp-publish publishes over rtmpe, through a relay of the case's own: both ends
# encrypted, both must be answered with handshake type TYPE (6 plain signatures, 8 XTEA, 9
# Blowfish), each must find the relay's S2 signed, and the relay each client's C2.
rtmpe_case() {
  local want=$1 fast=$2; shift 2
  local -a RELAY_ARGS=("$@")
  relay_start relay || return 1
  daemon_start rtmpdump "${ORIG[@]}" "LD_DEBUG_OUTPUT=$RUN/ld/$CASE" \
    timeout 40 rtmpdump -V --live -m "$PLAYER_TMO" -r "rtmpe://$HOST:$PORT/live/enc" -o "$OUT/rtmpdump.flv"
  local dump=$DAEMON_PID
  relay_says "live/enc: playing" || return 1
  timeout 30 "${PUBLISH[@]}" $fast -v -v "$SMALL" "rtmpe://$HOST:$PORT/live/enc" 2>"$OUT/publish.log" || { fail "rtmp-publish rc=$?"; tail "$OUT/publish.log"; return 1; }
  # rc 2, "may be incomplete", on a normal end (and on a timeout: hence the bound): the original
  # drops the last (end-of-sequence) tag, so its last timestamp falls short of the duration in
  # small.flv's metadata, which rtmp-publish sends.
  ended "rtmpdump (original)" "$dump" "$(now_us)" 2 || return 1
  check_lib "$CASE" || return 1
  grep -q "RTMPE: RC4 encryption on" "$OUT/publish.log" || { fail "our publisher did not encrypt"; return 1; }
  grep -q "genuine Adobe Flash Media Server" "$OUT/publish.log" || { fail "our publisher did not verify the relay's S2"; return 1; }
  [ "$want" = 6 ] || grep -q "RTMPE type $want (signatures" "$OUT/publish.log" || { fail "our publisher was not answered with type $want: $(grep -m3 handshake "$OUT/publish.log")"; return 1; }
  ok "our publisher: $(grep -m1 'RC4 encryption on' "$OUT/publish.log" | sed 's/^.*RTMPE/RTMPE/'), type $want, S2 verified"
  local log=$RUN/logs/$CASE.rtmpdump.log
  grep -q "Type Answer   : 0$want" "$log" && grep -q "RC4 Out Key" "$log" || { fail "rtmpdump did not negotiate rtmpe type $want"; grep HandShake "$log" | head; return 1; }
  grep -q "Genuine Adobe Flash Media Server" "$log" || { fail "the original did not find our S2 signed: $(grep -m2 -i 'genuine' "$log")"; return 1; }
  ok "the original's rtmpdump: $(grep -m1 'Type Answer' "$log" | sed 's/^DEBUG: //'), RC4 keys set, $(grep -m1 -o 'Genuine Adobe Flash Media Server' "$log")"
  ! grep -q "C2 neither echoes nor signs" "$RELAY_LOG" || { fail "the relay could not verify a client's C2: $(grep -m1 'C2 neither' "$RELAY_LOG")"; return 1; }
  ok "the relay verified both clients' C2 signatures"
  flvcmp "$SMALL" "$OUT/rtmpdump.flv" --suffix --max-missing 1 --min-tags 50
}
c_rtmpe() { rtmpe_case 8 ""; }
c_rtmpe6() { rtmpe_case 6 --fast --rtmpe-type 6; }
c_rtmpe9() { rtmpe_case 9 --fast --rtmpe-type 9; }

# ffmpeg_native_case TYPE [RELAY ARGS...]: FFmpeg's OWN RTMP client (built from Debian's source
# without librtmp, so its rtmpe is FFmpeg's code: gcrypt's Diffie-Hellman, libavutil's RC4, XTEA
# and Blowfish; make check-ffmpeg-rtmpe sets FFMPEG_NATIVE) plays vod over rtmpe and rtmpte from
# a relay of the case's own that answers RTMPE with type TYPE. FFmpeg refuses an S2 it cannot
# verify ("Signature mismatch"); the relay warns about a C2 it cannot. (FFmpeg publishing over
# rtmpe is not among them: see the README.)
ffmpeg_native_case() {
  local want=$1 proto; shift
  local -a RELAY_ARGS=("$@") NF=("$FFMPEG_NATIVE" -hide_banner -nostdin -y -loglevel debug)
  relay_start relay || return 1
  for proto in rtmpe rtmpte; do
    timeout 30 "${NF[@]}" -i "$proto://$HOST:$PORT/vod/small.flv" -c copy -f flv "$OUT/$proto.flv" 2>"$OUT/$proto.log" \
      || { fail "FFmpeg's own $proto play rc=$?"; grep -i "error\|mismatch" "$OUT/$proto.log" | head -3; return 1; }
    echo "-- FFmpeg plays over $proto:"; flvcmp "$SMALL" "$OUT/$proto.flv" || return 1
    grep -q "Type answer $want" "$OUT/$proto.log" || { fail "FFmpeg was not answered with type $want: $(grep -m1 'Type answer' "$OUT/$proto.log")"; return 1; }
  done
  ok "FFmpeg's own client: Type answer $want over rtmpe and rtmpte, our S2 accepted (no Signature mismatch)"
  ! grep -q "C2 neither echoes nor signs" "$RELAY_LOG" || { fail "the relay could not verify FFmpeg's C2: $(grep -m1 'C2 neither' "$RELAY_LOG")"; return 1; }
  ok "the relay verified FFmpeg's C2 signatures"
}
c_ffmpeg_native_8() { ffmpeg_native_case 8; }
c_ffmpeg_native_6() { ffmpeg_native_case 6 --rtmpe-type 6; }
c_ffmpeg_native_9() { ffmpeg_native_case 9 --rtmpe-type 9; }

c_rtmps() {
  # Debian's ffmpeg publishes over TLS; our rtmp-play verifies the relay's certificate.
  daemon_start play "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "rtmps://localhost:$TLS_PORT/live/tls cafile=$RUN/tls/ca.pem" -o "$OUT/out.flv"
  local player=$DAEMON_PID
  relay_says "live/tls: playing" || return 1
  timeout 40 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "rtmps://$HOST:$TLS_PORT/live/tls" || { fail "ffmpeg rtmps publish rc=$?"; return 1; }
  ended rtmp-play "$player" "$(now_us)" 0 || return 1
  flvcmp "$SMALL" "$OUT/out.flv" || return 1
  # Without the CA the same player refuses the relay, and says why.
  local t0 rc; t0=$(now_us)
  timeout 20 "${PLAY[@]}" --live --timeout 5 "rtmps://localhost:$TLS_PORT/live/tls" -o "$OUT/untrusted.flv" 2>"$OUT/untrusted.log"; rc=$?
  rc_is_error "$rc" "rtmp-play without the CA" || return 1
  grep -q "not trusted" "$OUT/untrusted.log" || { fail "no 'not trusted' in: $(cat "$OUT/untrusted.log")"; return 1; }
  ok "untrusted relay refused in $(secs_since "$t0")s: $(grep -m1 'not trusted' "$OUT/untrusted.log" | cut -c1-120)"
}

c_rtmps_expired() {
  # A relay whose certificate (from the test CA, for localhost) expired in 2020: refused with
  # the reason even with the CA trusted; accepted with tlsVerify=0.
  local d=$OUT/ca rc t0
  mkdir -p "$d/db" && : >"$d/db/index" && echo 1000 >"$d/db/serial"
  printf '%s\n' '[ca]' 'default_ca = d' '[d]' "database = $d/db/index" "serial = $d/db/serial" "new_certs_dir = $d/db" \
    'default_md = sha256' 'policy = p' 'x509_extensions = ext' '[p]' 'commonName = supplied' \
    '[ext]' 'subjectAltName = DNS:localhost,IP:127.0.0.1' 'basicConstraints = CA:FALSE' >"$d/ca.cnf"
  { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/expired.key" -out "$d/expired.csr" -subj /CN=localhost &&
    openssl ca -batch -config "$d/ca.cnf" -cert "$RUN/tls/ca.pem" -keyfile "$RUN/tls/ca.key" -in "$d/expired.csr" -out "$d/expired.pem" \
      -startdate 20200101000000Z -enddate 20200201000000Z; } >"$d/openssl.log" 2>&1 || { fail "cannot make the expired certificate"; tail -3 "$d/openssl.log"; return 1; }
  ok "certificate: $(openssl x509 -in "$d/expired.pem" -noout -enddate)"
  RELAY_ARGS=(--cert "$d/expired.pem" --key "$d/expired.key")
  relay_start relay-expired || return 1
  t0=$(now_us)
  timeout 20 "${PLAY[@]}" --timeout 5 "rtmps://localhost:$TLS_PORT/vod/small.flv cafile=$RUN/tls/ca.pem" -o "$OUT/refused.flv" 2>"$OUT/refused.log"; rc=$?
  rc_is_error "$rc" "rtmp-play against an expired certificate" || return 1
  grep -q "certificate has expired" "$OUT/refused.log" || { fail "no 'certificate has expired' in: $(cat "$OUT/refused.log")"; return 1; }
  ok "refused in $(secs_since "$t0")s: $(grep -m1 'expired' "$OUT/refused.log" | cut -c1-140)"
  timeout 20 "${PLAY[@]}" --timeout 5 "rtmps://localhost:$TLS_PORT/vod/small.flv tlsVerify=0" -o "$OUT/insecure.flv" 2>"$OUT/insecure.log" || { fail "tlsVerify=0 rc=$?"; return 1; }
  same_file "$OUT/insecure.flv" "$SMALL" "with tlsVerify=0"
}

c_rtmpt() {
  # The plain port also serves RTMPT (the client's first bytes are an HTTP POST): on demand to
  # our rtmp-play (byte-identical), Debian's ffmpeg and rtmpdump on the original; live from our
  # rtmp-publish over rtmpt to three rtmpt players at once.
  local rc pid
  timeout 30 "${PLAY[@]}" "rtmpt://$HOST:$PORT/vod/small.flv" -o "$OUT/vod-ours.flv" || { fail "rtmp-play rtmpt vod rc=$?"; return 1; }
  same_file "$OUT/vod-ours.flv" "$SMALL" "rtmp-play over rtmpt" || return 1
  timeout 30 "${FF[@]}" -i "rtmpt://$HOST:$PORT/vod/small.flv" -c copy -f flv "$OUT/vod-ffmpeg.flv" || { fail "ffmpeg rtmpt vod rc=$?"; return 1; }
  echo "-- ffmpeg over rtmpt:"; flvcmp "$SMALL" "$OUT/vod-ffmpeg.flv" || return 1
  orig "$CASE" timeout 30 rtmpdump -q -r "rtmpt://$HOST:$PORT/vod/small.flv" -o "$OUT/vod-rtmpdump.flv"; rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { fail "rtmpdump (original) rtmpt vod rc=$rc"; return 1; }
  echo "-- rtmpdump (original) over rtmpt:"; flvcmp "$SMALL" "$OUT/vod-rtmpdump.flv" --suffix --max-missing 1 --min-tags 50 || return 1
  local -A p
  daemon_start ours "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "rtmpt://$HOST:$PORT/live/tunnel" -o "$OUT/ours.flv"; p[ours]=$DAEMON_PID
  daemon_start ffplay timeout 40 "${FF[@]}" -i "rtmpt://$HOST:$PORT/live/tunnel" -c copy -f flv "$OUT/ffmpeg.flv"; p[ffplay]=$DAEMON_PID
  daemon_start rtmpdump "${ORIG[@]}" "LD_DEBUG_OUTPUT=$RUN/ld/$CASE" \
    timeout 40 rtmpdump -q --live -m "$PLAYER_TMO" -r "rtmpt://$HOST:$PORT/live/tunnel" -o "$OUT/rtmpdump.flv"; p[rtmpdump]=$DAEMON_PID
  relay_says "live/tunnel: playing" 3 || return 1
  timeout 40 "${PUBLISH[@]}" "$SMALL" "rtmpt://$HOST:$PORT/live/tunnel" || { fail "rtmp-publish over rtmpt rc=$?"; return 1; }
  local t0 bad=0; t0=$(now_us)
  ended "rtmp-play over rtmpt" "${p[ours]}" "$t0" 0 || bad=1
  ended "ffmpeg (player) over rtmpt" "${p[ffplay]}" "$t0" 0 || bad=1
  # rc 2 on a normal end, as over rtmpe: small.flv's duration, less the last tag
  ended "rtmpdump (original) over rtmpt" "${p[rtmpdump]}" "$t0" 2 || bad=1
  check_lib "$CASE" && [ $bad = 0 ] || return 1
  echo "-- live, ffmpeg over rtmpt:"; flvcmp "$SMALL" "$OUT/ffmpeg.flv" || return 1
  echo "-- live, rtmpdump (original) over rtmpt:"; flvcmp "$SMALL" "$OUT/rtmpdump.flv" --suffix --max-missing 1 --min-tags 50 || return 1
  # Every tag, the publisher's last one included: our tunnel client reads the answers it still
  # owes before it closes, so its socket is not reset under the requests the relay has not read.
  echo "-- live, rtmp-play over rtmpt:"; flvcmp "$SMALL" "$OUT/ours.flv"
}

c_tunnels() {
  # RTMPE inside the HTTP tunnel (rtmpte) and the tunnel inside TLS (rtmpts), on demand: our
  # rtmp-play byte-identical, rtmpdump on the original over rtmpte, Debian's ffmpeg over rtmpts.
  local rc
  timeout 30 "${PLAY[@]}" "rtmpte://$HOST:$PORT/vod/small.flv" -o "$OUT/te.flv" || { fail "rtmp-play rtmpte rc=$?"; return 1; }
  same_file "$OUT/te.flv" "$SMALL" "rtmp-play over rtmpte" || return 1
  timeout 30 "${PLAY[@]}" "rtmpts://localhost:$TLS_PORT/vod/small.flv cafile=$RUN/tls/ca.pem" -o "$OUT/ts.flv" || { fail "rtmp-play rtmpts rc=$?"; return 1; }
  same_file "$OUT/ts.flv" "$SMALL" "rtmp-play over rtmpts" || return 1
  orig "$CASE" timeout 30 rtmpdump -q -r "rtmpte://$HOST:$PORT/vod/small.flv" -o "$OUT/te-rtmpdump.flv"; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { fail "rtmpdump (original) rtmpte rc=$rc"; return 1; }
  echo "-- rtmpdump (original) over rtmpte:"; flvcmp "$SMALL" "$OUT/te-rtmpdump.flv" --suffix --max-missing 1 --min-tags 50 || return 1
  timeout 30 "${FF[@]}" -i "rtmpts://$HOST:$TLS_PORT/vod/small.flv" -c copy -f flv "$OUT/ts-ffmpeg.flv" || { fail "ffmpeg rtmpts rc=$?"; return 1; }
  echo "-- ffmpeg over rtmpts:"; flvcmp "$SMALL" "$OUT/ts-ffmpeg.flv"
}

c_vod() {
  timeout 30 "${PLAY[@]}" "$U/vod/small.flv" -o "$OUT/ours.flv" || { fail "rtmp-play rc=$?"; return 1; }
  same_file "$OUT/ours.flv" "$SMALL" "rtmp-play vod" || return 1
  orig "$CASE" timeout 30 rtmpdump -q -r "$U/vod/small.flv" -o "$OUT/rtmpdump.flv"; local rc=$?
  check_lib "$CASE" || return 1
  # rc 2, "may be incomplete": the original drops the last (5-byte end-of-sequence) tag.
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { fail "rtmpdump rc=$rc"; return 1; }
  [ "$(stat -c %s "$OUT/rtmpdump.flv")" = $((SMALL_SIZE - 20)) ] && cmp -s -n $((SMALL_SIZE - 20)) "$OUT/rtmpdump.flv" "$SMALL" \
    || { fail "rtmpdump's download is not small.flv less its last tag"; return 1; }
  ok "rtmpdump (original) rc=$rc: small.flv byte for byte, less the last tag (as from nginx)"
  timeout 30 "${FF[@]}" -i "$U/vod/small.flv" -c copy -f flv "$OUT/ffmpeg.flv" || { fail "ffmpeg rc=$?"; return 1; }
  flvcmp "$SMALL" "$OUT/ffmpeg.flv"
}

c_fanout() {
  local i pids=()
  for i in 1 2 3 4 5 6 7 8; do
    daemon_start "play$i" "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/live/fan" -o "$OUT/out$i.flv"
    pids+=("$DAEMON_PID")
  done
  relay_says "live/fan: playing" 8 || return 1
  timeout 30 "${PUBLISH[@]}" "$SMALL" "$U/live/fan" || { fail "rtmp-publish rc=$?"; return 1; }
  local t0; t0=$(now_us)
  for i in 1 2 3 4 5 6 7 8; do ended "player $i" "${pids[$((i - 1))]}" "$t0" 0 || return 1; done
  for i in 1 2 3 4 5 6 7 8; do
    flvcmp "$SMALL" "$OUT/out$i.flv" | tail -1 | grep -q "RESULT MATCH" || { fail "player $i: tags differ"; return 1; }
  done
  ok "8 players: each ended on the relay's notice, rc 0, with the tags of the source"
}

c_badname() {
  daemon_start pub timeout 40 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/taken"
  relay_says "live/taken: publishing" || return 1
  local t0 rc; t0=$(now_us)
  timeout 20 "${PUBLISH[@]}" "$SMALL" "$U/live/taken" 2>"$OUT/second.log"; rc=$?
  rc_is_error "$rc" "a second publisher of live/taken" || return 1
  grep -q "BadName" "$OUT/second.log" || { fail "no BadName in: $(tail -3 "$OUT/second.log")"; return 1; }
  ok "refused in $(secs_since "$t0")s: $(grep -m1 BadName "$OUT/second.log" | cut -c1-100)"
}

c_broken_clients() {
  # Clients that are not RTMP (nor an rtmpt POST), or stop half way, or say nothing: each connection fails on its
  # own (a log line) while the relay keeps serving; the silent one is dropped at the timeout.
  "$PY" - "$PORT" <<'EOF' || return 1
import socket, sys, time
port = int(sys.argv[1])
def conn(data, wait_close=True):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    if data:
        s.sendall(data)
    return s
socks = [conn(b'GET / HTTP/1.1\r\n\r\n'),                             # a web browser
         conn(b'\x16\x03\x01\x00\x05hello'),                          # TLS on the plain port
         conn(bytes([10]) + bytes(1536) + bytes(1536)),              # a handshake type nobody defined
         conn(bytes([6]) + bytes(1536)),                              # RTMPE without a digest
         conn(b'\x03' + bytes(100)),                                  # a cut C1, then silence
         conn(b'')]                                                   # silence
for s in socks[:4]:
    s.settimeout(10)
    t0 = time.time()
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    print('closed by the relay after %.2fs' % (time.time() - t0))
t0 = time.time()
for s in socks[4:]:
    s.settimeout(15)
    try:
        while s.recv(4096):
            pass
    except OSError as e:
        print('error %s' % e); sys.exit(1)
print('silent clients dropped after %.2fs (relay timeout 5s)' % (time.time() - t0))
sys.exit(0 if time.time() - t0 < 5 + 3 else 1)
EOF
  relay_says "an HTTP request, not an RTMP handshake" || return 1
  relay_says "the client started TLS" || return 1
  relay_says "asked for handshake type 10" || return 1
  relay_says "couldn't verify the client digest" || return 1
  ok "each broken client logged: $(grep -c 'handshake failed' "$RELAY_LOG") handshake failures"
  alive "$RELAY_PID" || { fail "the relay died"; return 1; }
  timeout 30 "${PLAY[@]}" "$U/vod/small.flv" -o "$OUT/after.flv" || { fail "rtmp-play after them rc=$?"; return 1; }
  same_file "$OUT/after.flv" "$SMALL" "vod after the broken clients"
}

c_valgrind() {
  # A relay of its own under valgrind: a live pair, a vod, a TLS player and a broken client.
  relay_start vg valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$OUT/valgrind.log" || return 1
  # valgrind slows the relay down many times: a longer timeout, and a bound as far inside it.
  local PLAYER_TMO=20 END_SECS=8
  daemon_start play "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/live/vg" -o "$OUT/live.flv"
  local player=$DAEMON_PID
  relay_says "live/vg: playing" 1 60 || return 1
  timeout 60 "${PUBLISH[@]}" "$SMALL" "$U/live/vg" || { fail "rtmp-publish rc=$?"; return 1; }
  ended rtmp-play "$player" "$(now_us)" 0 || return 1
  flvcmp "$SMALL" "$OUT/live.flv" || return 1
  # Malformed Enhanced RTMP tags (tests/ertmp/hostile_tags.py) through the relay's tag parser: to a
  # player that takes every codec from the start, one that joins midway and one that announced none.
  "$PY" "$REPO/tests/ertmp/hostile_tags.py" "$OUT/hostile.flv" || { fail "hostile_tags.py"; return 1; }
  daemon_start hx-early "${PLAY[@]}" --live --timeout "$PLAYER_TMO" --fourcc-list '*' --caps-ex 7 "$U/live/hx" -o "$OUT/hx.flv"
  local early=$DAEMON_PID
  daemon_start hx-plain "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/live/hx" -o "$OUT/hx-plain.flv"
  local plain=$DAEMON_PID
  relay_says "live/hx: playing" 2 60 || return 1
  daemon_start hx-pub "${PUBLISH[@]}" "$OUT/hostile.flv" "$U/live/hx"
  local hpub=$DAEMON_PID
  relay_says "live/hx: publishing" 1 60 || return 1
  daemon_start hx-late "${PLAY[@]}" --live --timeout "$PLAYER_TMO" --fourcc-list '*' --caps-ex 7 "$U/live/hx" -o "$OUT/hx-late.flv"
  local late=$DAEMON_PID p
  for p in "$hpub" "$early" "$plain" "$late"; do wait_exit "$p" 60 || { fail "a client of the malformed stream did not end"; return 1; }; done
  "$PY" - "$OUT/hx.flv" <<'PYEOF' || { fail "the player of every codec did not get the stream's last keyframe"; return 1; }
import sys
sys.exit(0 if b'\x91hvc1\0\0\0' + b'\x26\x01' * 16 in open(sys.argv[1], 'rb').read() else 1)
PYEOF
  timeout 60 "${PLAY[@]}" --timeout 20 "rtmps://localhost:$TLS_PORT/vod/small.flv cafile=$RUN/tls/ca.pem" -o "$OUT/vod.flv" || { fail "rtmps vod rc=$?"; return 1; }
  same_file "$OUT/vod.flv" "$SMALL" "rtmps vod from the relay under valgrind" || return 1
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 "$PY" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",'"$PORT"')); s.sendall(sys.stdin.buffer.read()); s.recv(10)' || true
  relay_says "handshake with a client failed" 1 30 || return 1
  local rc
  kill -TERM "$RELAY_PID"
  wait_exit "$RELAY_PID" 30 || { fail "the relay did not stop on SIGTERM"; return 1; }
  wait "$RELAY_PID" 2>/dev/null; rc=$?
  rm -f "$RUN/pids/$CASE.vg"
  [ -s "$OUT/valgrind.log" ] && { echo "--- valgrind:"; head -40 "$OUT/valgrind.log"; }
  [ "$rc" = 0 ] || { fail "the relay under valgrind exited rc=$rc (99: memcheck errors or definite leaks)"; return 1; }
  ok "valgrind: no errors, no definite leaks (rc 0)"
}

# auth_case METHOD: a relay that makes publishers to app "secure" authenticate with METHOD.
# Debian's ffmpeg (its own implementation, credentials in the URL) and our rtmp-publish (pubUser,
# pubPasswd) each publish to a waiting player after the two refusals the method takes; a wrong
# password and missing credentials fail with the reason, in bounded time.
auth_case() {
  local m=$1 player rc t0
  local -a RELAY_ARGS=(--auth "$m:bob:s3cret:secure")
  relay_start "relay-$m" || return 1
  daemon_start play-ff "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/secure/ff" -o "$OUT/ff.flv"
  player=$DAEMON_PID
  relay_says "secure/ff: playing" || return 1
  timeout 40 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "rtmp://bob:s3cret@$HOST:$PORT/secure/ff" || { fail "ffmpeg publish with $m auth rc=$?"; return 1; }
  ended "the player of ffmpeg's stream" "$player" "$(now_us)" 0 || return 1
  echo "-- ffmpeg's publication:"; flvcmp "$SMALL" "$OUT/ff.flv" || return 1
  daemon_start play-ours "${PLAY[@]}" --live --timeout "$PLAYER_TMO" "$U/secure/ours" -o "$OUT/ours.flv"
  player=$DAEMON_PID
  relay_says "secure/ours: playing" || return 1
  timeout 40 "${PUBLISH[@]}" -v "$SMALL" "$U/secure/ours pubUser=bob pubPasswd=s3cret" 2>"$OUT/ours.log" || { fail "rtmp-publish with $m auth rc=$?"; tail -5 "$OUT/ours.log"; return 1; }
  ended "the player of our stream" "$player" "$(now_us)" 0 || return 1
  echo "-- rtmp-publish's publication:"; flvcmp "$SMALL" "$OUT/ours.flv" || return 1
  [ "$(grep -c "secure: connect refused" "$RELAY_LOG")" = 4 ] && [ "$(grep -c "bob authenticated" "$RELAY_LOG")" = 2 ] \
    || { fail "expected 2 refusals and 1 success per publisher"; cat "$RELAY_LOG"; return 1; }
  ok "each publisher: refused twice (need auth, then the challenge), then authenticated"
  grep -q "s3cret" "$OUT/ours.log" && { fail "our log shows the password"; return 1; }
  ok "the password is not in our client's log"
  t0=$(now_us)
  timeout 20 "${PUBLISH[@]}" --fast "$SMALL" "$U/secure/bad pubUser=bob pubPasswd=wrong" 2>"$OUT/wrong.log"; rc=$?
  rc_is_error "$rc" "rtmp-publish with a wrong password" || return 1
  grep -q "wrong password" "$OUT/wrong.log" || { fail "no 'wrong password' in: $(cat "$OUT/wrong.log")"; return 1; }
  ok "wrong password refused in $(secs_since "$t0")s: $(grep -m1 'wrong password' "$OUT/wrong.log")"
  timeout 20 "${PUBLISH[@]}" --fast "$SMALL" "$U/secure/bad" 2>"$OUT/none.log"; rc=$?
  rc_is_error "$rc" "rtmp-publish without credentials" || return 1
  grep -q "set pubUser and pubPasswd" "$OUT/none.log" || { fail "no hint in: $(cat "$OUT/none.log")"; return 1; }
  ok "without credentials: $(grep -m1 'pubUser' "$OUT/none.log")"
  timeout 20 "${FF[@]}" -i "$SMALL" -c copy -f flv "rtmp://bob:wrong@$HOST:$PORT/secure/bad" 2>"$OUT/ffwrong.log"; rc=$?
  rc_is_error "$rc" "ffmpeg with a wrong password" || return 1
  ! grep -q "secure/bad: publishing" "$RELAY_LOG" || { fail "a publisher with a wrong password got through"; return 1; }
  ok "no publisher with wrong credentials got through"
}
c_auth_adobe() { auth_case adobe; }
c_auth_llnw() { auth_case llnw; }

c_interrupt() {
  # RTMP_UserInterrupt from a SIGINT handler (rtmp-play and rtmp-publish install one, as rtmpdump
  # does) ends a call blocked in a receive and one blocked in a send, at once, with a log line
  # (the receive timeout is 30 s).
  local pid rc t0
  daemon_start play "${PLAY[@]}" --live --timeout 30 "$U/live/nobody" -o "$OUT/play.flv"
  pid=$DAEMON_PID
  relay_says "live/nobody: playing" || return 1
  t0=$(now_us)
  kill -INT "$pid"
  wait_exit "$pid" 2 || { fail "rtmp-play still blocked 2 s after SIGINT"; return 1; }
  grep -q "interrupted" "$RUN/logs/$CASE.play.log" || { fail "no 'interrupted' from rtmp-play: $(tail -2 "$RUN/logs/$CASE.play.log")"; return 1; }
  ok "a blocked receive ended $(secs_since "$t0")s after SIGINT: $(grep -m1 interrupted "$RUN/logs/$CASE.play.log")"
  # A send blocks once the relay stops reading (SIGSTOP) and the socket buffers are full.
  "$PY" "$REPO/bench/mkflv.py" "$OUT/big.flv" 60 6000 || { fail "cannot make big.flv"; return 1; }
  daemon_start pub "${PUBLISH[@]}" --fast --timeout 30 "$OUT/big.flv" "$U/live/stopped"
  pid=$DAEMON_PID
  relay_says "live/stopped: publishing" || return 1
  kill -STOP "$RELAY_PID"
  local deadline=$(( $(now_us) + 20000000 )) w=""
  # /proc/PID/syscall: the system call it is blocked in (x86_64: 44 sendto, 46 sendmsg).
  until w=$(cut -d" " -f1 "/proc/$pid/syscall" 2>/dev/null) && { [ "$w" = 44 ] || [ "$w" = 46 ]; }; do
    alive "$pid" || { kill -CONT "$RELAY_PID"; fail "rtmp-publish ended before its send blocked"; return 1; }
    [ "$(now_us)" -ge "$deadline" ] && { kill -CONT "$RELAY_PID"; fail "rtmp-publish never blocked in a send (syscall '$w')"; return 1; }
    sleep 0.02
  done
  t0=$(now_us)
  kill -INT "$pid"
  wait_exit "$pid" 2; rc=$?
  kill -CONT "$RELAY_PID"
  [ $rc = 0 ] || { fail "rtmp-publish still blocked in its send 2 s after SIGINT"; return 1; }
  grep -q "interrupted" "$RUN/logs/$CASE.pub.log" || { fail "no 'interrupted' from rtmp-publish: $(tail -2 "$RUN/logs/$CASE.pub.log")"; return 1; }
  ok "a blocked send ended $(secs_since "$t0")s after SIGINT: $(grep -m1 interrupted "$RUN/logs/$CASE.pub.log")"
}

c_rtmpsrv_connect() {
  # Debian's rtmpsrv (the original's server side, which logs every command it receives) in a
  # network namespace of its own (it binds 0.0.0.0:1935): rtmpdump connects to it once on the
  # original librtmp and once on ours, with the same options; the commands rtmpsrv decoded from
  # the first connection (connect with its object and extra arguments, createStream, play, and
  # for rtmpe the handshake type) must be the same. rtmpsrv has no TLS: for rtmps a small TLS
  # terminator (tls_front.py, TLS 1.2: the original fails TLS 1.3) sits in front of it, and both
  # clients trust the test CA through SSL_CERT_FILE (the original checks nothing).
  command -v rtmpsrv >/dev/null && command -v ip >/dev/null || { fail "rtmpsrv or ip missing"; return 1; }
  local ns=lrs-srv-$$ scheme lib bad=0 rc
  ip netns add "$ns" && ip -n "$ns" link set lo up || { fail "cannot create a network namespace (needs root and ip netns)"; return 1; }
  daemon_start tls-front ip netns exec "$ns" "$PY" "$INTEROP_DIR/tls_front.py" "$RUN/tls/server.pem" "$RUN/tls/server.key" 443 1935 1.2
  for scheme in rtmp rtmpe rtmps; do
    for lib in orig ours; do
      # (in the case's directory: rtmpsrv creates file.flv where it runs)
      daemon_start "srv-$scheme-$lib" bash -c "cd '$OUT' && exec ip netns exec '$ns' rtmpsrv -z < <(exec sleep 100000)"
      local i listening=0
      for i in $(seq 200); do
        ip netns exec "$ns" cat /proc/net/tcp | grep -q ' 00000000:078F 00000000:0000 0A ' && { listening=1; break; }
        sleep 0.05
      done
      [ $listening = 1 ] || { fail "rtmpsrv is not listening in $ns"; bad=1; break 2; }
      on_lib "$lib" "$RUN/ld/$CASE-$lib" ip netns exec "$ns" env "SSL_CERT_FILE=$RUN/tls/ca.pem" timeout 10 rtmpdump -q -r "$scheme://localhost/app1/inst?x=1" -y mp4:path/file.mp4 \
        -s http://example.com/p.swf -p http://example.com/page -f "LNX 11,2,202,235" \
        -C S:hello -C N:42 -C B:1 -C O:1 -C NS:k:v -C NN:n:1.5 -C O:0 -o /dev/null; rc=$?
      daemon_stop "srv-$scheme-$lib"
      awk '/accepted connection/{n++} n==1 && /ServeInvoke, client invoking|Property:|\(object|Type Requested/' \
        "$RUN/logs/$CASE.srv-$scheme-$lib.log" | sed 's/^DEBUG: //' >"$OUT/$scheme-$lib.txt"
      grep -q "client invoking <play>" "$OUT/$scheme-$lib.txt" || { fail "$scheme, $lib: rtmpsrv saw no play (rtmpdump rc=$rc)"; bad=1; }
    done
    if diff -u "$OUT/$scheme-orig.txt" "$OUT/$scheme-ours.txt"; then
      ok "$scheme: rtmpsrv decoded the same $(grep -c 'client invoking' "$OUT/$scheme-ours.txt") commands from both ($(grep -c 'Property:' "$OUT/$scheme-ours.txt") properties$(grep -m1 -o 'Type Requested : [0-9]*' "$OUT/$scheme-ours.txt" | sed 's/^/, handshake /'))"
    else
      fail "$scheme: rtmpsrv saw different commands from our client (diff above)"; bad=1
    fi
  done
  daemon_stop tls-front
  ip netns del "$ns" 2>/dev/null
  [ $bad = 0 ] || return 1
  check_lib "$CASE-orig" && EXPECT_LIBRTMP=$OURS_LIBRTMP check_lib "$CASE-ours"
}

c_ours_proven() {
  loaded ours "$RUN/ld/ours" || return 1
  ok "$(grep -l 'calling init: .*librtmp\.so' "$RUN/ld/ours".* | wc -l) processes, each on $OURS_LIBRTMP (ld.so's trace)"
}

selected live-ours && run_case --desc "rtmp-publish -> relay -> rtmp-play (ours both ends)" live-ours c_live_ours
selected live-ffmpeg && run_case --desc "ffmpeg publishes; rtmpdump, python3-librtmp (original lib) and ffmpeg play" live-ffmpeg c_live_ffmpeg
selected live-late && run_case --desc "a player joining mid-stream: metadata, codec headers, then from a keyframe" live-late c_live_late
selected rtmpe && run_case --desc "rtmpe both ways: rtmpdump on the original lib plays, rtmp-publish publishes; the relay answers as the original's server (type 8, XTEA)" rtmpe c_rtmpe
selected rtmpe6 && run_case --desc "rtmpe with --rtmpe-type 6 (unencrypted signatures): the same two clients" rtmpe6 c_rtmpe6
selected rtmpe9 && run_case --desc "rtmpe with --rtmpe-type 9 (Blowfish signatures): the same two clients" rtmpe9 c_rtmpe9
selected rtmps && run_case --desc "rtmps: ffmpeg publishes, rtmp-play verifies the relay (cafile=); refused without it" rtmps c_rtmps
selected rtmps-expired && run_case --desc "rtmps: an expired certificate is refused with the reason (CA trusted); tlsVerify=0 plays" rtmps-expired c_rtmps_expired
selected rtmpt && run_case --desc "rtmpt on the plain port: vod to rtmp-play, ffmpeg, rtmpdump (original); live from rtmp-publish to three rtmpt players" rtmpt c_rtmpt
selected tunnels && run_case --desc "rtmpte and rtmpts vod: rtmp-play byte-identical, rtmpdump (original) over rtmpte, ffmpeg over rtmpts" tunnels c_tunnels
selected vod && run_case --desc "vod: rtmp-play byte-identical, rtmpdump (original) as from nginx, ffmpeg" vod c_vod
selected fanout && run_case --desc "one publisher, 8 players" fanout c_fanout
selected badname && run_case --desc "a second publisher of a name gets NetStream.Publish.BadName" badname c_badname
selected broken && run_case --desc "HTTP GET, TLS, type 10, no digest, cut and silent clients: logged, relay serves on" broken-clients c_broken_clients
selected auth-adobe && run_case --desc "authmod=adobe: ffmpeg and rtmp-publish authenticate to the relay; wrong or no credentials refused" auth-adobe c_auth_adobe
selected auth-llnw && run_case --desc "authmod=llnw: ffmpeg and rtmp-publish authenticate to the relay; wrong or no credentials refused" auth-llnw c_auth_llnw
selected interrupt && run_case --desc "SIGINT -> RTMP_UserInterrupt ends a blocked receive and a blocked send at once" interrupt c_interrupt
selected rtmpsrv && run_case --desc "Debian's rtmpsrv sees the same commands from our client as from the original (rtmp, rtmpe, rtmps)" rtmpsrv-connect c_rtmpsrv_connect
if [ -n "${FFMPEG_NATIVE:-}" ]; then
  selected ffmpeg-native-8 && run_case --desc "FFmpeg's own rtmpe client (from source, no librtmp) plays over rtmpe and rtmpte; the relay answers type 8 (XTEA)" ffmpeg-native-8 c_ffmpeg_native_8
  selected ffmpeg-native-6 && run_case --desc "the same with --rtmpe-type 6" ffmpeg-native-6 c_ffmpeg_native_6
  selected ffmpeg-native-9 && run_case --desc "the same with --rtmpe-type 9 (Blowfish: FFmpeg's libavutil against ours)" ffmpeg-native-9 c_ffmpeg_native_9
fi
selected valgrind && run_case --timeout 240 --desc "the relay under valgrind: live, malformed E-RTMP tags, rtmps vod, a broken client, SIGTERM" valgrind c_valgrind
run_case --desc "every process run on ours (the relays, rtmp-play, rtmp-publish) loaded $OURS_LIBRTMP" ours-proven c_ours_proven
summary
