//! FLV framing: parsing an FLV byte stream cut anywhere into tags (the input of `RTMP_Write`), and
//! writing tags (the output of `RTMP_Read`), including the rebasing of aggregate messages.

/// FLV tag types (the same numbers as RTMP message types).
pub const TAG_AUDIO: u8 = 8;
pub const TAG_VIDEO: u8 = 9;
pub const TAG_SCRIPT: u8 = 18;

/// The FLV file header (9 bytes) and the first PreviousTagSize (4 bytes).
pub const FILE_HEADER_LEN: usize = 13;
pub const TAG_HEADER_LEN: usize = 11;
/// Upper bound for the header's DataOffset we honour; beyond it the file is not FLV as we know it.
const MAX_DATA_OFFSET: u32 = 1024;

/// One FLV tag from the input.
#[derive(Debug, PartialEq, Eq)]
pub struct Tag<'a> {
    pub tag_type: u8,
    pub timestamp: u32,
    pub body: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At a tag boundary (or the start of the stream).
    Boundary,
    /// Skipping the rest of the file header (DataOffset + PreviousTagSize0).
    SkipHeader(usize),
    /// Collecting an 11-byte tag header.
    TagHeader,
    /// Collecting `remaining` body bytes of the current tag.
    Body { remaining: usize },
    /// Skipping the 4-byte PreviousTagSize after a tag.
    TagTrailer(usize),
}

/// Accepts an FLV stream in pieces of any size — the 13-byte header alone, a tag header split over
/// calls, many tags at once — and hands out whole tags. Bodies that arrive in one piece are lent
/// straight from the input; split ones are assembled in a reused buffer.
#[derive(Debug)]
pub struct FlvParser {
    state: State,
    header: [u8; TAG_HEADER_LEN],
    have: usize,
    tag_type: u8,
    timestamp: u32,
    body: Vec<u8>,
    at_start: bool,
}

impl Default for FlvParser {
    fn default() -> Self {
        Self::new()
    }
}

impl FlvParser {
    pub fn new() -> Self {
        FlvParser {
            state: State::Boundary,
            header: [0; TAG_HEADER_LEN],
            have: 0,
            tag_type: 0,
            timestamp: 0,
            body: Vec::new(),
            at_start: true,
        }
    }

    /// True when no tag is half-received.
    pub fn at_boundary(&self) -> bool {
        self.state == State::Boundary
    }

    /// Consumes all of `input`, calling `on_tag` for every completed tag. Stops at the first error
    /// `on_tag` returns (the rest of the input is not consumed; the parser stays at a boundary).
    pub fn feed<E>(&mut self, mut input: &[u8], mut on_tag: impl FnMut(Tag<'_>) -> Result<(), E>) -> Result<(), E> {
        while !input.is_empty() {
            match self.state {
                State::Boundary => {
                    // "FLV" at the very start (or after a restart) is a file header, whatever follows.
                    if self.at_start || input[0] == b'F' {
                        if let Some(skip) = self.file_header_len(input) {
                            self.at_start = false;
                            self.state = State::SkipHeader(skip);
                            continue;
                        }
                        if input.len() < 9 && b"FLV"[..input.len().min(3)] == input[..input.len().min(3)] {
                            // Too little to tell: keep the bytes as a possible header start.
                            self.header[..input.len()].copy_from_slice(input);
                            self.have = input.len();
                            self.state = State::TagHeader;
                            self.at_start = true;
                            return Ok(());
                        }
                    }
                    self.at_start = false;
                    self.have = 0;
                    self.state = State::TagHeader;
                }
                State::SkipHeader(n) => {
                    let k = n.min(input.len());
                    input = &input[k..];
                    self.state = if n > k { State::SkipHeader(n - k) } else { State::Boundary };
                }
                State::TagHeader => {
                    let k = (TAG_HEADER_LEN - self.have).min(input.len());
                    self.header[self.have..self.have + k].copy_from_slice(&input[..k]);
                    self.have += k;
                    input = &input[k..];
                    if self.at_start {
                        let n = self.have.min(3);
                        if self.header[..n] == b"FLV"[..n] {
                            // A file header that came in pieces: decide once its 9 bytes are here.
                            if self.have < 9 {
                                continue;
                            }
                            let skip = data_offset_skip(&self.header[..9]) - self.have;
                            self.at_start = false;
                            self.have = 0;
                            self.state = State::SkipHeader(skip);
                            continue;
                        }
                        self.at_start = false;
                    }
                    if self.have < TAG_HEADER_LEN {
                        continue;
                    }
                    let h = &self.header;
                    self.tag_type = h[0];
                    let size = (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]);
                    self.timestamp =
                        (u32::from(h[7]) << 24) | (u32::from(h[4]) << 16) | (u32::from(h[5]) << 8) | u32::from(h[6]);
                    self.body.clear();
                    self.state = State::Body { remaining: size };
                    if size == 0 {
                        self.emit(&[], &mut on_tag)?;
                    } else if input.len() >= size && self.body.is_empty() {
                        // The whole body is here: lend it.
                        let (body, rest) = input.split_at(size);
                        self.emit(body, &mut on_tag)?;
                        input = rest;
                    }
                }
                State::Body { remaining } => {
                    let k = remaining.min(input.len());
                    self.body.extend_from_slice(&input[..k]);
                    input = &input[k..];
                    if k == remaining {
                        let body = std::mem::take(&mut self.body);
                        let r = self.emit(&body, &mut on_tag);
                        self.body = body;
                        r?;
                    } else {
                        self.state = State::Body { remaining: remaining - k };
                    }
                }
                State::TagTrailer(n) => {
                    let k = n.min(input.len());
                    input = &input[k..];
                    self.state = if n > k { State::TagTrailer(n - k) } else { State::Boundary };
                }
            }
        }
        Ok(())
    }

    fn emit<E>(&mut self, body: &[u8], on_tag: &mut impl FnMut(Tag<'_>) -> Result<(), E>) -> Result<(), E> {
        let tag = Tag { tag_type: self.tag_type, timestamp: self.timestamp, body };
        let r = on_tag(tag);
        self.state = if r.is_ok() { State::TagTrailer(4) } else { State::Boundary };
        r
    }

    /// With the 9-byte file header in `input`, how many bytes to skip (header + PreviousTagSize0).
    fn file_header_len(&self, input: &[u8]) -> Option<usize> {
        if input.len() >= 9 && &input[..3] == b"FLV" {
            Some(data_offset_skip(&input[..9]))
        } else {
            None
        }
    }
}

fn data_offset_skip(h: &[u8]) -> usize {
    let off = u32::from_be_bytes([h[5], h[6], h[7], h[8]]);
    if (9..=MAX_DATA_OFFSET).contains(&off) {
        off as usize + 4
    } else {
        FILE_HEADER_LEN
    }
}

/// The 13 bytes that open an FLV stream: signature, version 1, audio/video flags, DataOffset 9,
/// PreviousTagSize0.
pub fn file_header(has_audio: bool, has_video: bool) -> [u8; FILE_HEADER_LEN] {
    let flags = (u8::from(has_audio) << 2) | u8::from(has_video);
    [b'F', b'L', b'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0]
}

/// An 11-byte tag header: type, 24-bit size, 24-bit timestamp + 8-bit extension, stream id 0.
pub fn tag_header(tag_type: u8, size: u32, timestamp: u32) -> [u8; TAG_HEADER_LEN] {
    let s = size.to_be_bytes();
    let t = timestamp.to_be_bytes();
    [tag_type, s[1], s[2], s[3], t[1], t[2], t[3], t[0], 0, 0, 0]
}

/// The PreviousTagSize that follows a tag with a body of `size` bytes.
pub fn prev_tag_size(size: u32) -> [u8; 4] {
    (size + TAG_HEADER_LEN as u32).to_be_bytes()
}

/// Appends the FLV tags inside an aggregate message (type 0x16) to `out`, their timestamps moved
/// so the first one lands on `base` (the message timestamp plus the resume offset), and every
/// PreviousTagSize rewritten to the tag's real size, as librtmp does. Returns the timestamp of the
/// last tag, or `None` when the body is not a well-formed sequence of tags (nothing is appended).
pub fn rebase_aggregate(body: &[u8], base: u32, out: &mut Vec<u8>) -> Option<u32> {
    let start = out.len();
    let mut pos = 0;
    let mut first: Option<u32> = None;
    let mut last = base;
    while pos + TAG_HEADER_LEN <= body.len() {
        let h = &body[pos..pos + TAG_HEADER_LEN];
        let size = (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]);
        let ts = (u32::from(h[7]) << 24) | (u32::from(h[4]) << 16) | (u32::from(h[5]) << 8) | u32::from(h[6]);
        let end = pos + TAG_HEADER_LEN + size;
        if end > body.len() {
            break;
        }
        let first_ts = *first.get_or_insert(ts);
        last = ts.wrapping_sub(first_ts).wrapping_add(base);
        out.extend_from_slice(&tag_header(h[0], size as u32, last));
        out.extend_from_slice(&body[pos + TAG_HEADER_LEN..end]);
        out.extend_from_slice(&prev_tag_size(size as u32));
        // A missing trailing PreviousTagSize is tolerated; a present one is replaced.
        pos = (end + 4).min(body.len());
    }
    if first.is_none() || pos != body.len() {
        out.truncate(start);
        return None;
    }
    Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tags: &[(u8, u32, &[u8])]) -> Vec<u8> {
        let mut v = file_header(true, true).to_vec();
        for (t, ts, b) in tags {
            v.extend_from_slice(&tag_header(*t, b.len() as u32, *ts));
            v.extend_from_slice(b);
            v.extend_from_slice(&prev_tag_size(b.len() as u32));
        }
        v
    }

    fn parse_in_pieces(data: &[u8], piece: usize) -> Vec<(u8, u32, Vec<u8>)> {
        let mut p = FlvParser::new();
        let mut got = Vec::new();
        for c in data.chunks(piece) {
            p.feed::<()>(c, |t| {
                got.push((t.tag_type, t.timestamp, t.body.to_vec()));
                Ok(())
            })
            .unwrap();
        }
        assert!(p.at_boundary());
        got
    }

    #[test]
    fn any_split_gives_the_same_tags() {
        let big = vec![7u8; 5000];
        let tags: Vec<(u8, u32, &[u8])> =
            vec![(18, 0, b"meta"), (9, 0, b"\x17\x00seq"), (8, 0x01FF_FFFF, b"a"), (9, 40, &big), (9, 80, b"")];
        let data = file(&tags);
        let want: Vec<_> = tags.iter().map(|(t, ts, b)| (*t, *ts, b.to_vec())).collect();
        for piece in [1, 2, 3, 7, 11, 12, 13, 50, 4096, data.len()] {
            assert_eq!(parse_in_pieces(&data, piece), want, "pieces of {piece}");
        }
        // Without the file header (a stream that starts at a tag) too.
        assert_eq!(parse_in_pieces(&data[13..], 5), want);
    }

    #[test]
    fn aggregate_rebase() {
        let mut body = Vec::new();
        body.extend_from_slice(&tag_header(9, 2, 1000));
        body.extend_from_slice(b"ab");
        body.extend_from_slice(&[0, 0, 0, 99]); // wrong size: rewritten
        body.extend_from_slice(&tag_header(8, 1, 1010));
        body.extend_from_slice(b"c"); // no trailing size: appended
        let mut out = Vec::new();
        assert_eq!(rebase_aggregate(&body, 120, &mut out), Some(130));
        let mut want = Vec::new();
        want.extend_from_slice(&tag_header(9, 2, 120));
        want.extend_from_slice(b"ab");
        want.extend_from_slice(&prev_tag_size(2));
        want.extend_from_slice(&tag_header(8, 1, 130));
        want.extend_from_slice(b"c");
        want.extend_from_slice(&prev_tag_size(1));
        assert_eq!(out, want);
        assert_eq!(rebase_aggregate(&body[..5], 0, &mut out), None);
    }
}
