#!/usr/bin/python3
"""mkflv.py OUT SECONDS VIDEO_KBPS: a synthetic FLV of fixed content for the benchmarks.

The same arguments always give the same bytes (a seeded generator, no clock, no encoder), so runs on
different machines move identical messages. The stream looks like what an encoder makes: an AVC
sequence header and an AAC config first, then 25 video frames a second (a keyframe every 2 s, four
times the size of the others) interleaved with AAC frames at 44.1 kHz (about 43 a second, 128
kbit/s), timestamps in order. Payloads are filler: nothing in librtmp or nginx-rtmp decodes them.
"""
import os
import random
import struct
import sys


def tag(kind, ts, body):
    head = bytes([kind]) + len(body).to_bytes(3, 'big')
    head += (ts & 0xFFFFFF).to_bytes(3, 'big') + bytes([(ts >> 24) & 0xFF]) + b'\0\0\0'
    return head + body + struct.pack('>I', 11 + len(body))


def main():
    out, seconds, kbps = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(f'librtmp-rs bench {seconds} {kbps}')
    # One block of filler, sliced at varying offsets: cheap to make, no two frames alike.
    filler = rnd.randbytes(1 << 20)
    per_frame = kbps * 1000 // 8 // 25
    gop = 50
    # Sizes within a GOP: the keyframe 4x, others around the mean so the rate comes out right.
    other = per_frame * gop // (gop + 3)
    with open(out + '.tmp', 'wb') as f:
        f.write(b'FLV\x01\x05\x00\x00\x00\x09' + b'\0\0\0\0')
        avcc = bytes([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 4]) + b'\x67\x64\x00\x1f' + b'\x01\x00\x04\x68\xee\x3c\x80'
        f.write(tag(9, 0, avcc))
        f.write(tag(8, 0, b'\xaf\x00\x12\x10'))
        frames = int(seconds * 25)
        audio_n = 0
        for i in range(frames):
            ts = i * 40
            # audio frames (1024 samples at 44.1 kHz) due before this video frame
            while audio_n * 1024 * 1000 // 44100 <= ts:
                ats = audio_n * 1024 * 1000 // 44100
                n = 360 + rnd.randrange(24)
                o = rnd.randrange(len(filler) - n)
                f.write(tag(8, ats, b'\xaf\x01' + filler[o:o + n]))
                audio_n += 1
            key = i % gop == 0
            n = (4 * other if key else other) + rnd.randrange(-other // 8, other // 8)
            n = max(n, 16)
            body = bytearray([0x17 if key else 0x27, 1, 0, 0, 0x28])
            while len(body) < n:
                o = rnd.randrange(len(filler) // 2)
                body += filler[o:o + min(n - len(body), len(filler) // 2)]
            f.write(tag(9, ts, bytes(body)))
    os.replace(out + '.tmp', out)


if __name__ == '__main__':
    main()
