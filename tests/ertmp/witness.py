#!/usr/bin/python3
"""Judges a publisher's server switches from what tests/interop/wiretap.py saw on the wire.

  witness.py SOURCE.flv MIN_CONNECTIONS TAPLOG...

The audio and video messages of every tapped connection, connections in the order they began to
carry media, must be the source file's audio and video tags, each exactly once and in order, once
the sequence headers a new connection starts with are set aside; and on every connection after the
first, those headers come first and the first video message after them is a keyframe. Prints what
each connection carried; exits 1 with the first difference otherwise.
"""
import hashlib
import json
import sys


def flv_media(path):
    d = open(path, 'rb').read()
    i, out = 13, []
    while i + 11 <= len(d):
        t, n = d[i] & 0x1f, int.from_bytes(d[i + 1:i + 4], 'big')
        body = d[i + 11:i + 11 + n]
        if t in (8, 9):
            out.append((t, hashlib.sha1(body).hexdigest(), body[:2].hex()))
        i += 11 + n + 4
    return out


def is_header(t, head):
    b = bytes.fromhex(head) + b'\0\0'
    if t == 9 and b[0] & 0x80:
        pt = b[0] & 0x0f
        if pt == 6:
            pt = b[1] & 0x0f
        return pt in (0, 4, 5)
    if t == 9:
        return b[0] & 0x0f in (7, 12) and b[1] == 0
    if b[0] >> 4 == 9:
        pt = b[0] & 0x0f
        if pt == 5:
            pt = b[1] & 0x0f
        return pt in (0, 4)
    return b[0] >> 4 == 10 and b[1] == 0


def is_keyframe(head):
    b = bytes.fromhex(head) + b'\0\0'
    if b[0] & 0x80:
        pt = b[0] & 0x0f
        if pt == 6:
            pt = b[1] & 0x0f
        return (b[0] >> 4) & 7 == 1 and pt in (1, 3)
    return b[0] >> 4 == 1 and (b[0] & 0x0f not in (7, 12) or b[1] == 1)


def main():
    src, need, logs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    conns = {}
    for li, log in enumerate(logs):
        for line in open(log):
            m = json.loads(line)
            if m.get('type') in (8, 9) and 'sha' in m:
                conns.setdefault((li, m['conn']), []).append((m['type'], m['sha'], m['head'], m['t']))
    order = sorted(conns, key=lambda k: conns[k][0][3])
    want = flv_media(src)
    got, seen_headers, bad = [], set(), []
    for n, k in enumerate(order):
        msgs = conns[k]
        again = 0
        if n > 0:
            while again < len(msgs) and msgs[again][1] in seen_headers:
                again += 1
            first_video = next((m for m in msgs[again:] if m[0] == 9), None)
            if first_video and not is_keyframe(first_video[2]):
                bad.append(f'connection {n + 1}: its first video after the headers is not a keyframe ({first_video[2]})')
        for t, sha, head, _ in msgs[again:]:
            if is_header(t, head):
                seen_headers.add(sha)
            got.append((t, sha, head))
        name = f'{logs[k[0]].rsplit("/", 1)[-1]}#{k[1]}'
        print(f'connection {n + 1} ({name}): {again} sequence headers sent again, then {len(msgs) - again} messages'
              + (f' from a {"keyframe" if n and first_video and is_keyframe(first_video[2]) else "start"}' if n else ''))
    if len(order) < need:
        bad.append(f'{len(order)} connections carried media, {need} expected')
    if got != want:
        i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        dup = len(got) - len({g[1] for g in got})
        bad.append(f'{len(got)} messages on the wire against the source\'s {len(want)} tags ({dup} repeated); '
                   f'first difference at message {i}: {got[i] if i < len(got) else "end"} vs {want[i] if i < len(want) else "end"}')
    else:
        print(f'all {len(want)} audio and video tags of the source, each once and in order')
    for b in bad:
        print('FAILED:', b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
