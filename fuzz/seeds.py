#!/usr/bin/python3
"""seeds.py: writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (checked in;
run again after changing it). Each seed is a well-formed example of what its target parses, so
that the fuzzer starts from inputs that reach deep into the parsers."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def amf_str(s):
    b = s.encode()
    return b'\x02' + struct.pack('>H', len(b)) + b


def amf_num(n):
    return b'\x00' + struct.pack('>d', n)


def amf_obj(props, marker=b'\x03'):
    out = marker
    if marker == b'\x08':
        out += struct.pack('>I', len(props))
    for k, v in props:
        kb = k.encode()
        out += struct.pack('>H', len(kb)) + kb + v
    return out + b'\x00\x00\x09'


def chunk(fmt, csid, body, ts=0, type_id=20, sid=0, size=128, ext=False):
    """One message as chunks: a header of type `fmt`, then type-3 continuations."""
    def basic(f):
        if csid < 64:
            return bytes([f << 6 | csid])
        if csid < 320:
            return bytes([f << 6, csid - 64])
        return bytes([f << 6 | 1]) + struct.pack('<H', csid - 64)
    t = 0xFFFFFF if ext else ts
    h = basic(fmt)
    if fmt <= 2:
        h += t.to_bytes(3, 'big')
    if fmt <= 1:
        h += len(body).to_bytes(3, 'big') + bytes([type_id])
    if fmt == 0:
        h += struct.pack('<I', sid)
    if ext:
        h += struct.pack('>I', ts)
    out = h + body[:size]
    for i in range(size, len(body), size):
        out += basic(3) + (struct.pack('>I', ts) if ext else b'') + body[i:i + size]
    return out


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


connect_result = amf_str('_result') + amf_num(1) + amf_obj([('fmsVer', amf_str('FMS/3,5,7,7009')), ('capabilities', amf_num(31))]) \
    + amf_obj([('level', amf_str('status')), ('code', amf_str('NetConnection.Connect.Success')), ('objectEncoding', amf_num(0))])
on_status = amf_str('onStatus') + amf_num(0) + b'\x05' + amf_obj([('level', amf_str('status')), ('code', amf_str('NetStream.Play.Start'))])
metadata = amf_str('onMetaData') + amf_obj([('duration', amf_num(6.0)), ('width', amf_num(320)), ('stereo', b'\x01\x01')], b'\x08')
video = bytes([0x17, 0]) + bytes(range(200)) * 2
audio = bytes([0xaf, 1]) + bytes(150)

# chunk_reader: first byte picks the chunk size (1 -> 128).
write('chunk_reader', 'session', b'\x01' + chunk(0, 2, struct.pack('>I', 2500000), type_id=5)
      + chunk(0, 3, connect_result) + chunk(0, 5, on_status, sid=1) + chunk(0, 5, metadata, type_id=18, sid=1)
      + chunk(0, 6, video, ts=40, type_id=9, sid=1) + chunk(1, 6, video, ts=40, type_id=9)
      + chunk(2, 6, video, ts=40) + chunk(0, 4, audio, ts=23, type_id=8, sid=1))
write('chunk_reader', 'extended', b'\x01' + chunk(0, 6, video, ts=0x1234567, type_id=9, sid=1, ext=True)
      + chunk(0, 300, audio, ts=5, type_id=8) + chunk(0, 70, audio, type_id=8))
write('chunk_reader', 'setchunksize', b'\x01' + chunk(0, 2, struct.pack('>I', 4096), type_id=1)
      + chunk(0, 6, video * 10, type_id=9, size=4096) + chunk(0, 2, struct.pack('>I', 6), type_id=2))

# amf0: command bodies and data.
write('amf0', 'connect_result', connect_result)
write('amf0', 'on_status', on_status)
write('amf0', 'metadata', metadata)
write('amf0', 'types', amf_num(1.5) + b'\x01\x00' + b'\x05\x06' + b'\x0b' + struct.pack('>dh', 1.6e12, 0)
      + b'\x0c' + struct.pack('>I', 5) + b'hello' + b'\x0a' + struct.pack('>I', 2) + amf_num(1) + amf_str('x')
      + b'\x10' + struct.pack('>H', 3) + b'Foo' + b'\x00\x00\x09' + b'\x07\x00\x00' + b'\x11\x04\x05')

# amf3: integers, strings and their references, arrays, objects with traits, byte arrays.
write('amf3', 'values', b'\x04\x7f' + b'\x04\xff\xff\xff\xff' + b'\x06\x07abc' + b'\x06\x00' + b'\x09\x05\x01\x04\x01\x04\x02'
      + b'\x0a\x23\x01\x03x\x03y\x04\x01\x04\x02' + b'\x0c\x07abc' + b'\x08\x01' + struct.pack('>d', 0) + b'\x05\x02\x03')
write('amf3', 'dynamic', b'\x0a\x0b\x01\x07key\x06\x07val\x01' + b'\x0a\x01' + b'\x06\x02')

# handshake: S0/C0, then S1/C1, then S2/C2.
rnd = bytes((i * 73 + 11) & 0xff for i in range(1536))
write('handshake', 'simple', b'\x03' + bytes(4) + bytes(4) + rnd[8:] + rnd)
write('handshake', 'digest', b'\x03' + bytes(4) + bytes([3, 5, 1, 1]) + rnd[8:] + rnd)
write('handshake', 'rtmpe', b'\x06' + bytes(4) + bytes([128, 0, 3, 2]) + rnd[8:] + rnd)
write('handshake', 'rtmpe8', b'\x08' + bytes(4) + bytes([9, 0, 124, 2]) + rnd[8:] + rnd)

# url_options: URLs and option strings.
for i, u in enumerate([
        'rtmp://example.com/app/stream',
        'rtmpe://[::1]:1936/app/inst/mp4:path/file.mp4?token=1 live=1 buffer=3000',
        'rtmpts://h:443/app?x=y/playpath app=a tcUrl=rtmp://h/a swfVfy=1 swfUrl=http://h/p.swf',
        'rtmp://h/vod/f.flv conn=O:1 conn=NS:k:v conn=O:1 conn=NN:n:1 conn=O:0 conn=O:0 conn=B:1 conn=Z:',
        'rtmp://h/a/s socks=proxy:1080 timeout=5 token=secret pubUser=u pubPasswd=p tlsVerify=0 cafile=/x',
        'rtmpt://h:80/a/s start=10 stop=20 subscribe=s jtv=x weeb=y flashVer=LNX\\2010 pageUrl=http://h']):
    write('url_options', 'url%d' % i, u.encode())

# flv_write: an FLV file header, metadata, then tags (the first two bytes choose the cuts).
def tag(kind, ts, body):
    return bytes([kind]) + len(body).to_bytes(3, 'big') + (ts & 0xFFFFFF).to_bytes(3, 'big') + bytes([ts >> 24]) + bytes(3) \
        + body + struct.pack('>I', 11 + len(body))
flv = b'FLV\x01\x05' + struct.pack('>I', 9) + bytes(4) + tag(18, 0, metadata) + tag(9, 0, video) + tag(8, 0, audio) \
    + tag(9, 40, video) + tag(9, 0x1000000, bytes([0x17, 2, 0, 0, 0]))
write('flv_write', 'file', b'\x05\x01' + flv)
write('flv_write', 'tags_only', b'\x0b\x00' + tag(8, 23, audio) + tag(9, 40, video))

# http_tunnel: the server's answers to /open, /send and /idle.
def http(body, extra=''):
    return ('HTTP/1.1 200 OK\r\nContent-Type: application/x-fcs\r\n%sContent-Length: %d\r\n\r\n' % (extra, len(body))).encode() + body
write('http_tunnel', 'session', http(b'1234567890\n') + http(b'\x01') + http(b'\x05' + chunk(0, 3, connect_result)) + http(b'\x00'))
write('http_tunnel', 'keepalive', http(b'abc\n', 'Connection: keep-alive\r\n') + http(b'\x11' + bytes(300)) + b'HTTP/1.1 404 Not Found\r\n\r\n')
