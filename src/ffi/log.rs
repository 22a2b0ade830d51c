//! The logging exports of `<librtmp/log.h>` written in Rust: the level's accessors and
//! `RTMP_LogHex*` (the variadic ones are in `log_shim.c`; the sink itself is `logging`).
#![allow(non_upper_case_globals)]

use super::abi::log::RTMP_LogLevelRepr;
use super::boundary::guard;
use super::logging::{current_level, emit, RTMP_debuglevel, LOG_ERROR};
use core::ffi::{c_int, c_ulong};
use std::ptr::addr_of_mut;

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
        let bytes = unsafe { super::boundary::bytes(data, len as usize) };
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
        let bytes = unsafe { super::boundary::bytes(data, len as usize) };
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
