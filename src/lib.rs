//! librtmp-rs: the RTMP client library of rtmpdump, rewritten in Rust and shipped as a drop-in
//! `librtmp.so.1`. The safe core (AMF, URLs and options, protocol) knows nothing of C; `ffi` holds
//! every `unsafe` line, mirrors the C structs and exports the 116 symbols of the original.

pub mod amf;
pub mod chunk;
pub mod conn;
pub mod crypto;
pub mod flv;
pub mod handshake;
pub mod options;
pub mod session;
pub mod swf;
pub mod sys;
pub mod transport;
pub mod url;

pub mod ffi;
