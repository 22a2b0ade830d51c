//! `sys` on Linux, Android and other Unix systems: sockets are file descriptors.
#![allow(unsafe_code)]

use std::io::{self, IoSlice};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::path::PathBuf;

pub type RawSocket = libc::c_int;
pub const NO_SOCKET: RawSocket = -1;
pub type CSockAddr = libc::sockaddr;
#[cfg(target_os = "macos")]
pub const DEFAULT_FLASHVER: &[u8; 15] = b"MAC 10,0,32,18\0";
#[cfg(not(target_os = "macos"))]
pub const DEFAULT_FLASHVER: &[u8; 15] = b"LNX 10,0,32,18\0";
pub const PRINTF_NAN_SIGN: bool = true;
pub const INVALID_ARGUMENT: i32 = libc::EINVAL;

pub fn tcp_socket(domain: socket2::Domain) -> io::Result<socket2::Socket> {
    socket2::Socket::new(domain, socket2::Type::STREAM.cloexec(), Some(socket2::Protocol::TCP))
}

pub fn raw(sock: &socket2::Socket) -> RawSocket {
    sock.as_raw_fd()
}

pub fn into_raw(sock: socket2::Socket) -> RawSocket {
    sock.into_raw_fd()
}

/// # Safety
/// `raw` must be an open descriptor that nothing else will close.
pub unsafe fn from_raw(raw: RawSocket) -> socket2::Socket {
    // SAFETY: per the contract.
    unsafe { socket2::Socket::from_raw_fd(raw) }
}

pub fn close(raw: RawSocket) -> io::Result<()> {
    // SAFETY: close() on a descriptor number has no memory effects.
    if unsafe { libc::close(raw) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

pub fn shutdown(raw: RawSocket) {
    // SAFETY: as close(); a descriptor closed meanwhile fails with EBADF or ENOTSOCK.
    unsafe { libc::shutdown(raw, libc::SHUT_RDWR) };
}

pub fn shutdown_write(raw: RawSocket) {
    // SAFETY: as shutdown().
    unsafe { libc::shutdown(raw, libc::SHUT_WR) };
}

pub fn recv(raw: RawSocket, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { libc::recv(raw, buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

pub fn send(raw: RawSocket, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is readable for its length. MSG_NOSIGNAL: EPIPE instead of SIGPIPE.
    let n = unsafe { libc::send(raw, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

pub fn send_vectored(sock: &socket2::Socket, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // sendmsg takes at most IOV_MAX (1024) buffers; the caller sends the rest next time.
    sock.send_vectored_with_flags(&bufs[..bufs.len().min(1024)], libc::MSG_NOSIGNAL)
}

pub fn set_last_error(code: i32) {
    // SAFETY: the calling thread's errno (glibc and musl name its accessor one way, bionic another).
    #[cfg(not(target_os = "android"))]
    unsafe {
        *libc::__errno_location() = code
    };
    #[cfg(target_os = "android")]
    unsafe {
        *libc::__errno() = code
    };
}

/// # Safety
/// `sa` must be NULL or point to a socket address of the family its first field names.
pub unsafe fn socket_addr(sa: *const libc::sockaddr) -> Option<SocketAddr> {
    // SAFETY: per the contract, the family field tells the real type.
    unsafe {
        match sa.as_ref()?.sa_family as libc::c_int {
            libc::AF_INET => {
                let a = &*(sa as *const libc::sockaddr_in);
                Some(SocketAddr::new(Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)).into(), u16::from_be(a.sin_port)))
            }
            libc::AF_INET6 => {
                let a = &*(sa as *const libc::sockaddr_in6);
                Some(SocketAddr::new(Ipv6Addr::from(a.sin6_addr.s6_addr).into(), u16::from_be(a.sin6_port)))
            }
            _ => None,
        }
    }
}

pub fn now_ms() -> u32 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid out-pointer; CLOCK_MONOTONIC exists on every system this builds for.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64).wrapping_mul(1000).wrapping_add(ts.tv_nsec as u64 / 1_000_000) as u32
}

// Only the SWF cache (crypto builds) asks.
#[cfg_attr(not(feature = "crypto"), allow(dead_code))]
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

pub fn readable_now(raw: RawSocket) -> bool {
    let mut p = libc::pollfd { fd: raw, events: libc::POLLIN, revents: 0 };
    // SAFETY: one pollfd, valid for the call; a zero timeout never waits.
    unsafe { libc::poll(&mut p, 1, 0) > 0 }
}

pub fn quick_ack(sock: &socket2::Socket) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = sock.set_quickack(true);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = sock;
}

#[cfg(feature = "crypto")]
pub fn trust_roots() -> Option<Vec<Vec<u8>>> {
    // OpenSSL's default paths are the system's store (SSL_CERT_FILE, SSL_CERT_DIR apply).
    None
}
