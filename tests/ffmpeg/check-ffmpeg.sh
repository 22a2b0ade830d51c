#!/usr/bin/env bash
# FFmpeg 9 (tests/ffmpeg/source.sh) built with --enable-librtmp, finding this library only through
# PKG_CONFIG_PATH (build/librtmp-uninstalled.pc), once against librtmp.so.1 and once against
# librtmp.a alone; each build then publishes and plays through nginx-rtmp, and its librtmp options
# (rtmp_live, rtmp_buffer, rtmp_app, rtmp_playpath, rtmp_conn) must reach the wire, as a witness
# between FFmpeg and nginx decodes it.
#   FFMPEG_CACHE=DIR  where the source and builds are kept (default target/ffmpeg)
LIB=ours
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"

# shellcheck source=tests/ffmpeg/source.sh
source "$REPO/tests/ffmpeg/source.sh"
FFX=(-hide_banner -nostdin -y)

# The configuration: the librtmp protocols, file, FLV in and out, and the parsers and decoders
# stream copy needs to fill in the FLV header, for the legacy codecs and for Enhanced RTMP's
# (tests/ertmp plays HEVC, AV1, VP9, Opus, FLAC, AC-3 and E-AC-3 through this build).
FF_CONFIG=(--disable-everything --disable-autodetect --disable-doc --disable-x86asm --disable-ffplay
  --enable-ffmpeg --enable-ffprobe --enable-librtmp --enable-protocol='librtmp*' --enable-protocol=file
  --enable-muxer=flv --enable-demuxer=flv,live_flv
  --enable-decoder=flv,h264,hevc,vp9,aac,opus,flac,ac3,eac3 --enable-parser=h264,hevc,av1,vp9,aac,opus,flac,ac3
  --enable-bsf=aac_adtstoasc,extract_extradata)

# configure DIR PKG_CONFIG_DIR [args]: FFmpeg configured in DIR, finding librtmp in PKG_CONFIG_DIR only
configure() {
  local b=$1 pcdir=$2; shift 2
  rm -rf "$b"; mkdir -p "$b"
  (cd "$b" && PKG_CONFIG_PATH=$pcdir "$W/ffmpeg-$FFMPEG_VERSION/configure" --prefix="$b/inst" "${FF_CONFIG[@]}" "$@" \
    >"$b/configure.log" 2>&1) || { tail -20 "$b/configure.log"; return 1; }
  grep -q '^CONFIG_LIBRTMP=yes' "$b/ffbuild/config.mak" || { echo "$b: librtmp not enabled"; return 1; }
}

# up_to_date DIR: its ffmpeg is newer than our library and of this FFmpeg version
up_to_date() {
  [ -x "$1/ffmpeg" ] && [ "$1/ffmpeg" -nt "$REPO/build/librtmp.a" ] && grep -qs "^$FFMPEG_VERSION\$" "$1/.rtmp-test-version"
}

c_build_shared() {
  fetch || { fail "cannot fetch FFmpeg's source"; return 1; }
  [ "$(PKG_CONFIG_PATH=$REPO/build pkg-config --variable=libdir librtmp)" = "$REPO/build" ] || { fail "pkg-config does not find build/librtmp-uninstalled.pc first"; return 1; }
  local b=$W/build-shared
  if up_to_date "$b"; then
    echo "build-shared: up to date"
  else
    configure "$b" "$REPO/build" || { fail "FFmpeg $FFMPEG_VERSION did not configure against build/"; return 1; }
    (cd "$b" && make -j"$(nproc)" >make.log 2>&1) || { tail -30 "$b/make.log"; fail "FFmpeg did not build against build/ (shared)"; return 1; }
    echo "$FFMPEG_VERSION" >"$b/.rtmp-test-version"
  fi
  echo "build-shared: $(grep '^EXTRALIBS-avformat' "$b/ffbuild/config.mak")"
  readelf -d "$b/ffmpeg" | grep -q 'NEEDED.*\[librtmp.so.1\]' || { fail "ffmpeg does not need librtmp.so.1"; return 1; }
  LD_LIBRARY_PATH=$REPO/build ldd "$b/ffmpeg" | grep -q "$REPO/build/librtmp.so.1" || { fail "ffmpeg does not load build/librtmp.so.1"; return 1; }
  ok "FFmpeg $FFMPEG_VERSION built with --enable-librtmp against build/ (NEEDED librtmp.so.1)"
}

# The static build is configured on its own (configure links its librtmp test program against
# librtmp.a with the .pc's Libs.private), and its programs are then linked from the shared build's
# objects, which that configuration compiles identically (only the link line differs): a second
# compile of FFmpeg would prove nothing more and cost CI minutes.
c_build_static() {
  fetch || { fail "cannot fetch FFmpeg's source"; return 1; }
  local d=$W/static-librtmp b=$W/build-static conf=$W/configure-static
  [ -x "$W/build-shared/ffmpeg" ] || { fail "no shared build to link from"; return 1; }
  if ! up_to_date "$b"; then
    rm -rf "$d"; mkdir -p "$d"
    cp "$REPO/build/librtmp.a" "$d/"
    sed -e "s#^libdir=.*#libdir=$d#" "$REPO/build/librtmp-uninstalled.pc" >"$d/librtmp.pc"
    configure "$conf" "$d" --pkg-config-flags=--static || { fail "FFmpeg did not configure against librtmp.a"; return 1; }
    rm -rf "$b" && cp -a "$W/build-shared" "$b"
    local libs; libs=$(grep '^EXTRALIBS-avformat=' "$conf/ffbuild/config.mak")
    sed -i "s#^EXTRALIBS-avformat=.*#$libs#" "$b/ffbuild/config.mak"
    rm -f "$b"/ffmpeg "$b"/ffmpeg_g "$b"/ffprobe "$b"/ffprobe_g
    (cd "$b" && make -j"$(nproc)" ffmpeg ffprobe >relink.log 2>&1) || { tail -20 "$b/relink.log"; fail "ffmpeg did not link against librtmp.a"; return 1; }
  fi
  echo "build-static: $(grep '^EXTRALIBS-avformat' "$b/ffbuild/config.mak")"
  grep '^EXTRALIBS-avformat=' "$b/ffbuild/config.mak" | grep -q -- '-lcrypto' || { fail "--static did not bring librtmp.a's private libraries"; return 1; }
  ldd "$b/ffmpeg" | grep -q librtmp && { fail "the static build still loads a librtmp.so"; return 1; }
  nm "$b/ffmpeg_g" | grep -q ' T RTMP_Read$' || { fail "RTMP_Read is not in the static ffmpeg"; return 1; }
  ok "ffmpeg configured with --pkg-config-flags=--static and linked with librtmp.a inside"
}

# roundtrip NAME: publish small.flv through this FFmpeg (live) while Debian's native ffmpeg
# records; then play vod/small.flv back through it; both must hold the source's tags.
roundtrip() {
  local ff=$W/build-$1/ffmpeg
  [ -x "$ff" ] || { fail "no ffmpeg build-$1"; return 1; }
  daemon_start reader ffmpeg "${FFX[@]}" -loglevel error -i "$U/live/$CASE" -c copy -f flv "$OUT/live.flv"
  local reader=$DAEMON_PID
  stat_wait live "$CASE" --players 1 --timeout 10 || { fail "the reader did not subscribe"; return 1; }
  with_lib "$CASE" timeout 40 "$ff" "${FFX[@]}" -loglevel error -re -i "$SMALL" -c copy -f flv "$U/live/$CASE" || { fail "publishing through librtmp failed"; return 1; }
  wait_exit "$reader" 15 || { fail "the reader did not end"; return 1; }
  flvcmp "$SMALL" "$OUT/live.flv" || { fail "published tags differ"; return 1; }
  with_lib "$CASE" timeout 40 "$ff" "${FFX[@]}" -loglevel error -i "$U/vod/small.flv" -c copy -f flv "$OUT/vod.flv" || { fail "playing through librtmp failed"; return 1; }
  if [ "$1" = shared ]; then check_lib "$CASE" || return 1; fi
  flvcmp "$SMALL" "$OUT/vod.flv" || { fail "played tags differ"; return 1; }
  ok "publish and play through FFmpeg's librtmp protocol ($1): tags equal the source's"
}
c_roundtrip_shared() { roundtrip shared; }
c_roundtrip_static() { roundtrip static; }

# FFmpeg's librtmp options end up in the URL string it gives RTMP_SetupURL. What reached the wire
# is judged from the bytes: tests/interop/wiretap.py relays to nginx and decodes what the client
# sent (the connect object and its extra arguments, SetBufferLength, play and its start).
# wire_has CONN PYTHON-EXPR WHAT: some message of connection CONN in the tap's log satisfies EXPR
# (over `m`, one decoded message: m['command'] = [name, txn, obj, args...], m['event'], m['values'])
wire_has() {
  "$PY" - "$OUT/tap.log" "$1" "$2" <<'PYEOF' && ok "$3 (on the wire)" || { fail "$3: not on the wire"; sed 's/^/    /' "$OUT/tap.log" | cut -c1-200; return 1; }
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(eval(sys.argv[3], {}, {'m': m}) for m in msgs if m['conn'] == int(sys.argv[2])) else 1)
PYEOF
}
c_options() {
  local ff=$W/build-shared/ffmpeg log=$OUT/opts.log tap
  daemon_start tap "$PY" "$INTEROP_DIR/wiretap.py" "$OUT/tap.port" "$HOST" "$RTMP_PORT" "$OUT/tap.log"
  wait_file "$OUT/tap.port" 10 "the wiretap" || { fail "the wiretap did not start"; return 1; }
  tap=$(cat "$OUT/tap.port")
  with_lib "$CASE" timeout 30 "$ff" "${FFX[@]}" -loglevel error -rtmp_app vod -rtmp_playpath small.flv -rtmp_buffer 4321 \
    -rtmp_conn "S:hello N:42" -i "rtmp://$HOST:$tap/" -c copy -f flv "$OUT/opt.flv" 2>"$log" || { tail -5 "$log"; fail "playing with options failed"; return 1; }
  check_lib "$CASE" || return 1
  flvcmp "$SMALL" "$OUT/opt.flv" || { fail "the tags played with the options differ from the source's"; return 1; }
  wire_has 1 "m.get('command', [''])[0] == 'connect' and m['command'][2].get('app') == 'vod'" "rtmp_app vod: the connect object's app" || return 1
  wire_has 1 "m.get('command', [''])[0] == 'connect' and m['command'][3:] == ['hello', 42.0]" "rtmp_conn S:hello N:42: the connect's extra arguments" || return 1
  wire_has 1 "m.get('event') == 3 and m['values'] == [1, 4321]" "rtmp_buffer 4321: SetBufferLength of stream 1" || return 1
  wire_has 1 "m.get('command', [''])[0] == 'play' and m['command'][3] == 'small.flv'" "rtmp_playpath small.flv: the play command's name" || return 1
  with_lib "$CASE" timeout 30 "$ff" "${FFX[@]}" -loglevel error -rtmp_live live -t 1 -i "rtmp://$HOST:$tap/vod/small.flv" -c copy -f flv "$OUT/live-opt.flv" 2>"$OUT/live.log" || true
  wire_has 2 "m.get('command', [''])[0] == 'play' and m['command'][3:5] == ['small', -1000.0]" "rtmp_live live: play starts at -1000" || return 1
}

MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
SMALL=$MEDIA/small.flv
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT
stat_wait() { "$PY" "$INTEROP_DIR/nettool.py" stat-wait "$STAT_URL" "$@"; }

run_case --timeout 900 --desc "FFmpeg 9 configured with --enable-librtmp via PKG_CONFIG_PATH, linked to librtmp.so.1" build-shared c_build_shared
run_case --timeout 900 --desc "configured with --pkg-config-flags=--static against librtmp.a alone, and linked with it" build-static c_build_static
run_case_bg --desc "FFmpeg (shared) publishes live and plays vod through librtmp: tags equal" roundtrip-shared c_roundtrip_shared
run_case_bg --desc "FFmpeg (static) publishes live and plays vod through librtmp: tags equal" roundtrip-static c_roundtrip_static
wait_cases
run_case --desc "FFmpeg's rtmp_app, rtmp_playpath, rtmp_buffer, rtmp_conn, rtmp_live reach the wire (a witness decodes them)" options c_options
summary
