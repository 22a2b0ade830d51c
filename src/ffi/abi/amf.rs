//! The C types of `<librtmp/amf.h>`, laid out exactly as in librtmp 2.4. cbindgen reads this file
//! (with `ffi/amf.rs`) to generate `include/librtmp/amf.h`; the layout test compares them with Debian's.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_int};

pub const TRUE: c_int = 1;
pub const FALSE: c_int = 0;

// The C enum as the header shows it. Rust never stores values of this type: C may put any int into
// an `AMFDataType` member, so the ABI positions use `AMFDataTypeRepr`, which cbindgen renames to
// `AMFDataType`.
#[repr(C)]
pub enum AMFDataType {
    AMF_NUMBER = 0,
    AMF_BOOLEAN,
    AMF_STRING,
    AMF_OBJECT,
    /// reserved, not used
    AMF_MOVIECLIP,
    AMF_NULL,
    AMF_UNDEFINED,
    AMF_REFERENCE,
    AMF_ECMA_ARRAY,
    AMF_OBJECT_END,
    AMF_STRICT_ARRAY,
    AMF_DATE,
    AMF_LONG_STRING,
    AMF_UNSUPPORTED,
    /// reserved, not used
    AMF_RECORDSET,
    AMF_XML_DOC,
    AMF_TYPED_OBJECT,
    /// switch to AMF3
    AMF_AVMPLUS,
    AMF_INVALID = 0xff,
}
pub type AMFDataTypeRepr = c_int;

#[repr(C)]
pub enum AMF3DataType {
    AMF3_UNDEFINED = 0,
    AMF3_NULL,
    AMF3_FALSE,
    AMF3_TRUE,
    AMF3_INTEGER,
    AMF3_DOUBLE,
    AMF3_STRING,
    AMF3_XML_DOC,
    AMF3_DATE,
    AMF3_ARRAY,
    AMF3_OBJECT,
    AMF3_XML,
    AMF3_BYTE_ARRAY,
}

/// A counted byte string; av_val may point into a caller's buffer and is not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AVal {
    pub av_val: *mut c_char,
    pub av_len: c_int,
}

// AVal is a plain pointer pair: sharing one between threads only shares the address. The exported
// constant `RTMP_DefaultFlashVer` needs this.
unsafe impl Sync for AVal {}

impl AVal {
    pub const EMPTY: AVal = AVal { av_val: core::ptr::null_mut(), av_len: 0 };
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AMFObject {
    pub o_num: c_int,
    pub o_props: *mut AMFObjectProperty,
}

impl AMFObject {
    pub const EMPTY: AMFObject = AMFObject { o_num: 0, o_props: core::ptr::null_mut() };
}

/// The value of an AMFObjectProperty; which member is live follows p_type.
#[repr(C)]
#[derive(Clone, Copy)]
pub union AMFObjectProperty_p_vu {
    pub p_number: f64,
    pub p_aval: AVal,
    pub p_object: AMFObject,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct AMFObjectProperty {
    pub p_name: AVal,
    pub p_type: AMFDataTypeRepr,
    pub p_vu: AMFObjectProperty_p_vu,
    pub p_UTCoffset: i16,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AMF3ClassDef {
    pub cd_name: AVal,
    pub cd_externalizable: c_char,
    pub cd_dynamic: c_char,
    pub cd_num: c_int,
    pub cd_props: *mut AVal,
}

// Declared by the original amf.h but defined by no librtmp: declared here only so that the
// generated header keeps them (sources that mention them compile as before; calling them fails to
// link, as it always did). Rust never calls them.
extern "C" {
    pub fn AMFProp_SetNumber(prop: *mut AMFObjectProperty, dval: f64);
    pub fn AMFProp_SetBoolean(prop: *mut AMFObjectProperty, bflag: c_int);
    pub fn AMFProp_SetString(prop: *mut AMFObjectProperty, str: *mut AVal);
    pub fn AMFProp_SetObject(prop: *mut AMFObjectProperty, obj: *mut AMFObject);
}
