//! The vocabulary every export speaks at the C boundary, each with its safety argument written
//! once: the panic guard (nothing unwinds into C, whatever the input), the handle lookup that
//! logs the export's name on NULL, and NULL-tolerant views of C pointers.

use super::abi::amf::AVal;
use super::abi::rtmp::RTMP;
use super::logging;
use core::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; a panic inside it is logged and turned into `default` (the C error value).
pub(crate) fn guard<T>(default: T, body: impl FnOnce() -> T) -> T {
    logging::install_bridge();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            logging::emit(logging::LOG_ERROR, &format!("librtmp: internal error caught at the C boundary: {what}"));
            default
        }
    }
}

/// The handle an export was given, or `None` (logged with the export's name) for NULL.
pub(crate) fn handle<'a>(r: *mut RTMP, export: &str) -> Option<&'a mut RTMP> {
    // SAFETY: every export's C contract: `r` is NULL or an initialised handle, not used by
    // another thread during the call except through the registry's locks.
    let r = unsafe { r.as_mut() };
    if r.is_none() {
        log::error!("{export}: NULL RTMP handle");
    }
    r
}

/// The core's answers in librtmp's conventions, in one place: TRUE/FALSE for calls that succeed
/// or not, a count or -1 for calls that move bytes. The reason is the core's to log.
pub(crate) trait ToC {
    fn to_c(self) -> c_int;
}

impl<E> ToC for Result<(), E> {
    fn to_c(self) -> c_int {
        c_int::from(self.is_ok())
    }
}

impl<E> ToC for Result<usize, E> {
    fn to_c(self) -> c_int {
        self.map_or(-1, |n| n.min(c_int::MAX as usize) as c_int)
    }
}

/// The `len` bytes at `p`; empty for NULL or a length of zero.
///
/// # Safety
/// A non-NULL `p` must point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a, T>(p: *const T, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: per the contract.
    unsafe { std::slice::from_raw_parts(p as *const u8, len) }
}

/// The bytes of a C string member (empty for NULL).
pub(crate) fn aval(v: &AVal) -> &[u8] {
    // SAFETY: AVals in the caller's structs point to `av_len` bytes the caller keeps alive for
    // the call (the C contract of every export that takes one).
    unsafe { bytes(v.av_val, usize::try_from(v.av_len).unwrap_or(0)) }
}
