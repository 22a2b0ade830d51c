#!/usr/bin/env bash
# network.sh (make check-hostile): a network that does not answer, in a network namespace of its
# own: a port whose connection attempts vanish (a listener whose accept queue is full: the kernel
# drops every further SYN, so connect() hears nothing, as from a black-holed address) and a DNS
# server that never answers (the namespace's resolv.conf names a UDP socket that reads and says
# nothing).
# rtmp-play on our library (OURS_DIR) must give up within its timeout + 1 s, saying which step
# timed out; Debian's rtmpdump on the original is run the same way for the report (it has no
# connect or DNS timeout). ld.so's trace proves which library each of them ran on.
# shellcheck source=tests/interop/lib.sh
LIB=ours
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
TMO=3
PLAY=$OURS_DIR/rtmp-play
command -v ip >/dev/null || setup_fail "ip (iproute2) not found"
command -v rtmpdump >/dev/null && [ -n "$ORIG_LIBRTMP" ] || setup_fail "Debian's rtmpdump and its librtmp.so.1 not found (scripts/install-deps.sh)"
[ -f "$OURS_LIBRTMP" ] || setup_fail "$OURS_LIBRTMP does not exist (make, or set OURS_DIR)"
# make builds the examples in build/ only: a library under test elsewhere needs them copied beside it.
[ -x "$PLAY" ] || setup_fail "$PLAY does not exist: the examples are built in build/; copy rtmp-play into $OURS_DIR to test the library there"
NS=lrs-net-$$
ip netns add "$NS" && ip -n "$NS" link set lo up || setup_fail "cannot create a network namespace (needs root and ip netns)"
# `ip netns exec` bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf.
mkdir -p "/etc/netns/$NS" && printf 'nameserver 127.0.0.1\noptions timeout:3 attempts:2\n' >"/etc/netns/$NS/resolv.conf"
trap 'daemons_stop_matching ""; ip netns del "$NS" 2>/dev/null; rm -rf "/etc/netns/$NS"; _interop_cleanup' EXIT
daemon_start dns-mute ip netns exec "$NS" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
print("dns stub: reading queries, answering none", flush=True)
while True:
    s.recvfrom(4096)
'
daemon_start hole ip netns exec "$NS" "$PY" -c '
import socket
l = socket.socket()
l.bind(("127.0.0.1", 1935))
l.listen(0)
held = []
for _ in range(2):   # fills the accept queue: from now on SYNs to the port are dropped
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", 1935))
    held.append(c)
print("hole: accept queue full, further connections hear nothing", flush=True)
while True:
    __import__("time").sleep(3600)
'
for f in dns-mute:"answering none" hole:"hear nothing"; do
  for _ in $(seq 200); do grep -q "${f#*:}" "$RUN/logs/${f%%:*}.log" 2>/dev/null && break; sleep 0.05; done
  grep -q "${f#*:}" "$RUN/logs/${f%%:*}.log" || setup_fail "${f%%:*} did not start"
done
echo "== network faults in namespace $NS: 127.0.0.1:1935 drops SYNs, DNS 127.0.0.1:53 never answers; timeout $TMO s"

# gives_up WHAT URL PATTERN: ours must fail within TMO + 1 s with the line PATTERN matches (the
# step that timed out, named with the timeout), on OURS_LIBRTMP
gives_up() {
  local what=$1 url=$2 pattern=$3 t0 rc
  t0=$(now_us)
  on_lib ours "$OUT/ours.trace" ip netns exec "$NS" timeout -s KILL 60 "$PLAY" --timeout "$TMO" "$url" -o /dev/null 2>"$OUT/ours.err"; rc=$?
  local took; took=$(secs_since "$t0")
  loaded ours "$OUT/ours.trace" || return 1
  rc_is_error "$rc" "rtmp-play ($what)" || return 1
  [ $(( $(now_us) - t0 )) -le $(( (TMO + 1) * 1000000 )) ] || { fail "rtmp-play ($what) took ${took}s, more than $((TMO + 1))s"; return 1; }
  grep -qE "$pattern" "$OUT/ours.err" || { fail "no line matching '$pattern': $(cat "$OUT/ours.err")"; return 1; }
  ok "ours ($OURS_LIBRTMP) gave up after ${took}s: $(grep -m1 -E "$pattern" "$OUT/ours.err" | cut -c1-130)"
  # The original, for the report (its outcome is not asserted, only that it ran on the original):
  # bounded by this script at 10 s.
  t0=$(now_us)
  on_lib orig "$OUT/orig.trace" ip netns exec "$NS" timeout -s KILL 10 rtmpdump -q -m "$TMO" -r "$url" -o /dev/null 2>"$OUT/orig.err"; rc=$?
  loaded orig "$OUT/orig.trace" || return 1
  echo "note: the original (rtmpdump -m $TMO on $ORIG_LIBRTMP): rc=$rc after $(secs_since "$t0")s$([ "$rc" = 137 ] && echo ' (killed by this script at 10 s)')"
}
# The very lines src/transport/tcp.rs prints when that step runs out of time, with our timeout in
# them: a bare "connect" also matches a refusal, or a failure of another step or after another wait.
c_blackhole() { gives_up "connection attempts that vanish" "rtmp://127.0.0.1:1935/app/stream" "^ERROR: .*connecting to 127\.0\.0\.1:1935 took longer than $TMO s"; }
c_dns() { gives_up "DNS that never answers" "rtmp://stream.example.org:1935/app/stream" "^ERROR: .*resolving stream\.example\.org took longer than $TMO s"; }

run_case --desc "connection attempts that vanish (SYNs dropped): connect gives up within timeout + 1 s" blackhole c_blackhole
run_case --desc "DNS that never answers: resolution gives up within timeout + 1 s" dns-stub c_dns
summary
