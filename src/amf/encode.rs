//! AMF0 encoding as librtmp does it, including how much room each step demands of the output.
//!
//! The C encoders take an output pointer and an end pointer and return NULL when a value would not
//! fit. Their room tests are not all "exactly enough": a string wants 5 + length bytes even when
//! it gets a 2-byte length, a property wants one byte more than its name and marker, an object
//! wants 5 bytes before it starts, a null wants 2. These functions apply the same tests, so a
//! buffer that the original fills exactly is filled exactly here, and one it refuses is refused.
//! Output written before a refusal stays written, as in C.

use super::event::{Event, Sink};
use super::value::{marker, Object, Property, Value};

/// The output could not take the value, or the value has no AMF0 encoding here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    NoRoom,
    InvalidType,
}

/// Somewhere to encode into.
pub trait Out {
    /// Bytes that may still be written.
    fn room(&self) -> usize;
    /// Appends `bytes`; callers check [`Out::room`] first.
    fn put(&mut self, bytes: &[u8]);
    /// The current position, to come back to with [`Out::rewind`].
    fn mark(&self) -> usize;
    fn rewind(&mut self, mark: usize);
}

/// A growable output: never short of room.
impl Out for Vec<u8> {
    fn room(&self) -> usize {
        isize::MAX as usize - self.len()
    }
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn mark(&self) -> usize {
        self.len()
    }
    fn rewind(&mut self, mark: usize) {
        self.truncate(mark);
    }
}

/// A fixed buffer, as the C API's `(output, outend)` pair.
pub struct SliceOut<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> SliceOut<'b> {
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceOut { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl Out for SliceOut<'_> {
    fn room(&self) -> usize {
        self.buf.len() - self.pos
    }
    fn put(&mut self, bytes: &[u8]) {
        // Callers check room first; clipping keeps a logic error from turning into a panic.
        let n = bytes.len().min(self.room());
        self.buf[self.pos..self.pos + n].copy_from_slice(&bytes[..n]);
        self.pos += n;
    }
    fn mark(&self) -> usize {
        self.pos
    }
    fn rewind(&mut self, mark: usize) {
        self.pos = mark.min(self.buf.len());
    }
}

/// A growable output that refuses to grow past `limit` bytes: a fixed buffer's room rules without
/// writing into the buffer itself (the C layer copies the result out, which stays correct when the
/// caller's output overlaps the strings being encoded).
pub struct Limited {
    pub bytes: Vec<u8>,
    limit: usize,
}

impl Limited {
    pub fn new(limit: usize) -> Self {
        Limited { bytes: Vec::new(), limit }
    }
}

impl Out for Limited {
    fn room(&self) -> usize {
        self.limit.saturating_sub(self.bytes.len())
    }
    fn put(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(self.room());
        self.bytes.extend_from_slice(&bytes[..n]);
    }
    fn mark(&self) -> usize {
        self.bytes.len()
    }
    fn rewind(&mut self, mark: usize) {
        self.bytes.truncate(mark);
    }
}

type Result = core::result::Result<(), EncodeError>;

/// Fails unless at least `need` bytes remain (the original's `output + need > outend`).
fn need(out: &dyn Out, need: usize) -> Result {
    if out.room() < need {
        Err(EncodeError::NoRoom)
    } else {
        Ok(())
    }
}

/// Fails unless more than `need` bytes remain (the original's `output + need >= outend`).
fn need_more_than(out: &dyn Out, need: usize) -> Result {
    if out.room() <= need {
        Err(EncodeError::NoRoom)
    } else {
        Ok(())
    }
}

pub fn int16(out: &mut dyn Out, v: u16) -> Result {
    need(out, 2)?;
    out.put(&v.to_be_bytes());
    Ok(())
}

pub fn int24(out: &mut dyn Out, v: u32) -> Result {
    need(out, 3)?;
    out.put(&v.to_be_bytes()[1..]);
    Ok(())
}

pub fn int32(out: &mut dyn Out, v: u32) -> Result {
    need(out, 4)?;
    out.put(&v.to_be_bytes());
    Ok(())
}

/// A string value: 2-byte length below 65536 bytes, else a long string. Wants 5 + length bytes of
/// room either way.
pub fn string(out: &mut dyn Out, s: &[u8]) -> Result {
    need(out, s.len().saturating_add(5))?;
    if s.len() < 65536 {
        out.put(&[marker::STRING]);
        int16(out, s.len() as u16)?;
    } else {
        let len = u32::try_from(s.len()).map_err(|_| EncodeError::NoRoom)?;
        out.put(&[marker::LONG_STRING]);
        int32(out, len)?;
    }
    out.put(s);
    Ok(())
}

pub fn number(out: &mut dyn Out, n: f64) -> Result {
    need(out, 9)?;
    out.put(&[marker::NUMBER]);
    out.put(&n.to_be_bytes());
    Ok(())
}

pub fn boolean(out: &mut dyn Out, b: bool) -> Result {
    need(out, 2)?;
    out.put(&[marker::BOOLEAN, u8::from(b)]);
    Ok(())
}

/// The name part of `AMF_EncodeNamed*`: room for its length and bytes, then both.
fn name(out: &mut dyn Out, name: &[u8]) -> Result {
    need(out, name.len().saturating_add(2))?;
    out.put(&(name.len() as u16).to_be_bytes());
    out.put(name);
    Ok(())
}

pub fn named_string(out: &mut dyn Out, n: &[u8], s: &[u8]) -> Result {
    name(out, n)?;
    string(out, s)
}

pub fn named_number(out: &mut dyn Out, n: &[u8], v: f64) -> Result {
    name(out, n)?;
    number(out, v)
}

pub fn named_boolean(out: &mut dyn Out, n: &[u8], b: bool) -> Result {
    name(out, n)?;
    boolean(out, b)
}

/// `AMFProp_Encode`: the name (if any, and not for null) and the value. Numbers, booleans,
/// strings, null, objects and both kinds of array encode; other types are refused with an error
/// event, the invalid type (0xff) silently.
pub fn property(out: &mut dyn Out, prop: &Property<'_>, sink: &mut dyn Sink) -> Result {
    if prop.value.type_code() == marker::INVALID {
        return Err(EncodeError::InvalidType);
    }
    let is_null = matches!(prop.value, Value::Null);
    if !is_null {
        need_more_than(out, prop.name.len().saturating_add(3))?;
        if !prop.name.is_empty() {
            // Only the low 16 bits of a longer name's length fit, as in the original.
            out.put(&(prop.name.len() as u16).to_be_bytes());
            out.put(prop.name);
        }
    }
    match &prop.value {
        Value::Number(n) => number(out, *n),
        Value::Boolean(b) => boolean(out, *b),
        Value::String(s) => string(out, s),
        Value::Null => {
            need_more_than(out, 1)?;
            out.put(&[marker::NULL]);
            Ok(())
        }
        Value::Object(o) => object(out, o, sink),
        Value::EcmaArray(o) => ecma_array(out, o, sink),
        Value::StrictArray(o) => strict_array(out, o, sink),
        other => {
            sink.event(&Event::InvalidType { code: other.type_code() });
            Err(EncodeError::InvalidType)
        }
    }
}

/// Writes properties until one fails; that one is dropped (its partial bytes are overwritten by
/// whatever comes next) and so are the rest, with an error event, as in the original.
fn members(out: &mut dyn Out, obj: &Object<'_>, sink: &mut dyn Sink) {
    for (i, p) in obj.props.iter().enumerate() {
        let mark = out.mark();
        if property(out, p, sink).is_err() {
            out.rewind(mark);
            sink.event(&Event::PropertyFailed { index: i });
            break;
        }
    }
}

fn end_marker(out: &mut dyn Out) -> Result {
    need_more_than(out, 3)?;
    int24(out, u32::from(marker::OBJECT_END))
}

/// `AMF_Encode`: an object with its end marker.
pub fn object(out: &mut dyn Out, obj: &Object<'_>, sink: &mut dyn Sink) -> Result {
    need_more_than(out, 4)?;
    out.put(&[marker::OBJECT]);
    members(out, obj, sink);
    end_marker(out)
}

/// `AMF_EncodeEcmaArray`: count, named members, end marker.
pub fn ecma_array(out: &mut dyn Out, obj: &Object<'_>, sink: &mut dyn Sink) -> Result {
    need_more_than(out, 4)?;
    out.put(&[marker::ECMA_ARRAY]);
    int32(out, obj.props.len() as u32)?;
    members(out, obj, sink);
    end_marker(out)
}

/// `AMF_EncodeArray`: count and elements, no end marker. A failing element shortens the output but
/// not the count, as in the original.
pub fn strict_array(out: &mut dyn Out, obj: &Object<'_>, sink: &mut dyn Sink) -> Result {
    need_more_than(out, 4)?;
    out.put(&[marker::STRICT_ARRAY]);
    int32(out, obj.props.len() as u32)?;
    members(out, obj, sink);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit<F: Fn(&mut dyn Out) -> Result>(f: F, room: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0xeeu8; room];
        let mut out = SliceOut::new(&mut buf);
        match f(&mut out) {
            Ok(()) => {
                let n = out.position();
                Some(buf[..n].to_vec())
            }
            Err(_) => None,
        }
    }

    /// The smallest room each encoder accepts, and that it refuses one byte less.
    fn min_room<F: Fn(&mut dyn Out) -> Result + Copy>(f: F) -> usize {
        let mut room = 0;
        while fit(f, room).is_none() {
            room += 1;
        }
        room
    }

    #[test]
    fn scalars_and_their_room() {
        assert_eq!(fit(|o| number(o, 1.0), 9).unwrap(), b"\x00\x3f\xf0\x00\x00\x00\x00\x00\x00");
        assert_eq!(min_room(|o| number(o, 1.0)), 9);
        assert_eq!(fit(|o| boolean(o, true), 2).unwrap(), b"\x01\x01");
        assert_eq!(min_room(|o| boolean(o, false)), 2);
        assert_eq!(fit(|o| int16(o, 0xfffe), 2).unwrap(), b"\xff\xfe");
        assert_eq!(fit(|o| int24(o, 0x123456), 3).unwrap(), b"\x12\x34\x56");
        assert_eq!(fit(|o| int32(o, 0x89abcdef), 4).unwrap(), b"\x89\xab\xcd\xef");
        assert_eq!(min_room(|o| int24(o, 1)), 3);
    }

    #[test]
    fn strings_want_five_bytes_more_than_their_length() {
        assert_eq!(fit(|o| string(o, b"abc"), 8).unwrap(), b"\x02\x00\x03abc");
        assert_eq!(min_room(|o| string(o, b"abc")), 8);
        let long = vec![b'x'; 65536];
        let enc = fit(|o| string(o, &long), 65541).unwrap();
        assert_eq!(&enc[..5], b"\x0c\x00\x01\x00\x00");
        assert_eq!(enc.len(), 65541);
        let short = vec![b'y'; 65535];
        assert_eq!(&fit(|o| string(o, &short), 65540).unwrap()[..3], b"\x02\xff\xff");
    }

    #[test]
    fn named_values() {
        assert_eq!(fit(|o| named_string(o, b"k", b"v"), 9).unwrap(), b"\x00\x01k\x02\x00\x01v");
        assert_eq!(min_room(|o| named_string(o, b"k", b"v")), 9);
        assert_eq!(fit(|o| named_number(o, b"n", 0.0), 12).unwrap().len(), 12);
        assert_eq!(fit(|o| named_boolean(o, b"b", true), 5).unwrap(), b"\x00\x01b\x01\x01");
    }

    fn p(name: &'static [u8], value: Value<'static>) -> Property<'static> {
        Property::new(name, value)
    }

    #[test]
    fn properties() {
        assert_eq!(fit(|o| property(o, &p(b"", Value::Null), &mut ()), 2).unwrap(), b"\x05");
        assert_eq!(min_room(|o| property(o, &p(b"name", Value::Null), &mut ())), 2);
        // A named null loses its name.
        assert_eq!(fit(|o| property(o, &p(b"n", Value::Null), &mut ()), 9).unwrap(), b"\x05");
        assert_eq!(fit(|o| property(o, &p(b"b", Value::Boolean(true)), &mut ()), 9).unwrap(), b"\x00\x01b\x01\x01");
        assert_eq!(fit(|o| property(o, &p(b"", Value::Other(0xff)), &mut ()), 99), None);
        let mut log: Vec<Vec<u8>> = Vec::new();
        let mut buf = [0u8; 32];
        let r = property(&mut SliceOut::new(&mut buf), &p(b"", Value::Date { millis: 0.0, utc_offset: 0 }), &mut log);
        assert_eq!(r, Err(EncodeError::InvalidType));
        assert_eq!(log, vec![b"AMFProp_Encode, invalid type. 11".to_vec()]);
    }

    #[test]
    fn objects_and_arrays() {
        let o = Object::new(vec![p(b"a", Value::Number(1.0)), p(b"s", Value::String(b"x"))]);
        let want = b"\x03\x00\x01a\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x00\x01s\x02\x00\x01x\x00\x00\x09";
        assert_eq!(fit(|out| object(out, &o, &mut ()), 64).unwrap(), want);
        let e = fit(|out| ecma_array(out, &o, &mut ()), 64).unwrap();
        assert_eq!(&e[..5], b"\x08\x00\x00\x00\x02");
        assert_eq!(&e[5..], &want[1..]);
        let s = fit(|out| strict_array(out, &o, &mut ()), 64).unwrap();
        assert_eq!(&s[..5], b"\x0a\x00\x00\x00\x02");
        assert_eq!(&s[5..], &want[1..want.len() - 3]);
        assert_eq!(min_room(|out| object(out, &Object::default(), &mut ())), 5);
        assert_eq!(min_room(|out| strict_array(out, &Object::default(), &mut ())), 5);
    }

    #[test]
    fn a_failing_member_closes_the_object_early() {
        let o = Object::new(vec![
            p(b"a", Value::Boolean(true)),
            p(b"d", Value::Date { millis: 1.0, utc_offset: 0 }),
            p(b"c", Value::Boolean(false)),
        ]);
        let mut log: Vec<Vec<u8>> = Vec::new();
        let mut buf = [0u8; 64];
        let mut out = SliceOut::new(&mut buf);
        object(&mut out, &o, &mut log).unwrap();
        let n = out.position();
        assert_eq!(&buf[..n], b"\x03\x00\x01a\x01\x01\x00\x00\x09");
        assert_eq!(
            log,
            vec![
                b"AMFProp_Encode, invalid type. 11".to_vec(),
                b"AMF_Encode - failed to encode property in index 1".to_vec()
            ]
        );
        // Too little room for a member, enough for the end marker: the object still closes.
        let big = Object::new(vec![p(b"s", Value::String(b"0123456789"))]);
        assert_eq!(fit(|out| object(out, &big, &mut ()), 8).unwrap(), b"\x03\x00\x00\x09");
    }

    #[test]
    fn every_room_below_the_need_is_refused() {
        let o = Object::new(vec![
            p(b"name", Value::String(b"value")),
            p(b"n", Value::Number(2.0)),
            p(b"o", Value::Object(Object::new(vec![p(b"z", Value::Null)]))),
        ]);
        let full = fit(|out| object(out, &o, &mut ()), 256).unwrap();
        for room in 0..full.len() {
            if let Some(got) = fit(|out| object(out, &o, &mut ()), room) {
                // Shorter results only ever drop whole trailing members.
                assert!(got.len() <= room);
                assert_eq!(&got[got.len() - 3..], b"\x00\x00\x09");
            }
        }
        let mut v = Vec::new();
        object(&mut v, &o, &mut ()).unwrap();
        assert_eq!(v, full);
        for room in 0..full.len() + 2 {
            let mut l = Limited::new(room);
            let got = object(&mut l, &o, &mut ()).ok().map(|_| l.bytes);
            assert_eq!(got, fit(|out| object(out, &o, &mut ()), room));
        }
    }
}
