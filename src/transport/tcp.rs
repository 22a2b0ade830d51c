//! TCP: name resolution and connecting within a deadline (IPv6 and IPv4, Happy Eyeballs when a
//! host has both), TCP_NODELAY, and sends that never raise SIGPIPE in the host process.

use super::socket::{interrupted_error, Sock};
use super::Transport;
use crate::sys;
use socket2::{Domain, SockAddr, Socket};
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// RFC 8305's "Connection Attempt Delay": how long one address gets before the next one starts.
const ATTEMPT_DELAY: Duration = Duration::from_millis(250);
/// How often a blocked connect looks at the user's interrupt flag.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub struct Tcp {
    sock: Sock,
    /// Reads left that acknowledge at once (see `read`).
    quick_acks: u8,
}

/// The first reads of a connection (handshake, connect, createStream, play) ask for an immediate
/// ACK: servers such as nginx-rtmp send their replies in several small writes with Nagle on, so
/// each waits for the ACK of the last, which a client with nothing to send delays by 40 ms.
const QUICK_ACK_READS: u8 = 32;

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_string())
}

/// Resolves `host:port` within `timeout`. getaddrinfo cannot be cancelled, so it runs on a helper
/// thread that is abandoned (and finishes on its own) if the deadline passes first.
pub fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
    interrupted: &dyn Fn() -> bool,
) -> io::Result<Vec<SocketAddr>> {
    // Literal addresses need no resolver.
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    std::thread::Builder::new().name("rtmp-resolve".into()).spawn(move || {
        let _ = tx.send((name.as_str(), port).to_socket_addrs().map(|a| a.collect::<Vec<_>>()));
    })?;
    let deadline = Instant::now() + timeout;
    loop {
        if interrupted() {
            return Err(interrupted_error());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out(&format!("resolving {host} took longer than {} s", timeout.as_secs())));
        }
        match rx.recv_timeout(left.min(POLL_INTERVAL)) {
            Ok(Ok(addrs)) if !addrs.is_empty() => return Ok(addrs),
            Ok(Ok(_)) => return Err(io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"))),
            Ok(Err(e)) => return Err(io::Error::new(e.kind(), format!("cannot resolve {host}: {e}"))),
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(io::Error::other("resolver thread failed")),
        }
    }
}

/// Orders addresses as RFC 8305 asks: families alternate, starting with the resolver's first choice.
fn interleave(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let first_v6 = addrs.first().is_some_and(SocketAddr::is_ipv6);
    let (mut a, mut b): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|s| s.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(a.len() + b.len());
    a.reverse();
    b.reverse();
    while !a.is_empty() || !b.is_empty() {
        out.extend(a.pop());
        out.extend(b.pop());
    }
    out
}

fn configure(sock: &Socket) -> io::Result<()> {
    sock.set_nodelay(true)?;
    Ok(())
}

fn attempt(addr: SocketAddr, timeout: Duration) -> io::Result<Socket> {
    let sock = sys::tcp_socket(Domain::for_address(addr))?;
    sock.connect_timeout(&SockAddr::from(addr), timeout)?;
    configure(&sock)?;
    Ok(sock)
}

impl Tcp {
    /// Connects to the first reachable address of `host`, racing the address families (Happy
    /// Eyeballs) so a broken IPv6 path costs 250 ms, not a timeout. The whole call, resolution
    /// included, ends within `timeout`.
    pub fn connect(host: &str, port: u16, timeout: Duration, interrupted: &dyn Fn() -> bool) -> io::Result<Tcp> {
        let start = Instant::now();
        let addrs = interleave(resolve(host, port, timeout, interrupted)?);
        let deadline = start + timeout;
        Self::connect_addrs(&addrs, deadline, interrupted).map_err(|e| {
            if e.kind() == io::ErrorKind::TimedOut {
                timed_out(&format!("connecting to {host}:{port} took longer than {} s", timeout.as_secs()))
            } else {
                e
            }
        })
    }

    /// Connects to one of `addrs` before `deadline` (attempts staggered, first success wins). Attempts
    /// run on helper threads so the caller can give up at the deadline or on the user's interrupt.
    pub fn connect_addrs(addrs: &[SocketAddr], deadline: Instant, interrupted: &dyn Fn() -> bool) -> io::Result<Tcp> {
        let (tx, rx) = mpsc::channel::<io::Result<Socket>>();
        let mut next = 0;
        let mut running = 0;
        let mut last_err: Option<io::Error> = None;
        let mut next_start = Instant::now();
        loop {
            if interrupted() {
                return Err(interrupted_error());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(last_err.filter(|_| running == 0).unwrap_or_else(|| timed_out("connect")));
            }
            if next < addrs.len() && (now >= next_start || running == 0) {
                let addr = addrs[next];
                let left = deadline - now;
                let tx = tx.clone();
                log::debug!("connecting to {addr}");
                std::thread::Builder::new().name("rtmp-connect".into()).spawn(move || {
                    let _ = tx.send(attempt(addr, left).map_err(|e| io::Error::new(e.kind(), format!("{addr}: {e}"))));
                })?;
                next += 1;
                running += 1;
                next_start = now + ATTEMPT_DELAY;
            }
            if running == 0 && next >= addrs.len() {
                return Err(last_err.unwrap_or_else(|| io::Error::other("no address to connect to")));
            }
            let wake = if next < addrs.len() { next_start.min(deadline) } else { deadline };
            let wait = wake.saturating_duration_since(Instant::now()).min(POLL_INTERVAL);
            match rx.recv_timeout(wait) {
                Ok(Ok(sock)) => return Ok(Tcp::new(sock)),
                Ok(Err(e)) => {
                    log::debug!("connect attempt failed: {e}");
                    running -= 1;
                    last_err = Some(e);
                    // A failure starts the next address at once.
                    next_start = Instant::now();
                }
                Err(_) => {}
            }
        }
    }

    /// Adopts a socket the application connected itself (curl's `RTMP_Connect1` path).
    pub fn from_socket(sock: Socket) -> io::Result<Tcp> {
        // curl hands over a blocking socket; make sure, and set what the library relies on.
        sock.set_nonblocking(false)?;
        let _ = configure(&sock);
        Ok(Tcp::new(sock))
    }

    fn new(sock: Socket) -> Tcp {
        Tcp { sock: Sock::new(sock), quick_acks: QUICK_ACK_READS }
    }

    fn quick_ack(&mut self) {
        if self.quick_acks > 0 {
            self.quick_acks -= 1;
            sys::quick_ack(self.sock.socket());
        }
    }

    /// Gives the socket back without closing it.
    pub fn into_socket(self) -> Socket {
        self.sock.into_socket()
    }

    /// The socket with its timeouts and interrupt, for a transport layered on it (TLS).
    #[cfg(feature = "crypto")]
    pub(crate) fn into_sock(self) -> Sock {
        self.sock
    }
}

impl Transport for Tcp {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.quick_ack();
        self.sock.read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.quick_ack();
        self.sock.read_vectored(bufs)
    }

    fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
        let mut rest = bufs;
        let mut left = len;
        while left > 0 {
            let n = match self.sock.send_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => n,
                Err(e) => return Err(e),
            };
            left = left.saturating_sub(n);
            // A blocking socket usually takes everything at once: only a partial send needs the
            // walk over the buffers. A signal that came after some bytes went makes the send
            // return short instead of failing: the user's interrupt is looked at there too.
            if left > 0 {
                if self.sock.interrupted() {
                    return Err(interrupted_error());
                }
                IoSlice::advance_slices(&mut rest, n);
            }
        }
        Ok(())
    }

    fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.sock.set_interrupt(interrupted);
    }

    fn begin_send(&mut self) {
        self.sock.begin_send();
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.sock.set_timeout(timeout)
    }

    fn shutdown(&self) {
        self.sock.shutdown();
    }

    fn raw_socket(&self) -> sys::RawSocket {
        self.sock.raw()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn interleaves_families() {
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(interleave(vec![v6, v6, v4]), vec![v6, v4, v6]);
        assert_eq!(interleave(vec![v4, v6, v6]), vec![v4, v6, v6]);
    }

    #[test]
    fn connects_reads_writes_and_times_out() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let mut t = Tcp::connect("127.0.0.1", port, Duration::from_secs(5), &|| false).unwrap();
        let (mut peer, _) = l.accept().unwrap();
        t.set_timeout(Some(Duration::from_millis(100))).unwrap();
        t.write_all(&[b"ab", b"", b"cd"]).unwrap();
        let mut got = [0u8; 4];
        peer.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"abcd");
        let mut buf = [0u8; 8];
        let start = Instant::now();
        let e = t.read(&mut buf).unwrap_err();
        assert!(super::super::is_timeout(&e), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(2));
        drop(peer);
        assert_eq!(t.read(&mut buf).unwrap(), 0);
        // Writing to a closed peer is an error, not SIGPIPE (the test process would die).
        let mut failed = false;
        for _ in 0..100 {
            if t.write_all(&[&[0u8; 65536]]).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed);
    }

    #[test]
    fn refused_and_unresolvable() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        assert!(Tcp::connect("127.0.0.1", port, Duration::from_secs(2), &|| false).is_err());
        assert!(Tcp::connect("host.invalid", 1935, Duration::from_secs(5), &|| false).is_err());
        assert_eq!(
            Tcp::connect("127.0.0.1", port, Duration::from_secs(2), &|| true).map(|_| ()).unwrap_err().kind(),
            io::ErrorKind::Interrupted
        );
    }

    #[test]
    fn happy_eyeballs_skips_a_dead_address() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let good = l.local_addr().unwrap();
        let dead = TcpListener::bind("127.0.0.1:0").unwrap();
        let bad = dead.local_addr().unwrap();
        drop(dead);
        let t = Tcp::connect_addrs(&[bad, good], Instant::now() + Duration::from_secs(3), &|| false).unwrap();
        assert_ne!(t.raw_socket(), sys::NO_SOCKET);
    }
}
