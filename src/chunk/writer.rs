//! Writing chunks: header compression against the previous message of the same chunk stream, and
//! serialisation of a whole message (all its chunks) into one buffer so it leaves in one send.

use super::*;

/// A message to send.
#[derive(Clone, Copy, Debug)]
pub struct OutMessage<'a> {
    pub csid: u32,
    pub timestamp: u32,
    pub type_id: u8,
    pub stream_id: u32,
    pub payload: &'a [u8],
}

#[derive(Clone, Copy, Debug, Default)]
struct OutStream {
    seen: bool,
    timestamp: u32,
    delta: u32,
    /// The last header sent was type 0: its timestamp field was absolute, so a following type-3
    /// header would make receivers add it again (librtmp and FFmpeg both read it that way).
    last_was_large: bool,
    length: u32,
    type_id: u8,
    stream_id: u32,
}

/// The headers of one message's chunks: the first chunk's, and the one every further chunk
/// repeats (the payload goes between them in `chunk_size` pieces).
#[derive(Clone, Copy, Debug)]
pub struct ChunkHeaders {
    first: [u8; MAX_HEADER_LEN],
    first_len: usize,
    cont: [u8; 7],
    cont_len: usize,
    pub chunk_size: usize,
}

impl ChunkHeaders {
    pub fn first(&self) -> &[u8] {
        &self.first[..self.first_len]
    }

    pub fn continuation(&self) -> &[u8] {
        &self.cont[..self.cont_len]
    }
}

#[derive(Debug)]
pub struct ChunkWriter {
    chunk_size: u32,
    streams: Vec<OutStream>,
}

impl Default for ChunkWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkWriter {
    pub fn new() -> Self {
        ChunkWriter { chunk_size: 128, streams: Vec::new() }
    }

    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// Takes effect for the next message (send the Set Chunk Size message first).
    pub fn set_chunk_size(&mut self, size: u32) {
        self.chunk_size = size.clamp(1, 0x7FFF_FFFF);
    }

    /// Chooses the header format for `m`: type 0 when `force_large` (the original asks for a full
    /// header on many commands) or when nothing can be inherited, otherwise the smallest header
    /// that receivers decode to the same message.
    pub fn choose_format(&self, m: &OutMessage<'_>, force_large: bool) -> u8 {
        let Some(prev) = self.streams.get(m.csid as usize).filter(|s| s.seen) else { return FMT_LARGE };
        if force_large || prev.stream_id != m.stream_id || m.timestamp < prev.timestamp {
            return FMT_LARGE;
        }
        let delta = m.timestamp.wrapping_sub(prev.timestamp);
        if prev.type_id != m.type_id || prev.length != m.payload.len() as u32 {
            return FMT_MEDIUM;
        }
        if delta == prev.delta && !prev.last_was_large {
            FMT_MINIMUM
        } else {
            FMT_SMALL
        }
    }

    /// Appends every chunk of `m` to `out` using header format `fmt` (from `choose_format`, or
    /// forced by a caller that knows better) and records the header for the next message.
    pub fn write(&mut self, m: &OutMessage<'_>, fmt: u8, out: &mut Vec<u8>) {
        let h = self.headers(m, fmt);
        let nchunks = m.payload.len().div_ceil(h.chunk_size).max(1);
        out.reserve(m.payload.len() + h.first_len + (nchunks - 1) * h.cont_len);
        out.extend_from_slice(h.first());
        for (i, piece) in m.payload.chunks(h.chunk_size).enumerate() {
            if i > 0 {
                out.extend_from_slice(h.continuation());
            }
            out.extend_from_slice(piece);
        }
    }

    /// The headers of `m`'s chunks, for a caller that sends them with the payload in place (one
    /// vectored send, no copy of the payload); records the header for the next message.
    pub fn headers(&mut self, m: &OutMessage<'_>, fmt: u8) -> ChunkHeaders {
        let fmt = fmt.min(FMT_MINIMUM);
        let prev = self.streams.get(m.csid as usize).copied().filter(|s| s.seen);
        let fmt = if prev.is_none() { FMT_LARGE } else { fmt };
        let ts_field = match (fmt, prev) {
            (FMT_LARGE, _) | (_, None) => m.timestamp,
            (_, Some(p)) => m.timestamp.wrapping_sub(p.timestamp),
        };
        let extended = ts_field >= EXTENDED_TIMESTAMP;
        let len = m.payload.len() as u32;

        let mut h = ChunkHeaders {
            first: [0; MAX_HEADER_LEN],
            first_len: 0,
            cont: [0; 7],
            cont_len: 0,
            chunk_size: self.chunk_size as usize,
        };
        let mut basic = [0u8; 3];
        let mut n = encode_basic_header(fmt, m.csid, &mut basic);
        h.first[..n].copy_from_slice(&basic[..n]);
        if fmt <= FMT_SMALL {
            h.first[n..n + 3].copy_from_slice(&ts_field.min(EXTENDED_TIMESTAMP).to_be_bytes()[1..]);
            n += 3;
        }
        if fmt <= FMT_MEDIUM {
            h.first[n..n + 3].copy_from_slice(&len.to_be_bytes()[1..]);
            h.first[n + 3] = m.type_id;
            n += 4;
        }
        if fmt == FMT_LARGE {
            h.first[n..n + 4].copy_from_slice(&m.stream_id.to_le_bytes());
            n += 4;
        }
        if extended {
            h.first[n..n + 4].copy_from_slice(&ts_field.to_be_bytes());
            n += 4;
        }
        h.first_len = n;
        let c = encode_basic_header(FMT_MINIMUM, m.csid, &mut basic);
        h.cont[..c].copy_from_slice(&basic[..c]);
        h.cont_len = c;
        if extended {
            h.cont[c..c + 4].copy_from_slice(&ts_field.to_be_bytes());
            h.cont_len += 4;
        }

        if m.csid as usize >= self.streams.len() {
            self.streams.resize_with(m.csid as usize + 1, OutStream::default);
        }
        let delta = if fmt == FMT_LARGE { prev.map_or(0, |p| p.delta) } else { ts_field };
        self.streams[m.csid as usize] = OutStream {
            seen: true,
            timestamp: m.timestamp,
            delta,
            last_was_large: fmt == FMT_LARGE,
            length: len,
            type_id: m.type_id,
            stream_id: m.stream_id,
        };
        h
    }

    /// The last header sent on each chunk stream: (csid, timestamp, length, type, stream id).
    pub fn last_headers(&self) -> impl Iterator<Item = (u32, u32, u32, u8, u32)> + '_ {
        self.streams
            .iter()
            .enumerate()
            .filter(|(_, s)| s.seen)
            .map(|(i, s)| (i as u32, s.timestamp, s.length, s.type_id, s.stream_id))
    }

    /// Forgets all chunk stream history (a new connection).
    pub fn reset(&mut self) {
        self.streams.clear();
        self.chunk_size = 128;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::ChunkReader;

    fn roundtrip(msgs: &[(u32, u32, u8, u32, Vec<u8>)], chunk: u32) {
        let mut w = ChunkWriter::new();
        w.set_chunk_size(chunk);
        let mut out = Vec::new();
        for (csid, ts, ty, sid, p) in msgs {
            let m = OutMessage { csid: *csid, timestamp: *ts, type_id: *ty, stream_id: *sid, payload: p };
            let fmt = w.choose_format(&m, false);
            w.write(&m, fmt, &mut out);
        }
        let mut r = ChunkReader::new();
        r.set_chunk_size(chunk);
        let mut off = 0;
        let mut got = Vec::new();
        while off < out.len() {
            let c = r.read(&out[off..]).unwrap().expect("complete input");
            if c.complete {
                let body = if c.assembled { r.body(c.csid).to_vec() } else { out[off..][c.data.clone()].to_vec() };
                got.push((c.csid, c.message.timestamp, c.message.type_id, c.message.stream_id, body));
                r.release(c.csid);
            }
            off += c.consumed;
        }
        assert_eq!(&got[..], msgs);
    }

    #[test]
    fn roundtrips_through_the_reader() {
        let big: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let msgs = vec![
            (3, 0, 20, 0, b"connect".to_vec()),
            (4, 0, 9, 1, big.clone()),
            (4, 40, 9, 1, big.clone()),
            (4, 80, 9, 1, big.clone()),          // same delta, size, type: type 3
            (4, 80, 9, 1, big.clone()),          // same timestamp: a type 2 with delta 0
            (4, 70, 9, 1, vec![1, 2, 3]),        // backwards: type 0
            (5, 0x0100_0000, 8, 1, big.clone()), // extended timestamp over several chunks
            (5, 0x0100_0010, 8, 1, vec![9; 3]),
            (400, 5, 8, 1, vec![1]), // 3-byte basic header
            (70, 5, 8, 1, vec![]),   // 2-byte basic header, empty body
        ];
        roundtrip(&msgs, 128);
        roundtrip(&msgs, 4096);
        roundtrip(&msgs, 1);
    }

    #[test]
    fn header_formats_as_expected() {
        let mut w = ChunkWriter::new();
        let p = [0u8; 10];
        let m = |ts| OutMessage { csid: 4, timestamp: ts, type_id: 8, stream_id: 1, payload: &p };
        assert_eq!(w.choose_format(&m(0), false), FMT_LARGE);
        let mut out = Vec::new();
        w.write(&m(0), FMT_LARGE, &mut out);
        assert_eq!(out.len(), 12 + 10);
        // after a type 0, never type 3 (its field was absolute)
        assert_eq!(w.choose_format(&m(0), false), FMT_SMALL);
        w.write(&m(23), FMT_SMALL, &mut out);
        assert_eq!(w.choose_format(&m(46), false), FMT_MINIMUM);
        assert_eq!(w.choose_format(&m(50), false), FMT_SMALL);
        assert_eq!(w.choose_format(&m(46), true), FMT_LARGE);
        let other = [0u8; 3];
        assert_eq!(w.choose_format(&OutMessage { payload: &other, ..m(46) }, false), FMT_MEDIUM);
    }
}
