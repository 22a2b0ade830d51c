//! The C types of `<librtmp/log.h>`. The variadic functions and the `va_list` callback type live in
//! `src/log_shim.c` and in the verbatim part of `cbindgen/log.toml`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::c_int;

// As the header shows it; ABI positions use `RTMP_LogLevelRepr` (any int may arrive from C).
#[repr(C)]
pub enum RTMP_LogLevel {
    RTMP_LOGCRIT = 0,
    RTMP_LOGERROR,
    RTMP_LOGWARNING,
    RTMP_LOGINFO,
    RTMP_LOGDEBUG,
    RTMP_LOGDEBUG2,
    RTMP_LOGALL,
}
pub type RTMP_LogLevelRepr = c_int;
