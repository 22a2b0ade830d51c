//! `HTTP_get` (http.h): a small HTTP/1.0 GET for fetching player SWFs. The client itself arrives
//! with SWF verification (issue #4); until then it fails cleanly.
#![allow(non_snake_case, non_camel_case_types)]

use super::abi::http::{HTTPResult, HTTPResultRepr, HTTP_ctx};
use super::guard::guard;
use core::ffi::{c_char, c_int, c_void};

/// The C header declares `HTTP_read_callback` as a function type and `HTTP_get` takes a pointer to
/// it; this opaque stand-in makes cbindgen print exactly `HTTP_read_callback *cb` (the typedef itself
/// is written verbatim in cbindgen/http.toml).
#[repr(C)]
pub struct HTTP_read_callback {
    _opaque: [u8; 0],
}

/// What a `HTTP_read_callback *` really is.
pub type ReadCallbackFn = unsafe extern "C" fn(ptr: *mut c_void, size: usize, nmemb: usize, stream: *mut c_void) -> usize;

/// # Safety
/// `http` must be NULL or a valid context; `url` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn HTTP_get(http: *mut HTTP_ctx, url: *const c_char, cb: *mut HTTP_read_callback) -> HTTPResultRepr {
    guard(HTTPResult::HTTPRES_BAD_REQUEST as c_int, || {
        let _ = cb;
        // SAFETY: per the contract.
        let Some(http) = (unsafe { http.as_mut() }) else {
            log::error!("HTTP_get: NULL context");
            return HTTPResult::HTTPRES_BAD_REQUEST as c_int;
        };
        http.status = -1;
        if url.is_null() {
            log::error!("HTTP_get: NULL URL");
            return HTTPResult::HTTPRES_BAD_REQUEST as c_int;
        }
        log::error!("HTTP_get: not available in this build yet");
        HTTPResult::HTTPRES_LOST_CONNECTION as c_int
    })
}
