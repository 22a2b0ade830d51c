//! SWF verification (`RTMP_HashSWF`): fetch a player SWF, inflate it, HMAC it (crate::swf).
#![allow(non_snake_case)]

use super::boundary::guard;
use core::ffi::{c_char, c_int, c_uchar, c_uint};

/// The SWF size and its HMAC-SHA256 for `url`, as `RTMP_HashSWF` computes them, or `None` with a
/// log line when it cannot be had.
pub fn hash_swf(url: &[u8], age_days: c_int) -> Option<(u32, [u8; 32])> {
    let url = String::from_utf8_lossy(url);
    #[cfg(feature = "crypto")]
    match crate::swf::hash_swf(&url, age_days) {
        Ok((size, hash)) => {
            log::debug!(
                "RTMP_HashSWF: {url}: size {size}, hash {}",
                hash.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            Some((size, hash))
        }
        Err(e) => {
            log::error!("RTMP_HashSWF: {e}");
            None
        }
    }
    #[cfg(not(feature = "crypto"))]
    {
        let _ = age_days;
        log::error!(
            "RTMP_HashSWF: SWF verification of {url} needs HMAC, and this librtmp was built without OpenSSL (CRYPTO=)"
        );
        None
    }
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
