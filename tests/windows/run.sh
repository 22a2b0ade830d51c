#!/usr/bin/env bash
# The Windows drop-in, under wine64 (make check-windows). The original librtmp 2.4 and its own
# tools are built for Windows from Debian's rtmpdump source (original.sh: `make SYS=mingw
# CRYPTO=`); each tool, linked against the ORIGINAL's import library, then runs once with the
# original's librtmp-1.dll beside it and once with ours in its place, against peers on Linux
# (nginx-rtmp, Debian's ffmpeg and rtmpdump, curl, dante, rtmp-relay). Three sides:
#   orig    the original's NO_CRYPTO tools on the original's DLL (the control)
#   ours    the same .exe files on our CRYPTO= DLL
#   crypto  the original's rtmpdump/rtmpgw compiled with the crypto layout, on our OpenSSL DLL
#           (rtmps, rtmpe: the original's crypto build cannot be made here)
# Every run proves from wine's loader trace which librtmp-1.dll it loaded.
#
#   WIN_OURS=DIR, WIN_OURS_NOCRYPTO=DIR   our builds (default build/x86_64-pc-windows-gnu[-nocrypto])
#   tests/windows/run.sh [CASE-PREFIX...]
SUITE=${SUITE:-windows}
LIB=ours
# shellcheck source=tests/interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
SEL=("$@")
ARCH=x86_64
WIN=$REPO/target/windows
ORIG=$WIN/original-$ARCH
OURS_C=${WIN_OURS:-$REPO/build/$ARCH-pc-windows-gnu}
OURS_N=${WIN_OURS_NOCRYPTO:-$REPO/build/$ARCH-pc-windows-gnu-nocrypto}
CC=$ARCH-w64-mingw32-gcc
export WINEPREFIX=${WINEPREFIX:-$WIN/wineprefix} WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
unset DISPLAY

echo "== windows: the original's tools under wine64 on the original's librtmp-1.dll and on ours; run dir $RUN"
for d in "$OURS_C" "$OURS_N"; do
  [ -s "$d/librtmp-1.dll" ] || setup_fail "no $d/librtmp-1.dll: make check-windows builds it (make SYS=mingw CROSS_COMPILE=$ARCH-w64-mingw32- [CRYPTO=])"
done
command -v wine >/dev/null || setup_fail "no wine: scripts/install-windows-deps.sh installs it"
for a in x86_64 i686; do
  bash "$TESTS_DIR/windows/original.sh" $a "$WIN/original-$a" >>"$RUN/logs/original.log" 2>&1 || { cat "$RUN/logs/original.log"; setup_fail "the original did not build for $a Windows"; }
done
OURS_32=${WIN_OURS_32:-$REPO/build/i686-pc-windows-gnu-nocrypto}

# The wine prefix is made once (a few seconds) and kept under target/.
if [ ! -s "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  timeout 300 wineboot -i >"$RUN/logs/wineboot.log" 2>&1 || { tail "$RUN/logs/wineboot.log"; setup_fail "wineboot could not make $WINEPREFIX"; }
  wineserver -w
fi

# The programs of each side, each side in its own directory with its librtmp-1.dll (Windows
# loads the DLL beside the .exe first) and the stand-in bcryptprimitives.dll (bcryptprimitives.c).
W=$RUN/win
mkdir -p "$W/orig" "$W/ours" "$W/crypto"
"$CC" -shared -O2 -o "$W/bcryptprimitives.dll" "$TESTS_DIR/windows/bcryptprimitives.c" "$TESTS_DIR/windows/bcryptprimitives.def" -lbcrypt \
  || setup_fail "the bcryptprimitives stand-in did not build"
cp "$ORIG/src/librtmp/librtmp-1.dll" "$W/orig/"
cp "$OURS_N/librtmp-1.dll" "$W/ours/"
cp "$OURS_C/librtmp-1.dll" "$W/crypto/"
for s in orig ours; do cp "$ORIG"/src/{rtmpdump,rtmpgw,rtmpsrv}.exe "$W/$s/"; done
cp "$ORIG"/crypto-abi/{rtmpdump,rtmpgw}.exe "$W/crypto/"
# Programs of ours, built against the original's headers and import library (NO_CRYPTO layout
# for orig and ours, the crypto layout for crypto): rtmp-play and rtmp-publish from c-examples/,
# nowsa, winsem and trust from here, swf_hash from tests/interop.
wbuild() { # SIDE NAME SOURCE [CFLAGS...]
  local side=$1 name=$2 src=$3; shift 3
  "$CC" -O2 -Wall -I"$ORIG/src" "$@" -o "$W/$side/$name.exe" "$src" -L"$ORIG/src/librtmp" -lrtmp -lws2_32 -lcrypt32 -lwinmm \
    >>"$RUN/logs/wbuild.log" 2>&1 || { tail "$RUN/logs/wbuild.log"; setup_fail "$name.exe did not build"; }
}
for s in orig ours crypto; do
  flags=(); [ $s = crypto ] || flags=(-DNO_CRYPTO)
  wbuild $s rtmp-play "$REPO/c-examples/rtmp-play.c" "${flags[@]}"
  wbuild $s rtmp-publish "$REPO/c-examples/rtmp-publish.c" "${flags[@]}"
  wbuild $s nowsa "$TESTS_DIR/windows/nowsa.c" "${flags[@]}"
  wbuild $s winsem "$TESTS_DIR/windows/winsem.c" "${flags[@]}"
  cp "$W/bcryptprimitives.dll" "$W/$s/"
done
wbuild crypto trust "$TESTS_DIR/windows/trust.c"
wbuild crypto swf_hash "$INTEROP_DIR/swf_hash.c"

# winpath PATH: the Windows name wine gives a Linux path (drive Z: is /)
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# wrun SIDE TAG SECS PROG [ARGS...]: $W/SIDE/PROG.exe under wine, in $OUT, within SECS; its
# standard output to $OUT/TAG.out, its error output (CRLF as LF) to $OUT/TAG.err, wine's loader
# trace to $OUT/TAG.dll. Returns the program's exit status (124 on the time limit).
# With WIN_STDIN=1 the program's standard input is a pipe that stays open (rtmpgw reads
# commands from it, and takes the end of /dev/null for one, over and over).
wrun() {
  local side=$1 tag=$2 secs=$3 prog=$4 rc; shift 4
  if [ "${WIN_STDIN:-0}" = 1 ]; then rm -f "$OUT/$tag.in" && mkfifo "$OUT/$tag.in" && exec 8<>"$OUT/$tag.in"; else exec 8</dev/null; fi
  # The machine's own SSL_CERT_FILE and SSL_CERT_DIR stay out: the case says what is trusted.
  local -a e=(env -u SSL_CERT_FILE -u SSL_CERT_DIR WINEDEBUG=-all,+loaddll)
  [ -n "${WIN_SSL_CERT_FILE:-}" ] && e+=("SSL_CERT_FILE=$WIN_SSL_CERT_FILE")
  (cd "$OUT" && "${e[@]}" timeout -k 5 "$secs" wine "$W/$side/$prog.exe" "$@") \
    <&8 >"$OUT/$tag.out" 2>"$OUT/$tag.raw"; rc=$?
  exec 8<&-
  wsplit "$tag"
  return $rc
}
# wsplit TAG: the loader trace and the error output apart (also for a run stopped by its PID)
wsplit() {
  [ -e "$OUT/$1.raw" ] || return 0
  grep -a ':trace:loaddll:' "$OUT/$1.raw" >"$OUT/$1.dll"
  grep -av ':trace:loaddll:' "$OUT/$1.raw" | tr -d '\r' >"$OUT/$1.err"
  rm -f "$OUT/$1.raw"
}
# wloaded SIDE TAG: the run TAG loaded librtmp-1.dll, and from $W/SIDE
wloaded() {
  local want got
  wsplit "$2"
  want=$(winpath "$W/$1/librtmp-1.dll")
  got=$(sed -n 's/.*Loaded L"\([^"]*librtmp-1\.dll\)".*/\1/Ip' "$OUT/$2.dll" | sed 's/\\\\/\\/g' | sort -u)
  [ -n "$got" ] || { echo "LIBCHECK FAILED [$2]: no librtmp-1.dll was loaded"; return 1; }
  if [ "${got,,}" != "${want,,}" ]; then echo "LIBCHECK FAILED [$2]: loaded $got, expected $want"; return 1; fi
  echo "librtmp [$2]: $got ($(sha256sum "$W/$1/librtmp-1.dll" | cut -c1-12))"
}
# werr TAG: the run's error output, for a failure message
werr() { wsplit "$1"; tail -n "${2:-8}" "$OUT/$1.err" | sed 's/^/    | /'; }

MEDIA=$RUN/media
bash "$REPO/tests/media/make-media.sh" "$MEDIA" >"$RUN/logs/media.log" 2>&1 || setup_fail "make-media.sh"
SMALL=$MEDIA/small.flv SMALL_SIZE=$(stat -c %s "$MEDIA/small.flv")
nginx_start main "$MEDIA" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; setup_fail "nginx did not start"; }
U=rtmp://$HOST:$RTMP_PORT
FF=(timeout 60 ffmpeg -hide_banner -loglevel error -nostdin)
NETTOOL=$INTEROP_DIR/nettool.py
selected() { [ ${#SEL[@]} = 0 ] && return 0; local p; for p in "${SEL[@]}"; do [[ $1 == "$p"* ]] && return 0; done; return 1; }
case_if() { local name=$1; selected "$name" || return 0; run_case --timeout "${TMO:-90}" --desc "$2" "$name" "${@:3}"; }

# ------------------------------------------------------------------ vod: rtmpdump.exe downloads
# On the original the download is small.flv less its final 5-byte tag (20 bytes), as on Linux;
# on ours it is small.flv whole, as our Linux library gives it.
vod() { # SIDE URL [rtmpdump args...]
  local side=$1 url=$2 rc want; shift 2
  wrun "$side" dump 60 rtmpdump -r "$url" -o out.flv "$@"; rc=$?
  wloaded "$side" dump || return 1
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { fail "rtmpdump.exe on the $side DLL: rc=$rc"; werr dump; return 1; }
  want=$SMALL_SIZE; [ "$side" = orig ] && want=$((SMALL_SIZE - 20))
  [ "$(stat -c %s "$OUT/out.flv" 2>/dev/null)" = "$want" ] && cmp -s -n "$want" "$OUT/out.flv" "$SMALL" \
    || { fail "rtmpdump.exe on the $side DLL (rc=$rc) did not download the first $want bytes of small.flv: $(stat -c %s "$OUT/out.flv" 2>/dev/null || echo no) bytes"; werr dump; return 1; }
  ok "rtmpdump.exe on the $side DLL: rc=$rc, $want bytes, identical to small.flv's first $want"
}
c_vod_orig() { vod orig "$U/vod/small.flv"; }
c_vod() { vod ours "$U/vod/small.flv"; }
c_vod_crypto() { vod crypto "$U/vod/small.flv"; }

# ------------------------------------------------------------------ live: a Linux publisher, rtmpdump.exe plays
live() { # SIDE
  local rd rc
  daemon_start reader wrun "$1" live 60 rtmpdump -v -r "$U/live/$CASE" -o live.flv
  rd=$DAEMON_PID
  "$PY" "$NETTOOL" stat-wait "$STAT_URL" live "$CASE" --players 1 --timeout 20 || { fail "rtmpdump.exe never subscribed"; werr live; return 1; }
  "${FF[@]}" -re -i "$SMALL" -c copy -f flv "$U/live/$CASE" || { fail "Debian's ffmpeg could not publish"; return 1; }
  wait_exit "$rd" 15 || { fail "rtmpdump.exe did not end within 15 s of the publisher leaving"; werr live; return 1; }
  wait "$rd"; rc=$?
  wloaded "$1" live || return 1
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { fail "rtmpdump.exe rc=$rc"; werr live; return 1; }
  ok "rtmpdump.exe on the $1 DLL ended by itself after the publisher, rc=$rc"
  flvcmp "$SMALL" "$OUT/live.flv" --suffix --max-missing 1 --min-tags 100
}
c_live_orig() { live orig; }
c_live() { live ours; }

# ------------------------------------------------------------------ publish: rtmp-publish.exe (RTMP_Write), a Linux player
publish() { # SIDE
  local rd rc
  daemon_start reader "${FF[@]}" -i "$U/live/$CASE" -c copy -f flv "$OUT/readback.flv"
  rd=$DAEMON_PID
  "$PY" "$NETTOOL" stat-wait "$STAT_URL" live "$CASE" --players 1 --timeout 10 || { fail "ffmpeg never subscribed"; return 1; }
  wrun "$1" pub 60 rtmp-publish "$(winpath "$SMALL")" "$U/live/$CASE"; rc=$?
  wloaded "$1" pub || return 1
  [ "$rc" = 0 ] || { fail "rtmp-publish.exe on the $1 DLL: rc=$rc"; werr pub; return 1; }
  ok "rtmp-publish.exe on the $1 DLL published small.flv in real time through RTMP_Write"
  wait_exit "$rd" 15 || { fail "Debian's ffmpeg did not end within 15 s of the publisher leaving"; return 1; }
  wait "$rd"; rc=$?
  [ "$rc" = 0 ] || { fail "Debian's ffmpeg (the reader) rc=$rc"; return 1; }
  flvcmp "$SMALL" "$OUT/readback.flv"
}
c_publish_orig() { publish orig; }
c_publish() { publish ours; }

# ------------------------------------------------------------------ rtmpgw.exe serves curl on Linux
# wait_any PORT PID: until PORT listens on every address (0.0.0.0, as the original's tools bind),
# while PID lives, for at most 20 s
wait_any() {
  local deadline=$(( $(now_us) + 20000000 )) pat
  pat=$(printf ' 00000000:%04X 00000000:0000 0A ' "$1")
  until grep -q "$pat" /proc/net/tcp; do
    alive "$2" && [ "$(now_us)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
rtmpgw() { # SIDE
  local port gw rc
  port=$(free_ports 1)
  WIN_STDIN=1 daemon_start gw wrun "$1" gw 60 rtmpgw -g "$port"
  gw=$DAEMON_PID
  wait_any "$port" "$gw" || { fail "rtmpgw.exe never listened on port $port"; werr gw; return 1; }
  timeout 30 curl -sS -o "$OUT/gw.flv" "http://$HOST:$port/?r=$U/vod/small.flv"; rc=$?
  daemon_stop gw
  wloaded "$1" gw || return 1
  [ "$rc" = 0 ] || [ "$rc" = 18 ] || { fail "curl through rtmpgw.exe: rc=$rc"; werr gw; return 1; }
  local n; n=$(stat -c %s "$OUT/gw.flv" 2>/dev/null || echo 0)
  [ "$n" -ge $((SMALL_SIZE - 20)) ] && cmp -s -n $((SMALL_SIZE - 20)) "$OUT/gw.flv" "$SMALL" \
    || { fail "curl got $n bytes through rtmpgw.exe on the $1 DLL, not small.flv (less at most its last tag)"; werr gw; return 1; }
  ok "curl on Linux got small.flv ($n bytes) through rtmpgw.exe on the $1 DLL"
}
c_rtmpgw_orig() { rtmpgw orig; }
c_rtmpgw() { rtmpgw ours; }

# ------------------------------------------------------------------ the server side: rtmpsrv.exe
# The original's rtmpsrv (RTMP_Serve, RTMP_ReadPacket, RTMP_SendPacket) takes Debian's rtmpdump's
# connect and play on port 1935 (fixed in rtmpsrv.c) and prints the rtmpdump command that would
# fetch the stream: the same line on both DLLs.
rtmpsrv() { # SIDE
  local srv
  WIN_STDIN=1 daemon_start srv wrun "$1" "srv-$1" 60 rtmpsrv
  srv=$DAEMON_PID
  wait_any 1935 "$srv" || { fail "rtmpsrv.exe on the $1 DLL never listened on port 1935"; werr "srv-$1"; return 1; }
  timeout 15 rtmpdump -q -m 3 -r "rtmp://$HOST:1935/vod/small.flv" -o "$OUT/client-$1.flv" >/dev/null 2>&1
  local deadline=$(( $(now_us) + 10000000 ))
  until grep -aq '^rtmpdump -r' "$OUT/srv-$1.out" 2>/dev/null || [ "$(now_us)" -ge "$deadline" ]; do sleep 0.05; done
  daemon_stop srv
  wloaded "$1" "srv-$1" || return 1
  tr -d '\r' <"$OUT/srv-$1.out" | grep -a '^rtmpdump -r' >"$OUT/cmd-$1.txt" || { fail "rtmpsrv.exe on the $1 DLL printed no command"; werr "srv-$1"; return 1; }
}
c_rtmpsrv() {
  grep -q "$(printf ':%04X 00000000:0000 0A ' 1935)" /proc/net/tcp && { skip "port 1935, which rtmpsrv.exe always takes, is in use here"; return; }
  rtmpsrv orig && rtmpsrv ours || return 1
  cmp -s "$OUT/cmd-orig.txt" "$OUT/cmd-ours.txt" || { fail "rtmpsrv.exe prints differently: '$(cat "$OUT/cmd-orig.txt")' against ours '$(cat "$OUT/cmd-ours.txt")'"; return 1; }
  grep -q -- '-r "rtmp://127.0.0.1:1935/vod" -a "vod"' "$OUT/cmd-ours.txt" || { fail "not the client's request: $(cat "$OUT/cmd-ours.txt")"; return 1; }
  ok "rtmpsrv.exe on both DLLs served Debian's rtmpdump and printed: $(cut -c1-120 "$OUT/cmd-ours.txt")"
}

# ------------------------------------------------------------------ a silent server, a refused connection
silent() { # SIDE
  local t0 took rc
  daemon_start silent "$PY" "$NETTOOL" silent "$OUT/port" --handshake
  wait_file "$OUT/port" 10 || return 1
  t0=$(now_us)
  wrun "$1" silent 30 rtmpdump -m 2 -r "rtmp://$HOST:$(cat "$OUT/port")/app/x" -o silent.flv; rc=$?
  took=$(( $(now_us) - t0 ))
  wloaded "$1" silent || return 1
  rc_is_error "$rc" "rtmpdump.exe against a server that never answers connect" || { werr silent; return 1; }
  [ "$took" -ge 1800000 ] && [ "$took" -le 9000000 ] \
    || { fail "rtmpdump.exe -m 2 gave up after $(fmt_us "$took") s (want 2 s and wine's start-up)"; werr silent; return 1; }
  ok "rtmpdump.exe -m 2 on the $1 DLL gave up after $(fmt_us "$took") s, rc=$rc"
}
c_timeout_orig() { silent orig; }
c_timeout() { silent ours; }
refused() { # SIDE
  local t0 took rc port
  port=$(free_ports 1)
  t0=$(now_us)
  wrun "$1" refused 30 rtmpdump -m 5 -r "rtmp://$HOST:$port/app/x" -o refused.flv; rc=$?
  took=$(( $(now_us) - t0 ))
  wloaded "$1" refused || return 1
  rc_is_error "$rc" "rtmpdump.exe against a closed port" || return 1
  [ "$took" -le 4000000 ] || { fail "a refused connection took $(fmt_us "$took") s"; werr refused; return 1; }
  ok "rtmpdump.exe on the $1 DLL: refused connection, rc=$rc after $(fmt_us "$took") s"
}
c_refused_orig() { refused orig; }
c_refused() { refused ours; }

# ------------------------------------------------------------------ no WSAStartup in the program
c_nowsa() {
  local rc
  wrun orig nowsa-orig 30 nowsa "$U/vod/small.flv" 100000; rc=$?
  wloaded orig nowsa-orig || return 1
  grep -q 'connect=0 wsa=10093' "$OUT/nowsa-orig.out" \
    || { fail "the control: on the original a program without WSAStartup should fail with WSANOTINITIALISED: $(cat "$OUT/nowsa-orig.out")"; return 1; }
  ok "the original, without WSAStartup: $(tr -d '\r' <"$OUT/nowsa-orig.out") (it never starts Winsock)"
  wrun ours nowsa 30 nowsa "$U/vod/small.flv" 100000; rc=$?
  wloaded ours nowsa || return 1
  [ "$rc" = 0 ] || { fail "ours, without WSAStartup: rc=$rc: $(cat "$OUT/nowsa.out")"; werr nowsa; return 1; }
  ok "ours, without WSAStartup: $(tr -d '\r' <"$OUT/nowsa.out")"
}

# ------------------------------------------------------------------ rtmps, verified
# nginx terminates TLS with a certificate for localhost from the run's own CA.
rtmps_url() { echo "rtmps://localhost:$RTMPS_PORT/vod/small.flv"; }
c_rtmps_cafile() {
  local rc
  # librtmp's option values take \XX escapes: a backslash in a Windows path is written \5c
  local ca; ca=$(winpath "$RUN/tls/ca.pem"); ca=${ca//\\/\\5c}
  wrun crypto play 60 rtmp-play "$(rtmps_url) cafile=$ca" -o out.flv; rc=$?
  wloaded crypto play || return 1
  [ "$rc" = 0 ] || { fail "rtmp-play.exe over rtmps with cafile=: rc=$rc"; werr play; return 1; }
  same_file "$OUT/out.flv" "$SMALL" "rtmp-play.exe's download over rtmps (cafile=)"
}
c_rtmps_env() {
  WIN_SSL_CERT_FILE=$(winpath "$RUN/tls/ca.pem") vod crypto "$(rtmps_url)"
}
c_rtmps_untrusted() {
  local rc
  wrun crypto dump 30 rtmpdump -r "$(rtmps_url)" -o out.flv; rc=$?
  wloaded crypto dump || return 1
  rc_is_error "$rc" "rtmpdump.exe over rtmps to a server whose CA nothing trusts" || return 1
  grep -q "certificate for localhost is not trusted" "$OUT/dump.err" \
    || { fail "no reason given for the refused certificate"; werr dump; return 1; }
  ok "refused, with the reason: $(grep -o "the server's certificate for localhost is not trusted[^(]*" "$OUT/dump.err" | head -1)"
}
c_rtmps_badhost() {
  local rc
  WIN_SSL_CERT_FILE=$(winpath "$RUN/tls/ca.pem") wrun crypto dump 30 rtmpdump -r "rtmps://localhost:$RTMPS_BADHOST_PORT/vod/small.flv" -o out.flv; rc=$?
  wloaded crypto dump || return 1
  rc_is_error "$rc" "rtmpdump.exe over rtmps to a server whose trusted certificate names another host" || return 1
  grep -q "certificate is not valid for localhost" "$OUT/dump.err" || { fail "no reason given for the wrong host"; werr dump; return 1; }
  ok "refused, with the reason: $(grep -o "the server's certificate is not valid for localhost[^;]*" "$OUT/dump.err" | head -1)"
}
# The test CA put in the prefix's ROOT store (as an administrator would on Windows): trusted with no
# cafile= and no SSL_CERT_FILE; removed again afterwards.
c_rtmps_rootstore() {
  local rc
  wrun crypto trust 30 trust add "$(winpath "$RUN/tls/ca.pem")" || { fail "could not add the test CA to the ROOT store"; werr trust; return 1; }
  vod crypto "$(rtmps_url)"; rc=$?
  wrun crypto untrust 30 trust remove "$(winpath "$RUN/tls/ca.pem")" || { fail "could not remove the test CA from the ROOT store"; return 1; }
  return $rc
}

# ------------------------------------------------------------------ rtmpe, rtmpt, SOCKS
c_rtmpe() {
  [ -x "$OURS_DIR/rtmp-relay" ] || { fail "no $OURS_DIR/rtmp-relay (make builds it)"; return 1; }
  local port
  port=$(free_ports 1)
  daemon_start relay on_lib ours "" "$OURS_DIR/rtmp-relay" -p "$port" --vod "$MEDIA" --timeout 5
  wait_port "$port" 20 "rtmp-relay" "$DAEMON_PID" || return 1
  vod crypto "rtmpe://$HOST:$port/vod/small.flv"
}
c_rtmpt_orig() { rtmpt_start >/dev/null || return 1; vod orig "rtmpt://$HOST:$BRIDGE_PORT/vod/small.flv"; }
c_rtmpt() { rtmpt_start >/dev/null || return 1; vod ours "rtmpt://$HOST:$BRIDGE_PORT/vod/small.flv"; }
c_socks() {
  socks_start 1 >/dev/null || return 1
  vod ours "$U/vod/small.flv" -S "$HOST:$SOCKS_PORT" || return 1
  grep -qE "pass\([0-9]+\): tcp/connect \[: .* 127\.0\.0\.1\.$RTMP_PORT\$" "$SOCKS_LOG" \
    || { fail "dante did not log a connection it relayed to nginx's port $RTMP_PORT"; return 1; }
  ok "the connection went through dante (SOCKS4)"
}

# ------------------------------------------------------------------ what the build gives, against the original's
dll_exports() { "$1"objdump -p "$2" | awk '/^\[Ordinal\/Name Pointer\] Table/ {f = 1; next} f && /^[ \t]*\[/ {print $NF} f && /^[ \t]*$/ {f = 0}' | sort; }
# implib_syms PREFIX LIB: the import library's external symbols (an imported variable has only __imp_X)
implib_syms() { "$1"nm "$2" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-Z]$/ {print $3}' | grep -v '^_*head_\|_iname$' | sort -u; }
exports() { # TRIPLE-PREFIX OURS_DIR ORIG_DIR CRYPTO(0|1)
  local x=$1 ours=$2 orig=$3 crypto=$4 bad u=
  [ "$x" = i686-w64-mingw32- ] && u=_   # cdecl names carry an underscore on 32-bit Windows
  "${x}objdump" -p "$ours/librtmp-1.dll" | grep -q '^Name .* librtmp-1\.dll$' \
    || { fail "the export directory does not name librtmp-1.dll"; return 1; }
  ok "export directory name librtmp-1.dll"
  diff <({ dll_exports "$x" "$orig/librtmp-1.dll"; [ "$crypto" = 1 ] && echo RTMP_TLS_ctx; } | sort) <(dll_exports "$x" "$ours/librtmp-1.dll") >"$OUT/exports.diff" \
    || { fail "the DLL's exports differ from the original's$([ "$crypto" = 1 ] && echo ' and RTMP_TLS_ctx'):"; cat "$OUT/exports.diff"; return 1; }
  ok "exports: the original's $(dll_exports "$x" "$orig/librtmp-1.dll" | wc -l)$([ "$crypto" = 1 ] && echo ' and RTMP_TLS_ctx'), nothing else"
  local syms; syms=$(implib_syms "$x" "$ours/librtmp.dll.a")
  diff <({ implib_syms "$x" "$orig/librtmp.dll.a"; [ "$crypto" = 1 ] && printf '__%s_%sRTMP_TLS_ctx\n' imp "$u" nm "$u"; } | sort -u) \
       <(printf '%s\n' "$syms") >"$OUT/implib.diff" \
    || { fail "the import library's symbols differ from the original's:"; cat "$OUT/implib.diff"; return 1; }
  ok "import library: the original's $(wc -l <<<"$syms") symbols, variables as data only ($(sed -n 's/^__imp__\{0,1\}//p' <<<"$syms" | while read -r v; do grep -qx "_\{0,1\}$v" <<<"$syms" || printf '%s ' "$v"; done))"
  bad=$("${x}objdump" -p "$ours/librtmp-1.dll" | sed -n 's/.*DLL Name: //p' \
        | grep -viE '^(kernel32|msvcrt|ntdll|ws2_32|winmm|crypt32|user32|advapi32|bcryptprimitives|api-ms-win-[a-z0-9-]*)\.dll$')
  [ -z "$bad" ] || { fail "the DLL needs DLLs beyond Windows' own: $bad"; return 1; }
  ok "imports only Windows' own DLLs: $("${x}objdump" -p "$ours/librtmp-1.dll" | sed -n 's/.*DLL Name: //p' | tr '\n' ' ')"
}
c_exports_64() { exports x86_64-w64-mingw32- "$OURS_N" "$WIN/original-x86_64/src/librtmp" 0; }
c_exports_64_crypto() { exports x86_64-w64-mingw32- "$OURS_C" "$WIN/original-x86_64/src/librtmp" 1; }
c_exports_32() { exports i686-w64-mingw32- "$OURS_32" "$WIN/original-i686/src/librtmp" 0; }
# A static link through pkg-config --static (librtmp.a, OpenSSL inside it): the program needs no
# librtmp DLL and plays over rtmp and over rtmps.
c_static() {
  local flags
  flags=$(PKG_CONFIG_LIBDIR=$OURS_C pkg-config --static --cflags --libs librtmp) || { fail "pkg-config --static found no librtmp in $OURS_C"; return 1; }
  "$CC" -O2 -Wall -static -o "$W/crypto/static.exe" "$TESTS_DIR/windows/nowsa.c" $flags 2>"$OUT/link.log" \
    || { fail "the static link failed ($flags)"; cat "$OUT/link.log"; return 1; }
  ok "linked statically: $flags"
  ! "${CC%gcc}objdump" -p "$W/crypto/static.exe" | grep -qi 'DLL Name: librtmp' || { fail "static.exe imports a librtmp DLL"; return 1; }
  local ca; ca=$(winpath "$RUN/tls/ca.pem"); ca=${ca//\\/\\5c}
  wrun crypto static 30 static "$U/vod/small.flv" "$SMALL_SIZE" || { fail "static.exe over rtmp: $(cat "$OUT/static.out")"; werr static; return 1; }
  ok "static.exe over rtmp: $(tr -d '\r' <"$OUT/static.out")"
  wrun crypto static-tls 30 static "$(rtmps_url) cafile=$ca" "$SMALL_SIZE" || { fail "static.exe over rtmps: $(cat "$OUT/static-tls.out")"; werr static-tls; return 1; }
  ok "static.exe over rtmps (verified, OpenSSL linked in): $(tr -d '\r' <"$OUT/static-tls.out")"
}

# ------------------------------------------------------------------ the C differential tests, for Windows
# Each built twice with mingw: against the original's headers and import library (run on its DLL)
# and against ours (on our CRYPTO= DLL), both with the NO_CRYPTO layout; the outputs must agree.
cbuild() { # NAME SOURCE: $W/{orig,ours}/NAME.exe
  "$CC" -O1 -Wall -Wno-deprecated-declarations -DNO_CRYPTO -I"$ORIG/src" -o "$W/orig/$1.exe" "$2" -L"$ORIG/src/librtmp" -lrtmp -lws2_32 2>"$OUT/build.log" \
    && "$CC" -O1 -Wall -Wno-deprecated-declarations -DNO_CRYPTO -I"$REPO/include" -o "$W/ours/$1.exe" "$2" -L"$OURS_N" -lrtmp -lws2_32 2>>"$OUT/build.log" \
    || { fail "$1.c does not build for Windows"; cat "$OUT/build.log"; return 1; }
}
c_core_diff() {
  cbuild core_diff "$REPO/tests/c/core_diff.c" || return 1
  wrun orig core-orig 30 core_diff; wrun ours core-ours 30 core_diff
  wloaded orig core-orig && wloaded ours core-ours || return 1
  tr -d '\r' <"$OUT/core-orig.out" >"$OUT/orig.txt"; tr -d '\r' <"$OUT/core-ours.out" >"$OUT/ours.txt"
  diff -u "$OUT/orig.txt" "$OUT/ours.txt" || { fail "core_diff.exe prints differently on the two DLLs"; return 1; }
  [ "$(wc -l <"$OUT/ours.txt")" -ge 36 ] || { fail "core_diff.exe printed $(wc -l <"$OUT/ours.txt") lines, at least 36 expected"; return 1; }
  grep -q '^flashver WIN 10,0,32,18 (14)$' "$OUT/ours.txt" || { fail "RTMP_DefaultFlashVer is not WIN 10,0,32,18"; return 1; }
  ok "core_diff.exe: the same $(wc -l <"$OUT/ours.txt") lines on both DLLs (flashver WIN 10,0,32,18)"
}
c_url_diff() {
  local v; v=$(winpath "$REPO/tests/data/url-parse-vectors.tsv")
  cbuild url_diff "$REPO/tests/c/url_diff.c" || return 1
  wrun orig url-orig 60 url_diff "$v"; wrun ours url-ours 60 url_diff "$v" --ours
  wloaded orig url-orig && wloaded ours url-ours || return 1
  # As on Linux: ours reads the bracketed IPv6 literal, and runs more checks (the summary line)
  local ipv6='rtmp://[::1]:1935/app/stream'
  tr -d '\r' <"$OUT/url-orig.out" | awk -F'\t' -v u="$ipv6" '$1 != u' | sed '$d' >"$OUT/orig.txt"
  tr -d '\r' <"$OUT/url-ours.out" | awk -F'\t' -v u="$ipv6" '$1 != u' | sed '$d' >"$OUT/ours.txt"
  diff -u "$OUT/orig.txt" "$OUT/ours.txt" >"$OUT/url.diff" || { fail "url_diff.exe prints differently on the two DLLs:"; head -30 "$OUT/url.diff"; return 1; }
  [ "$(wc -l <"$OUT/ours.txt")" -ge 370 ] || { fail "url_diff.exe printed $(wc -l <"$OUT/ours.txt") lines, at least 370 expected"; return 1; }
  grep -qE '^[0-9]+ passed, 0 failed' <(tr -d '\r' <"$OUT/url-ours.out" | tail -1) || { fail "url_diff.exe on ours: $(tail -1 "$OUT/url-ours.out")"; return 1; }
  ok "url_diff.exe: the same $(wc -l <"$OUT/ours.txt") lines on both DLLs; the original $(tr -d '\r' <"$OUT/url-orig.out" | tail -1), ours $(tr -d '\r' <"$OUT/url-ours.out" | tail -1)"
}
# amf_diff.c: the decoder cases on which the original leaves its input are classified on Linux
# (the same C code; its -DAMF_DIFF_CLASSIFY build needs fork and guard pages) and left out; the
# rest must print the same on both DLLs, and ours must refuse the classified ones cleanly.
c_amf_diff() {
  gcc -O1 -Wall -DAMF_DIFF_CLASSIFY -rdynamic -o "$OUT/amf_classify" "$REPO/tests/c/amf_diff.c" -lrtmp -ldl 2>"$OUT/build.log" \
    || { fail "the classifier does not build against Debian's librtmp"; cat "$OUT/build.log"; return 1; }
  on_lib orig "" "$OUT/amf_classify" >"$OUT/unsafe.txt" || { fail "the classifier failed"; return 1; }
  [ "$(wc -l <"$OUT/unsafe.txt")" -ge 1250 ] || { fail "only $(wc -l <"$OUT/unsafe.txt") cases classified"; return 1; }
  cbuild amf_diff "$REPO/tests/c/amf_diff.c" || return 1
  "$CC" -O1 -Wall -DNO_CRYPTO -DONLY_SAFE_IMPL -I"$REPO/include" -o "$W/ours/amf_safe.exe" "$REPO/tests/c/amf_diff.c" -L"$OURS_N" -lrtmp 2>>"$OUT/build.log" \
    || { fail "the ONLY_SAFE_IMPL build does not build for Windows"; cat "$OUT/build.log"; return 1; }
  local u; u=$(winpath "$OUT/unsafe.txt")
  wrun orig amf-orig 300 amf_diff "$u"; wrun ours amf-ours 300 amf_diff "$u"
  wloaded orig amf-orig && wloaded ours amf-ours || return 1
  tr -d '\r' <"$OUT/amf-orig.out" >"$OUT/orig.txt"; tr -d '\r' <"$OUT/amf-ours.out" >"$OUT/ours.txt"
  diff "$OUT/orig.txt" "$OUT/ours.txt" >"$OUT/amf.diff" || { fail "amf_diff.exe prints differently on the two DLLs ($(grep -c '^[<>]' "$OUT/amf.diff") lines; < original, > ours):"; head -30 "$OUT/amf.diff"; return 1; }
  [ "$(wc -l <"$OUT/ours.txt")" -ge 50000 ] || { fail "amf_diff.exe printed $(wc -l <"$OUT/ours.txt") lines, at least 50000 expected"; return 1; }
  ok "amf_diff.exe: the same $(wc -l <"$OUT/ours.txt") lines on both DLLs; $(tail -1 "$OUT/ours.txt")"
  wrun ours amf-safe 300 amf_safe "$u"; wloaded ours amf-safe || return 1
  local last; last=$(tr -d '\r' <"$OUT/amf-safe.out" | tail -1)
  [[ $last =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -ge 2250 ] \
    || { fail "amf_safe.exe on ours: '$last'"; grep -a 'CHECK FAILED' "$OUT/amf-safe.out" | head; return 1; }
  ok "amf_safe.exe on ours (the classified cases and hostile inputs refused cleanly): $last"
}
c_null_safety() {
  "$CC" -O1 -Wall -Wno-nonnull -Wno-format -DNO_CRYPTO -I"$REPO/include" -o "$W/ours/null_safety.exe" "$REPO/tests/c/null_safety.c" \
    -L"$OURS_N" -lrtmp -lws2_32 2>"$OUT/build.log" || { fail "null_safety.c does not build for Windows"; cat "$OUT/build.log"; return 1; }
  wrun ours null 60 null_safety; local rc=$?
  wloaded ours null || return 1
  local last; last=$(tr -d '\r' <"$OUT/null.out" | tail -1)
  [ "$rc" = 0 ] && [[ $last =~ ^null-safety:\ ([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -ge 150 ] \
    || { fail "null_safety.exe on ours: rc=$rc, '$last'"; grep -a FAIL "$OUT/null.out" | head; werr null; return 1; }
  ok "null_safety.exe on ours: $last"
}

# ------------------------------------------------------------------ Windows semantics (winsem.c)
# semdiff CASE [URL]: winsem CASE on both DLLs, the same output
semdiff() {
  wrun orig "$1-orig" 30 winsem "$@"; wrun ours "$1-ours" 30 winsem "$@"
  wloaded orig "$1-orig" && wloaded ours "$1-ours" || return 1
  local o n; o=$(tr -d '\r' <"$OUT/$1-orig.out"); n=$(tr -d '\r' <"$OUT/$1-ours.out")
  [ -n "$n" ] && [ "$o" = "$n" ] || { fail "winsem $1: the original says '$o', ours '$n'"; werr "$1-ours"; return 1; }
  ok "winsem $1 on both DLLs: $n"
}
c_lasterror() { semdiff lasterror && grep -q 'RTMP_Read=-1 WSAGetLastError=22' "$OUT/lasterror-ours.out"; }
c_clock() { semdiff clock && grep -q 'clock=timeGetTime' "$OUT/clock-ours.out"; }
c_socket() { semdiff socket "$U/vod/small.flv" && grep -q 'a SOCKET of type 1; read data' "$OUT/socket-ours.out"; }
c_own() { semdiff own "$U/vod/small.flv" && grep -q "application's: yes; read 64 kB" "$OUT/own-ours.out" && grep -q 'closesocket: error 10038' "$OUT/own-ours.out"; }
# after SECS: winsem's "after=" value, in tenths of a second
after_tenths() { tr -d '\r' <"$OUT/$1.out" | sed -n 's/.*after=\([0-9]*\)\.\([0-9]\).*/\1\2/p'; }
c_interrupt() {
  local t
  daemon_start silent "$PY" "$NETTOOL" silent "$OUT/port"
  wait_file "$OUT/port" 10 "the silent server" || return 1
  local url="rtmp://$HOST:$(cat "$OUT/port")/app/x"
  wrun orig int-orig 30 winsem interrupt "$url"; wloaded orig int-orig || return 1
  t=$(after_tenths int-orig)
  [ -n "$t" ] && [ "$t" -ge 30 ] || { fail "the control: the original should wait out its 5 s timeout after RTMP_UserInterrupt: $(cat "$OUT/int-orig.out")"; return 1; }
  ok "the original went on $(tr -d '\r' <"$OUT/int-orig.out" | sed 's/.*after=//') s after RTMP_UserInterrupt (it only sees RTMP_ctrlC between reads)"
  wrun ours int-ours 30 winsem interrupt "$url"; wloaded ours int-ours || return 1
  t=$(after_tenths int-ours)
  grep -q 'returned failure' "$OUT/int-ours.out" && [ -n "$t" ] && [ "$t" -le 20 ] \
    || { fail "ours after RTMP_UserInterrupt from another thread: $(cat "$OUT/int-ours.out")"; werr int-ours; return 1; }
  ok "ours: RTMP_Connect failed $(tr -d '\r' <"$OUT/int-ours.out" | sed 's/.*after=//') s after RTMP_UserInterrupt from another thread"
}
c_close_thread() {
  local t
  wrun ours close 30 winsem close "$U/live/nobody-$CASE live=1"; wloaded ours close || return 1
  t=$(after_tenths close)
  grep -q 'returned failure' "$OUT/close.out" && [ -n "$t" ] && [ "$t" -le 20 ] \
    || { fail "ours, RTMP_Close from another thread during RTMP_Read: $(cat "$OUT/close.out")"; werr close; return 1; }
  ok "ours: RTMP_Read ended $(tr -d '\r' <"$OUT/close.out" | sed 's/.*after=//') s after RTMP_Close from another thread"
}

# ------------------------------------------------------------------ SWF verification's cache
# RTMP_HashSWF of a player SWF on a local HTTP server: the cache goes to
# %HOMEDRIVE%%HOMEPATH%\.swfinfo, and with the server gone the hash comes from there.
c_swfinfo() {
  local home=$WINEPREFIX/drive_c/users/$(id -un)
  swf_server "$OUT/www" || { fail "cannot serve the SWF"; return 1; }
  local url=$SWF_URL
  # wine gives programs HOMEDRIVE=C: and HOMEPATH=\users\USER: the prefix's profile directory
  rm -f "$home/.swfinfo"
  wrun crypto swf 30 swf_hash "$url" 0; wloaded crypto swf || return 1
  grep -q '^RTMP_HashSWF rc=0 size=300008 ' <(tr -d '\r' <"$OUT/swf.out") || { fail "RTMP_HashSWF: $(head -1 "$OUT/swf.out")"; werr swf; return 1; }
  grep -q "^url: $url" "$home/.swfinfo" 2>/dev/null || { fail "no .swfinfo entry for $url in $home (HOMEDRIVE/HOMEPATH)"; return 1; }
  ok "RTMP_HashSWF: $(tr -d '\r' <"$OUT/swf.out" | head -1 | cut -c1-60)...; the cache is %HOMEDRIVE%%HOMEPATH%\.swfinfo"
  daemon_stop www
  wrun crypto swf-cached 30 swf_hash "$url" 30
  [ "$(tr -d '\r' <"$OUT/swf-cached.out" | head -1)" = "$(tr -d '\r' <"$OUT/swf.out" | head -1)" ] \
    || { fail "with the server gone, not the cached hash: $(head -1 "$OUT/swf-cached.out")"; return 1; }
  ok "with the server gone, the same hash from .swfinfo"
  rm -f "$home/.swfinfo"
}

# ------------------------------------------------------------------ FFmpeg for Windows, --enable-librtmp
# Debian's FFmpeg source built with mingw against our .pc (ffmpeg-build.sh), run beside our DLL
FFWIN=${FFMPEG_CACHE:-$REPO/target/ffmpeg}/build-win64/ffmpeg.exe
c_ffmpeg_build() {
  bash "$TESTS_DIR/windows/ffmpeg-build.sh" "$OURS_C" || { fail "FFmpeg did not build for Windows against $OURS_C"; return 1; }
  x86_64-w64-mingw32-objdump -p "$FFWIN" | grep -q 'DLL Name: librtmp-1.dll' || { fail "ffmpeg.exe does not import librtmp-1.dll"; return 1; }
  ok "ffmpeg.exe built with --enable-librtmp through $OURS_C/librtmp-uninstalled.pc: it imports librtmp-1.dll"
}
c_ffmpeg_publish() {
  [ -x "$FFWIN" ] || { fail "no ffmpeg.exe (the ffmpeg-build case failed)"; return 1; }
  cp "$FFWIN" "$W/crypto/ffmpeg.exe"
  local rd rc
  daemon_start reader "${FF[@]}" -i "$U/live/$CASE" -c copy -f flv "$OUT/readback.flv"
  rd=$DAEMON_PID
  "$PY" "$NETTOOL" stat-wait "$STAT_URL" live "$CASE" --players 1 --timeout 10 || { fail "Debian's ffmpeg never subscribed"; return 1; }
  wrun crypto pub 60 ffmpeg -hide_banner -nostdin -loglevel error -re -i "$(winpath "$SMALL")" -c copy -f flv "$U/live/$CASE"; rc=$?
  wloaded crypto pub || return 1
  [ "$rc" = 0 ] || { fail "ffmpeg.exe publishing through librtmp: rc=$rc"; werr pub; return 1; }
  wait_exit "$rd" 15 || { fail "Debian's ffmpeg did not end after the publisher"; return 1; }
  flvcmp "$SMALL" "$OUT/readback.flv" || { fail "the tags ffmpeg.exe published differ from the source's"; return 1; }
  ok "ffmpeg.exe on our DLL published small.flv live; Debian's ffmpeg read back every tag"
}
c_ffmpeg_play() {
  [ -x "$FFWIN" ] || { fail "no ffmpeg.exe (the ffmpeg-build case failed)"; return 1; }
  cp "$FFWIN" "$W/crypto/ffmpeg.exe"
  wrun crypto play 60 ffmpeg -hide_banner -nostdin -loglevel error -i "$U/vod/small.flv" -c copy -f flv vod.flv || { fail "ffmpeg.exe playing through librtmp failed"; werr play; return 1; }
  wloaded crypto play || return 1
  flvcmp "$SMALL" "$OUT/vod.flv" || { fail "the tags ffmpeg.exe played differ from the source's"; return 1; }
  ok "ffmpeg.exe on our DLL played vod/small.flv: tags equal the source's"
}

# make SYS=mingw install: the DLL in $(bindir), as the original installs it
c_install() {
  local d=$OUT/root want
  make -s -C "$REPO" SYS=mingw CROSS_COMPILE=x86_64-w64-mingw32- CRYPTO= install prefix=/mingw64 DESTDIR="$d" >"$OUT/install.log" 2>&1 \
    || { fail "make SYS=mingw install failed"; tail "$OUT/install.log"; return 1; }
  want="bin/librtmp-1.dll bin/librtmp.dll include/librtmp/amf.h include/librtmp/http.h include/librtmp/log.h include/librtmp/rtmp.h lib/librtmp.a lib/librtmp.dll.a lib/pkgconfig/librtmp.pc"
  [ "$(cd "$d/mingw64" && find . -type f -o -type l | sed 's#^\./##' | sort | tr '\n' ' ')" = "$want " ] \
    || { fail "installed: $(cd "$d/mingw64" && find . -type f -o -type l | sort | tr '\n' ' ')"; return 1; }
  grep -qx 'prefix=/mingw64' "$d/mingw64/lib/pkgconfig/librtmp.pc" || { fail "the installed librtmp.pc does not name prefix /mingw64"; return 1; }
  ok "installed: $want"
  make -s -C "$REPO" SYS=mingw CROSS_COMPILE=x86_64-w64-mingw32- CRYPTO= uninstall prefix=/mingw64 DESTDIR="$d" >/dev/null 2>&1
  [ -z "$(find "$d" -type f -o -type l)" ] || { fail "make uninstall left $(find "$d" -type f -o -type l | tr '\n' ' ')"; return 1; }
  ok "make uninstall removed them all"
}

# ------------------------------------------------------------------ the cases, in order
TMO=90
case_if exports-64 "win64, CRYPTO=: librtmp-1.dll and librtmp.dll.a export what the original's do" c_exports_64
case_if exports-64-crypto "win64, OpenSSL: the original's exports and RTMP_TLS_ctx; no DLL beyond Windows' own" c_exports_64_crypto
case_if exports-32 "win32, CRYPTO=: the original's exports and cdecl import library" c_exports_32
case_if install "make SYS=mingw install: the DLL and a librtmp.dll link in bindir, libraries, headers, librtmp.pc with its prefix; uninstall" c_install
case_if static "pkg-config --static: a program with librtmp.a and OpenSSL linked in plays rtmp and rtmps" c_static
case_if vod-orig "control: the original's rtmpdump.exe on its own DLL downloads small.flv (less its final tag)" c_vod_orig
case_if vod "the original's rtmpdump.exe on our DLL downloads small.flv byte for byte" c_vod
case_if vod-crypto "rtmpdump.exe (crypto layout) on our OpenSSL DLL downloads small.flv byte for byte" c_vod_crypto
case_if live-orig "control: rtmpdump.exe on the original plays what Debian's ffmpeg publishes live" c_live_orig
case_if live "rtmpdump.exe on ours plays what Debian's ffmpeg publishes live" c_live
case_if publish-orig "control: rtmp-publish.exe on the original publishes (RTMP_Write); Debian's ffmpeg reads it back" c_publish_orig
case_if publish "rtmp-publish.exe on ours publishes (RTMP_Write); Debian's ffmpeg reads back every tag" c_publish
case_if rtmpgw-orig "control: rtmpgw.exe on the original serves curl on Linux" c_rtmpgw_orig
case_if rtmpgw "rtmpgw.exe on ours serves curl on Linux" c_rtmpgw
case_if rtmpsrv "rtmpsrv.exe (the server side) on both DLLs takes Debian's rtmpdump's request: the same command printed" c_rtmpsrv
case_if timeout-orig "control: rtmpdump.exe -m 2 on the original gives up on a silent server" c_timeout_orig
case_if timeout "rtmpdump.exe -m 2 on ours gives up on a silent server within its timeout" c_timeout
case_if refused-orig "control: rtmpdump.exe on the original, connection refused" c_refused_orig
case_if refused "rtmpdump.exe on ours, connection refused: fails at once" c_refused
case_if nowsa "a program that never calls WSAStartup: fails on the original (control), plays on ours" c_nowsa
case_if rtmps-cafile "rtmp-play.exe over rtmps, verified against cafile=" c_rtmps_cafile
case_if rtmps-env "rtmpdump.exe over rtmps, verified against SSL_CERT_FILE" c_rtmps_env
case_if rtmps-untrusted "rtmpdump.exe over rtmps to an untrusted CA: refused, with the reason" c_rtmps_untrusted
case_if rtmps-badhost "rtmpdump.exe over rtmps, a trusted certificate for another host: refused, with the reason" c_rtmps_badhost
case_if rtmps-rootstore "rtmpdump.exe over rtmps, the CA trusted through the Windows ROOT store" c_rtmps_rootstore
case_if rtmpe "rtmpdump.exe (crypto layout) on ours over rtmpe (rtmp-relay on Linux)" c_rtmpe
case_if rtmpt-orig "control: rtmpdump.exe on the original over rtmpt (HTTP tunnel bridge)" c_rtmpt_orig
case_if rtmpt "rtmpdump.exe on ours over rtmpt (HTTP tunnel bridge)" c_rtmpt
case_if socks "rtmpdump.exe on ours through a SOCKS4 proxy (dante)" c_socks
case_if lasterror "RTMP_Read's failure sets WSAGetLastError to EINVAL (22), as the original's SetSockError" c_lasterror
case_if clock "RTMP_GetTime is timeGetTime's clock, as the original's" c_clock
case_if socket "RTMP_Socket is a live SOCKET in an int, as the original's" c_socket
case_if own-socket "curl's way: the application's SOCKET in m_sb.sb_socket, RTMP_Connect1; RTMP_Close closes it" c_own
case_if interrupt "RTMP_UserInterrupt from another thread ends a blocked RTMP_Connect (the original waits out its timeout)" c_interrupt
case_if close-thread "RTMP_Close from another thread ends a blocked RTMP_Read (ours)" c_close_thread
case_if swfinfo "RTMP_HashSWF's cache in %HOMEDRIVE%%HOMEPATH%\\.swfinfo, read back with the server gone" c_swfinfo
case_if core-diff "core_diff.c for Windows: the same output on the original's DLL and on ours" c_core_diff
case_if url-diff "url_diff.c for Windows: the same parsing on both DLLs (but ours reads IPv6 literals)" c_url_diff
case_if amf-diff "amf_diff.c for Windows: the same AMF decoding and encoding on both DLLs; ours refuses the cases the original mishandles" c_amf_diff
case_if null-safety "null_safety.c for Windows on ours: NULL and garbage arguments fail cleanly" c_null_safety
TMO=900 case_if ffmpeg-build "FFmpeg (Debian's source) built for Windows with --enable-librtmp finding our librtmp.pc" c_ffmpeg_build
case_if ffmpeg-publish "ffmpeg.exe on our DLL publishes live through librtmp; Debian's ffmpeg reads back every tag" c_ffmpeg_publish
case_if ffmpeg-play "ffmpeg.exe on our DLL plays vod through librtmp: tags equal the source's" c_ffmpeg_play
summary
