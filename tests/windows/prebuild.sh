#!/usr/bin/env bash
# prebuild.sh start|wait: the Windows builds of make check-windows, started early in the
# background so that they share the machine with the suites that mostly wait on the network
# (interop, relay, hostile), instead of adding their quarter of an hour to make check.
#   start  installs what they need (scripts/install-windows-deps.sh), then builds, at the lowest
#          CPU priority, one after the other: make SYS=mingw for win64 without and with OpenSSL
#          (OpenSSL from source: most of the time), for win32 without, the crate's tests for win64
#          (cargo test --no-run, as tests/windows/cargo-test.sh runs them) and FFmpeg for win64
#          (tests/windows/ffmpeg-build.sh)
#   wait   waits for them (at most PREBUILD_WAIT seconds, default 3600) and fails with the log's
#          end if one failed; without a start it does nothing
# check-windows runs the same builds after the wait: they find everything built (or, without a
# start, do it then).
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
D=$REPO/target/windows
LOG=$D/prebuild.log RC=$D/prebuild.rc PID=$D/prebuild.pid
mkdir -p "$D"

builds() {
  cd "$REPO" || return 1
  local m=(make --no-print-directory SYS=mingw)
  "${m[@]}" CROSS_COMPILE=x86_64-w64-mingw32- CRYPTO= &&
    "${m[@]}" CROSS_COMPILE=x86_64-w64-mingw32- &&
    "${m[@]}" CROSS_COMPILE=i686-w64-mingw32- CRYPTO= &&
    bash tests/windows/cargo-test.sh --no-run &&
    bash tests/windows/ffmpeg-build.sh build/x86_64-pc-windows-gnu
}

case ${1:-} in
  start)
    bash "$REPO/scripts/install-windows-deps.sh" || exit 1
    rm -f "$RC"
    # setsid: the builds outlive this recipe; their status lands in $RC
    setsid env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS nice -n 19 bash -c "$(declare -f builds); REPO='$REPO'; builds >'$LOG' 2>&1; echo \$? >'$RC'" </dev/null >/dev/null 2>&1 &
    echo $! >"$PID"
    echo "prebuild: the Windows builds run in the background (pid $!, log $LOG)"
    ;;
  wait)
    [ -e "$PID" ] || { echo "prebuild: nothing started in the background: the builds run next"; exit 0; }
    limit=${PREBUILD_WAIT:-3600} t0=$SECONDS
    until [ -s "$RC" ]; do
      if ! kill -0 "$(cat "$PID" 2>/dev/null)" 2>/dev/null && [ ! -s "$RC" ]; then
        echo "prebuild: the background builds died without a status"; tail -30 "$LOG"; exit 1
      fi
      [ $((SECONDS - t0)) -ge "$limit" ] && { echo "prebuild: still building after ${limit}s"; tail -30 "$LOG"; exit 1; }
      sleep 2
    done
    rm -f "$PID"
    rc=$(cat "$RC")
    [ "$rc" = 0 ] || { echo "prebuild: a Windows build failed (rc $rc):"; tail -40 "$LOG"; exit 1; }
    echo "prebuild: the Windows builds are done ($((SECONDS - t0)) s waited)"
    ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
