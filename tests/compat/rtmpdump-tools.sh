#!/usr/bin/env bash
# Source compatibility: rtmpdump's own tools (rtmpdump.c, rtmpgw.c, rtmpsrv.c, rtmpsuck.c from
# Debian's rtmpdump source package) compile unchanged against our headers with -Wall, with no
# warning that Debian's headers do not also cause, link against our library (OURS_DIR, default
# build/; see tests/common.sh), and the rtmpdump so built, proven to run on it, downloads a vod
# from nginx-rtmp whole: the source file byte for byte, which is Debian's rtmpdump's download on
# Debian's library plus the final tag the original drops.
# The tools also include rtmp_sys.h, an internal header of the librtmp source tree; it comes from
# the same source package.
LIB=ours
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"

SRC_CACHE=${COMPAT_SRC_CACHE:-$REPO/target/debian-src}
bash "$REPO/tests/compat/debian-source.sh" rtmpdump "$SRC_CACHE" >"$RUN/logs/source.log" 2>&1 || { cat "$RUN/logs/source.log"; setup_fail "cannot fetch Debian's rtmpdump source"; }
S=$SRC_CACHE/rtmpdump
TOOLS=(rtmpdump rtmpgw rtmpsrv rtmpsuck)
CFLAGS=(-Wall -O2 -D_FILE_OFFSET_BITS=64 '-DRTMPDUMP_VERSION="v2.4"')

# Two trees with the tools' sources: one with our headers, one with Debian's (the control).
for which in ours debian; do
  d=$RUN/$which
  mkdir -p "$d/librtmp"
  cp "$S"/*.c "$S"/thread.h "$d/"
  cp "$S/librtmp/rtmp_sys.h" "$d/librtmp/"
  if [ $which = ours ]; then cp "$REPO"/include/librtmp/*.h "$d/librtmp/"; else cp /usr/include/librtmp/*.h "$d/librtmp/"; fi
done

c_compile() {
  local t bad=0
  for t in "${TOOLS[@]}" thread; do
    (cd "$RUN/ours" && gcc "${CFLAGS[@]}" -c "$t.c" -o "$t.o") 2>"$OUT/$t.ours.warn" || { fail "$t.c does not compile against our headers"; cat "$OUT/$t.ours.warn"; bad=1; continue; }
    (cd "$RUN/debian" && gcc "${CFLAGS[@]}" -c "$t.c" -o "$t.o") 2>"$OUT/$t.debian.warn" || { fail "$t.c does not compile against Debian's headers"; bad=1; continue; }
    # Warnings compared without line numbers inside headers (the headers differ in layout).
    local a b
    a=$(grep -E 'warning:' "$OUT/$t.ours.warn" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u)
    b=$(grep -E 'warning:' "$OUT/$t.debian.warn" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u)
    if [ "$a" != "$b" ]; then fail "$t.c: warnings differ from Debian's headers"; diff <(echo "$b") <(echo "$a") | head; bad=1
    else ok "$t.c compiles with our headers, $(grep -c 'warning:' "$OUT/$t.ours.warn") warnings, as with Debian's"; fi
  done
  return $bad
}

c_link() {
  local t bad=0 extra
  for t in "${TOOLS[@]}"; do
    extra=(); [ $t != rtmpdump ] && extra=("$RUN/ours/thread.o" -lpthread)
    gcc -o "$RUN/bin-$t" "$RUN/ours/$t.o" "${extra[@]}" -L"$OURS_DIR" -lrtmp -Wl,-rpath,"$OURS_DIR" 2>"$OUT/$t.link" \
      && ok "$t links against $OURS_LIBRTMP" || { fail "$t does not link"; cat "$OUT/$t.link"; bad=1; }
  done
  return $bad
}

c_download() {
  # rtmpdump creates its output file before it connects: a failed download leaves a file too,
  # so a download is judged by its rc, its size and its bytes, never by two files agreeing.
  local rc_built rc_deb deb_size
  [ -x "$RUN/bin-rtmpdump" ] || { fail "no built rtmpdump (the link case failed)"; return 1; }
  on_lib orig "$OUT/debian.trace" timeout 20 rtmpdump -q -r "$U/vod/small.flv" -o "$OUT/debian.flv"; rc_deb=$?
  loaded orig "$OUT/debian.trace" || return 1
  # rc 2, "may be incomplete": the original drops the final 5-byte end-of-sequence tag (11 header
  # + 5 payload + 4 size bytes), so its last timestamp falls short of the duration.
  [ "$rc_deb" = 0 ] || [ "$rc_deb" = 2 ] || { fail "Debian's rtmpdump on $ORIG_LIBRTMP: rc=$rc_deb"; return 1; }
  deb_size=$(stat -c %s "$OUT/debian.flv" 2>/dev/null || echo 0)
  [ "$deb_size" = $((SMALL_SIZE - 20)) ] && cmp -s -n "$deb_size" "$OUT/debian.flv" "$SMALL" \
    || { fail "Debian's rtmpdump on $ORIG_LIBRTMP (rc=$rc_deb) did not download small.flv less its last tag: $deb_size of $SMALL_SIZE bytes"; return 1; }
  ok "Debian's rtmpdump on $ORIG_LIBRTMP: rc=$rc_deb, small.flv less its last 20 bytes"
  on_lib ours "$OUT/built.trace" timeout 20 "$RUN/bin-rtmpdump" -q -r "$U/vod/small.flv" -o "$OUT/built.flv"; rc_built=$?
  loaded ours "$OUT/built.trace" || return 1
  [ "$rc_built" = 0 ] || [ "$rc_built" = 2 ] || { fail "the built rtmpdump on $OURS_LIBRTMP: rc=$rc_built"; return 1; }
  [ "$rc_built" = "$rc_deb" ] || { fail "the built rtmpdump on $OURS_LIBRTMP: rc=$rc_built, Debian's on the original: rc=$rc_deb"; return 1; }
  ok "the built rtmpdump on $OURS_LIBRTMP: rc=$rc_built, as Debian's on the original"
  cmp -s -n "$deb_size" "$OUT/built.flv" "$OUT/debian.flv" \
    || { fail "the built rtmpdump's download does not begin with Debian's ($(stat -c %s "$OUT/built.flv" 2>/dev/null || echo no) bytes): $(cmp -n "$deb_size" "$OUT/built.flv" "$OUT/debian.flv" 2>&1 | head -1)"; return 1; }
  ok "the built rtmpdump's download begins with Debian's $deb_size bytes"
  same_file "$OUT/built.flv" "$SMALL" "the built rtmpdump's download"
}

MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
SMALL=$MEDIA/small.flv
SMALL_SIZE=$(stat -c %s "$SMALL")
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT

run_case --desc "rtmpdump, rtmpgw, rtmpsrv, rtmpsuck, thread.c compile against our headers (-Wall, same warnings as Debian's headers)" compile c_compile
run_case --desc "the four tools link against $OURS_LIBRTMP" link c_link
run_case --desc "the rtmpdump built from source, on $OURS_LIBRTMP, downloads nginx vod: small.flv whole; Debian's rtmpdump on the original: the same less the last tag, same rc" download c_download
summary
