//! What the AMF decoders and encoders report while they work, and the original's wording for it.
//!
//! The decoders do not log by themselves: they hand each [`Event`] to a [`Sink`] at the moment the
//! original library would have called `RTMP_Log`, so the C layer reproduces its log line for line
//! (same order, same text, same level) and Rust callers can route them wherever they like.

/// librtmp's log levels that these events use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Debug,
}

/// One noteworthy step of decoding or encoding. Offsets count from the start of the input that was
/// given to the decoder; byte strings borrow from it.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    /// AMF0: a property was asked for with no bytes left.
    PropEmptyInput,
    /// AMF0: a named property needs at least 4 bytes.
    PropNameNoRoom,
    /// AMF0: the name length runs past the input (`size` is what was left, name length included).
    PropNameOutOfRange {
        name_len: u16,
        size: i64,
    },
    MovieClipReserved,
    ReferenceUnsupported,
    /// AMF0: a date was seen (the original notes every one).
    Date,
    RecordSetReserved,
    TypedObjectUnsupported,
    /// AMF0: a marker outside the specification at `offset`.
    UnknownType {
        marker: u8,
        offset: usize,
    },
    /// AMF3: a string given by reference, which librtmp replaces with an empty string.
    Amf3StringReference {
        index: i32,
    },
    /// AMF3: a property was asked for with no bytes left.
    Amf3EmptyInput,
    /// AMF3: a date given by reference, which librtmp does not resolve.
    Amf3DateReference {
        index: i32,
    },
    /// AMF3: an array, byte array or unknown marker; `next` is the byte after the marker (0 past the
    /// end), `offset` where that byte is.
    Amf3Unsupported {
        next: u8,
        offset: usize,
    },
    /// AMF3: the value after the `AVMPLUS` switch is not marked as an object.
    Amf3NotObject,
    Amf3ObjectReference {
        index: i32,
    },
    Amf3ClassReference {
        index: i32,
    },
    /// AMF3: inline traits. The original prints the class name with C's `%s`: `name` is the input
    /// from the name's first byte on (printed up to its first NUL), or `None` for a NULL pointer.
    Amf3ClassName {
        name: Option<&'a [u8]>,
        externalizable: bool,
        dynamic: bool,
    },
    /// AMF3: one sealed member name, given and printed like `name` above.
    Amf3Member {
        name: Option<&'a [u8]>,
    },
    /// AMF3: the traits or members ran out of input; librtmp stops and reports the whole input used.
    Amf3InvalidClass,
    Amf3Externalizable,
    Amf3PropertyFailed,
    Amf3ClassObject,
    /// Nesting deeper than [`super::MAX_DEPTH`] (not in the original, which recursed until it crashed).
    TooDeep,
    /// Encoding: a property whose type has no AMF0 encoding here.
    InvalidType {
        code: i32,
    },
    /// Encoding: the property at `index` of an object or array could not be written; the container
    /// is closed without it and the ones after it.
    PropertyFailed {
        index: usize,
    },
}

impl Event<'_> {
    pub fn level(&self) -> Level {
        match self {
            Event::MovieClipReserved
            | Event::ReferenceUnsupported
            | Event::RecordSetReserved
            | Event::TypedObjectUnsupported
            | Event::Amf3NotObject
            | Event::InvalidType { .. }
            | Event::PropertyFailed { .. } => Level::Error,
            Event::TooDeep => Level::Warning,
            _ => Level::Debug,
        }
    }

    /// The message as librtmp words it. `base` is the address of the input's first byte, used where
    /// the original prints a pointer (`%p`).
    pub fn text(&self, base: usize) -> Vec<u8> {
        let ptr = |offset: usize| {
            let addr = base.wrapping_add(offset);
            if addr == 0 {
                "(nil)".to_string()
            } else {
                format!("{addr:#x}")
            }
        };
        // `%s` stops at a NUL; of a NULL pointer glibc prints "(null)".
        let cstr = |name: &Option<&[u8]>| {
            name.map_or_else(|| b"(null)".to_vec(), |n| n.split(|&b| b == 0).next().unwrap_or(&[]).to_vec())
        };
        let s: Vec<u8> = match self {
            Event::PropEmptyInput => b"AMFProp_Decode: Empty buffer/no buffer pointer!".to_vec(),
            Event::PropNameNoRoom => {
                b"AMFProp_Decode: Not enough data for decoding with name, less than 4 bytes!".to_vec()
            }
            Event::PropNameOutOfRange { name_len, size } => {
                format!("AMFProp_Decode: Name size out of range: namesize ({name_len}) > len ({size}) - 2").into_bytes()
            }
            Event::MovieClipReserved => b"AMF_MOVIECLIP reserved!".to_vec(),
            Event::ReferenceUnsupported => b"AMF_REFERENCE not supported!".to_vec(),
            Event::Date => b"AMF_DATE".to_vec(),
            Event::RecordSetReserved => b"AMF_RECORDSET reserved!".to_vec(),
            Event::TypedObjectUnsupported => b"AMF_TYPED_OBJECT not supported!".to_vec(),
            Event::UnknownType { marker, offset } => {
                // The original stores the marker through a signed char: 0x80 and up print as
                // 0xffffff80 and up.
                let shown = *marker as i8 as i32 as u32;
                format!("AMFProp_Decode - unknown datatype 0x{shown:02x}, @{}", ptr(*offset)).into_bytes()
            }
            Event::Amf3StringReference { index } => {
                format!("AMF3ReadString, string reference, index: {index}, not supported, ignoring!").into_bytes()
            }
            Event::Amf3EmptyInput => b"empty buffer/no buffer pointer!".to_vec(),
            Event::Amf3DateReference { index } => format!("AMF3_DATE reference: {index}, not supported!").into_bytes(),
            Event::Amf3Unsupported { next, offset } => {
                format!("AMF3Prop_Decode - AMF3 unknown/unsupported datatype 0x{next:02x}, @{}", ptr(*offset))
                    .into_bytes()
            }
            Event::Amf3NotObject => b"AMF3 Object encapsulated in AMF stream does not start with AMF3_OBJECT!".to_vec(),
            Event::Amf3ObjectReference { index } => format!("Object reference, index: {index}").into_bytes(),
            Event::Amf3ClassReference { index } => format!("Class reference: {index}").into_bytes(),
            Event::Amf3ClassName { name, externalizable, dynamic } => {
                let mut v = b"Class name: ".to_vec();
                v.extend_from_slice(&cstr(name));
                // The original prints the member count before it has read any member: always 0.
                v.extend_from_slice(
                    format!(
                        ", externalizable: {}, dynamic: {}, classMembers: 0",
                        u8::from(*externalizable),
                        u8::from(*dynamic)
                    )
                    .as_bytes(),
                );
                v
            }
            Event::Amf3Member { name } => {
                let mut v = b"Member: ".to_vec();
                v.extend_from_slice(&cstr(name));
                v
            }
            Event::Amf3InvalidClass => b"AMF3_Decode, invalid class encoding!".to_vec(),
            Event::Amf3Externalizable => b"Externalizable, TODO check".to_vec(),
            Event::Amf3PropertyFailed => b"AMF3_Decode, failed to decode AMF3 property!".to_vec(),
            Event::Amf3ClassObject => b"class object!".to_vec(),
            Event::TooDeep => {
                format!("AMF_Decode: values nested deeper than {} levels, refusing to decode", super::MAX_DEPTH)
                    .into_bytes()
            }
            Event::InvalidType { code } => format!("AMFProp_Encode, invalid type. {code}").into_bytes(),
            Event::PropertyFailed { index } => {
                format!("AMF_Encode - failed to encode property in index {index}").into_bytes()
            }
        };
        s
    }
}

/// Receives events in the order they happen.
pub trait Sink {
    fn event(&mut self, event: &Event<'_>);
}

/// Discards everything.
impl Sink for () {
    fn event(&mut self, _: &Event<'_>) {}
}

/// Collects each event's text (pointers as offsets), for tests and for callers that report later.
impl Sink for Vec<Vec<u8>> {
    fn event(&mut self, event: &Event<'_>) {
        self.push(event.text(0));
    }
}

/// Sends events to the `log` crate (which the C build bridges into librtmp's log), with pointers
/// printed as offsets from `base`.
pub struct LogSink {
    pub base: usize,
}

impl Sink for LogSink {
    fn event(&mut self, event: &Event<'_>) {
        let text = event.text(self.base);
        let text = String::from_utf8_lossy(&text);
        match event.level() {
            Level::Error => log::error!("{text}"),
            Level::Warning => log::warn!("{text}"),
            Level::Debug => log::debug!("{text}"),
        }
    }
}
