//! `#[repr(C)]` mirrors of every type in librtmp's four public headers. cbindgen generates the
//! headers from these files together with the `extern "C"` functions in `ffi/`.
pub mod amf;
pub mod http;
pub mod log;
pub mod rtmp;
