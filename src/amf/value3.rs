//! The AMF3 value model of the full codec ([`super::amf3`], [`super::amf3_encode`]).
//!
//! Complex values (everything AMF3 puts in its object reference table: objects, arrays, dates,
//! XML, byte arrays, vectors, dictionaries) carry their table index `id`; a repeated or cyclic
//! value is a [`Value3::Reference`] to that id, so every decoded graph is a finite tree and the
//! encoder can emit the same references back. Strings borrow from the input; string references are
//! resolved while decoding (they cannot form cycles).

use std::sync::Arc;

/// A class description: shared by every object that uses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Traits<'a> {
    /// Empty for anonymous objects.
    pub class_name: &'a [u8],
    /// Names of the sealed members, in order.
    pub sealed: Vec<&'a [u8]>,
    pub dynamic: bool,
    pub externalizable: bool,
}

impl<'a> Traits<'a> {
    /// The traits of `{}`-style anonymous objects.
    pub fn anonymous() -> Self {
        Traits { class_name: &[], sealed: Vec::new(), dynamic: true, externalizable: false }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Object3<'a> {
    pub id: u32,
    pub traits: Arc<Traits<'a>>,
    /// One value per sealed member name of `traits`.
    pub sealed: Vec<Value3<'a>>,
    /// Dynamic members, in order (only when `traits.dynamic`).
    pub dynamic: Vec<(&'a [u8], Value3<'a>)>,
    /// The payload of an externalizable object of a class whose format is known.
    pub external: Option<Box<Value3<'a>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Array3<'a> {
    pub id: u32,
    /// The associative (named) part, in order.
    pub assoc: Vec<(&'a [u8], Value3<'a>)>,
    /// The dense part.
    pub dense: Vec<Value3<'a>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value3<'a> {
    Undefined,
    Null,
    Boolean(bool),
    /// 29-bit signed; larger integers are encoded as doubles.
    Integer(i32),
    Double(f64),
    String(&'a [u8]),
    XmlDoc {
        id: u32,
        xml: &'a [u8],
    },
    /// Milliseconds since the epoch, UTC.
    Date {
        id: u32,
        millis: f64,
    },
    Array(Array3<'a>),
    Object(Object3<'a>),
    Xml {
        id: u32,
        xml: &'a [u8],
    },
    ByteArray {
        id: u32,
        bytes: &'a [u8],
    },
    VectorInt {
        id: u32,
        fixed: bool,
        items: Vec<i32>,
    },
    VectorUint {
        id: u32,
        fixed: bool,
        items: Vec<u32>,
    },
    VectorDouble {
        id: u32,
        fixed: bool,
        items: Vec<f64>,
    },
    VectorObject {
        id: u32,
        fixed: bool,
        type_name: &'a [u8],
        items: Vec<Value3<'a>>,
    },
    Dictionary {
        id: u32,
        weak_keys: bool,
        entries: Vec<(Value3<'a>, Value3<'a>)>,
    },
    /// The complex value with this id, decoded earlier (or enclosing this one).
    Reference(u32),
}

impl Value3<'_> {
    /// The table index of a complex value.
    pub fn id(&self) -> Option<u32> {
        match self {
            Value3::XmlDoc { id, .. }
            | Value3::Date { id, .. }
            | Value3::Xml { id, .. }
            | Value3::ByteArray { id, .. }
            | Value3::VectorInt { id, .. }
            | Value3::VectorUint { id, .. }
            | Value3::VectorDouble { id, .. }
            | Value3::VectorObject { id, .. }
            | Value3::Dictionary { id, .. } => Some(*id),
            Value3::Array(a) => Some(a.id),
            Value3::Object(o) => Some(o.id),
            _ => None,
        }
    }
}

/// Externalizable classes whose payload is a single AMF3 value, so they can be decoded and
/// encoded without knowing more (Flex's collection wrappers).
pub const SINGLE_VALUE_EXTERNALS: &[&[u8]] =
    &[b"flex.messaging.io.ArrayCollection", b"flex.messaging.io.ArrayList", b"flex.messaging.io.ObjectProxy"];
