//! Where every log line of the library goes: librtmp's log (an application's callback or FILE*,
//! in `log_shim.c`) at the level in `RTMP_debuglevel`, which applications assign directly. The
//! Rust core logs through the `log` crate; the bridge here carries its records over.
#![allow(non_upper_case_globals)]

use super::abi::log::RTMP_LogLevelRepr;
use core::ffi::{c_char, c_int};
use std::ffi::CString;
use std::ptr::addr_of_mut;

pub const LOG_ERROR: c_int = 1;
pub const LOG_WARNING: c_int = 2;
pub const LOG_INFO: c_int = 3;
pub const LOG_DEBUG: c_int = 4;
pub const LOG_DEBUG2: c_int = 5;

/// The current log level; applications assign it directly (rtmpdump -q/-V/-z), through a copy
/// relocation, so every read goes through the symbol (GOT) rather than a cached value.
#[no_mangle]
pub static mut RTMP_debuglevel: RTMP_LogLevelRepr = 1;

extern "C" {
    /// In `log_shim.c`: logs a finished, NUL-terminated message with `"%s"`.
    fn librtmp_rs_log_text(level: c_int, text: *const c_char);
}

/// The level now in force.
pub fn current_level() -> c_int {
    // SAFETY: an aligned int of static lifetime; the library (Rust and the C shim) only ever
    // touches it atomically, so threads that log while another changes the level do not race.
    unsafe { core::sync::atomic::AtomicI32::from_ptr(addr_of_mut!(RTMP_debuglevel)) }
        .load(core::sync::atomic::Ordering::Relaxed)
}

/// Sends one finished message to the librtmp log at `level` (0 = CRIT … 6 = ALL).
pub fn emit(level: c_int, text: &str) {
    if level > current_level() {
        return;
    }
    // Interior NULs cannot pass through C: cut the text there.
    let text = text.split('\0').next().unwrap_or("");
    if let Ok(c) = CString::new(text) {
        // SAFETY: a valid NUL-terminated string; the shim copies it before returning.
        unsafe { librtmp_rs_log_text(level, c.as_ptr()) }
    }
}

/// `log` records from the safe core, mapped onto librtmp's levels.
struct Bridge;

fn from_log_level(l: log::Level) -> c_int {
    match l {
        log::Level::Error => LOG_ERROR,
        log::Level::Warn => LOG_WARNING,
        log::Level::Info => LOG_INFO,
        log::Level::Debug => LOG_DEBUG,
        log::Level::Trace => LOG_DEBUG2,
    }
}

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        from_log_level(metadata.level()) <= current_level()
    }
    fn log(&self, record: &log::Record) {
        let l = from_log_level(record.level());
        if l <= current_level() {
            emit(l, &record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static BRIDGE: Bridge = Bridge;

/// Routes the `log` crate into librtmp's log, once per process. If the host program installed a
/// logger of its own first (a Rust program linking the rlib), that one stays.
pub fn install_bridge() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if log::set_logger(&BRIDGE).is_ok() {
            log::set_max_level(log::LevelFilter::Trace);
        }
    });
}

/// Logs `text` at `lvl` as raw bytes, the way C's `printf` passes a `%s` argument on: AMF names
/// and strings need not be UTF-8. A NUL ends the text, as it would in C.
pub(crate) fn log_bytes(lvl: c_int, text: &[u8]) {
    if lvl > current_level() {
        return;
    }
    let text = text.split(|&b| b == 0).next().unwrap_or(&[]);
    let mut c = Vec::with_capacity(text.len() + 1);
    c.extend_from_slice(text);
    c.push(0);
    // SAFETY: `c` is NUL-terminated and outlives the call; the shim does not keep the pointer.
    unsafe { librtmp_rs_log_text(lvl, c.as_ptr().cast()) }
}
