#!/usr/bin/python3
"""Small network helpers for the interop scripts (stdlib only, loopback only).

  nettool.py ports N USEDFILE
      Print N distinct TCP ports that are free on 127.0.0.1 right now. They are drawn at random
      from 20000-32767 (below Linux's default ephemeral range, so outgoing connections do not
      take them meanwhile), each one proven free by binding it, and never one already listed in
      USEDFILE (the ports this run handed out before; appended under a lock).

  nettool.py silent PORTFILE [--handshake]
      A server that accepts TCP connections on 127.0.0.1 and never answers: it reads and
      discards whatever a client sends and keeps every connection open until it is killed.
      With --handshake it first completes the plain RTMP handshake (S0 S1 S2 for the client's
      C0 C1) and goes silent after that, i.e. it never answers the connect command.
      It binds port 0 and writes the port it got to PORTFILE (atomically) once it listens.

  nettool.py stat-wait STATURL APP STREAM [--players N] [--publishing] [--bytes-in N]
                       [--timeout S]
      Poll nginx-rtmp's XML statistics page until stream APP/STREAM has at least N players,
      a publisher (--publishing) and at least N bytes received from the publisher. Exit 0 as
      soon as that holds, 1 with the last state seen when the deadline passes.

  nettool.py listen-check PID...
      List the TCP sockets that these processes and their descendants LISTEN on and exit 1 if
      any is bound to an address other than loopback (127.0.0.0/8, ::1), or if there is none.
"""
import fcntl
import os
import random
import selectors
import socket
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET


def cmd_ports(n, usedfile):
    n = int(n)
    with open(usedfile, 'a+') as used:
        fcntl.flock(used, fcntl.LOCK_EX)
        used.seek(0)
        taken = {int(x) for x in used.read().split()}
        held, chosen = [], []
        for _ in range(2000):
            if len(chosen) == n:
                break
            port = random.randrange(20000, 32768)
            if port in taken or port in chosen:
                continue
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(('127.0.0.1', port))
            except OSError:
                s.close()
                continue
            held.append(s)  # keep it bound until all are chosen: no duplicates
            chosen.append(port)
        for s in held:
            s.close()
        if len(chosen) != n:
            sys.exit('nettool ports: could not find %d free ports' % n)
        used.write(''.join('%d\n' % p for p in chosen))
    print(' '.join(map(str, chosen)))


def cmd_silent(portfile, handshake=False):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(('127.0.0.1', 0))
    srv.listen(16)
    tmp = portfile + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % srv.getsockname()[1])
    os.rename(tmp, portfile)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    conns = []
    pending = {}  # connection -> bytes of C0+C1 received so far (--handshake)
    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                c, _ = srv.accept()
                conns.append(c)  # held open
                sel.register(c, selectors.EVENT_READ)
                if handshake:
                    pending[c] = b''
                print('accepted connection', len(conns), flush=True)
            else:
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b''
                if not data:  # the client left: forget it
                    sel.unregister(key.fileobj)
                    pending.pop(key.fileobj, None)
                    key.fileobj.close()
                elif key.fileobj in pending:
                    got = pending[key.fileobj] + data
                    if len(got) >= 1537:  # C0 (version) + C1 (1536 bytes)
                        c1 = got[1:1537]
                        s1 = bytes(8) + bytes(random.getrandbits(8) for _ in range(1528))
                        key.fileobj.sendall(b'\x03' + s1 + c1)  # S0, S1, S2 = echo of C1
                        del pending[key.fileobj]
                        print('handshake done; silent from now on', flush=True)
                    else:
                        pending[key.fileobj] = got


def stream_state(url, app, stream):
    with urllib.request.urlopen(url, timeout=2) as r:
        root = ET.fromstring(r.read())
    for a in root.iter('application'):
        if a.findtext('name') != app:
            continue
        for s in a.iter('stream'):
            if s.findtext('name') != stream:
                continue
            clients = s.findall('client')
            pubs = sum(1 for c in clients if c.find('publishing') is not None)
            return {'players': len(clients) - pubs, 'publishers': pubs,
                    'bytes_in': int(s.findtext('bytes_in') or 0),
                    'bytes_out': int(s.findtext('bytes_out') or 0)}
    return None


def cmd_stat_wait(args):
    url, app, stream = args[:3]
    opts = args[3:]
    players, publishing, bytes_in, timeout = 0, False, 0, 10.0
    i = 0
    while i < len(opts):
        o = opts[i]
        if o == '--players':
            players = int(opts[i + 1]); i += 2
        elif o == '--publishing':
            publishing = True; i += 1
        elif o == '--bytes-in':
            bytes_in = int(opts[i + 1]); i += 2
        elif o == '--timeout':
            timeout = float(opts[i + 1]); i += 2
        else:
            sys.exit('nettool stat-wait: unknown option ' + o)
    deadline = time.monotonic() + timeout
    st, err = None, None
    while True:
        try:
            st, err = stream_state(url, app, stream), None
        except (OSError, ET.ParseError) as e:
            err = e
        if st and st['players'] >= players and st['bytes_in'] >= bytes_in \
                and (st['publishers'] > 0 or not publishing):
            print('stat %s/%s: %s' % (app, stream, st))
            return 0
        if time.monotonic() >= deadline:
            print('stat-wait: %s/%s not ready after %.1fs (want players>=%d%s bytes_in>=%d);'
                  ' last state %s%s' % (app, stream, timeout, players,
                                        ' publishing' if publishing else '', bytes_in, st,
                                        ' error %s' % err if err else ''), file=sys.stderr)
            return 1
        time.sleep(0.02)


def _children():
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def _addr(hexaddr):
    ip, port = hexaddr.split(':')
    raw = bytes.fromhex(ip)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1]), int(port, 16)
    # /proc/net/tcp6: four 32-bit words, each in host (little-endian) order
    words = b''.join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words), int(port, 16)


def cmd_listen_check(pids):
    kids = _children()
    todo, seen = [int(p) for p in pids], set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(kids.get(p, []))
    inodes = set()
    for p in seen:
        try:
            for fd in os.listdir('/proc/%d/fd' % p):
                try:
                    link = os.readlink('/proc/%d/fd/%s' % (p, fd))
                except OSError:
                    continue
                if link.startswith('socket:['):
                    inodes.add(link[8:-1])
        except OSError:
            continue
    bad, found = 0, 0
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] != '0A' or f[9] not in inodes:
                continue
            ip, port = _addr(f[1])
            loop = ip.startswith('127.') or ip == '::1'
            found += 1
            bad += 0 if loop else 1
            print('listening on %s port %d%s' % (ip, port, '' if loop else '  <-- NOT LOOPBACK'))
    if found == 0:
        print('listen-check: processes %s listen on nothing' % sorted(seen), file=sys.stderr)
        return 1
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 3 and argv[0] == 'ports':
        cmd_ports(argv[1], argv[2])
    elif len(argv) in (2, 3) and argv[0] == 'silent':
        cmd_silent(argv[1], argv[2:] == ['--handshake'])
    elif len(argv) >= 2 and argv[0] == 'listen-check':
        return cmd_listen_check(argv[1:])
    elif len(argv) >= 4 and argv[0] == 'stat-wait':
        return cmd_stat_wait(argv[1:])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
