//! SWF verification (`RTMP_HashSWF`): fetch a player SWF, inflate it, HMAC it. Network part in #4.
#![allow(non_snake_case)]

use super::guard::guard;
use core::ffi::{c_char, c_int, c_uchar, c_uint};

/// The SWF size and its HMAC-SHA256 for `url`, as `RTMP_HashSWF` computes them, or `None` with a
/// log line when it cannot be had.
pub fn hash_swf(url: &[u8], age_days: c_int) -> Option<(u32, [u8; 32])> {
    let _ = age_days;
    log::error!("SWF verification of {} is not available in this build yet", String::from_utf8_lossy(url));
    None
}

/// Size and HMAC-SHA256 of the SWF at `url` (cached for `age` days in ~/.swfinfo); 0 or -1.
///
/// # Safety
/// `url` NULL or NUL-terminated; `size` NULL or writable; `hash` NULL or 32 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_HashSWF(url: *const c_char, size: *mut c_uint, hash: *mut c_uchar, age: c_int) -> c_int {
    guard(-1, || {
        if url.is_null() || size.is_null() || hash.is_null() {
            log::error!("RTMP_HashSWF: NULL argument");
            return -1;
        }
        // SAFETY: NUL-terminated per the contract.
        let u = unsafe { std::ffi::CStr::from_ptr(url) };
        match hash_swf(u.to_bytes(), age) {
            Some((n, h)) => {
                // SAFETY: writable per the contract (32 bytes for the hash).
                unsafe {
                    *size = n;
                    core::ptr::copy_nonoverlapping(h.as_ptr(), hash, 32);
                }
                0
            }
            None => -1,
        }
    })
}
