#!/usr/bin/python3
"""What an FLV file carries, track by track, for the relay's tests.

  tracks.py FILE

One line per track, in the order they first appear: "video hvc1/1 120 starts-key" — the kind,
the FourCC and track id (legacy tags: "legacy7" for H.264, "legacy10" for AAC; track 0), how many
coded messages, and for video whether the first coded message is a keyframe ("starts-key") or not
("starts-inter"). Sequence headers and other configuration messages are not counted.
"""
import sys


def tracks_of(t, b):
    """(kind names, packet type, is-config, frame type) of one audio/video body."""
    video = t == 9
    if video and not b[0] & 0x80 or not video and b[0] >> 4 != 9:
        codec = b[0] & 0x0f if video else b[0] >> 4
        config = len(b) > 1 and b[1] == 0 and codec in ((7, 12) if video else (10,))
        return [f'legacy{codec}/0'], config, b[0] >> 4
    frame, pt, at = (b[0] >> 4) & 7, b[0] & 0x0f, 1
    while pt == 7:  # ModEx
        size = b[at] + 1
        at += 1
        if size == 256:
            size = int.from_bytes(b[at:at + 2], 'big') + 1
            at += 2
        at += size
        pt = b[at] & 0x0f
        at += 1
    names = []
    if pt == (6 if video else 5):
        kind, pt = b[at] >> 4, b[at] & 0x0f
        at += 1
        shared = None
        if kind != 2:
            shared = b[at:at + 4].decode('latin1')
            at += 4
        while at < len(b):
            f = shared
            if f is None:
                f = b[at:at + 4].decode('latin1')
                at += 4
            names.append(f'{f}/{b[at]}')
            at += 1
            if kind == 0:
                break
            at += 3 + int.from_bytes(b[at:at + 3], 'big')
    else:
        names.append(f'{b[at:at + 4].decode("latin1")}/0')
    config = pt in ((0, 4, 5) if video else (0, 4)) or (video and frame == 5)
    return names, config, frame


def main():
    d = open(sys.argv[1], 'rb').read()
    i = int.from_bytes(d[5:9], 'big') + 4
    seen = {}
    while i + 11 <= len(d):
        t, n = d[i] & 0x1f, int.from_bytes(d[i + 1:i + 4], 'big')
        b = d[i + 11:i + 11 + n]
        i += 11 + n + 4
        if t not in (8, 9) or not b:
            continue
        names, config, frame = tracks_of(t, b)
        if config:
            continue
        for name in names:
            key = ('video ' if t == 9 else 'audio ') + name
            if key not in seen:
                seen[key] = [0, '' if t == 8 else ('starts-key' if frame == 1 else 'starts-inter')]
            seen[key][0] += 1
    for key, (count, start) in seen.items():
        print(key, count, start)


if __name__ == '__main__':
    main()
