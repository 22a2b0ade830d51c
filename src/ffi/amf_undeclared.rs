//! AMF exports of the original that no installed header declares: `AMF3ReadInteger`,
//! `AMF3ReadString` (non-static helpers of amf.c) and `RTMP_FindPrefixProperty` (rtmp.c); also
//! the raw-bytes logging the AMF exports share, whose extern declaration must stay out of the
//! files cbindgen reads. The generated headers stay as the original's.
#![allow(non_snake_case)]

use super::abi::amf::{AMFObject, AMFObjectProperty, AVal};
use super::amf::{find_export, NameMatch};
use super::guard::guard;
use super::log::{current_level, LOG_DEBUG};
use crate::amf::event::Event;
use crate::amf::legacy3::{self, StringHeader};
use core::ffi::{c_char, c_int};
use core::ptr::null_mut;

extern "C" {
    /// In `log_shim.c`: logs a finished, NUL-terminated message with `"%s"`.
    fn librtmp_rs_log_text(level: c_int, text: *const c_char);
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

/// Reads an AMF3 U29 from `data` byte by byte, touching exactly the bytes the original touches
/// (1 to 4): the caller gives no length.
///
/// # Safety
/// `data` must be readable up to the end of the integer.
unsafe fn read_u29_bytes(data: *const c_char) -> ([u8; 4], usize) {
    let mut b = [0u8; 4];
    let mut n = 0;
    while n < legacy3::integer_len(&b[..n]) {
        // SAFETY: the caller promises the integer's bytes are readable.
        b[n] = unsafe { *data.add(n) } as u8;
        n += 1;
    }
    (b, n)
}

/// Decodes the AMF3 integer at `data` into `*valp` and returns its length (1 to 4 bytes).
///
/// # Safety
/// `data` readable up to the end of the integer; `valp` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF3ReadInteger(data: *const c_char, valp: *mut i32) -> c_int {
    guard(0, || {
        if data.is_null() {
            return 0;
        }
        // SAFETY: the caller's integer.
        let (b, n) = unsafe { read_u29_bytes(data) };
        let Some((v, len)) = legacy3::read_integer(&b[..n]) else {
            return 0;
        };
        // SAFETY: a non-NULL output from the caller.
        if let Some(out) = unsafe { valp.as_mut() } {
            *out = v;
        }
        len as c_int
    })
}

/// Reads the AMF3 string at `data` into `*str` (pointing into `data`; a string reference reads as
/// `{NULL, 0}`) and returns the bytes it spans, header included.
///
/// # Safety
/// `data` readable up to the end of the string header; `str` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF3ReadString(data: *const c_char, str: *mut AVal) -> c_int {
    guard(0, || {
        if data.is_null() || str.is_null() {
            return 0;
        }
        // SAFETY: the caller's header.
        let (b, n) = unsafe { read_u29_bytes(data) };
        let Some(h) = legacy3::read_string_header(&b[..n]) else {
            return 0;
        };
        match h {
            StringHeader::Reference { index, header_len } => {
                log_bytes(LOG_DEBUG, &Event::Amf3StringReference { index }.text(0));
                // SAFETY: a non-NULL output from the caller.
                unsafe { *str = AVal { av_val: null_mut(), av_len: 0 } };
                header_len as c_int
            }
            StringHeader::Inline { len, header_len } => {
                // SAFETY: pointer arithmetic within the caller's string, as the original.
                unsafe { *str = AVal { av_val: data.add(header_len) as *mut c_char, av_len: len } };
                (header_len as c_int).wrapping_add(len)
            }
        }
    })
}

/// Depth-first search through objects (not arrays) for a property whose name is longer than
/// `name` and starts with it; copies it into `p` and returns TRUE, else FALSE.
///
/// # Safety
/// `obj` a valid object tree, `name` readable, `p` writable.
#[no_mangle]
pub unsafe extern "C" fn RTMP_FindPrefixProperty(
    obj: *mut AMFObject,
    name: *const AVal,
    p: *mut AMFObjectProperty,
) -> c_int {
    // SAFETY: the caller's pointers, each NULL or valid.
    guard(0, || unsafe { find_export(obj, name, p, NameMatch::Prefix) })
}
