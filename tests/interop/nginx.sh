#!/usr/bin/env bash
# nginx.sh start [MEDIA_DIR] | stop RUN_DIR | status RUN_DIR
#
# The interop nginx on its own, for trying things by hand (play-publish.sh starts and stops its
# own through lib.sh's nginx_start). `start` makes a run directory, the test media (unless
# MEDIA_DIR is given: the vod application plays from it) and TLS material, starts nginx there on
# free loopback ports, prints the ports as shell assignments and leaves nginx running.
# `stop RUN_DIR` stops that nginx by its PID and removes the directory.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case ${1:-} in
  start)
    export INTEROP_DETACH=1
    # shellcheck source=tests/interop/lib.sh
    source "$here/lib.sh"
    media=${2:-$RUN/media}
    if [ -z "${2:-}" ]; then bash "$REPO/tests/media/make-media.sh" "$media" >"$RUN/logs/media.log" 2>&1 || { cat "$RUN/logs/media.log"; exit 1; }; fi
    nginx_start main "$media" >"$RUN/logs/nginx-start.log" 2>&1 || { cat "$RUN/logs/nginx-start.log"; INTEROP_DETACH=0; exit 1; }
    cat >"$RUN/env" <<EOT
INTEROP_RUN=$RUN
NGX_PID=$NGX_PID
RTMP_PORT=$RTMP_PORT
RTMPS_PORT=$RTMPS_PORT
RTMPS13_PORT=$RTMPS13_PORT
RTMPS_BADHOST_PORT=$RTMPS_BADHOST_PORT
HTTP_PORT=$HTTP_PORT
TLS_CA=$RUN/tls/ca.pem
MEDIA=$media
EOT
    cat "$RUN/env"
    echo "# e.g.: rtmpdump -r rtmp://127.0.0.1:$RTMP_PORT/vod/small.flv -o out.flv" >&2
    echo "# stop: $0 stop $RUN" >&2
    ;;
  stop|status)
    dir=${2:?usage: nginx.sh $1 RUN_DIR}
    [ -f "$dir/pids/nginx-main" ] && [ -f "$dir/nginx-main/nginx.conf" ] || { echo "nginx.sh: $dir is not a run directory with an nginx" >&2; exit 1; }
    export INTEROP_RUN=$dir INTEROP_DETACH=1   # only what is asked: no stop on exit
    # shellcheck source=tests/interop/lib.sh
    source "$here/lib.sh"
    pid=$(pidfile_pid "$dir/pids/nginx-main")
    if [ "$1" = status ]; then
      if [ -n "$pid" ] && alive "$pid"; then echo "nginx running, pid $pid"; else echo "nginx not running"; exit 1; fi
    else
      daemon_stop nginx-main
      echo "nginx ${pid:-(already gone)} stopped"
      rm -rf "$dir"
    fi
    ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
