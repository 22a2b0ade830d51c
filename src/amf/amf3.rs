//! A complete AMF3 decoder: every marker, with the string, object and traits reference tables.
//!
//! The original has nothing like it (see [`super::legacy3`] for what it does instead). Hostile
//! input gets an error, never a panic: references are checked against the tables, nesting is
//! bounded by [`MAX_DEPTH`], and no count from the input reserves memory the input cannot fill.

use std::sync::Arc;

use super::legacy3::marker;
use super::reader::{bytes, f64_at, signed29, u29_at, u32_at, u8_at};
use super::value3::{Array3, Object3, Traits, Value3, SINGLE_VALUE_EXTERNALS};
use super::{DecodeError, MAX_DEPTH};

/// Decodes one value with fresh reference tables. Returns it and the bytes used.
pub fn decode(input: &[u8]) -> Result<(Value3<'_>, usize), DecodeError> {
    let mut d = Decoder3::new(input);
    let v = d.value()?;
    Ok((v, d.position()))
}

/// Decodes values one after another, sharing the reference tables between them (as the values of
/// one AMF3 message do).
pub struct Decoder3<'a> {
    input: &'a [u8],
    pos: usize,
    strings: Vec<&'a [u8]>,
    traits: Vec<Arc<Traits<'a>>>,
    complex: u32,
    depth: usize,
}

type R<T> = Result<T, DecodeError>;

/// The most items a container reserves room for before they are decoded.
const RESERVE_CAP: usize = 1024;

impl<'a> Decoder3<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Decoder3 { input, pos: 0, strings: Vec::new(), traits: Vec::new(), complex: 0, depth: 0 }
    }

    /// Bytes used so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn is_at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn left(&self) -> usize {
        self.input.len() - self.pos
    }

    fn u8(&mut self) -> R<u8> {
        let b = u8_at(self.input, self.pos, self.input.len()).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn u29(&mut self) -> R<u32> {
        let (v, n) = u29_at(self.input, self.pos, self.input.len()).ok_or(DecodeError::Truncated)?;
        self.pos += n;
        Ok(v)
    }

    fn f64(&mut self) -> R<f64> {
        let v = f64_at(self.input, self.pos, self.input.len()).ok_or(DecodeError::Truncated)?;
        self.pos += 8;
        Ok(v)
    }

    fn take(&mut self, len: usize) -> R<&'a [u8]> {
        let b = bytes(self.input, self.pos, len, self.input.len()).ok_or(DecodeError::Truncated)?;
        self.pos += len;
        Ok(b)
    }

    /// A string with its reference table: non-empty inline strings are remembered.
    fn string(&mut self) -> R<&'a [u8]> {
        let h = self.u29()?;
        if h & 1 == 0 {
            return self.strings.get((h >> 1) as usize).copied().ok_or(DecodeError::Malformed);
        }
        let s = self.take((h >> 1) as usize)?;
        if !s.is_empty() {
            self.strings.push(s);
        }
        Ok(s)
    }

    /// The header of a complex value: `Err(Reference)` as `Ok(None)` after checking it, else the
    /// payload bits and a fresh id.
    fn complex_header(&mut self) -> R<Result<(u32, u32), u32>> {
        let h = self.u29()?;
        if h & 1 == 0 {
            let index = h >> 1;
            if index >= self.complex {
                return Err(DecodeError::Malformed);
            }
            return Ok(Err(index));
        }
        let id = self.complex;
        self.complex += 1;
        Ok(Ok((h >> 1, id)))
    }

    /// `count` items, each at least `size` bytes of input, decoded by `item`: a count the rest of
    /// the input could not hold is refused before anything is reserved ([`Self::fits`]), and the
    /// room reserved is capped ([`Self::vec_for`]).
    fn list<T>(&mut self, count: u32, size: usize, mut item: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let n = self.fits(count, size)?;
        let mut items = Self::vec_for(n);
        for _ in 0..n {
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// An empty vector for `n` items that [`Self::fits`] admitted. The reservation is capped:
    /// every container nested inside another is admitted against the same bytes left, so
    /// reserving each count in full would let 64 nested arrays of a 64 KiB message reserve 64
    /// times its length in values. Past the cap, vectors grow only as items actually decode.
    fn vec_for<T>(n: usize) -> Vec<T> {
        Vec::with_capacity(n.min(RESERVE_CAP))
    }

    /// `count` items of `size` bytes, if the rest of the input could hold them (a count it could
    /// not is refused before anything is reserved).
    fn fits(&self, count: u32, size: usize) -> R<usize> {
        let count = count as usize;
        if count.saturating_mul(size) > self.left() {
            return Err(DecodeError::Truncated);
        }
        Ok(count)
    }

    /// The next value.
    pub fn value(&mut self) -> R<Value3<'a>> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        self.depth += 1;
        let r = self.value_inner();
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self) -> R<Value3<'a>> {
        let m = self.u8()?;
        Ok(match m {
            marker::UNDEFINED => Value3::Undefined,
            marker::NULL => Value3::Null,
            marker::FALSE => Value3::Boolean(false),
            marker::TRUE => Value3::Boolean(true),
            marker::INTEGER => Value3::Integer(signed29(self.u29()?)),
            marker::DOUBLE => Value3::Double(self.f64()?),
            marker::STRING => Value3::String(self.string()?),
            marker::XML_DOC | marker::XML | marker::BYTE_ARRAY => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((len, id)) => {
                    let b = self.take(len as usize)?;
                    match m {
                        marker::XML_DOC => Value3::XmlDoc { id, xml: b },
                        marker::XML => Value3::Xml { id, xml: b },
                        _ => Value3::ByteArray { id, bytes: b },
                    }
                }
            },
            marker::DATE => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((_, id)) => Value3::Date { id, millis: self.f64()? },
            },
            marker::ARRAY => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((count, id)) => {
                    let mut assoc = Vec::new();
                    loop {
                        let key = self.string()?;
                        if key.is_empty() {
                            break;
                        }
                        assoc.push((key, self.value()?));
                    }
                    let dense = self.list(count, 1, Self::value)?;
                    Value3::Array(Array3 { id, assoc, dense })
                }
            },
            marker::OBJECT => self.object()?,
            marker::VECTOR_INT | marker::VECTOR_UINT | marker::VECTOR_DOUBLE => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((count, id)) => {
                    let fixed = self.u8()? != 0;
                    let size = if m == marker::VECTOR_DOUBLE { 8 } else { 4 };
                    match m {
                        marker::VECTOR_INT => {
                            let items = self.list(count, size, |d| d.u32().map(|v| v as i32))?;
                            Value3::VectorInt { id, fixed, items }
                        }
                        marker::VECTOR_UINT => {
                            let items = self.list(count, size, Self::u32)?;
                            Value3::VectorUint { id, fixed, items }
                        }
                        _ => {
                            let items = self.list(count, size, Self::f64)?;
                            Value3::VectorDouble { id, fixed, items }
                        }
                    }
                }
            },
            marker::VECTOR_OBJECT => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((count, id)) => {
                    let fixed = self.u8()? != 0;
                    let type_name = self.string()?;
                    let items = self.list(count, 1, Self::value)?;
                    Value3::VectorObject { id, fixed, type_name, items }
                }
            },
            marker::DICTIONARY => match self.complex_header()? {
                Err(r) => Value3::Reference(r),
                Ok((count, id)) => {
                    let weak_keys = self.u8()? != 0;
                    let entries = self.list(count, 2, |d| Ok((d.value()?, d.value()?)))?;
                    Value3::Dictionary { id, weak_keys, entries }
                }
            },
            _ => return Err(DecodeError::Malformed),
        })
    }

    fn u32(&mut self) -> R<u32> {
        let v = u32_at(self.input, self.pos, self.input.len()).ok_or(DecodeError::Truncated)?;
        self.pos += 4;
        Ok(v)
    }

    fn object(&mut self) -> R<Value3<'a>> {
        let (bits, id) = match self.complex_header()? {
            Err(r) => return Ok(Value3::Reference(r)),
            Ok(x) => x,
        };
        let traits = if bits & 1 == 0 {
            self.traits.get((bits >> 1) as usize).cloned().ok_or(DecodeError::Malformed)?
        } else {
            let externalizable = bits & 2 != 0;
            let dynamic = bits & 4 != 0;
            let count = if externalizable { 0 } else { bits >> 3 };
            let class_name = self.string()?;
            let sealed = self.list(count, 1, Self::string)?;
            let t = Arc::new(Traits { class_name, sealed, dynamic: dynamic && !externalizable, externalizable });
            self.traits.push(t.clone());
            t
        };
        if traits.externalizable {
            if !SINGLE_VALUE_EXTERNALS.contains(&traits.class_name) {
                // The payload format belongs to the class; without it the rest cannot be parsed.
                return Err(DecodeError::Unsupported);
            }
            let payload = self.value()?;
            return Ok(Value3::Object(Object3 {
                id,
                traits,
                sealed: Vec::new(),
                dynamic: Vec::new(),
                external: Some(Box::new(payload)),
            }));
        }
        let sealed = self.list(traits.sealed.len() as u32, 1, Self::value)?;
        let mut dynamic = Vec::new();
        if traits.dynamic {
            loop {
                let key = self.string()?;
                if key.is_empty() {
                    break;
                }
                dynamic.push((key, self.value()?));
            }
        }
        Ok(Value3::Object(Object3 { id, traits, sealed, dynamic, external: None }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amf::amf3_encode::encode;

    fn round_trip(v: &Value3<'_>) {
        let mut out = Vec::new();
        encode(v, &mut out).unwrap();
        let (back, n) = decode(&out).unwrap();
        assert_eq!(n, out.len());
        assert_eq!(&back, v);
        // Cut anywhere, the encoding is refused, never a panic.
        for cut in 0..out.len() {
            assert!(decode(&out[..cut]).is_err(), "{v:?} cut at {cut}");
        }
    }

    fn anon(id: u32, members: Vec<(&'static [u8], Value3<'static>)>) -> Value3<'static> {
        Value3::Object(Object3 {
            id,
            traits: Arc::new(Traits::anonymous()),
            sealed: vec![],
            dynamic: members,
            external: None,
        })
    }

    #[test]
    fn scalars() {
        for v in [
            Value3::Undefined,
            Value3::Null,
            Value3::Boolean(false),
            Value3::Boolean(true),
            Value3::Integer(0),
            Value3::Integer(127),
            Value3::Integer(128),
            Value3::Integer(0x3fff),
            Value3::Integer(0x4000),
            Value3::Integer(0x1f_ffff),
            Value3::Integer(0x20_0000),
            Value3::Integer(0x0fff_ffff),
            Value3::Integer(-1),
            Value3::Integer(-0x1000_0000),
            Value3::Double(-2.5),
            Value3::String(b"hello"),
        ] {
            round_trip(&v);
        }
        round_trip(&Value3::String(b""));
    }

    #[test]
    fn complex_values() {
        round_trip(&Value3::Date { id: 0, millis: 1.6e12 });
        round_trip(&Value3::XmlDoc { id: 0, xml: b"<a/>" });
        round_trip(&Value3::Xml { id: 0, xml: b"<b/>" });
        round_trip(&Value3::ByteArray { id: 0, bytes: b"\x00\x01\x02" });
        round_trip(&Value3::VectorInt { id: 0, fixed: true, items: vec![-1, 2, i32::MAX] });
        round_trip(&Value3::VectorUint { id: 0, fixed: false, items: vec![0, u32::MAX] });
        round_trip(&Value3::VectorDouble { id: 0, fixed: false, items: vec![0.5, -0.0] });
        round_trip(&Value3::VectorObject {
            id: 0,
            fixed: false,
            type_name: b"com.example.T",
            items: vec![Value3::Null, anon(1, vec![(b"k", Value3::Integer(1))])],
        });
        round_trip(&Value3::Dictionary {
            id: 0,
            weak_keys: true,
            entries: vec![(Value3::String(b"k"), Value3::Integer(3)), (Value3::Integer(4), Value3::Null)],
        });
        round_trip(&Value3::Array(Array3 {
            id: 0,
            assoc: vec![(b"name", Value3::String(b"v"))],
            dense: vec![Value3::Integer(1), Value3::String(b"v"), Value3::Boolean(true)],
        }));
    }

    #[test]
    fn objects_traits_and_references() {
        let point =
            Arc::new(Traits { class_name: b"Point", sealed: vec![b"x", b"y"], dynamic: false, externalizable: false });
        let p = |id, x, y| {
            Value3::Object(Object3 {
                id,
                traits: point.clone(),
                sealed: vec![Value3::Integer(x), Value3::Integer(y)],
                dynamic: vec![],
                external: None,
            })
        };
        let list = Value3::Array(Array3 {
            id: 0,
            assoc: vec![],
            dense: vec![p(1, 1, 2), p(2, 3, 4), Value3::Reference(1), Value3::Reference(0)],
        });
        round_trip(&list);
        let mut out = Vec::new();
        encode(&list, &mut out).unwrap();
        // The second Point uses a traits reference: header 0x01 | 0 << 1 | index 0 << 2.
        let second = out.windows(2).filter(|w| w == b"\x0a\x01").count();
        assert_eq!(second, 1);

        let ext = Value3::Object(Object3 {
            id: 0,
            traits: Arc::new(Traits {
                class_name: b"flex.messaging.io.ArrayCollection",
                sealed: vec![],
                dynamic: false,
                externalizable: true,
            }),
            sealed: vec![],
            dynamic: vec![],
            external: Some(Box::new(Value3::Array(Array3 { id: 1, assoc: vec![], dense: vec![Value3::Integer(5)] }))),
        });
        round_trip(&ext);
        // Repeated strings become references and still decode to the same bytes.
        let o = anon(0, vec![(b"key", Value3::String(b"key")), (b"other", Value3::String(b"key"))]);
        round_trip(&o);
        let mut out = Vec::new();
        encode(&o, &mut out).unwrap();
        assert_eq!(out.windows(3).filter(|w| w == b"key").count(), 1);
    }

    #[test]
    fn self_reference_stays_finite() {
        // { me: <reference to itself> }
        let o = anon(0, vec![(b"me", Value3::Reference(0))]);
        round_trip(&o);
    }

    #[test]
    fn bad_references_are_refused() {
        // String reference 0 with an empty table.
        assert_eq!(decode(b"\x06\x00"), Err(DecodeError::Malformed));
        // Object reference 0 with an empty table.
        assert_eq!(decode(b"\x0a\x00"), Err(DecodeError::Malformed));
        // Traits reference 0 with an empty table (header 0b0001: inline object, traits ref 0).
        assert_eq!(decode(b"\x0a\x01"), Err(DecodeError::Malformed));
        // Date reference 5 after one complex value.
        assert_eq!(decode(b"\x09\x03\x01\x08\x0a"), Err(DecodeError::Malformed));
        // Unknown marker.
        assert_eq!(decode(b"\x12"), Err(DecodeError::Malformed));
        // Unknown externalizable class.
        assert_eq!(decode(b"\x0a\x07\x03X\x01"), Err(DecodeError::Unsupported));
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        // Dense array of 2^28 - 1 elements, vectors and dictionary of the same, sealed members too.
        for input in [
            &b"\x09\xff\xff\xff\xff\x01"[..],
            b"\x0d\xff\xff\xff\xff\x00",
            b"\x0f\xff\xff\xff\xff\x00",
            b"\x10\xff\xff\xff\xff\x00\x01",
            b"\x11\xff\xff\xff\xff\x00",
            b"\x0a\xff\xff\xff\xf3\x01",
            b"\x06\xff\xff\xff\xff",
        ] {
            assert_eq!(decode(input), Err(DecodeError::Truncated), "{input:02x?}");
        }
    }

    #[test]
    fn nested_counts_reserve_a_bounded_amount() {
        // 63 arrays nested, each announcing as many items as there are bytes left: each count is
        // admitted, but only RESERVE_CAP items' room is reserved at each level.
        let mut input = Vec::new();
        for _ in 0..63 {
            let count = (65_536 - input.len() - 5) as u32;
            let n = count << 1 | 1;
            // Array marker, the count as a 4-byte U29 (flag bit: inline), no associative part.
            let u29 = [0x80 | (n >> 22) as u8, 0x80 | (n >> 15 & 0x7f) as u8, 0x80 | (n >> 8 & 0x7f) as u8, n as u8];
            input.push(0x09);
            input.extend_from_slice(&u29);
            input.push(0x01);
        }
        input.resize(65_536, 0x01);
        assert_eq!(decode(&input), Err(DecodeError::Truncated));
        assert_eq!(Decoder3::vec_for::<Value3>(1 << 27).capacity(), RESERVE_CAP);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend_from_slice(b"\x09\x03\x01");
        }
        deep.push(1);
        assert_eq!(decode(&deep), Err(DecodeError::TooDeep));
    }

    #[test]
    fn tables_are_shared_across_values_of_one_decoder() {
        let input = b"\x06\x07abc\x06\x00";
        let mut d = Decoder3::new(input);
        assert_eq!(d.value().unwrap(), Value3::String(b"abc"));
        assert_eq!(d.value().unwrap(), Value3::String(b"abc"));
        assert!(d.is_at_end());
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut x: u32 = 0x9e37_79b9;
        let mut buf = vec![0u8; 48];
        for _ in 0..20_000 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = if x & 0x100 != 0 { (x % 18) as u8 } else { x as u8 };
            }
            let _ = decode(&buf);
        }
    }
}
