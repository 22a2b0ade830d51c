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


# ---------------------------------------------------------------- cases
def case_registry():
    """The cases of a script and the decorator that adds one: `@case(name, what)` on a function
    of a Peer."""
    cases = {}

    def case(name, what):
        def add(f):
            cases[name] = (what, f)
            return f
        return add
    return cases, case


def print_cases(cases):
    for name, (what, _) in cases.items():
        print(f'{name}\t{what}')


class Peer:
    def __init__(self, sock):
        self.s = sock
        self.s.settimeout(10)
        self.rx = b''
        self.in_chunk = 128
        self.streams = {}

    # ------------------------------------------------------------ raw I/O
    def send(self, data):
        try:
            self.s.sendall(data)
        except OSError:
            pass

    def recv_exact(self, n):
        while len(self.rx) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.rx += d
        out, self.rx = self.rx[:n], self.rx[n:]
        return out

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

    def idle(self, seconds):
        """Holds the connection open without answering (the client should time out first)."""
        end = time.monotonic() + seconds
        self.s.settimeout(0.2)
        while time.monotonic() < end:
            try:
                if not self.s.recv(65536):
                    return
            except socket.timeout:
                pass
            except OSError:
                return


CASES, case = case_registry()


# ---------------------------------------------------------------- the handshake
@case('hs-close', 'closes right after accepting')
def _(p): pass

@case('hs-s0-only', 'sends S0 and closes')
def _(p): p.recv_exact(1537); p.send(b'\x03')

@case('hs-short-s1', 'sends S0 and 100 bytes of S1, then closes')
def _(p): p.recv_exact(1537); p.send(b'\x03' + bytes(100))

@case('hs-short-s2', 'sends S0 S1 and half of S2, then closes')
def _(p): c = p.recv_exact(1537); p.send(b'\x03' + bytes(1536) + c[1:769])

@case('hs-silent', 'reads C0 C1 and never answers')
def _(p): p.recv_exact(1537); p.idle(8)

@case('hs-silent-after-s1', 'sends S0 S1 and then nothing')
def _(p): p.recv_exact(1537); p.send(b'\x03' + bytes(1536)); p.idle(8)

@case('hs-bad-version', 'answers with handshake type 0xff, then closes')
def _(p): c = p.recv_exact(1537); p.send(b'\xff' + bytes(1536) + c[1:]); p.recv_exact(1536)

@case('hs-oversized', 'sends 64 KiB of noise as its handshake, then closes')
def _(p): p.recv_exact(1537); p.send(bytes(RND.getrandbits(8) for _ in range(65536)))

@case('hs-then-garbage', 'completes the handshake, then sends random bytes')
def _(p): p.handshake(); p.send(bytes(RND.getrandbits(8) for _ in range(200000)))

@case('hs-reset', 'resets the connection (RST) in the middle of the handshake')
def _(p):
    p.recv_exact(1537)
    p.send(b'\x03' + bytes(700))
    p.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))


# ---------------------------------------------------------------- chunk headers
@case('chunk-huge-length', 'a message header announcing 16 MiB, then 100 bytes and silence')
def _(p): p.handshake(); p.connect_ok(); p.send(bytes([3]) + bytes(3) + b'\xff\xff\xff\x14' + bytes(4) + bytes(100)); p.idle(8)

@case('chunk-size-zero', 'Set Chunk Size 0, then a message')
def _(p): p.handshake(); p.control(1, struct.pack('>I', 0)); p.connect_ok(); p.idle(8)

@case('chunk-size-negative', 'Set Chunk Size 0x80000000')
def _(p): p.handshake(); p.control(1, struct.pack('>I', 0x80000000)); p.connect_ok(); p.idle(8)

@case('chunk-size-huge', 'Set Chunk Size 0x7fffffff, then a message cut short')
def _(p):
    p.handshake(); p.control(1, struct.pack('>I', 0x7fffffff))
    p.send(bytes([3]) + bytes(3) + b'\x01\x00\x00\x14' + bytes(4) + bytes(1000))
    p.idle(8)

@case('chunk-size-one', 'Set Chunk Size 1, then the whole session in 1-byte chunks')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.control(1, struct.pack('>I', 1))
    payload = string('_result') + num(txn) + null() + status('NetConnection.Connect.Success')
    out = bytearray([3]) + bytes(3) + struct.pack('>I', len(payload))[1:] + b'\x14' + bytes(4) + payload[:1]
    for b in payload[1:]:
        out += bytes([0xc3, b])
    p.send(bytes(out)); p.idle(8)

@case('chunk-length-changes', 'a new header with another length on a chunk stream mid-message')
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + bytes(3) + struct.pack('>I', 1000)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128))
    p.send(bytes([0x46]) + bytes(3) + struct.pack('>I', 10)[1:] + b'\x09' + bytes(10))
    p.idle(8)

@case('chunk-type3-first', 'a type-3 header on a chunk stream never used')
def _(p): p.up_to_play(); p.send(bytes([0xc9]) + bytes(300)); p.idle(8)

@case('chunk-extended-wrong', 'an extended timestamp field on a type-3 chunk of a normal message')
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + struct.pack('>I', 40)[1:] + struct.pack('>I', 200)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128))
    p.send(bytes([0xc6]) + b'\xff\xff\xff\xff' + bytes(72))
    p.idle(8)

@case('chunk-csid-max', 'messages on chunk stream 65599 (3-byte basic headers)')
def _(p):
    p.up_to_play()
    p.send(b'\x01\xff\xff' + bytes(3) + struct.pack('>I', 5)[1:] + b'\x09' + struct.pack('<I', 1) + b'\x17\x01\x00\x00\x00')
    p.idle(8)

@case('chunk-many-streams', '60,000 chunk streams each left with an unfinished message')
def _(p):
    p.up_to_play()
    out = bytearray()
    for cs in range(64, 60064):
        v = cs - 64
        out += bytes([1, v & 0xff, v >> 8]) + bytes(3) + struct.pack('>I', 1000)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(128)
    p.send(bytes(out)); p.idle(8)

@case('chunk-cut', 'closes in the middle of a chunk')
def _(p): p.up_to_play(); p.send(bytes([6]) + bytes(3) + struct.pack('>I', 500)[1:] + b'\x09' + struct.pack('<I', 1) + bytes(50))

@case('chunk-abort-unknown', 'Abort Message for a chunk stream that has nothing')
def _(p): p.up_to_play(); p.control(2, struct.pack('>I', 4000)); p.control(2, b'\x01'); p.idle(8)


# ---------------------------------------------------------------- protocol control and user control
@case('ctl-unknown-types', 'messages of unknown types 0, 7, 0x7f and 0xff')
def _(p):
    p.up_to_play()
    for t in (0, 7, 0x7f, 0xff):
        p.send_msg(3, t, bytes(40))
    p.idle(8)

@case('ctl-truncated', 'control messages with truncated bodies (1 byte each)')
def _(p):
    p.handshake()
    for t in (1, 2, 3, 4, 5, 6):
        p.control(t, b'\x01')
    p.connect_ok(); p.idle(8)

@case('ctl-ping-flood', '20,000 ping requests, then silence')
def _(p):
    p.up_to_play()
    one = bytes([2]) + bytes(3) + struct.pack('>I', 6)[1:] + b'\x04' + bytes(4) + struct.pack('>HI', 6, 7)
    p.send(one * 20000); p.idle(8)

@case('ctl-window-zero', 'Window Ack Size 0 and Set Peer Bandwidth 0, then a stream')
def _(p):
    p.handshake(); p.control(5, struct.pack('>I', 0)); p.control(6, struct.pack('>IB', 0, 9))
    p.connect_ok(); p.stream_ok(); p.video(b'\x17' + bytes(4000)); p.idle(8)

@case('ctl-swfv-unasked', 'a SWF verification request to a client without swfVfy')
def _(p): p.up_to_play(); p.send_msg(2, 4, struct.pack('>H', 0x1a) + b'\x00'); p.idle(8)

@case('ctl-stream-eof-others', 'Stream Begin/EOF/Dry for stream ids that do not exist')
def _(p):
    p.up_to_play()
    for ev in (0, 1, 2):
        p.send_msg(2, 4, struct.pack('>HI', ev, 0xffffffff))
    p.idle(8)


# ---------------------------------------------------------------- commands and AMF
@case('cmd-result-unknown-txn', '_result and _error for transactions never sent')
def _(p):
    p.handshake(); p.wait_invoke('connect')
    for txn in (99.0, -1.0, 1e300, float('nan')):
        p.invoke(string('_result'), num(txn), null(), null())
        p.invoke(string('_error'), num(txn), null(), status('X', 'error'))
    p.idle(8)

@case('cmd-result-no-args', 'a _result with no transaction id at all')
def _(p): p.handshake(); p.wait_invoke('connect'); p.invoke(string('_result')); p.idle(8)

@case('cmd-empty-invoke', 'an invoke message of zero bytes')
def _(p): p.handshake(); p.wait_invoke('connect'); p.send_msg(3, 0x14, b''); p.idle(8)

@case('cmd-not-a-string', 'an invoke whose name is a number')
def _(p): p.handshake(); p.wait_invoke('connect'); p.invoke(num(5), num(1)); p.idle(8)

@case('cmd-connect-rejected', 'connect answered NetConnection.Connect.Rejected with a redirect')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_error'), num(txn), null(), status('NetConnection.Connect.Rejected', 'error',
             {'ex': obj({'code': num(302), 'redirect': string('rtmp://127.0.0.1:9/x')})}))
    p.idle(8)

@case('cmd-stream-id-nan', 'createStream answered with NaN, then with -1')
def _(p):
    p.handshake(); p.connect_ok(); txn = p.wait_invoke('createStream')
    p.invoke(string('_result'), num(txn), null(), num(float('nan')))
    p.invoke(string('_result'), num(txn), null(), num(-1))
    p.idle(8)

@case('cmd-status-no-info', 'onStatus without its info object, and with info as a number')
def _(p):
    p.handshake(); p.connect_ok(); p.stream_ok()
    p.invoke(string('onStatus'), num(0), null(), sid=1, csid=5)
    p.invoke(string('onStatus'), num(0), null(), num(3), sid=1, csid=5)
    p.idle(8)

@case('cmd-close', 'the server invokes close')
def _(p): p.up_to_play(); p.invoke(string('close'), num(0), null()); p.idle(8)

@case('cmd-bwcheck-flood', '5,000 _onbwcheck calls')
def _(p):
    p.up_to_play()
    for i in range(5000):
        p.invoke(string('_onbwcheck'), num(i), null())
    p.idle(8)

@case('amf-deep-objects', 'a _result nesting 100,000 objects')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x03\x00\x01a' * 100000)
    p.idle(8)

@case('amf-deep-arrays', 'a _result nesting 100,000 strict arrays')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x0a\x00\x00\x00\x01' * 100000)
    p.idle(8)

@case('amf-huge-string', 'a long string claiming 4 GiB, and a string claiming more than the message')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x0c\xff\xff\xff\xff' + b'abc')
    p.invoke(string('_result'), num(txn), b'\x02\xff\xff' + b'abc')
    p.idle(8)

@case('amf-huge-counts', 'ECMA and strict arrays claiming 2^32-1 members')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x08\xff\xff\xff\xff' + key('a') + num(1))
    p.invoke(string('_result'), num(txn), null(), b'\x0a\xff\xff\xff\xff' + num(1))
    p.idle(8)

@case('amf-bad-reference', 'object references to objects that do not exist')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), b'\x07\xff\xff', b'\x07\x00\x00')
    p.idle(8)

@case('amf-unknown-markers', 'AMF0 type markers 0x0e to 0xff')
def _(p):
    p.handshake(); txn = p.wait_invoke('connect')
    p.invoke(string('_result'), num(txn), null(), bytes(range(0x0e, 0x100)))
    p.idle(8)

@case('amf3-command', 'AMF3 command messages (type 17) with bad references, huge lengths, deep nesting')
def _(p):
    p.up_to_play()
    for body in (b'\x00\x11\x0a\x0b\x01' * 2000, b'\x00\x06\xff\xff\xff\xff', b'\x00\x0a\x02', b'\x00\x09\xff\xff\xff\x7f',
                 b'\x00\x0a\x07\x03abc' + b'\x0a\x01' * 5000, b'\x00\x11\x06\x05ab'):
        p.send_msg(3, 0x11, body, sid=0)
    p.idle(8)

@case('amf3-data', 'AMF3 data messages (type 15) with truncated members')
def _(p): p.up_to_play(); p.send_msg(3, 0x0f, b'\x00\x11\x0a\x23\x01\x03a\x03b'); p.idle(8)


# ---------------------------------------------------------------- media
@case('media-aggregate-overflow', 'an aggregate message whose inner tag claims more than it has')
def _(p):
    p.up_to_play()
    inner = b'\x09' + struct.pack('>I', 0xffffff)[1:] + bytes(7) + b'\x17'
    p.send_msg(6, 0x16, inner, sid=1); p.idle(8)

@case('media-aggregate-zero', 'an aggregate message of 1,000 empty inner tags')
def _(p):
    p.up_to_play()
    inner = (b'\x09' + bytes(10) + struct.pack('>I', 11)) * 1000
    p.send_msg(6, 0x16, inner, sid=1); p.idle(8)

@case('media-empty', 'audio and video messages of zero bytes')
def _(p):
    p.up_to_play()
    for t in (8, 9, 18, 22):
        p.send_msg(6, t, b'', sid=1)
    p.idle(8)

@case('media-16mib', 'a video message of 16 MiB - 1 (the most a header can say), then silence')
def _(p): p.up_to_play(); p.video(bytes([0x17]) + bytes(0xffffff - 1), ts=40); p.idle(8)

@case('media-backwards', 'media timestamps that jump back and wrap')
def _(p):
    p.up_to_play()
    for ts in (1000, 0, 0xfffffff0, 5, 0xffffff, 0x1000000):
        p.video(b'\x27\x01' + bytes(20), ts=ts)
    p.idle(8)

@case('media-metadata-garbage', 'onMetaData with a negative duration and nested garbage')
def _(p):
    p.up_to_play()
    p.send_msg(5, 0x12, string('onMetaData') + b'\x08\x00\x00\x00\x02' + key('duration') + num(-1e308) + key('x') + b'\x03\x03\x03', sid=1)
    p.idle(8)

@case('media-then-reset', 'plays 1 MB of video, then resets the connection (RST)')
def _(p):
    p.up_to_play()
    for i in range(25):
        p.video(b'\x27\x01' + bytes(40000), ts=40 * i)
    p.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))

@case('media-then-stall', 'plays some video, then stops answering mid-stream')
def _(p):
    p.up_to_play()
    for i in range(10):
        p.video(b'\x27\x01' + bytes(4000), ts=40 * i)
    p.idle(8)

@case('media-trickle', 'after play, sends a chunk header and then one byte per second')
def _(p):
    p.up_to_play()
    p.send(bytes([6]) + struct.pack('>I', 40)[1:] + struct.pack('>I', 100)[1:] + b'\x09' + struct.pack('<I', 1))
    for _ in range(8):
        p.send(b'\x00')
        time.sleep(1)

@case('media-wrong-stream', 'media for stream ids the client never created')
def _(p):
    p.up_to_play()
    for sid in (0, 2, 0xffffffff):
        p.video(b'\x27\x01' + bytes(30), sid=sid)
    p.idle(8)


def main():
    if sys.argv[1] == 'list':
        print_cases(CASES)
        return
    name, portfile = sys.argv[1], sys.argv[2]
    _, run = CASES[name]
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    with open(portfile + '.tmp', 'w') as f:
        f.write(str(srv.getsockname()[1]))
    os.replace(portfile + '.tmp', portfile)
    srv.settimeout(30)
    conn, _ = srv.accept()
    try:
        run(Peer(conn))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


if __name__ == '__main__':
    main()
