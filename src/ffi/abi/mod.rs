//! `#[repr(C)]` mirrors of every type in librtmp's four public headers. cbindgen generates the
//! headers from these files together with the `extern "C"` functions in `ffi/`.
// The C names, as the headers spell them.
#![allow(clippy::upper_case_acronyms)]
pub mod amf;
pub mod http;
pub mod log;
pub mod rtmp;
