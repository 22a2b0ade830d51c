//! The C types of `<librtmp/http.h>`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_void};

#[repr(C)]
pub enum HTTPResult {
    /// result OK
    HTTPRES_OK,
    /// not modified since last request
    HTTPRES_OK_NOT_MODIFIED,
    /// not found
    HTTPRES_NOT_FOUND,
    /// client error
    HTTPRES_BAD_REQUEST,
    /// server reported an error
    HTTPRES_SERVER_ERROR,
    /// resource has been moved
    HTTPRES_REDIRECTED,
    /// connection lost while waiting for data
    HTTPRES_LOST_CONNECTION,
}
pub type HTTPResultRepr = c_int;

/// State of one `HTTP_get`: `date` is a caller-owned writable buffer (If-Modified-Since in,
/// Last-Modified out), `size` counts body bytes, `status` is the HTTP status, `data` goes to the callback.
#[repr(C)]
pub struct HTTP_ctx {
    pub date: *mut c_char,
    pub size: c_int,
    pub status: c_int,
    pub data: *mut c_void,
}
