//! The AMF search `<librtmp/rtmp.h>` declares (`RTMP_FindFirstMatchingProperty`); the walk itself
//! is in `amf.rs`.
#![allow(non_snake_case)]

use super::abi::amf::{AMFObject, AMFObjectProperty, AVal};
use super::amf::{find_property, matches_name};
use super::guard::guard;
use core::ffi::c_int;

/// Depth-first search through objects and ECMA arrays for a property called `name`; copies the
/// first one found into `p` and returns TRUE, else FALSE.
///
/// # Safety
/// `obj` a valid object tree, `name` readable, `p` writable.
#[no_mangle]
pub unsafe extern "C" fn RTMP_FindFirstMatchingProperty(
    obj: *mut AMFObject,
    name: *const AVal,
    p: *mut AMFObjectProperty,
) -> c_int {
    guard(0, || {
        // SAFETY: non-NULL pointers from the caller.
        let (Some(obj), Some(name)) = (unsafe { obj.as_ref() }, unsafe { name.as_ref() }) else {
            return 0;
        };
        if p.is_null() {
            return 0;
        }
        // SAFETY: the caller's tree, name and output.
        c_int::from(unsafe { find_property(obj, &matches_name(name), true, p, 0) })
    })
}
