//! The RTMP chunk stream: splitting messages into chunks and reassembling them, without I/O.
//!
//! Both directions work on byte slices so the same code serves the socket path, the HTTP tunnel and
//! the fuzzer. Timestamps follow librtmp's reading (a type-3 header on a new message reuses the last
//! timestamp field of its chunk stream, as FFmpeg does too) and the specification's writing.

mod reader;
mod writer;

pub use reader::{Chunk, ChunkError, ChunkReader, InStream, MessageHeader, Partial};
pub use writer::{ChunkHeaders, ChunkWriter, OutMessage};

/// Chunk header formats (the two top bits of the basic header).
pub const FMT_LARGE: u8 = 0;
pub const FMT_MEDIUM: u8 = 1;
pub const FMT_SMALL: u8 = 2;
pub const FMT_MINIMUM: u8 = 3;

/// Largest header: 3-byte basic header, 11-byte message header, 4-byte extended timestamp.
pub const MAX_HEADER_LEN: usize = 18;
/// Highest chunk stream id the 3-byte basic header can carry.
pub const MAX_CSID: u32 = 65599;
/// Message header sizes by format (after the basic header).
pub const MESSAGE_HEADER_LEN: [usize; 4] = [11, 7, 3, 0];
/// The protocol control message that sets the sender's chunk size.
pub const SET_CHUNK_SIZE: u8 = 1;
/// A timestamp field of this value means "look at the extended timestamp".
pub const EXTENDED_TIMESTAMP: u32 = 0xFF_FFFF;

/// Writes the basic header (1, 2 or 3 bytes) of `csid` with format `fmt`; returns its length.
pub fn encode_basic_header(fmt: u8, csid: u32, out: &mut [u8; 3]) -> usize {
    let f = fmt << 6;
    if csid >= 320 {
        let v = csid - 64;
        out[0] = f | 1;
        out[1] = (v & 0xff) as u8;
        out[2] = (v >> 8) as u8;
        3
    } else if csid >= 64 {
        out[0] = f;
        out[1] = (csid - 64) as u8;
        2
    } else {
        out[0] = f | csid as u8;
        1
    }
}

/// The chunk stream id of the chunk whose basic header starts `input`, if it is all there.
pub fn peek_csid(input: &[u8]) -> Option<u32> {
    match input.first()? & 0x3f {
        0 => input.get(1).map(|&b| 64 + u32::from(b)),
        1 => input.get(1..3).map(|b| 64 + u32::from(b[0]) + (u32::from(b[1]) << 8)),
        c => Some(u32::from(c)),
    }
}

pub(crate) fn be24(b: &[u8]) -> u32 {
    (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2])
}

pub(crate) fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}
