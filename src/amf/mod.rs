//! AMF0 and AMF3 values, encoding and bounds-checked decoding (no unsafe).
//!
//! Two families live here:
//!
//! * librtmp's view of AMF ([`value`], [`amf0`], [`encode`], [`legacy3`], [`dump`]): named
//!   properties in objects, exactly what `AMFObject`/`AMFObjectProperty` hold. Decoding follows the
//!   original library step for step (including the way it half-reads AMF3 embedded with the
//!   `AVMPLUS` marker) so the C exports return the same trees and log the same lines, but every read
//!   is bounds-checked, nesting is bounded by [`MAX_DEPTH`], and nothing is allocated from a count
//!   before the input proves it.
//! * A complete AMF3 codec ([`value3`], [`amf3`], [`amf3_encode`]) with string, object and traits
//!   reference tables, for Rust code that needs real AMF3; the original has no equivalent.
//!
//! Decoded values borrow from the input (`&'a [u8]`), so the C layer hands out pointers into the
//! caller's buffer as the original does.

pub mod amf0;
pub mod amf3;
pub mod amf3_encode;
pub mod dump;
pub mod encode;
pub mod event;
pub mod legacy3;
mod reader;
pub mod value;
pub mod value3;

pub use event::{Event, Level, Sink};
pub use value::{Object, Property, Value};

/// Deepest nesting of objects and arrays a decoder accepts. The original recursed without limit, so
/// a hostile peer could exhaust the stack with a few kilobytes of `03 00 01 61` repeated.
pub const MAX_DEPTH: usize = 64;

/// Why a decoder refused its input. The C API folds all of them into -1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ends before the value does.
    Truncated,
    /// A marker, length or reference that no valid encoding produces.
    Malformed,
    /// A type librtmp does not decode (movie clip, reference, record set, typed object, AMF3 arrays…).
    Unsupported,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            DecodeError::Truncated => "AMF input ends inside a value",
            DecodeError::Malformed => "malformed AMF input",
            DecodeError::Unsupported => "unsupported AMF type",
            DecodeError::TooDeep => "AMF values nested too deeply",
        })
    }
}

impl std::error::Error for DecodeError {}
