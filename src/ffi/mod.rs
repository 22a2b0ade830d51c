//! The C boundary: `#[repr(C)]` mirrors (`abi`), the panic boundary, and one small export per C
//! function, grouped by the header that declares it.
pub mod abi;
pub mod amf;
pub mod guard;
pub mod log;
pub mod swf;
pub mod url;
