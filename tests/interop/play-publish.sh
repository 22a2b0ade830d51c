#!/usr/bin/env bash
# play-publish.sh [CASE-PREFIX...]: the plain-rtmp peer matrix.
#
# Debian's librtmp consumers (rtmpdump, curl, GStreamer rtmpsrc/rtmpsink, python3-librtmp) play
# from and publish to nginx-rtmp on loopback, with the librtmp chosen by LIB=orig|ours (see
# lib.sh; every case proves which librtmp.so.1 its processes loaded). Outputs are compared with
# the original library's reference download (byte for byte) or with the source file (audio and
# video payload sequences, flvtool.py cmp). Debian's ffmpeg (its own RTMP code, no librtmp) is
# the independent publisher and reader. Failure cases check that errors come back as errors,
# in bounded time. Run with no argument for all cases, or give name prefixes (e.g. vod- fail-).
# shellcheck source=tests/interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEL=("$@")

FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
NETTOOL=$INTEROP_DIR/nettool.py
MARGIN=3     # seconds a client may take beyond its own timeout to give up

echo "== interop play-publish: LIB=$LIB ($EXPECT_LIBRTMP), run dir $RUN"

# ------------------------------------------------------------------ setup
for tool in nginx ffmpeg rtmpdump rtmpsuck curl gst-launch-1.0 gst-inspect-1.0 openssl danted ip "$PY"; do
  command -v "$tool" >/dev/null || setup_fail "$tool not found (run scripts/install-deps.sh)"
done
[ -n "$ORIG_LIBRTMP" ] || setup_fail "Debian's librtmp.so.1 not found (ldd /usr/bin/rtmpdump)"
"$PY" -c 'import librtmp' 2>/dev/null || setup_fail "python3-librtmp missing for $PY"
if [ "$LIB" = ours ] && [ ! -f "$OURS_LIBRTMP" ]; then setup_fail "LIB=ours but $OURS_LIBRTMP is not built (make)"; fi
# ffmpeg must stay independent of the library under test
if ldd "$(command -v ffmpeg)" | grep -q librtmp; then setup_fail "this ffmpeg links librtmp: it is not an independent peer"; fi

t0=$(now_us)
MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || { cat "$RUN/logs/media.log"; setup_fail "make-media.sh"; }
SMALL=$MEDIA/small.flv
SMALL_SIZE=$(stat -c %s "$SMALL")
# The same media with a keyframe index in its metadata, which nginx-rtmp needs to seek.
"${FF[@]}" -i "$SMALL" -c copy -flvflags add_keyframe_index "$MEDIA/kf.flv" 2>"$RUN/logs/kf.log" || setup_fail "cannot make kf.flv"
# And as MP4, which nginx-rtmp can seek in (its FLV reader restarts from 0 on a seek).
"${FF[@]}" -i "$SMALL" -c copy -movflags +faststart "$MEDIA/small.mp4" 2>"$RUN/logs/mp4.log" || setup_fail "cannot make small.mp4"
gcc -O1 -Wall -o "$RUN/seek_read" "$INTEROP_DIR/seek_read.c" -lrtmp 2>"$RUN/logs/seek_read.log" || setup_fail "cannot build seek_read.c"
gcc -O1 -Wall -o "$RUN/packets" "$INTEROP_DIR/packets.c" -lrtmp 2>"$RUN/logs/packets.log" || setup_fail "cannot build packets.c"
gcc -O1 -g -Wall -o "$RUN/close_thread" "$INTEROP_DIR/close_thread.c" -lrtmp -lpthread 2>"$RUN/logs/close_thread.log" || setup_fail "cannot build close_thread.c"
echo "setup: media $(sed -n 's/^make-media: //p' "$RUN/logs/media.log" | head -1) ($(secs_since "$t0")s)"

t0=$(now_us)
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
echo "setup: $(grep '^nginx-main' "$RUN/logs/nginx-start.log") ($(secs_since "$t0")s)"
listen_check "$NGX_PID" >"$RUN/logs/listen-check.log" 2>&1 || { cat "$RUN/logs/listen-check.log"; setup_fail "nginx listens beyond loopback"; }
echo "setup: nginx listens only on loopback: $(grep -c '^listening' "$RUN/logs/listen-check.log") sockets"
U=rtmp://$HOST:$RTMP_PORT
rtmpt_start >"$RUN/logs/rtmpt-start.log" 2>&1 || { cat "$RUN/logs/rtmpt-start.log"; setup_fail "the RTMPT bridge did not start"; }
echo "setup: RTMPT bridge on $BRIDGE_PORT (rtmpts through nginx on $RTMPTS_PORT) -> rtmp $RTMP_PORT"
socks_start "$HTTP_PORT" >"$RUN/logs/socks-start.log" 2>&1 || { cat "$RUN/logs/socks-start.log" "$RUN/logs/danted.log" 2>/dev/null | tail; setup_fail "danted did not start"; }
echo "setup: dante SOCKS proxy on $SOCKS_PORT (refuses connections to $HTTP_PORT)"

# GStreamer: private registry, scanned once here under the selected library
t0=$(now_us)
if with_lib setup-gst gst-inspect-1.0 rtmpsrc >"$RUN/logs/gst-registry.log" 2>&1 && check_lib setup-gst >>"$RUN/logs/gst-registry.log"; then
  echo "setup: GStreamer registry $GST_REGISTRY_FILE scanned, rtmpsrc loads $EXPECT_LIBRTMP ($(secs_since "$t0")s)"
else
  echo "setup: note: GStreamer rtmpsrc does not load with LIB=$LIB (the gst cases will fail): $(tail -1 "$RUN/logs/gst-registry.log")"
fi

REF=$RUN/out/ref.flv   # the original library's download of vod/small.flv
REF_RC=$RUN/out/ref.rc # its exit code; written only once the ref case has proven the reference
# What a download through LIB must equal: the original's reference, or for ours the source file
# itself (ours keeps the 5-byte end-of-sequence tag the original drops). MAX_MISSING likewise.
if [ "$LIB" = ours ]; then EXPECT=$SMALL MAX_MISSING=0; else EXPECT=$REF MAX_MISSING=1; fi

# ------------------------------------------------------------------ helpers for the cases
# on_orig TAG CMD...: CMD (a program) on Debian's original whatever LIB is and whatever the caller
# exported (on_lib orig), ld.so's trace in $RUN/ld-orig/TAG.PID: apart from with_lib's, so that
# check_lib never counts a reference run. orig_loaded TAG proves the original is what it loaded.
# (loaded reads TAG.*: no TAG may be another's prefix followed by a dot.)
mkdir -p "$RUN/ld-orig"
on_orig() { local tag=$1; shift; on_lib orig "$RUN/ld-orig/$tag" "$@"; }
orig_loaded() { loaded orig "$RUN/ld-orig/$1" && ok "librtmp [$1, reference]: $ORIG_LIBRTMP"; }
# ref_rc: the reference download's exit code, or a word no exit code equals when there is none
ref_rc() { cat "$REF_RC" 2>/dev/null || echo "unknown (the ref case failed)"; }
# within T0_US SECS WHAT: the time since T0 is at most SECS
within() {
  local took; took=$(secs_since "$1")
  if [ $(( $(now_us) - $1 )) -le $(( $2 * 1000000 )) ]; then ok "$3 took ${took}s (limit ${2}s)"
  else fail "$3 took ${took}s, more than ${2}s"; fi
}
stat_wait() { "$PY" "$NETTOOL" stat-wait "$STAT_URL" "$@"; }
show() { echo "--- $1:"; sed 's/^/    /' "$RUN/logs/$CASE.$1.log" 2>/dev/null | tail -n "${2:-8}"; }
# live_publish_ffmpeg NAME URL: Debian's ffmpeg publishes small.flv in real time (a daemon)
live_publish_ffmpeg() { daemon_start "$1" timeout 60 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$2"; }
# GStreamer rtmpsink (librtmp's RTMP_Write) publishes small.flv in real time: GSTPUB URL
GSTPUB=(bash "$INTEROP_DIR/gst-publish.sh" "$SMALL")

# ------------------------------------------------------------------ vod: play nginx vod/small.flv
c_ref() {
  # Always the ORIGINAL library: the oracle for every vod case. Until every check below holds
  # there is no REF_RC, so no case can be compared with an unproven reference.
  on_orig "$CASE" timeout 30 rtmpdump -q -r "$U/vod/small.flv" -o "$REF"; local rc=$?
  orig_loaded "$CASE" || return 1
  # 2 = rtmpdump's "download may be incomplete": the original drops the final 5-byte H.264
  # end-of-sequence tag, so the last timestamp stays short of the metadata duration.
  [ "$rc" = 2 ] || [ "$rc" = 0 ] || { fail "original rtmpdump rc=$rc"; return 1; }
  ok "original rtmpdump rc=$rc, $(stat -c %s "$REF") of $SMALL_SIZE bytes"
  # The download is the source minus its last tag (11 header + 5 payload + 4 size bytes).
  [ "$(stat -c %s "$REF")" = $((SMALL_SIZE - 20)) ] || { fail "expected $((SMALL_SIZE - 20)) bytes"; return 1; }
  cmp -s -n "$(stat -c %s "$REF")" "$REF" "$SMALL" || { fail "not a byte-identical prefix of small.flv"; return 1; }
  ok "byte-identical prefix of small.flv, missing only the last 20 bytes"
  flvcmp "$SMALL" "$REF" --suffix --max-missing 1 || return 1
  echo "$rc" >"$REF_RC"
}

# rtmpdump_plays WHAT SECS [VAR=VALUE...] -- ARGS...: rtmpdump ARGS (the selected librtmp, at most
# SECS, with those environment variables) downloads $OUT/out.flv with the original's reference rc
# and exactly the bytes of EXPECT.
rtmpdump_plays() {
  local what=$1 secs=$2 rc envs=(); shift 2
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  with_lib "$CASE" env "${envs[@]}" timeout "$secs" rtmpdump -q "$@" -o "$OUT/out.flv"; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = "$(ref_rc)" ] || { fail "$what: rtmpdump rc=$rc, the original's was $(ref_rc)"; return 1; }
  ok "$what: rtmpdump rc=$rc, as the original's"
  same_file "$OUT/out.flv" "$EXPECT" "$what"
}
# python_plays WHAT SECS [VAR=VALUE...] -- URL: python3-librtmp (py_read.py) reads URL to its end,
# rc 0, into exactly the bytes of EXPECT.
python_plays() {
  local what=$1 secs=$2 rc envs=(); shift 2
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  with_lib "$CASE" env "${envs[@]}" timeout "$secs" "$PY" "$INTEROP_DIR/py_read.py" "$1" "$OUT/out.flv"; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "$what: py_read rc=$rc"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "$what"
}

c_vod_rtmpdump() { rtmpdump_plays "rtmpdump output" 20 -- -r "$U/vod/small.flv"; }
c_vod_python() { python_plays "python3-librtmp output" 20 -- "$U/vod/small.flv"; }

c_vod_gst() {
  # rtmpsrc plays a vod again and again: after Play.Stop the original closes the session,
  # RTMP_IsConnected turns 0 and rtmpsrc reconnects. Its output is then copies of the reference
  # back to back; taking two copies' worth also checks where the first one ends.
  local n; n=$(stat -c %s "$EXPECT")
  cat "$EXPECT" "$EXPECT" >"$OUT/ref2.flv"
  with_lib "$CASE" timeout 20 gst-launch-1.0 -q rtmpsrc location="$U/vod/small.flv" ! fdsink fd=1 \
    2>"$OUT/gst.err" | head -c $((2 * n)) >"$OUT/out.flv"
  check_lib "$CASE" || { cat "$OUT/gst.err"; return 1; }
  same_file "$OUT/out.flv" "$OUT/ref2.flv" "gst rtmpsrc output (first $((2 * n)) bytes: two plays)" \
    || { tail -5 "$OUT/gst.err"; return 1; }
}

c_vod_curl() {
  # nginx-rtmp ends a vod with a Stream EOF and nothing else. Ours ends the stream there (the
  # README: curl done in 0.1 s instead of 8 s); the original reads on until nginx drops the idle
  # connection (nginx.conf.in: ping 4s, ping_timeout 4s: about 8 s). The bound, 3 s, is under
  # nginx's ping interval, before which nginx drops nothing, so a curl done within it ended at the
  # Stream EOF; and it leaves a loaded machine thirty times the 0.1 s.
  local t0 took rc
  t0=$(now_us)
  with_lib "$CASE" timeout 40 curl -sS -o "$OUT/out.flv" "$U/vod/small.flv"; rc=$?
  took=$(( $(now_us) - t0 ))
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "curl rc=$rc"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "curl output" || return 1
  if [ "$LIB" = orig ]; then echo "note: curl took $(fmt_us "$took")s (not asserted for the original)"
  elif [ "$took" -le 3000000 ]; then ok "curl ended $(fmt_us "$took")s after it started: at the Stream EOF (limit 3 s)"
  else fail "curl took $(fmt_us "$took")s, more than 3 s: it waited for nginx to drop the connection"; fi
}

# ------------------------------------------------------------------ live: play what ffmpeg publishes
# live_play KIND: a librtmp reader subscribes first (checked on nginx's stat page), then Debian's
# ffmpeg publishes small.flv in real time; the reader must end by itself when the publisher
# leaves (UnpublishNotify), rc 0, with every audio and video payload of the source but the
# 5-byte end-of-sequence tag that librtmp drops.
live_play() {
  local kind=$1 rd rc
  case $kind in
    rtmpdump) daemon_start reader with_lib "$CASE" timeout 60 rtmpdump -q -v -r "$U/live/$CASE" -o "$OUT/out.flv" ;;
    python) daemon_start reader with_lib "$CASE" timeout 60 "$PY" "$INTEROP_DIR/py_read.py" "$U/live/$CASE" "$OUT/out.flv" --live ;;
  esac
  rd=$DAEMON_PID
  stat_wait live "$CASE" --players 1 --timeout 10 || { show reader; return 1; }
  timeout 60 "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/$CASE"; rc=$?
  [ "$rc" = 0 ] || { fail "ffmpeg publisher rc=$rc"; return 1; }
  ok "ffmpeg published small.flv in real time"
  local t0; t0=$(now_us)
  wait_exit "$rd" 10 || { fail "$kind did not end within 10 s of the publisher leaving"; show reader; return 1; }
  wait "$rd"; rc=$?
  show reader 3
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "$kind rc=$rc"; return 1; }
  ok "$kind ended by itself $(secs_since "$t0")s after the publisher, rc 0"
  flvcmp "$SMALL" "$OUT/out.flv" --suffix --max-missing "$MAX_MISSING" --min-tags 100
}
c_live_rtmpdump() { live_play rtmpdump; }
c_live_python() { live_play python; }

# ------------------------------------------------------------------ publish through librtmp
# pub_readback KIND: Debian's ffmpeg (independent) subscribes first, then a librtmp publisher
# (RTMP_Write) sends small.flv; ffmpeg's copy must hold exactly the source's audio and video
# payload sequences (ffmpeg keeps the end-of-sequence tag, and RTMP_Write sends it).
pub_readback() {
  local kind=$1 rd rc
  daemon_start reader timeout 60 "${FF[@]}" -i "$U/live/$CASE" -c copy -f flv "$OUT/readback.flv"
  rd=$DAEMON_PID
  stat_wait live "$CASE" --players 1 --timeout 10 || { show reader; return 1; }
  case $kind in
    curl) with_lib "$CASE" timeout 60 curl -sS -T "$SMALL" "$U/live/$CASE"; rc=$? ;;
    gst) with_lib "$CASE" timeout 60 "${GSTPUB[@]}" "$U/live/$CASE"; rc=$? ;;
  esac
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "$kind publisher rc=$rc"; return 1; }
  ok "$kind published, rc 0"
  wait_exit "$rd" 15 || { fail "ffmpeg reader did not end within 15 s of the publisher leaving"; show reader; return 1; }
  wait "$rd"; rc=$?
  [ "$rc" = 0 ] || { fail "ffmpeg reader rc=$rc"; show reader; return 1; }
  flvcmp "$SMALL" "$OUT/readback.flv"
}
c_pub_curl() { pub_readback curl; }
c_pub_gst() { pub_readback gst; }

# ------------------------------------------------------------------ rtmps (nginx's stream module terminates TLS)
# The run's own test CA signed the terminators' certificates (localhost and 127.0.0.1; another for
# wrong.invalid); the system store does not know it.
rtmps_url() { echo "rtmps://${2:-localhost}:$1/vod/small.flv"; }
c_rtmps_rtmpdump() {
  rtmpdump_plays "rtmpdump over rtmps (TLS 1.2, CA from SSL_CERT_FILE, name localhost)" 20 \
    SSL_CERT_FILE="$RUN/tls/ca.pem" -- -r "$(rtmps_url "$RTMPS_PORT")"
}
c_rtmps_ip() {
  python_plays "python3-librtmp over rtmps to 127.0.0.1 (certificate names the IP address)" 20 \
    SSL_CERT_DIR=/nonexistent SSL_CERT_FILE="$RUN/tls/ca.pem" -- "$(rtmps_url "$RTMPS_PORT" 127.0.0.1)"
}
c_rtmps_tls13() {
  rtmpdump_plays "rtmpdump over rtmps with a TLS-1.3-only server" 20 \
    SSL_CERT_FILE="$RUN/tls/ca.pem" -- -r "$(rtmps_url "$RTMPS13_PORT")"
}
c_rtmps_curl() {
  with_lib "$CASE" env SSL_CERT_FILE="$RUN/tls/ca.pem" timeout 40 curl -sS -o "$OUT/out.flv" "$(rtmps_url "$RTMPS_PORT")"; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "curl rc=$rc"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "curl rtmps:// output"
}
# gst_rtmps URL: rtmpsrc (RTMP_SetupURL, so options ride in the location) plays one copy of the vod
gst_rtmps() {
  local n; n=$(stat -c %s "$EXPECT")
  with_lib "$CASE" timeout 20 gst-launch-1.0 -q rtmpsrc location="$1" ! fdsink fd=1 2>"$OUT/gst.err" | head -c "$n" >"$OUT/out.flv"
  check_lib "$CASE" || { cat "$OUT/gst.err"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "gst rtmpsrc over rtmps (${2})" || { tail -5 "$OUT/gst.err"; return 1; }
}
c_rtmps_cafile() { gst_rtmps "$(rtmps_url "$RTMPS_PORT") cafile=$RUN/tls/ca.pem" "cafile= option"; }
c_rtmps_capath() {
  mkdir -p "$OUT/capath" && cp "$RUN/tls/ca.pem" "$OUT/capath/" && openssl rehash "$OUT/capath" || { fail "openssl rehash"; return 1; }
  gst_rtmps "$(rtmps_url "$RTMPS_PORT") capath=$OUT/capath" "capath= option"
}
c_rtmps_noverify() { gst_rtmps "$(rtmps_url "$RTMPS_BADHOST_PORT") tlsVerify=0" "tlsVerify=0 with an unknown CA and another host's certificate"; }
# rtmps_refused PORT HOST WHY: rtmpdump fails within 5 s, with WHY in its log
rtmps_refused() {
  local t0 rc bad=0
  t0=$(now_us)
  with_lib "$CASE" env "${@:4}" timeout -s KILL 15 rtmpdump -r "$(rtmps_url "$1" "$2")" -o "$OUT/out.flv" 2>"$OUT/rtmpdump.err"; rc=$?
  within "$t0" 5 "rtmpdump (untrusted server)" || bad=1
  check_lib "$CASE" || bad=1
  rc_is_error "$rc" "rtmpdump (untrusted server)" || bad=1
  if grep -q "$3" "$OUT/rtmpdump.err"; then ok "the log says why: $(grep -m1 "$3" "$OUT/rtmpdump.err")"
  else fail "no '$3' in rtmpdump's log:"; tail -5 "$OUT/rtmpdump.err"; bad=1; fi
  [ ! -s "$OUT/out.flv" ] && ok "no media was written" || { fail "rtmpdump wrote $(stat -c %s "$OUT/out.flv") bytes from an untrusted server"; bad=1; }
  return $bad
}
c_rtmps_untrusted() { rtmps_refused "$RTMPS_PORT" localhost "unable to get local issuer certificate" SSL_CERT_DIR=/nonexistent SSL_CERT_FILE=/nonexistent; }
c_rtmps_wronghost() { rtmps_refused "$RTMPS_BADHOST_PORT" localhost "hostname mismatch" SSL_CERT_FILE="$RUN/tls/ca.pem"; }

# ------------------------------------------------------------------ rtmpt, rtmpts (tests/interop/rtmpt_bridge.py)
# The bridge turns the HTTP tunnel into a plain connection to nginx-rtmp; nginx's stream module
# puts TLS in front of the bridge for rtmpts.
c_rtmpt_rtmpdump() { rtmpdump_plays "rtmpdump over rtmpt" 30 -- -r "rtmpt://$HOST:$BRIDGE_PORT/vod/small.flv"; }
c_rtmpt_python() { python_plays "python3-librtmp over rtmpt" 30 -- "rtmpt://$HOST:$BRIDGE_PORT/vod/small.flv"; }
c_rtmpts_rtmpdump() {
  rtmpdump_plays "rtmpdump over rtmpts (HTTP tunnel in TLS)" 30 \
    SSL_CERT_FILE="$RUN/tls/ca.pem" -- -r "rtmpts://localhost:$RTMPTS_PORT/vod/small.flv"
}
c_rtmpt_publish() {
  daemon_start reader timeout 60 "${FF[@]}" -i "$U/live/$CASE" -c copy -f flv "$OUT/readback.flv"
  local rd=$DAEMON_PID rc
  stat_wait live "$CASE" --players 1 --timeout 10 || { show reader; return 1; }
  with_lib "$CASE" timeout 60 "${GSTPUB[@]}" "rtmpt://$HOST:$BRIDGE_PORT/live/$CASE"; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "gst rtmpsink over rtmpt rc=$rc"; return 1; }
  ok "gst rtmpsink published over rtmpt, rc 0"
  wait_exit "$rd" 15 || { fail "ffmpeg reader did not end within 15 s of the publisher leaving"; show reader; return 1; }
  wait "$rd"; rc=$?
  [ "$rc" = 0 ] || { fail "ffmpeg reader rc=$rc"; show reader; return 1; }
  flvcmp "$SMALL" "$OUT/readback.flv"
}
c_rtmpt_fields() {
  # The tunnel's public members are live: a C program reads m_clientID, m_msgCounter, m_polling.
  cat >"$OUT/fields.c" <<'CEOF'
#include <librtmp/rtmp.h>
#include <stdio.h>
int main(int argc, char **argv) {
  RTMP *r = RTMP_Alloc(); char buf[65536]; long total = 0; int n;
  RTMP_Init(r);
  if (!RTMP_SetupURL(r, argv[1]) || !RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) return 1;
  printf("connected clientID=%.*s msgCounter=%d\n", r->m_clientID.av_len, r->m_clientID.av_val ? r->m_clientID.av_val : "", r->m_msgCounter);
  while ((n = RTMP_Read(r, buf, sizeof buf)) > 0) total += n;
  printf("read %ld msgCounter=%d unackd=%d\n", total, r->m_msgCounter, r->m_unackd);
  RTMP_Close(r);
  printf("closed clientID=%p msgCounter=%d\n", (void *)r->m_clientID.av_val, r->m_msgCounter);
  RTMP_Free(r);
  return 0;
}
CEOF
  gcc -O1 -Wall -I"$REPO/include" -o "$OUT/fields" "$OUT/fields.c" -L"$OURS_DIR" -lrtmp || { fail "cannot build fields.c"; return 1; }
  with_lib "$CASE" timeout 30 "$OUT/fields" "rtmpt://$HOST:$BRIDGE_PORT/vod/small.flv" >"$OUT/fields.out"; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "fields rc=$rc"; return 1; }
  local bad=0
  grep -Eq '^connected clientID=/[0-9a-f]{16} msgCounter=([5-9]|[1-9][0-9]+)$' "$OUT/fields.out" && ok "$(head -1 "$OUT/fields.out")" || { fail "after connect: $(head -1 "$OUT/fields.out")"; bad=1; }
  grep -Eq "^read $(stat -c %s "$EXPECT") msgCounter=[0-9]+ unackd=[0-9]+$" "$OUT/fields.out" && ok "$(sed -n 2p "$OUT/fields.out")" || { fail "after reading: $(sed -n 2p "$OUT/fields.out")"; bad=1; }
  grep -Eq '^closed clientID=\(nil\) msgCounter=0$' "$OUT/fields.out" && ok "RTMP_Close freed m_clientID and reset the counter" || { fail "after close: $(sed -n 3p "$OUT/fields.out")"; bad=1; }
  return $bad
}

# ------------------------------------------------------------------ SOCKS4 through Debian's dante
# through_socks N: dante's log shows more connections passed on to nginx's rtmp port than N
socks_passes() { grep -cE "pass\([0-9]+\): tcp/connect \[: .* 127\.0\.0\.1\.$RTMP_PORT\$" "$SOCKS_LOG" 2>/dev/null || true; }
through_socks() {
  local now; now=$(socks_passes)
  [ "$now" -gt "$1" ] && ok "dante passed the connection on to 127.0.0.1.$RTMP_PORT ($now so far)" \
    || { fail "dante's log shows no new connection to the rtmp port:"; tail -3 "$SOCKS_LOG"; return 1; }
}
c_socks_rtmpdump() {
  local before; before=$(socks_passes)
  rtmpdump_plays "rtmpdump -S (SOCKS4)" 20 -- -S "$HOST:$SOCKS_PORT" -r "$U/vod/small.flv" && through_socks "$before"
}
c_socks_option() {
  local before; before=$(socks_passes)
  python_plays "python3-librtmp with socks= in the URL" 20 -- "$U/vod/small.flv socks=$HOST:$SOCKS_PORT" && through_socks "$before"
}
c_socks_refused() {
  local t0 rc bad=0
  t0=$(now_us)
  with_lib "$CASE" timeout -s KILL 15 rtmpdump -S "$HOST:$SOCKS_PORT" -r "rtmp://$HOST:$HTTP_PORT/vod/small.flv" -o "$OUT/out.flv" 2>"$OUT/err"; rc=$?
  within "$t0" 5 "rtmpdump through a proxy that refuses" || bad=1
  check_lib "$CASE" || bad=1
  rc_is_error "$rc" "rtmpdump through a proxy that refuses" || bad=1
  if [ "$LIB" = ours ]; then
    grep -q "SOCKS proxy answered 91" "$OUT/err" && ok "the log says why: $(grep -m1 SOCKS "$OUT/err")" || { fail "no reason in the log:"; tail -3 "$OUT/err"; bad=1; }
  fi
  return $bad
}

# ------------------------------------------------------------------ SWF verification's hash
# A player SWF (zlib-compressed, CWS) on a local HTTP server (python's http.server): RTMP_HashSWF
# and HTTP_get print the same through both libraries, and each library reads the other's cache.
c_swf_hash() {
  local bad=0
  mkdir -p "$OUT/home-orig" "$OUT/home-ours"
  swf_server "$OUT/www" || { fail "cannot serve the SWF"; return 1; }
  # No rpath: each run below names its library (on_orig, with_lib) and proves it.
  gcc -O1 -Wall -I"$REPO/include" -o "$OUT/swf_hash" "$INTEROP_DIR/swf_hash.c" -L"$OURS_DIR" -lrtmp || { fail "cannot build swf_hash.c"; return 1; }
  local url=$SWF_URL
  on_orig "$CASE-fetch" env HOME="$OUT/home-orig" "$OUT/swf_hash" "$url" 0 >"$OUT/orig.txt" 2>"$OUT/orig.err"
  orig_loaded "$CASE-fetch" || return 1
  with_lib "$CASE" env HOME="$OUT/home-$LIB" "$OUT/swf_hash" "$url" 0 >"$OUT/lib.txt" 2>"$OUT/lib.err"
  check_lib "$CASE" || return 1
  grep -q '^RTMP_HashSWF rc=0 size=300008 ' "$OUT/orig.txt" || { fail "the original: $(head -1 "$OUT/orig.txt")"; return 1; }
  if cmp -s "$OUT/orig.txt" "$OUT/lib.txt"; then ok "RTMP_HashSWF and HTTP_get print the same as the original's:"; sed 's/^/    /' "$OUT/lib.txt"
  else fail "output differs from the original's:"; diff "$OUT/orig.txt" "$OUT/lib.txt"; bad=1; fi
  daemon_stop www
  # The server is gone: age 30 days takes the hash from the cache the other library wrote.
  with_lib "$CASE-cache" env HOME="$OUT/home-orig" "$OUT/swf_hash" "$url" 30 2>/dev/null | head -1 >"$OUT/cached.txt"
  check_lib "$CASE-cache" || return 1
  if [ "$(cat "$OUT/cached.txt")" = "$(head -1 "$OUT/orig.txt")" ]; then ok "with the server gone, the hash comes from the original's ~/.swfinfo"
  else fail "from the original's cache: $(cat "$OUT/cached.txt")"; bad=1; fi
  if [ "$LIB" = ours ]; then
    on_orig "$CASE-readback" env HOME="$OUT/home-ours" "$OUT/swf_hash" "$url" 30 2>/dev/null | head -1 >"$OUT/cached2.txt"
    orig_loaded "$CASE-readback" || return 1
    if [ "$(cat "$OUT/cached2.txt")" = "$(head -1 "$OUT/orig.txt")" ]; then ok "and the original reads ours"
    else fail "the original reading our ~/.swfinfo: $(cat "$OUT/cached2.txt")"; sed 's/^/    /' "$OUT/home-ours/.swfinfo"; bad=1; fi
  fi
  return $bad
}

# ------------------------------------------------------------------ rtmpe, rtmpte through rtmpsuck
# Debian's rtmpsuck (the original's server-side RTMPE) decrypts and proxies to the server the
# client's tcUrl names. It binds 0.0.0.0:1935, so it runs in a network namespace of its own (only
# loopback inside) with an nginx and an RTMPT bridge of its own; the clients run in there too.
ns_wait_port() { # NS PORT WHAT
  local i hex; hex=$(printf '%04X' "$2")
  for i in $(seq 200); do
    ip netns exec "$1" cat /proc/net/tcp | awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {f=1} END {exit !f}' && return 0
    sleep 0.05
  done
  fail "$3 is not listening on $2 in namespace $1 after 10 s"
}
rtmpsuck_setup() {
  NS=lrs-$CASE-$$
  ip netns add "$NS" && ip -n "$NS" link set lo up || { fail "cannot create a network namespace (needs root and ip netns)"; return 1; }
  mkdir -p "$OUT/nginx-ns/tmp" "$OUT/suck"
  sed "s#$NGX_DIR#$OUT/nginx-ns#g" "$NGX_DIR/nginx.conf" >"$OUT/nginx-ns/nginx.conf"
  daemon_start nginx-ns ip netns exec "$NS" nginx -p "$OUT/nginx-ns/" -c "$OUT/nginx-ns/nginx.conf" -e "$OUT/nginx-ns/error.log"
  daemon_start rtmpsuck on_orig "$CASE-rtmpsuck" bash -c "cd '$OUT/suck' && exec ip netns exec '$NS' rtmpsuck -z < <(exec sleep 100000)"
  daemon_start bridge-ns ip netns exec "$NS" "$PY" "$INTEROP_DIR/rtmpt_bridge.py" "$BRIDGE_PORT" 127.0.0.1 1935
  ns_wait_port "$NS" "$RTMP_PORT" nginx && ns_wait_port "$NS" 1935 rtmpsuck && ns_wait_port "$NS" "$BRIDGE_PORT" "rtmpt bridge" \
    && orig_loaded "$CASE-rtmpsuck"   # listening, so past its libraries' init
}
rtmpsuck_teardown() { daemons_stop_matching "$CASE."; ip netns del "$NS" 2>/dev/null; }
# suck_play SCHEME PORT: rtmpdump in the namespace plays through rtmpsuck == the reference
suck_play() {
  with_lib "$CASE" ip netns exec "$NS" timeout 30 rtmpdump -q -r "$1://127.0.0.1:$2/vod/small.flv" -t "rtmp://127.0.0.1:$RTMP_PORT/vod" -o "$OUT/out.flv"; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = "$(ref_rc)" ] || { fail "rtmpdump $1:// through rtmpsuck: rc=$rc, the original's was $(ref_rc)"; show rtmpsuck; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "rtmpdump $1:// through rtmpsuck"
}
c_rtmpe() {
  rtmpsuck_setup || { rtmpsuck_teardown; return 1; }
  local bad=0
  suck_play rtmpe 1935 || bad=1
  grep -q 'Type Requested : 06' "$RUN/logs/$CASE.rtmpsuck.log" && ok "rtmpsuck saw an RTMPE (type 6) handshake" || { fail "rtmpsuck did not log an RTMPE handshake"; show rtmpsuck; bad=1; }
  rtmpsuck_teardown
  return $bad
}
c_rtmpte() {
  rtmpsuck_setup || { rtmpsuck_teardown; return 1; }
  local bad=0
  suck_play rtmpte "$BRIDGE_PORT" || bad=1
  grep -q 'Type Requested : 06' "$RUN/logs/$CASE.rtmpsuck.log" && ok "rtmpsuck saw an RTMPE (type 6) handshake through the HTTP tunnel" || { fail "no RTMPE handshake at rtmpsuck"; show rtmpsuck; bad=1; }
  rtmpsuck_teardown
  return $bad
}

# ------------------------------------------------------------------ failures, in bounded time
# client_fails TAG LIMIT URL [EXTRA]: rtmpdump and python3-librtmp (in that order) must fail
# with an error exit code (not a signal, not our timeout) within LIMIT seconds.
client_fails() {
  local tag=$1 limit=$2 url=$3 t0 rc bad=0
  t0=$(now_us)
  with_lib "$CASE.rtmpdump" timeout -s KILL $((limit + 10)) rtmpdump -q ${TMO:+-m "$TMO"} -r "$url" -o "$OUT/rtmpdump.flv"; rc=$?
  within "$t0" "$limit" "rtmpdump ($tag)" || bad=1
  check_lib "$CASE.rtmpdump" || bad=1
  rc_is_error "$rc" "rtmpdump ($tag)" || bad=1
  t0=$(now_us)
  with_lib "$CASE.python" timeout -s KILL $((limit + 10)) "$PY" "$INTEROP_DIR/py_read.py" "$url" "$OUT/python.flv" ${TMO:+--timeout "$TMO"}; rc=$?
  within "$t0" "$limit" "python3-librtmp ($tag)" || bad=1
  check_lib "$CASE.python" || bad=1
  rc_is_error "$rc" "python3-librtmp ($tag)" || bad=1
  return $bad
}

c_fail_refused() {
  local port; port=$(free_ports 1)   # free a moment ago and reserved for this run: nobody listens
  client_fails "connection refused" 5 "rtmp://$HOST:$port/vod/small.flv"
}
c_fail_unknown_app() { client_fails "unknown application" 5 "$U/nosuchapp/small.flv"; }
c_fail_not_found() { client_fails "vod stream not found" 5 "$U/vod/nosuch.flv"; }

# A server that accepts and never says a word (MODE empty), or one that completes the handshake
# and never answers connect (MODE --handshake). Clients use timeout=2 (rtmpdump -m 2, python
# timeout=2).
silent_server() {
  local mode=${1:-}
  daemon_start silent "$PY" "$NETTOOL" silent "$OUT/port" ${mode:+"$mode"}
  wait_file "$OUT/port" 5 "silent server" || return 1
  TMO=2 client_fails "silent server${mode:+ after the handshake}" $((2 + MARGIN)) \
    "rtmp://$HOST:$(cat "$OUT/port")/vod/small.flv"
}
c_fail_silent_tcp() { silent_server; }
c_fail_silent_handshake() { silent_server --handshake; }

# victim_live NAME: a second nginx for this case only, a live stream NAME on it published by
# ffmpeg in real time, read by librtmp players (rtmpdump and python) that have received data.
victim_live() {
  nginx_start "$CASE" "$MEDIA" || return 1
  VU=rtmp://$HOST:$RTMP_PORT
  daemon_start rd-rtmpdump with_lib "$CASE.rtmpdump" timeout -s KILL 60 rtmpdump -q -v -m 2 -r "$VU/live/$1" -o "$OUT/rtmpdump.flv"
  RD1=$DAEMON_PID
  daemon_start rd-python with_lib "$CASE.python" timeout -s KILL 60 "$PY" "$INTEROP_DIR/py_read.py" "$VU/live/$1" "$OUT/python.flv" --live --timeout 2
  RD2=$DAEMON_PID
  stat_wait live "$1" --players 2 --timeout 10 || return 1
  live_publish_ffmpeg publisher "$VU/live/$1"
  wait_size "$OUT/rtmpdump.flv" 40000 10 "rtmpdump" && wait_size "$OUT/python.flv" 40000 10 "python3-librtmp"
}
# readers_end T0 LIMIT PY_RC: both players end within LIMIT s of T0, what they wrote is a clean
# run of the source's tags, rtmpdump's exit code is an error, and python's is an error too when
# PY_RC=error (python3-librtmp cannot tell a read timeout from the end of the stream: RTMP_Read
# returns 0 for both and only RTMP_IsTimedout, which it never calls, tells them apart).
readers_end() {
  local t0=$1 limit=$2 py_rc=$3 bad=0 k pid rc deadline
  local -A end=()
  # poll both at once: each one's end time is its own
  deadline=$(( t0 + (limit + 1) * 1000000 ))
  while [ ${#end[@]} -lt 2 ] && [ "$(now_us)" -lt "$deadline" ]; do
    alive "$RD1" || [ -n "${end[rtmpdump]:-}" ] || end[rtmpdump]=$(now_us)
    alive "$RD2" || [ -n "${end[python]:-}" ] || end[python]=$(now_us)
    sleep 0.02
  done
  for k in rtmpdump python; do
    if [ $k = rtmpdump ]; then pid=$RD1; else pid=$RD2; fi
    if [ -n "${end[$k]:-}" ]; then
      wait "$pid"; rc=$?
      local took=$(( end[$k] - t0 ))
      if [ "$took" -le $((limit * 1000000)) ]; then ok "$k ended $(fmt_us "$took")s after the event (limit ${limit}s)"
      else fail "$k took $(fmt_us "$took")s to end, more than ${limit}s"; bad=1; fi
      if [ $k = rtmpdump ] || [ "$py_rc" = error ]; then
        rc_is_error "$rc" "$k" || bad=1
      elif [ "$rc" -ge 124 ]; then
        fail "$k: rc=$rc (a signal or our timeout)"; bad=1
      else
        ok "$k: exit code $rc"
      fi
    else
      fail "$k still running $((limit + 1)) s later"; bad=1
    fi
    show "rd-$k" 3
    check_lib "$CASE.$k" || bad=1
    if flvcmp "$SMALL" "$OUT/$k.flv" --suffix --min-tags 10 >"$OUT/$k.cmp"; then
      ok "$k output is a clean run of the source's tags ($(grep -c 'OUT is SRC' "$OUT/$k.cmp") of 2 streams cut short)"
    else
      fail "$k output is not a clean run of the source"; sed 's/^/    /' "$OUT/$k.cmp"; bad=1
    fi
  done
  return $bad
}

c_fail_killed_player() {
  victim_live killed || return 1
  local t0; t0=$(now_us)
  daemon_kill "nginx-$CASE"; ok "nginx killed (SIGKILL) mid-stream"
  readers_end "$t0" 5 error
}

c_fail_stalled_player() {
  victim_live stalled || return 1
  local worker t0 bad=0
  worker=$(children "$NGX_PID")   # worker_processes 1: its only child
  [ -n "$worker" ] || { fail "no nginx worker found"; return 1; }
  t0=$(now_us)
  kill -STOP "$worker"; ok "nginx worker $worker frozen (SIGSTOP) mid-stream"
  readers_end "$t0" $((2 + MARGIN)) any || bad=1
  kill -CONT "$worker"
  return $bad
}

c_fail_killed_publisher() {
  nginx_start "$CASE" "$MEDIA" || return 1
  daemon_start publisher with_lib "$CASE" timeout -s KILL 60 "${GSTPUB[@]}" "rtmp://$HOST:$RTMP_PORT/live/killed"
  local pub=$DAEMON_PID t0 rc
  stat_wait live killed --publishing --bytes-in 50000 --timeout 10 || { show publisher; return 1; }
  t0=$(now_us)
  daemon_kill "nginx-$CASE"; ok "nginx killed (SIGKILL) mid-publish"
  wait_exit "$pub" 6 || { fail "gst rtmpsink still publishing 6 s after the server died"; return 1; }
  wait "$pub"; rc=$?
  show publisher 3
  check_lib "$CASE" || return 1
  within "$t0" 5 "gst rtmpsink ending" || return 1
  rc_is_error "$rc" "gst rtmpsink"
}

# ------------------------------------------------------------------ infrastructure for the rtmps tests
# tls_probe PORT VERIFY-OPTION...: one TLS handshake with openssl s_client against the run's CA
tls_probe() {
  local port=$1; shift
  timeout 10 openssl s_client -brief -connect "$HOST:$port" -CAfile "$RUN/tls/ca.pem" "$@" </dev/null 2>&1
}
c_tls_terminators() {
  local out bad=0
  out=$(tls_probe "$RTMPS_PORT" -verify_hostname localhost)
  grep -q 'Protocol version: TLSv1.2' <<<"$out" && grep -q 'Verification: OK' <<<"$out" \
    && ok "rtmps port $RTMPS_PORT: TLS 1.2, certificate verifies for localhost" || { fail "rtmps port $RTMPS_PORT: $out"; bad=1; }
  out=$(tls_probe "$RTMPS_PORT" -verify_ip 127.0.0.1)
  grep -q 'Verification: OK' <<<"$out" && ok "rtmps port $RTMPS_PORT: certificate verifies for 127.0.0.1" \
    || { fail "rtmps port $RTMPS_PORT (127.0.0.1): $out"; bad=1; }
  out=$(tls_probe "$RTMPS13_PORT" -verify_hostname localhost)
  grep -q 'Protocol version: TLSv1.3' <<<"$out" && grep -q 'Verification: OK' <<<"$out" \
    && ok "rtmps port $RTMPS13_PORT: TLS 1.3, certificate verifies" || { fail "rtmps port $RTMPS13_PORT: $out"; bad=1; }
  out=$(tls_probe "$RTMPS13_PORT" -tls1_2)
  if grep -q 'Protocol version' <<<"$out"; then fail "rtmps port $RTMPS13_PORT accepts TLS 1.2"; bad=1
  else ok "rtmps port $RTMPS13_PORT refuses TLS 1.2"; fi
  out=$(tls_probe "$RTMPS_BADHOST_PORT" -verify_hostname localhost)
  grep -q 'Verification error: hostname mismatch' <<<"$out" \
    && ok "rtmps port $RTMPS_BADHOST_PORT: certificate does not verify for localhost (hostname mismatch)" \
    || { fail "rtmps port $RTMPS_BADHOST_PORT: $out"; bad=1; }
  out=$(tls_probe "$RTMPS_BADHOST_PORT" -verify_hostname wrong.invalid)
  grep -q 'Verification: OK' <<<"$out" && ok "rtmps port $RTMPS_BADHOST_PORT: the same certificate verifies for wrong.invalid" \
    || { fail "rtmps port $RTMPS_BADHOST_PORT (wrong.invalid): $out"; bad=1; }
  return $bad
}


# ------------------------------------------------------------------ addressing, seeking, resuming
have_ipv6() { grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null; }

# rtmpdump with a bracketed IPv6 literal: the original cannot parse it (host "[").
c_ipv6() {
  have_ipv6 || { skip "no IPv6 loopback on this machine"; return; }
  with_lib "$CASE" timeout 20 rtmpdump -q -m 5 -r "rtmp://[::1]:$RTMP_PORT/vod/small.flv" -o "$OUT/out.flv"; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = "$(ref_rc)" ] || { fail "rtmpdump over [::1] rc=$rc, the original's was $(ref_rc)"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "rtmpdump output over IPv6"
}

# A name that resolves to both ::1 and 127.0.0.1.
c_localhost() {
  with_lib "$CASE" timeout 20 rtmpdump -q -r "rtmp://localhost:$RTMP_PORT/vod/small.flv" -o "$OUT/out.flv"; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = "$(ref_rc)" ] || { fail "rtmpdump via localhost rc=$rc, the original's was $(ref_rc)"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "rtmpdump output via localhost"
}

# orig_then_lib TAG ARGS...: rtmpdump ARGS on the original (reference) and then on LIB; the rcs
# must be equal; leaves $OUT/orig.* and $OUT/lib.* (ARGS may use @OUT@ for the output file).
rtmpdump_both() {
  local a args_o=() args_l=()
  for a in "$@"; do args_o+=("${a//@OUT@/$OUT/orig.flv}"); args_l+=("${a//@OUT@/$OUT/lib.flv}"); done
  on_orig "$CASE" timeout 30 rtmpdump "${args_o[@]}" >"$OUT/orig.log" 2>&1; RC_O=$?
  orig_loaded "$CASE" || return 1
  with_lib "$CASE" timeout 30 rtmpdump "${args_l[@]}" >"$OUT/lib.log" 2>&1; RC_L=$?
  check_lib "$CASE" || return 1
  [ "$RC_O" = "$RC_L" ] || { fail "rtmpdump rc=$RC_L, the original's was $RC_O"; tail -3 "$OUT/lib.log"; return 1; }
  ok "rtmpdump rc=$RC_L, as the original's"
}

# ours = the original's output plus at most the end-of-sequence tag it drops.
same_as_original() {
  if [ "$LIB" = orig ]; then same_file "$1" "$2" "$3"; return; fi
  local n; n=$(stat -c %s "$2")
  cmp -s -n "$n" "$1" "$2" || { fail "$3: the original's output is not a prefix of ours"; return 1; }
  flvcmp "$1" "$2" --suffix --max-missing 1 >"$OUT/cmp.log" || { cat "$OUT/cmp.log"; fail "$3"; return 1; }
  ok "$3: the original's $n bytes, then $(( $(stat -c %s "$1") - n )) more (the end-of-sequence tag)"
}

# Seeking: rtmpdump --start/--stop on a file with a keyframe index (so nginx can seek).
c_seek() {
  rtmpdump_both -q -r "$U/vod/kf.flv" -A 4 -B 7 -o @OUT@ || return 1
  # Two empty downloads would be "the same": the reference must hold media.
  flvcmp "$MEDIA/kf.flv" "$OUT/orig.flv" --suffix --min-tags 10 >"$OUT/ref-cmp.log" \
    || { fail "the original's download is not a run of kf.flv's tags"; cat "$OUT/ref-cmp.log"; return 1; }
  ok "the original's download is a run of kf.flv's tags: $(tail -1 "$OUT/ref-cmp.log")"
  same_as_original "$OUT/lib.flv" "$OUT/orig.flv" "--start 4 --stop 7"
}

# Seeking through the API: RTMP_SendSeek mid-stream (nginx answers with Stream EOF and Play.Stop
# before Seek.Notify and the data from the new position).
c_seek_api() {
  with_lib "$CASE" timeout 20 "$RUN/seek_read" "$U/vod/mp4:small.mp4" 5000; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "seek_read rc=$rc"; return 1; }
  ok "the stream went on from the seek target"
}

# The packet API (RTMP_Connect0/1, RTMP_ReadPacket, RTMP_ClientPacket, RTMP_GetNextMediaPacket):
# every message, its size, timestamp, classification and a body checksum, as the original gives.
c_packets() {
  on_orig "$CASE" timeout 20 "$RUN/packets" "$U/vod/small.flv" >"$OUT/orig.txt" 2>&1; local rc=$?
  orig_loaded "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "packets on the original: rc=$rc"; tail -3 "$OUT/orig.txt"; return 1; }
  with_lib "$CASE" timeout 20 "$RUN/packets" "$U/vod/small.flv" >"$OUT/lib.txt" 2>&1; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "packets rc=$rc"; tail -3 "$OUT/lib.txt"; return 1; }
  cmp -s "$OUT/orig.txt" "$OUT/lib.txt" || { fail "packet sequence differs from the original's"; diff "$OUT/orig.txt" "$OUT/lib.txt" | head -5; return 1; }
  ok "$(wc -l <"$OUT/lib.txt") lines identical to the original's"
}

# The same through RTMP_Connect0 with an IPv6 sockaddr (the original only speaks sockaddr_in).
c_packets_ipv6() {
  have_ipv6 || { skip "no IPv6 loopback on this machine"; return; }
  on_orig "$CASE" timeout 20 "$RUN/packets" "$U/vod/small.flv" >"$OUT/v4.txt" 2>&1; local rc=$?
  orig_loaded "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "the IPv4 reference run on the original: rc=$rc: $(tail -1 "$OUT/v4.txt")"; return 1; }
  with_lib "$CASE" timeout 20 "$RUN/packets" "$U/vod/small.flv" ::1 >"$OUT/lib.txt" 2>&1; rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "packets over ::1 rc=$rc: $(tail -1 "$OUT/lib.txt")"; return 1; }
  cmp -s "$OUT/v4.txt" "$OUT/lib.txt" || { fail "packet sequence over IPv6 differs"; return 1; }
  ok "same $(wc -l <"$OUT/lib.txt") lines over [::1]"
}

# GStreamer's pattern: RTMP_Close from another thread interrupts a blocked RTMP_Read, which returns
# 0 (end of stream); then a whole play; all under valgrind (no invalid access, no definite leak).
c_close_thread() {
  # scripts/install-deps.sh installs valgrind: without it half of the claim goes unchecked.
  command -v valgrind >/dev/null || { fail "valgrind not found (scripts/install-deps.sh installs it)"; return 1; }
  local rc ct
  mkfifo "$OUT/go" || { fail "cannot make a fifo"; return 1; }
  with_lib "$CASE" timeout 60 valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
    "$RUN/close_thread" "$U/live/nobody-$CASE" "$U/vod/small.flv" <"$OUT/go" >"$OUT/out.txt" 2>&1 &
  ct=$!
  exec 3>"$OUT/go"
  # nginx has the reader's play: close_thread may close once the reader sleeps in recvfrom (EOF
  # instead of the line if not: it then fails)
  stat_wait live "nobody-$CASE" --players 1 --timeout 20 && echo go >&3
  exec 3>&-
  wait "$ct"; rc=$?
  check_lib "$CASE" || return 1
  grep -v '^==' "$OUT/out.txt" | head -3
  [ "$rc" = 0 ] || { fail "close_thread rc=$rc (under valgrind)"; grep -m5 '^==' "$OUT/out.txt"; return 1; }
  ok "blocked read ended with 0 after RTMP_Close from another thread; valgrind clean"
}

# Resuming: rtmpdump --resume on a copy of the file cut at a tag boundary. The original cannot
# resume from nginx-rtmp: it looks for the keyframe it seeked to only among messages stamped 0, and
# nginx stamps them with their time in the file; so it gives up ("Couldn't resume FLV file", rc 1)
# and leaves the file as it was. Ours must do the same, having got as far: a library that never
# connects also leaves the file alone with rc 1, so the message is what proves each side tried.
c_resume() {
  "$PY" - "$MEDIA/kf.flv" "$OUT/cut.flv" <<'PYCUT' || { fail "cannot cut kf.flv"; return 1; }
import sys
d = open(sys.argv[1], 'rb').read()
pos = int.from_bytes(d[5:9], 'big') + 4
while pos + 11 <= len(d):
    nxt = pos + 11 + int.from_bytes(d[pos + 1:pos + 4], 'big') + 4
    if nxt > len(d) * 0.6:
        break
    pos = nxt
open(sys.argv[2], 'wb').write(d[:pos])
PYCUT
  cp "$OUT/cut.flv" "$OUT/orig.flv"; cp "$OUT/cut.flv" "$OUT/lib.flv"
  rtmpdump_both -r "$U/vod/kf.flv" -e -o @OUT@ || return 1
  local side bad=0
  [ "$RC_O" = 1 ] || { fail "the original's rc=$RC_O, not 1: it resumes from nginx now, make this case test a resume"; bad=1; }
  for side in orig lib; do
    if grep -q "Couldn't resume FLV file" "$OUT/$side.log"; then ok "$side: gave up at the resume check: $(grep -m1 "Couldn't resume" "$OUT/$side.log")"
    else fail "$side: never reached the resume check:"; grep -v '^WARNING' "$OUT/$side.log" | tail -3; bad=1; fi
    same_file "$OUT/$side.flv" "$OUT/cut.flv" "$side: the file left as it was" || bad=1
  done
  return $bad
}

# Pausing: python3-librtmp pauses and unpauses mid-stream (RTMP_Pause); nothing is lost or doubled.
c_pause_python() {
  # py_read pauses once 100000 bytes are in: only a longer stream makes it pause at all.
  [ "$(stat -c %s "$EXPECT")" -gt 100000 ] || { fail "$(basename "$EXPECT") is too short to pause in"; return 1; }
  with_lib "$CASE" timeout 20 "$PY" "$INTEROP_DIR/py_read.py" "$U/vod/small.flv" "$OUT/out.flv" --pause-after 100000; local rc=$?
  check_lib "$CASE" || return 1
  [ "$rc" = 0 ] || { fail "py_read rc=$rc"; return 1; }
  same_file "$OUT/out.flv" "$EXPECT" "python3-librtmp output with a pause and unpause"
}

# A publish the server refuses: the stream name is already being published (nginx-rtmp answers
# NetStream.Publish.BadName and drops the connection). curl -T must fail, and quickly.
c_pub_rejected() {
  daemon_start first "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/$CASE"
  stat_wait live "$CASE" --publishing --bytes-in 1000 --timeout 10 || { fail "the first publisher did not start"; return 1; }
  local t0; t0=$(now_us)
  with_lib "$CASE" timeout 20 curl -sS -T "$SMALL" "$U/live/$CASE"; local rc=$?
  check_lib "$CASE" || return 1
  rc_is_error "$rc" "curl -T to a stream name already published" || return 1
  within "$t0" 5 "the refused publish"
}

# ------------------------------------------------------------------ the matrix
if selected ref || [ ! -s "$REF" ]; then
  run_case --desc "original rtmpdump downloads vod/small.flv: the reference (rc 2, source minus its EOS tag)" ref c_ref
fi
# the long ones (real-time publishes, curl's idle wait, timeouts) in parallel
selected vod-curl && run_case_bg --desc "curl rtmp:// downloads vod == reference" vod-curl c_vod_curl
selected live-rtmpdump && run_case_bg --desc "ffmpeg publishes live -> rtmpdump plays: all payloads, rc 0 at unpublish" live-rtmpdump c_live_rtmpdump
selected live-python && run_case_bg --desc "ffmpeg publishes live -> python3-librtmp plays: all payloads, rc 0" live-python c_live_python
selected pub-gst && run_case_bg --desc "gst rtmpsink publishes (RTMP_Write) -> ffmpeg reads back identical payloads" pub-gst c_pub_gst
selected rtmps-curl && run_case_bg --desc "curl rtmps:// (CA via SSL_CERT_FILE) downloads vod == reference" rtmps-curl c_rtmps_curl
selected rtmpt-publish && run_case_bg --desc "gst rtmpsink publishes over rtmpt (RTMP_Write through the tunnel) -> ffmpeg reads back identical payloads" rtmpt-publish c_rtmpt_publish
selected pub-curl && run_case_bg --desc "curl -T publishes (RTMP_Write) -> ffmpeg reads back identical payloads" pub-curl c_pub_curl
selected fail-silent-tcp && run_case_bg --desc "server accepts, never answers: rtmpdump, python give up within timeout=2 + ${MARGIN}s" fail-silent-tcp c_fail_silent_tcp
selected fail-silent-handshake && run_case_bg --desc "server silent after the handshake: rtmpdump, python give up within timeout=2 + ${MARGIN}s" fail-silent-handshake c_fail_silent_handshake
selected fail-stalled-player && run_case_bg --desc "server freezes mid-live-stream: rtmpdump, python give up within timeout=2 + ${MARGIN}s" fail-stalled-player c_fail_stalled_player
selected fail-killed-player && run_case_bg --xfail-orig "a server that vanishes mid-stream ends RTMP_Read like a completed stream: rtmpdump 'Download complete' rc 0, python sees EOF" \
  --desc "server killed mid-live-stream: rtmpdump and python end within 5 s with an error code" fail-killed-player c_fail_killed_player
selected fail-killed-publisher && run_case_bg --xfail-orig "writes to the dead socket raise SIGPIPE: gst-launch dies with rc 141" \
  --desc "server killed mid-publish: gst rtmpsink ends within 5 s with an error code, not SIGPIPE" fail-killed-publisher c_fail_killed_publisher
# the quick ones meanwhile
selected tls-terminators && run_case --desc "TLS terminators for later rtmps tests (openssl, no librtmp): 1.2, 1.3-only, wrong host" tls-terminators c_tls_terminators
selected vod-rtmpdump && run_case --desc "rtmpdump plays vod == reference, same rc" vod-rtmpdump c_vod_rtmpdump
selected vod-python && run_case --desc "python3-librtmp reads vod == reference" vod-python c_vod_python
selected vod-gst && run_case --desc "gst rtmpsrc plays vod twice (it reconnects) == reference twice" vod-gst c_vod_gst
selected fail-refused && run_case --desc "connection refused: rtmpdump, python fail within 5 s" fail-refused c_fail_refused
selected fail-unknown-app && run_case --desc "unknown application: rtmpdump, python fail within 5 s" fail-unknown-app c_fail_unknown_app
selected fail-not-found && run_case --desc "vod stream not found: rtmpdump, python fail within 5 s" fail-not-found c_fail_not_found
selected ipv6 && run_case --xfail-orig "RTMP_ParseURL reads the host of rtmp://[::1]:port/ as '['" \
  --desc "rtmpdump plays rtmp://[::1]:port/vod == reference (IPv6 literal)" ipv6 c_ipv6
selected localhost && run_case --desc "rtmpdump plays rtmp://localhost:port/vod == reference (name with ::1 and 127.0.0.1)" localhost c_localhost
selected seek && run_case --desc "rtmpdump --start 4 --stop 7: same rc and output as the original's" seek c_seek
selected seek-api && run_case --xfail-orig "Play.Stop sent as part of a seek ends the stream" \
  --desc "RTMP_SendSeek mid-stream (nginx mp4 vod): reading goes on from the target" seek-api c_seek_api
selected packets && run_case --desc "packet API (Connect0/1, ReadPacket, ClientPacket, GetNextMediaPacket) == the original's" packets c_packets
selected packets-ipv6 && run_case --xfail-orig "RTMP_Connect0 only handles sockaddr_in" \
  --desc "RTMP_Connect0 with a sockaddr_in6: same packets over [::1]" packets-ipv6 c_packets_ipv6
selected close-thread && run_case --desc "RTMP_Close from another thread ends a blocked RTMP_Read with 0; valgrind: no errors, no leaks" close-thread c_close_thread
selected resume && run_case --desc "rtmpdump --resume from nginx (the original gives up at its resume check, rc 1, file kept): ours the same" resume c_resume
selected pause-python && run_case --desc "python3-librtmp pauses and unpauses mid-stream: output == reference" pause-python c_pause_python
selected rtmps-rtmpdump && run_case --desc "rtmpdump plays rtmps://localhost (TLS 1.2, CA via SSL_CERT_FILE) == reference" rtmps-rtmpdump c_rtmps_rtmpdump
selected rtmps-ip && run_case --desc "python3-librtmp plays rtmps://127.0.0.1 (certificate's IP address) == reference" rtmps-ip c_rtmps_ip
selected rtmps-tls13 && run_case --xfail-orig "GnuTLS client: a TLS-1.3-only server fails (GNUTLS_E_AGAIN taken as data)" \
  --desc "rtmpdump plays rtmps from a TLS-1.3-only server == reference" rtmps-tls13 c_rtmps_tls13
selected rtmps-cafile && run_case --xfail-orig "no cafile option" --desc "gst rtmpsrc with cafile= plays rtmps == reference" rtmps-cafile c_rtmps_cafile
selected rtmps-capath && run_case --xfail-orig "no capath option" --desc "gst rtmpsrc with capath= plays rtmps == reference" rtmps-capath c_rtmps_capath
selected rtmps-noverify && run_case --xfail-orig "no tlsVerify option" \
  --desc "gst rtmpsrc with tlsVerify=0 plays from an untrusted server for another host" rtmps-noverify c_rtmps_noverify
selected rtmps-untrusted && run_case --xfail-orig "certificates are never verified: it plays from anyone" \
  --desc "rtmps server signed by an unknown CA: rtmpdump fails within 5 s and says why" rtmps-untrusted c_rtmps_untrusted
selected rtmps-wronghost && run_case --xfail-orig "host names are never verified: it plays from anyone" \
  --desc "rtmps certificate for another host: rtmpdump fails within 5 s and says why" rtmps-wronghost c_rtmps_wronghost
selected rtmpt-rtmpdump && run_case --desc "rtmpdump plays rtmpt:// through the HTTP tunnel bridge == reference" rtmpt-rtmpdump c_rtmpt_rtmpdump
selected rtmpt-python && run_case --desc "python3-librtmp plays rtmpt:// == reference" rtmpt-python c_rtmpt_python
selected rtmpts && run_case --xfail-orig "rtmpts through nginx's TLS (1.3): rtmpdump dies of SIGSEGV (rc 139)" \
  --desc "rtmpdump plays rtmpts:// (tunnel in TLS, CA via SSL_CERT_FILE) == reference" rtmpts c_rtmpts_rtmpdump
selected rtmpt-fields && run_case --desc "m_clientID, m_msgCounter, m_unackd are live for C callers; RTMP_Close frees the id" rtmpt-fields c_rtmpt_fields
selected socks-rtmpdump && run_case --desc "rtmpdump -S through dante (SOCKS4) plays vod == reference" socks-rtmpdump c_socks_rtmpdump
selected socks-option && run_case --desc "python3-librtmp with socks= in the URL plays through dante == reference" socks-option c_socks_option
selected socks-refused && run_case --desc "the proxy refuses the destination: rtmpdump fails within 5 s (and ours says why)" socks-refused c_socks_refused
selected swf-hash && run_case --desc "RTMP_HashSWF of a compressed SWF over HTTP, HTTP_get, ~/.swfinfo: same as the original's, caches shared" swf-hash c_swf_hash
selected rtmpe && run_case --desc "rtmpdump rtmpe:// (DH, RC4, type-8 XTEA signatures) through Debian's rtmpsuck to nginx == reference" rtmpe c_rtmpe
selected rtmpte && run_case --desc "rtmpdump rtmpte:// (RTMPE in the HTTP tunnel) through the bridge and rtmpsuck == reference" rtmpte c_rtmpte
selected pub-rejected && run_case --xfail-orig "NetStream.Publish.BadName is ignored: curl -T waits until it is killed" \
  --desc "publish refused by the server (name taken): curl -T fails within 5 s" pub-rejected c_pub_rejected
wait_cases
summary
