//! The C boundary: `#[repr(C)]` mirrors (`abi`) and one small export per C function, in files by
//! topic, over the machinery they share:
//! - `boundary`: the panic guard, the handle lookup, NULL-tolerant pointer views;
//! - `run`: how an export runs the core (registry lookup, mirroring, connect and close);
//! - `registry`: everything kept per `RTMP` outside the struct, keyed by its address;
//! - `mirror`: the struct's public members to and from the session, as tables;
//! - `cmem`: every piece of libc memory hanging off an `RTMP`;
//! - `logging`: where log lines go.
//!
//! Export files depend on those and never on each other; those depend on nothing above them.
//! With `sys`, this is where the crate's `unsafe` lives.
#![allow(unsafe_code)]

// The whole C ABI is declared (for the headers and the layout checks), used here or not.
#[allow(dead_code)]
pub(crate) mod abi;
pub(crate) mod amf;
mod boundary;
mod cmem;
pub(crate) mod data;
mod http;
pub(crate) mod lifecycle;
pub(crate) mod log;
mod logging;
mod mirror;
mod net;
mod packet;
mod registry;
mod rtmp_amf;
mod run;
mod serve;
mod swf;
mod tls;
pub(crate) mod url;
