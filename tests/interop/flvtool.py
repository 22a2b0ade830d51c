#!/usr/bin/python3
"""FLV inspection and comparison for the interop tests (stdlib only).

  flvtool.py info FILE...
      Header, tag counts by type, first/last audio/video timestamps, script tag names, and
      whether the file ends inside a tag.

  flvtool.py cmp SRC OUT [--suffix] [--max-missing N] [--min-tags N]
      Compares the sequence of audio tag payloads and, separately, the sequence of video tag
      payloads of OUT with those of SRC. Everything else is ignored: the FLV header, script
      (metadata) tags, timestamps, stream ids, and the interleaving of audio with video (servers
      reorder the first sequence-header tags).
        default        both sequences must be identical
        --suffix       each sequence of OUT must be a non-empty contiguous run of SRC's: a live
                       player may join late or stop early, and librtmp drops tiny tags (video
                       <= 5 bytes, i.e. the H.264 end-of-sequence tag; audio <= 1 byte)
        --late         a player that joined a live stream late: OUT holds SRC's first tag (the
                       codec header) then a contiguous run of SRC that, for video, starts at a
                       keyframe (or all of SRC)
        --max-missing N  with --suffix: at most N tags of SRC may be missing per stream
        --min-tags N     OUT must hold at least N tags of each stream
      Exit 0 and a last line "RESULT MATCH" when the conditions hold, 1 and "RESULT MISMATCH"
      when not, 2 when a file is not FLV.
"""
import hashlib
import sys

AUDIO, VIDEO, SCRIPT = 8, 9, 18
KIND = {AUDIO: 'audio', VIDEO: 'video'}


class NotFlv(Exception):
    pass


def read_tags(path):
    """Returns (header bytes, list of (type, timestamp, payload), trailing-garbage note)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 9 or data[:3] != b'FLV':
        raise NotFlv('%s: not an FLV file (starts with %r)' % (path, data[:8]))
    offset = int.from_bytes(data[5:9], 'big')
    pos = offset + 4  # skip PreviousTagSize0
    tags, note = [], ''
    while pos < len(data):
        if pos + 11 > len(data):
            note = 'ends inside a tag header (%d stray bytes)' % (len(data) - pos)
            break
        ttype = data[pos] & 0x1f
        size = int.from_bytes(data[pos + 1:pos + 4], 'big')
        ts = int.from_bytes(data[pos + 4:pos + 7], 'big') | (data[pos + 7] << 24)
        end = pos + 11 + size
        if end > len(data):
            note = 'ends inside a type-%d tag (%d of %d payload bytes)' % (ttype, len(data) - pos - 11, size)
            break
        tags.append((ttype, ts, data[pos + 11:end]))
        pos = end + 4  # PreviousTagSize
    return data[:offset], tags, note


def cmd_info(paths):
    for path in paths:
        hdr, tags, note = read_tags(path)
        counts = {}
        for t, _, _ in tags:
            counts[t] = counts.get(t, 0) + 1
        flags = hdr[4] if len(hdr) > 4 else 0
        print('%s: version %d, flags 0x%02x (%s%s), %d tags %s' % (
            path, hdr[3], flags, 'audio ' if flags & 4 else '', 'video' if flags & 1 else '',
            len(tags), dict(sorted(counts.items()))))
        for t in (AUDIO, VIDEO):
            ts = [x[1] for x in tags if x[0] == t]
            if ts:
                print('  %s: %d tags, ts %d..%d ms' % (KIND[t], len(ts), ts[0], ts[-1]))
        for t, ts, body in tags:
            if t == SCRIPT:
                name = body[3:3 + int.from_bytes(body[1:3], 'big')] if body[:1] == b'\x02' else body[:12]
                print('  script tag at %d ms: %s (%d bytes)' % (ts, name.decode('latin-1'), len(body)))
        if note:
            print('  ' + note)


def find_run(src, out):
    """Index where OUT occurs as a contiguous run of SRC, or None."""
    m = len(out)
    for i in range(len(src) - m + 1):
        if src[i] == out[0] and src[i:i + m] == out:
            return i
    return None


def cmd_cmp(src_path, out_path, suffix, max_missing, min_tags, late=False):
    _, src_tags, _ = read_tags(src_path)
    _, out_tags, out_note = read_tags(out_path)
    good = True
    if out_note:
        print('  note: %s %s' % (out_path, out_note))
    for t in (AUDIO, VIDEO):
        name = KIND[t]
        s_sizes = [len(b) for x, _, b in src_tags if x == t]
        s = [hashlib.sha256(b).digest() for x, _, b in src_tags if x == t]
        o = [hashlib.sha256(b).digest() for x, _, b in out_tags if x == t]
        if len(o) < min_tags:
            print('  %s: only %d tags in OUT, want at least %d' % (name, len(o), min_tags))
            good = False
        if s == o:
            print('  %s: identical, %d payloads' % (name, len(s)))
            continue
        if late and len(o) > 1 and o[0] == s[0]:
            i = find_run(s[1:], o[1:])
            if i is not None:
                i += 1
                body = [b for x, _, b in src_tags if x == t][i]
                if t == VIDEO and (body[0] >> 4) & 7 != 1:
                    print('  %s: joined at SRC[%d], which is not a keyframe' % (name, i))
                    good = False
                else:
                    print('  %s: the codec header, then SRC[%d:%d] of %d (joined late%s)' % (
                        name, i, i + len(o) - 1, len(s), ' at a keyframe' if t == VIDEO else ''))
                continue
        if suffix and o:
            i = find_run(s, o)
            if i is not None:
                head, tail = i, len(s) - i - len(o)
                tail_sizes = s_sizes[i + len(o):]
                print('  %s: OUT is SRC[%d:%d] of %d: %d missing at the start, %d at the end%s' % (
                    name, i, i + len(o), len(s), head, tail,
                    ' (sizes %s%s)' % (tail_sizes[:5], '...' if len(tail_sizes) > 5 else '') if tail else ''))
                if max_missing is not None and head + tail > max_missing:
                    print('  %s: %d tags missing, at most %d allowed' % (name, head + tail, max_missing))
                    good = False
                continue
        first = next((k for k, (a, b) in enumerate(zip(s, o)) if a != b), min(len(s), len(o)))
        print('  %s: DIFFERENT: SRC has %d payloads, OUT %d; first difference at index %d' % (
            name, len(s), len(o), first))
        good = False
    print('RESULT %s (SRC %d audio/video tags, OUT %d)' % (
        'MATCH' if good else 'MISMATCH',
        sum(1 for x in src_tags if x[0] in KIND), sum(1 for x in out_tags if x[0] in KIND)))
    return 0 if good else 1


def main(argv):
    try:
        if len(argv) >= 2 and argv[0] == 'info':
            cmd_info(argv[1:])
            return 0
        if len(argv) >= 3 and argv[0] == 'cmp':
            suffix, max_missing, min_tags, late = False, None, 0, False
            rest = argv[3:]
            while rest:
                if rest[0] == '--suffix':
                    suffix, rest = True, rest[1:]
                elif rest[0] == '--late':
                    late, rest = True, rest[1:]
                elif rest[0] == '--max-missing' and len(rest) > 1:
                    max_missing, rest = int(rest[1]), rest[2:]
                elif rest[0] == '--min-tags' and len(rest) > 1:
                    min_tags, rest = int(rest[1]), rest[2:]
                else:
                    print('flvtool: unknown option %s' % rest[0], file=sys.stderr)
                    return 2
            return cmd_cmp(argv[1], argv[2], suffix, max_missing, min_tags, late)
    except NotFlv as e:
        print('RESULT MISMATCH: %s' % e)
        return 2
    except OSError as e:
        print('RESULT MISMATCH: %s' % e)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
