//! The operating system, in one place (the part `rtmp_sys.h` played in the original): the raw
//! socket type the C struct holds, closing and shutting sockets down, sends that never raise
//! SIGPIPE, the socket error, socket addresses, the clock, the home directory, TCP quick-ack.
//! Everything above it speaks of these, never of `libc` or `std::os`; a platform is a file here
//! (`unix.rs`, `windows.rs`), and nothing else in the crate names one.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as os;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::path::PathBuf;

/// A socket as the C API holds it (`m_sb.sb_socket`, `RTMP_Socket`).
pub type RawSocket = os::RawSocket;
/// What `m_sb.sb_socket` holds when there is no socket.
pub const NO_SOCKET: RawSocket = os::NO_SOCKET;
/// The C `struct sockaddr` (`RTMP_Connect0`'s argument).
pub type CSockAddr = os::CSockAddr;
/// The Flash Player version a client announces unless told otherwise (`RTMP_DefaultFlashVer`):
/// the original's, whose first word names the operating system. NUL-terminated.
pub const DEFAULT_FLASHVER: &[u8; 15] = os::DEFAULT_FLASHVER;
/// The error code the C API reports for a bad argument (errno EINVAL where there is errno).
pub const INVALID_ARGUMENT: i32 = os::INVALID_ARGUMENT;

/// A new TCP socket for `domain`, not inherited by child processes.
pub fn tcp_socket(domain: socket2::Domain) -> io::Result<socket2::Socket> {
    os::tcp_socket(domain)
}

/// The raw socket under `sock`, which keeps owning it.
pub fn raw(sock: &socket2::Socket) -> RawSocket {
    os::raw(sock)
}

/// Gives up the ownership of `sock`: the raw socket is the caller's to close.
pub fn into_raw(sock: socket2::Socket) -> RawSocket {
    os::into_raw(sock)
}

/// Takes ownership of a raw socket (dropping the result closes it).
///
/// # Safety
/// `raw` must be an open socket that nothing else will close.
#[allow(unsafe_code)]
pub unsafe fn from_raw(raw: RawSocket) -> socket2::Socket {
    // SAFETY: per the contract.
    unsafe { os::from_raw(raw) }
}

/// Closes a raw socket the library owns; the result is close()'s.
pub fn close(raw: RawSocket) -> io::Result<()> {
    os::close(raw)
}

/// Ends both directions of a raw socket: any thread blocked on it returns at once. Harmless on
/// a socket closed meanwhile (the call fails, and is ignored).
pub fn shutdown(raw: RawSocket) {
    os::shutdown(raw)
}

/// Ends the sending half only: the peer reads the end of the stream, and we can still read its
/// answer to it.
pub fn shutdown_write(raw: RawSocket) {
    os::shutdown_write(raw)
}

/// Receives what the socket has, into `buf`: the count (0 at the end of the stream).
pub fn recv(raw: RawSocket, buf: &mut [u8]) -> io::Result<usize> {
    os::recv(raw, buf)
}

/// Whether a read on the socket would not block now (data, the end of the stream, or an error
/// waits): a look without waiting, for a publisher that otherwise never reads.
pub fn readable_now(raw: RawSocket) -> bool {
    os::readable_now(raw)
}

/// Sends `buf` on a raw socket; a peer that went away is an error, never a signal.
pub fn send(raw: RawSocket, buf: &[u8]) -> io::Result<usize> {
    os::send(raw, buf)
}

/// Sends `bufs` in order with one call (as much as the socket takes), never raising a signal.
pub fn send_vectored(sock: &socket2::Socket, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    os::send_vectored(sock, bufs)
}

/// Sets the calling thread's error code, where C callers look for it (errno).
pub fn set_last_error(code: i32) {
    os::set_last_error(code)
}

/// The address a C `struct sockaddr` holds, if it is IPv4 or IPv6.
///
/// # Safety
/// `sa` must be NULL or point to a socket address of the family its first field names.
#[allow(unsafe_code)]
pub unsafe fn socket_addr(sa: *const CSockAddr) -> Option<SocketAddr> {
    // SAFETY: per the contract.
    unsafe { os::socket_addr(sa) }
}

/// Milliseconds on the system's monotonic clock, wrapping at 2^32 (`RTMP_GetTime`, the
/// handshake's uptime): an arbitrary origin, as the original's, only differences count.
pub fn now_ms() -> u32 {
    os::now_ms()
}

/// The user's home directory (where `~/.swfinfo` lives), if the environment names one.
// Only the SWF cache (crypto builds) asks.
#[cfg_attr(not(feature = "crypto"), allow(dead_code))]
pub fn home_dir() -> Option<PathBuf> {
    os::home_dir()
}

/// The C library's `atoi` of `s` (up to a NUL), for the original's port numbers: where the value
/// overflows an int, C libraries differ (glibc cuts strtol's long to an int, msvcrt adds the
/// digits up in an int, wrapping), and the original gets its own C library's answer.
#[allow(unsafe_code)]
pub fn atoi(s: &[u8]) -> i32 {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    let mut c = Vec::with_capacity(end + 1);
    c.extend_from_slice(&s[..end]);
    c.push(0);
    // SAFETY: a NUL-terminated string.
    unsafe { libc::atoi(c.as_ptr().cast()) }
}

/// Whether the C library's printf writes a NaN's sign (`-nan`), as glibc does; mingw-w64's, which
/// the original is built with on Windows, writes `nan` either way.
pub const PRINTF_NAN_SIGN: bool = os::PRINTF_NAN_SIGN;

/// Asks the kernel to acknowledge the next received data at once (TCP_QUICKACK), where it can.
pub fn quick_ack(sock: &socket2::Socket) {
    os::quick_ack(sock)
}

/// The certificates of the system's trust store, in DER, where OpenSSL's default paths do not
/// reach it (Windows keeps its roots in the certificate store); `None` where they do.
#[cfg(feature = "crypto")]
pub fn trust_roots() -> Option<Vec<Vec<u8>>> {
    os::trust_roots()
}
