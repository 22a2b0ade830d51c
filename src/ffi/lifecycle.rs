//! Handle lifecycle and the small accessors: RTMP_Alloc/Init/Free/Close, RTMP_LibVersion,
//! RTMP_GetTime, RTMP_UserInterrupt, RTMP_EnableWrite, RTMP_SetBufferMS, RTMP_IsConnected,
//! RTMP_Socket, RTMP_IsTimedout, RTMP_GetDuration, RTMP_DropRequest.
//!
//! Callers own the `RTMP` memory (embedded by value, on the stack, or from `RTMP_Alloc`), so
//! nothing here depends on `RTMP_Free` being called: `RTMP_Close` releases every allocation.
#![allow(non_snake_case)]

use super::abi::amf::AVal;
use super::abi::rtmp::*;
use super::data::RTMP_ctrlC;
use super::guard::guard;
use core::ffi::{c_int, c_void};
use std::ptr::{addr_of_mut, null_mut};

pub const DEFAULT_BUFFER_MS: c_int = 30000;
pub const DEFAULT_BANDWIDTH: c_int = 2_500_000;

/// `calloc(1, sizeof(RTMP))`: libc memory, so a caller may also release it with `free()`.
#[no_mangle]
pub extern "C" fn RTMP_Alloc() -> *mut RTMP {
    guard(null_mut(), || {
        // SAFETY: plain allocation; the zeroed bytes are a valid RTMP (all integers and pointers).
        unsafe { libc::calloc(1, core::mem::size_of::<RTMP>()) as *mut RTMP }
    })
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
        super::handle::discard(r as usize);
        super::side::forget(r as usize);
        super::serve::forget_accepted(r as usize);
        // SAFETY: per the contract, `r` is a calloc'd RTMP.
        let rr = unsafe { &mut *r };
        super::net::close_pending(rr);
        // The conn= properties RTMP_SetupURL built (the original leaks them here).
        // SAFETY: an AMFObject of this handle, empty or built with AMF_AddProp.
        unsafe { super::amf::AMF_Reset(&mut rr.Link.extras) };
        // SAFETY: per the contract, `r` is a calloc'd RTMP.
        unsafe { libc::free(r as *mut c_void) }
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
        #[cfg(feature = "crypto")]
        super::tls::init_global_context();
        // A session still registered for this memory (re-initialised without RTMP_Close) ends
        // here; so does a socket RTMP_Connect0 left for a RTMP_Connect1 that never came.
        super::handle::discard(r as usize);
        super::net::forget_pending(r as usize);
        super::serve::forget_accepted(r as usize);
        super::side::forget(r as usize);
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
            close_internal(r, false);
        }
    })
}

/// The original's CloseInternal: `reconnect` keeps what a transparent reconnect reuses (the
/// library-owned tcUrl, app and playpath).
pub(crate) fn close_internal(r: &mut RTMP, reconnect: bool) {
    // A TLS session accepted on a socket given after an earlier connection ended goes first: it
    // is not the registered session's.
    if super::serve::close_accepted(r as *const RTMP as usize, r.m_sb.sb_socket) {
        r.m_sb.sb_socket = -1;
    }
    if super::net::close_session(r, reconnect) {
        return;
    }
    super::net::close_pending(r);
    if r.m_sb.sb_socket != -1 {
        // A socket the application handed over without connecting through the library: it
        // belongs to this handle, which closes it as the original does.
        let _ = crate::sys::close(r.m_sb.sb_socket);
    }
    free_c_side(r, reconnect);
}

/// Resets the connection state of the struct and frees what the library allocated in it.
pub(crate) fn free_c_side(r: &mut RTMP, reconnect: bool) {
    r.m_stream_id = -1;
    r.m_sb.sb_socket = -1;
    r.m_nBWCheckCounter = 0;
    r.m_nBytesIn = 0;
    r.m_nBytesInSent = 0;

    if r.m_read.flags & RTMP_READ_HEADER != 0 {
        // SAFETY: m_read.buf is NULL or libc-allocated by RTMP_Read.
        unsafe { libc::free(r.m_read.buf as *mut c_void) };
        r.m_read.buf = null_mut();
        r.m_read.bufpos = null_mut();
        r.m_read.buflen = 0;
    }
    r.m_read.dataType = 0;
    r.m_read.flags = 0;
    r.m_read.status = 0;
    r.m_read.nResumeTS = 0;
    r.m_read.nIgnoredFrameCounter = 0;
    r.m_read.nIgnoredFlvFrameCounter = 0;

    r.m_write.m_nBytesRead = 0;
    super::packet::free_body(&mut r.m_write);

    free_channels(r);
    clear_method_calls(r);
    r.m_numInvokes = 0;

    r.m_bPlaying = 0;
    r.m_sb.sb_size = 0;
    r.m_sb.sb_start = null_mut();
    r.m_msgCounter = 0;
    r.m_resplen = 0;
    r.m_unackd = 0;
    if !r.m_clientID.av_val.is_null() {
        // The HTTP tunnel's session id, libc-allocated by the mirroring (sync::mirror_http).
        free_aval(&mut r.m_clientID);
    }

    if !reconnect {
        if r.Link.lFlags & RTMP_LF_FTCU != 0 {
            free_aval(&mut r.Link.tcUrl);
            r.Link.lFlags &= !RTMP_LF_FTCU;
        }
        if r.Link.lFlags & RTMP_LF_FAPU != 0 {
            free_aval(&mut r.Link.app);
            r.Link.lFlags &= !RTMP_LF_FAPU;
        }
        // playpath usually aliases playpath0: clear it too rather than leave it dangling.
        if r.Link.playpath.av_val == r.Link.playpath0.av_val {
            r.Link.playpath = AVal::EMPTY;
        }
        free_aval(&mut r.Link.playpath0);
    }
}

fn free_aval(v: &mut AVal) {
    // SAFETY: only called on members the library allocated with libc (flags say so).
    unsafe { libc::free(v.av_val as *mut c_void) };
    *v = AVal::EMPTY;
}

/// Frees the per-chunk-stream caches (`m_vecChannelsIn/Out`, `m_channelTimestamp`).
pub(crate) fn free_channels(r: &mut RTMP) {
    let free_vec = |vec: *mut *mut RTMPPacket, n: c_int, with_body: bool| {
        if vec.is_null() {
            return;
        }
        for i in 0..n.max(0) as usize {
            // SAFETY: the library allocated `n` slots, each NULL or a libc-allocated packet.
            unsafe {
                let p = *vec.add(i);
                if !p.is_null() {
                    if with_body {
                        super::packet::free_body(&mut *p);
                    }
                    libc::free(p as *mut c_void);
                }
            }
        }
        // SAFETY: the array itself is libc memory.
        unsafe { libc::free(vec as *mut c_void) };
    };
    free_vec(r.m_vecChannelsIn, r.m_channelsAllocatedIn, true);
    free_vec(r.m_vecChannelsOut, r.m_channelsAllocatedOut, false);
    // SAFETY: libc memory or NULL.
    unsafe { libc::free(r.m_channelTimestamp as *mut c_void) };
    r.m_vecChannelsIn = null_mut();
    r.m_vecChannelsOut = null_mut();
    r.m_channelTimestamp = null_mut();
    r.m_channelsAllocatedIn = 0;
    r.m_channelsAllocatedOut = 0;
}

/// Empties the queue of invokes awaiting a `_result` (names are libc copies).
pub(crate) fn clear_method_calls(r: &mut RTMP) {
    if !r.m_methodCalls.is_null() {
        for i in 0..r.m_numCalls.max(0) as usize {
            // SAFETY: m_numCalls entries were written by the library.
            unsafe { libc::free((*r.m_methodCalls.add(i)).name.av_val as *mut c_void) };
        }
        // SAFETY: libc memory.
        unsafe { libc::free(r.m_methodCalls as *mut c_void) };
    }
    r.m_methodCalls = null_mut();
    r.m_numCalls = 0;
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
        if let Some(h) = super::handle::get(r as *mut RTMP as usize) {
            if let Some(mut s) = h.lock_live() {
                if (i as usize) < s.calls.len() {
                    s.calls.remove(i as usize);
                }
            }
        }
        let n = r.m_numCalls as usize;
        let i = i as usize;
        // SAFETY: 0 <= i < n entries; the tail moves down by one inside the same array.
        unsafe {
            let calls = r.m_methodCalls;
            if freeit != 0 {
                libc::free((*calls.add(i)).name.av_val as *mut c_void);
            }
            core::ptr::copy(calls.add(i + 1), calls.add(i), n - i - 1);
            core::ptr::write_bytes(calls.add(n - 1), 0, 1);
        }
        r.m_numCalls -= 1;
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
