//! Reading a large message's payload from the socket straight into the caller's buffer (RTMP_Read
//! of big video frames): one readv takes the rest of the current chunk and the following chunks
//! into the destination and their headers into a scratch array, so the payload is never copied in
//! memory. Chunks of other chunk streams in between are reassembled as usual and wait in
//! `deferred`; a header that is not the expected one turns what came from it into ordinary input.

use super::stall::MIN_PROGRESS;
use super::{ConnError, Connection};
use crate::chunk::MessageHeader;
use std::io::{self, IoSliceMut};

/// What a direct read takes beyond the end of its message: room for the small messages (audio,
/// control) between two large ones, small enough that little of the next large message lands
/// here rather than in its own destination.
const DIRECT_TAIL: usize = 4 * 1024;
/// Chunks one direct read asks for (two iovecs each). 64 chunks of nginx-rtmp's 4 KiB are more
/// than a socket usually holds; the arrays are set up on every call, so they stay small.
const DIRECT_CHUNKS: usize = 64;
/// Messages of other chunk streams that may wait behind a directly read message, and their bytes.
const MAX_DEFERRED: usize = 256;
const MAX_DEFERRED_BYTES: usize = 4 << 20;

/// A message whose payload the caller takes piece by piece (`begin_payload`, `read_payload`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Direct {
    csid: u32,
    /// Bytes of the reader's body (what arrived before) already handed out.
    from_body: usize,
    /// Payload bytes still to come from the wire, and those of them in the current chunk (0: a
    /// chunk header is next).
    wire_left: usize,
    left: usize,
    chunk_size: usize,
    header: [u8; 7],
    header_len: usize,
}

impl Connection {
    /// A caller that reads chunks while a direct payload is unfinished (an application mixing
    /// RTMP_ReadPacket into RTMP_Read): the reader takes the message back, the part already
    /// handed out standing in as zeros, so the chunk stream stays in step.
    pub(super) fn abandon_direct(&mut self) {
        if let Some(d) = self.direct.take() {
            let delivered = self.reader.partial(d.csid).map_or(0, |p| p.length as usize - d.wire_left);
            log::warn!("chunk stream {}: the rest of a message read directly goes back to the chunk reader", d.csid);
            self.reader.reattach(d.csid, &vec![0u8; delivered], d.left as u32);
            if !self.deferred.is_empty() {
                log::warn!("dropping {} messages that waited behind it", self.deferred.len());
                self.deferred.clear();
            }
        }
    }

    /// Hands the payload of the message in progress on `csid` (the reader just returned one of its
    /// chunks) to the caller piece by piece through `read_payload`, so that it lands where the
    /// caller wants it: the payload still on the wire is read from the socket straight into the
    /// caller's buffer and its chunk headers into a scratch array, never copied in memory.
    pub fn begin_payload(&mut self, csid: u32) -> Option<crate::chunk::Partial> {
        let p = self.reader.partial(csid)?;
        if self.direct.is_some() {
            return None;
        }
        self.direct = Some(Direct {
            csid,
            from_body: 0,
            wire_left: (p.length - p.received) as usize,
            left: 0,
            chunk_size: p.chunk_size as usize,
            header: p.continuation,
            header_len: p.continuation_len,
        });
        Some(p)
    }

    /// The next `dest.len()` bytes of the payload begun with `begin_payload` (no more than what
    /// is left of it). Returns the message's header once all of it was read. Chunks of other
    /// chunk streams in between are reassembled as usual and their messages queued in `deferred`.
    /// After an error the message is lost (part of it was handed out): the caller must close.
    pub fn read_payload(&mut self, dest: &mut [u8]) -> Result<Option<MessageHeader>, ConnError> {
        self.drop_pending();
        let Some(mut d) = self.direct.take() else {
            return Err(ConnError::Protocol("no message payload in progress".into()));
        };
        self.clock.restart();
        let body = self.reader.body(d.csid);
        let mut off = (body.len() - d.from_body).min(dest.len());
        dest[..off].copy_from_slice(&body[d.from_body..d.from_body + off]);
        d.from_body += off;
        let r = loop {
            if off == dest.len() {
                break Ok(());
            }
            let avail = self.rb.held();
            let hl = d.header_len;
            if d.left > 0 && avail > 0 {
                let k = avail.min(d.left).min(dest.len() - off);
                dest[off..off + k].copy_from_slice(&self.rb.data()[..k]);
                self.rb.consume(k);
                off += k;
                d.left -= k;
                d.wire_left -= k;
                continue;
            }
            if d.left == 0 && avail >= hl {
                if self.rb.data()[..hl] == d.header[..hl] {
                    self.rb.consume(hl);
                    d.left = d.chunk_size.min(d.wire_left);
                } else if let Err(e) = self.foreign_chunk(&mut d) {
                    break Err(e);
                }
                continue;
            }
            if avail > 0 {
                // Part of a chunk header: wait for the rest the usual way.
                if let Err(e) = self.fill_watched() {
                    break Err(e);
                }
                continue;
            }
            self.rb.clear();
            let in_before = self.bytes_in;
            let left_before = (d.left, d.wire_left);
            if let Err(e) = self.within_stall(|c| c.read_direct(&mut dest[off..], &mut off, &mut d)) {
                break Err(e);
            }
            // Enough bytes, or a chunk completed, is progress; a few bytes are a stall.
            let chunk_done = d.left == 0 || d.wire_left + left_before.0 < left_before.1;
            if let Err(e) = self.clock.tick(self.bytes_in - in_before >= MIN_PROGRESS as u64 || chunk_done) {
                break Err(e);
            }
        };
        match r {
            Err(e) => {
                self.reader.abort(d.csid);
                Err(e)
            }
            Ok(()) if d.wire_left == 0 && d.from_body == self.reader.body(d.csid).len() => {
                Ok(Some(self.reader.finish(d.csid)))
            }
            Ok(()) => {
                self.direct = Some(d);
                Ok(None)
            }
        }
    }

    /// Gives up a payload begun with `begin_payload` before any of it was read: the reader goes on
    /// with the message as usual.
    pub fn cancel_payload(&mut self) {
        self.direct = None;
    }

    /// A chunk of another chunk stream while a direct payload is being read: reassembled the usual
    /// way; a message it completes waits in `deferred` (bounded), except the protocol controls
    /// that change how the chunks go on, which apply at once as librtmp applies them.
    fn foreign_chunk(&mut self, d: &mut Direct) -> Result<(), ConnError> {
        let ours = d.csid;
        self.clock.restart();
        loop {
            let input = self.rb.data();
            if crate::chunk::peek_csid(input) == Some(ours) {
                return Err(ConnError::Protocol(format!(
                    "chunk stream {ours}: a new header in the middle of a message"
                )));
            }
            if let Some(c) = self.reader.read(input)? {
                if c.complete {
                    let body =
                        if c.assembled { self.reader.body(c.csid).to_vec() } else { input[c.data.clone()].to_vec() };
                    self.reader.release(c.csid);
                    self.rb.consume(c.consumed);
                    match (c.message.type_id, body.get(..4)) {
                        (crate::chunk::SET_CHUNK_SIZE, Some(b)) => {
                            let size = crate::chunk::be32(b) & 0x7fff_ffff;
                            if size == 0 {
                                return Err(ConnError::Protocol("Set Chunk Size 0 in the middle of a message".into()));
                            }
                            self.reader.set_chunk_size(size);
                            d.chunk_size = self.reader.chunk_size() as usize;
                        }
                        (2, Some(b)) if crate::chunk::be32(b) == ours => {
                            return Err(ConnError::Protocol(format!(
                                "chunk stream {ours}: the message being read was aborted"
                            )));
                        }
                        (2, Some(b)) => self.reader.abort(crate::chunk::be32(b)),
                        _ => {}
                    }
                    let held: usize = self.deferred.iter().map(|(_, b)| b.len()).sum::<usize>() + body.len();
                    if self.deferred.len() >= MAX_DEFERRED || held > MAX_DEFERRED_BYTES {
                        return Err(ConnError::Protocol(format!(
                            "the peer interleaves more than {MAX_DEFERRED} messages or {MAX_DEFERRED_BYTES} bytes \
                             into one message on chunk stream {ours}"
                        )));
                    }
                    self.deferred.push_back((c.message, body));
                } else {
                    self.rb.consume(c.consumed);
                }
                return Ok(());
            }
            self.fill_watched()?;
        }
    }

    /// One readv for `read_payload`, the read buffer being empty: the rest of the current chunk
    /// and the following chunks go to `window` (the caller's buffer from `*off` on), their headers
    /// to scratch, and, when the message ends within this read, up to DIRECT_TAIL bytes after it
    /// to the read buffer. A header that is not the expected one puts what arrived from it on back
    /// into the read buffer, as ordinary input.
    fn read_direct(&mut self, window: &mut [u8], off: &mut usize, d: &mut Direct) -> Result<(), ConnError> {
        let hl = d.header_len;
        let hdr = d.header;
        let mut scratch = [[0u8; 7]; DIRECT_CHUNKS];
        // For each chunk planned after the current one: bytes of it going to the window, and its
        // whole payload (more when the window ends inside it).
        let mut lens = [(0usize, 0usize); DIRECT_CHUNKS];
        let first = d.left.min(window.len());
        let got = {
            let mut iov: [IoSliceMut<'_>; 2 * DIRECT_CHUNKS + 2] = std::array::from_fn(|_| IoSliceMut::new(&mut []));
            let (a, mut rest) = window.split_at_mut(first);
            let mut n = 0;
            if first > 0 {
                iov[0] = IoSliceMut::new(a);
                n = 1;
            }
            let mut planned = d.left;
            for (sc, len) in scratch.iter_mut().zip(lens.iter_mut()) {
                if rest.is_empty() || planned == d.wire_left {
                    break;
                }
                let whole = d.chunk_size.min(d.wire_left - planned);
                let m = whole.min(rest.len());
                let (a, b) = rest.split_at_mut(m);
                iov[n] = IoSliceMut::new(&mut sc[..hl]);
                iov[n + 1] = IoSliceMut::new(a);
                n += 2;
                *len = (m, whole);
                planned += whole;
                rest = b;
            }
            let whole_message = planned == d.wire_left && rest.is_empty() && lens.iter().all(|l| l.0 == l.1);
            if whole_message && first == d.left {
                iov[n] = IoSliceMut::new(self.rb.tail_for_direct(DIRECT_TAIL));
                n += 1;
            } else {
                self.rb.tail_for_direct(0);
            }
            loop {
                match self.transport.read_vectored(&mut iov[..n]) {
                    Ok(0) => return Err(ConnError::Closed),
                    Ok(k) => break k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        if (self.interrupted)() {
                            return Err(ConnError::Interrupted);
                        }
                    }
                    Err(e) if crate::transport::is_timeout(&e) => return Err(ConnError::Timeout),
                    Err(e) => return Err(ConnError::Io(e)),
                }
            }
        };
        self.bytes_in += got as u64;
        let mut g = got;
        let k = first.min(g);
        *off += k;
        d.left -= k;
        d.wire_left -= k;
        g -= k;
        let mut pos = k;
        for j in 0..DIRECT_CHUNKS {
            let (m, whole) = lens[j];
            if g == 0 || whole == 0 {
                break;
            }
            if g < hl {
                // The read ended inside a header: it waits in the read buffer.
                self.rb.put_back(&scratch[j][..g], 0);
                return Ok(());
            }
            if scratch[j][..hl] != hdr[..hl] {
                self.put_back(&scratch[j..], &lens[j..], hl, &window[pos..], g);
                return Ok(());
            }
            g -= hl;
            let k = m.min(g);
            *off += k;
            pos += k;
            d.left = whole - k;
            d.wire_left -= k;
            g -= k;
        }
        // What is left arrived after the message, in the tail.
        self.rb.set_tail(g);
        Ok(())
    }

    /// A direct read met a header that is not its message's: the `g` bytes from that header on
    /// (headers in `scratch`, payloads in `dest` in turn, then the tail already in the read
    /// buffer) become ordinary input again, in order.
    fn put_back(&mut self, scratch: &[[u8; 7]], lens: &[(usize, usize)], hl: usize, dest: &[u8], g: usize) {
        let mut v = Vec::with_capacity(g);
        let mut pos = 0;
        for (sc, &(len, _)) in scratch.iter().zip(lens) {
            if v.len() == g || len == 0 {
                break;
            }
            let h = hl.min(g - v.len());
            v.extend_from_slice(&sc[..h]);
            let m = len.min(g - v.len());
            v.extend_from_slice(&dest[pos..pos + m]);
            pos += len;
        }
        let tail = g - v.len();
        self.rb.put_back(&v, tail);
    }
}
