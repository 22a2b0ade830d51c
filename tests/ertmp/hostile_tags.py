#!/usr/bin/python3
"""Writes an FLV of malformed Enhanced RTMP tags, for rtmp-relay's parser under valgrind.

  hostile_tags.py OUT.flv

Between a valid HEVC sequence start and a valid keyframe (so that a player has something to get)
come tags that end inside their headers: a cut FourCC, ModEx blocks that run past the body (one
announcing a 16-bit size it does not carry), a chain of ModEx, multitrack with a track size past
the end and with more tracks than a relay keeps, more distinct sequence headers than it keeps,
empty bodies, and the same for ExAudioTagHeader. Spread over 2 s, so that a player can join
midway.
"""
import sys

HVC1 = b'hvc1'


def tag(t, ts, body):
    head = bytes([t]) + len(body).to_bytes(3, 'big') + (ts & 0xffffff).to_bytes(3, 'big') + bytes([ts >> 24]) + b'\0\0\0'
    return head + body + (11 + len(body)).to_bytes(4, 'big')


def main():
    v, a = 9, 8
    bodies = [
        (v, b'\x90' + HVC1 + b'\x01\x02\x03\x04'),            # SequenceStart
        (v, b'\x90hv'),                                        # the FourCC cut
        (v, b'\x97\xff'),                                      # ModEx: a 16-bit size announced, absent
        (v, b'\x97\xff\x00'),                                  # half of it
        (v, b'\x97\x09\x01\x02'),                              # ModEx data past the end
        (v, b'\x97' + b'\x00\x00\x07' * 40 + b'\x01' + HVC1),  # a chain of ModEx
        (v, b'\x96\x00hv'),                                    # multitrack one track, cut
        (v, b'\x96\x10' + HVC1 + b'\x01\xff\xff\xff\x00'),     # a track size past the end
        (v, b'\x96\x20' + b''.join(HVC1 + bytes([i]) + b'\0\0\0' for i in range(40))),  # 40 tracks
        (v, b'\x96\x20' + HVC1),                               # many codecs: a track id missing
        (v, b'\x17'),                                          # legacy AVC, no packet type
        (v, b''),
        (a, b''),
        (a, b'\x90'),                                          # ExAudioTagHeader, no FourCC
        (a, b'\x95\x10Opu'),                                   # audio multitrack, cut
        (a, b'\x97\x03\x01'),                                  # audio ModEx past the end
        (a, b'\xaf'),                                          # AAC without a packet type
    ]
    # More distinct sequence headers than a relay keeps (one per FourCC and track).
    for i in range(40):
        bodies.append((v, b'\x96\x00' + HVC1 + bytes([i]) + b'\x01\x02'))
        bodies.append((a, b'\x95\x00Opus' + bytes([i]) + b'\x05'))
    bodies.append((v, b'\x91' + HVC1 + b'\0\0\0' + b'\x26\x01' * 16))  # a keyframe
    out = bytearray(b'FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00')
    for i, (t, b) in enumerate(bodies):
        out += tag(t, i * 2000 // len(bodies), b)
    open(sys.argv[1], 'wb').write(out)


if __name__ == '__main__':
    main()
