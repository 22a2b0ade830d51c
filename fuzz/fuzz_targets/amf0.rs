//! AMF0 as a server's command messages carry it: the safe decoder (bare values, as in a command,
//! and named properties, as inside an object) and the C API's AMF_Decode/AMF_Dump/AMF_Reset over
//! the same bytes, which must agree on success.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::amf::amf0;
use rtmp::fuzzing::AMFObject;

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    for names in [false, true] {
        let ours = amf0::decode_object(data, names, &mut ());
        let mut obj = AMFObject { o_num: 0, o_props: core::ptr::null_mut() };
        // SAFETY: `data` is readable for its length; the object is released below.
        let n = unsafe { rtmp::fuzzing::AMF_Decode(&mut obj, data.as_ptr() as *const _, data.len() as i32, i32::from(names)) };
        if let Ok((_, used)) = &ours {
            assert_eq!(n as usize, *used, "AMF_Decode and decode_object disagree on the length");
        }
        // SAFETY: an object AMF_Decode filled (or left empty).
        unsafe { rtmp::fuzzing::AMF_Reset(&mut obj) };
    }
});
