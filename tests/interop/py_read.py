#!/usr/bin/python3
"""Reads an RTMP stream with python3-librtmp (cffi over librtmp.so.1: RTMP_Connect,
RTMP_ConnectStream, RTMP_Read) and writes the FLV bytes to a file. Run it with Debian's
/usr/bin/python3, which is where python3-librtmp is installed.

  py_read.py URL OUTFILE [--live] [--timeout SECS] [--pause-after BYTES]

--pause-after: after that many bytes, pause and unpause the stream (RTMP_Pause 1 then 0) and read
on; the output must still be the whole stream.

Exit 0 when the stream was opened and read to its end, 1 on a librtmp error (the message on
stderr). The byte count and librtmp's version go to stdout.
"""
import sys
import time

import librtmp


def main(argv):
    args, live, timeout, pause_after = [], False, None, None
    i = 0
    while i < len(argv):
        if argv[i] == '--live':
            live = True
        elif argv[i] == '--timeout':
            i += 1
            timeout = int(argv[i])
        elif argv[i] == '--pause-after':
            i += 1
            pause_after = int(argv[i])
        else:
            args.append(argv[i])
        i += 1
    if len(args) != 2:
        sys.exit(__doc__)
    url, path = args
    t0 = time.monotonic()
    total = 0
    try:
        conn = librtmp.RTMP(url, live=live or None, timeout=timeout)
        conn.connect()
        stream = conn.create_stream()
        with open(path, 'wb') as f:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    break
                f.write(chunk)
                total += len(chunk)
                if pause_after is not None and total >= pause_after:
                    pause_after = None
                    stream.pause()
                    stream.unpause()
        stream.close()
    except (librtmp.RTMPError, IOError) as e:
        print('py_read: %s: %s after %d bytes, %.2fs' % (type(e).__name__, e, total,
                                                       time.monotonic() - t0), file=sys.stderr)
        return 1
    print('py_read: %d bytes in %.2fs (librtmp version 0x%06x)' % (
        total, time.monotonic() - t0, librtmp.librtmp_version))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
