#!/usr/bin/python3
"""A scripted RTMP client that misbehaves on purpose, one way per case, against one server that
runs RTMP_Serve (tests/hostile/serve.c).

  client.py list                 the cases, one per line: name, how the original fails it, what
  client.py CASE PORT MARKER     connect to 127.0.0.1:PORT and misbehave the CASE's way; MARKER is
                                 written once the damage is on the wire
  client.py judge CASE REPORT LOG MARKER
                                 the verdict on one run (serve.c's report, the library's log)

The handshakes, chunking, AMF0, the case registry and the verdicts come from server.py; what is
new here is the client end: C0+C1 (simple, FP9 digest, RTMPE with a chosen Diffie-Hellman key),
the RTMPT requests, and the damage done after them.
"""
import hashlib
import hmac
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import TIMED_OUT, Peer, case_registry, chunked, header, judge_main, key, null, num, obj, print_cases, string  # noqa: E402

# The first 30 bytes of the Flash Player key sign C1 (the digest handshake everyone uses).
FP_KEY = b'Genuine Adobe Flash Player 001'


def digest_pos(c1, scheme):
    if scheme == 0:
        return sum(c1[8:12]) % 728 + 12
    return sum(c1[772:776]) % 728 + 776


def dh_pos(c1, scheme):
    if scheme == 0:
        return sum(c1[1532:1536]) % 632 + 772
    return sum(c1[768:772]) % 632 + 8


def signed_c1(version=(9, 0, 124, 2), scheme=1, dh=None):
    """A C1 with a valid digest (and, for RTMPE, `dh` as the public key)."""
    c1 = bytearray(os.urandom(1536))
    c1[0:4] = b'\0\0\0\0'
    c1[4:8] = bytes(version)
    if dh is not None:
        p = dh_pos(c1, scheme)
        c1[p:p + 128] = dh
    d = digest_pos(c1, scheme)
    c1[d:d + 32] = hmac.new(FP_KEY, bytes(c1[:d] + c1[d + 32:]), hashlib.sha256).digest()
    return bytes(c1)


class Client(Peer):
    def hs(self):
        """The simple handshake, complete."""
        c1 = bytes(8) + os.urandom(1528)
        self.send(b'\x03' + c1)
        s = self.recv_exact(1 + 2 * 1536)
        self.send(s[1:1537])

    def post(self, path, body=b'', extra=b''):
        self.send(b'POST ' + path + b' HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-fcs\r\n' + extra +
                  b'Content-Length: ' + str(len(body)).encode() + b'\r\n\r\n' + body)

    def read_answer(self):
        """One HTTP answer: (status line, body)."""
        head = b''
        while b'\r\n\r\n' not in head:
            head += self.recv_exact(1)
        n = 0
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'content-length:'):
                n = int(line.split(b':')[1])
        return head.split(b'\r\n')[0], self.recv_exact(n)

    def tunnel_open(self):
        self.post(b'/open/1')
        _, body = self.read_answer()
        return body.strip()

    def cmd(self, payload, csid=3, mtype=0x14, sid=0):
        self.send_msg(csid, mtype, payload, sid=sid)

    def reset(self):
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))


CONNECT = string('connect') + num(1) + obj({'app': string('live'), 'tcUrl': string('rtmp://127.0.0.1/live')})
CASES, case = case_registry()
# How a server's handshake ends when the client stops sending, or closes.
HS_TIMEOUT = r'RTMP_Serve, handshake failed: timed out'
HS_CLOSED = r'RTMP_Serve, handshake failed: (connection closed by the peer|Connection reset by peer)'
# serve.c took the handshake and went on reading.
SERVED = 'serve=1'
# Decoding AMF is the application's (serve.c's AMF_Decode): the library logs what the original
# logs there (DEBUG but for a few), so where AMF_Decode refused quietly the line is the timeout.
REFUSED = 'serve=1 undecodable>=1 commands=0'


# ---------------------------------------------------------------- the handshake
@case('hs-close', 'connects and closes', then='close', expect='serve=0', log=HS_CLOSED)
def _(c): pass

@case('hs-silent', 'connects and says nothing', expect='serve=0 timedout=1', log=HS_TIMEOUT)
def _(c): pass

@case('hs-c0-only', 'sends C0 and nothing more', expect='serve=0 timedout=1', log=HS_TIMEOUT)
def _(c): c.send(b'\x03')

@case('hs-cut-c1', 'sends C0 and 100 bytes of C1, then nothing', expect='serve=0 timedout=1', log=HS_TIMEOUT)
def _(c): c.send(b'\x03' + bytes(100))

@case('hs-cut-c1-close', 'sends C0 and 100 bytes of C1, then closes', then='close', expect='serve=0', log=HS_CLOSED)
def _(c): c.send(b'\x03' + bytes(100))

@case('hs-no-c2', 'sends C0 C1, reads the answer, never sends C2', expect='serve=0 timedout=1', log=HS_TIMEOUT)
def _(c): c.send(b'\x03' + bytes(1536)); c.recv_exact(3073)

@case('hs-cut-c2', 'sends C0 C1 and half of C2, then closes', then='close', expect='serve=0', log=HS_CLOSED)
def _(c): c.send(b'\x03' + bytes(1536)); c.recv_exact(3073); c.send(bytes(768))

@case('hs-type-10', 'asks for handshake type 10, which nobody defined', expect='serve=0 timedout=0',
      log=r'asked for handshake type 10, not an RTMP handshake')
def _(c): c.send(b'\x0a' + bytes(3072))

@case('hs-type-0', 'asks for handshake type 0', expect='serve=0 timedout=0', log=r'asked for handshake type 0, not an RTMP handshake')
def _(c): c.send(bytes(3073))

@case('hs-http-get', 'sends an HTTP GET to the RTMP port', expect='serve=0 timedout=0', log=r'an HTTP request, not an RTMP handshake')
def _(c): c.send(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')

@case('hs-tls-hello', 'starts TLS on the plain port', expect='serve=0 timedout=0', log=r'the client started TLS')
def _(c): c.send(b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + os.urandom(200))

@case('hs-rtmpe-no-digest', 'asks for RTMPE with a C1 of zeros (no digest)', expect='serve=0 timedout=0',
      log=r"RTMPE: couldn't verify the client digest")
def _(c): c.send(b'\x06' + bytes(1536))

@case('hs-rtmpe-dh-zero', 'RTMPE with a signed C1 whose Diffie-Hellman key is 0', expect='serve=0 timedout=0',
      log=r"the peer's Diffie-Hellman public key is invalid")
def _(c): c.send(b'\x06' + signed_c1((128, 0, 3, 2), dh=bytes(128)))

@case('hs-rtmpe-dh-one', 'RTMPE with a Diffie-Hellman key of 1 (the shared secret would be 1)', expect='serve=0 timedout=0',
      log=r"the peer's Diffie-Hellman public key is invalid")
def _(c): c.send(b'\x06' + signed_c1((128, 0, 3, 2), dh=bytes(127) + b'\x01'))

@case('hs-rtmpe-dh-max', 'RTMPE with a Diffie-Hellman key of all ones (above the prime)', expect='serve=0 timedout=0',
      log=r"the peer's Diffie-Hellman public key is invalid")
def _(c): c.send(b'\x09' + signed_c1((128, 0, 3, 2), dh=b'\xff' * 128))

@case('hs-fp9-bad-digest', 'announces Flash Player 9 with a wrong digest (answered with the simple handshake), then sends garbage',
      then='close', expect=SERVED, log=r'announced version 9\.0\.124\.2 without a valid digest')
def _(c):
    c.send(b'\x03' + bytes(4) + bytes([9, 0, 124, 2]) + os.urandom(1528))
    c.recv_exact(3073)
    c.send(os.urandom(1536) + os.urandom(3000), hangup_ok=True)

@case('hs-c2-garbage', 'signs C1, then answers with a C2 that neither echoes nor signs S1 (accepted, with a warning)',
      expect=f'{SERVED} timedout=1', log=r'C2 neither echoes nor signs our S1')
def _(c):
    c.send(b'\x03' + signed_c1())
    c.recv_exact(3073)
    c.send(os.urandom(1536))

@case('hs-trickle', 'sends C0 C1 a byte every 0.3 s', then='close', expect='serve=0', orig='hang',
      log=r'part of the handshake has waited more than 1 s')
def _(c):
    for i, b in enumerate(b'\x03' + bytes(20)):
        c.send(bytes([b]))
        if i == 1:
            c.mark()
        time.sleep(0.3)

@case('hs-reset', 'resets the connection half way through C1', then='close', expect='serve=0', log=HS_CLOSED)
def _(c): c.send(b'\x03' + bytes(700)); c.reset()

@case('hs-pipelined-garbage', 'C0 C1 C2 and 1 MB of random bytes in one go', expect=f'{SERVED} packets>=1',
      log=r'chunk stream \d+( starts with a type \d header|: new message header)|unknown packet type')
def _(c): c.send(b'\x03' + bytes(1536) + bytes(1536) + os.urandom(1 << 20), hangup_ok=True)


# ---------------------------------------------------------------- the RTMPT tunnel's server end
@case('http-bad-request-line', 'a POST line with no path or version', expect='serve=0', log=r'an rtmpt request for ""')
def _(c): c.send(b'POST\r\n\r\n')

@case('http-huge-length', 'POST /open/1 announcing a body of 10^12 bytes', expect='serve=0',
      log=r'an rtmpt request of 1000000000000 bytes')
def _(c): c.send(b'POST /open/1 HTTP/1.1\r\nContent-Length: 1000000000000\r\n\r\n' + bytes(1000))

@case('http-negative-length', 'POST /open/1 with Content-Length: -5', expect='serve=0 timedout=0',
      log=r'Content-Length is not a length')
def _(c): c.send(b'POST /open/1 HTTP/1.1\r\nContent-Length: -5\r\n\r\n')

@case('http-header-flood', 'a request head that never ends (1 MB of header lines)', expect='serve=0',
      log=r'an HTTP request header longer than 16384 bytes')
def _(c):
    c.send(b'POST /open/1 HTTP/1.1\r\n' + (b'X-Filler: ' + b'a' * 50 + b'\r\n') * (1 << 14), hangup_ok=True)

@case('http-unknown-path', 'POST /nonsense/1', expect='serve=0', log=r'an rtmpt request for "/nonsense/1"')
def _(c): c.post(b'/nonsense/1', b'x')

@case('http-wrong-session', 'opens a tunnel, then sends C0 C1 under another session id', expect='serve=0', orig='hang',
      log=r'an rtmpt request for session "NOTMINE", not ours')
def _(c):
    c.tunnel_open()
    c.post(b'/send/NOTMINE/1', b'\x03' + bytes(1536))

@case('http-cut-body', 'opens a tunnel, announces C0 C1, sends 100 bytes and closes', then='close', expect='serve=0', orig='hang',
      log=r'the rtmpt client closed the connection in the middle of a request')
def _(c):
    sid = c.tunnel_open()
    c.send(b'POST /send/' + sid + b'/1 HTTP/1.1\r\nContent-Length: 1537\r\n\r\n' + bytes(100))

@case('http-idle-only', 'opens a tunnel and only ever polls', then='close', expect='serve=0', orig='hang',
      log=r'the rtmpt client sent 1000 requests without data in a row')
def _(c):
    sid = c.tunnel_open()
    c.mark()
    end = time.time() + 2
    n = 2
    while time.time() < end:
        c.post(b'/idle/' + sid + b'/' + str(n).encode())
        c.read_answer()
        n += 1

@case('http-close-first', 'opens a tunnel and closes it before any handshake', expect='serve=0', orig='hang', log=HS_CLOSED)
def _(c):
    sid = c.tunnel_open()
    c.post(b'/close/' + sid + b'/2')

@case('http-garbage-after-open', 'opens a tunnel, then sends bytes that are not HTTP', expect='serve=0 timedout=0', orig='hang',
      log=r'an rtmpt client sent bytes that are not a POST request')
def _(c): c.tunnel_open(); c.send(b'\x00\xffnot http' + os.urandom(4000))


# ---------------------------------------------------------------- chunks, after the handshake
def after_hs(f):
    def run(c):
        c.hs()
        f(c)
    return run

@case('chunk-type3-first', 'a type 3 chunk header on a chunk stream never used', expect=SERVED,
      log=r'chunk stream 7 starts with a type 3 header')
@after_hs
def _(c): c.send(header(3, 7) + os.urandom(200))

@case('chunk-type1-first', 'a type 1 chunk header on a chunk stream never used', expect=f'{SERVED} packets>=1',
      log=r'chunk stream 8 starts with a type 1 header')
@after_hs
def _(c): c.send(header(1, 8, length=20, mtype=0x14) + CONNECT[:20])

@case('chunk-huge-length', 'a message announced as 16 MiB - 1, then 256 bytes of it and silence', expect=f'{SERVED} packets=0 timedout=1',
      log=r'no data within 1 s in the middle of a message \(chunk stream 3: 256 of 16777215 bytes\)')
@after_hs
def _(c): c.send(header(0, 3, length=0xffffff, mtype=0x14) + bytes(128) + bytes([0xc3]) + bytes(128))

@case('chunk-length-changes', 'a new type 1 header with another length in the middle of a message', expect=f'{SERVED} packets>=1',
      log=r'chunk stream 3: new message header \(type 1\) before the previous message was complete')
@after_hs
def _(c):
    c.send(header(0, 3, length=1000, mtype=0x14) + bytes(128))
    c.send(header(1, 3, length=50, mtype=0x14) + bytes(50))

@case('chunk-size-zero', 'Set Chunk Size 0 (which serve.c stores, as rtmpsrv does), then a command (read at the size in force)',
      expect=f'{SERVED} commands>=1', log=r'm_inChunkSize is 0: a chunk size is 1 to 2\^31-1 bytes; keeping 128')
@after_hs
def _(c): c.send_msg(2, 1, struct.pack('>I', 0)); c.cmd(CONNECT)

@case('chunk-size-negative', 'Set Chunk Size 0xffffffff (stored by serve.c as -1), then a command', expect=f'{SERVED} commands>=1',
      log=r'm_inChunkSize is -1: a chunk size is 1 to 2\^31-1 bytes; keeping 128')
@after_hs
def _(c): c.send_msg(2, 1, b'\xff\xff\xff\xff'); c.cmd(CONNECT)

@case('chunk-size-huge', 'Set Chunk Size 0x7fffffff, then a command in one chunk (read; then the receive timeout)',
      expect=f'{SERVED} commands>=1 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.send_msg(2, 1, struct.pack('>I', 0x7fffffff)); c.cmd(CONNECT, csid=3)

@case('chunk-size-short', 'a Set Chunk Size message of one byte (serve.c ignores it), then a command (then the receive timeout)',
      expect=f'{SERVED} commands>=1 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.send_msg(2, 1, b'\x01'); c.cmd(CONNECT)

@case('chunk-extended-wrong', 'a type 3 chunk without the extended timestamp its message has (read as one: the stream is misread)',
      expect=SERVED, log=r'chunk stream \d+( starts with a type \d header|: new message header)|unknown packet type')
@after_hs
def _(c):
    c.send(header(0, 3, ts=0xffffff, length=300, mtype=0x14) + struct.pack('>I', 0x12345678) + CONNECT[:128])
    c.send(bytes([0xc3]) + bytes(128) + bytes([0xc3]) + struct.pack('>I', 0x12345678) + bytes(44))

@case('chunk-csid-max', 'three commands on chunk stream 65599 (3-byte basic headers; then the receive timeout)',
      expect=f'{SERVED} commands>=3 timedout=1', log=TIMED_OUT)
@after_hs
def _(c):
    assert len(CONNECT) < 128
    c.send((b'\x01\xff\xff' + header(0, 0, length=len(CONNECT))[1:] + CONNECT) * 3)

@case('chunk-cut-header', 'half a chunk header, then closes', then='close', expect=f'{SERVED} packets=0',
      log=r'closed the connection in the middle of a chunk \(6 bytes of it had arrived\)')
@after_hs
def _(c): c.send(header(0, 3, length=100)[:6])

@case('chunk-cut-body', 'a 1000-byte message cut after 512 bytes, then closes', then='close', expect=f'{SERVED} packets=0',
      log=r'closed the connection in the middle of a message \(chunk stream 3: 512 of 1000 bytes\)')
@after_hs
def _(c): c.send(header(0, 3, length=1000) + bytes(128) + (bytes([0xc3]) + bytes(128)) * 3)

@case('chunk-reset', 'resets the connection in the middle of a message', then='close', expect=f'{SERVED} packets=0',
      log=r'Connection reset by peer')
@after_hs
def _(c): c.send(header(0, 3, length=1000) + bytes(128)); c.reset()

@case('chunk-trickle', 'a chunk header, then a byte every 0.3 s', then='close', expect=f'{SERVED} packets=0',
      log=r'part of a chunk has waited more than 1 s')
@after_hs
def _(c):
    c.send(header(0, 3, length=100))
    c.mark()
    for _ in range(10):
        c.send(b'\x00')
        time.sleep(0.3)

@case('chunk-many-streams', 'partial messages open on 5,000 chunk streams at once', expect=f'{SERVED} packets=0 timedout=1',
      log=r'no data within 1 s in the middle of a message')
@after_hs
def _(c):
    out = bytearray()
    for i in range(5000):
        out += b'\x01' + struct.pack('<H', i) + header(0, 0, length=1000)[1:] + bytes(128)
    c.send(bytes(out))

@case('chunk-random', '64 KiB of random chunk bytes', expect=SERVED,
      log=r'chunk stream \d+( starts with a type \d header|: new message header)|unknown packet type')
@after_hs
def _(c): c.send(os.urandom(65536), hangup_ok=True)


# ---------------------------------------------------------------- messages
@case('msg-unknown-type', 'messages of type 0x7f and 0xff', expect=f'{SERVED} packets>=2', log=r'unknown packet type received: 0x7f')
@after_hs
def _(c): c.send_msg(3, 0x7f, bytes(40)); c.send_msg(3, 0xff, bytes(40))

@case('msg-zero-length', '10,000 empty messages (each handed to the application; then the receive timeout)',
      expect=f'{SERVED} packets>=10000 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.send(b''.join(header(0, 4, length=0, mtype=0x14) for _ in range(10000)))

@case('msg-ping-flood', '20,000 ping requests (each answered; then the receive timeout)', expect=f'{SERVED} packets>=20000 timedout=1',
      log=TIMED_OUT)
@after_hs
def _(c): c.send(b''.join(header(0, 2, length=6, mtype=4) + struct.pack('>HI', 6, i) for i in range(20000)))

@case('msg-control-short', 'a user control message, a window size, a bandwidth and an acknowledgement of one byte each',
      expect=f'{SERVED} packets>=4', log=r'a User Control message of 1 bytes is too short')
@after_hs
def _(c):
    for t in (4, 5, 6, 3):
        c.send_msg(2, t, b'\x00')

@case('msg-abort-unknown', 'Abort messages for chunk streams that do not exist (nothing to abort; then the receive timeout)',
      expect=f'{SERVED} packets>=5 timedout=1', log=TIMED_OUT)
@after_hs
def _(c):
    for cs in (0, 1, 5, 65599, 0xffffffff):
        c.send_msg(2, 2, struct.pack('>I', cs))

@case('msg-window-flood', '10,000 window acknowledgement sizes of 1 byte (then the receive timeout)',
      expect=f'{SERVED} packets>=10000 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.send(b''.join(header(0, 2, length=4, mtype=5) + struct.pack('>I', 1) for _ in range(10000)))

@case('msg-media-before-connect', 'audio and video before any connect (handed to the application; then the receive timeout)',
      expect=f'{SERVED} packets>=2 timedout=1', log=TIMED_OUT)
@after_hs
def _(c):
    c.send_msg(4, 8, b'\xaf\x01' + bytes(300), sid=1)
    c.send_msg(6, 9, b'\x17\x01' + bytes(3000), sid=1)


# ---------------------------------------------------------------- AMF in commands
@case('amf-deep-nesting', 'a connect whose command object nests 100,000 objects deep', expect=REFUSED, orig='crash',
      log=r'AMF_Decode: values nested deeper than 64 levels')
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x03' + (b'\x00\x01a\x03' * 100000))

@case('amf-string-overrun', 'a command name whose length runs past the message (AMF_Decode refuses it)', expect=REFUSED,
      log=TIMED_OUT)
@after_hs
def _(c): c.cmd(b'\x02\xff\xffconnect')

@case('amf-long-string', 'a long string announcing 4 GiB (AMF_Decode refuses it)', expect=REFUSED, log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x0c\xff\xff\xff\xff' + bytes(20))

@case('amf-huge-array', 'a strict array announcing 2^31 - 1 elements (AMF_Decode refuses it)', expect=REFUSED, log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x0a\x7f\xff\xff\xff' + num(1))

@case('amf-huge-ecma', 'an ECMA array announcing 2^32 - 1 properties (a hint: decoded to its end)', expect=f'{SERVED} commands>=1',
      log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x08\xff\xff\xff\xff' + key('a') + num(1))

@case('amf-bad-type', 'a value of type 0x42 (AMF_Decode refuses it)', expect=REFUSED, log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x42' + bytes(30))

@case('amf-bad-reference', 'a reference to object 9,999 that was never sent', expect=REFUSED, log=r'AMF_REFERENCE not supported')
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x07\x27\x0f')

@case('amf-no-object-end', 'an object whose properties run to the end of the message (AMF_Decode refuses it)', expect=REFUSED,
      log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + num(1) + b'\x03' + key('app') + string('live') + key('x'))

@case('amf-cut', 'a connect cut after the transaction id\'s first byte (AMF_Decode refuses it)', expect=REFUSED, log=TIMED_OUT)
@after_hs
def _(c): c.cmd(string('connect') + b'\x00\x3f')

@case('amf3-command', 'an AMF3 command message (type 0x11) with garbage after its format byte (AMF_Decode refuses it)',
      expect=REFUSED, log=TIMED_OUT)
@after_hs
def _(c): c.cmd(b'\x00' + string('connect') + num(1) + b'\x11\x0a\x0b\xff\xff\xff\xff\x01', mtype=0x11)

@case('amf3-bad-references', 'AMF3 in a command: string, object and trait references to nothing', expect=REFUSED,
      log=r'AMF3 Object encapsulated in AMF stream does not start with AMF3_OBJECT')
@after_hs
def _(c): c.cmd(b'\x00' + string('connect') + num(1) + b'\x11\x06\x0f' + b'\x11\x0a\x21' + b'\x11\x0a\x05', mtype=0x11)

@case('amf3-huge-lengths', 'AMF3: a string of 2^28 - 1 bytes and an array of as many elements', expect=REFUSED,
      log=r'AMF3 Object encapsulated in AMF stream does not start with AMF3_OBJECT')
@after_hs
def _(c): c.cmd(b'\x00' + string('connect') + num(1) + b'\x11\x06\xff\xff\xff\xff' + b'\x11\x09\xff\xff\xff\xff\x01', mtype=0x11)

@case('amf-command-flood', '5,000 connect commands in a row (all decoded; then the receive timeout)',
      expect=f'{SERVED} commands>=5000 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.send(chunked(3, 0x14, CONNECT) * 5000)

@case('amf-not-a-string', 'a command whose name is a number (decoded: it is AMF; then the receive timeout)',
      expect=f'{SERVED} commands>=1 timedout=1', log=TIMED_OUT)
@after_hs
def _(c): c.cmd(num(5) + num(1) + null())


def main():
    if sys.argv[1] == 'list':
        print_cases(CASES)
        return
    if sys.argv[1] == 'judge':
        judge_main(CASES, sys.argv[2:])
    name, port, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    c = CASES[name]
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    p = Client(s, marker)
    try:
        c['run'](p)
        p.mark()
        if c['then'] == 'idle':
            # The server's timeout is 1 s: it should hang up well within 3.
            p.idle(3)
    except (EOFError, OSError) as e:
        p.note(f'the other end went away: {type(e).__name__} {e}')
    finally:
        s.close()


if __name__ == '__main__':
    main()
