#!/usr/bin/env bash
# FFmpeg built from Debian's source with --enable-librtmp, finding this library only through
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

# build NAME PKG_CONFIG_DIR [configure args]: a minimal FFmpeg with librtmp
build() {
  local name=$1 pcdir=$2; shift 2
  local src b; src=$(ls -d "$W"/ffmpeg-*/ | head -1); b=$W/build-$name
  if [ -x "$b/ffmpeg" ] && [ "$b/ffmpeg" -nt "$REPO/build/librtmp.a" ]; then echo "build-$name: up to date"; return 0; fi
  rm -rf "$b"; mkdir -p "$b"
  (cd "$b" && PKG_CONFIG_PATH=$pcdir "$src/configure" --prefix="$b/inst" \
    --disable-everything --disable-autodetect --disable-doc --disable-x86asm --disable-ffplay \
    --enable-ffmpeg --enable-ffprobe --enable-librtmp --enable-protocol='librtmp*' --enable-protocol=file \
    --enable-muxer=flv --enable-demuxer=flv,live_flv --enable-decoder=flv,h264,aac --enable-parser=h264,aac \
    --enable-bsf=aac_adtstoasc,extract_extradata "$@" >"$b/configure.log" 2>&1) || { tail -20 "$b/configure.log"; return 1; }
  grep -q '^CONFIG_LIBRTMP=yes' "$b/ffbuild/config.mak" || { echo "build-$name: librtmp not enabled"; return 1; }
  (cd "$b" && make -j"$(nproc)" >make.log 2>&1) || { tail -30 "$b/make.log"; return 1; }
  echo "build-$name: $(grep '^EXTRALIBS-avformat' "$b/ffbuild/config.mak")"
}

c_build_shared() {
  fetch || { fail "cannot fetch FFmpeg's source"; return 1; }
  [ "$(PKG_CONFIG_PATH=$REPO/build pkg-config --variable=libdir librtmp)" = "$REPO/build" ] || { fail "pkg-config does not find build/librtmp-uninstalled.pc first"; return 1; }
  build shared "$REPO/build" || { fail "FFmpeg did not build against build/ (shared)"; return 1; }
  readelf -d "$W/build-shared/ffmpeg" | grep -q 'NEEDED.*\[librtmp.so.1\]' || { fail "ffmpeg does not need librtmp.so.1"; return 1; }
  LD_LIBRARY_PATH=$REPO/build ldd "$W/build-shared/ffmpeg" | grep -q "$REPO/build/librtmp.so.1" || { fail "ffmpeg does not load build/librtmp.so.1"; return 1; }
  ok "ffmpeg built with --enable-librtmp against build/ (NEEDED librtmp.so.1)"
}

c_build_static() {
  fetch || { fail "cannot fetch FFmpeg's source"; return 1; }
  local d=$W/static-librtmp
  rm -rf "$d"; mkdir -p "$d"
  cp "$REPO/build/librtmp.a" "$d/"
  sed -e "s#^libdir=.*#libdir=$d#" "$REPO/build/librtmp-uninstalled.pc" >"$d/librtmp.pc"
  build static "$d" --pkg-config-flags=--static || { fail "FFmpeg did not build against librtmp.a"; return 1; }
  ldd "$W/build-static/ffmpeg" | grep -q librtmp && { fail "the static build still loads a librtmp.so"; return 1; }
  nm "$W/build-static/ffmpeg_g" | grep -q ' T RTMP_Read$' || { fail "RTMP_Read is not in the static ffmpeg"; return 1; }
  ok "ffmpeg built with --enable-librtmp --pkg-config-flags=--static: librtmp.a linked in"
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

run_case --timeout 900 --desc "FFmpeg (Debian source) configured with --enable-librtmp via PKG_CONFIG_PATH, linked to librtmp.so.1" build-shared c_build_shared
run_case --timeout 900 --desc "the same with --pkg-config-flags=--static against librtmp.a alone" build-static c_build_static
run_case_bg --desc "FFmpeg (shared) publishes live and plays vod through librtmp: tags equal" roundtrip-shared c_roundtrip_shared
run_case_bg --desc "FFmpeg (static) publishes live and plays vod through librtmp: tags equal" roundtrip-static c_roundtrip_static
wait_cases
run_case --desc "FFmpeg's rtmp_app, rtmp_playpath, rtmp_buffer, rtmp_conn, rtmp_live reach the wire (a witness decodes them)" options c_options
summary
