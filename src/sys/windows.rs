//! `sys` on Windows, as the original's `rtmp_sys.h` has it there: `sb_socket` is an `int`
//! holding the SOCKET (callers such as curl and FFmpeg store `(int)sock` in it and read ours
//! back), sockets close with `closesocket`, the socket error is `WSAGetLastError`'s, the clock is
//! `timeGetTime`'s and the home directory is `%HOMEDRIVE%%HOMEPATH%`. Winsock is started by
//! socket2 (through std) before the library makes its first socket; a socket the application
//! hands in was made after its own `WSAStartup`.
#![allow(unsafe_code)]

use std::io::{self, IoSlice};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::windows::io::{AsRawSocket, FromRawSocket, IntoRawSocket};
use std::path::PathBuf;
use windows_sys::Win32::Networking::WinSock as ws;

pub type RawSocket = core::ffi::c_int;
pub const NO_SOCKET: RawSocket = -1;
pub type CSockAddr = ws::SOCKADDR;
pub const DEFAULT_FLASHVER: &[u8; 15] = b"WIN 10,0,32,18\0";
pub const PRINTF_NAN_SIGN: bool = false;
/// msvcrt's EINVAL: the original hands it to `WSASetLastError` (its `SetSockError(EINVAL)`).
pub const INVALID_ARGUMENT: i32 = 22;

/// The SOCKET an `int` holds: sign-extended, so that -1 is INVALID_SOCKET again. Winsock's
/// handles are small numbers, which is why the original's truncation into an `int` works.
fn socket(raw: RawSocket) -> ws::SOCKET {
    raw as isize as ws::SOCKET
}

fn last_error() -> io::Error {
    // SAFETY: reads the calling thread's Winsock error.
    io::Error::from_raw_os_error(unsafe { ws::WSAGetLastError() })
}

pub fn tcp_socket(domain: socket2::Domain) -> io::Result<socket2::Socket> {
    // socket2 makes Windows sockets non-inheritable (WSA_FLAG_NO_HANDLE_INHERIT) by itself.
    socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))
}

pub fn raw(sock: &socket2::Socket) -> RawSocket {
    sock.as_raw_socket() as RawSocket
}

pub fn into_raw(sock: socket2::Socket) -> RawSocket {
    sock.into_raw_socket() as RawSocket
}

/// # Safety
/// `raw` must be an open socket that nothing else will close.
pub unsafe fn from_raw(raw: RawSocket) -> socket2::Socket {
    // SAFETY: per the contract.
    unsafe { socket2::Socket::from_raw_socket(socket(raw) as std::os::windows::io::RawSocket) }
}

pub fn close(raw: RawSocket) -> io::Result<()> {
    // SAFETY: closesocket() on a handle number has no memory effects.
    if unsafe { ws::closesocket(socket(raw)) } == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

pub fn shutdown(raw: RawSocket) {
    // SAFETY: as close(); a socket closed meanwhile fails with WSAENOTSOCK.
    unsafe { ws::shutdown(socket(raw), ws::SD_BOTH) };
}

pub fn shutdown_write(raw: RawSocket) {
    // SAFETY: as shutdown().
    unsafe { ws::shutdown(socket(raw), ws::SD_SEND) };
}

/// Winsock counts in `int`: a larger buffer is filled in part.
fn clamp(len: usize) -> i32 {
    len.min(i32::MAX as usize) as i32
}

pub fn readable_now(raw: RawSocket) -> bool {
    let mut p = ws::WSAPOLLFD { fd: socket(raw), events: ws::POLLRDNORM, revents: 0 };
    // SAFETY: one WSAPOLLFD, valid for the call; a zero timeout never waits.
    unsafe { ws::WSAPoll(&mut p, 1, 0) > 0 }
}

pub fn recv(raw: RawSocket, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is writable for the length given.
    let n = unsafe { ws::recv(socket(raw), buf.as_mut_ptr(), clamp(buf.len()), 0) };
    if n == ws::SOCKET_ERROR {
        Err(last_error())
    } else {
        Ok(n as usize)
    }
}

pub fn send(raw: RawSocket, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is readable for the length given. Windows raises no signal for a lost peer.
    let n = unsafe { ws::send(socket(raw), buf.as_ptr(), clamp(buf.len()), 0) };
    if n == ws::SOCKET_ERROR {
        Err(last_error())
    } else {
        Ok(n as usize)
    }
}

pub fn send_vectored(sock: &socket2::Socket, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // WSASend; the same cap as on Unix keeps one call's array small.
    sock.send_vectored(&bufs[..bufs.len().min(1024)])
}

pub fn set_last_error(code: i32) {
    // SAFETY: sets the calling thread's Winsock error.
    unsafe { ws::WSASetLastError(code) }
}

/// # Safety
/// `sa` must be NULL or point to a socket address of the family its first field names.
pub unsafe fn socket_addr(sa: *const CSockAddr) -> Option<SocketAddr> {
    // SAFETY: per the contract, the family field tells the real type. SOCKADDR_IN and
    // SOCKADDR_IN6 are read as their bytes: the port and the address are in network order.
    unsafe {
        match sa.as_ref()?.sa_family {
            ws::AF_INET => {
                let b = std::slice::from_raw_parts(sa as *const u8, core::mem::size_of::<ws::SOCKADDR_IN>());
                let ip = Ipv4Addr::new(b[4], b[5], b[6], b[7]);
                Some(SocketAddr::new(ip.into(), u16::from_be_bytes([b[2], b[3]])))
            }
            ws::AF_INET6 => {
                let b = std::slice::from_raw_parts(sa as *const u8, core::mem::size_of::<ws::SOCKADDR_IN6>());
                let ip = Ipv6Addr::from(<[u8; 16]>::try_from(&b[8..24]).ok()?);
                Some(SocketAddr::new(ip.into(), u16::from_be_bytes([b[2], b[3]])))
            }
            _ => None,
        }
    }
}

pub fn now_ms() -> u32 {
    // SAFETY: no arguments; milliseconds since Windows started, as the original's RTMP_GetTime.
    unsafe { windows_sys::Win32::Media::timeGetTime() }
}

// Only the SWF cache (crypto builds) asks.
#[cfg_attr(not(feature = "crypto"), allow(dead_code))]
pub fn home_dir() -> Option<PathBuf> {
    // The original reads both (and crashes without HOMEDRIVE); a missing drive is an empty one.
    let path = std::env::var_os("HOMEPATH")?;
    let mut home = std::env::var_os("HOMEDRIVE").unwrap_or_default();
    home.push(path);
    Some(PathBuf::from(home))
}

pub fn quick_ack(_sock: &socket2::Socket) {
    // Windows acknowledges received data without being asked.
}

#[cfg(feature = "crypto")]
pub fn trust_roots() -> Option<Vec<Vec<u8>>> {
    use windows_sys::Win32::Security::Cryptography as cr;
    // The root store of the current user, which includes the machine's roots (what Windows
    // programs and schannel trust). OpenSSL's default paths name a directory of the build machine.
    let name: Vec<u16> = "ROOT\0".encode_utf16().collect();
    let mut certs = Vec::new();
    // SAFETY: a NUL-terminated UTF-16 name; each certificate context is valid until the next call
    // of CertEnumCertificatesInStore, which frees it; the store is closed once.
    unsafe {
        let store = cr::CertOpenSystemStoreW(0, name.as_ptr());
        if store.is_null() {
            log::warn!("TLS: cannot open the Windows ROOT certificate store: {}", io::Error::last_os_error());
            return Some(certs);
        }
        let mut ctx = cr::CertEnumCertificatesInStore(store, core::ptr::null());
        while !ctx.is_null() {
            let c = &*ctx;
            if !c.pbCertEncoded.is_null() {
                certs.push(std::slice::from_raw_parts(c.pbCertEncoded, c.cbCertEncoded as usize).to_vec());
            }
            ctx = cr::CertEnumCertificatesInStore(store, ctx);
        }
        cr::CertCloseStore(store, 0);
    }
    Some(certs)
}
