//! Enhanced RTMP (veovera's E-RTMP v2): the codecs and capabilities a client announces in its
//! connect command (`fourCcList`, `videoFourCcInfoMap`, `audioFourCcInfoMap`, `capsEx`), what a
//! server answers with the same fields, and where a server's ReconnectRequest points.
//!
//! All of it is off unless asked for: a connect without these options is the original's, byte for
//! byte, because servers written before E-RTMP (pyrtmp, say) cannot decode a strict array.

mod reconnect;
pub mod tag;

pub use reconnect::{resolve_tc_url, Target};

use crate::amf::encode::{self, EncodeError, Out};
use crate::amf::value::marker;
use crate::amf::{Object, Value};

/// The `capsEx` bits.
pub mod caps {
    /// The client follows a server's ReconnectRequest.
    pub const RECONNECT: u32 = 0x01;
    /// Multitrack audio and video.
    pub const MULTITRACK: u32 = 0x02;
    /// ModEx packets (and the modifiers they carry).
    pub const MODEX: u32 = 0x04;
    /// Nanosecond timestamp offsets (a ModEx modifier).
    pub const TIMESTAMP_NANO_OFFSET: u32 = 0x08;
}

/// The flags of a FourCC info map.
pub mod can {
    pub const DECODE: u32 = 0x01;
    pub const ENCODE: u32 = 0x02;
    pub const FORWARD: u32 = 0x04;
}

/// A FourCC as it travels: four bytes (`hvc1`, `Opus`, `.mp3`, `ac-3`), or `*` for any codec.
pub type FourCc = Vec<u8>;

/// One side's Enhanced RTMP fields; `None` where the field was not given (or not sent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub fourcc_list: Option<Vec<FourCc>>,
    pub video_map: Option<Vec<(FourCc, u32)>>,
    pub audio_map: Option<Vec<(FourCc, u32)>>,
    pub caps_ex: Option<u32>,
}

impl Capabilities {
    pub fn is_empty(&self) -> bool {
        *self == Capabilities::default()
    }

    pub fn has(&self, bit: u32) -> bool {
        self.caps_ex.unwrap_or(0) & bit != 0
    }

    /// Writes the fields that are set as properties of an AMF0 object being encoded (the connect
    /// command object, or a server's answer): the list as a strict array of strings, the maps as
    /// objects, capsEx as a number.
    pub fn encode_fields(&self, out: &mut dyn Out) -> Result<(), EncodeError> {
        if let Some(list) = &self.fourcc_list {
            name(out, b"fourCcList")?;
            out_bytes(out, &[marker::STRICT_ARRAY])?;
            encode::int32(out, list.len() as u32)?;
            for f in list {
                encode::string(out, f)?;
            }
        }
        for (field, map) in [(&b"videoFourCcInfoMap"[..], &self.video_map), (b"audioFourCcInfoMap", &self.audio_map)] {
            if let Some(map) = map {
                name(out, field)?;
                out_bytes(out, &[marker::OBJECT])?;
                for (f, flags) in map {
                    encode::named_number(out, f, f64::from(*flags))?;
                }
                out_bytes(out, &[0, 0, marker::OBJECT_END])?;
            }
        }
        if let Some(c) = self.caps_ex {
            encode::named_number(out, b"capsEx", f64::from(c))?;
        }
        Ok(())
    }

    /// The fields found in the given objects (a connect's command object, or a `_result`'s
    /// properties and information); the first object holding a field wins. Maps may be Objects or
    /// ECMA arrays, as the spec allows a reader to meet either. Anything malformed is skipped with a
    /// warning: a server's odd answer must not cost the connection.
    pub fn from_objects(objs: &[&Object<'_>]) -> Capabilities {
        let find = |n: &[u8]| objs.iter().find_map(|o| o.get(n)).map(|p| &p.value);
        let mut c = Capabilities::default();
        match find(b"capsEx") {
            Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 && *n <= f64::from(u32::MAX) => {
                c.caps_ex = Some(*n as u32)
            }
            Some(other) => log::warn!("capsEx is not a count of flags ({other:?}): ignored"),
            None => {}
        }
        match find(b"fourCcList") {
            Some(Value::StrictArray(a)) | Some(Value::EcmaArray(a)) | Some(Value::Object(a)) => {
                c.fourcc_list = Some(a.props.iter().filter_map(|p| p.value.as_str().map(<[u8]>::to_vec)).collect())
            }
            Some(other) => log::warn!("fourCcList is not an array ({other:?}): ignored"),
            None => {}
        }
        let map = |field: &[u8]| match find(field) {
            Some(Value::Object(o)) | Some(Value::EcmaArray(o)) => Some(
                o.props
                    .iter()
                    .filter_map(|p| p.value.as_number().filter(|n| *n >= 0.0).map(|n| (p.name.to_vec(), n as u32)))
                    .collect(),
            ),
            Some(other) => {
                log::warn!("{} is not an object ({other:?}): ignored", String::from_utf8_lossy(field));
                None
            }
            None => None,
        };
        c.video_map = map(b"videoFourCcInfoMap");
        c.audio_map = map(b"audioFourCcInfoMap");
        c
    }

    /// One line for the log: `capsEx 0x1 (Reconnect), fourCcList hvc1,av01, video {hvc1:3}`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.caps_ex {
            let names: Vec<&str> = [
                (caps::RECONNECT, "Reconnect"),
                (caps::MULTITRACK, "Multitrack"),
                (caps::MODEX, "ModEx"),
                (caps::TIMESTAMP_NANO_OFFSET, "TimestampNanoOffset"),
            ]
            .iter()
            .filter(|(bit, _)| c & bit != 0)
            .map(|(_, n)| *n)
            .collect();
            parts.push(format!("capsEx 0x{c:x} ({})", if names.is_empty() { "none".into() } else { names.join("|") }));
        }
        if let Some(l) = &self.fourcc_list {
            let l: Vec<_> = l.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
            parts.push(format!("fourCcList {}", l.join(",")));
        }
        for (what, map) in [("videoFourCcInfoMap", &self.video_map), ("audioFourCcInfoMap", &self.audio_map)] {
            if let Some(m) = map {
                let m: Vec<_> = m.iter().map(|(f, v)| format!("{}:{v}", String::from_utf8_lossy(f))).collect();
                parts.push(format!("{what} {}", m.join(",")));
            }
        }
        if parts.is_empty() {
            "no Enhanced RTMP fields".into()
        } else {
            parts.join(", ")
        }
    }

    /// Whether this side, as a player, takes codec `fourcc`: named in `fourCcList` (or `*` there),
    /// or with CanDecode or CanForward in the info map of its kind (`*` there too).
    pub fn accepts(&self, fourcc: &[u8], video: bool) -> bool {
        let listed = self.fourcc_list.as_ref().is_some_and(|l| l.iter().any(|f| f == fourcc || f == b"*"));
        let map = if video { &self.video_map } else { &self.audio_map };
        let mapped = map.as_ref().is_some_and(|m| {
            m.iter().any(|(f, flags)| (f == fourcc || f == b"*") && flags & (can::DECODE | can::FORWARD) != 0)
        });
        listed || mapped
    }
}

fn name(out: &mut dyn Out, n: &[u8]) -> Result<(), EncodeError> {
    encode::int16(out, n.len() as u16)?;
    out_bytes(out, n)
}

fn out_bytes(out: &mut dyn Out, b: &[u8]) -> Result<(), EncodeError> {
    if out.room() < b.len() {
        return Err(EncodeError::NoRoom);
    }
    out.put(b);
    Ok(())
}

/// Checks one FourCC of an option: four printable ASCII bytes, or `*`.
fn fourcc(item: &[u8]) -> Result<FourCc, String> {
    let ok = item == b"*" || (item.len() == 4 && item.iter().all(|b| (0x20..0x7f).contains(b)));
    if ok {
        Ok(item.to_vec())
    } else {
        Err(format!("'{}' is not a FourCC (four characters, such as hvc1, or *)", String::from_utf8_lossy(item)))
    }
}

/// `fourCcList=hvc1,av01,vp09,Opus`.
pub fn parse_fourcc_list(text: &[u8]) -> Result<Vec<FourCc>, String> {
    if text.is_empty() {
        return Err("an empty list (name at least one FourCC, or *)".into());
    }
    text.split(|b| *b == b',').map(fourcc).collect()
}

/// `videoFourCcInfoMap=hvc1:3,av01:1,*:4`: FourCC → CanDecode 1 | CanEncode 2 | CanForward 4.
pub fn parse_info_map(text: &[u8]) -> Result<Vec<(FourCc, u32)>, String> {
    if text.is_empty() {
        return Err("an empty map (write fourcc:flags, ...)".into());
    }
    text.split(|b| *b == b',')
        .map(|item| {
            let colon = item.iter().rposition(|b| *b == b':').ok_or_else(|| {
                format!("'{}' has no :flags (CanDecode 1, CanEncode 2, CanForward 4)", String::from_utf8_lossy(item))
            })?;
            let f = fourcc(&item[..colon])?;
            let flags = std::str::from_utf8(&item[colon + 1..])
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
                .filter(|n| *n <= 7)
                .ok_or_else(|| format!("'{}': the flags are a number from 0 to 7", String::from_utf8_lossy(item)))?;
            Ok((f, flags))
        })
        .collect()
}

/// `capsEx=N`: Reconnect 1, Multitrack 2, ModEx 4, TimestampNanoOffset 8.
pub fn parse_caps_ex(value: i64) -> Result<u32, String> {
    if (0..=15).contains(&value) {
        Ok(value as u32)
    } else {
        Err("capsEx is a sum of Reconnect 1, Multitrack 2, ModEx 4, TimestampNanoOffset 8 (0 to 15)".into())
    }
}

#[cfg(test)]
mod tests;
