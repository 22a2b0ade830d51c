//! The AMF search `<librtmp/rtmp.h>` declares (`RTMP_FindFirstMatchingProperty`); the walk itself
//! is in `amf.rs`.
#![allow(non_snake_case)]

use super::abi::amf::{AMFObject, AMFObjectProperty, AVal};
use super::amf::{find_export, NameMatch};
use super::boundary::guard;
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
    // SAFETY: the caller's pointers, each NULL or valid.
    guard(0, || unsafe { find_export(obj, name, p, NameMatch::Whole) })
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
