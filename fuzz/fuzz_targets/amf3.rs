//! AMF3 (type 0x11 commands, AMF3 data): the safe decoder with its reference tables, and the C
//! API's AMF3_Decode into an AMFObject (the original crashed on malformed AMF3: CVE-2015-8270/1/2).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::amf::amf3;
use rtmp::fuzzing::AMFObject;

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    let _ = amf3::decode(data);
    for named in [0, 1] {
        let mut obj = AMFObject { o_num: 0, o_props: core::ptr::null_mut() };
        // SAFETY: `data` is readable for its length; the object is released below.
        unsafe {
            rtmp::fuzzing::AMF3_Decode(&mut obj, data.as_ptr() as *const _, data.len() as i32, named);
            rtmp::fuzzing::AMF_Reset(&mut obj);
        }
    }
});
