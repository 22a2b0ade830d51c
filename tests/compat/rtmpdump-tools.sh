#!/usr/bin/env bash
# Source compatibility: rtmpdump's own tools (rtmpdump.c, rtmpgw.c, rtmpsrv.c, rtmpsuck.c from
# Debian's rtmpdump source package) compile unchanged against our headers with -Wall, with no
# warning that Debian's headers do not also cause, link against our library, and the rtmpdump so
# built downloads from nginx-rtmp the same bytes as Debian's rtmpdump binary.
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
    gcc -o "$RUN/bin-$t" "$RUN/ours/$t.o" "${extra[@]}" -L"$REPO/build" -lrtmp -Wl,-rpath,"$REPO/build" 2>"$OUT/$t.link" \
      && ok "$t links against build/librtmp.so.1" || { fail "$t does not link"; cat "$OUT/$t.link"; bad=1; }
  done
  return $bad
}

c_download() {
  env -u LD_LIBRARY_PATH timeout 20 "$RUN/bin-rtmpdump" -q -r "$U/vod/small.flv" -o "$OUT/built.flv"; local rc1=$?
  with_lib "$CASE" timeout 20 rtmpdump -q -r "$U/vod/small.flv" -o "$OUT/debian.flv"; local rc2=$?
  check_lib "$CASE" || return 1
  ldd "$RUN/bin-rtmpdump" | grep -q "$REPO/build/librtmp.so.1" || { fail "the built rtmpdump does not load build/librtmp.so.1"; return 1; }
  [ "$rc1" = "$rc2" ] || { fail "built rtmpdump rc=$rc1, Debian's rc=$rc2"; return 1; }
  same_file "$OUT/built.flv" "$OUT/debian.flv" "the built rtmpdump's download"
}

MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT

run_case --desc "rtmpdump, rtmpgw, rtmpsrv, rtmpsuck, thread.c compile against our headers (-Wall, same warnings as Debian's headers)" compile c_compile
run_case --desc "the four tools link against build/librtmp.so.1" link c_link
run_case --desc "the rtmpdump built from source downloads nginx vod == Debian's rtmpdump binary, same rc" download c_download
summary
