//! Byte transports under the RTMP connection: plain TCP and TLS over it (rtmps); the HTTP tunnel
//! and SOCKS4 are further variants of the same interface, so the connection code has one path.

mod http;
mod http_server;
mod rc4;
mod socket;
mod socks;
mod tcp;
#[cfg(feature = "crypto")]
mod tls;

pub use http::{HttpState, HttpTunnel};
pub use http_server::HttpServerTunnel;
pub use rc4::Rc4Transport;
pub use socks::socks4_connect;
pub use tcp::{resolve, Tcp};
#[cfg(feature = "crypto")]
pub use tls::Tls;

/// How an rtmps connection checks the server's certificate (the `tlsVerify`, `cafile` and
/// `capath` options).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsConfig {
    pub verify: bool,
    /// A PEM file of trusted certificates instead of the system store.
    pub ca_file: Option<String>,
    /// A directory of hashed certificates (c_rehash) instead of the system store.
    pub ca_path: Option<String>,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig { verify: true, ca_file: None, ca_path: None }
    }
}

use std::io;
use std::time::Duration;

/// What the connection needs from a transport.
pub trait Transport: Send {
    /// Reads what is available (blocking up to the receive timeout). `Ok(0)` is end of stream; a
    /// timeout is an error of kind `TimedOut`.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Reads into several buffers in order, in one call where the transport can (readv): how a
    /// message's payload lands in its destination without passing through the read buffer.
    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        match bufs.iter_mut().find(|b| !b.is_empty()) {
            Some(b) => self.read(b),
            None => Ok(0),
        }
    }
    /// Writes all of `bufs` in order, as one vectored send where possible.
    fn write_all(&mut self, bufs: &[&[u8]]) -> io::Result<()> {
        let mut slices: Vec<io::IoSlice<'_>> = bufs.iter().map(|b| io::IoSlice::new(b)).collect();
        let len = bufs.iter().map(|b| b.len()).sum();
        self.write_vectored_all(&mut slices, len)
    }
    /// Writes all of `bufs` (`len` bytes together) in order with as few sends as the system
    /// allows; `bufs` is used up.
    fn write_vectored_all(&mut self, bufs: &mut [io::IoSlice<'_>], len: usize) -> io::Result<()>;
    /// The sends that follow carry one message: the send timeout counts for all of them together.
    fn begin_send(&mut self) {}
    /// What a send that a signal interrupted asks before it goes on: when `interrupted` says so
    /// (RTMP_UserInterrupt), the send gives up instead (reads are the connection's to check).
    fn set_interrupt(&mut self, _interrupted: fn() -> bool) {}
    /// Bytes received and held inside the transport, not yet returned by `read` (TLS records,
    /// HTTP tunnel bodies): a caller that polls the socket before reading must count them too.
    fn buffered(&self) -> usize {
        0
    }
    /// The server handshake is over (the RTMPT server end then lets a read that only answered an
    /// idle poll end with a timeout, so that the application can write).
    fn handshake_done(&mut self) {}
    /// Sets the send and receive timeouts (`None`: block forever).
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
    /// Wakes any thread blocked on this transport and makes further I/O fail.
    fn shutdown(&self);
    /// The socket underneath (what `RTMP_Socket` reports).
    fn raw_socket(&self) -> crate::sys::RawSocket;
    /// Tells the peer the session ends, where the transport has a way (the HTTP tunnel's /close).
    fn close_notify(&mut self) {}
    /// The HTTP tunnel's state, for a tunnel.
    fn http_state(&self) -> Option<HttpState> {
        None
    }
}

/// A placeholder while a transport is being wrapped in another: every call fails.
pub struct Closed;

impl Transport for Closed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::NotConnected.into())
    }
    fn write_vectored_all(&mut self, _: &mut [io::IoSlice<'_>], _: usize) -> io::Result<()> {
        Err(io::ErrorKind::NotConnected.into())
    }
    fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
    fn shutdown(&self) {}
    fn raw_socket(&self) -> crate::sys::RawSocket {
        crate::sys::NO_SOCKET
    }
}

/// Whether an I/O error is a timeout (SO_RCVTIMEO/SO_SNDTIMEO report EAGAIN).
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
