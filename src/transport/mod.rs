//! Byte transports under the RTMP connection. Plain TCP now; TLS, the HTTP tunnel and SOCKS4 are
//! further variants of the same interface (issue #4), so the connection code has one path.

mod tcp;

pub use tcp::{resolve, Tcp};

use std::io;
use std::time::Duration;

/// What the connection needs from a transport.
pub trait Transport: Send {
    /// Reads what is available (blocking up to the receive timeout). `Ok(0)` is end of stream; a
    /// timeout is an error of kind `TimedOut`.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Writes all of `bufs` in order, as one vectored send where possible.
    fn write_all(&mut self, bufs: &[&[u8]]) -> io::Result<()>;
    /// Sets the send and receive timeouts (`None`: block forever).
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
    /// Wakes any thread blocked on this transport and makes further I/O fail.
    fn shutdown(&self);
    /// The socket underneath (what `RTMP_Socket` reports).
    fn raw_fd(&self) -> i32;
}

/// Whether an I/O error is a timeout (SO_RCVTIMEO/SO_SNDTIMEO report EAGAIN).
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
