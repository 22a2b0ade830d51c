//! librtmp-rs: the RTMP client library of rtmpdump, rewritten in Rust and shipped as a drop-in
//! `librtmp.so.1`. The safe core (AMF, URLs and options, protocol) knows nothing of C; `ffi` holds
//! every `unsafe` line with `sys` (the operating system), mirrors the C structs and exports the
//! 116 symbols of the original. The compiler holds that seam: `unsafe` is denied everywhere else.
#![deny(unsafe_code)]

pub mod amf;
pub mod chunk;
pub(crate) mod conn;
pub(crate) mod crypto;
pub mod enhanced;
pub mod flv;
pub mod handshake;
pub(crate) mod options;
pub(crate) mod session;
pub(crate) mod swf;
pub(crate) mod sys;
pub mod transport;
pub mod url;

mod ffi;

/// What the fuzz targets (`fuzz/`) drive through the C API, exposed for them on purpose: not an
/// API of this crate.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::ffi::abi::amf::AMFObject;
    pub use crate::ffi::amf::{AMF3_Decode, AMF_Decode, AMF_Reset};
    pub use crate::ffi::lifecycle::{RTMP_Alloc, RTMP_Close, RTMP_Free, RTMP_Init};
    pub use crate::ffi::log::RTMP_LogSetLevel;
    pub use crate::ffi::url::RTMP_SetupURL;
}
