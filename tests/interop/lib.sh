# shellcheck shell=bash
# Shared helpers for the interop scripts: source it, never run it.
#
#   LIB=orig|ours      which librtmp.so.1 the librtmp consumers load (default orig = Debian's)
#   INTEROP_KEEP=1     keep the run directory (logs, outputs, nginx prefix) instead of deleting it
#   INTEROP_LOGDIR=D   copy the logs there when the script exits (CI artifacts)
#   INTEROP_RUN=D      use the existing run directory D (kept) instead of a new one (nginx.sh)
#   INTEROP_DETACH=1   leave the daemons running on exit (nginx.sh start)
#
# Sourcing it creates a private run directory (mktemp -d, removed on exit) and installs an EXIT
# trap that stops, by PID, every daemon started through daemon_start. Ports are chosen at run
# time on 127.0.0.1; nothing is fixed, so several runs can share a machine.
set -u
export LC_ALL=C

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/common.sh
source "$INTEROP_DIR/../common.sh"
PY=/usr/bin/python3            # Debian's python: python3-librtmp lives there (not in a pyenv)
HOST=127.0.0.1
LIB=${LIB:-orig}
case $LIB in
  orig|ours) ;;
  *) echo "lib.sh: LIB must be 'orig' or 'ours', not '$LIB'" >&2; exit 2 ;;
esac

if [ -n "${INTEROP_RUN:-}" ]; then
  RUN=$INTEROP_RUN RUN_OWNED=0
else
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/rtmp-interop.XXXXXX") || { echo "lib.sh: mktemp failed" >&2; exit 2; }
  RUN_OWNED=1
fi
mkdir -p "$RUN/logs" "$RUN/pids" "$RUN/ld" "$RUN/cases" "$RUN/out"
GST_REGISTRY_FILE=$RUN/gst-registry.bin   # private: a registry scanned with a broken lib blacklists rtmp

N_PASS=0 N_FAIL=0 N_XFAIL=0 N_SKIP=0
# The suite's name in make check's summary (tally): the script's, unless it says otherwise.
SUITE=${SUITE:-$(basename "$0" .sh)}
FAILED_CASES=()
PENDING_CASES=()
declare -A CASE_PID=() CASE_T0=() CASE_DEADLINE=() CASE_XFAIL=() CASE_DESC=()

# selected NAME: NAME is one of the cases the script's arguments ask for (SEL: name prefixes; none
# means all)
SEL=()
selected() {
  [ ${#SEL[@]} = 0 ] && return 0
  local s; for s in "${SEL[@]}"; do [[ $1 == "$s"* ]] && return 0; done; return 1
}

# ------------------------------------------------------------------ time and processes
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
# fmt_us MICROSECONDS -> "1.23" (seconds); secs_since T0_US -> seconds since T0
fmt_us() { printf '%d.%02d' $(($1 / 1000000)) $((($1 % 1000000) / 10000)); }
secs_since() { fmt_us $(( $(now_us) - $1 )); }

# alive PID: the process exists and is not a zombie
alive() {
  local s
  read -r s 2>/dev/null <"/proc/$1/stat" || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ]
}
# starttime PID: when the process started (clock ticks since boot): with the PID, it names one
# process for good, even after the PID is reused
starttime() {
  local s f
  read -r s 2>/dev/null <"/proc/$1/stat" || return 1
  read -ra f <<<"${s##*) }"
  echo "${f[19]}"
}
# pidfile_pid FILE: the PID recorded in FILE if that very process still exists, else nothing
pidfile_pid() {
  local pid st
  read -r pid st 2>/dev/null <"$1" || return 1
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
}

# children PID: its child processes; descendants PID: all of its descendants (parents before
# their children). From /proc, so that no procps is needed.
_ppid_map() {
  local f line pid rest
  PPID_MAP=()
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$f" || continue
    pid=${line%% *} rest=${line##*) }   # "STATE PPID ..." (the command name may hold spaces)
    rest=${rest#* }
    PPID_MAP[${rest%% *}]+=" $pid"
  done
}
declare -A PPID_MAP=()
# (PPID_MAP values are space-separated PID lists: split on purpose)
# shellcheck disable=SC2086
children() { _ppid_map; local c; for c in ${PPID_MAP[$1]:-}; do echo "$c"; done; }
# shellcheck disable=SC2086
descendants() {
  _ppid_map
  local -a todo=("$1")
  local p c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]} todo=("${todo[@]:1}")
    for c in ${PPID_MAP[$p]:-}; do echo "$c"; todo+=("$c"); done
  done
}

# kill_tree PID [GRACE_SECS]: SIGTERM PID and its descendants, SIGKILL what is left after GRACE.
kill_tree() {
  local root=$1 grace=${2:-5} p deadline
  local -a procs
  mapfile -t procs < <(echo "$root"; descendants "$root")
  for p in "${procs[@]}"; do alive "$p" && kill -TERM "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null; done
  deadline=$(( $(now_us) + grace * 1000000 ))
  while [ "$(now_us)" -lt "$deadline" ]; do
    local any=0
    for p in "${procs[@]}"; do alive "$p" && any=1 && break; done
    [ $any = 0 ] && return 0
    sleep 0.02
  done
  for p in "${procs[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
  return 0
}

# wait_exit PID SECS: wait until PID has exited; 1 if it is still running at the deadline
wait_exit() {
  local pid=$1 deadline=$(( $(now_us) + $2 * 1000000 ))
  while alive "$pid"; do
    [ "$(now_us)" -ge "$deadline" ] && return 1
    sleep 0.02
  done
  return 0
}

# ------------------------------------------------------------------ daemons (PID files in $RUN/pids)
# daemon_start NAME CMD...: run CMD in the background (stdin /dev/null, output to
# $RUN/logs/NAME.log) and record its PID. Inside a case, NAME is prefixed with the case name and
# the daemon is stopped when the case ends. Sets DAEMON_PID.
daemon_start() {
  local name=$1; shift
  [ -n "${CASE:-}" ] && name="$CASE.$name"
  "$@" </dev/null >"$RUN/logs/$name.log" 2>&1 &
  DAEMON_PID=$!
  echo "$DAEMON_PID $(starttime "$DAEMON_PID")" >"$RUN/pids/$name"
}
_daemon_file() { if [ -n "${CASE:-}" ] && [ -e "$RUN/pids/$CASE.$1" ]; then echo "$RUN/pids/$CASE.$1"; else echo "$RUN/pids/$1"; fi; }
# daemon_stop NAME: stop it (and its children) by PID
daemon_stop() {
  local f pid
  f=$(_daemon_file "$1")
  pid=$(pidfile_pid "$f") && { kill_tree "$pid" 5; wait "$pid" 2>/dev/null; }   # reap it if it is our child
  rm -f "$f"
}
# daemon_kill NAME: SIGKILL it and its children at once (a crash, for the tests), and forget it
daemon_kill() {
  local f pid p
  f=$(_daemon_file "$1")
  pid=$(pidfile_pid "$f") || return 1
  # shellcheck disable=SC2046
  for p in "$pid" $(descendants "$pid"); do kill -KILL "$p" 2>/dev/null; done
  wait "$pid" 2>/dev/null
  rm -f "$f"
}
# daemons_stop_matching PREFIX: stop every recorded daemon whose name starts with PREFIX
daemons_stop_matching() {
  local f pid
  for f in "$RUN/pids/$1"*; do
    [ -e "$f" ] || continue
    pid=$(pidfile_pid "$f") && kill_tree "$pid" 5
    rm -f "$f"
  done
}

# ------------------------------------------------------------------ bounded waits
# wait_port PORT SECS WHAT [PID]: until something LISTENs on 127.0.0.1:PORT (read from
# /proc/net/tcp: no connection is made, so one-shot servers are not consumed). Fails early when
# PID (the daemon that should listen) dies.
wait_port() {
  local port=$1 secs=$2 what=$3 pid=${4:-} pat deadline
  pat=$(printf ' 0100007F:%04X 00000000:0000 0A ' "$port")
  deadline=$(( $(now_us) + secs * 1000000 ))
  until grep -q "$pat" /proc/net/tcp; do
    if [ -n "$pid" ] && ! alive "$pid"; then
      echo "wait_port: $what died before listening on 127.0.0.1:$port" >&2; return 1
    fi
    if [ "$(now_us)" -ge "$deadline" ]; then
      echo "wait_port: $what is not listening on 127.0.0.1:$port after ${secs}s" >&2; return 1
    fi
    sleep 0.02
  done
}
# wait_file FILE SECS WHAT: until FILE exists and is not empty
wait_file() {
  local deadline=$(( $(now_us) + $2 * 1000000 ))
  until [ -s "$1" ]; do
    if [ "$(now_us)" -ge "$deadline" ]; then echo "wait_file: $3: $1 not written after ${2}s" >&2; return 1; fi
    sleep 0.02
  done
}
# wait_size FILE BYTES SECS WHAT: until FILE holds at least BYTES
wait_size() {
  local deadline=$(( $(now_us) + $3 * 1000000 ))
  until [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; do
    if [ "$(now_us)" -ge "$deadline" ]; then
      echo "wait_size: $4: $1 has $(stat -c %s "$1" 2>/dev/null || echo 0) < $2 bytes after ${3}s" >&2; return 1
    fi
    sleep 0.02
  done
}

# free_ports N: N distinct free TCP ports on 127.0.0.1 (never handed out twice in one run)
free_ports() { "$PY" "$INTEROP_DIR/nettool.py" ports "$1" "$RUN/ports.used"; }

# ------------------------------------------------------------------ the librtmp under test
# (ORIG_LIBRTMP, OURS_LIBRTMP and on_lib come from tests/common.sh)
EXPECT_LIBRTMP=$(lib_path "$LIB")

# with_lib TAG CMD...: run CMD (a program, not a function) against the selected librtmp (on_lib:
# LIB=ours gets LD_LIBRARY_PATH=$OURS_DIR alone, LIB=orig none). ld.so's library trace of every
# process goes to $RUN/ld/TAG.PID so that check_lib TAG can prove what was loaded.
with_lib() {
  local tag=$1; shift
  on_lib "$LIB" "$RUN/ld/$tag" env "GST_REGISTRY=$GST_REGISTRY_FILE" "$@"
}
# check_lib TAG: every process of with_lib TAG that loaded a librtmp loaded EXPECT_LIBRTMP, and at
# least one did.
check_lib() {
  local tag=$1 want got p bad=0 n=0
  want=$(readlink -f "$EXPECT_LIBRTMP")
  got=$(cat "$RUN/ld/$tag".* 2>/dev/null | sed -n 's/.*calling init: \(.*librtmp\.so[^ ]*\).*/\1/p' | sort -u)
  if [ -z "$got" ]; then
    echo "LIBCHECK FAILED [$tag]: no process loaded any librtmp.so (LIB=$LIB)"; return 1
  fi
  for p in $got; do
    n=$((n + 1))
    if [ "$(readlink -f "$p")" != "$want" ]; then
      echo "LIBCHECK FAILED [$tag]: loaded $p, expected $EXPECT_LIBRTMP (LIB=$LIB)"; bad=1
    fi
  done
  [ $bad = 0 ] && echo "librtmp [$tag]: $got (LIB=$LIB)"
  return $bad
}

# ------------------------------------------------------------------ TLS material (once per run)
# $RUN/tls: ca.pem (test CA), server.pem/key (localhost, 127.0.0.1), wronghost.pem/key
# (wrong.invalid), both signed by the CA.
make_tls() {
  local d=$RUN/tls
  (
    flock 9
    [ -s "$d/wronghost.pem" ] && exit 0
    mkdir -p "$d" && cd "$d" || exit 1
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -keyout ca.key -out ca.pem \
      -subj "/CN=librtmp-rs interop test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" || exit 1
    local n cn san serial=1
    for n in server wronghost; do
      serial=$((serial + 1))
      if [ $n = server ]; then cn=localhost san="DNS:localhost,IP:127.0.0.1"
      else cn=wrong.invalid san="DNS:wrong.invalid"; fi
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $n.key -out $n.csr -subj "/CN=$cn" || exit 1
      printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' \
        "$san" >$n.ext
      openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -set_serial $serial -days 7 \
        -extfile $n.ext -out $n.pem || exit 1
    done
    chmod 600 ./*.key
  ) 9>"$RUN/tls.lock" >"$RUN/logs/tls.log" 2>&1 || { echo "make_tls failed:"; tail -5 "$RUN/logs/tls.log"; return 1; }
}

# ------------------------------------------------------------------ nginx
# nginx_start NAME MEDIA_DIR: an nginx (Debian's, rtmp + stream modules) with its own prefix
# $RUN/nginx-NAME and config rendered from nginx.conf.in, on free loopback ports. Sets
# RTMP_PORT RTMPS_PORT RTMPS13_PORT RTMPS_BADHOST_PORT HTTP_PORT STAT_URL NGX_DIR NGX_PID, and
# BRIDGE_PORT (reserved for an RTMPT bridge, see rtmpt_start) and RTMPTS_PORT (TLS in front of it).
# Retries with other ports if one was taken meanwhile.
nginx_start() {
  local name=$1 media=$2 attempt dir user=""
  make_tls || return 1
  [ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"   # workers keep our rights: the run dir is 0700
  for attempt in 1 2 3; do
    dir=$RUN/nginx-$name
    rm -rf "$dir"; mkdir -p "$dir/tmp"
    read -r RTMP_PORT RTMPS_PORT RTMPS13_PORT RTMPS_BADHOST_PORT HTTP_PORT BRIDGE_PORT RTMPTS_PORT < <(free_ports 7)
    [ -n "${HTTP_PORT:-}" ] || { echo "nginx_start: no free ports"; return 1; }
    # The same RTMP port on the IPv6 loopback too, where the machine has one.
    local listen6=""
    grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null && listen6="listen [::1]:$RTMP_PORT;"
    sed -e "s#@PREFIX@#$dir#g; s#@TLS@#$RUN/tls#g; s#@MEDIA@#$media#g; s#@USER@#$user#g; s#@LISTEN6@#$listen6#g" \
        -e "s#@RTMP_PORT@#$RTMP_PORT#g; s#@RTMPS_PORT@#$RTMPS_PORT#g; s#@RTMPS13_PORT@#$RTMPS13_PORT#g" \
        -e "s#@RTMPS_BADHOST_PORT@#$RTMPS_BADHOST_PORT#g; s#@HTTP_PORT@#$HTTP_PORT#g" \
        -e "s#@WORKER_CONNECTIONS@#${NGINX_WORKER_CONNECTIONS:-512}#g" \
        -e "s#@BRIDGE_PORT@#$BRIDGE_PORT#g; s#@RTMPTS_PORT@#$RTMPTS_PORT#g" \
        "$INTEROP_DIR/nginx.conf.in" >"$dir/nginx.conf"
    daemon_start "nginx-$name" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
    NGX_PID=$DAEMON_PID NGX_DIR=$dir STAT_URL="http://$HOST:$HTTP_PORT/stat"
    local p ok=1
    for p in "$RTMP_PORT" "$RTMPS_PORT" "$RTMPS13_PORT" "$RTMPS_BADHOST_PORT" "$HTTP_PORT" "$RTMPTS_PORT"; do
      wait_port "$p" 10 "nginx-$name" "$NGX_PID" || { ok=0; break; }
    done
    if [ $ok = 1 ]; then
      echo "nginx-$name: pid $NGX_PID rtmp $RTMP_PORT rtmps(1.2) $RTMPS_PORT rtmps(1.3) $RTMPS13_PORT" \
           "rtmps(wrong host) $RTMPS_BADHOST_PORT stat $STAT_URL"
      return 0
    fi
    daemon_stop "nginx-$name"
    if grep -q 'Address already in use' "$dir/error.log" "$RUN/logs/"*"nginx-$name.log" 2>/dev/null; then
      echo "nginx-$name: a port was taken meanwhile, retrying with other ports (attempt $attempt)"
      continue
    fi
    echo "nginx-$name failed to start:"; tail -5 "$dir/error.log" "$RUN/logs/"*"nginx-$name.log" 2>/dev/null
    return 1
  done
  return 1
}
nginx_stop() { daemon_stop "nginx-$1"; }

# socks_start BLOCKED_PORT: Debian's dante (danted) as a SOCKS4 proxy on loopback, refusing
# connections to BLOCKED_PORT. Sets SOCKS_PORT and SOCKS_LOG.
socks_start() {
  local conf=$RUN/danted.conf users=""
  SOCKS_PORT=$(free_ports 1) SOCKS_LOG=$RUN/logs/danted.log
  [ "$(id -u)" = 0 ] && users='user.privileged: root\nuser.unprivileged: nobody'
  sed -e "s#@PORT@#$SOCKS_PORT#; s#@LOG@#$SOCKS_LOG#; s#@BLOCKED_PORT@#$1#" "$INTEROP_DIR/danted.conf.in" \
    | awk -v u="$users" '{ if ($0 == "@USERS@") print u; else print }' >"$conf"
  daemon_start danted danted -f "$conf" -N 1 -p "$RUN/danted.pid"
  wait_port "$SOCKS_PORT" 10 "danted" "$DAEMON_PID"
}

# rtmpt_start: the RTMPT bridge (HTTP tunnel -> nginx's rtmp port) on BRIDGE_PORT
rtmpt_start() {
  daemon_start rtmpt-bridge "$PY" "$INTEROP_DIR/rtmpt_bridge.py" "$BRIDGE_PORT" "$HOST" "$RTMP_PORT"
  wait_port "$BRIDGE_PORT" 10 "rtmpt bridge" "$DAEMON_PID"
}

# listen_check PID...: every TCP socket these processes (and their children) listen on is bound
# to 127.0.0.1; prints them.
listen_check() { "$PY" "$INTEROP_DIR/nettool.py" listen-check "$@"; }

# swf_server DIR: a player SWF (zlib-compressed, CWS; 300,008 bytes once inflated) written to
# DIR/player.swf and served by python's http.server (daemon "www") on a free loopback port; sets
# SWF_URL. For the SWF verification cases.
swf_server() {
  local d=$1 port
  mkdir -p "$d"
  "$PY" - "$d/player.swf" <<'PYEOF' || { echo "swf_server: cannot make the SWF"; return 1; }
import sys, zlib, struct, random
rnd = random.Random(7)
body = bytes(rnd.getrandbits(8) for _ in range(200000)) + bytes(100000)
open(sys.argv[1], 'wb').write(b'CWS\x0a' + struct.pack('<I', 8 + len(body)) + zlib.compress(body))
PYEOF
  port=$(free_ports 1)
  daemon_start www "$PY" -m http.server --bind "$HOST" --directory "$d" "$port"
  wait_port "$port" 10 "http.server" "$DAEMON_PID" || return 1
  SWF_URL="http://$HOST:$port/player.swf"
}

# ------------------------------------------------------------------ small assertions for cases
fail() { echo "FAILED: $*"; return 1; }
# skip WHY: what the case needs is missing on this machine: the case is a SKIP (return its status)
skip() { echo "SKIP: $*"; return 77; }
ok() { echo "ok: $*"; }
# rc_is_error RC WHAT: RC is a failure exit code (1..123), not success, a timeout(1) kill or a
# death by signal (e.g. 141 = SIGPIPE)
rc_is_error() {
  local rc=$1 what=$2
  if [ "$rc" = 0 ]; then fail "$what: exit code 0, expected an error"
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then fail "$what: rc=$rc, killed by the test's timeout"
  elif [ "$rc" -ge 128 ]; then fail "$what: rc=$rc, killed by signal $((rc - 128))$([ "$rc" = 141 ] && echo ' (SIGPIPE)')"
  else ok "$what: error exit code $rc"; fi
}
# same_file OUT REF WHAT: byte-identical
same_file() {
  if cmp -s "$1" "$2"; then ok "$3: byte-identical to $(basename "$2") ($(stat -c %s "$1") bytes)"
  else fail "$3: $(basename "$1") ($(stat -c %s "$1" 2>/dev/null || echo missing) bytes) differs from $(basename "$2") ($(stat -c %s "$2") bytes): $(cmp "$1" "$2" 2>&1 | head -1)"; fi
}
flvcmp() { "$PY" "$INTEROP_DIR/flvtool.py" cmp "$@"; }

# ------------------------------------------------------------------ cases
# run_case [--desc TEXT] [--xfail-orig REASON] [--timeout SECS] NAME CMD...
#   Runs CMD (a function or program) in a subshell with CASE=NAME and OUT=$RUN/out/NAME, output
#   to $RUN/logs/NAME.log, stdin /dev/null; PASS when it returns 0, SKIP when it returns 77 (see
#   skip: what this machine cannot test, counted apart, never a pass). --xfail-orig: a known defect
#   of the original library: with LIB=orig a failure prints XFAIL (and a pass is a FAIL, XPASS),
#   with LIB=ours the case must PASS. --timeout (default 90 s): the harness kills the case's
#   process tree after that long and fails it. Daemons the case started are stopped after it.
#   CASES="NAME..." in the environment runs only those cases.
# run_case_bg takes the same arguments but returns at once; wait_cases reports those, in order.
_case_start() {
  local desc="" xfail="" tmo=90
  while [ $# -gt 0 ]; do
    case $1 in
      --desc) desc=$2; shift 2 ;;
      --xfail-orig) xfail=$2; shift 2 ;;
      --timeout) tmo=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local name=$1; shift
  # CASES="a b": run only those (an edit loop's filter; unset, every case runs)
  [ -z "${CASES:-}" ] || [[ " $CASES " == *" $name "* ]] || return 1
  CASE_DESC[$name]=$desc CASE_XFAIL[$name]=$xfail
  (
    CASE=$name OUT=$RUN/out/$name
    mkdir -p "$OUT"
    trap 'daemons_stop_matching "$CASE."' EXIT
    t0=$(now_us)
    echo "== case $name: $desc (LIB=$LIB, expected librtmp $EXPECT_LIBRTMP)"
    "$@"
    rc=$?
    echo "$rc $(secs_since "$t0")" >"$RUN/cases/$name.rc"
    echo "== case $name: rc=$rc"
    exit "$rc"
  ) </dev/null >"$RUN/logs/$name.log" 2>&1 &
  CASE_PID[$name]=$! CASE_T0[$name]=$(now_us) CASE_DEADLINE[$name]=$(( $(now_us) + tmo * 1000000 ))
  LAST_CASE=$name
}
_case_finish() {
  local name=$1 pid=${CASE_PID[$1]} rc secs verdict note="" timedout=0
  while alive "$pid"; do
    if [ "$(now_us)" -ge "${CASE_DEADLINE[$name]}" ]; then
      timedout=1
      kill_tree "$pid" 3
      echo "== harness: case still running after its time limit: its processes were killed" >>"$RUN/logs/$name.log"
      break
    fi
    sleep 0.02
  done
  wait "$pid" 2>/dev/null; rc=$?
  daemons_stop_matching "$name."
  if [ $timedout = 0 ] && [ -s "$RUN/cases/$name.rc" ]; then
    read -r rc secs <"$RUN/cases/$name.rc"
  else
    secs=$(secs_since "${CASE_T0[$name]}")
    [ $timedout = 1 ] && { rc=124; note=" (harness timeout)"; }
  fi
  if [ "$rc" = 0 ]; then verdict=PASS; elif [ "$rc" = 77 ]; then verdict=SKIP; else verdict=FAIL; fi
  if [ -n "${CASE_XFAIL[$name]}" ] && [ "$LIB" = orig ] && [ $verdict != SKIP ]; then
    if [ $verdict = FAIL ]; then verdict=XFAIL note="$note [known defect of the original: ${CASE_XFAIL[$name]}]"
    else verdict=FAIL note="$note [XPASS: expected to fail on the original: ${CASE_XFAIL[$name]}]"; fi
  fi
  printf '%-6s %-24s %6ss  %s%s\n' "$verdict" "$name" "$secs" "${CASE_DESC[$name]}" "$note"
  case $verdict in
    PASS) N_PASS=$((N_PASS + 1)) ;;
    SKIP) N_SKIP=$((N_SKIP + 1)); grep -E '^SKIP' "$RUN/logs/$name.log" | head -3 | sed 's/^/         | /' ;;
    XFAIL) N_XFAIL=$((N_XFAIL + 1)); grep -E '^(FAILED|LIBCHECK)' "$RUN/logs/$name.log" | head -3 | sed 's/^/         | /' ;;
    FAIL) N_FAIL=$((N_FAIL + 1)); FAILED_CASES+=("$name")
          tail -n 25 "$RUN/logs/$name.log" | sed 's/^/         | /' ;;
  esac
}
run_case() { _case_start "$@" && _case_finish "$LAST_CASE"; return 0; }
run_case_bg() { _case_start "$@" && PENDING_CASES+=("$LAST_CASE"); return 0; }
wait_cases() {
  local n
  for n in "${PENDING_CASES[@]}"; do _case_finish "$n"; done
  PENDING_CASES=()
}
# summary: the final line, and the tally; returns 1 if any case failed
summary() {
  echo "$N_PASS passed, $N_SKIP skipped, $N_FAIL failed, $N_XFAIL expected failures (LIB=$LIB: $EXPECT_LIBRTMP)"
  [ ${#FAILED_CASES[@]} -gt 0 ] && echo "failed: ${FAILED_CASES[*]}"
  tally "$SUITE" "$N_PASS" "$N_SKIP" "$N_FAIL"
  [ "$N_FAIL" = 0 ]
}
# setup_fail MSG: abort the script before the cases (counted as a failure)
setup_fail() { echo "FAIL   setup: $*"; N_FAIL=$((N_FAIL + 1)); summary; exit 1; }

# ------------------------------------------------------------------ exit: stop everything by PID
_interop_cleanup() {
  local n
  for n in "${!CASE_PID[@]}"; do alive "${CASE_PID[$n]}" && kill_tree "${CASE_PID[$n]}" 2; done
  [ "${INTEROP_DETACH:-0}" = 1 ] || daemons_stop_matching ""
  if [ -n "${INTEROP_LOGDIR:-}" ]; then mkdir -p "$INTEROP_LOGDIR" && cp -r "$RUN/logs/." "$INTEROP_LOGDIR/"; fi
  if [ "$RUN_OWNED" = 0 ] || [ "${INTEROP_DETACH:-0}" = 1 ]; then :
  elif [ "${INTEROP_KEEP:-0}" = 1 ]; then echo "run directory kept: $RUN" >&2
  else rm -rf "$RUN"; fi
}
trap _interop_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
