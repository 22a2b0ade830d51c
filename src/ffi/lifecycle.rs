//! Handle lifecycle and the small accessors: RTMP_Alloc/Init/Free/Close, RTMP_LibVersion,
//! RTMP_GetTime, RTMP_UserInterrupt, RTMP_EnableWrite, RTMP_SetBufferMS, RTMP_IsConnected,
//! RTMP_Socket, RTMP_IsTimedout, RTMP_GetDuration, RTMP_DropRequest.
//!
//! Callers own the `RTMP` memory (embedded by value, on the stack, or from `RTMP_Alloc`), so
//! nothing here depends on `RTMP_Free` being called: `RTMP_Close` releases every allocation.
#![allow(non_snake_case)]

use super::abi::rtmp::*;
use super::boundary::guard;
use super::data::RTMP_ctrlC;
use core::ffi::c_int;
use std::ptr::{addr_of_mut, null_mut};

pub const DEFAULT_BUFFER_MS: c_int = 30000;
pub const DEFAULT_BANDWIDTH: c_int = 2_500_000;

/// `calloc(1, sizeof(RTMP))`: libc memory, so a caller may also release it with `free()`.
#[no_mangle]
pub extern "C" fn RTMP_Alloc() -> *mut RTMP {
    guard(null_mut(), super::cmem::alloc_rtmp)
}

/// # Safety
/// `r` must be NULL or come from `RTMP_Alloc`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Free(r: *mut RTMP) {
    guard((), || {
        if r.is_null() {
            return;
        }
        // Freed without RTMP_Close (python-librtmp's garbage collection can do that): the
        // connection ends here instead of staying in the registry forever.
        super::registry::forget(r as usize);
        // SAFETY: per the contract, `r` is a calloc'd RTMP.
        let rr = unsafe { &mut *r };
        super::run::close_pending(rr);
        // The conn= properties RTMP_SetupURL built (the original leaks them here).
        // SAFETY: an AMFObject of this handle, empty or built with AMF_AddProp.
        unsafe { super::amf::AMF_Reset(&mut rr.Link.extras) };
        // SAFETY: per the contract, `r` comes from RTMP_Alloc.
        unsafe { super::cmem::free_rtmp(r) }
    })
}

/// Zero-fills the handle and sets the original's defaults (the exact non-zero bytes of Debian's
/// build). Whatever the memory held before is not looked at: it may be uninitialised stack.
///
/// # Safety
/// `r` must be NULL or point to writable memory of `sizeof(RTMP)` bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Init(r: *mut RTMP) {
    guard((), || {
        if r.is_null() {
            log::error!("RTMP_Init: NULL handle");
            return;
        }
        // (The original creates RTMP_TLS_ctx here. Ours waits for the first TLS connection or
        // RTMP_TLS_Init: OpenSSL's setup costs several times what a whole plain session does.)
        // A session still registered for this memory (re-initialised without RTMP_Close) ends
        // here; so does a socket RTMP_Connect0 left for a RTMP_Connect1 that never came.
        super::registry::forget(r as usize);
        // SAFETY: `r` points to sizeof(RTMP) writable bytes; all-zero is a valid RTMP.
        let r = unsafe {
            core::ptr::write_bytes(r as *mut u8, 0, core::mem::size_of::<RTMP>());
            &mut *r
        };
        init_defaults(r);
    })
}

pub(crate) fn init_defaults(r: &mut RTMP) {
    r.m_sb.sb_socket = -1;
    r.m_inChunkSize = RTMP_DEFAULT_CHUNKSIZE;
    r.m_outChunkSize = RTMP_DEFAULT_CHUNKSIZE;
    r.m_nBufferMS = DEFAULT_BUFFER_MS;
    r.m_nClientBW = DEFAULT_BANDWIDTH;
    r.m_nClientBW2 = 2;
    r.m_nServerBW = DEFAULT_BANDWIDTH;
    r.m_fAudioCodecs = 3191.0;
    r.m_fVideoCodecs = 252.0;
    r.Link.timeout = 30;
    r.Link.swfAge = 30;
}

/// Closes the connection and releases everything the library allocated for this handle; the link
/// parameters (URL strings, options) stay, so `RTMP_Connect` may be called again.
///
/// # Safety
/// `r` must be NULL or a handle initialised by `RTMP_Init`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Close(r: *mut RTMP) {
    guard((), || {
        // SAFETY: per the contract.
        if let Some(r) = unsafe { r.as_mut() } {
            super::run::close_internal(r, false);
        }
    })
}

/// Removes entry `i` of the method-call queue (`freeit` also frees its name), keeping the order.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_DropRequest(r: *mut RTMP, i: c_int, freeit: c_int) {
    guard((), || {
        // SAFETY: per the contract.
        let Some(r) = (unsafe { r.as_mut() }) else { return };
        if i < 0 || i >= r.m_numCalls || r.m_methodCalls.is_null() {
            log::warn!("RTMP_DropRequest: no request {i} (queue holds {})", r.m_numCalls);
            return;
        }
        // A connected handle keeps its queue in the session too.
        if let Some(h) = super::registry::get(r as *mut RTMP as usize) {
            if let Some(mut s) = h.lock_live() {
                if (i as usize) < s.calls.len() {
                    s.calls.remove(i as usize);
                }
            }
        }
        super::cmem::drop_method_call(r, i as usize, freeit != 0);
    })
}

#[no_mangle]
pub extern "C" fn RTMP_LibVersion() -> c_int {
    RTMP_LIB_VERSION
}

/// Milliseconds on a monotonic clock, truncated to 32 bits (the original's times()-based clock has
/// the same meaning: an arbitrary origin, differences are what count).
#[no_mangle]
pub extern "C" fn RTMP_GetTime() -> u32 {
    guard(0, crate::sys::now_ms)
}

#[no_mangle]
pub extern "C" fn RTMP_UserInterrupt() {
    // SAFETY: an aligned int of static lifetime; stored atomically (this may run in a signal
    // handler, or in another thread than the blocked call).
    unsafe { core::sync::atomic::AtomicI32::from_ptr(addr_of_mut!(RTMP_ctrlC)) }
        .store(1, core::sync::atomic::Ordering::Relaxed)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_EnableWrite(r: *mut RTMP) {
    // SAFETY: per the contract.
    guard((), || {
        if let Some(r) = unsafe { r.as_mut() } {
            r.Link.protocol |= RTMP_FEATURE_WRITE
        }
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SetBufferMS(r: *mut RTMP, size: c_int) {
    // SAFETY: per the contract.
    guard((), || {
        if let Some(r) = unsafe { r.as_mut() } {
            r.m_nBufferMS = size
        }
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_IsConnected(r: *mut RTMP) -> c_int {
    // SAFETY: per the contract.
    guard(0, || unsafe { r.as_ref() }.map_or(0, |r| c_int::from(r.m_sb.sb_socket != -1)))
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Socket(r: *mut RTMP) -> c_int {
    // SAFETY: per the contract.
    guard(-1, || unsafe { r.as_ref() }.map_or(-1, |r| r.m_sb.sb_socket))
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_IsTimedout(r: *mut RTMP) -> c_int {
    // SAFETY: per the contract.
    guard(0, || unsafe { r.as_ref() }.map_or(0, |r| r.m_sb.sb_timedout))
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_GetDuration(r: *mut RTMP) -> f64 {
    // SAFETY: per the contract.
    guard(0.0, || unsafe { r.as_ref() }.map_or(0.0, |r| r.m_fDuration))
}
