//! Exports of the original that no installed header declares (rtmpdump's build saw them as plain
//! externs). cbindgen does not read this file, so the headers stay as the original's.
#![allow(non_upper_case_globals, non_snake_case)]

use super::data::protocol_table;
use super::guard::guard;
use core::ffi::{c_char, c_void};

/// Scheme names in upper case, indexed by `RTMP_PROTOCOL_*`.
#[no_mangle]
pub static RTMPProtocolStrings: [[c_char; 7]; 9] = protocol_table(true);

/// The original's process-wide TLS client context. Connections here build their own per-handle
/// context; this one exists for programs that look at it, and is set by `RTMP_TLS_Init`.
#[no_mangle]
pub static mut RTMP_TLS_ctx: *mut c_void = core::ptr::null_mut();

/// Creates the process-wide TLS context once (a no-op without crypto).
#[no_mangle]
pub extern "C" fn RTMP_TLS_Init() {
    guard((), super::tls::init_global_context)
}
