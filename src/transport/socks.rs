//! SOCKS4 (`socks=host:port`): on a connection to the proxy, asks it to connect on to the RTMP
//! server, as librtmp does — the server's IPv4 address resolved here, no user id. A server name
//! with no IPv4 address goes to the proxy as a name (SOCKS4a), which librtmp could not do.

use super::{resolve, Transport};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// The proxy's answers (the second byte of its reply), as RFC-less SOCKS4 names them.
fn reply_meaning(code: u8) -> &'static str {
    match code {
        91 => "request rejected or failed",
        92 => "rejected: the proxy cannot reach the client's identd",
        93 => "rejected: identd reports another user",
        _ => "unknown reply",
    }
}

/// Negotiates the tunnel to `host:port` through the proxy `t` is connected to.
pub fn socks4_connect(
    t: &mut dyn Transport,
    host: &str,
    port: u16,
    timeout: Duration,
    interrupted: &dyn Fn() -> bool,
) -> io::Result<()> {
    let v4 = resolve(host, port, timeout, interrupted).ok().and_then(|addrs| {
        addrs.into_iter().find_map(|a| match a {
            SocketAddr::V4(a) => Some(*a.ip()),
            SocketAddr::V6(_) => None,
        })
    });
    let mut req = vec![4u8, 1];
    req.extend_from_slice(&port.to_be_bytes());
    match v4 {
        Some(ip) => {
            req.extend_from_slice(&ip.octets());
            req.push(0);
        }
        None if host.parse::<std::net::IpAddr>().is_ok() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("SOCKS4 cannot reach the IPv6 address {host}"),
            ));
        }
        None => {
            // SOCKS4a: 0.0.0.x, an empty user id, then the name for the proxy to resolve.
            req.extend_from_slice(&[0, 0, 0, 1, 0]);
            req.extend_from_slice(host.as_bytes());
            req.push(0);
        }
    }
    t.write_all(&[&req])?;
    let mut reply = [0u8; 8];
    let mut got = 0;
    while got < reply.len() {
        match t.read(&mut reply[got..]) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the SOCKS proxy closed the connection")),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted && !interrupted() => {}
            Err(e) => return Err(e),
        }
    }
    if reply[0] != 0 || reply[1] != 90 {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!("the SOCKS proxy answered {} ({}) to CONNECT {host}:{port}", reply[1], reply_meaning(reply[1])),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::IoSlice;

    struct Proxy {
        reply: Vec<u8>,
        sent: Vec<u8>,
    }

    impl Transport for Proxy {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            // One byte at a time: the reply may come in pieces.
            if self.reply.is_empty() {
                return Ok(0);
            }
            buf[0] = self.reply.remove(0);
            Ok(1)
        }
        fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], _: usize) -> io::Result<()> {
            bufs.iter().for_each(|b| self.sent.extend_from_slice(b));
            Ok(())
        }
        fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
            Ok(())
        }
        fn shutdown(&self) {}
        fn raw_socket(&self) -> crate::sys::RawSocket {
            crate::sys::NO_SOCKET
        }
    }

    #[test]
    fn connect_request_and_replies() {
        let t = Duration::from_secs(1);
        let mut p = Proxy { reply: vec![0, 90, 0, 0, 0, 0, 0, 0], sent: Vec::new() };
        socks4_connect(&mut p, "10.1.2.3", 1935, t, &|| false).unwrap();
        assert_eq!(p.sent, [4, 1, 0x07, 0x8f, 10, 1, 2, 3, 0]);

        let mut p = Proxy { reply: vec![0, 91, 0, 0, 0, 0, 0, 0], sent: Vec::new() };
        let e = socks4_connect(&mut p, "10.1.2.3", 1935, t, &|| false).unwrap_err();
        assert!(e.to_string().contains("answered 91 (request rejected or failed)"), "{e}");

        let mut p = Proxy { reply: vec![0, 90, 0], sent: Vec::new() };
        assert_eq!(
            socks4_connect(&mut p, "10.1.2.3", 1935, t, &|| false).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );

        let mut p = Proxy { reply: vec![0, 90, 0, 0, 0, 0, 0, 0], sent: Vec::new() };
        assert_eq!(socks4_connect(&mut p, "::1", 1935, t, &|| false).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        assert!(p.sent.is_empty());
    }
}
