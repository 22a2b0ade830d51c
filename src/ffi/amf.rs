//! AMF exports of `<librtmp/amf.h>`: thin C wrappers over `crate::amf`.
//!
//! Decoders build their result with `malloc`ed property arrays whose capacity is rounded up to a
//! multiple of 16, because `AMF_AddProp` (the original's and ours) only reallocates when the count
//! is a multiple of 16: C code may add properties to a decoded object. Strings point into the
//! caller's buffer. On failure nothing stays allocated and the object is left empty. Encoders build
//! into a bounded Rust buffer with the original's room rules and copy the bytes out.
#![allow(non_snake_case)]

use super::abi::amf::{AMF3ClassDef, AMFDataTypeRepr, AMFObject, AMFObjectProperty, AMFObjectProperty_p_vu, AVal};
use super::boundary::guard;
use super::logging::{current_level as level, log_bytes, LOG_DEBUG, LOG_ERROR, LOG_WARNING};
use crate::amf::encode::{self, EncodeError, Limited, Out};
use crate::amf::event::{Event, Level, Sink};
use crate::amf::legacy3::StringHeader;
use crate::amf::value::marker;
use crate::amf::{amf0, dump, legacy3, Object, Property, Value};
use core::ffi::{c_char, c_int, c_short, c_uint, c_ushort};
use core::mem::size_of;
use core::ptr::{self, null_mut};
use std::collections::HashSet;

const AMF_INVALID: AMFDataTypeRepr = 0xff;

/// Objects deeper than this in a caller's tree are treated as empty by dumps, searches and
/// encoders (the original recursed until the stack ran out, which a cyclic tree makes certain).
/// Decoded trees are at most `crate::amf::MAX_DEPTH` + 1 deep.
const C_TREE_DEPTH: usize = 2 * crate::amf::MAX_DEPTH;

/// The property `AMF_GetProp` returns when there is none: read-only, like the original's `const`.
#[repr(transparent)]
struct StaticProp(AMFObjectProperty);
// SAFETY: never written (it lives in read-only memory); sharing it only shares its address.
unsafe impl Sync for StaticProp {}

static INVALID_PROP: StaticProp = StaticProp(AMFObjectProperty {
    p_name: AVal::EMPTY,
    p_type: AMF_INVALID,
    p_vu: AMFObjectProperty_p_vu { p_object: AMFObject::EMPTY },
    p_UTCoffset: 0,
});

#[repr(transparent)]
struct StaticAVal(AVal);
// SAFETY: as for StaticProp.
unsafe impl Sync for StaticAVal {}

/// What `AMF3CD_GetProp` returns past the end.
static EMPTY_AVAL: StaticAVal = StaticAVal(AVal::EMPTY);

/// Routes decoder and encoder events to the librtmp log, pointers relative to the caller's buffer.
struct CLog {
    base: usize,
}

impl Sink for CLog {
    fn event(&mut self, e: &Event<'_>) {
        let lvl = match e.level() {
            Level::Error => LOG_ERROR,
            Level::Warning => LOG_WARNING,
            Level::Debug => LOG_DEBUG,
        };
        if lvl <= level() {
            log_bytes(lvl, &e.text(self.base));
        }
    }
}

/// The span of the caller's input a decoded tree points into: empty strings that point inside it
/// keep their pointer (AMF3's inline empty strings), others become NULL (AMF0's empty strings,
/// AMF3's unresolved references), as in the original.
#[derive(Clone, Copy)]
struct Span {
    lo: usize,
    hi: usize,
}

impl Span {
    fn of(data: &[u8]) -> Span {
        let lo = data.as_ptr() as usize;
        Span { lo, hi: lo + data.len() }
    }

    fn aval(self, s: &[u8]) -> AVal {
        let at = s.as_ptr() as usize;
        if s.is_empty() && !(self.lo..=self.hi).contains(&at) {
            AVal::EMPTY
        } else {
            AVal { av_val: s.as_ptr() as *mut c_char, av_len: s.len() as c_int }
        }
    }
}

/// The bytes of a caller's AVal (empty when NULL or of negative length).
///
/// # Safety
/// `v.av_val` must point to `v.av_len` readable bytes for `'a` when both are set.
unsafe fn bytes_of<'a>(v: &AVal) -> &'a [u8] {
    if v.av_val.is_null() || v.av_len <= 0 {
        &[]
    } else {
        // SAFETY: the caller promises av_len readable bytes at av_val.
        unsafe { std::slice::from_raw_parts(v.av_val as *const u8, v.av_len as usize) }
    }
}

/// The caller's input as a slice, or `None` for NULL / non-positive sizes.
///
/// # Safety
/// `buf` must point to `size` readable bytes that stay valid for `'a`.
unsafe fn input<'a>(buf: *const c_char, size: c_int) -> Option<&'a [u8]> {
    if buf.is_null() || size <= 0 {
        return None;
    }
    // SAFETY: the caller promises `size` readable bytes at `buf`.
    Some(unsafe { std::slice::from_raw_parts(buf as *const u8, size as usize) })
}

// ---------------------------------------------------------------------------------------------
// Building and freeing C trees.

/// The C form of a decoded property: `None` if memory ran out (nothing stays allocated then).
fn build_prop(p: &Property<'_>, span: Span) -> Option<AMFObjectProperty> {
    let mut c = AMFObjectProperty {
        p_name: span.aval(p.name),
        p_type: p.value.type_code(),
        p_vu: AMFObjectProperty_p_vu { p_object: AMFObject::EMPTY },
        p_UTCoffset: 0,
    };
    match &p.value {
        Value::Number(n) => c.p_vu.p_number = *n,
        Value::Boolean(b) => c.p_vu.p_number = if *b { 1.0 } else { 0.0 },
        Value::String(s) | Value::XmlDoc(s) => c.p_vu.p_aval = span.aval(s),
        Value::Object(o) | Value::EcmaArray(o) | Value::StrictArray(o) => c.p_vu.p_object = build_object(o, span)?,
        Value::Date { millis, utc_offset } => {
            c.p_vu.p_number = *millis;
            c.p_UTCoffset = *utc_offset;
        }
        Value::Null | Value::Other(_) => {}
    }
    Some(c)
}

/// The C form of a decoded object, its array `malloc`ed in blocks of 16 properties.
fn build_object(obj: &Object<'_>, span: Span) -> Option<AMFObject> {
    let n = obj.props.len();
    if n == 0 {
        return Some(AMFObject::EMPTY);
    }
    let count = c_int::try_from(n).ok()?;
    let cap = n.checked_add(15)? & !15;
    let size = cap.checked_mul(size_of::<AMFObjectProperty>())?;
    // SAFETY: plain allocation; the result is checked for NULL before use.
    let arr = unsafe { libc::malloc(size) } as *mut AMFObjectProperty;
    if arr.is_null() {
        return None;
    }
    for (i, p) in obj.props.iter().enumerate() {
        match build_prop(p, span) {
            // SAFETY: i < n <= cap elements were allocated.
            Some(c) => unsafe { arr.add(i).write(c) },
            None => {
                let mut partial = AMFObject { o_num: i as c_int, o_props: arr };
                // SAFETY: the first i entries are initialised properties built above.
                unsafe { reset_object(&mut partial) };
                return None;
            }
        }
    }
    Some(AMFObject { o_num: count, o_props: arr })
}

/// `AMF_Reset`: frees every property array below `obj` and empties it; strings are not owned.
/// Iterative, and each array is freed once even when shallow copies share it (the AMF3 reading of
/// the original produced such copies, which made its reset free them twice).
///
/// # Safety
/// `obj` must be a valid object whose arrays come from `malloc`.
unsafe fn reset_object(obj: *mut AMFObject) {
    let mut freed: HashSet<usize> = HashSet::new();
    let mut stack: Vec<(*mut AMFObjectProperty, c_int)> = Vec::new();
    // SAFETY: the caller passes a valid object.
    unsafe {
        stack.push(((*obj).o_props, (*obj).o_num));
        (*obj).o_props = null_mut();
        (*obj).o_num = 0;
    }
    while let Some((props, num)) = stack.pop() {
        if props.is_null() || !freed.insert(props as usize) {
            continue;
        }
        for i in 0..num.max(0) as usize {
            // SAFETY: `props` holds `num` properties (the object's own count).
            let p = unsafe { &mut *props.add(i) };
            if matches!(p.p_type, 3 | 8 | 10) {
                // SAFETY: object-typed properties hold an object in the union.
                let o = unsafe { &mut p.p_vu.p_object };
                stack.push((o.o_props, o.o_num));
                o.o_props = null_mut();
                o.o_num = 0;
            } else {
                p.p_vu.p_aval = AVal::EMPTY;
            }
            p.p_type = AMF_INVALID;
        }
        // SAFETY: allocated with malloc/realloc by a decoder or AMF_AddProp, freed once (checked).
        unsafe { libc::free(props.cast()) };
    }
}

// ---------------------------------------------------------------------------------------------
// Reading C trees.

/// A caller's property as a core value, borrowing its strings.
///
/// # Safety
/// `p` must be a valid property whose strings and arrays are readable for `'a`.
unsafe fn view_prop<'a>(p: &'a AMFObjectProperty, depth: usize) -> Property<'a> {
    // SAFETY (whole function): the union member read is the one `p_type` says is live, as the
    // original reads it; strings and arrays are the caller's promise.
    unsafe {
        let value = match p.p_type {
            0 => Value::Number(p.p_vu.p_number),
            1 => Value::Boolean(p.p_vu.p_number != 0.0),
            2 => Value::String(bytes_of(&p.p_vu.p_aval)),
            3 => Value::Object(view_object(&p.p_vu.p_object, depth + 1)),
            5 => Value::Null,
            8 => Value::EcmaArray(view_object(&p.p_vu.p_object, depth + 1)),
            10 => Value::StrictArray(view_object(&p.p_vu.p_object, depth + 1)),
            11 => Value::Date { millis: p.p_vu.p_number, utc_offset: p.p_UTCoffset },
            15 => Value::XmlDoc(bytes_of(&p.p_vu.p_aval)),
            other => Value::Other(other),
        };
        Property { name: bytes_of(&p.p_name), value }
    }
}

/// Writes a string value (a long string from 65536 bytes on); NULL if fewer than 5 + length bytes remain.
///
/// # Safety
/// As [`view_prop`].
unsafe fn view_object<'a>(o: &'a AMFObject, depth: usize) -> Object<'a> {
    if depth > C_TREE_DEPTH || o.o_props.is_null() || o.o_num <= 0 {
        return Object::default();
    }
    // SAFETY: the object holds o_num properties.
    let props = unsafe { std::slice::from_raw_parts(o.o_props, o.o_num as usize) };
    // SAFETY: forwarded caller promise.
    Object::new(props.iter().map(|p| unsafe { view_prop(p, depth) }).collect())
}

/// Copies an encoding into the caller's buffer and returns the end pointer, or NULL on failure
/// (bytes written before the failure are copied too, as the original leaves them there).
///
/// # Safety
/// `out` must have room for `bytes.len()` bytes (never more than the room the encoder was given).
unsafe fn finish(out: *mut c_char, bytes: &[u8], r: Result<(), EncodeError>) -> *mut c_char {
    // SAFETY: `bytes` never exceeds the room between `out` and the caller's end pointer;
    // `ptr::copy` tolerates overlap with the caller's input strings.
    unsafe {
        ptr::copy(bytes.as_ptr(), out as *mut u8, bytes.len());
        match r {
            Ok(()) => out.add(bytes.len()),
            Err(_) => null_mut(),
        }
    }
}

/// Room between `out` and `end`; `None` when `out` is NULL.
fn room(out: *mut c_char, end: *mut c_char) -> Option<usize> {
    if out.is_null() {
        return None;
    }
    Some((end as usize).saturating_sub(out as usize))
}

/// Runs `body` on a bounded buffer of the room between `out` and `end` and copies the result out.
///
/// # Safety
/// `out..end` must be writable.
unsafe fn encode_into(
    out: *mut c_char,
    end: *mut c_char,
    body: impl FnOnce(&mut dyn Out, &mut CLog) -> Result<(), EncodeError>,
) -> *mut c_char {
    let Some(room) = room(out, end) else {
        return null_mut();
    };
    let mut buf = Limited::new(room);
    let mut log = CLog { base: out as usize };
    let r = body(&mut buf, &mut log);
    // SAFETY: Limited never holds more than `room` bytes.
    unsafe { finish(out, &buf.bytes, r) }
}

// ---------------------------------------------------------------------------------------------
// Encoders.

/// Writes a string value (a long string from 65536 bytes on); NULL if fewer than 5 + length bytes remain.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeString(output: *mut c_char, outend: *mut c_char, str: *const AVal) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: a non-NULL AVal from the caller.
        let Some(s) = (unsafe { str.as_ref() }) else {
            return null_mut();
        };
        if s.av_len < 0 || (s.av_val.is_null() && s.av_len > 0) {
            return null_mut();
        }
        // SAFETY: the caller's string and buffer.
        unsafe { encode_into(output, outend, |o, _| encode::string(o, bytes_of(s))) }
    })
}

/// Writes a number value (9 bytes); NULL if it does not fit.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeNumber(output: *mut c_char, outend: *mut c_char, dVal: f64) -> *mut c_char {
    // SAFETY: the caller's buffer.
    guard(null_mut(), || unsafe { encode_into(output, outend, |o, _| encode::number(o, dVal)) })
}

/// Writes a big-endian 16-bit integer; NULL if it does not fit.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeInt16(output: *mut c_char, outend: *mut c_char, nVal: c_short) -> *mut c_char {
    // SAFETY: the caller's buffer.
    guard(null_mut(), || unsafe { encode_into(output, outend, |o, _| encode::int16(o, nVal as u16)) })
}

/// Writes a big-endian 24-bit integer; NULL if it does not fit.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeInt24(output: *mut c_char, outend: *mut c_char, nVal: c_int) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: the caller's buffer.
        unsafe { encode_into(output, outend, |o, _| encode::int24(o, (nVal as u32) & 0xff_ffff)) }
    })
}

/// Writes a big-endian 32-bit integer; NULL if it does not fit.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeInt32(output: *mut c_char, outend: *mut c_char, nVal: c_int) -> *mut c_char {
    // SAFETY: the caller's buffer.
    guard(null_mut(), || unsafe { encode_into(output, outend, |o, _| encode::int32(o, nVal as u32)) })
}

/// Writes a boolean value (2 bytes); NULL if it does not fit.
///
/// # Safety
/// `output..outend` must be writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeBoolean(output: *mut c_char, outend: *mut c_char, bVal: c_int) -> *mut c_char {
    // SAFETY: the caller's buffer.
    guard(null_mut(), || unsafe { encode_into(output, outend, |o, _| encode::boolean(o, bVal != 0)) })
}

/// A name for the `AMF_EncodeNamed*` functions: `None` when NULL or unusable.
///
/// # Safety
/// As [`bytes_of`].
unsafe fn name_arg<'a>(name: *const AVal) -> Option<&'a [u8]> {
    // SAFETY: a non-NULL AVal from the caller.
    let n = unsafe { name.as_ref() }?;
    if n.av_len < 0 || (n.av_val.is_null() && n.av_len > 0) {
        return None;
    }
    // SAFETY: checked above; readable per the caller.
    Some(unsafe { bytes_of(n) })
}

/// Writes a property name and a string value; NULL if they do not fit.
///
/// # Safety
/// `output..outend` must be writable; the AVals readable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeNamedString(
    output: *mut c_char,
    outend: *mut c_char,
    strName: *const AVal,
    strValue: *const AVal,
) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: the caller's AVals and buffer.
        unsafe {
            let (Some(n), Some(v)) = (name_arg(strName), name_arg(strValue)) else {
                return null_mut();
            };
            encode_into(output, outend, |o, _| encode::named_string(o, n, v))
        }
    })
}

/// Writes a property name and a number value; NULL if they do not fit.
///
/// # Safety
/// `output..outend` must be writable; the name readable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeNamedNumber(
    output: *mut c_char,
    outend: *mut c_char,
    strName: *const AVal,
    dVal: f64,
) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: the caller's AVal and buffer.
        unsafe {
            let Some(n) = name_arg(strName) else {
                return null_mut();
            };
            encode_into(output, outend, |o, _| encode::named_number(o, n, dVal))
        }
    })
}

/// Writes a property name and a boolean value; NULL if they do not fit.
///
/// # Safety
/// `output..outend` must be writable; the name readable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeNamedBoolean(
    output: *mut c_char,
    outend: *mut c_char,
    strName: *const AVal,
    bVal: c_int,
) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: the caller's AVal and buffer.
        unsafe {
            let Some(n) = name_arg(strName) else {
                return null_mut();
            };
            encode_into(output, outend, |o, _| encode::named_boolean(o, n, bVal != 0))
        }
    })
}

/// The three container encoders share everything but the core function.
///
/// # Safety
/// `obj` a valid object tree; `pBuffer..pBufEnd` writable.
unsafe fn encode_container(
    obj: *mut AMFObject,
    pBuffer: *mut c_char,
    pBufEnd: *mut c_char,
    f: fn(&mut dyn Out, &Object<'_>, &mut dyn Sink) -> Result<(), EncodeError>,
) -> *mut c_char {
    // SAFETY: a non-NULL object from the caller.
    let Some(obj) = (unsafe { obj.as_ref() }) else {
        return null_mut();
    };
    // SAFETY: the caller's tree and buffer.
    unsafe {
        let view = view_object(obj, 0);
        encode_into(pBuffer, pBufEnd, |o, log| f(o, &view, log))
    }
}

/// Writes an object and its end marker; a property that does not fit ends the object early.
///
/// # Safety
/// `obj` a valid object tree; `pBuffer..pBufEnd` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_Encode(obj: *mut AMFObject, pBuffer: *mut c_char, pBufEnd: *mut c_char) -> *mut c_char {
    // SAFETY: forwarded caller promise.
    guard(null_mut(), || unsafe { encode_container(obj, pBuffer, pBufEnd, encode::object) })
}

/// Writes an ECMA array (count, named members, end marker).
///
/// # Safety
/// `obj` a valid object tree; `pBuffer..pBufEnd` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeEcmaArray(
    obj: *mut AMFObject,
    pBuffer: *mut c_char,
    pBufEnd: *mut c_char,
) -> *mut c_char {
    // SAFETY: forwarded caller promise.
    guard(null_mut(), || unsafe { encode_container(obj, pBuffer, pBufEnd, encode::ecma_array) })
}

/// Writes a strict array (count and elements, no end marker).
///
/// # Safety
/// `obj` a valid object tree; `pBuffer..pBufEnd` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_EncodeArray(
    obj: *mut AMFObject,
    pBuffer: *mut c_char,
    pBufEnd: *mut c_char,
) -> *mut c_char {
    // SAFETY: forwarded caller promise.
    guard(null_mut(), || unsafe { encode_container(obj, pBuffer, pBufEnd, encode::strict_array) })
}

/// Writes one property (its name if it has one, unless null); NULL if it does not fit or has no AMF0 encoding.
///
/// # Safety
/// `prop` a valid property; `pBuffer..pBufEnd` writable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_Encode(
    prop: *mut AMFObjectProperty,
    pBuffer: *mut c_char,
    pBufEnd: *mut c_char,
) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: a non-NULL property from the caller.
        let Some(p) = (unsafe { prop.as_ref() }) else {
            return null_mut();
        };
        // SAFETY: the caller's tree and buffer.
        unsafe {
            let view = view_prop(p, 0);
            encode_into(pBuffer, pBufEnd, |o, log| encode::property(o, &view, log))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Fixed-size readers: no length is given, so they read what the original reads.

/// Reads a big-endian 16-bit integer.
///
/// # Safety
/// `data` must point to 2 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeInt16(data: *const c_char) -> c_ushort {
    guard(0, || {
        if data.is_null() {
            return 0;
        }
        // SAFETY: the caller promises 2 bytes.
        let b = unsafe { std::slice::from_raw_parts(data as *const u8, 2) };
        u16::from_be_bytes([b[0], b[1]])
    })
}

/// Reads a big-endian 24-bit integer.
///
/// # Safety
/// `data` must point to 3 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeInt24(data: *const c_char) -> c_uint {
    guard(0, || {
        if data.is_null() {
            return 0;
        }
        // SAFETY: the caller promises 3 bytes.
        let b = unsafe { std::slice::from_raw_parts(data as *const u8, 3) };
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    })
}

/// Reads a big-endian 32-bit integer.
///
/// # Safety
/// `data` must point to 4 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeInt32(data: *const c_char) -> c_uint {
    guard(0, || {
        if data.is_null() {
            return 0;
        }
        // SAFETY: the caller promises 4 bytes.
        let b = unsafe { std::slice::from_raw_parts(data as *const u8, 4) };
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    })
}

/// Reads a 16-bit length and points `bv` at the bytes after it (NULL when empty).
///
/// # Safety
/// `data` must point to a 2-byte length and that many bytes; `bv` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeString(data: *const c_char, bv: *mut AVal) {
    guard((), || {
        if data.is_null() || bv.is_null() {
            return;
        }
        // SAFETY: the caller's 2-byte length and AVal.
        unsafe {
            let len = c_int::from(AMF_DecodeInt16(data));
            *bv = AVal { av_val: if len > 0 { data.add(2) as *mut c_char } else { null_mut() }, av_len: len };
        }
    })
}

/// Reads a 32-bit length and points `bv` at the bytes after it (NULL when empty).
///
/// # Safety
/// `data` must point to a 4-byte length and that many bytes; `bv` writable.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeLongString(data: *const c_char, bv: *mut AVal) {
    guard((), || {
        if data.is_null() || bv.is_null() {
            return;
        }
        // SAFETY: the caller's 4-byte length and AVal.
        unsafe {
            let len = AMF_DecodeInt32(data) as c_int;
            *bv = AVal { av_val: if len > 0 { data.add(4) as *mut c_char } else { null_mut() }, av_len: len };
        }
    })
}

/// Reads a big-endian double.
///
/// # Safety
/// `data` must point to 8 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeNumber(data: *const c_char) -> f64 {
    guard(0.0, || {
        if data.is_null() {
            return 0.0;
        }
        // SAFETY: the caller promises 8 bytes.
        let b = unsafe { std::slice::from_raw_parts(data as *const u8, 8) };
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        f64::from_be_bytes(a)
    })
}

/// Reads a byte as a boolean.
///
/// # Safety
/// `data` must point to 1 readable byte.
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeBoolean(data: *const c_char) -> c_int {
    guard(0, || {
        if data.is_null() {
            return 0;
        }
        // SAFETY: the caller promises 1 byte.
        c_int::from(unsafe { *data } != 0)
    })
}

// ---------------------------------------------------------------------------------------------
// Decoders.

/// Logs what the original logs when a property decoder gets no input.
fn empty_input(amf3: bool) {
    let e = if amf3 { Event::Amf3EmptyInput } else { Event::PropEmptyInput };
    CLog { base: 0 }.event(&e);
}

/// Decodes properties up to an end marker or the end of the input; returns the bytes used or -1.
///
/// # Safety
/// `obj` writable; `pBuffer` readable for `nSize` bytes, which must outlive the decoded tree.
#[no_mangle]
pub unsafe extern "C" fn AMF_Decode(
    obj: *mut AMFObject,
    pBuffer: *const c_char,
    nSize: c_int,
    bDecodeName: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: a non-NULL object from the caller.
        let Some(obj) = (unsafe { obj.as_mut() }) else {
            return -1;
        };
        *obj = AMFObject::EMPTY;
        if nSize <= 0 {
            return 0;
        }
        // SAFETY: the caller's buffer.
        let Some(data) = (unsafe { input(pBuffer, nSize) }) else {
            empty_input(false);
            return -1;
        };
        let mut log = CLog { base: pBuffer as usize };
        match amf0::decode_object(data, bDecodeName != 0, &mut log) {
            Ok((o, used)) => match build_object(&o, Span::of(data)) {
                Some(c) => {
                    *obj = c;
                    used as c_int
                }
                None => -1,
            },
            Err(_) => -1,
        }
    })
}

/// Decodes `nArrayLen` properties; returns the bytes used or -1.
///
/// # Safety
/// As [`AMF_Decode`].
#[no_mangle]
pub unsafe extern "C" fn AMF_DecodeArray(
    obj: *mut AMFObject,
    pBuffer: *const c_char,
    nSize: c_int,
    nArrayLen: c_int,
    bDecodeName: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: a non-NULL object from the caller.
        let Some(obj) = (unsafe { obj.as_mut() }) else {
            return -1;
        };
        *obj = AMFObject::EMPTY;
        if nArrayLen <= 0 {
            return 0;
        }
        if nSize <= 0 {
            return -1;
        }
        // SAFETY: the caller's buffer.
        let Some(data) = (unsafe { input(pBuffer, nSize) }) else {
            empty_input(false);
            return -1;
        };
        let mut log = CLog { base: pBuffer as usize };
        match amf0::decode_array(data, nArrayLen, bDecodeName != 0, &mut log) {
            Ok((o, used)) => match build_object(&o, Span::of(data)) {
                Some(c) => {
                    *obj = c;
                    used as c_int
                }
                None => -1,
            },
            Err(_) => -1,
        }
    })
}

/// Decodes an AMF3 object as librtmp does (after a marker byte if `bDecodeName`); returns the bytes used or -1.
///
/// # Safety
/// As [`AMF_Decode`].
#[no_mangle]
pub unsafe extern "C" fn AMF3_Decode(
    obj: *mut AMFObject,
    pBuffer: *const c_char,
    nSize: c_int,
    bDecodeName: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: a non-NULL object from the caller.
        let Some(obj) = (unsafe { obj.as_mut() }) else {
            return -1;
        };
        *obj = AMFObject::EMPTY;
        // SAFETY: the caller's buffer.
        let Some(data) = (unsafe { input(pBuffer, nSize) }) else {
            return -1;
        };
        let mut log = CLog { base: pBuffer as usize };
        match legacy3::decode_object(data, bDecodeName != 0, &mut log) {
            Ok((o, used)) => match build_object(&o, Span::of(data)) {
                Some(c) => {
                    *obj = c;
                    used as c_int
                }
                None => -1,
            },
            Err(_) => -1,
        }
    })
}

/// Stores a decoded value into `prop` the way the original does: the type and the union member
/// that type uses; nothing else is touched (a null writes only its type).
fn store_value(prop: &mut AMFObjectProperty, v: &Value<'_>, span: Span) -> bool {
    match build_prop(&Property::new(&[], v.clone()), span) {
        Some(c) => {
            prop.p_type = c.p_type;
            match v {
                Value::Null | Value::Other(_) => {}
                Value::Date { .. } => {
                    // SAFETY: reading the member just written by build_prop.
                    prop.p_vu.p_number = unsafe { c.p_vu.p_number };
                    prop.p_UTCoffset = c.p_UTCoffset;
                }
                _ => prop.p_vu = c.p_vu,
            }
            true
        }
        None => false,
    }
}

/// Decodes one property (named if `bDecodeName`); returns the bytes used or -1.
///
/// # Safety
/// `prop` writable; `pBuffer` readable for `nSize` bytes, which must outlive the decoded tree.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_Decode(
    prop: *mut AMFObjectProperty,
    pBuffer: *const c_char,
    nSize: c_int,
    bDecodeName: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: a non-NULL property from the caller.
        let Some(prop) = (unsafe { prop.as_mut() }) else {
            return -1;
        };
        prop.p_name = AVal::EMPTY;
        if nSize == 0 || pBuffer.is_null() {
            empty_input(false);
            return -1;
        }
        if nSize < 0 {
            if bDecodeName != 0 {
                CLog { base: 0 }.event(&Event::PropNameNoRoom);
            }
            return -1;
        }
        // SAFETY: the caller's buffer.
        let Some(data) = (unsafe { input(pBuffer, nSize) }) else {
            return -1;
        };
        let mut log = CLog { base: pBuffer as usize };
        match amf0::decode_property(data, bDecodeName != 0, &mut log) {
            Ok((p, used)) => {
                if !store_value(prop, &p.value, Span::of(data)) {
                    return -1;
                }
                prop.p_name = Span::of(data).aval(p.name);
                used as c_int
            }
            Err(_) => -1,
        }
    })
}

/// Decodes one AMF3 value into an AMF0 property (named if `bDecodeName`); returns the bytes used or -1.
///
/// # Safety
/// As [`AMFProp_Decode`].
#[no_mangle]
pub unsafe extern "C" fn AMF3Prop_Decode(
    prop: *mut AMFObjectProperty,
    pBuffer: *const c_char,
    nSize: c_int,
    bDecodeName: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: a non-NULL property from the caller.
        let Some(prop) = (unsafe { prop.as_mut() }) else {
            return -1;
        };
        prop.p_name = AVal::EMPTY;
        if nSize == 0 || pBuffer.is_null() {
            empty_input(true);
            return -1;
        }
        // SAFETY: the caller's buffer.
        let Some(data) = (unsafe { input(pBuffer, nSize) }) else {
            return -1;
        };
        let mut log = CLog { base: pBuffer as usize };
        match legacy3::decode_property(data, bDecodeName != 0, &mut log) {
            Ok((p, used)) => {
                if let Some(v) = &p.value {
                    if !store_value(prop, v, Span::of(data)) {
                        return -1;
                    }
                }
                prop.p_name = Span::of(data).aval(p.name);
                used as c_int
            }
            Err(_) => -1,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Objects and properties.

/// Appends a shallow copy of `prop`, growing the array by 16 properties at a time.
///
/// # Safety
/// `obj` a valid object whose array came from `malloc`; `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMF_AddProp(obj: *mut AMFObject, prop: *const AMFObjectProperty) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        let (Some(obj), Some(prop)) = (unsafe { obj.as_mut() }, unsafe { prop.as_ref() }) else {
            return;
        };
        if obj.o_num < 0 || obj.o_num == c_int::MAX {
            return;
        }
        let n = obj.o_num as usize;
        if n % 16 == 0 {
            let size = (n + 16) * size_of::<AMFObjectProperty>();
            // SAFETY: o_props is NULL or from malloc/realloc, as the original requires.
            let grown = unsafe { libc::realloc(obj.o_props.cast(), size) } as *mut AMFObjectProperty;
            if grown.is_null() {
                log_bytes(LOG_ERROR, b"AMF_AddProp: out of memory, property dropped");
                return;
            }
            obj.o_props = grown;
        }
        // SAFETY: the array has room for n + 1 (allocated in blocks of 16).
        unsafe { obj.o_props.add(n).write(*prop) };
        obj.o_num += 1;
    })
}

/// The number of properties.
///
/// # Safety
/// `obj` readable.
#[no_mangle]
pub unsafe extern "C" fn AMF_CountProp(obj: *mut AMFObject) -> c_int {
    // SAFETY: a non-NULL object from the caller.
    guard(0, || unsafe { obj.as_ref() }.map_or(0, |o| o.o_num))
}

/// The property at `nIndex`, or by name when `nIndex` is negative; a static invalid property when there is none.
///
/// # Safety
/// `obj` a valid object; `name` readable when `nIndex < 0`.
#[no_mangle]
pub unsafe extern "C" fn AMF_GetProp(obj: *mut AMFObject, name: *const AVal, nIndex: c_int) -> *mut AMFObjectProperty {
    let invalid = &INVALID_PROP.0 as *const AMFObjectProperty as *mut AMFObjectProperty;
    guard(invalid, || {
        // SAFETY: a non-NULL object from the caller.
        let Some(obj) = (unsafe { obj.as_ref() }) else {
            return invalid;
        };
        if obj.o_props.is_null() {
            return invalid;
        }
        if nIndex >= 0 {
            if nIndex < obj.o_num {
                // SAFETY: index within the object's count.
                return unsafe { obj.o_props.add(nIndex as usize) };
            }
            return invalid;
        }
        // SAFETY: a non-NULL name from the caller.
        let Some(name) = (unsafe { name.as_ref() }) else {
            return invalid;
        };
        for i in 0..obj.o_num.max(0) as usize {
            // SAFETY: i within the object's count.
            let p = unsafe { obj.o_props.add(i) };
            // SAFETY: properties and names are readable per the caller.
            if unsafe { av_match(&(*p).p_name, name) } {
                return p;
            }
        }
        invalid
    })
}

/// `AVMATCH`: same length and bytes.
///
/// # Safety
/// Both AVals readable.
unsafe fn av_match(a: &AVal, b: &AVal) -> bool {
    if a.av_len != b.av_len {
        return false;
    }
    if a.av_len <= 0 || a.av_val == b.av_val {
        return true;
    }
    if a.av_val.is_null() || b.av_val.is_null() {
        return false;
    }
    // SAFETY: both hold av_len readable bytes.
    unsafe { bytes_of(a) == bytes_of(b) }
}

/// Logs the object at debug level, one line per property.
///
/// # Safety
/// `obj` a valid object tree.
#[no_mangle]
pub unsafe extern "C" fn AMF_Dump(obj: *mut AMFObject) {
    guard((), || {
        if level() < LOG_DEBUG {
            return;
        }
        // SAFETY: a non-NULL object from the caller.
        let Some(obj) = (unsafe { obj.as_ref() }) else {
            return;
        };
        // SAFETY: the caller's tree.
        let view = unsafe { view_object(obj, 0) };
        dump::object(&view, &mut |l| log_bytes(LOG_DEBUG, l));
    })
}

/// Frees the property arrays of the object and everything in it (not the strings) and empties it.
///
/// # Safety
/// `obj` a valid object tree whose arrays came from `malloc`.
#[no_mangle]
pub unsafe extern "C" fn AMF_Reset(obj: *mut AMFObject) {
    guard((), || {
        if !obj.is_null() {
            // SAFETY: a valid object per the caller.
            unsafe { reset_object(obj) }
        }
    })
}

/// The property's type.
///
/// # Safety
/// `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetType(prop: *mut AMFObjectProperty) -> AMFDataTypeRepr {
    // SAFETY: a non-NULL property from the caller.
    guard(AMF_INVALID, || unsafe { prop.as_ref() }.map_or(AMF_INVALID, |p| p.p_type))
}

/// The property's name.
///
/// # Safety
/// `prop` readable; `name` writable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetName(prop: *mut AMFObjectProperty, name: *mut AVal) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        if let (Some(p), Some(n)) = (unsafe { prop.as_ref() }, unsafe { name.as_mut() }) {
            *n = p.p_name;
        }
    })
}

/// Sets the property's name (the bytes are not copied).
///
/// # Safety
/// `prop` writable; `name` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_SetName(prop: *mut AMFObjectProperty, name: *mut AVal) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        if let (Some(p), Some(n)) = (unsafe { prop.as_mut() }, unsafe { name.as_ref() }) {
            p.p_name = *n;
        }
    })
}

/// The number member whatever the type, as the original.
///
/// # Safety
/// `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetNumber(prop: *mut AMFObjectProperty) -> f64 {
    // SAFETY: a non-NULL property; every bit pattern is a valid double.
    guard(0.0, || unsafe { prop.as_ref() }.map_or(0.0, |p| unsafe { p.p_vu.p_number }))
}

/// Whether the number member is non-zero.
///
/// # Safety
/// `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetBoolean(prop: *mut AMFObjectProperty) -> c_int {
    // SAFETY: a non-NULL property; every bit pattern is a valid double.
    guard(0, || unsafe { prop.as_ref() }.map_or(0, |p| c_int::from(unsafe { p.p_vu.p_number } != 0.0)))
}

/// The string of a string property, else `{NULL, 0}`.
///
/// # Safety
/// `prop` readable; `str` writable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetString(prop: *mut AMFObjectProperty, str: *mut AVal) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        if let (Some(p), Some(s)) = (unsafe { prop.as_ref() }, unsafe { str.as_mut() }) {
            // SAFETY: p_aval is the live member of a string property.
            *s = if p.p_type == c_int::from(marker::STRING) { unsafe { p.p_vu.p_aval } } else { AVal::EMPTY };
        }
    })
}

/// The object of an object property (not of arrays), else `{0, NULL}`.
///
/// # Safety
/// `prop` readable; `obj` writable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_GetObject(prop: *mut AMFObjectProperty, obj: *mut AMFObject) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        if let (Some(p), Some(o)) = (unsafe { prop.as_ref() }, unsafe { obj.as_mut() }) {
            // SAFETY: p_object is the live member of an object property.
            *o = if p.p_type == c_int::from(marker::OBJECT) { unsafe { p.p_vu.p_object } } else { AMFObject::EMPTY };
        }
    })
}

/// Whether the property is not the invalid one.
///
/// # Safety
/// `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_IsValid(prop: *mut AMFObjectProperty) -> c_int {
    // SAFETY: a non-NULL property from the caller.
    guard(0, || unsafe { prop.as_ref() }.map_or(0, |p| c_int::from(p.p_type != AMF_INVALID)))
}

/// Logs the property at debug level.
///
/// # Safety
/// `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_Dump(prop: *mut AMFObjectProperty) {
    guard((), || {
        if level() < LOG_DEBUG {
            return;
        }
        // SAFETY: a non-NULL property from the caller.
        let Some(p) = (unsafe { prop.as_ref() }) else {
            return;
        };
        // SAFETY: the caller's tree.
        let view = unsafe { view_prop(p, 0) };
        dump::property(&view, &mut |l| log_bytes(LOG_DEBUG, l));
    })
}

/// Frees an object or array property's arrays; any other property just loses its value. The
/// property becomes invalid either way.
///
/// # Safety
/// `prop` a valid property whose arrays came from `malloc`.
#[no_mangle]
pub unsafe extern "C" fn AMFProp_Reset(prop: *mut AMFObjectProperty) {
    guard((), || {
        // SAFETY: a non-NULL property from the caller.
        let Some(p) = (unsafe { prop.as_mut() }) else {
            return;
        };
        if matches!(p.p_type, 3 | 8 | 10) {
            // SAFETY: the object member is live for these types.
            unsafe { reset_object(&mut p.p_vu.p_object) };
        } else {
            p.p_vu.p_aval = AVal::EMPTY;
        }
        p.p_type = AMF_INVALID;
    })
}

// ---------------------------------------------------------------------------------------------
// AMF3 class definitions.

/// Appends a member name to an AMF3 class definition.
///
/// # Safety
/// `cd` a valid class definition whose array came from `malloc`; `prop` readable.
#[no_mangle]
pub unsafe extern "C" fn AMF3CD_AddProp(cd: *mut AMF3ClassDef, prop: *mut AVal) {
    guard((), || {
        // SAFETY: non-NULL pointers from the caller.
        let (Some(cd), Some(prop)) = (unsafe { cd.as_mut() }, unsafe { prop.as_ref() }) else {
            return;
        };
        if cd.cd_num < 0 || cd.cd_num == c_int::MAX {
            return;
        }
        let n = cd.cd_num as usize;
        if n % 16 == 0 {
            // SAFETY: cd_props is NULL or from malloc/realloc.
            let grown = unsafe { libc::realloc(cd.cd_props.cast(), (n + 16) * size_of::<AVal>()) } as *mut AVal;
            if grown.is_null() {
                log_bytes(LOG_ERROR, b"AMF3CD_AddProp: out of memory, member dropped");
                return;
            }
            cd.cd_props = grown;
        }
        // SAFETY: room for n + 1 (blocks of 16).
        unsafe { cd.cd_props.add(n).write(*prop) };
        cd.cd_num += 1;
    })
}

/// The `nIndex`-th member name, or an empty AVal past the end (or before the start).
///
/// # Safety
/// `cd` a valid class definition.
#[no_mangle]
pub unsafe extern "C" fn AMF3CD_GetProp(cd: *mut AMF3ClassDef, nIndex: c_int) -> *mut AVal {
    let empty = &EMPTY_AVAL.0 as *const AVal as *mut AVal;
    guard(empty, || {
        // SAFETY: a non-NULL class definition from the caller.
        let Some(cd) = (unsafe { cd.as_ref() }) else {
            return empty;
        };
        if nIndex < 0 || nIndex >= cd.cd_num || cd.cd_props.is_null() {
            return empty;
        }
        // SAFETY: index within the member count.
        unsafe { cd.cd_props.add(nIndex as usize) }
    })
}

// ---------------------------------------------------------------------------------------------
// Searches (RTMP_FindFirstMatchingProperty is in rtmp_amf.rs, RTMP_FindPrefixProperty in
// amf_undeclared.rs; both walk the C tree here).

/// Depth-first search of `obj` for a property matching `pred`, descending into objects and, if
/// `ecma`, ECMA arrays; copies it to `out`.
///
/// # Safety
/// `obj` a valid tree; `out` writable.
unsafe fn find_property(
    obj: &AMFObject,
    pred: &dyn Fn(&AVal) -> bool,
    ecma: bool,
    out: *mut AMFObjectProperty,
    depth: usize,
) -> bool {
    if depth > C_TREE_DEPTH || obj.o_props.is_null() {
        return false;
    }
    for i in 0..obj.o_num.max(0) as usize {
        // SAFETY: i within the object's count.
        let p = unsafe { &*obj.o_props.add(i) };
        if pred(&p.p_name) {
            // SAFETY: `out` writable per the caller.
            unsafe { out.write(*p) };
            return true;
        }
        if p.p_type == 3 || (ecma && p.p_type == 8) {
            // SAFETY: the object member is live for these types.
            if unsafe { find_property(&p.p_vu.p_object, pred, ecma, out, depth + 1) } {
                return true;
            }
        }
    }
    false
}

/// `AVMATCH` against a caller's name, for [`find_property`].
///
/// # Safety
/// `name` readable.
unsafe fn matches_name(name: &AVal) -> impl Fn(&AVal) -> bool + '_ {
    // SAFETY: names are readable per the caller.
    move |n| unsafe { av_match(n, name) }
}

/// A name longer than `prefix` that starts with it.
///
/// # Safety
/// `prefix` readable.
unsafe fn has_prefix(prefix: &AVal) -> impl Fn(&AVal) -> bool + '_ {
    move |n| {
        // SAFETY: names are readable per the caller.
        let (n, p) = unsafe { (bytes_of(n), bytes_of(prefix)) };
        n.len() > p.len() && n.starts_with(p)
    }
}

/// How a search export matches names.
pub(crate) enum NameMatch {
    /// `AVMATCH`, descending into ECMA arrays too (RTMP_FindFirstMatchingProperty).
    Whole,
    /// A longer name that starts with the given one, objects only (RTMP_FindPrefixProperty).
    Prefix,
}

/// The body both search exports share: FALSE on a NULL argument, else the walk; TRUE if `p`
/// was filled.
///
/// # Safety
/// Each pointer NULL or valid: `obj` a tree, `name` readable, `p` writable.
pub(crate) unsafe fn find_export(
    obj: *mut AMFObject,
    name: *const AVal,
    p: *mut AMFObjectProperty,
    how: NameMatch,
) -> c_int {
    // SAFETY: non-NULL pointers from the caller.
    let (Some(obj), Some(name)) = (unsafe { obj.as_ref() }, unsafe { name.as_ref() }) else {
        return 0;
    };
    if p.is_null() {
        return 0;
    }
    // SAFETY: the caller's tree, name and output.
    let found = unsafe {
        match how {
            NameMatch::Whole => find_property(obj, &matches_name(name), true, p, 0),
            NameMatch::Prefix => find_property(obj, &has_prefix(name), false, p, 0),
        }
    };
    c_int::from(found)
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
