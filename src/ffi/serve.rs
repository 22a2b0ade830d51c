//! The server side of `<librtmp/rtmp.h>`: RTMP_TLS_Accept and RTMP_Serve on a socket the
//! application accepted and put in `m_sb.sb_socket`, as rtmpsrv and rtmpsuck do. After
//! RTMP_Serve the handle is connected: RTMP_ReadPacket, RTMP_SendPacket and RTMP_Close work on
//! it as on a client's.
#![allow(non_snake_case)]

use super::abi::rtmp::RTMP;
use super::boundary::guard;
use super::boundary::handle;
use super::registry;
use crate::transport::{Tcp, Transport};
use core::ffi::{c_int, c_void};

/// The socket in `m_sb.sb_socket`, adopted: the library owns it from now on and closes it in
/// RTMP_Close, as the original does.
fn adopt_socket(r: &RTMP, what: &str) -> Option<Tcp> {
    let fd = r.m_sb.sb_socket;
    if fd < 0 {
        log::error!("{what}: no socket (put the accepted socket in m_sb.sb_socket)");
        return None;
    }
    // SAFETY: the application handed this descriptor over by storing it in the struct.
    let sock = unsafe { crate::sys::from_raw(fd) };
    match Tcp::from_socket(sock) {
        Ok(t) => Some(t),
        Err(e) => {
            // `from_socket` consumed the descriptor: the struct must not name it any more.
            log::error!("{what}: unusable socket {fd}: {e}");
            None
        }
    }
}

#[cfg(feature = "crypto")]
fn timeout_of(r: &RTMP) -> Option<std::time::Duration> {
    (r.Link.timeout > 0).then(|| std::time::Duration::from_secs(r.Link.timeout as u64))
}

/// Server side: TLS with the client on the socket in `m_sb.sb_socket`; RTMP_Serve follows.
///
/// The certificate is `ctx`'s (from RTMP_TLS_AllocServerContext). TRUE on success; on failure
/// the socket is closed and `m_sb.sb_socket` is -1.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `ctx` NULL or from `RTMP_TLS_AllocServerContext`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_TLS_Accept(r: *mut RTMP, ctx: *mut c_void) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_TLS_Accept") else { return 0 };
        if ctx.is_null() {
            log::error!("RTMP_TLS_Accept: NULL TLS context");
            return 0;
        }
        #[cfg(feature = "crypto")]
        {
            let Some(tcp) = adopt_socket(r, "RTMP_TLS_Accept") else {
                r.m_sb.sb_socket = -1;
                return 0;
            };
            // SAFETY: `ctx` is an SSL_CTX from RTMP_TLS_AllocServerContext, alive while the
            // application holds it (it frees it only after its connections are done).
            let ctx =
                unsafe { <openssl::ssl::SslContextRef as foreign_types::ForeignTypeRef>::from_ptr(ctx as *mut _) };
            match crate::transport::Tls::accept(tcp, ctx, timeout_of(r)) {
                Ok(t) => {
                    registry::set_accepted(r as *const RTMP as usize, Box::new(t));
                    1
                }
                Err(e) => {
                    log::error!("RTMP_TLS_Accept: {e}");
                    r.m_sb.sb_socket = -1;
                    0
                }
            }
        }
        #[cfg(not(feature = "crypto"))]
        {
            let _ = r;
            log::error!("RTMP_TLS_Accept: this librtmp was built without TLS (CRYPTO=)");
            0
        }
    })
}

/// Server side: the handshake with the client on the socket in `m_sb.sb_socket`.
///
/// Over TLS if RTMP_TLS_Accept ran; simple, FP9 digest, or RTMPE as the client asks. TRUE when the
/// client is handshaked and the handle connected; FALSE with the reason logged otherwise (the
/// socket is then closed).
///
/// # Safety
/// `r` must be NULL or an initialised handle with an accepted socket.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Serve(r: *mut RTMP) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_Serve") else { return 0 };
        let transport: Box<dyn Transport> = match registry::take_accepted(r as *const RTMP as usize) {
            Some(t) if t.raw_socket() == r.m_sb.sb_socket => t,
            stale => {
                // A TLS session for another socket (the struct was reused) is dropped.
                drop(stale);
                match adopt_socket(r, "RTMP_Serve") {
                    Some(t) => Box::new(t),
                    None => {
                        r.m_sb.sb_socket = -1;
                        return 0;
                    }
                }
            }
        };
        super::run::connect_with(r, core::ptr::null_mut(), |s, _| s.serve(transport).is_ok())
    })
}
