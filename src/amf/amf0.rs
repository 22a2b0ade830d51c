//! AMF0 decoding as librtmp does it (`AMF_Decode`, `AMFProp_Decode`, `AMF_DecodeArray`), with
//! every read bounds-checked.
//!
//! The dialect is the original's, because the C API must return the same trees:
//! * an object ends at `00 00 09` or at the end of the input, whichever comes first (a missing end
//!   marker is not an error), and at the top level the end marker is looked for between values too;
//! * an ECMA array's count is skipped and its body read like an object;
//! * long strings become strings; undefined and unsupported become null; XML stays XML;
//! * movie clips, references, record sets, typed objects and stray end markers are refused;
//! * the `AVMPLUS` marker hands over to librtmp's AMF3 reading ([`super::legacy3`]).
//!
//! Where the original would read past the input or report more bytes used than it was given, these
//! functions return an error instead; where it would recurse without end, they stop at
//! [`MAX_DEPTH`].

use super::event::{Event, Sink};
use super::reader::{bytes, f64_at, u16_at, u32_at, u8_at};
use super::value::{marker, Object, Property, Value};
use super::{DecodeError, MAX_DEPTH};

/// Decodes properties until an end marker or the end of `input` (`AMF_Decode`). With
/// `decode_names` the properties are named, as inside an object; without, they are bare values, as
/// in a command message. Returns the object and the bytes used.
pub fn decode_object<'a>(
    input: &'a [u8],
    decode_names: bool,
    sink: &mut dyn Sink,
) -> Result<(Object<'a>, usize), DecodeError> {
    let mut d = Decoder::new(input, sink);
    let (obj, used) = d.object(0, input.len() as i64, decode_names)?;
    Ok((obj, used as usize))
}

/// Decodes one property (`AMFProp_Decode`), named if `decode_name`.
pub fn decode_property<'a>(
    input: &'a [u8],
    decode_name: bool,
    sink: &mut dyn Sink,
) -> Result<(Property<'a>, usize), DecodeError> {
    let mut d = Decoder::new(input, sink);
    let (prop, used) = d.property(0, input.len() as i64, decode_name)?;
    Ok((prop, used as usize))
}

/// Decodes `count` properties (`AMF_DecodeArray`); a count of zero or less decodes nothing.
pub fn decode_array<'a>(
    input: &'a [u8],
    count: i32,
    decode_names: bool,
    sink: &mut dyn Sink,
) -> Result<(Object<'a>, usize), DecodeError> {
    let mut d = Decoder::new(input, sink);
    let (obj, used) = d.array(0, input.len() as i64, count, decode_names)?;
    Ok((obj, used as usize))
}

/// An empty string as a slice that does not point into the input: the C API gives AMF0's empty
/// strings and names a NULL pointer (AMF3's inline empty strings keep theirs).
fn nonempty(s: &[u8]) -> &[u8] {
    if s.is_empty() {
        &[]
    } else {
        s
    }
}

/// The state one decoding call shares between AMF0 and librtmp's AMF3 reading. Positions index
/// `input`; sizes are signed, like the original's `int nSize`, because its AMF3 reading lets them
/// run negative before it notices.
pub(crate) struct Decoder<'a, 's> {
    pub(crate) input: &'a [u8],
    sink: &'s mut dyn Sink,
    depth: usize,
}

impl<'a, 's> Decoder<'a, 's> {
    pub(crate) fn new(input: &'a [u8], sink: &'s mut dyn Sink) -> Self {
        Decoder { input, sink, depth: 0 }
    }

    pub(crate) fn note(&mut self, event: Event<'a>) {
        self.sink.event(&event);
    }

    /// Runs `body` one nesting level deeper, refusing to go past [`MAX_DEPTH`].
    pub(crate) fn nested<T>(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.depth >= MAX_DEPTH {
            self.note(Event::TooDeep);
            return Err(DecodeError::TooDeep);
        }
        self.depth += 1;
        let r = body(self);
        self.depth -= 1;
        r
    }

    /// The first position `size` bytes from `pos` forbid (never beyond the input).
    pub(crate) fn end(&self, pos: usize, size: i64) -> usize {
        if size <= 0 {
            return pos.min(self.input.len());
        }
        pos.saturating_add(size as usize).min(self.input.len())
    }

    pub(crate) fn object(&mut self, pos: usize, size: i64, names: bool) -> Result<(Object<'a>, i64), DecodeError> {
        let mut props = Vec::new();
        let mut rem = size;
        let mut p = pos;
        while rem > 0 {
            let end = self.end(p, rem);
            if bytes(self.input, p, 3, end) == Some(&[0, 0, marker::OBJECT_END][..]) {
                rem -= 3;
                break;
            }
            let (prop, used) = self.property(p, rem, names)?;
            if used > rem {
                return Err(DecodeError::Truncated);
            }
            rem -= used;
            p += used as usize;
            props.push(prop);
        }
        Ok((Object::new(props), size - rem))
    }

    pub(crate) fn array(
        &mut self,
        pos: usize,
        size: i64,
        count: i32,
        names: bool,
    ) -> Result<(Object<'a>, i64), DecodeError> {
        // No capacity from `count`: a hostile count must not allocate before the input proves it.
        let mut props = Vec::new();
        let mut rem = size;
        let mut p = pos;
        let mut left = count;
        while left > 0 {
            left -= 1;
            if rem <= 0 {
                return Err(DecodeError::Truncated);
            }
            let (prop, used) = self.property(p, rem, names)?;
            if used > rem {
                return Err(DecodeError::Truncated);
            }
            rem -= used;
            p += used as usize;
            props.push(prop);
        }
        Ok((Object::new(props), size - rem))
    }

    pub(crate) fn property(&mut self, pos: usize, size: i64, names: bool) -> Result<(Property<'a>, i64), DecodeError> {
        if size == 0 {
            self.note(Event::PropEmptyInput);
            return Err(DecodeError::Truncated);
        }
        if names && size < 4 {
            self.note(Event::PropNameNoRoom);
            return Err(DecodeError::Truncated);
        }
        if size < 0 {
            // Only a C caller passing a negative size gets here; the original read on regardless.
            return Err(DecodeError::Truncated);
        }
        let input = self.input;
        let end = self.end(pos, size);
        let mut rem = size;
        let mut p = pos;
        let mut name: &'a [u8] = &[];
        if names {
            let len = u16_at(input, p, end).ok_or(DecodeError::Truncated)?;
            if i64::from(len) > rem - 2 {
                self.note(Event::PropNameOutOfRange { name_len: len, size: rem });
                return Err(DecodeError::Truncated);
            }
            name = nonempty(bytes(input, p + 2, usize::from(len), end).ok_or(DecodeError::Truncated)?);
            rem -= 2 + i64::from(len);
            p += 2 + usize::from(len);
        }
        if rem == 0 {
            return Err(DecodeError::Truncated);
        }
        let ty = u8_at(input, p, end).ok_or(DecodeError::Truncated)?;
        p += 1;
        rem -= 1;
        let value = match ty {
            marker::NUMBER => {
                let n = f64_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= 8;
                Value::Number(n)
            }
            marker::BOOLEAN => {
                let b = u8_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= 1;
                Value::Boolean(b != 0)
            }
            marker::STRING => {
                let len = u16_at(input, p, end).ok_or(DecodeError::Truncated)?;
                let s = nonempty(bytes(input, p + 2, usize::from(len), end).ok_or(DecodeError::Truncated)?);
                rem -= 2 + i64::from(len);
                Value::String(s)
            }
            marker::OBJECT => {
                let (obj, used) = self.nested(|d| d.object(p, rem, true))?;
                rem -= used;
                Value::Object(obj)
            }
            marker::MOVIECLIP => {
                self.note(Event::MovieClipReserved);
                return Err(DecodeError::Unsupported);
            }
            marker::NULL | marker::UNDEFINED | marker::UNSUPPORTED => Value::Null,
            marker::REFERENCE => {
                self.note(Event::ReferenceUnsupported);
                return Err(DecodeError::Unsupported);
            }
            marker::ECMA_ARRAY => {
                // The count is not trusted (nor read): the body ends at its end marker.
                if rem < 4 {
                    return Err(DecodeError::Truncated);
                }
                rem -= 4;
                let (obj, used) = self.nested(|d| d.object(p + 4, rem, true))?;
                rem -= used;
                Value::EcmaArray(obj)
            }
            marker::OBJECT_END => return Err(DecodeError::Malformed),
            marker::STRICT_ARRAY => {
                let count = u32_at(input, p, end).ok_or(DecodeError::Truncated)?;
                rem -= 4;
                // Counts of 2^31 and more are negative ints in the original: an empty array.
                let (obj, used) = self.nested(|d| d.array(p + 4, rem, count as i32, false))?;
                rem -= used;
                Value::StrictArray(obj)
            }
            marker::DATE => {
                self.note(Event::Date);
                let millis = f64_at(input, p, end).ok_or(DecodeError::Truncated)?;
                let tz = u16_at(input, p + 8, end).ok_or(DecodeError::Truncated)?;
                rem -= 10;
                Value::Date { millis, utc_offset: tz as i16 }
            }
            marker::LONG_STRING | marker::XML_DOC => {
                let len = u32_at(input, p, end).ok_or(DecodeError::Truncated)?;
                let s = nonempty(bytes(input, p + 4, len as usize, end).ok_or(DecodeError::Truncated)?);
                rem -= 4 + i64::from(len);
                if ty == marker::LONG_STRING {
                    Value::String(s)
                } else {
                    Value::XmlDoc(s)
                }
            }
            marker::RECORDSET => {
                self.note(Event::RecordSetReserved);
                return Err(DecodeError::Unsupported);
            }
            marker::TYPED_OBJECT => {
                self.note(Event::TypedObjectUnsupported);
                return Err(DecodeError::Unsupported);
            }
            marker::AVMPLUS => {
                let (obj, used) = self.nested(|d| d.amf3_object(p, rem, true))?;
                rem -= used;
                Value::Object(obj)
            }
            other => {
                self.note(Event::UnknownType { marker: other, offset: p - 1 });
                return Err(DecodeError::Malformed);
            }
        };
        if rem < 0 {
            return Err(DecodeError::Truncated);
        }
        Ok((Property { name, value }, size - rem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amf::encode;

    fn obj(input: &[u8]) -> Result<(Object<'_>, usize), DecodeError> {
        decode_object(input, false, &mut ())
    }

    fn named(name: &'static [u8], value: Value<'static>) -> Property<'static> {
        Property::new(name, value)
    }

    #[test]
    fn scalars() {
        let (o, n) = obj(b"\x00\x40\x09\x21\xfb\x54\x44\x2d\x18\x01\x01\x01\x00\x02\x00\x03abc\x05\x06\x0d").unwrap();
        assert_eq!(n, 22);
        let vals: Vec<_> = o.props.iter().map(|p| p.value.clone()).collect();
        assert_eq!(
            vals,
            vec![
                Value::Number(std::f64::consts::PI),
                Value::Boolean(true),
                Value::Boolean(false),
                Value::String(b"abc"),
                Value::Null,
                Value::Null,
                Value::Null
            ]
        );
    }

    #[test]
    fn long_string_xml_and_date() {
        let (o, _) =
            obj(b"\x0c\x00\x00\x00\x02hi\x0f\x00\x00\x00\x01x\x0b\x40\x00\x00\x00\x00\x00\x00\x00\xff\xc4").unwrap();
        assert_eq!(o.props[0].value, Value::String(b"hi"));
        assert_eq!(o.props[1].value, Value::XmlDoc(b"x"));
        assert_eq!(o.props[2].value, Value::Date { millis: 2.0, utc_offset: -60 });
    }

    #[test]
    fn nested_object_ecma_and_strict_array() {
        let input = b"\x03\x00\x01a\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x00\x01b\x08\x00\x00\x00\x07\
                      \x00\x01c\x05\x00\x00\x09\x00\x00\x09\x0a\x00\x00\x00\x02\x05\x01\x01";
        let (o, n) = obj(input).unwrap();
        assert_eq!(n, input.len());
        assert_eq!(
            o.props,
            vec![
                Property::unnamed(Value::Object(Object::new(vec![
                    named(b"a", Value::Number(1.0)),
                    named(b"b", Value::EcmaArray(Object::new(vec![named(b"c", Value::Null)]))),
                ]))),
                Property::unnamed(Value::StrictArray(Object::new(vec![
                    Property::unnamed(Value::Null),
                    Property::unnamed(Value::Boolean(true)),
                ]))),
            ]
        );
    }

    #[test]
    fn end_marker_stops_the_top_level_and_a_missing_one_is_accepted() {
        assert_eq!(obj(b"\x05\x00\x00\x09\x05").unwrap().1, 4);
        let (o, n) = obj(b"\x03\x00\x01a\x05").unwrap();
        assert_eq!(n, 5);
        assert_eq!(o.props[0].value, Value::Object(Object::new(vec![named(b"a", Value::Null)])));
        assert_eq!(obj(b"").unwrap().1, 0);
    }

    #[test]
    fn refused_types() {
        for m in [4u8, 7, 9, 14, 16, 0x12, 0xff] {
            let mut log: Vec<Vec<u8>> = Vec::new();
            assert!(decode_object(&[m, 0, 0, 0, 0], false, &mut log).is_err(), "marker {m}");
        }
        let mut log: Vec<Vec<u8>> = Vec::new();
        let _ = decode_object(b"\x05\x12", false, &mut log);
        let _ = decode_object(b"\xc0", false, &mut log);
        assert_eq!(
            log,
            vec![
                b"AMFProp_Decode - unknown datatype 0x12, @0x1".to_vec(),
                b"AMFProp_Decode - unknown datatype 0xffffffc0, @(nil)".to_vec()
            ]
        );
    }

    #[test]
    fn named_property_checks() {
        let mut log: Vec<Vec<u8>> = Vec::new();
        assert!(decode_property(b"\x00\x01a", true, &mut log).is_err());
        assert!(decode_property(b"\x00\x05ab\x05", true, &mut log).is_err());
        assert!(decode_property(b"\x00\x02ab", true, &mut log).is_err());
        assert!(decode_property(b"", false, &mut log).is_err());
        assert_eq!(
            log,
            vec![
                b"AMFProp_Decode: Not enough data for decoding with name, less than 4 bytes!".to_vec(),
                b"AMFProp_Decode: Name size out of range: namesize (5) > len (5) - 2".to_vec(),
                b"AMFProp_Decode: Empty buffer/no buffer pointer!".to_vec(),
            ]
        );
        let (p, n) = decode_property(b"\x00\x02ab\x01\x07", true, &mut ()).unwrap();
        assert_eq!((p.name, p.value, n), (&b"ab"[..], Value::Boolean(true), 6));
    }

    #[test]
    fn strict_array_counts() {
        // A count beyond the input fails without allocating for it.
        assert!(obj(b"\x0a\x7f\xff\xff\xff\x05").is_err());
        // 2^31 and more are negative in C: no elements.
        let (o, n) = obj(b"\x0a\x80\x00\x00\x00").unwrap();
        assert_eq!((o.props[0].value.clone(), n), (Value::StrictArray(Object::default()), 5));
        let (a, n) = decode_array(b"\x05\x05\x05", 2, false, &mut ()).unwrap();
        assert_eq!((a.props.len(), n), (2, 2));
        assert!(decode_array(b"\x05", 2, false, &mut ()).is_err());
        assert_eq!(decode_array(b"\x05", -3, false, &mut ()).unwrap().1, 0);
    }

    /// Every well-formed sample, cut at every length: never a panic, a cut inside a scalar, a
    /// string or an array is an error, and an object cut short never claims more than it got.
    #[test]
    fn truncation_at_every_offset() {
        let samples: Vec<&[u8]> = vec![
            b"\x00\x40\x09\x21\xfb\x54\x44\x2d\x18",
            b"\x02\x00\x03abc",
            b"\x0c\x00\x00\x00\x03abc",
            b"\x0b\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            b"\x03\x00\x01a\x02\x00\x01b\x00\x00\x09",
            b"\x08\x00\x00\x00\x01\x00\x01a\x01\x01\x00\x00\x09",
            b"\x0a\x00\x00\x00\x02\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x02\x00\x01z",
        ];
        for s in samples {
            let container = matches!(s[0], marker::OBJECT | marker::ECMA_ARRAY);
            for cut in 0..s.len() {
                // An object may end with the input (no end marker), never run past it.
                if let Ok((_, n)) = decode_property(&s[..cut], false, &mut ()) {
                    assert!(container && n == cut, "{s:02x?} cut at {cut} decoded");
                }
                let _ = decode_object(&s[..cut], false, &mut ());
                let _ = decode_object(&s[..cut], true, &mut ());
            }
            assert_eq!(decode_property(s, false, &mut ()).unwrap().1, s.len());
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend_from_slice(b"\x03\x00\x01a");
        }
        deep.push(5);
        let mut log: Vec<Vec<u8>> = Vec::new();
        assert_eq!(decode_object(&deep, false, &mut log), Err(DecodeError::TooDeep));
        assert!(log.last().unwrap().starts_with(b"AMF_Decode: values nested deeper"));

        // Exactly MAX_DEPTH levels decode.
        let mut ok = Vec::new();
        for _ in 0..MAX_DEPTH {
            ok.extend_from_slice(b"\x03\x00\x01a");
        }
        ok.push(5);
        assert!(decode_object(&ok, false, &mut ()).is_ok());
        let mut arrays = Vec::new();
        for _ in 0..=MAX_DEPTH {
            arrays.extend_from_slice(b"\x0a\x00\x00\x00\x01");
        }
        arrays.push(5);
        assert_eq!(decode_object(&arrays, false, &mut ()), Err(DecodeError::TooDeep));
    }

    #[test]
    fn round_trip_through_the_encoder() {
        let o = Object::new(vec![
            Property::unnamed(Value::String(b"connect")),
            Property::unnamed(Value::Number(1.0)),
            Property::unnamed(Value::Object(Object::new(vec![
                named(b"app", Value::String(b"live")),
                named(b"fpad", Value::Boolean(false)),
                named(b"list", Value::StrictArray(Object::new(vec![Property::unnamed(Value::Number(3.5))]))),
                named(b"map", Value::EcmaArray(Object::new(vec![named(b"k", Value::String(b"v"))]))),
            ]))),
            Property::unnamed(Value::Null),
        ]);
        let mut out = Vec::new();
        for p in &o.props {
            encode::property(&mut out, p, &mut ()).unwrap();
        }
        let (back, n) = obj(&out).unwrap();
        assert_eq!(n, out.len());
        assert_eq!(back, o);
    }

    #[test]
    fn hostile_bytes_never_panic() {
        // A small deterministic generator: no external crates, same inputs every run.
        let mut x: u32 = 0x1234_5678;
        let mut buf = [0u8; 64];
        for _ in 0..20_000 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = (x % 20) as u8;
            }
            let len = (x as usize) % buf.len();
            let _ = decode_object(&buf[..len], false, &mut ());
            let _ = decode_object(&buf[..len], true, &mut ());
            let _ = decode_property(&buf[..len], true, &mut ());
        }
    }
}
