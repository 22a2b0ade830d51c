#!/usr/bin/python3
"""tls_front.py CERT KEY LISTEN_PORT TARGET_PORT [1.2]: terminates TLS on 127.0.0.1:LISTEN_PORT and
relays the plain bytes to 127.0.0.1:TARGET_PORT, a connection at a time each way. What nginx's
stream module does for rtmps, small enough to run inside a network namespace next to a server
that has no TLS of its own (rtmpsrv). With 1.2, TLS 1.3 is not offered (Debian's librtmp, on
GnuTLS, fails a TLS 1.3 handshake)."""
import socket
import ssl
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    cert, key, port, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if sys.argv[5:] == ['1.2']:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', port))
    ls.listen(8)
    while True:
        conn, _ = ls.accept()
        try:
            front = ctx.wrap_socket(conn, server_side=True)
            back = socket.create_connection(('127.0.0.1', target), timeout=10)
            back.settimeout(None)
        except (OSError, ssl.SSLError) as e:
            print(f'tls_front: {e}', file=sys.stderr, flush=True)
            conn.close()
            continue
        threading.Thread(target=pump, args=(front, back), daemon=True).start()
        threading.Thread(target=pump, args=(back, front), daemon=True).start()


if __name__ == '__main__':
    main()
