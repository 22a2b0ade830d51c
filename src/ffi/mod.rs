//! The C boundary: `#[repr(C)]` mirrors (`abi`), the panic boundary, and one small export per C
//! function, grouped by what it does. Every `unsafe` of the crate lives under this module.
pub mod abi;
pub mod amf;
pub mod amf_undeclared;
pub mod cmem;
pub mod data;
pub mod guard;
pub mod http;
pub mod lifecycle;
pub mod log;
pub mod mirror;
pub mod net;
pub mod packet;
pub mod registry;
pub mod rtmp_amf;
pub mod serve;
pub mod swf;
pub mod tls;
pub mod undeclared;
pub mod url;
