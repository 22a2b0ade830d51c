//! RTMP_SetupURL on any string: the URL grammar, the playpath rules and every option (conn=
//! objects nested to any depth included), through the C entry points as applications call them,
//! then RTMP_Close and RTMP_Free.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::fuzzing::{RTMP_Alloc, RTMP_Close, RTMP_Free, RTMP_Init, RTMP_SetupURL};

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    // swfVfy=1 makes RTMP_SetupURL download and hash the player (as the original does): no
    // network here.
    if data.windows(6).any(|w| w.eq_ignore_ascii_case(b"swfvfy")) {
        return;
    }
    // SetupURL keeps pointers into the string: it lives until the handle is freed.
    let mut s: Vec<u8> = data.iter().map(|&b| if b == 0 { b' ' } else { b }).collect();
    s.push(0);
    // SAFETY: a fresh handle, a NUL-terminated string that outlives it.
    unsafe {
        let r = RTMP_Alloc();
        RTMP_Init(r);
        let _ = RTMP_SetupURL(r, s.as_mut_ptr() as *mut _);
        RTMP_Close(r);
        RTMP_Free(r);
    }
    let _ = rtmp::url::parse_url(data);
    let _ = rtmp::url::parse_playpath(data);
});
