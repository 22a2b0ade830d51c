//! The exported data objects that `<librtmp/rtmp.h>` declares. Programs such as rtmpdump reach them
//! through copy relocations, so the library only ever reads them through their symbols (volatile
//! reads of `static mut`, which rustc compiles to GOT accesses in position-independent code).
#![allow(non_upper_case_globals)]

use super::abi::amf::AVal;
use core::ffi::{c_char, c_int};
use std::ptr::addr_of_mut;

/// Scheme names indexed by `RTMP_PROTOCOL_*`, as used to build tcUrl.
#[no_mangle]
pub static RTMPProtocolStringsLower: [[c_char; 7]; 9] = protocol_table(false);

/// The flashVer sent when `RTMP_SetupStream` is given none ("LNX 10,0,32,18", "WIN …" on Windows).
#[no_mangle]
pub static RTMP_DefaultFlashVer: AVal =
    AVal { av_val: crate::sys::DEFAULT_FLASHVER.as_ptr() as *mut c_char, av_len: 14 };

/// Set by `RTMP_UserInterrupt` (or by an application's signal handler): blocking calls give up.
#[no_mangle]
pub static mut RTMP_ctrlC: c_int = 0;

pub(crate) const PROTOCOL_NAMES: [&str; 9] = ["rtmp", "rtmpt", "rtmpe", "rtmpte", "rtmps", "rtmpts", "", "", "rtmfp"];

pub(crate) const fn protocol_table(upper: bool) -> [[c_char; 7]; 9] {
    let mut table = [[0 as c_char; 7]; 9];
    let mut i = 0;
    while i < 9 {
        let name = PROTOCOL_NAMES[i].as_bytes();
        let mut j = 0;
        while j < name.len() {
            let c = if upper { name[j].to_ascii_uppercase() } else { name[j] };
            table[i][j] = c as c_char;
            j += 1;
        }
        i += 1;
    }
    table
}

/// True once the user asked blocking calls to stop.
pub fn interrupted() -> bool {
    // SAFETY: an aligned int of static lifetime, set from signal handlers or other threads
    // (RTMP_UserInterrupt): read atomically.
    unsafe { core::sync::atomic::AtomicI32::from_ptr(addr_of_mut!(RTMP_ctrlC)) }
        .load(core::sync::atomic::Ordering::Relaxed)
        != 0
}
/// Scheme names in upper case, indexed by `RTMP_PROTOCOL_*`.
#[no_mangle]
pub static RTMPProtocolStrings: [[c_char; 7]; 9] = protocol_table(true);
