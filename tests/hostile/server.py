#!/usr/bin/python3
"""A scripted RTMP server that misbehaves on purpose, one way per case, for one client.

  server.py list                 the case names, one per line, with what each does
  server.py CASE PORTFILE        listen on 127.0.0.1 (a free port, written to PORTFILE), serve
                                 one connection the CASE's way, then exit

Each case is a function of a Peer: the helpers speak just enough RTMP (simple handshake, chunking
at 128 bytes, AMF0) to get a client to the point where the case does its damage.
"""
import os
import random
import re
import select
import socket
import struct
import sys
import time

RND = random.Random(1935)


# ---------------------------------------------------------------- AMF0
def num(v): return b'\x00' + struct.pack('>d', v)
def boolean(v): return b'\x01' + bytes([1 if v else 0])
def string(s):
    s = s.encode() if isinstance(s, str) else s
    return b'\x02' + struct.pack('>H', len(s)) + s
def null(): return b'\x05'
def key(k): k = k.encode(); return struct.pack('>H', len(k)) + k
def obj(d): return b'\x03' + b''.join(key(k) + v for k, v in d.items()) + b'\x00\x00\x09'
def decode_amf0(b):
    """The AMF0 values of `b`, in order (numbers, booleans, strings, None for null and undefined,
    dicts for objects and ECMA arrays, lists for strict arrays): what a witness of the wire
    needs. Raises ValueError on anything else."""
    def value(p):
        t, p = b[p], p + 1
        if t == 0:
            return struct.unpack('>d', b[p:p + 8])[0], p + 8
        if t == 1:
            return b[p] != 0, p + 1
        if t in (2, 0x0c):
            n = 2 if t == 2 else 4
            ln = int.from_bytes(b[p:p + n], 'big')
            return b[p + n:p + n + ln].decode(errors='replace'), p + n + ln
        if t in (5, 6):
            return None, p
        if t in (3, 8):
            p += 4 if t == 8 else 0
            d = {}
            while b[p:p + 3] != b'\x00\x00\x09':
                ln = int.from_bytes(b[p:p + 2], 'big')
                k = b[p + 2:p + 2 + ln].decode(errors='replace')
                d[k], p = value(p + 2 + ln)
            return d, p + 3
        if t == 0x0a:
            n, p = int.from_bytes(b[p:p + 4], 'big'), p + 4
            out = []
            for _ in range(n):
                v, p = value(p)
                out.append(v)
            return out, p
        raise ValueError(f'AMF0 type 0x{t:02x}')
    out, p = [], 0
    while p < len(b):
        v, p = value(p)
        out.append(v)
    return out


def status(code, level='status', extra=None):
    d = {'level': string(level), 'code': string(code), 'description': string(code)}
    d.update(extra or {})
    return obj(d)


# ---------------------------------------------------------------- chunks
def header(fmt, csid, ts=0, length=0, mtype=0x14, sid=0):
    """A chunk header of format `fmt` on chunk stream `csid` (< 64), with no extended timestamp."""
    h = bytes([fmt << 6 | csid])
    if fmt <= 2:
        h += struct.pack('>I', min(ts, 0xffffff))[1:]
    if fmt <= 1:
        h += struct.pack('>I', length)[1:] + bytes([mtype])
    if fmt == 0:
        h += struct.pack('<I', sid)
    return h


def chunked(csid, mtype, payload, sid=0, ts=0, chunk=128):
    """A whole message on chunk stream `csid` (< 64) in chunks of `chunk` bytes, as bytes."""
    csid &= 0x3f
    out = bytearray(header(0, csid, ts, len(payload), mtype, sid))
    if ts >= 0xffffff:
        out += struct.pack('>I', ts)
    for i in range(0, max(len(payload), 1), chunk):
        if i:
            out.append(0xc0 | csid)
        out += payload[i:i + chunk]
    return bytes(out)


# ---------------------------------------------------------------- cases and their verdicts
# What the client ends with when it only waited for data that never came: the damage was handled
# (or harmless), and nothing but the receive timeout (timeout=1) ended the session.
TIMED_OUT = r'no data within 1 s'


def case_registry():
    """The cases of a script and the decorator that adds one: `@case(name, what, expect=...,
    log=..., then=..., orig=...)` on a function of a Peer.

      expect  the program's report must show these: space-separated `field=N`, `field>=N` or
              `field<=N` (client.c's setup= connect= stream= read= bytes= timedout=, serve.c's
              serve= packets= commands= undecodable= …): the stage the case attacks was reached
      log     a regular expression that a WARNING or ERROR line of the library must match: the
              line naming the problem (TIMED_OUT where the receive timeout is all there is)
      then    after the damage: 'idle' (hold the connection until the other end hangs up, at
              most 8 s) or 'close'
      orig    'crash' or 'hang' where Debian's original always crashes or hangs: it must fail the
              case's verdict too, or the case cannot tell a broken library from a sound one
    """
    cases = {}

    def case(name, what, expect='', log=None, then='idle', orig=None):
        assert log, f'{name}: every case names the log line it expects'
        assert then in ('idle', 'close') and orig in (None, 'crash', 'hang')

        def add(f):
            cases[name] = dict(what=what, run=f, expect=expect, log=log, then=then, orig=orig)
            return f
        return add
    return cases, case


def print_cases(cases):
    for name, c in cases.items():
        print(f"{name}\t{c['orig'] or '-'}\t{c['what']}")


def judge(c, report, log, marker):
    """The problems with one run of case `c`: its program's last report line, the library's log
    and the scripted peer's marker file (texts). An empty list is a pass."""
    problems = []
    if not marker.startswith('sent'):
        problems.append('the scripted peer never got to deliver its damage' + (f' ({marker.strip()})' if marker else ''))
    lines = [ln for ln in report.splitlines() if '=' in ln]
    fields = dict(kv.split('=', 1) for kv in lines[-1].split() if '=' in kv) if lines else {}
    if not fields:
        problems.append('no report from the program')
    for cond in c['expect'].split():
        for op in ('>=', '<=', '='):
            if op in cond:
                k, want = cond.split(op)
                break
        got = fields.get(k)
        try:
            ok = got is not None and {'>=': float(got) >= float(want), '<=': float(got) <= float(want),
                                      '=': float(got) == float(want)}[op]
        except ValueError:
            ok = False
        if fields and not ok:
            problems.append(f'expected {cond}, the program reports {k}={got}')
    said = [ln for ln in log.splitlines() if ln.startswith(('ERROR:', 'WARNING:'))]
    if not any(re.search(c['log'], ln) for ln in said):
        problems.append(f"no WARNING or ERROR line matching /{c['log']}/")
    return problems


def judge_main(cases, argv):
    """`judge CASE REPORT LOG MARKER`: prints each problem; exit status 1 if there is one."""
    name, report, log, marker = argv
    text = [open(f, errors='replace').read() if os.path.exists(f) else '' for f in (report, log, marker)]
    problems = judge(cases[name], *text)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


class Peer:
    def __init__(self, sock, marker=None):
        self.s = sock
        self.s.settimeout(10)
        self.rx = b''
        self.in_chunk = 128
        self.streams = {}
        self.marker = marker
        self.marked = False
        self.sent_bytes = 0

    # ------------------------------------------------------------ raw I/O
    def send(self, data, hangup_ok=False):
        """Sends all of `data`. With `hangup_ok`, the other end hanging up once part of it went
        out is not an error: the damage (noise, a flood) reached it and it gave up."""
        view, sent = memoryview(data), 0
        while sent < len(data):
            try:
                n = self.s.send(view[sent:])
                sent += n
                self.sent_bytes += n
            except OSError:
                if hangup_ok and sent:
                    return
                raise

    def recv_exact(self, n):
        while len(self.rx) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.rx += d
        out, self.rx = self.rx[:n], self.rx[n:]
        return out

    def mark(self):
        """The damage is on the wire: the case's verdict needs this marker (a peer that never got
        this far proves nothing about the library)."""
        if self.marker and not self.marked:
            with open(self.marker, 'w') as f:
                f.write('sent\n')
        self.marked = True

    def note(self, text):
        if self.marker:
            with open(self.marker, 'a') as f:
                f.write(text + '\n')

    # ------------------------------------------------------------ handshake
    def handshake(self, s0=3):
        c0c1 = self.recv_exact(1537)
        s1 = struct.pack('>I', 0) + b'\x00' * 4 + bytes(RND.getrandbits(8) for _ in range(1528))
        self.send(bytes([s0]) + s1 + c0c1[1:])
        self.recv_exact(1536)

    # ------------------------------------------------------------ chunks
    def send_msg(self, csid, mtype, payload, sid=0, ts=0, chunk=128):
        self.send(chunked(csid, mtype, payload, sid, ts, chunk))

    def invoke(self, *values, sid=0, csid=3):
        self.send_msg(csid, 0x14, b''.join(values), sid=sid)

    def control(self, mtype, payload):
        self.send_msg(2, mtype, payload)

    def read_message(self):
        """One whole message from the client: (type, payload). Understands what librtmp sends."""
        while True:
            b0 = self.recv_exact(1)[0]
            fmt, csid = b0 >> 6, b0 & 0x3f
            if csid == 0:
                csid = 64 + self.recv_exact(1)[0]
            elif csid == 1:
                b = self.recv_exact(2)
                csid = 64 + b[0] + 256 * b[1]
            st = self.streams.setdefault(csid, {'len': 0, 'type': 0, 'ts': 0, 'buf': b''})
            hdr = self.recv_exact([11, 7, 3, 0][fmt])
            if fmt <= 2 and int.from_bytes(hdr[0:3], 'big') == 0xffffff:
                self.recv_exact(4)
            if fmt <= 1:
                st['len'] = int.from_bytes(hdr[3:6], 'big')
                st['type'] = hdr[6]
            need = st['len'] - len(st['buf'])
            st['buf'] += self.recv_exact(min(need, self.in_chunk))
            if len(st['buf']) >= st['len']:
                msg, st['buf'] = (st['type'], st['buf']), b''
                if msg[0] == 1 and len(msg[1]) >= 4:
                    self.in_chunk = struct.unpack('>I', msg[1][:4])[0] & 0x7fffffff
                return msg

    def wait_invoke(self, name):
        """Reads until the client invokes NAME; returns its transaction id."""
        want = string(name)
        while True:
            t, p = self.read_message()
            if t == 0x14 and p.startswith(want) and len(p) >= len(want) + 9:
                return struct.unpack('>d', p[len(want) + 1:len(want) + 9])[0]

    # ------------------------------------------------------------ the polite parts
    def connect_ok(self):
        txn = self.wait_invoke('connect')
        self.control(5, struct.pack('>I', 2500000))
        self.control(6, struct.pack('>IB', 2500000, 2))
        self.invoke(string('_result'), num(txn), obj({'fmsVer': string('FMS/3,5,1,1')}),
                    status('NetConnection.Connect.Success'))

    def stream_ok(self):
        txn = self.wait_invoke('createStream')
        self.invoke(string('_result'), num(txn), null(), num(1))
        self.wait_invoke('play')
        self.send_msg(2, 4, struct.pack('>HI', 0, 1))
        self.invoke(string('onStatus'), num(0), null(), status('NetStream.Play.Start'), sid=1, csid=5)

    def up_to_play(self):
        self.handshake()
        self.connect_ok()
        self.stream_ok()

    def video(self, payload, ts=0, sid=1, csid=6):
        self.send_msg(csid, 9, payload, sid=sid, ts=ts)

    def proof(self, ts=40):
        """After the damage, a 1000-byte video tag: the client that shows at least PROOF bytes
        read went on playing through what came before."""
        self.mark()
        self.video(b'\x27\x01' + bytes(998), ts=ts)

    def idle(self, seconds):
        """Holds the connection open without answering until the other end hangs up (the client
        should time out first) or `seconds` pass."""
        t0 = time.monotonic()
        end = t0 + seconds
        self.s.settimeout(0.2)
        while time.monotonic() < end:
            try:
                if not self.s.recv(65536):
                    self.note(f'the other end hung up after {time.monotonic() - t0:.2f} s of silence')
                    return
            except socket.timeout:
                pass
            except OSError:
                return
        self.note(f'the other end was still connected after {seconds} s of silence')


# What RTMP_Read returns for the FLV header and one proof tag.
PROOF = 13 + 11 + 1000 + 4


CASES, case = case_registry()
# What every case that gets as far as playing expects, at least.
PLAYING = 'connect=1 stream=1'


# ---------------------------------------------------------------- the handshake
# A server that closes with our bytes unread resets the connection: closed or reset, as it happens.
HS_CLOSED = r'RTMP_Connect1, (Connection reset by peer|connection closed by the peer)'


@case('hs-close', 'closes right after accepting', then='close', expect='connect=0', log=HS_CLOSED)
def _(p): pass

@case('hs-s0-only', 'sends S0 and closes', then='close', expect='connect=0', log=HS_CLOSED)
def _(p): p.recv_exact(1537); p.send(b'\x03')

@case('hs-short-s1', 'sends S0 and 100 bytes of S1, then closes', then='close', expect='connect=0', log=HS_CLOSED)
def _(p): p.recv_exact(1537); p.send(b'\x03' + bytes(100))

@case('hs-short-s2', 'sends S0 S1 and half of S2, then closes', then='close', expect='connect=0', log=HS_CLOSED)
def _(p): c = p.recv_exact(1537); p.send(b'\x03' + bytes(1536) + c[1:769])

@case('hs-silent', 'reads C0 C1 and never answers', expect='connect=0 timedout=1', log=r'RTMP_Connect1, timed out')
def _(p): p.recv_exact(1537)

@case('hs-silent-after-s1', 'sends S0 S1 and then nothing', expect='connect=0 timedout=1', log=r'RTMP_Connect1, timed out')
def _(p): p.recv_exact(1537); p.send(b'\x03' + bytes(1536))

@case('hs-bad-version', 'answers with handshake type 0xff, then closes (warned, and taken: the original does too)',
      then='close', expect='connect=1 stream=0', log=r'type mismatch: client sent 3, server answered 255')
def _(p): c = p.recv_exact(1537); p.send(b'\xff' + bytes(1536) + c[1:]); p.recv_exact(1536)

@case('hs-oversized', 'sends 64 KiB of noise as its handshake, then closes', then='close', expect='stream=0',
      log=r'type mismatch: client sent 3, server answered \d+')
def _(p): p.recv_exact(1537); p.send(bytes(RND.getrandbits(8) for _ in range(65536)), hangup_ok=True)

@case('hs-then-garbage', 'completes the handshake, then sends random bytes', then='close', expect='connect=1 stream=0',
      log=r'chunk stream \d+( starts with a type \d header|: new message header)|unknown packet type|invalid chunk size')
def _(p): p.handshake(); p.send(bytes(RND.getrandbits(8) for _ in range(200000)), hangup_ok=True)

@case('hs-reset', 'resets the connection (RST) in the middle of the handshake', then='close', expect='connect=0',
      log=r'RTMP_Connect1, Connection reset by peer')
def _(p):
    p.recv_exact(1537)
    p.send(b'\x03' + bytes(700))
    p.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))


# ---------------------------------------------------------------- chunk headers
@case('chunk-huge-length', 'a message header announcing 16 MiB, then 100 bytes and silence',
      expect='connect=1 stream=0 timedout=1', log=r'in the middle of a chunk|part of a chunk has waited')
def _(p): p.handshake(); p.connect_ok(); p.send(bytes([3]) + bytes(3) + b'\xff\xff\xff\x14' + bytes(4) + bytes(100))

@case('chunk-size-zero', 'Set Chunk Size 0, then a message', expect='connect=1 stream=0',
      log=r'server sent an invalid chunk size 0; closing')
def _(p): p.handshake(); p.control(1, struct.pack('>I', 0)); p.mark(); p.connect_ok()

@case('chunk-size-negative', 'Set Chunk Size 0x80000000', expect='connect=1 stream=0',
      log=r'server sent an invalid chunk size -2147483648; closing')
def _(p): p.handshake(); p.control(1, struct.pack('>I', 0x80000000)); p.mark(); p.connect_ok()

@case('chunk-size-huge', 'Set Chunk Size 0x7fffffff, then a message cut short', expect='connect=1 stream=0 timedout=1',
      log=r'in the middle of a chunk|part of a chunk has waited')
def _(p):
    p.handshake(); p.control(1, struct.pack('>I', 0x7fffffff))
    p.send(bytes([3]) + bytes(3) + b'\x01\x00\x00\x14' + bytes(4) + bytes(1000))

@case('chunk-size-one', 'Set Chunk Size 1, then the connect reply in 1-byte chunks (the client answers it with createStream; '
      'then silence: ends at the receive timeout)', expect='connect=1 stream=0 timedout=1', log=TIMED_OUT)
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.control(1, struct.pack('>I', 1))
    payload = string('_result') + num(txn) + null() + status('NetConnection.Connect.Success')
    out = bytearray([3]) + bytes(3) + struct.pack('>I', len(payload))[1:] + b'\x14' + bytes(4) + payload[:1]
    for b in payload[1:]:
        out += bytes([0xc3, b])
    p.send(bytes(out))
    p.wait_invoke('createStream')

@case('chunk-length-changes', 'a new header with another length on a chunk stream mid-message, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'new message header \(type 1\) before the previous message was complete')
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + bytes(3) + struct.pack('>I', 1000)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128))
    p.send(bytes([0x46]) + bytes(3) + struct.pack('>I', 10)[1:] + b'\x09' + bytes(10))
    p.proof()

@case('chunk-type3-first', 'a type-3 header on a chunk stream never used', expect=PLAYING,
      log=r'chunk stream 9 starts with a type 3 header')
def _(p): p.up_to_play(); p.send(bytes([0xc9]) + bytes(300))

@case('chunk-extended-wrong', 'four bytes 0xff after a type-3 header whose message has no extended timestamp: '
      'payload, not a timestamp (the 200-byte tag is read whole; ends at the receive timeout)',
      expect=f'{PLAYING} bytes>=228 timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + struct.pack('>I', 40)[1:] + struct.pack('>I', 200)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128))
    p.send(bytes([0xc6]) + b'\xff\xff\xff\xff' + bytes(68))

@case('chunk-csid-max', 'a video tag on chunk stream 65599 (3-byte basic header; read whole, then the receive timeout)',
      expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    body = b'\x27\x01' + bytes(998)
    p.send(b'\x01\xff\xff' + struct.pack('>I', 40)[1:] + struct.pack('>I', len(body))[1:] + b'\x09' + struct.pack('<I', 1)
           + b''.join(body[i:i + 128] + (b'\xc1\xff\xff' if i + 128 < len(body) else b'') for i in range(0, len(body), 128)))

@case('chunk-many-streams', '60,000 chunk streams each left with an unfinished message, then a video tag (played; '
      'then the receive timeout)', expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    out = bytearray()
    for cs in range(64, 60064):
        v = cs - 64
        out += bytes([1, v & 0xff, v >> 8]) + bytes(3) + struct.pack('>I', 1000)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128)
    p.send(bytes(out)); p.proof()

@case('chunk-cut', 'closes in the middle of a chunk', then='close', expect=f'{PLAYING} read=-1 timedout=0',
      log=r'closed the connection in the middle of a chunk')
def _(p): p.up_to_play(); p.send(bytes([6]) + bytes(3) + struct.pack('>I', 500)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(50))

@case('chunk-abort-unknown', 'Abort Messages for a chunk stream that has nothing and of 1 byte, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'an Abort message of 1 bytes is too short')
def _(p): p.up_to_play(); p.control(2, struct.pack('>I', 4000)); p.control(2, b'\x01'); p.proof()


# ---------------------------------------------------------------- protocol control and user control
@case('ctl-unknown-types', 'messages of unknown types 0, 7, 0x7f and 0xff, then a video tag', expect=f'{PLAYING} bytes>={PROOF}',
      log=r'unknown packet type received: 0x7f')
def _(p):
    p.up_to_play()
    for t in (0, 7, 0x7f, 0xff):
        p.send_msg(3, t, bytes(40))
    p.proof()

@case('ctl-truncated', 'control messages with truncated bodies (1 byte each), then the connect reply', expect='connect=1',
      log=r'a Set Chunk Size message of 1 bytes is too short')
def _(p):
    p.handshake()
    for t in (1, 2, 3, 4, 5, 6):
        p.control(t, b'\x01')
    p.mark(); p.connect_ok(); p.wait_invoke('createStream')

@case('ctl-ping-flood', '20,000 ping requests, then a video tag (all answered; then the receive timeout)',
      expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    one = bytes([2]) + bytes(3) + struct.pack('>I', 6)[1:] + b'\x04' + bytes(4) + struct.pack('>HI', 6, 7)
    p.send(one * 20000); p.proof()

@case('ctl-window-zero', 'Window Ack Size 0 and Set Peer Bandwidth 0, then a stream (acknowledged as the window says; '
      'played; then the receive timeout)', expect=f'{PLAYING} bytes>={PROOF + 4001 + 15} timedout=1', log=TIMED_OUT)
def _(p):
    p.handshake(); p.control(5, struct.pack('>I', 0)); p.control(6, struct.pack('>IB', 0, 9))
    p.connect_ok(); p.stream_ok(); p.video(b'\x17' + bytes(4000)); p.proof()

@case('ctl-swfv-unasked', 'a SWF verification request to a client without swfVfy, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'Ignoring SWFVerification request')
def _(p): p.up_to_play(); p.send_msg(2, 4, struct.pack('>H', 0x1a) + b'\x00'); p.proof()

@case('ctl-stream-eof-others', 'Stream Begin/EOF/Dry for stream ids that do not exist, then a video tag (they do not end '
      'the stream; then the receive timeout)', expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for ev in (0, 1, 2):
        p.send_msg(2, 4, struct.pack('>HI', ev, 0xffffffff))
    p.proof()


# ---------------------------------------------------------------- commands and AMF
@case('cmd-result-unknown-txn', '_result and _error for transactions never sent (none taken for the connect reply)',
      expect='connect=1 stream=0 timedout=1', log=r'rtmp server sent error: X X')
def _(p):
    p.handshake(); p.wait_invoke('connect')
    for txn in (99.0, -1.0, 1e300, float('nan')):
        p.invoke(string('_result'), num(txn), null(), null())
        p.invoke(string('_error'), num(txn), null(), status('X', 'error'))

@case('cmd-result-no-args', 'a _result with no transaction id at all (taken for nothing: ends at the receive timeout)',
      expect='connect=1 stream=0 timedout=1', log=TIMED_OUT)
def _(p): p.handshake(); p.wait_invoke('connect'); p.invoke(string('_result'))

@case('cmd-empty-invoke', 'an invoke message of zero bytes', expect='connect=1 stream=0',
      log=r'an empty command message on chunk stream 3')
def _(p): p.handshake(); p.wait_invoke('connect'); p.send_msg(3, 0x14, b'')

@case('cmd-not-a-string', 'an invoke whose name is a number', expect='connect=1 stream=0',
      log=r'no string method in invoke packet')
def _(p): p.handshake(); p.wait_invoke('connect'); p.invoke(num(5), num(1))

@case('cmd-connect-rejected', 'connect answered NetConnection.Connect.Rejected with a redirect', expect='connect=1 stream=0',
      log=r'NetConnection.Connect.Rejected')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_error'), num(txn), null(), status('NetConnection.Connect.Rejected', 'error',
             {'ex': obj({'code': num(302), 'redirect': string('rtmp://127.0.0.1:9/x')})}))

@case('cmd-stream-id-nan', 'createStream answered with NaN, then with -1', expect='connect=1 stream=0 timedout=0',
      log=r'createStream answered with NaN, which is not a stream id')
def _(p):
    p.handshake(); p.connect_ok(); txn = p.wait_invoke('createStream')
    p.invoke(string('_result'), num(txn), null(), num(float('nan')))
    p.mark()
    p.invoke(string('_result'), num(txn), null(), num(-1))

@case('cmd-status-no-info', 'onStatus without its info object, and with info as a number, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'onStatus without an info object')
def _(p):
    p.handshake(); p.connect_ok(); p.stream_ok()
    p.invoke(string('onStatus'), num(0), null(), sid=1, csid=5)
    p.invoke(string('onStatus'), num(0), null(), num(3), sid=1, csid=5)
    p.proof()

@case('cmd-close', 'the server invokes close', expect=f'{PLAYING} read=0 timedout=0', log=r'rtmp server requested close')
def _(p): p.up_to_play(); p.invoke(string('close'), num(0), null())

@case('cmd-bwcheck-flood', '5,000 _onbwcheck calls, then a video tag (all answered; then the receive timeout)',
      expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for i in range(5000):
        p.invoke(string('_onbwcheck'), num(i), null())
    p.proof()

@case('amf-deep-objects', 'a _result nesting 100,000 objects', expect='connect=1 stream=0',
      log=r'HandleInvoke, error decoding invoke packet', orig='crash')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x03\x00\x01a' * 100000)

@case('amf-deep-arrays', 'a _result nesting 100,000 strict arrays', expect='connect=1 stream=0',
      log=r'HandleInvoke, error decoding invoke packet', orig='crash')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x0a\x00\x00\x00\x01' * 100000)

@case('amf-huge-string', 'a long string claiming 4 GiB, and a string claiming more than the message', expect='connect=1 stream=0',
      log=r'HandleInvoke, error decoding invoke packet')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x0c\xff\xff\xff\xff' + b'abc')
    p.invoke(string('_result'), num(txn), b'\x02\xff\xff' + b'abc')

@case('amf-huge-counts', 'ECMA and strict arrays claiming 2^32-1 members (hints, as in the original: an ECMA array ends at '
      'its end, a strict count of 2^32-1 is -1: empty; the first is the connect reply), then a strict array claiming 2^31-1',
      expect='connect=1 stream=0', log=r'HandleInvoke, error decoding invoke packet')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x08\xff\xff\xff\xff' + key('a') + num(1))
    p.invoke(string('_result'), num(txn), null(), b'\x0a\xff\xff\xff\xff' + num(1))
    p.invoke(string('_result'), num(txn), null(), b'\x0a\x7f\xff\xff\xff' + num(1))

@case('amf-bad-reference', 'object references to objects that do not exist', expect='connect=1 stream=0',
      log=r'HandleInvoke, error decoding invoke packet')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x07\xff\xff', b'\x07\x00\x00')

@case('amf-unknown-markers', 'AMF0 type markers 0x0e to 0xff', expect='connect=1 stream=0',
      log=r'HandleInvoke, error decoding invoke packet')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), bytes(range(0x0e, 0x100)))

@case('amf3-command', 'AMF3 command messages (type 17) with bad references, huge lengths, deep nesting, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'no string method in invoke packet')
def _(p):
    p.up_to_play()
    for body in (b'\x00\x11\x0a\x0b\x01' * 2000, b'\x00\x06\xff\xff\xff\xff', b'\x00\x0a\x02', b'\x00\x09\xff\xff\xff\x7f',
                 b'\x00\x0a\x07\x03abc' + b'\x0a\x01' * 5000, b'\x00\x11\x06\x05ab'):
        p.send_msg(3, 0x11, body, sid=0)
    p.proof()

@case('amf3-data', 'AMF3 data messages (type 15) with truncated members, then a video tag (AMF3 data is ignored, as by '
      'the original; then the receive timeout)', expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p): p.up_to_play(); p.send_msg(3, 0x0f, b'\x00\x11\x0a\x23\x01\x03a\x03b'); p.proof()


# ---------------------------------------------------------------- media
@case('media-aggregate-overflow', 'an aggregate message whose inner tag claims more than it has', expect=f'{PLAYING} read=-1',
      log=r'Wrong data size in an aggregate message')
def _(p):
    p.up_to_play()
    inner = b'\x09' + struct.pack('>I', 0xffffff)[1:] + bytes(7) + b'\x17'
    p.send_msg(6, 0x16, inner, sid=1)

@case('media-aggregate-zero', 'an aggregate message of 1,000 empty inner tags, then a video tag (then the receive timeout)',
      expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    inner = (b'\x09' + bytes(10) + struct.pack('>I', 11)) * 1000
    p.send_msg(6, 0x16, inner, sid=1); p.proof()

@case('media-empty', 'audio and video messages of zero bytes, then a video tag (then the receive timeout)',
      expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for t in (8, 9, 18, 22):
        p.send_msg(6, t, b'', sid=1)
    p.proof()

@case('media-16mib', 'a video message of 16 MiB - 1 (the most a header can say), read whole; then silence',
      expect=f'{PLAYING} bytes>={0xffffff} timedout=1', log=TIMED_OUT)
def _(p): p.up_to_play(); p.video(bytes([0x17]) + bytes(0xffffff - 1), ts=40)

@case('media-backwards', 'media timestamps that jump back and wrap (all six tags read; then the receive timeout)',
      expect=f'{PLAYING} bytes>={13 + 6 * 37} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for ts in (1000, 0, 0xfffffff0, 5, 0xffffff, 0x1000000):
        p.video(b'\x27\x01' + bytes(20), ts=ts)

@case('media-metadata-garbage', 'onMetaData with a negative duration and nested garbage, then a video tag',
      expect=f'{PLAYING} bytes>={PROOF}', log=r'error decoding meta data packet')
def _(p):
    p.up_to_play()
    p.send_msg(5, 0x12, string('onMetaData') + b'\x08\x00\x00\x00\x02' + key('duration') + num(-1e308) + key('x') + b'\x03\x03\x03', sid=1)
    p.proof()

@case('media-then-reset', 'plays 1 MB of video, then resets the connection (RST)', then='close',
      expect=f'{PLAYING} read=-1 bytes>=1000000', log=r'Connection reset by peer')
def _(p):
    p.up_to_play()
    # A reset throws away what the client's kernel holds unread, so it waits until the client has
    # read the 25 tags: acknowledgements come every 2,000 bytes (a tenth of the bandwidth), and
    # a 26th tag lets one come from past the 25th whether or not the client counts the handshake.
    p.control(5, struct.pack('>I', 20000))
    p.control(6, struct.pack('>IB', 20000, 2))
    for i in range(25):
        p.video(b'\x27\x01' + bytes(40000), ts=40 * i)
    through = p.sent_bytes
    p.video(b'\x27\x01' + bytes(40000), ts=40 * 25)
    try:
        while True:
            t, body = p.read_message()
            if t == 3 and len(body) >= 4 and struct.unpack('>I', body[:4])[0] >= through + 3100:
                break
    except (OSError, EOFError):
        p.note('no acknowledgement past the 25th tag: reset anyway')
    p.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))

@case('media-then-stall', 'plays 40 KB of video, then stops answering mid-stream', expect=f'{PLAYING} bytes>=40000 timedout=1',
      log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for i in range(10):
        p.video(b'\x27\x01' + bytes(4000), ts=40 * i)

@case('media-trickle', 'after play, sends a chunk header and then one byte per second', then='close', expect=PLAYING,
      log=r'part of a chunk has waited more than 1 s')
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + struct.pack('>I', 40)[1:] + struct.pack('>I', 100)[1:] + b'\x09' + struct.pack('<I', 1))
    p.mark()
    for _ in range(8):
        p.send(b'\x00')
        time.sleep(1)

@case('media-wrong-stream', 'media for stream ids the client never created (passed on, as by the original), then a video tag '
      'on its stream (then the receive timeout)', expect=f'{PLAYING} bytes>={PROOF} timedout=1', log=TIMED_OUT)
def _(p):
    p.up_to_play()
    for sid in (0, 2, 0xffffffff):
        p.video(b'\x27\x01' + bytes(30), sid=sid)
    p.proof()


@case('pub-stops-reading', 'takes a publish (Publish.Start), then reads nothing more: RTMP_Write fails at the timeout '
      'and closes the connection (a half-sent message leaves nothing sendable). The original sets no send timeout: it '
      'blocks until the server gives up, then dies of SIGPIPE sending FCUnpublish', then='close', orig='crash',
      expect='connect=1 stream=1 write<=0 connected=0 bytes>=65551', log=r'send error|RTMP_SendPacket: .*closing')
def _(p):
    p.handshake()
    p.connect_ok()
    txn = p.wait_invoke('createStream')
    p.invoke(string('_result'), num(txn), null(), num(1))
    p.wait_invoke('publish')
    p.invoke(string('onStatus'), num(0), null(), status('NetStream.Publish.Start'), sid=1, csid=5)
    p.mark()
    # Reads nothing more; holds the connection until the client hangs up (or 8 s pass), which a
    # poll for POLLRDHUP sees without reading what the client sent.
    t0 = time.monotonic()
    poller = select.poll()
    poller.register(p.s, select.POLLRDHUP)
    while time.monotonic() - t0 < 8:
        if poller.poll(200):
            p.note(f'the other end hung up {time.monotonic() - t0:.2f} s after Publish.Start')
            return
    p.note('the other end was still connected 8 s after Publish.Start')


def serve_one(cases, name, portfile):
    """Listens on 127.0.0.1 (the port written to PORTFILE), serves one connection the case's way;
    PORTFILE.sent is the marker (see Peer.mark), with notes on how the connection ended."""
    c = cases[name]
    marker = portfile + '.sent'
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    with open(portfile + '.tmp', 'w') as f:
        f.write(str(srv.getsockname()[1]))
    os.replace(portfile + '.tmp', portfile)
    srv.settimeout(30)
    conn, _ = srv.accept()
    p = Peer(conn, marker)
    try:
        c['run'](p)
        p.mark()
        if c['then'] == 'idle':
            p.idle(8)
    except (EOFError, OSError) as e:
        # Before the marker this says why the damage was never delivered; after it, the other end
        # hung up on it.
        p.note(f'the other end went away: {type(e).__name__} {e}')
    finally:
        conn.close()


def main():
    if sys.argv[1] == 'list':
        print_cases(CASES)
    elif sys.argv[1] == 'judge':
        judge_main(CASES, sys.argv[2:])
    else:
        serve_one(CASES, sys.argv[1], sys.argv[2])


if __name__ == '__main__':
    main()
