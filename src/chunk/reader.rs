//! Reading chunks: one call parses one chunk from the front of a buffer and, when it completes a
//! message, says so. Single-chunk messages are never copied: their payload is handed back as a
//! range of the caller's buffer. Every length is checked before use; a hostile peer gets an error.

use super::*;

/// What the header of a completed (or started) message says, timestamps made absolute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct MessageHeader {
    pub csid: u32,
    pub timestamp: u32,
    pub length: u32,
    pub type_id: u8,
    pub stream_id: u32,
    /// The message began with a type-0 header (an absolute timestamp).
    pub absolute: bool,
}

/// One parsed chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Bytes of the input this chunk occupied (header + data).
    pub consumed: usize,
    pub fmt: u8,
    pub csid: u32,
    /// The raw header bytes, as received (for RTMP_ReadPacket's `m_chunk`).
    pub header: [u8; MAX_HEADER_LEN],
    pub header_len: usize,
    /// Where this chunk's data lies in the input.
    pub data: core::ops::Range<usize>,
    /// Bytes of the message received so far, this chunk included.
    pub received: u32,
    /// The message this chunk belongs to (timestamp absolute only once complete).
    pub message: MessageHeader,
    /// The message is complete. Its body is `data` when it came in one chunk (`assembled` false),
    /// otherwise `ChunkReader::body(csid)`.
    pub complete: bool,
    pub assembled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkError {
    /// The peer's messages in flight would hold more memory than allowed.
    TooMuchBuffered { bytes: usize },
}

impl core::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ChunkError::TooMuchBuffered { bytes } => {
                write!(f, "peer keeps {bytes} bytes of unfinished messages in flight")
            }
        }
    }
}

impl std::error::Error for ChunkError {}

/// Per chunk stream state: the last header seen and the message being reassembled.
#[derive(Clone, Debug, Default)]
pub struct InStream {
    pub seen: bool,
    /// Last timestamp field: absolute after type 0, a delta after types 1/2 (extended value applied).
    pub ts_field: u32,
    /// The last header carried an extended timestamp: type-3 chunks then carry one too.
    pub extended: bool,
    /// The message in progress started with type 0.
    pub absolute: bool,
    pub length: u32,
    pub type_id: u8,
    pub stream_id: u32,
    /// Absolute timestamp of the last completed message (librtmp's `m_channelTimestamp[csid]`).
    pub last_timestamp: u32,
    /// Bytes of the current message received (0 between messages).
    pub received: u32,
    pub body: Vec<u8>,
}

/// Chunk stream ids that 1- and 2-byte basic headers name (2..=319), where sessions live, are
/// kept in a vector; the ids only 3-byte headers reach (up to 65,599) in a map, so that a peer
/// naming chunk stream 65599 costs one entry and not 65,600.
const DENSE_CSIDS: u32 = 320;

#[derive(Debug, Default)]
struct Streams {
    low: Vec<InStream>,
    high: std::collections::BTreeMap<u32, InStream>,
}

impl Streams {
    fn get(&self, csid: u32) -> Option<&InStream> {
        if csid < DENSE_CSIDS {
            self.low.get(csid as usize)
        } else {
            self.high.get(&csid)
        }
    }

    fn get_mut(&mut self, csid: u32) -> Option<&mut InStream> {
        if csid < DENSE_CSIDS {
            self.low.get_mut(csid as usize)
        } else {
            self.high.get_mut(&csid)
        }
    }

    /// The stream's state, created on first use.
    fn entry(&mut self, csid: u32) -> &mut InStream {
        if csid < DENSE_CSIDS {
            if csid as usize >= self.low.len() {
                self.low.resize_with(csid as usize + 1, InStream::default);
            }
            &mut self.low[csid as usize]
        } else {
            self.high.entry(csid).or_default()
        }
    }

    /// The highest id with state, plus one.
    fn len(&self) -> usize {
        self.high.keys().next_back().map_or(self.low.len(), |&k| k as usize + 1)
    }

    fn iter(&self) -> impl Iterator<Item = (u32, &InStream)> {
        self.low.iter().enumerate().map(|(i, s)| (i as u32, s)).chain(self.high.iter().map(|(&k, s)| (k, s)))
    }
}

/// Reassembles chunk streams. Memory held for partial messages is bounded.
#[derive(Debug)]
pub struct ChunkReader {
    chunk_size: u32,
    streams: Streams,
    buffered: usize,
    /// Allocated capacity of all reassembly buffers (kept between messages to avoid reallocating).
    retained: usize,
    max_buffered: usize,
    /// The next bytes of input are the rest of a chunk of this chunk stream, with no header: left
    /// behind when a caller assembling a message itself (`detach`) stopped in the middle of one.
    raw: Option<(u32, u32)>,
}

impl Default for ChunkReader {
    fn default() -> Self {
        Self::new()
    }
}

impl ChunkReader {
    /// Partial messages of all chunk streams together may hold this much (a message is at most
    /// 16 MiB; a few in flight at once is legitimate, thousands are an attack).
    pub const DEFAULT_MAX_BUFFERED: usize = 64 << 20;

    pub fn new() -> Self {
        ChunkReader {
            chunk_size: 128,
            streams: Streams::default(),
            buffered: 0,
            retained: 0,
            max_buffered: Self::DEFAULT_MAX_BUFFERED,
            raw: None,
        }
    }

    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// Applies a Set Chunk Size from the peer. Values below 1 are refused by the caller; values
    /// above the largest message size change nothing further, so they are clamped.
    pub fn set_chunk_size(&mut self, size: u32) {
        self.chunk_size = size.clamp(1, 0xFF_FFFF);
    }

    /// The state of chunk stream `csid`, if it was ever used.
    pub fn stream(&self, csid: u32) -> Option<&InStream> {
        self.streams.get(csid).filter(|s| s.seen)
    }

    /// Highest chunk stream id seen so far plus one.
    pub fn streams_len(&self) -> usize {
        self.streams.len()
    }

    /// The chunk streams seen so far, by id.
    pub fn seen_streams(&self) -> impl Iterator<Item = (u32, &InStream)> {
        self.streams.iter().filter(|(_, s)| s.seen)
    }

    /// The reassembled body of the message just completed on `csid` (see `Chunk::assembled`).
    pub fn body(&self, csid: u32) -> &[u8] {
        self.streams.get(csid).map_or(&[], |s| &s.body[..])
    }

    /// Drops a reassembled body once the caller has used it. The allocation is kept for the
    /// next message unless the buffers of all chunk streams together hold too much.
    pub fn release(&mut self, csid: u32) {
        if let Some(s) = self.streams.get_mut(csid) {
            if s.received == 0 {
                self.buffered -= s.body.len();
                s.body.clear();
                if self.retained > self.max_buffered {
                    self.retained -= s.body.capacity();
                    s.body = Vec::new();
                }
            }
        }
    }

    /// Abort Message from the peer: forget the partial message on `csid`.
    pub fn abort(&mut self, csid: u32) {
        if self.raw.is_some_and(|(c, _)| c == csid) {
            self.raw = None;
        }
        if let Some(s) = self.streams.get_mut(csid) {
            self.buffered -= s.body.len();
            self.retained -= s.body.capacity();
            s.body = Vec::new();
            s.received = 0;
        }
    }

    /// Parses one chunk from the front of `input`. `Ok(None)`: more bytes are needed (nothing is
    /// consumed or changed). On `Ok(Some(chunk))` the caller must drop `chunk.consumed` bytes.
    pub fn read(&mut self, input: &[u8]) -> Result<Option<Chunk>, ChunkError> {
        if let Some((csid, left)) = self.raw {
            return Ok(self.read_raw(csid, left, input));
        }
        // Basic header.
        let Some(&b0) = input.first() else { return Ok(None) };
        let fmt = b0 >> 6;
        let (csid, mut pos) = match b0 & 0x3f {
            0 => match input.get(1) {
                Some(&b) => (64 + u32::from(b), 2),
                None => return Ok(None),
            },
            1 => match input.get(1..3) {
                Some(b) => (64 + u32::from(b[0]) + (u32::from(b[1]) << 8), 3),
                None => return Ok(None),
            },
            c => (u32::from(c), 1),
        };
        let prev = self.streams.get(csid).filter(|s| s.seen);
        if fmt != FMT_LARGE && prev.is_none() {
            // librtmp and FFmpeg read the missing fields as zeros; so do we, with a warning.
            log::warn!("chunk stream {csid} starts with a type {fmt} header; taking the missing fields as zero");
        }
        let mh_len = MESSAGE_HEADER_LEN[fmt as usize];
        let Some(mh) = input.get(pos..pos + mh_len) else { return Ok(None) };
        pos += mh_len;

        let mut st = prev.cloned_header();
        if fmt <= FMT_SMALL {
            st.ts_field = be24(&mh[0..3]);
            st.extended = st.ts_field == EXTENDED_TIMESTAMP;
        }
        if fmt <= FMT_MEDIUM {
            st.length = be24(&mh[3..6]);
            st.type_id = mh[6];
        }
        if fmt == FMT_LARGE {
            st.stream_id = u32::from_le_bytes([mh[7], mh[8], mh[9], mh[10]]);
        }
        if st.extended {
            let Some(ext) = input.get(pos..pos + 4) else { return Ok(None) };
            st.ts_field = be32(ext);
            pos += 4;
        }
        let header_len = pos;

        // A type 0–2 header starts a new message; type 3 continues one or repeats the last header.
        let in_progress = prev.map_or(0, |s| s.received);
        let continuing = fmt == FMT_MINIMUM && in_progress > 0;
        let received_before = if continuing { in_progress } else { 0 };
        let remaining = st.length - received_before;
        let n = remaining.min(self.chunk_size) as usize;
        if input.len() < header_len + n {
            return Ok(None);
        }

        // Commit: from here on the chunk is consumed.
        let s = self.streams.entry(csid);
        if !continuing {
            if in_progress > 0 {
                log::warn!(
                    "chunk stream {csid}: new message header (type {fmt}) before the previous message was complete \
                         ({in_progress} of {} bytes); dropping it",
                    s.length
                );
                self.buffered -= s.body.len();
                s.body.clear();
            }
            s.absolute = fmt == FMT_LARGE;
        }
        s.seen = true;
        s.ts_field = st.ts_field;
        s.extended = st.extended;
        s.length = st.length;
        s.type_id = st.type_id;
        s.stream_id = st.stream_id;

        let data = header_len..header_len + n;
        let received = received_before + n as u32;
        let complete = received == st.length;
        let single = complete && received_before == 0;
        if !single {
            let cap = s.body.capacity();
            s.body.extend_from_slice(&input[data.clone()]);
            self.retained = self.retained + s.body.capacity() - cap;
            self.buffered += n;
            if self.buffered > self.max_buffered {
                let bytes = self.buffered;
                self.buffered -= s.body.len();
                self.retained -= s.body.capacity();
                s.body = Vec::new();
                s.received = 0;
                return Err(ChunkError::TooMuchBuffered { bytes });
            }
        }
        s.received = received;
        let message = if complete { s.complete(csid) } else { s.header(csid) };
        let mut header = [0u8; MAX_HEADER_LEN];
        header[..header_len].copy_from_slice(&input[..header_len]);
        Ok(Some(Chunk {
            consumed: header_len + n,
            fmt,
            csid,
            header,
            header_len,
            data,
            received,
            message,
            complete,
            assembled: !single,
        }))
    }
}

impl InStream {
    fn header(&self, csid: u32) -> MessageHeader {
        MessageHeader {
            csid,
            timestamp: self.ts_field,
            length: self.length,
            type_id: self.type_id,
            stream_id: self.stream_id,
            absolute: self.absolute,
        }
    }

    /// The message is all here: its timestamp becomes absolute and the stream waits for the next.
    fn complete(&mut self, csid: u32) -> MessageHeader {
        let mut m = self.header(csid);
        if !self.absolute {
            m.timestamp = self.ts_field.wrapping_add(self.last_timestamp);
        }
        self.last_timestamp = m.timestamp;
        self.received = 0;
        self.absolute = false;
        m
    }
}

/// A message in progress that a caller finishes itself, straight into its own buffer: what it
/// needs to recognise the chunks still to come.
#[derive(Clone, Copy, Debug)]
pub struct Partial {
    /// The timestamp the message will have (absolute).
    pub timestamp: u32,
    pub received: u32,
    pub length: u32,
    pub chunk_size: u32,
    /// The header every further chunk of this message carries (type 3, and the extended
    /// timestamp again when the message has one).
    pub continuation: [u8; 7],
    pub continuation_len: usize,
}

impl ChunkReader {
    /// The rest of a chunk whose header came before (see `raw`).
    fn read_raw(&mut self, csid: u32, left: u32, input: &[u8]) -> Option<Chunk> {
        if input.is_empty() {
            return None;
        }
        let n = (left as usize).min(input.len());
        self.raw = (n < left as usize).then(|| (csid, left - n as u32));
        let s = self.streams.entry(csid);
        let cap = s.body.capacity();
        s.body.extend_from_slice(&input[..n]);
        self.retained = self.retained + s.body.capacity() - cap;
        self.buffered += n;
        s.received += n as u32;
        let received = s.received;
        let complete = received == s.length;
        let message = if complete { s.complete(csid) } else { s.header(csid) };
        Some(Chunk {
            consumed: n,
            fmt: FMT_MINIMUM,
            csid,
            header: [0; MAX_HEADER_LEN],
            header_len: 0,
            data: 0..n,
            received,
            message,
            complete,
            assembled: true,
        })
    }

    /// A message some chunks of which have arrived: (chunk stream, bytes received, length).
    pub fn unfinished(&self) -> Option<(u32, u32, u32)> {
        let (csid, s) = self.streams.iter().find(|(_, s)| s.received > 0 && s.received < s.length)?;
        Some((csid, s.received, s.length))
    }

    /// The message in progress on `csid`, for a caller that wants to finish it itself; its body
    /// so far is `body(csid)`. None when nothing is in progress there.
    pub fn partial(&self, csid: u32) -> Option<Partial> {
        let s = self.stream(csid)?;
        if s.received == 0 || s.received >= s.length || self.raw.is_some() {
            return None;
        }
        let mut basic = [0u8; 3];
        let n = encode_basic_header(FMT_MINIMUM, csid, &mut basic);
        let mut continuation = [0u8; 7];
        continuation[..n].copy_from_slice(&basic[..n]);
        let mut len = n;
        if s.extended {
            continuation[n..n + 4].copy_from_slice(&s.ts_field.to_be_bytes());
            len += 4;
        }
        let timestamp = if s.absolute { s.ts_field } else { s.ts_field.wrapping_add(s.last_timestamp) };
        Some(Partial {
            timestamp,
            received: s.received,
            length: s.length,
            chunk_size: self.chunk_size,
            continuation,
            continuation_len: len,
        })
    }

    /// The caller gives up assembling `csid` itself: `data` is the payload it received, and the
    /// next `chunk_left` bytes of input still belong to the current chunk.
    pub fn reattach(&mut self, csid: u32, data: &[u8], chunk_left: u32) {
        if let Some(s) = self.streams.get_mut(csid) {
            let cap = s.body.capacity();
            self.buffered -= s.body.len();
            s.body.clear();
            s.body.extend_from_slice(data);
            self.retained = self.retained + s.body.capacity() - cap;
            self.buffered += data.len();
            s.received = data.len() as u32;
            self.raw = (chunk_left > 0).then_some((csid, chunk_left));
        }
    }

    /// The caller assembling `csid` itself has all of it: the message's header, timestamp made
    /// absolute.
    pub fn finish(&mut self, csid: u32) -> MessageHeader {
        let s = self.streams.entry(csid);
        self.buffered -= s.body.len();
        s.body.clear();
        s.complete(csid)
    }

    /// Bytes of unfinished messages held for all chunk streams.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }
}

trait ClonedHeader {
    fn cloned_header(&self) -> InStream;
}

impl ClonedHeader for Option<&InStream> {
    // The header fields only: the body stays where it is.
    fn cloned_header(&self) -> InStream {
        match self {
            Some(s) => InStream {
                seen: true,
                ts_field: s.ts_field,
                extended: s.extended,
                absolute: s.absolute,
                length: s.length,
                type_id: s.type_id,
                stream_id: s.stream_id,
                last_timestamp: s.last_timestamp,
                received: s.received,
                body: Vec::new(),
            },
            None => InStream::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn large(csid: u8, ts: u32, len: u32, ty: u8, sid: u32) -> Vec<u8> {
        let mut v = vec![csid];
        v.extend_from_slice(&ts.min(EXTENDED_TIMESTAMP).to_be_bytes()[1..]);
        v.extend_from_slice(&len.to_be_bytes()[1..]);
        v.push(ty);
        v.extend_from_slice(&sid.to_le_bytes());
        if ts >= EXTENDED_TIMESTAMP {
            v.extend_from_slice(&ts.to_be_bytes());
        }
        v
    }

    #[test]
    fn single_chunk_message_is_not_copied() {
        let mut r = ChunkReader::new();
        let mut buf = large(3, 1000, 5, 20, 0);
        buf.extend_from_slice(b"hello");
        let c = r.read(&buf).unwrap().unwrap();
        assert!(c.complete && !c.assembled);
        assert_eq!(&buf[c.data.clone()], b"hello");
        assert_eq!(c.consumed, buf.len());
        assert_eq!(c.message.timestamp, 1000);
        assert_eq!(c.message.type_id, 20);
    }

    #[test]
    fn needs_more_bytes_changes_nothing() {
        let mut r = ChunkReader::new();
        let mut buf = large(3, 1, 5, 20, 0);
        buf.extend_from_slice(b"hello");
        for cut in 0..buf.len() {
            assert_eq!(r.read(&buf[..cut]).unwrap(), None, "cut at {cut}");
        }
        assert!(r.read(&buf).unwrap().unwrap().complete);
    }

    #[test]
    fn multi_chunk_reassembly_and_deltas() {
        let mut r = ChunkReader::new();
        let body: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        let mut buf = large(4, 100, 300, 9, 1);
        buf.extend_from_slice(&body[..128]);
        buf.push(0xC4);
        buf.extend_from_slice(&body[128..256]);
        buf.push(0xC4);
        buf.extend_from_slice(&body[256..]);
        let mut off = 0;
        let mut last = None;
        while off < buf.len() {
            let c = r.read(&buf[off..]).unwrap().unwrap();
            off += c.consumed;
            last = Some(c);
        }
        let c = last.unwrap();
        assert!(c.complete && c.assembled);
        assert_eq!(r.body(4), &body[..]);
        assert_eq!(c.message.timestamp, 100);
        r.release(4);
        // type 1 with a delta of 40, then type 3 repeating that delta
        let mut buf = vec![0x44, 0, 0, 40, 0, 0, 2, 9, 0xAA, 0xBB, 0xC4, 0xCC, 0xDD];
        buf.truncate(10);
        let c = r.read(&buf).unwrap().unwrap();
        assert_eq!(c.message.timestamp, 140);
        let c = r.read(&[0xC4, 1, 2]).unwrap().unwrap();
        assert!(c.complete);
        assert_eq!(c.message.timestamp, 180);
    }

    #[test]
    fn extended_timestamp_on_continuation_and_wrap() {
        let mut r = ChunkReader::new();
        r.set_chunk_size(4);
        let mut buf = large(5, 0x0100_0000, 6, 8, 1);
        buf.extend_from_slice(b"abcd");
        let c = r.read(&buf).unwrap().unwrap();
        assert!(!c.complete);
        // continuation: basic header + the extended timestamp again
        let mut cont = vec![0xC5];
        cont.extend_from_slice(&0x0100_0000u32.to_be_bytes());
        cont.extend_from_slice(b"ef");
        let c = r.read(&cont).unwrap().unwrap();
        assert!(c.complete);
        assert_eq!(c.message.timestamp, 0x0100_0000);
        assert_eq!(r.body(5), b"abcdef");
        r.release(5);
        // a delta across 2^32 wraps
        let mut r = ChunkReader::new();
        let mut b = large(6, 0xFFFF_FFF0, 1, 8, 1);
        b.push(0);
        r.read(&b).unwrap().unwrap();
        let d = [0x86, 0, 0, 0x20, 0];
        let c = r.read(&d).unwrap().unwrap();
        assert_eq!(c.message.timestamp, 0x10);
    }

    #[test]
    fn hostile_headers() {
        let mut r = ChunkReader::new();
        // A type-1 header first: missing fields are zero (stream id 0), as librtmp reads it.
        let c = r.read(&[0x43, 0, 0, 5, 0, 0, 1, 8, 0x42]).unwrap().unwrap();
        assert!(c.complete && c.message.timestamp == 5 && c.message.stream_id == 0);
        // a new message header in the middle of one: the partial message is dropped, no overflow
        let mut buf = large(3, 0, 1000, 9, 1);
        buf.extend_from_slice(&[1u8; 128]);
        r.read(&buf).unwrap().unwrap();
        let mut small = large(3, 0, 2, 9, 1);
        small.extend_from_slice(b"xy");
        let c = r.read(&small).unwrap().unwrap();
        assert!(c.complete && !c.assembled);
        // 3-byte basic header, largest csid
        let mut big = vec![0x01, 0xFF, 0xFF];
        big.extend_from_slice(&large(0, 0, 1, 8, 1)[1..]);
        big.push(7);
        let c = r.read(&big).unwrap().unwrap();
        assert_eq!(c.csid, MAX_CSID);
    }

    #[test]
    fn retained_capacity_is_bounded() {
        let mut r = ChunkReader::new();
        r.max_buffered = 10_000;
        for csid in 3..60u8 {
            let mut b = large(csid, 0, 600, 9, 1);
            b.extend_from_slice(&[0u8; 128]);
            let mut off = 0;
            let mut done = false;
            let mut input = b.clone();
            for _ in 0..4 {
                input.push(0xC0 | csid);
                input.extend_from_slice(&[0u8; 128]);
            }
            while !done {
                let c = r.read(&input[off..]).unwrap().unwrap();
                off += c.consumed;
                done = c.complete;
            }
            r.release(u32::from(csid));
        }
        assert!(r.retained <= 10_000 + 2048, "retained {}", r.retained);
    }

    #[test]
    fn buffered_memory_is_bounded() {
        let mut r = ChunkReader::new();
        r.max_buffered = 1000;
        let mut err = None;
        for csid in 3..40u8 {
            let mut b = large(csid, 0, 0xFF_FFFF, 9, 1);
            b.extend_from_slice(&[0u8; 128]);
            if let Err(e) = r.read(&b) {
                err = Some(e);
                break;
            }
        }
        assert!(matches!(err, Some(ChunkError::TooMuchBuffered { .. })));
    }
}
