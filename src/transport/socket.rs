//! The blocking socket under TCP and TLS. Its receive and send timeouts are cut into slices of
//! at most a quarter second, so that a thread blocked on it sees the user's interrupt
//! (`RTMP_UserInterrupt`, `RTMP_ctrlC`) soon after it is set, whether or not a signal came with
//! it: a signal handler installed with SA_RESTART, a handler on another thread (Windows' console
//! handler) or a flag set by a watchdog thread all end the wait. The caller still sees its own
//! timeout: slices that time out are taken again until the whole timeout has passed.
//!
//! A message goes out in several sends when the socket takes it in parts: the send timeout is
//! one clock for all of them (`begin_send` starts it again), so that a peer that takes a few
//! bytes now and then cannot stretch a write to many times its timeout.

use crate::sys;
use socket2::Socket;
use std::cell::Cell;
use std::io::{self, IoSlice, IoSliceMut, Read};
use std::time::{Duration, Instant};

/// The longest a blocked call goes without looking at the interrupt flag.
const SLICE: Duration = Duration::from_millis(250);

pub(crate) fn interrupted_error() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "interrupted by the user")
}

#[derive(Debug)]
pub(crate) struct Sock {
    sock: Socket,
    /// The timeout the caller asked for (`None`: wait forever).
    timeout: Option<Duration>,
    interrupted: fn() -> bool,
    /// When the sends of the current message began to wait (see `wait`).
    send_since: Cell<Option<Instant>>,
}

impl Sock {
    pub(crate) fn new(sock: Socket) -> Sock {
        Sock { sock, timeout: None, interrupted: || false, send_since: Cell::new(None) }
    }

    pub(crate) fn socket(&self) -> &Socket {
        &self.sock
    }

    /// The socket itself, its timeouts whole again: whoever reads it next (an application between
    /// RTMP_Connect0 and RTMP_Connect1) waits as long as it was asked to, not a slice.
    pub(crate) fn into_socket(self) -> Socket {
        let _ = self.sock.set_read_timeout(self.timeout);
        let _ = self.sock.set_write_timeout(self.timeout);
        self.sock
    }

    pub(crate) fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.interrupted = interrupted;
    }

    /// Whether the user has interrupted.
    pub(crate) fn interrupted(&self) -> bool {
        (self.interrupted)()
    }

    /// Sets the receive and send timeouts (`None` or zero: wait forever).
    pub(crate) fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let t = timeout.filter(|d| !d.is_zero());
        self.set_slices(t.map_or(SLICE, |t| t.min(SLICE)))?;
        self.timeout = t;
        Ok(())
    }

    /// The next send begins a message: its wait is counted from nothing again.
    pub(crate) fn begin_send(&self) {
        self.send_since.set(None);
    }

    /// Runs a blocking call again after each slice that timed out or a signal that woke it,
    /// until it succeeds, fails otherwise, the whole timeout has passed (its timeout error is
    /// returned) or the user interrupts (an error of kind `Interrupted`). `since` is when the
    /// wait began (the first slice that ran out), kept across calls that share one timeout.
    fn wait<T>(&self, since: &Cell<Option<Instant>>, mut call: impl FnMut(&Socket) -> io::Result<T>) -> io::Result<T> {
        loop {
            let e = match call(&self.sock) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted || super::is_timeout(&e) => e,
                r => return r,
            };
            if (self.interrupted)() {
                return Err(interrupted_error());
            }
            if super::is_timeout(&e) {
                let Some(timeout) = self.timeout else { continue };
                if timeout <= SLICE {
                    return Err(e);
                }
                // Read the clock only once a slice ran out: calls that do not wait pay nothing.
                let start = since.get().unwrap_or_else(|| Instant::now() - SLICE);
                since.set(Some(start));
                let left = timeout.saturating_sub(start.elapsed());
                if left < Duration::from_millis(1) {
                    return Err(e);
                }
                if left < SLICE {
                    // The last piece, no longer than what is left; then slices again.
                    self.set_slices(left)?;
                    let r = call(&self.sock);
                    self.set_slices(SLICE)?;
                    return match r {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted && !(self.interrupted)() => {
                            Err(io::Error::new(io::ErrorKind::TimedOut, e))
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(interrupted_error()),
                        r => r,
                    };
                }
            }
        }
    }

    fn set_slices(&self, slice: Duration) -> io::Result<()> {
        self.sock.set_read_timeout(Some(slice))?;
        self.sock.set_write_timeout(Some(slice))
    }

    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.wait(&Cell::new(None), |mut s| s.read(buf))
    }

    pub(crate) fn read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.wait(&Cell::new(None), |mut s| s.read_vectored(bufs))
    }

    /// One send (as much as the socket takes); a peer that went away is an error, never SIGPIPE.
    #[cfg(feature = "crypto")]
    pub(crate) fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.wait(&self.send_since, |s| sys::send(sys::raw(s), buf))
    }

    /// One vectored send of `bufs` in order, as `send`.
    pub(crate) fn send_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.wait(&self.send_since, |s| sys::send_vectored(s, bufs))
    }

    pub(crate) fn shutdown(&self) {
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
    }

    pub(crate) fn raw(&self) -> sys::RawSocket {
        sys::raw(&self.sock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);

    fn pair() -> (Sock, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (peer, _) = l.accept().unwrap();
        (Sock::new(Socket::from(c)), peer)
    }

    #[test]
    fn a_timeout_longer_than_a_slice_is_kept_whole() {
        let (mut s, _peer) = pair();
        s.set_timeout(Some(Duration::from_millis(900))).unwrap();
        let start = Instant::now();
        let e = s.read(&mut [0u8; 4]).unwrap_err();
        let took = start.elapsed();
        assert!(super::super::is_timeout(&e), "{e:?}");
        assert!(took >= Duration::from_millis(850) && took < Duration::from_millis(1150), "{took:?}");
    }

    #[test]
    fn a_socket_given_back_has_its_whole_timeout() {
        let (mut s, _peer) = pair();
        s.set_timeout(Some(Duration::from_secs(7))).unwrap();
        // The kernel keeps timeouts in its clock ticks: compare to within 10 ms.
        let slice = s.socket().read_timeout().unwrap().unwrap();
        assert!(slice.abs_diff(SLICE) < Duration::from_millis(10), "{slice:?}");
        let whole = s.into_socket().read_timeout().unwrap().unwrap();
        assert!(whole.abs_diff(Duration::from_secs(7)) < Duration::from_millis(10), "{whole:?}");
    }

    /// A message that goes out in parts, each part after a wait shorter than the timeout (a peer
    /// that takes a little now and then): the timeout bounds the sends of the message together,
    /// where each send counting its own would go on as long as the peer trickles.
    #[test]
    fn one_timeout_for_all_the_sends_of_a_message() {
        let (mut s, _peer) = pair();
        s.set_timeout(Some(Duration::from_millis(1000))).unwrap();
        // Each send: two slices that time out (as the kernel's SO_SNDTIMEO would), then a part.
        let send = |n: &mut u32| {
            *n += 1;
            if *n % 3 == 0 {
                Ok(100)
            } else {
                std::thread::sleep(SLICE);
                Err(io::Error::from(io::ErrorKind::WouldBlock))
            }
        };
        let mut n = 0;
        s.begin_send();
        let start = Instant::now();
        let mut parts = 0;
        let e = loop {
            match s.wait(&s.send_since, |_| send(&mut n)) {
                Ok(_) => parts += 1,
                Err(e) => break e,
            }
            assert!(parts < 8, "{parts} parts in {:?}: the timeout was counted per send", start.elapsed());
        };
        assert!(super::super::is_timeout(&e), "{e:?}");
        assert!(start.elapsed() < Duration::from_millis(1400), "{:?}", start.elapsed());
        // The next message has its whole timeout again.
        s.begin_send();
        assert!(s.wait(&s.send_since, |_| send(&mut n)).is_ok());
    }

    #[test]
    fn a_flag_set_without_a_signal_ends_a_wait_within_a_slice() {
        let (mut s, _peer) = pair();
        s.set_interrupt(|| STOP.load(Ordering::SeqCst));
        s.set_timeout(None).unwrap();
        let setter = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            STOP.store(true, Ordering::SeqCst);
        });
        let start = Instant::now();
        let e = s.read(&mut [0u8; 4]).unwrap_err();
        setter.join().unwrap();
        assert_eq!(e.kind(), io::ErrorKind::Interrupted);
        assert!(start.elapsed() < Duration::from_millis(700), "{:?}", start.elapsed());
    }
}
