#!/usr/bin/env bash
# The CRYPTO= build (no OpenSSL at all; make CRYPTO= BUILD=build/nocrypto): it plays plain rtmp
# from nginx-rtmp (its rtmp-play example, byte-identical to the source), its librtmp.pc needs no
# OpenSSL, rtmps fails cleanly, and a program links statically against its librtmp.a with pkg-config --static.
B=${1:-build/nocrypto}
LIB=ours SUITE=nocrypto-interop
# The CRYPTO= build is the library under test here, whatever OURS_DIR the caller has.
OURS_DIR=$(cd "$B" 2>/dev/null && pwd) || { echo "FAIL   setup: $B is not built (make CRYPTO= BUILD=$B)"; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
[ -x "$B/rtmp-play" ] || setup_fail "$B/rtmp-play is not built (make CRYPTO= BUILD=$B)"

c_play() {
  ! ldd "$B/librtmp.so.1" | grep -q 'libssl\|libcrypto' || { fail "the CRYPTO= library links OpenSSL"; return 1; }
  with_lib "$CASE" "$B/rtmp-play" "$U/vod/small.flv" -o "$OUT/out.flv" || { fail "rtmp-play (CRYPTO=) failed"; return 1; }
  check_lib "$CASE" || return 1
  same_file "$OUT/out.flv" "$SMALL" "rtmp-play on the CRYPTO= library"
}

c_rtmps() {
  local rc
  with_lib "$CASE" timeout -s KILL 10 "$B/rtmp-play" "rtmps://$HOST:$RTMPS_PORT/vod/small.flv" -o "$OUT/out.flv" 2>"$OUT/err"; rc=$?
  check_lib "$CASE" || return 1
  rc_is_error "$rc" "rtmp-play rtmps:// on the CRYPTO= library" || return 1
  grep -q "built without it (CRYPTO=)" "$OUT/err" && ok "it says why: $(grep -m1 CRYPTO= "$OUT/err")" \
    || { fail "no clear log line:"; tail -3 "$OUT/err"; return 1; }
}

c_static() {
  local d=$OUT/pc
  mkdir -p "$d"
  cp "$B/librtmp.a" "$d/"
  sed "s#^libdir=.*#libdir=$d#; s#^includedir=.*#includedir=$REPO/include#" "$B/librtmp-uninstalled.pc" >"$d/librtmp.pc"
  grep -q '^Requires.private: *$' "$d/librtmp.pc" || { fail "Requires.private names OpenSSL: $(grep Requires "$d/librtmp.pc")"; return 1; }
  printf '#include <librtmp/rtmp.h>\nint main(void) { RTMP r; RTMP_Init(&r); return RTMP_Socket(&r) == -1 ? 0 : 1; }\n' >"$OUT/t.c"
  gcc -DNO_CRYPTO -o "$OUT/t" "$OUT/t.c" $(PKG_CONFIG_PATH=$d pkg-config --cflags --static --libs librtmp) || { fail "static link: $(PKG_CONFIG_PATH=$d pkg-config --static --libs librtmp)"; return 1; }
  "$OUT/t" || { fail "the static program failed"; return 1; }
  ! ldd "$OUT/t" | grep -q 'librtmp\|libssl' || { fail "the static program loads librtmp or OpenSSL"; return 1; }
  ok "static link with: $(PKG_CONFIG_PATH=$d pkg-config --static --libs librtmp)"
}

MEDIA=$RUN/media
bash tests/media/make-media.sh "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
SMALL=$MEDIA/small.flv
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT
run_case --desc "CRYPTO= build plays plain rtmp (rtmp-play, vod == source)" nocrypto-play c_play
run_case --desc "CRYPTO= build refuses rtmps cleanly, with a log line" nocrypto-rtmps c_rtmps
run_case --desc "CRYPTO= librtmp.pc: no OpenSSL; a program links statically against librtmp.a" nocrypto-static c_static
summary
