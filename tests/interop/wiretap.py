#!/usr/bin/python3
"""A witness on the wire: a TCP relay between RTMP clients and a server that writes down, as JSON
lines, what each client sends after its handshake — commands with their AMF0 values, user control
events, protocol control messages — so that a test can judge what reached the wire from the
bytes themselves, not from the client's own log.

  wiretap.py PORTFILE UPSTREAM_HOST UPSTREAM_PORT LOG

Listens on a free port of 127.0.0.1 (written to PORTFILE once listening) and relays every
connection to UPSTREAM, both ways, unchanged. LOG gets one line per client message:
  {"conn": 1, "type": 20, "stream": 0, "command": ["connect", 1.0, {...}, ...]}
  {"conn": 1, "type": 4, "event": 3, "values": [1, 4321]}      (user control: event, its u32s)
  {"conn": 1, "type": 1, "values": [4096]}                       (protocol control: its u32s)
  {"conn": 1, "type": 9, "length": 812, "head": "9168", "sha": "…", "t": 12.5} (media and data:
      the first two bytes, a SHA-1 of the body and when it was seen, for judging what went where)
"""
import hashlib
import json
import os
import queue
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'hostile'))
from server import Peer, decode_amf0  # noqa: E402

LOCK = threading.Lock()


class Fed:
    """A socket stand-in whose recv returns what the relay saw go by (b'' once it ended)."""
    def __init__(self):
        self.q = queue.Queue()

    def recv(self, _n):
        return self.q.get()

    def settimeout(self, _t):
        pass


def pump(src, dst, fed=None):
    try:
        while True:
            d = src.recv(65536)
            if fed:
                fed.q.put(d)
            if not d:
                break
            dst.sendall(d)
    except OSError:
        if fed:
            fed.q.put(b'')
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def witness(n, fed, log):
    p = Peer(fed)
    try:
        p.recv_exact(1537 + 1536)  # C0 C1 C2
        while True:
            t, body = p.read_message()
            rec = {'conn': n, 'type': t}
            if t in (0x14, 0x11):
                try:
                    rec['command'] = decode_amf0(body[1:] if t == 0x11 else body)
                except (ValueError, IndexError, struct.error) as e:
                    rec['undecodable'] = str(e)
            elif t == 4 and len(body) >= 2:
                rec['event'] = struct.unpack('>H', body[:2])[0]
                rec['values'] = [struct.unpack('>I', body[i:i + 4])[0] for i in range(2, len(body) - 3, 4)]
            elif t in (1, 2, 3, 5, 6):
                rec['values'] = [struct.unpack('>I', body[i:i + 4])[0] for i in range(0, len(body) - 3, 4)]
            else:
                rec['length'] = len(body)
                if t in (8, 9, 18):
                    rec.update(head=body[:2].hex(), sha=hashlib.sha1(body).hexdigest(), t=time.monotonic())
            with LOCK, open(log, 'a') as f:
                f.write(json.dumps(rec) + '\n')
    except EOFError:
        pass


def main():
    portfile, host, port, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(16)
    with open(portfile + '.tmp', 'w') as f:
        f.write(str(srv.getsockname()[1]))
    os.replace(portfile + '.tmp', portfile)
    n = 0
    while True:
        c, _ = srv.accept()
        n += 1
        u = socket.create_connection((host, port))
        fed = Fed()
        threading.Thread(target=witness, args=(n, fed, log), daemon=True).start()
        threading.Thread(target=pump, args=(c, u, fed), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()


if __name__ == '__main__':
    main()
