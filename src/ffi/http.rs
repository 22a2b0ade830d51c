//! `HTTP_get` (http.h): a small HTTP/1.0 GET for fetching player SWFs (crate::swf::http_get), its
//! body handed to the caller's callback as it arrives.
#![allow(non_snake_case, non_camel_case_types)]

use super::abi::http::{HTTPResult, HTTPResultRepr, HTTP_ctx};
use super::boundary::guard;
use core::ffi::{c_char, c_int, c_void};

/// The C header declares `HTTP_read_callback` as a function type and `HTTP_get` takes a pointer to
/// it; this opaque stand-in makes cbindgen print exactly `HTTP_read_callback *cb` (the typedef itself
/// is written verbatim in cbindgen/http.toml).
#[repr(C)]
pub struct HTTP_read_callback {
    _opaque: [u8; 0],
}

/// What a `HTTP_read_callback *` really is.
pub type ReadCallbackFn =
    unsafe extern "C" fn(ptr: *mut c_void, size: usize, nmemb: usize, stream: *mut c_void) -> usize;

/// # Safety
/// `http` must be NULL or a valid context; `url` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn HTTP_get(
    http: *mut HTTP_ctx,
    url: *const c_char,
    cb: *mut HTTP_read_callback,
) -> HTTPResultRepr {
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
        // SAFETY: NUL-terminated per the contract.
        let url = String::from_utf8_lossy(unsafe { std::ffi::CStr::from_ptr(url) }.to_bytes()).into_owned();
        if url.starts_with("https:") {
            super::tls::init_global_context();
        }
        // SAFETY: `date` is NULL or a NUL-terminated, writable buffer of DATELEN (64) bytes, as
        // RTMP_HashSWF and rtmpdump's callers give it.
        let since = (!http.date.is_null())
            .then(|| unsafe { std::ffi::CStr::from_ptr(http.date) }.to_string_lossy().into_owned());
        // SAFETY: a function pointer of the declared type, or NULL.
        let cb: Option<ReadCallbackFn> =
            unsafe { core::mem::transmute::<*mut HTTP_read_callback, Option<ReadCallbackFn>>(cb) };
        let data = http.data;
        let (res, reply) = crate::swf::http_get(&url, since.as_deref(), |chunk| {
            if let Some(cb) = cb {
                // SAFETY: the caller's callback with its own `data`; the chunk is valid for the call.
                unsafe { cb(chunk.as_ptr() as *mut c_void, 1, chunk.len(), data) };
            }
        });
        http.status = reply.status;
        http.size = http.size.saturating_add(reply.size.min(c_int::MAX as usize) as c_int);
        if let (Some(lm), false) = (reply.last_modified.as_deref(), http.date.is_null()) {
            let n = lm.len().min(63);
            // SAFETY: `date` holds DATELEN bytes (see above): at most 63 and the NUL.
            unsafe {
                core::ptr::copy_nonoverlapping(lm.as_ptr() as *const c_char, http.date, n);
                *http.date.add(n) = 0;
            }
        }
        res as c_int
    })
}
