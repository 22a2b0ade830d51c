//! librtmp's reading of AMF3 into its AMF0 property model (`AMF3_Decode`, `AMF3Prop_Decode`),
//! reproduced quirk for quirk but bounds-checked. Use [`super::amf3`] for real AMF3.
//!
//! What the original does, and so what this does:
//! * undefined and null become null, false/true booleans, integers, doubles and dates numbers,
//!   strings, XML documents and XML strings; objects become objects; arrays and byte arrays are
//!   refused;
//! * string, object, traits and date references are not resolved: a string reference reads as an
//!   empty string, an object or traits reference as an object with no properties, a date
//!   reference leaves the value of the previous property in place;
//! * a nested object skips one byte after its marker, as if a second marker were there (the
//!   original calls its top-level reader, which expects one);
//! * an externalizable object yields one property named `DEFAULT_ATTRIBUTE`;
//! * the empty name that ends a dynamic object adds one more, unnamed property holding the previous
//!   value again;
//! * when the traits or sealed members run out of input, decoding stops and claims the whole input.
//!
//! An inline empty string is an empty slice of the input (the original points into the buffer);
//! a string reference is an empty slice that points elsewhere (the original gives NULL).
//!
//! Where the original read past its input, walked backwards after a failed member, or used a
//! property it never initialised, this returns an error instead. AMF3 integers use an unsigned
//! fourth byte (the x86 build of the original sign-extends it, the ARM builds do not).

use super::amf0::Decoder;
use super::event::{Event, Sink};
use super::reader::{bytes, f64_at, signed29, u29_at, u8_at};
use super::value::{Object, Property, Value};
use super::DecodeError;

/// The name librtmp gives the single property of an externalizable object.
pub const DEFAULT_ATTRIBUTE: &[u8] = b"DEFAULT_ATTRIBUTE";

/// AMF3 type markers.
pub mod marker {
    pub const UNDEFINED: u8 = 0x00;
    pub const NULL: u8 = 0x01;
    pub const FALSE: u8 = 0x02;
    pub const TRUE: u8 = 0x03;
    pub const INTEGER: u8 = 0x04;
    pub const DOUBLE: u8 = 0x05;
    pub const STRING: u8 = 0x06;
    pub const XML_DOC: u8 = 0x07;
    pub const DATE: u8 = 0x08;
    pub const ARRAY: u8 = 0x09;
    pub const OBJECT: u8 = 0x0a;
    pub const XML: u8 = 0x0b;
    pub const BYTE_ARRAY: u8 = 0x0c;
    pub const VECTOR_INT: u8 = 0x0d;
    pub const VECTOR_UINT: u8 = 0x0e;
    pub const VECTOR_DOUBLE: u8 = 0x0f;
    pub const VECTOR_OBJECT: u8 = 0x10;
    pub const DICTIONARY: u8 = 0x11;
}

/// One property as `AMF3Prop_Decode` leaves it. `value` is `None` where the original writes no
/// type: a date reference, or a name that is empty (the end of a dynamic object).
#[derive(Clone, Debug, PartialEq)]
pub struct Prop3<'a> {
    pub name: &'a [u8],
    pub value: Option<Value<'a>>,
}

/// `AMF3_Decode`: an object, after a marker byte first if `amf_data` (the marker is skipped even
/// when it is not 0x0a, which is only noted).
pub fn decode_object<'a>(
    input: &'a [u8],
    amf_data: bool,
    sink: &mut dyn Sink,
) -> Result<(Object<'a>, usize), DecodeError> {
    let mut d = Decoder::new(input, sink);
    let (obj, used) = d.nested(|d| d.amf3_object(0, input.len() as i64, amf_data))?;
    Ok((obj, used as usize))
}

/// `AMF3Prop_Decode`: one value, after its name if `decode_name`.
pub fn decode_property<'a>(
    input: &'a [u8],
    decode_name: bool,
    sink: &mut dyn Sink,
) -> Result<(Prop3<'a>, usize), DecodeError> {
    let mut d = Decoder::new(input, sink);
    let (prop, used) = d.amf3_prop(0, input.len() as i64, decode_name)?;
    Ok((prop, used as usize))
}

/// `AMF3ReadInteger` on the bytes it reads (1 to 4; see [`integer_len`]): the value, signed 29-bit.
pub fn read_integer(data: &[u8]) -> Option<(i32, usize)> {
    u29_at(data, 0, data.len()).map(|(raw, n)| (signed29(raw), n))
}

/// How many bytes the U29 starting with `first` needs when the bytes seen so far are `seen`: lets
/// a caller with only a pointer read exactly as many bytes as the original does.
pub fn integer_len(seen: &[u8]) -> usize {
    for (i, b) in seen.iter().take(3).enumerate() {
        if b & 0x80 == 0 {
            return i + 1;
        }
    }
    if seen.len() >= 3 {
        4
    } else {
        seen.len() + 1
    }
}

/// What a string header says, as `AMF3ReadString` reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringHeader {
    /// A reference to an earlier string, which librtmp does not resolve.
    Reference { index: i32, header_len: usize },
    /// `len` bytes follow the header. The original computes `len` in a signed int, so a header of
    /// 2^28 or more gives a negative length.
    Inline { len: i32, header_len: usize },
}

pub fn read_string_header(data: &[u8]) -> Option<StringHeader> {
    let (r, n) = read_integer(data)?;
    Some(if r & 1 == 0 {
        StringHeader::Reference { index: r >> 1, header_len: n }
    } else {
        StringHeader::Inline { len: r >> 1, header_len: n }
    })
}

/// The property the original decodes every member of an object into, reused from one member to
/// the next: a value that writes no type (a date reference, the final empty name) leaves the
/// previous one in place, and the object gets a copy of it.
enum Reused<'a> {
    /// Nothing written yet: the original would copy uninitialised memory; null stands in for it.
    Unset,
    Value(Value<'a>),
    /// An object with properties: the original's copy would share its array and free it twice on
    /// reset, so such a copy is refused (and a deep copy could be made to cost quadratic memory).
    Shared,
}

impl<'a> Reused<'a> {
    /// The value to store for a member that decoded as `decoded`.
    fn next(&mut self, decoded: Option<Value<'a>>) -> Result<Value<'a>, DecodeError> {
        match decoded {
            Some(v) => {
                *self = match &v {
                    Value::Object(o) if !o.props.is_empty() => Reused::Shared,
                    cheap => Reused::Value(cheap.clone()),
                };
                Ok(v)
            }
            None => match self {
                Reused::Unset => Ok(Value::Null),
                Reused::Value(v) => Ok(v.clone()),
                Reused::Shared => Err(DecodeError::Malformed),
            },
        }
    }
}

/// Where an inline string lies: start and length, possibly past the end of the input.
type Span = (usize, usize);

impl<'a> Decoder<'a, '_> {
    fn span_bytes(&self, span: Span) -> Option<&'a [u8]> {
        bytes(self.input, span.0, span.1, self.input.len())
    }

    /// `AMF3ReadString`: the string (`None` for a reference) and the bytes the original says it
    /// used, which may run past `size`: only the header is read here.
    fn amf3_string(&mut self, pos: usize, size: i64) -> Result<(Option<Span>, i64), DecodeError> {
        let end = self.end(pos, size);
        let (raw, n) = u29_at(self.input, pos, end).ok_or(DecodeError::Truncated)?;
        let r = signed29(raw);
        if r & 1 == 0 {
            self.note(Event::Amf3StringReference { index: r >> 1 });
            return Ok((None, n as i64));
        }
        let len = r >> 1;
        if len < 0 {
            // The original would carry a negative length on; no input is 128 MiB long anyway.
            return Err(DecodeError::Malformed);
        }
        Ok((Some((pos + n, len as usize)), n as i64 + i64::from(len)))
    }

    /// The input from where a string starts (`None` for NULL): what C's `%s` of it reads, up to
    /// a NUL that [`Event::text`] looks for only if the event is printed.
    fn printed(&self, span: Option<Span>) -> Option<&'a [u8]> {
        span.map(|(start, _)| self.input.get(start..).unwrap_or(&[]))
    }

    pub(crate) fn amf3_prop(
        &mut self,
        pos: usize,
        size: i64,
        decode_name: bool,
    ) -> Result<(Prop3<'a>, i64), DecodeError> {
        if size <= 0 {
            if size == 0 {
                self.note(Event::Amf3EmptyInput);
            }
            return Err(DecodeError::Truncated);
        }
        let input = self.input;
        let mut rem = size;
        let mut p = pos;
        let mut name: &'a [u8] = &[];
        if decode_name {
            let (span, used) = self.amf3_string(p, rem)?;
            let span = match span {
                Some(s) if s.1 > 0 => s,
                // An empty name ends a dynamic object; nothing else of the property is written.
                _ => return Ok((Prop3 { name: &[], value: None }, used)),
            };
            rem -= used;
            if rem <= 0 {
                return Err(DecodeError::Truncated);
            }
            name = self.span_bytes(span).ok_or(DecodeError::Truncated)?;
            p += used as usize;
        }
        let end = self.end(p, rem);
        let ty = u8_at(input, p, end).ok_or(DecodeError::Truncated)?;
        p += 1;
        rem -= 1;
        let end = self.end(p, rem);
        let value = match ty {
            marker::UNDEFINED | marker::NULL => Some(Value::Null),
            marker::FALSE => Some(Value::Boolean(false)),
            marker::TRUE => Some(Value::Boolean(true)),
            marker::INTEGER => {
                let (raw, n) = u29_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= n as i64;
                Some(Value::Number(f64::from(signed29(raw))))
            }
            marker::DOUBLE => {
                let n = f64_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= 8;
                Some(Value::Number(n))
            }
            marker::STRING | marker::XML_DOC | marker::XML => {
                let (span, used) = self.amf3_string(p, rem)?;
                rem -= used;
                if rem < 0 {
                    return Err(DecodeError::Truncated);
                }
                let s = match span {
                    Some(span) => self.span_bytes(span).ok_or(DecodeError::Truncated)?,
                    None => &[],
                };
                Some(Value::String(s))
            }
            marker::DATE => {
                let (raw, n) = u29_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= n as i64;
                p += n;
                let r = signed29(raw);
                if r & 1 == 0 {
                    self.note(Event::Amf3DateReference { index: r >> 1 });
                    None
                } else {
                    let t = f64_at(input, p, self.end(p, rem)).ok_or(DecodeError::Truncated)?;
                    rem -= 8;
                    Some(Value::Number(t))
                }
            }
            marker::OBJECT => {
                // The original hands the bytes after the marker to its top-level reader, which
                // skips one more "marker" byte: reproduced, as the C API's results depend on it.
                let (obj, used) = self.nested(|d| d.amf3_object(p, rem, true))?;
                rem -= used;
                Some(Value::Object(obj))
            }
            _ => {
                let next = input.get(p).copied().unwrap_or(0);
                self.note(Event::Amf3Unsupported { next, offset: p });
                return Err(DecodeError::Unsupported);
            }
        };
        if rem < 0 {
            return Err(DecodeError::Truncated);
        }
        Ok((Prop3 { name, value }, size - rem))
    }

    pub(crate) fn amf3_object(
        &mut self,
        pos: usize,
        size: i64,
        amf_data: bool,
    ) -> Result<(Object<'a>, i64), DecodeError> {
        let input = self.input;
        let mut props: Vec<Property<'a>> = Vec::new();
        let mut rem = size;
        let mut p = pos;
        if amf_data {
            let m = u8_at(input, p, self.end(p, rem)).ok_or(DecodeError::Truncated)?;
            if m != marker::OBJECT {
                self.note(Event::Amf3NotObject);
            }
            p += 1;
            rem -= 1;
        }
        let (raw, n) = u29_at(input, p, self.end(p, rem)).ok_or(DecodeError::Truncated)?;
        let r = signed29(raw);
        p += n;
        rem -= n as i64;
        if r & 1 == 0 {
            self.note(Event::Amf3ObjectReference { index: r >> 1 });
        } else {
            let class_ref = r >> 1;
            let mut externalizable = false;
            let mut dynamic = false;
            let mut members: Vec<Option<Span>> = Vec::new();
            if class_ref & 1 == 0 {
                self.note(Event::Amf3ClassReference { index: class_ref >> 1 });
            } else {
                let ext_ref = class_ref >> 1;
                externalizable = ext_ref & 1 == 1;
                dynamic = (ext_ref >> 1) & 1 == 1;
                let count = ext_ref >> 2;
                if rem <= 0 {
                    return Err(DecodeError::Truncated);
                }
                let (class_name, used) = self.amf3_string(p, rem)?;
                rem -= used;
                p = p.saturating_add(used as usize);
                let printed = self.printed(class_name);
                self.note(Event::Amf3ClassName { name: printed, externalizable, dynamic });
                for _ in 0..count.max(0) {
                    if rem <= 0 {
                        self.note(Event::Amf3InvalidClass);
                        return Ok((Object::new(props), size));
                    }
                    let (member, used) = self.amf3_string(p, rem)?;
                    let printed = self.printed(member);
                    self.note(Event::Amf3Member { name: printed });
                    members.push(member);
                    rem -= used;
                    p = p.saturating_add(used as usize);
                }
            }

            let mut last = Reused::Unset;
            if externalizable {
                self.note(Event::Amf3Externalizable);
                let (prop, used) = match self.amf3_prop(p, rem, false) {
                    Ok(x) => x,
                    Err(e) => {
                        self.note(Event::Amf3PropertyFailed);
                        return Err(e);
                    }
                };
                rem -= used;
                props.push(Property::new(DEFAULT_ATTRIBUTE, last.next(prop.value)?));
            } else {
                for member in &members {
                    if rem <= 0 {
                        self.note(Event::Amf3InvalidClass);
                        return Ok((Object::new(props), size));
                    }
                    let (prop, used) = match self.amf3_prop(p, rem, false) {
                        Ok(x) => x,
                        Err(e) => {
                            self.note(Event::Amf3PropertyFailed);
                            return Err(e);
                        }
                    };
                    let name = match member {
                        Some(span) => self.span_bytes(*span).ok_or(DecodeError::Truncated)?,
                        None => &[],
                    };
                    props.push(Property::new(name, last.next(prop.value)?));
                    p += used as usize;
                    rem -= used;
                }
                if dynamic {
                    loop {
                        if rem <= 0 {
                            self.note(Event::Amf3InvalidClass);
                            return Ok((Object::new(props), size));
                        }
                        let (prop, used) = self.amf3_prop(p, rem, true)?;
                        props.push(Property::new(prop.name, last.next(prop.value)?));
                        p += used as usize;
                        rem -= used;
                        if prop.name.is_empty() {
                            break;
                        }
                    }
                }
            }
            self.note(Event::Amf3ClassObject);
        }
        if rem < 0 {
            // The original reports more bytes used than it was given.
            return Err(DecodeError::Truncated);
        }
        Ok((Object::new(props), size - rem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amf::amf0;

    fn texts(log: &[Vec<u8>]) -> Vec<String> {
        log.iter().map(|t| String::from_utf8_lossy(t).into_owned()).collect()
    }

    #[test]
    fn anonymous_dynamic_object_through_avmplus() {
        // {a: 5, b: "xy"} as AMF3, behind the AMF0 switch marker.
        let input = b"\x11\x0a\x0b\x01\x03a\x04\x05\x03b\x06\x05xy\x01";
        let mut log: Vec<Vec<u8>> = Vec::new();
        let (o, n) = amf0::decode_object(input, false, &mut log).unwrap();
        assert_eq!(n, input.len());
        let inner = o.props[0].value.as_object().unwrap();
        assert_eq!(
            inner.props,
            vec![
                Property::new(b"a", Value::Number(5.0)),
                Property::new(b"b", Value::String(b"xy")),
                // The end of the dynamic members repeats the last value, unnamed.
                Property::new(b"", Value::String(b"xy")),
            ]
        );
        assert_eq!(
            texts(&log),
            vec![
                "Class name: \u{3}a\u{4}\u{5}\u{3}b\u{6}\u{5}xy\u{1}, externalizable: 0, dynamic: 1, classMembers: 0",
                "class object!"
            ]
        );
    }

    #[test]
    fn sealed_members_and_class_reference() {
        // Class "C" with sealed members x, y; values 1 (int) and 2.5 (double).
        let input = b"\x0a\x23\x03C\x03x\x03y\x04\x01\x05\x40\x04\x00\x00\x00\x00\x00\x00";
        let mut log: Vec<Vec<u8>> = Vec::new();
        let (o, n) = decode_object(input, true, &mut log).unwrap();
        assert_eq!(n, input.len());
        assert_eq!(o.props, vec![Property::new(b"x", Value::Number(1.0)), Property::new(b"y", Value::Number(2.5))]);
        assert_eq!(texts(&log)[1], "Member: x\u{3}y\u{4}\u{1}\u{5}@\u{4}");
        // A traits reference decodes no members.
        let (o, n) = decode_object(b"\x0a\x01\x05", true, &mut log).unwrap();
        assert_eq!((o.props.len(), n), (0, 2));
        assert_eq!(texts(&log).last().unwrap(), "class object!");
    }

    #[test]
    fn externalizable_yields_default_attribute() {
        let input = b"\x0a\x07\x03C\x04\x07";
        let (o, n) = decode_object(input, true, &mut ()).unwrap();
        assert_eq!(n, input.len());
        assert_eq!(o.props, vec![Property::new(DEFAULT_ATTRIBUTE, Value::Number(7.0))]);
        // A refused value fails the object instead of adding an uninitialised property.
        assert!(decode_object(b"\x0a\x07\x03C\x09\x01\x01", true, &mut ()).is_err());
    }

    #[test]
    fn references_are_not_resolved() {
        let mut log: Vec<Vec<u8>> = Vec::new();
        let (p, n) = decode_property(b"\x06\x00", false, &mut log).unwrap();
        assert_eq!((p.value, n), (Some(Value::String(b"")), 2));
        let (p, n) = decode_property(b"\x08\x02", false, &mut log).unwrap();
        assert_eq!((p.value, n), (None, 2));
        let (o, n) = decode_object(b"\x0a\x04", true, &mut log).unwrap();
        assert_eq!((o.props.len(), n), (0, 2));
        assert_eq!(
            texts(&log),
            vec![
                "AMF3ReadString, string reference, index: 0, not supported, ignoring!",
                "AMF3_DATE reference: 1, not supported!",
                "Object reference, index: 2"
            ]
        );
    }

    #[test]
    fn nested_object_skips_a_byte() {
        // The byte after a nested object's marker is taken for a second marker.
        let input = b"\x0a\x0b\x01\x03o\x0a\x0b\x01\x01";
        let mut log: Vec<Vec<u8>> = Vec::new();
        let (o, n) = decode_object(input, true, &mut log).unwrap();
        assert_eq!(n, input.len());
        assert_eq!(o.props[0], Property::new(b"o", Value::Object(Object::default())));
        assert_eq!(o.props[1], Property::new(b"", Value::Object(Object::default())));
        assert!(texts(&log).iter().any(|t| t.starts_with("AMF3 Object encapsulated")));
    }

    #[test]
    fn scalars_map_to_amf0_types() {
        let cases: Vec<(&[u8], Value<'_>)> = vec![
            (b"\x00", Value::Null),
            (b"\x01", Value::Null),
            (b"\x02", Value::Boolean(false)),
            (b"\x03", Value::Boolean(true)),
            (b"\x04\xff\xff\xff\xff", Value::Number(-1.0)),
            (b"\x04\x80\x80\x80\xff", Value::Number(255.0)),
            (b"\x04\xbf\xff\xff\xff", Value::Number(268_435_455.0)),
            (b"\x05\x3f\xf0\x00\x00\x00\x00\x00\x00", Value::Number(1.0)),
            (b"\x07\x03<", Value::String(b"<")),
            (b"\x0b\x03>", Value::String(b">")),
            (b"\x08\x01\x00\x00\x00\x00\x00\x00\x00\x00", Value::Number(0.0)),
        ];
        for (input, want) in cases {
            let (p, n) = decode_property(input, false, &mut ()).unwrap();
            assert_eq!((p.value, n), (Some(want), input.len()), "{input:02x?}");
        }
        for m in [9u8, 12, 13, 17, 0x7f] {
            let mut log: Vec<Vec<u8>> = Vec::new();
            assert!(decode_property(&[m, 0x42], false, &mut log).is_err());
            assert_eq!(texts(&log), vec!["AMF3Prop_Decode - AMF3 unknown/unsupported datatype 0x42, @0x1"]);
        }
    }

    #[test]
    fn names_and_empty_names() {
        let (p, n) = decode_property(b"\x05ab\x02", true, &mut ()).unwrap();
        assert_eq!((p.name, p.value, n), (&b"ab"[..], Some(Value::Boolean(false)), 4));
        let (p, n) = decode_property(b"\x01\x02", true, &mut ()).unwrap();
        assert_eq!((p.name, p.value, n), (&b""[..], None, 1));
        // A name that fills the input leaves no room for the value.
        assert!(decode_property(b"\x05ab", true, &mut ()).is_err());
    }

    #[test]
    fn invalid_class_encoding_claims_everything() {
        // Two sealed members announced, input ends after the first name.
        let input = b"\x0a\x23\x01\x03x";
        let mut log: Vec<Vec<u8>> = Vec::new();
        let (o, n) = decode_object(input, true, &mut log).unwrap();
        assert_eq!((o.props.len(), n), (0, input.len()));
        assert_eq!(texts(&log).last().unwrap(), "AMF3_Decode, invalid class encoding!");
    }

    #[test]
    fn strings_past_the_end_fail() {
        assert!(decode_property(b"\x06\x07ab", false, &mut ()).is_err());
        // A class name past the end makes the original report more than it was given.
        assert!(decode_object(b"\x0a\x03\x09a", true, &mut ()).is_err());
        // Header of 2^28 or more: a negative length in the original.
        assert!(decode_property(b"\x06\xc0\x80\x80\x01", false, &mut ()).is_err());
    }

    #[test]
    fn integer_helpers() {
        assert_eq!(read_integer(&[0x7f]), Some((127, 1)));
        assert_eq!(read_integer(&[0x80, 0x80, 0x80, 0x80]), Some((128, 4)));
        assert_eq!(read_integer(&[0x81]), None);
        assert_eq!(integer_len(&[]), 1);
        assert_eq!(integer_len(&[0x81]), 2);
        assert_eq!(integer_len(&[0x81, 0x01]), 2);
        assert_eq!(integer_len(&[0x81, 0x81, 0x81]), 4);
        assert_eq!(read_string_header(&[0x07]), Some(StringHeader::Inline { len: 3, header_len: 1 }));
        assert_eq!(read_string_header(&[0x04]), Some(StringHeader::Reference { index: 2, header_len: 1 }));
        assert_eq!(
            read_string_header(&[0xff, 0xff, 0xff, 0xff]),
            Some(StringHeader::Inline { len: -1, header_len: 4 })
        );
    }

    #[test]
    fn truncation_never_panics_and_deep_nesting_stops() {
        let samples: Vec<&[u8]> = vec![
            b"\x0a\x0b\x01\x03a\x04\x05\x03b\x06\x05xy\x01",
            b"\x0a\x23\x03C\x03x\x03y\x04\x01\x05\x40\x04\x00\x00\x00\x00\x00\x00",
            b"\x0a\x07\x03C\x04\x07",
            b"\x0a\x1b\x01\x03d\x08\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01",
        ];
        for s in samples {
            for cut in 0..s.len() {
                let _ = decode_object(&s[..cut], true, &mut ());
                let _ = decode_property(&s[..cut], true, &mut ());
                let _ = decode_property(&s[..cut], false, &mut ());
            }
        }
        let mut deep = b"\x0a\x0b\x01".to_vec();
        for _ in 0..5000 {
            deep.extend_from_slice(b"\x03o\x0a\x0a\x0b\x01");
        }
        assert_eq!(decode_object(&deep, true, &mut ()), Err(DecodeError::TooDeep));
    }

    #[test]
    fn a_reused_object_with_properties_is_refused() {
        // Sealed x = nested object {p: 1} (after the skipped byte), y = date reference: the
        // original's copy of x would share x's array.
        let input = b"\x0a\x23\x01\x03x\x03y\x0a\x0a\x0b\x01\x03p\x04\x01\x01\x08\x02";
        assert_eq!(decode_object(input, true, &mut ()), Err(DecodeError::Malformed));
        // The same with an empty object is copied.
        let input = b"\x0a\x23\x01\x03x\x03y\x0a\x0a\x01\x08\x02";
        let (o, n) = decode_object(input, true, &mut ()).unwrap();
        assert_eq!(n, input.len());
        assert_eq!(o.props[1], Property::new(b"y", Value::Object(Object::default())));
    }

    #[test]
    fn huge_member_counts_are_bounded_by_input() {
        // 2^25 - 1 sealed members announced in 5 bytes.
        let input = b"\x0a\xbf\xff\xff\xf3\x01\x03a";
        let (o, n) = decode_object(input, true, &mut ()).unwrap();
        assert_eq!((o.props.len(), n), (0, input.len()));
    }
}
