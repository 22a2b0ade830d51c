//! AMF3 encoding (the original has none): strings and traits are written once and referenced
//! after, complex values get table indexes in the order they are written so that
//! [`Value3::Reference`] ids from a decoded tree map back to the right entries.

use std::collections::HashMap;

use super::legacy3::marker;
use super::value3::{Traits, Value3, SINGLE_VALUE_EXTERNALS};
use super::MAX_DEPTH;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encode3Error {
    /// A string, byte array or count that does not fit the 28 bits AMF3 gives it.
    TooLong,
    /// A reference to an id not written before.
    BadReference,
    /// Sealed values that do not match their traits, or an externalizable object without a
    /// payload this encoder knows how to write.
    Malformed,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// Encodes `value` with fresh reference tables, appending to `out`.
pub fn encode(value: &Value3<'_>, out: &mut Vec<u8>) -> Result<(), Encode3Error> {
    Encoder3::new().value(value, out)
}

/// Encodes values one after another, sharing the reference tables between them.
#[derive(Default)]
pub struct Encoder3<'a> {
    strings: HashMap<&'a [u8], u32>,
    traits: HashMap<Traits<'a>, u32>,
    /// Value id → index in the object table and the marker it was written with (a reference is
    /// written with the marker of what it points to).
    ids: HashMap<u32, (u32, u8)>,
    complex: u32,
    depth: usize,
}

type R = Result<(), Encode3Error>;

const U29_MAX: u32 = (1 << 29) - 1;

/// The variable-length 29-bit integer.
pub fn u29(out: &mut Vec<u8>, v: u32) -> R {
    match v {
        0..=0x7f => out.push(v as u8),
        0x80..=0x3fff => out.extend_from_slice(&[(v >> 7) as u8 | 0x80, (v & 0x7f) as u8]),
        0x4000..=0x1f_ffff => out.extend_from_slice(&[(v >> 14) as u8 | 0x80, (v >> 7) as u8 | 0x80, (v & 0x7f) as u8]),
        0x20_0000..=U29_MAX => {
            out.extend_from_slice(&[(v >> 22) as u8 | 0x80, (v >> 15) as u8 | 0x80, (v >> 8) as u8 | 0x80, v as u8])
        }
        _ => return Err(Encode3Error::TooLong),
    }
    Ok(())
}

/// A length or count shifted left by one with the "inline" bit: at most 2^28 - 1.
fn inline_header(out: &mut Vec<u8>, n: usize) -> R {
    let n = u32::try_from(n).map_err(|_| Encode3Error::TooLong)?;
    if n > U29_MAX >> 1 {
        return Err(Encode3Error::TooLong);
    }
    u29(out, (n << 1) | 1)
}

impl<'a> Encoder3<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    fn string(&mut self, out: &mut Vec<u8>, s: &'a [u8]) -> R {
        if let Some(&i) = self.strings.get(s) {
            return u29(out, i << 1);
        }
        inline_header(out, s.len())?;
        out.extend_from_slice(s);
        if !s.is_empty() {
            let i = self.strings.len() as u32;
            self.strings.insert(s, i);
        }
        Ok(())
    }

    /// Writes marker `m`, then a reference if `id` was written before and returns `false`; else
    /// takes the next table index for it and returns `true` (the caller writes the value).
    fn complex(&mut self, out: &mut Vec<u8>, id: u32, m: u8) -> Result<bool, Encode3Error> {
        out.push(m);
        if let Some(&(i, _)) = self.ids.get(&id) {
            u29(out, i << 1)?;
            return Ok(false);
        }
        self.ids.insert(id, (self.complex, m));
        self.complex += 1;
        Ok(true)
    }

    pub fn value(&mut self, v: &Value3<'a>, out: &mut Vec<u8>) -> R {
        if self.depth >= MAX_DEPTH {
            return Err(Encode3Error::TooDeep);
        }
        self.depth += 1;
        let r = self.value_inner(v, out);
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self, v: &Value3<'a>, out: &mut Vec<u8>) -> R {
        match v {
            Value3::Undefined => out.push(marker::UNDEFINED),
            Value3::Null => out.push(marker::NULL),
            Value3::Boolean(false) => out.push(marker::FALSE),
            Value3::Boolean(true) => out.push(marker::TRUE),
            Value3::Integer(i) => {
                if (-(1 << 28)..(1 << 28)).contains(i) {
                    out.push(marker::INTEGER);
                    u29(out, (*i as u32) & U29_MAX)?;
                } else {
                    out.push(marker::DOUBLE);
                    out.extend_from_slice(&f64::from(*i).to_be_bytes());
                }
            }
            Value3::Double(d) => {
                out.push(marker::DOUBLE);
                out.extend_from_slice(&d.to_be_bytes());
            }
            Value3::String(s) => {
                out.push(marker::STRING);
                self.string(out, s)?;
            }
            Value3::XmlDoc { id, xml: b } | Value3::Xml { id, xml: b } | Value3::ByteArray { id, bytes: b } => {
                let m = match v {
                    Value3::XmlDoc { .. } => marker::XML_DOC,
                    Value3::Xml { .. } => marker::XML,
                    _ => marker::BYTE_ARRAY,
                };
                if self.complex(out, *id, m)? {
                    inline_header(out, b.len())?;
                    out.extend_from_slice(b);
                }
            }
            Value3::Date { id, millis } => {
                if self.complex(out, *id, marker::DATE)? {
                    out.push(0x01);
                    out.extend_from_slice(&millis.to_be_bytes());
                }
            }
            Value3::Array(a) => {
                if self.complex(out, a.id, marker::ARRAY)? {
                    inline_header(out, a.dense.len())?;
                    for (k, v) in &a.assoc {
                        if k.is_empty() {
                            // An empty key would end the associative part early.
                            return Err(Encode3Error::Malformed);
                        }
                        self.string(out, k)?;
                        self.value(v, out)?;
                    }
                    out.push(0x01);
                    for v in &a.dense {
                        self.value(v, out)?;
                    }
                }
            }
            Value3::Object(o) => {
                if !self.complex(out, o.id, marker::OBJECT)? {
                    return Ok(());
                }
                let t = &*o.traits;
                if let Some(&i) = self.traits.get(t) {
                    u29(out, (i << 2) | 0b01)?;
                } else {
                    if t.externalizable {
                        u29(out, 0b0111)?;
                    } else {
                        let n = u32::try_from(t.sealed.len()).map_err(|_| Encode3Error::TooLong)?;
                        if n > U29_MAX >> 4 {
                            return Err(Encode3Error::TooLong);
                        }
                        u29(out, (n << 4) | (u32::from(t.dynamic) << 3) | 0b011)?;
                    }
                    self.string(out, t.class_name)?;
                    if !t.externalizable {
                        for name in &t.sealed {
                            self.string(out, name)?;
                        }
                    }
                    let i = self.traits.len() as u32;
                    self.traits.insert(t.clone(), i);
                }
                if t.externalizable {
                    match &o.external {
                        Some(payload) if SINGLE_VALUE_EXTERNALS.contains(&t.class_name) => self.value(payload, out)?,
                        _ => return Err(Encode3Error::Malformed),
                    }
                    return Ok(());
                }
                if o.sealed.len() != t.sealed.len() || (!t.dynamic && !o.dynamic.is_empty()) {
                    return Err(Encode3Error::Malformed);
                }
                for v in &o.sealed {
                    self.value(v, out)?;
                }
                if t.dynamic {
                    for (k, v) in &o.dynamic {
                        if k.is_empty() {
                            return Err(Encode3Error::Malformed);
                        }
                        self.string(out, k)?;
                        self.value(v, out)?;
                    }
                    out.push(0x01);
                }
            }
            Value3::VectorInt { id, fixed, items } => {
                if self.complex(out, *id, marker::VECTOR_INT)? {
                    inline_header(out, items.len())?;
                    out.push(u8::from(*fixed));
                    for i in items {
                        out.extend_from_slice(&i.to_be_bytes());
                    }
                }
            }
            Value3::VectorUint { id, fixed, items } => {
                if self.complex(out, *id, marker::VECTOR_UINT)? {
                    inline_header(out, items.len())?;
                    out.push(u8::from(*fixed));
                    for i in items {
                        out.extend_from_slice(&i.to_be_bytes());
                    }
                }
            }
            Value3::VectorDouble { id, fixed, items } => {
                if self.complex(out, *id, marker::VECTOR_DOUBLE)? {
                    inline_header(out, items.len())?;
                    out.push(u8::from(*fixed));
                    for d in items {
                        out.extend_from_slice(&d.to_be_bytes());
                    }
                }
            }
            Value3::VectorObject { id, fixed, type_name, items } => {
                if self.complex(out, *id, marker::VECTOR_OBJECT)? {
                    inline_header(out, items.len())?;
                    out.push(u8::from(*fixed));
                    self.string(out, type_name)?;
                    for v in items {
                        self.value(v, out)?;
                    }
                }
            }
            Value3::Dictionary { id, weak_keys, entries } => {
                if self.complex(out, *id, marker::DICTIONARY)? {
                    inline_header(out, entries.len())?;
                    out.push(u8::from(*weak_keys));
                    for (k, v) in entries {
                        self.value(k, out)?;
                        self.value(v, out)?;
                    }
                }
            }
            Value3::Reference(id) => {
                let (i, m) = *self.ids.get(id).ok_or(Encode3Error::BadReference)?;
                out.push(m);
                u29(out, i << 1)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amf::value3::{Array3, Object3};
    use std::sync::Arc;

    fn enc(v: &Value3<'_>) -> Result<Vec<u8>, Encode3Error> {
        let mut out = Vec::new();
        encode(v, &mut out).map(|_| out)
    }

    #[test]
    fn u29_boundaries() {
        for (v, want) in [
            (0u32, &b"\x00"[..]),
            (0x7f, b"\x7f"),
            (0x80, b"\x81\x00"),
            (0x3fff, b"\xff\x7f"),
            (0x4000, b"\x81\x80\x00"),
            (0x1f_ffff, b"\xff\xff\x7f"),
            (0x20_0000, b"\x80\xc0\x80\x00"),
            (U29_MAX, b"\xff\xff\xff\xff"),
        ] {
            let mut out = Vec::new();
            u29(&mut out, v).unwrap();
            assert_eq!(out, want, "{v:#x}");
        }
        assert_eq!(u29(&mut Vec::new(), U29_MAX + 1), Err(Encode3Error::TooLong));
    }

    #[test]
    fn integers_outside_29_bits_become_doubles() {
        assert_eq!(enc(&Value3::Integer(1 << 28)).unwrap()[0], marker::DOUBLE);
        assert_eq!(enc(&Value3::Integer(-(1 << 28) - 1)).unwrap()[0], marker::DOUBLE);
        assert_eq!(enc(&Value3::Integer(-1)).unwrap(), b"\x04\xff\xff\xff\xff");
    }

    #[test]
    fn refusals() {
        assert_eq!(enc(&Value3::Reference(0)), Err(Encode3Error::BadReference));
        let t = Arc::new(Traits { class_name: b"P", sealed: vec![b"x"], dynamic: false, externalizable: false });
        let bad = Value3::Object(Object3 { id: 0, traits: t, sealed: vec![], dynamic: vec![], external: None });
        assert_eq!(enc(&bad), Err(Encode3Error::Malformed));
        let ext = Arc::new(Traits { class_name: b"Unknown", sealed: vec![], dynamic: false, externalizable: true });
        let bad = Value3::Object(Object3 { id: 0, traits: ext, sealed: vec![], dynamic: vec![], external: None });
        assert_eq!(enc(&bad), Err(Encode3Error::Malformed));
        let a = Value3::Array(Array3 { id: 0, assoc: vec![(b"", Value3::Null)], dense: vec![] });
        assert_eq!(enc(&a), Err(Encode3Error::Malformed));
        let mut deep = Value3::Null;
        for i in 0..100 {
            deep = Value3::Array(Array3 { id: i, assoc: vec![], dense: vec![deep] });
        }
        assert_eq!(enc(&deep), Err(Encode3Error::TooDeep));
    }

    #[test]
    fn anonymous_object_bytes() {
        let o = Value3::Object(Object3 {
            id: 0,
            traits: Arc::new(Traits::anonymous()),
            sealed: vec![],
            dynamic: vec![(b"a", Value3::Integer(5))],
            external: None,
        });
        assert_eq!(enc(&o).unwrap(), b"\x0a\x0b\x01\x03a\x04\x05\x01");
    }
}
