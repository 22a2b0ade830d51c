//! librtmp's AMF0 value model: an object is a list of named properties, as in `AMFObject`.

/// The AMF0 type markers, which are also the `AMFDataType` codes of the C API.
pub mod marker {
    pub const NUMBER: u8 = 0x00;
    pub const BOOLEAN: u8 = 0x01;
    pub const STRING: u8 = 0x02;
    pub const OBJECT: u8 = 0x03;
    pub const MOVIECLIP: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const UNDEFINED: u8 = 0x06;
    pub const REFERENCE: u8 = 0x07;
    pub const ECMA_ARRAY: u8 = 0x08;
    pub const OBJECT_END: u8 = 0x09;
    pub const STRICT_ARRAY: u8 = 0x0a;
    pub const DATE: u8 = 0x0b;
    pub const LONG_STRING: u8 = 0x0c;
    pub const UNSUPPORTED: u8 = 0x0d;
    pub const RECORDSET: u8 = 0x0e;
    pub const XML_DOC: u8 = 0x0f;
    pub const TYPED_OBJECT: u8 = 0x10;
    pub const AVMPLUS: u8 = 0x11;
    /// Not a wire marker: the C API's "no such property" type.
    pub const INVALID: i32 = 0xff;
}

/// A property: a name (empty inside strict arrays and at the top level of a command) and a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Property<'a> {
    pub name: &'a [u8],
    pub value: Value<'a>,
}

impl<'a> Property<'a> {
    pub fn new(name: &'a [u8], value: Value<'a>) -> Self {
        Property { name, value }
    }

    pub fn unnamed(value: Value<'a>) -> Self {
        Property { name: &[], value }
    }
}

/// An object, an ECMA array or a strict array: its properties in wire order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object<'a> {
    pub props: Vec<Property<'a>>,
}

impl<'a> Object<'a> {
    pub fn new(props: Vec<Property<'a>>) -> Self {
        Object { props }
    }

    /// The first property called `name`, as `AMF_GetProp` with a negative index finds it.
    pub fn get(&self, name: &[u8]) -> Option<&Property<'a>> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Depth-first search through objects and ECMA arrays, as `RTMP_FindFirstMatchingProperty`.
    pub fn find_first(&self, name: &[u8]) -> Option<&Property<'a>> {
        for p in &self.props {
            if p.name == name {
                return Some(p);
            }
            if let Value::Object(o) | Value::EcmaArray(o) = &p.value {
                if let Some(found) = o.find_first(name) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Depth-first search through objects only for a name that starts with `prefix` and is longer
    /// than it, as `RTMP_FindPrefixProperty` ("videocodecid" for "video").
    pub fn find_prefix(&self, prefix: &[u8]) -> Option<&Property<'a>> {
        for p in &self.props {
            if p.name.len() > prefix.len() && p.name.starts_with(prefix) {
                return Some(p);
            }
            if let Value::Object(o) = &p.value {
                if let Some(found) = o.find_prefix(prefix) {
                    return Some(found);
                }
            }
        }
        None
    }
}

/// A value as librtmp holds it after decoding. Long strings are plain strings; undefined and
/// unsupported are null; an AMF3 object reached through the `AVMPLUS` switch is an object.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Number(f64),
    Boolean(bool),
    String(&'a [u8]),
    Object(Object<'a>),
    Null,
    EcmaArray(Object<'a>),
    StrictArray(Object<'a>),
    /// Milliseconds since the epoch and the time-zone field (minutes, usually 0).
    Date {
        millis: f64,
        utc_offset: i16,
    },
    XmlDoc(&'a [u8]),
    /// Any other type code: C may store anything in `p_type`, and 0xff is the "invalid" property.
    /// Nothing decodes to it; encoders refuse it and dumps name it.
    Other(i32),
}

impl Value<'_> {
    /// The C API's `AMFDataType` code.
    pub fn type_code(&self) -> i32 {
        i32::from(match self {
            Value::Number(_) => marker::NUMBER,
            Value::Boolean(_) => marker::BOOLEAN,
            Value::String(_) => marker::STRING,
            Value::Object(_) => marker::OBJECT,
            Value::Null => marker::NULL,
            Value::EcmaArray(_) => marker::ECMA_ARRAY,
            Value::StrictArray(_) => marker::STRICT_ARRAY,
            Value::Date { .. } => marker::DATE,
            Value::XmlDoc(_) => marker::XML_DOC,
            Value::Other(code) => return *code,
        })
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object<'_>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(name: &'static [u8], n: f64) -> Property<'static> {
        Property::new(name, Value::Number(n))
    }

    #[test]
    fn find_first_searches_objects_and_ecma_arrays_depth_first() {
        let inner = Object::new(vec![num(b"duration", 2.0)]);
        let ecma = Object::new(vec![num(b"width", 3.0)]);
        let strict = Object::new(vec![num(b"height", 4.0)]);
        let top = Object::new(vec![
            Property::new(b"a", Value::Object(inner)),
            Property::new(b"b", Value::EcmaArray(ecma)),
            Property::new(b"c", Value::StrictArray(strict)),
            num(b"duration", 9.0),
        ]);
        assert_eq!(top.find_first(b"duration").unwrap().value, Value::Number(2.0));
        assert_eq!(top.find_first(b"width").unwrap().value, Value::Number(3.0));
        assert!(top.find_first(b"height").is_none());
        assert_eq!(top.get(b"duration").unwrap().value, Value::Number(9.0));
    }

    #[test]
    fn find_prefix_needs_a_longer_name_and_skips_arrays() {
        let top = Object::new(vec![
            num(b"video", 1.0),
            Property::new(b"e", Value::EcmaArray(Object::new(vec![num(b"videocodecid", 7.0)]))),
            Property::new(b"o", Value::Object(Object::new(vec![num(b"videodatarate", 8.0)]))),
        ]);
        assert_eq!(top.find_prefix(b"video").unwrap().name, b"videodatarate");
        assert!(top.find_prefix(b"audio").is_none());
    }

    #[test]
    fn type_codes_match_the_c_enum() {
        assert_eq!(Value::Null.type_code(), 5);
        assert_eq!(Value::XmlDoc(b"").type_code(), 15);
        assert_eq!(Value::Date { millis: 0.0, utc_offset: 0 }.type_code(), 11);
        assert_eq!(Value::Other(0xff).type_code(), 0xff);
    }
}
