//! Logging: the exported level, `RTMP_LogHex*`, and the bridge that carries the Rust core's `log`
//! records into librtmp's log (callback or FILE*, in `log_shim.c`).
#![allow(non_upper_case_globals)]

use super::abi::log::RTMP_LogLevelRepr;
use super::guard::guard;
use core::ffi::{c_char, c_int, c_ulong};
use std::ffi::CString;
use std::ptr::addr_of_mut;

pub const LOG_CRIT: c_int = 0;
pub const LOG_ERROR: c_int = 1;
pub const LOG_WARNING: c_int = 2;
pub const LOG_INFO: c_int = 3;
pub const LOG_DEBUG: c_int = 4;
pub const LOG_DEBUG2: c_int = 5;
pub const LOG_ALL: c_int = 6;

/// The current log level; applications assign it directly (rtmpdump -q/-V/-z), through a copy
/// relocation, so every read goes through the symbol (GOT) rather than a cached value.
#[no_mangle]
pub static mut RTMP_debuglevel: RTMP_LogLevelRepr = 1;

extern "C" {
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

#[no_mangle]
pub extern "C" fn RTMP_LogSetLevel(lvl: RTMP_LogLevelRepr) {
    guard((), || {
        // SAFETY: see `level`.
        unsafe { core::sync::atomic::AtomicI32::from_ptr(addr_of_mut!(RTMP_debuglevel)) }
            .store(lvl, core::sync::atomic::Ordering::Relaxed)
    })
}

#[no_mangle]
pub extern "C" fn RTMP_LogGetLevel() -> RTMP_LogLevelRepr {
    guard(LOG_ERROR, current_level)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lines of 16 bytes as `xx xx …`, each logged with `"%s"` (a short last line keeps its trailing space).
pub fn hex_lines(data: &[u8]) -> Vec<String> {
    data.chunks(16)
        .map(|row| {
            let mut s = String::with_capacity(48);
            for (i, b) in row.iter().enumerate() {
                s.push(HEX[(b >> 4) as usize] as char);
                s.push(HEX[(b & 15) as usize] as char);
                if i != 15 {
                    s.push(' ');
                }
            }
            s
        })
        .collect()
}

/// The classic dump: offset at column 2, hex from column 9 (a gap after the eighth byte), printable
/// bytes from column 60, padded with spaces to 78 columns as the original does.
pub fn hexdump_lines(data: &[u8]) -> Vec<String> {
    const HEX_COL: usize = 9;
    const ASCII_COL: usize = 60;
    const WIDTH: usize = 78;
    if data.is_empty() {
        return vec![String::new()];
    }
    data.chunks(16)
        .enumerate()
        .map(|(row, bytes)| {
            let mut line = [b' '; WIDTH];
            // The offset wraps at 0xffff as in the original (i % 0x0ffff).
            let off = (row * 16) % 0xffff;
            for (k, shift) in [12, 8, 4, 0].iter().enumerate() {
                line[2 + k] = HEX[(off >> shift) & 15];
            }
            line[6] = b':';
            for (n, &b) in bytes.iter().enumerate() {
                let col = HEX_COL + n * 3 + usize::from(n >= 8);
                line[col] = HEX[(b >> 4) as usize];
                line[col + 1] = HEX[(b & 15) as usize];
                line[ASCII_COL + n] = if (0x20..0x7f).contains(&b) { b } else { b'.' };
            }
            String::from_utf8_lossy(&line).into_owned()
        })
        .collect()
}

/// Logs `data` as lines of 16 hex bytes.
///
/// # Safety
/// `data` must point to `len` readable bytes (or be NULL).
#[no_mangle]
pub unsafe extern "C" fn RTMP_LogHex(level: c_int, data: *const u8, len: c_ulong) {
    guard((), || {
        if level > current_level() || data.is_null() {
            return;
        }
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let bytes = unsafe { std::slice::from_raw_parts(data, len as usize) };
        for line in hex_lines(bytes) {
            emit(level, &line);
        }
    })
}

/// Logs `data` as a classic hex dump with offsets and printable characters.
///
/// # Safety
/// `data` must point to `len` readable bytes (or be NULL).
#[no_mangle]
pub unsafe extern "C" fn RTMP_LogHexString(level: c_int, data: *const u8, len: c_ulong) {
    guard((), || {
        if level > current_level() || data.is_null() {
            return;
        }
        // SAFETY: the caller promises `len` readable bytes at `data`.
        let bytes = unsafe { std::slice::from_raw_parts(data, len as usize) };
        for line in hexdump_lines(bytes) {
            emit(level, &line);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_lines_match_original_shape() {
        let data: Vec<u8> = (0u8..20).collect();
        let lines = hex_lines(&data);
        assert_eq!(lines[0], "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
        assert_eq!(lines[1], "10 11 12 13 ");
    }

    #[test]
    fn hexdump_columns() {
        let lines = hexdump_lines(b"ABCDEFGHIJKLMNOPQ");
        assert_eq!(lines.len(), 2);
        assert_eq!(&lines[0][..7], "  0000:");
        assert_eq!(&lines[0][9..11], "41");
        assert_eq!(&lines[0][34..36], "49"); // 9th byte after the extra gap
        assert_eq!(&lines[0][60..76], "ABCDEFGHIJKLMNOP");
        assert_eq!(lines[0].len(), 78);
        assert_eq!(&lines[1][2..6], "0010");
    }
}
