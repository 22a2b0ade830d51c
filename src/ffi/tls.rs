//! TLS pieces the C API exposes: the global context and server contexts for `RTMP_TLS_Accept`.
#![allow(non_snake_case)]

use super::boundary::guard;
use core::ffi::{c_char, c_void};
#[cfg(feature = "crypto")]
use std::ptr::addr_of_mut;

/// Fills `RTMP_TLS_ctx` once with an OpenSSL client context. Thread-safe: concurrent first calls
/// create it once.
pub fn init_global_context() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(feature = "crypto")]
        {
            match openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls_client()) {
                Ok(b) => {
                    // No trust store is loaded here: connections verify with contexts of their
                    // own, and reading the system bundle in every RTMP_Init would cost milliseconds.
                    let ctx = b.build();
                    let raw = foreign_types::ForeignType::as_ptr(&ctx) as *mut c_void;
                    // Owned by the process from now on: the original never frees its context either.
                    std::mem::forget(ctx);
                    // SAFETY: written once under `ONCE`; readers only compare it with NULL.
                    unsafe { *addr_of_mut!(RTMP_TLS_ctx) = raw };
                }
                Err(e) => log::error!("TLS: cannot create the client context: {e}"),
            }
        }
    });
}

/// `RTMP_TLS_AllocServerContext(cert, key)`: an OpenSSL server context from PEM files, or NULL.
///
/// # Safety
/// `cert` and `key` must be NUL-terminated strings or NULL.
#[no_mangle]
pub unsafe extern "C" fn RTMP_TLS_AllocServerContext(cert: *const c_char, key: *const c_char) -> *mut c_void {
    guard(core::ptr::null_mut(), || {
        if cert.is_null() || key.is_null() {
            log::error!("RTMP_TLS_AllocServerContext: certificate and key files are required");
            return core::ptr::null_mut();
        }
        #[cfg(feature = "crypto")]
        {
            // SAFETY: both are NUL-terminated per the contract above.
            let (cert, key) = unsafe { (std::ffi::CStr::from_ptr(cert), std::ffi::CStr::from_ptr(key)) };
            init_global_context();
            match server_context(&String::from_utf8_lossy(cert.to_bytes()), &String::from_utf8_lossy(key.to_bytes())) {
                Ok(ctx) => {
                    let raw = foreign_types::ForeignType::as_ptr(&ctx) as *mut c_void;
                    std::mem::forget(ctx);
                    raw
                }
                Err(e) => {
                    log::error!("RTMP_TLS_AllocServerContext: {e}");
                    core::ptr::null_mut()
                }
            }
        }
        #[cfg(not(feature = "crypto"))]
        {
            log::error!("RTMP_TLS_AllocServerContext: this librtmp was built without TLS (CRYPTO=)");
            core::ptr::null_mut()
        }
    })
}

#[cfg(feature = "crypto")]
fn server_context(cert: &str, key: &str) -> Result<openssl::ssl::SslContext, String> {
    use openssl::ssl::{SslContext, SslFiletype, SslMethod};
    let mut b = SslContext::builder(SslMethod::tls_server()).map_err(|e| e.to_string())?;
    b.set_certificate_chain_file(cert).map_err(|e| format!("certificate {cert}: {e}"))?;
    b.set_private_key_file(key, SslFiletype::PEM).map_err(|e| format!("private key {key}: {e}"))?;
    b.check_private_key().map_err(|e| format!("key {key} does not match certificate {cert}: {e}"))?;
    Ok(b.build())
}

/// Frees a context from RTMP_TLS_AllocServerContext (NULL is ignored).
///
/// # Safety
/// `ctx` must be NULL or a pointer returned by `RTMP_TLS_AllocServerContext`, freed once.
#[no_mangle]
pub unsafe extern "C" fn RTMP_TLS_FreeServerContext(ctx: *mut c_void) {
    guard((), || {
        #[cfg(feature = "crypto")]
        if !ctx.is_null() {
            // SAFETY: `ctx` came from `RTMP_TLS_AllocServerContext`, which leaked one reference.
            drop(unsafe { <openssl::ssl::SslContext as foreign_types::ForeignType>::from_ptr(ctx as *mut _) });
        }
        #[cfg(not(feature = "crypto"))]
        let _ = ctx;
    })
}
/// The original's process-wide TLS client context. Connections here build their own per-handle
/// context; this one exists for programs that look at it. It is set by `RTMP_TLS_Init`, the first
/// TLS connection (rtmps, rtmpts, an https SWF), or `RTMP_TLS_AllocServerContext` — not by
/// `RTMP_Init` as in the original, so that a process that never uses TLS never pays for it.
#[no_mangle]
pub static mut RTMP_TLS_ctx: *mut c_void = core::ptr::null_mut();

/// Creates the process-wide TLS context once (a no-op without crypto).
#[no_mangle]
pub extern "C" fn RTMP_TLS_Init() {
    guard((), super::tls::init_global_context)
}
