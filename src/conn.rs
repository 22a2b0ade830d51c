//! One RTMP connection below the command level: a transport, a read buffer that chunk headers are
//! parsed from in place, the chunk reader and writer, the handshake, byte counting and
//! acknowledgements. Messages go out in vectored sends straight from the caller's payload, and the
//! bodies of large messages are read from the socket into their destination (`assemble_into`).

use crate::chunk::{Chunk, ChunkError, ChunkReader, ChunkWriter, MessageHeader, OutMessage};
use crate::handshake::{ClientHandshake, HandshakeError, HandshakeOutcome, ServerHandshake, SIG_SIZE};
use crate::transport::{is_timeout, Transport};
use std::io::{self, IoSlice, IoSliceMut};

/// Bytes read from the socket per call: large enough that a fast stream costs few syscalls.
const READ_BLOCK: usize = 64 * 1024;
/// What a direct read (`assemble_into`) takes beyond the end of its message: room for the small
/// messages (audio, control) between two large ones, small enough that little of the next large
/// message lands here rather than in its own destination.
const DIRECT_TAIL: usize = 4 * 1024;
/// After a direct read, ordinary reads start this small and double while the socket fills them:
/// a 64 KiB read would pull the start of the next large message into the read buffer, to be
/// copied out of it, where a direct read would have put it in place.
const SMALL_READ: usize = 4 * 1024;
/// Chunks one direct read asks for (two iovecs each). 64 chunks of nginx-rtmp's 4 KiB are more
/// than a socket usually holds; the arrays are set up on every call, so they stay small.
const DIRECT_CHUNKS: usize = 64;

/// A read this large counts as progress for the stall clock (see `stall`).
const MIN_PROGRESS: usize = 1024;
/// Messages of other chunk streams that may wait behind a directly read message, and their bytes.
const MAX_DEFERRED: usize = 256;
const MAX_DEFERRED_BYTES: usize = 4 << 20;

/// Buffers one send hands to the kernel at most (within Linux's IOV_MAX of 1024).
const SEND_IOV: usize = 512;

/// A message whose payload the caller takes piece by piece (`begin_payload`, `read_payload`).
#[derive(Clone, Copy, Debug)]
struct Direct {
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

#[derive(Debug)]
pub enum ConnError {
    /// Nothing arrived within the receive timeout.
    Timeout,
    /// The peer closed the connection.
    Closed,
    /// The user interrupted (RTMP_UserInterrupt / RTMP_ctrlC).
    Interrupted,
    Io(io::Error),
    Chunk(ChunkError),
    Handshake(HandshakeError),
    /// The peer broke the protocol in a way that ends the connection.
    Protocol(String),
}

impl core::fmt::Display for ConnError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ConnError::Timeout => write!(f, "timed out waiting for data"),
            ConnError::Closed => write!(f, "connection closed by the peer"),
            ConnError::Interrupted => write!(f, "interrupted by the user"),
            ConnError::Io(e) => write!(f, "{e}"),
            ConnError::Chunk(e) => write!(f, "{e}"),
            ConnError::Handshake(e) => write!(f, "handshake failed: {e}"),
            ConnError::Protocol(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for ConnError {}

impl From<ChunkError> for ConnError {
    fn from(e: ChunkError) -> Self {
        ConnError::Chunk(e)
    }
}

impl From<HandshakeError> for ConnError {
    fn from(e: HandshakeError) -> Self {
        ConnError::Handshake(e)
    }
}

/// The stall clock ran out (see `Connection::stall`).
fn stalled(limit: std::time::Duration, what: &str) -> ConnError {
    log::error!(
        "part of {what} has waited more than {} s for the rest: the peer sends too slowly, or has stopped",
        limit.as_secs()
    );
    ConnError::Timeout
}

/// How RTMP_Serve served a client.
#[derive(Debug, Clone, Copy)]
pub struct Served {
    /// RTMPE.
    pub encrypted: bool,
    /// Through the RTMPT tunnel.
    pub http: bool,
}

pub struct Connection {
    transport: Box<dyn Transport>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of the last chunk handed out, dropped from the buffer at the next read.
    pending: usize,
    pub reader: ChunkReader,
    pub writer: ChunkWriter,
    /// Total bytes received (wrapping, as the 32-bit acknowledgement counter does).
    pub bytes_in: u64,
    /// A Set Chunk Size went out on this connection (ours or the application's own).
    pub chunk_size_announced: bool,
    direct: Option<Direct>,
    /// The most an ordinary read asks for now (see SMALL_READ).
    read_limit: usize,
    /// How long a chunk (or the handshake) that has begun to arrive may take to complete: a
    /// peer trickling bytes must not hold a call longer than the timeout. None: no limit.
    stall_limit: Option<std::time::Duration>,
    stalled_since: Option<std::time::Instant>,
    /// What the stall clock waits for, as its error names it ("the handshake", "a chunk").
    awaited: &'static str,
    /// Messages of other chunk streams that completed while a direct payload was being read, in
    /// order: they come after it.
    pub deferred: std::collections::VecDeque<(MessageHeader, Vec<u8>)>,
    interrupted: fn() -> bool,
}

impl core::fmt::Debug for Connection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection")
            .field("fd", &self.transport.raw_socket())
            .field("buffered", &(self.end - self.start))
            .finish()
    }
}

impl Connection {
    /// `interrupted` is polled when a blocking call is woken by a signal.
    pub fn new(mut transport: Box<dyn Transport>, interrupted: fn() -> bool) -> Self {
        transport.set_interrupt(interrupted);
        Connection {
            transport,
            buf: vec![0; READ_BLOCK],
            start: 0,
            end: 0,
            pending: 0,
            reader: ChunkReader::new(),
            writer: ChunkWriter::new(),
            bytes_in: 0,
            chunk_size_announced: false,
            direct: None,
            read_limit: READ_BLOCK,
            stall_limit: None,
            stalled_since: None,
            awaited: "a chunk",
            deferred: std::collections::VecDeque::new(),
            interrupted,
        }
    }

    pub fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    pub fn transport_mut(&mut self) -> &mut dyn Transport {
        &mut *self.transport
    }

    /// Bytes received and not yet parsed (what librtmp reports in `m_sb.sb_size`).
    pub fn buffered(&self) -> usize {
        self.end - self.start - self.pending.min(self.end - self.start) + self.transport.buffered()
    }

    fn drop_pending(&mut self) {
        self.start += self.pending;
        self.pending = 0;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes into the buffer (at least one), growing it if one chunk needs more room.
    fn fill(&mut self) -> Result<usize, ConnError> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let n = self.buf.len() * 2;
                self.buf.resize(n, 0);
            }
        }
        loop {
            let want = (self.buf.len() - self.end).min(self.read_limit);
            match self.transport.read(&mut self.buf[self.end..self.end + want]) {
                Ok(0) => return Err(ConnError::Closed),
                Ok(n) => {
                    self.end += n;
                    self.bytes_in += n as u64;
                    if n == want {
                        self.read_limit = (self.read_limit * 2).min(READ_BLOCK);
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if (self.interrupted)() {
                        return Err(ConnError::Interrupted);
                    }
                }
                Err(e) if is_timeout(&e) => return Err(ConnError::Timeout),
                Err(e) => return Err(ConnError::Io(e)),
            }
        }
    }

    /// Runs a blocking read, but while the stall clock runs it waits no longer than what is left
    /// of the limit: a byte arriving just before each receive timeout cannot stretch the wait.
    fn within_stall<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T, ConnError>) -> Result<T, ConnError> {
        let (Some(limit), Some(since)) = (self.stall_limit, self.stalled_since) else { return read(self) };
        let left = limit.saturating_sub(since.elapsed());
        if left.is_zero() {
            return Err(stalled(limit, self.awaited));
        }
        let _ = self.transport.set_timeout(Some(left.max(std::time::Duration::from_millis(1))));
        let r = read(self);
        // The stall limit is the receive timeout (both come from `timeout=`).
        let _ = self.transport.set_timeout(Some(limit));
        match r {
            // The wait was cut to what the clock had left: that is the clock running out.
            Err(ConnError::Timeout) if left < limit => Err(stalled(limit, self.awaited)),
            r => r,
        }
    }

    /// `fill` under the stall clock: for callers waiting for the rest of something begun.
    fn fill_watched(&mut self) -> Result<(), ConnError> {
        let got = self.within_stall(Self::fill)?;
        self.stall(got >= MIN_PROGRESS)
    }

    /// Sets how long a chunk that has begun to arrive may take (the receive timeout).
    pub fn set_stall_limit(&mut self, limit: Option<std::time::Duration>) {
        self.stall_limit = limit.filter(|d| !d.is_zero());
    }

    /// After a read that did not complete what the caller waits for: a timeout once the clock,
    /// started by the first read without `progress`, shows more than the stall limit. Progress
    /// (a read of at least MIN_PROGRESS bytes, or a chunk completed) stops the clock: a slow
    /// link delivers packets, a trickling peer single bytes.
    fn stall(&mut self, progress: bool) -> Result<(), ConnError> {
        let Some(limit) = self.stall_limit else { return Ok(()) };
        if progress {
            self.stalled_since = None;
            return Ok(());
        }
        let now = std::time::Instant::now();
        if now.duration_since(*self.stalled_since.get_or_insert(now)) > limit {
            return Err(stalled(limit, self.awaited));
        }
        Ok(())
    }

    /// Reads exactly `n` raw bytes (the handshake) and returns them.
    pub fn read_exact(&mut self, n: usize) -> Result<&[u8], ConnError> {
        self.drop_pending();
        self.stalled_since = None;
        self.awaited = "the handshake";
        while self.end - self.start < n {
            if let Err(e) = self.fill_watched() {
                self.awaited = "a chunk";
                return Err(e);
            }
        }
        self.awaited = "a chunk";
        self.pending = n;
        Ok(&self.buf[self.start..self.start + n])
    }

    /// Parses the next chunk, reading from the transport as needed.
    pub fn next_chunk(&mut self) -> Result<Chunk, ConnError> {
        self.drop_pending();
        self.abandon_direct();
        self.stalled_since = None;
        loop {
            if let Some(c) = self.reader.read(&self.buf[self.start..self.end])? {
                self.pending = c.consumed;
                return Ok(c);
            }
            if let Err(e) = self.fill_watched() {
                if matches!(e, ConnError::Closed) {
                    self.log_cut_short();
                }
                return Err(e);
            }
        }
    }

    /// The peer closed the connection: worth a warning when that cut a chunk or a message short
    /// (between messages it is the ordinary end of a session).
    fn log_cut_short(&self) {
        if let Some(part) = self.unfinished() {
            log::warn!("the peer closed the connection {part}");
        }
    }

    /// What a read that ends now leaves unfinished, if anything: "in the middle of a chunk (…)"
    /// or "in the middle of a message (…)".
    pub fn unfinished(&self) -> Option<String> {
        let held = self.end - self.start;
        if held > 0 {
            Some(format!("in the middle of a chunk ({held} bytes of it had arrived)"))
        } else {
            let (csid, received, length) = self.reader.unfinished()?;
            Some(format!("in the middle of a message (chunk stream {csid}: {received} of {length} bytes)"))
        }
    }

    /// A caller that reads chunks while a direct payload is unfinished (an application mixing
    /// RTMP_ReadPacket into RTMP_Read): the reader takes the message back, the part already
    /// handed out standing in as zeros, so the chunk stream stays in step.
    fn abandon_direct(&mut self) {
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

    /// Parses the next chunk if it is already buffered in full; never blocks.
    pub fn try_next_chunk(&mut self) -> Result<Option<Chunk>, ConnError> {
        self.drop_pending();
        self.abandon_direct();
        match self.reader.read(&self.buf[self.start..self.end])? {
            Some(c) => {
                self.pending = c.consumed;
                Ok(Some(c))
            }
            None => Ok(None),
        }
    }

    /// The data of chunk `c` (valid until the next read).
    pub fn chunk_data(&self, c: &Chunk) -> &[u8] {
        &self.buf[self.start + c.data.start..self.start + c.data.end]
    }

    /// The body of the message `c` completed (valid until the next read or `release`).
    pub fn message_body(&self, c: &Chunk) -> &[u8] {
        if c.assembled {
            self.reader.body(c.csid)
        } else {
            self.chunk_data(c)
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
        self.stalled_since = None;
        let body = self.reader.body(d.csid);
        let mut off = (body.len() - d.from_body).min(dest.len());
        dest[..off].copy_from_slice(&body[d.from_body..d.from_body + off]);
        d.from_body += off;
        let r = loop {
            if off == dest.len() {
                break Ok(());
            }
            let avail = self.end - self.start;
            let hl = d.header_len;
            if d.left > 0 && avail > 0 {
                let k = avail.min(d.left).min(dest.len() - off);
                dest[off..off + k].copy_from_slice(&self.buf[self.start..self.start + k]);
                self.start += k;
                off += k;
                d.left -= k;
                d.wire_left -= k;
                continue;
            }
            if d.left == 0 && avail >= hl {
                if self.buf[self.start..self.start + hl] == d.header[..hl] {
                    self.start += hl;
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
            self.start = 0;
            self.end = 0;
            let in_before = self.bytes_in;
            let left_before = (d.left, d.wire_left);
            if let Err(e) = self.within_stall(|c| c.read_direct(&mut dest[off..], &mut off, &mut d)) {
                break Err(e);
            }
            // Enough bytes, or a chunk completed, is progress; a few bytes are a stall.
            let chunk_done = d.left == 0 || d.wire_left + left_before.0 < left_before.1;
            if let Err(e) = self.stall(self.bytes_in - in_before >= MIN_PROGRESS as u64 || chunk_done) {
                break Err(e);
            }
        };
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
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
        self.stalled_since = None;
        loop {
            let input = &self.buf[self.start..self.end];
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
                    self.start += c.consumed;
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
                    self.start += c.consumed;
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
            if planned == d.wire_left && rest.is_empty() && lens.iter().all(|l| l.0 == l.1) && first == d.left {
                let tail = DIRECT_TAIL.min(self.buf.len());
                iov[n] = IoSliceMut::new(&mut self.buf[..tail]);
                n += 1;
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
        self.read_limit = SMALL_READ;
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
                self.buf[..g].copy_from_slice(&scratch[j][..g]);
                self.end = g;
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
        self.end = g;
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
        if self.buf.len() < g {
            self.buf.resize(g, 0);
        }
        self.buf.copy_within(0..tail, v.len());
        self.buf[..v.len()].copy_from_slice(&v);
        self.start = 0;
        self.end = g;
    }

    /// Sends raw bytes (handshake, or a chunk replayed verbatim).
    pub fn send_raw(&mut self, parts: &[&[u8]]) -> Result<(), ConnError> {
        self.transport.write_all(parts).map_err(|e| if is_timeout(&e) { ConnError::Timeout } else { ConnError::Io(e) })
    }

    /// Sends one message: its chunk headers interleaved with pieces of the payload where it lies,
    /// in as few vectored sends as IOV_MAX allows (one for most messages), never a copy of the
    /// payload; `force_large` asks for a full header.
    pub fn send_message(&mut self, m: &OutMessage<'_>, force_large: bool) -> Result<(), ConnError> {
        let fmt = self.writer.choose_format(m, force_large);
        if m.type_id == crate::chunk::SET_CHUNK_SIZE {
            self.chunk_size_announced = true;
        }
        let h = self.writer.headers(m, fmt);
        let mut iov: [IoSlice<'_>; SEND_IOV] = std::array::from_fn(|_| IoSlice::new(&[]));
        iov[0] = IoSlice::new(h.first());
        let mut n = 1;
        let mut bytes = h.first().len();
        let cont = h.continuation();
        for (i, piece) in m.payload.chunks(h.chunk_size).enumerate() {
            if i > 0 {
                if n + 2 > SEND_IOV {
                    self.send_iov(&mut iov[..n], bytes)?;
                    n = 0;
                    bytes = 0;
                }
                iov[n] = IoSlice::new(cont);
                n += 1;
                bytes += cont.len();
            }
            iov[n] = IoSlice::new(piece);
            n += 1;
            bytes += piece.len();
        }
        self.send_iov(&mut iov[..n], bytes)
    }

    fn send_iov(&mut self, iov: &mut [IoSlice<'_>], bytes: usize) -> Result<(), ConnError> {
        self.transport.write_vectored_all(iov, bytes).map_err(|e| {
            if is_timeout(&e) {
                ConnError::Timeout
            } else if e.kind() == io::ErrorKind::Interrupted {
                ConnError::Interrupted
            } else {
                ConnError::Io(e)
            }
        })
    }

    /// The client handshake (simple, or FP9 digest when `digest`), driven over the transport.
    pub fn client_handshake(
        &mut self,
        digest: bool,
        encrypted: bool,
        uptime: u32,
    ) -> Result<HandshakeOutcome, ConnError> {
        let mut hs = ClientHandshake::new(digest, encrypted, uptime)?;
        self.send_raw(&[&hs.c0c1()])?;
        let s0s1 = self.read_exact(1 + SIG_SIZE)?;
        let s0 = s0s1[0];
        let mut s1 = [0u8; SIG_SIZE];
        s1.copy_from_slice(&s0s1[1..]);
        let mut outcome = HandshakeOutcome::default();
        let c2 = hs.respond(s0, &s1, &mut outcome)?;
        self.send_raw(&[&c2[..]])?;
        let s2b = self.read_exact(SIG_SIZE)?;
        let mut s2 = [0u8; SIG_SIZE];
        s2.copy_from_slice(s2b);
        hs.verify_s2(&s2)?;
        self.drop_pending();
        self.start_rc4(hs.take_rc4());
        Ok(outcome)
    }

    /// The server handshake (RTMP_Serve): answers the client's C0+C1 with the variant it asked
    /// for (simple, FP9 digest, RTMPE types 6, 8 and 9; `rtmpe_type` overrides the RTMPE type),
    /// then takes C2. A client that opens with an HTTP POST is an RTMPT client: the connection
    /// becomes the tunnel's server end first.
    pub fn server_handshake(&mut self, uptime: u32, rtmpe_type: Option<u8>) -> Result<Served, ConnError> {
        let mut c0 = self.read_exact(1)?[0];
        let http = c0 == b'P';
        if http {
            let already = self.take_buffered();
            let plain = std::mem::replace(&mut self.transport, Box::new(crate::transport::Closed));
            self.transport = Box::new(crate::transport::HttpServerTunnel::new(plain, already));
            log::debug!("RTMP_Serve: an rtmpt client");
            c0 = self.read_exact(1)?[0];
        }
        ServerHandshake::check_c0(c0)?;
        let mut c1 = [0u8; SIG_SIZE];
        c1.copy_from_slice(self.read_exact(SIG_SIZE)?);
        let (mut hs, answer) = ServerHandshake::answer(c0, &c1, uptime, rtmpe_type)?;
        self.send_raw(&[&answer])?;
        let c2b = self.read_exact(SIG_SIZE)?;
        let mut c2 = [0u8; SIG_SIZE];
        c2.copy_from_slice(c2b);
        hs.check_c2(&c2);
        self.drop_pending();
        self.start_rc4(hs.take_rc4());
        self.transport.handshake_done();
        Ok(Served { encrypted: hs.encrypted(), http })
    }

    /// The bytes read and not consumed, taken out of the read buffer (with the one a `read_exact`
    /// just returned).
    fn take_buffered(&mut self) -> Vec<u8> {
        self.pending = 0;
        let v = self.buf[self.start..self.end].to_vec();
        self.start = 0;
        self.end = 0;
        v
    }

    /// RTMPE from here on: what was read past the handshake is already cipher text.
    fn start_rc4(&mut self, keys: Option<(crate::crypto::Rc4, crate::crypto::Rc4)>) {
        if let Some((mut rx, tx)) = keys {
            rx.apply(&mut self.buf[self.start..self.end]);
            let plain = std::mem::replace(&mut self.transport, Box::new(crate::transport::Closed));
            self.transport = Box::new(crate::transport::Rc4Transport::new(plain, rx, tx));
            log::debug!("RTMPE: RC4 encryption on");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Tcp;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    #[test]
    fn handshake_and_messages_over_loopback() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut c0c1 = vec![0u8; 1537];
            s.read_exact(&mut c0c1).unwrap();
            let mut s0s1s2 = vec![3u8];
            s0s1s2.extend_from_slice(&[5u8; 1536]);
            s0s1s2.extend_from_slice(&c0c1[1..]);
            s.write_all(&s0s1s2).unwrap();
            let mut c2 = vec![0u8; 1536];
            s.read_exact(&mut c2).unwrap();
            assert_eq!(c2, vec![5u8; 1536]);
            // a 300-byte message in 128-byte chunks, then an echo of what the client sends
            let body: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
            let mut w = ChunkWriter::new();
            let mut out = Vec::new();
            w.write(&OutMessage { csid: 3, timestamp: 7, type_id: 20, stream_id: 0, payload: &body }, 0, &mut out);
            s.write_all(&out).unwrap();
            let mut got = vec![0u8; 12 + 5];
            s.read_exact(&mut got).unwrap();
            assert_eq!(&got[12..], b"hello");
        });
        let t = Tcp::connect("127.0.0.1", port, Duration::from_secs(5), &|| false).unwrap();
        let mut c = Connection::new(Box::new(t), || false);
        c.client_handshake(false, false, 0).unwrap();
        let mut complete = None;
        while complete.is_none() {
            let ch = c.next_chunk().unwrap();
            if ch.complete {
                assert_eq!(c.message_body(&ch).len(), 300);
                complete = Some(ch.message);
            }
        }
        assert_eq!(complete.unwrap().timestamp, 7);
        c.send_message(&OutMessage { csid: 3, timestamp: 0, type_id: 20, stream_id: 0, payload: b"hello" }, true)
            .unwrap();
        server.join().unwrap();
        assert!(matches!(c.next_chunk(), Err(ConnError::Closed)));
    }

    /// A transport that replays a byte script in pieces of given sizes (a readv fills its buffers
    /// in order up to the piece), with timeouts at given pieces: every way a direct read can be
    /// cut, deterministically.
    struct Script {
        data: Vec<u8>,
        pos: usize,
        pieces: Vec<usize>,
        next: usize,
        timeouts: Vec<usize>,
    }

    impl Script {
        fn piece(&mut self) -> io::Result<usize> {
            self.next += 1;
            if self.timeouts.contains(&self.next) {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            if self.pos == self.data.len() {
                return Ok(0);
            }
            Ok(self.pieces[self.next % self.pieces.len()].min(self.data.len() - self.pos))
        }
    }

    impl Transport for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.piece()?.min(buf.len());
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
        fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
            let mut n = self.piece()?;
            let mut done = 0;
            for b in bufs.iter_mut() {
                let k = n.min(b.len());
                b[..k].copy_from_slice(&self.data[self.pos..self.pos + k]);
                self.pos += k;
                done += k;
                n -= k;
            }
            Ok(done)
        }
        fn write_vectored_all(&mut self, _: &mut [IoSlice<'_>], _: usize) -> io::Result<()> {
            Ok(())
        }
        fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
            Ok(())
        }
        fn shutdown(&self) {}
        fn raw_socket(&self) -> crate::sys::RawSocket {
            crate::sys::NO_SOCKET
        }
    }

    /// A message as the tests compare them: (csid, timestamp, body).
    type Got = (u32, u32, Vec<u8>);

    /// Chunks of several messages, some interleaved at chunk boundaries, with the messages in the
    /// order they begin.
    fn stream(chunk: u32) -> (Vec<u8>, Vec<Got>) {
        let mut w = ChunkWriter::new();
        w.set_chunk_size(chunk);
        let body =
            |n: usize, seed: u8| -> Vec<u8> { (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect() };
        let mut data = Vec::new();
        let mut want = Vec::new();
        let msg = |w: &mut ChunkWriter, csid, ts, type_id, b: &[u8]| {
            let mut out = Vec::new();
            w.write(&OutMessage { csid, timestamp: ts, type_id, stream_id: 1, payload: b }, 1, &mut out);
            out
        };
        for i in 0..6u32 {
            let video = body(5000 + 1777 * i as usize, i as u8);
            let audio = body(300 + i as usize, 100 + i as u8);
            let v = msg(&mut w, 6, 40 * i, 9, &video);
            let a = msg(&mut w, 4, 40 * i + 7, 8, &audio);
            if i % 2 == 0 {
                data.extend_from_slice(&v);
                data.extend_from_slice(&a);
                want.push((6, 40 * i, video));
                want.push((4, 40 * i + 7, audio));
            } else {
                // The audio message's chunks between the video message's first and second chunk.
                let first = 8 + chunk as usize;
                data.extend_from_slice(&v[..first]);
                data.extend_from_slice(&a);
                data.extend_from_slice(&v[first..]);
                // Read directly, the video message is delivered first: it began first.
                want.push((6, 40 * i, video));
                want.push((4, 40 * i + 7, audio));
            }
        }
        // A message with extended timestamps on every chunk.
        let big = body(9000, 7);
        data.extend_from_slice(&msg(&mut w, 5, 0x0100_0000, 9, &big));
        want.push((5, 0x0100_0000, big));
        (data, want)
    }

    /// Reads everything back as RTMP_Read does: large messages through `read_payload`, in
    /// pieces of `window` bytes.
    fn read_all(c: &mut Connection, count: usize, window: usize) -> Vec<Got> {
        let mut got = Vec::new();
        while got.len() < count {
            if let Some((m, body)) = c.deferred.pop_front() {
                got.push((m.csid, m.timestamp, body));
                continue;
            }
            let ch = c.next_chunk().unwrap();
            if ch.complete {
                got.push((ch.csid, ch.message.timestamp, c.message_body(&ch).to_vec()));
                c.reader.release(ch.csid);
                continue;
            }
            let p = c.begin_payload(ch.csid).expect("a message in progress");
            let mut body = Vec::new();
            loop {
                let mut w = vec![0u8; window.min(p.length as usize - body.len())];
                let done = c.read_payload(&mut w).unwrap();
                body.extend_from_slice(&w);
                if let Some(m) = done {
                    assert_eq!(body.len(), p.length as usize);
                    assert_eq!(m.timestamp, p.timestamp);
                    got.push((m.csid, m.timestamp, body));
                    break;
                }
            }
        }
        got
    }

    fn script(data: &[u8], pieces: &[usize], timeouts: &[usize]) -> Box<Script> {
        Box::new(Script { data: data.to_vec(), pos: 0, pieces: pieces.to_vec(), next: 0, timeouts: timeouts.to_vec() })
    }

    #[test]
    fn direct_payload_survives_every_cut() {
        for chunk in [128u32, 4096] {
            let (data, want) = stream(chunk);
            let total = data.len() as u64;
            for pieces in [
                vec![1],
                vec![2],
                vec![3],
                vec![7],
                vec![64],
                vec![129, 5],
                vec![4097],
                vec![1 << 20],
                vec![11, 3000, 1, 8191],
            ] {
                for window in [1, 100, 4096, 5000, 65536] {
                    let mut c = Connection::new(script(&data, &pieces, &[]), || false);
                    c.reader.set_chunk_size(chunk);
                    let got = read_all(&mut c, want.len(), window);
                    assert_eq!(got.len(), want.len());
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(
                            (g.0, g.1, g.2.len()),
                            (w.0, w.1, w.2.len()),
                            "chunk {chunk} pieces {pieces:?} window {window}"
                        );
                        assert!(
                            g.2 == w.2,
                            "body of csid {} differs (chunk {chunk}, pieces {pieces:?}, window {window})",
                            g.0
                        );
                    }
                    assert_eq!(c.bytes_in, total);
                    // Nothing stays counted as buffered: thousands of messages would otherwise
                    // add up to the reader's limit.
                    assert_eq!(c.reader.buffered_bytes(), 0, "chunk {chunk} pieces {pieces:?} window {window}");
                    assert!(matches!(c.next_chunk(), Err(ConnError::Closed)));
                }
            }
        }
    }

    #[test]
    fn direct_payload_reports_a_timeout() {
        let (data, _) = stream(128);
        for at in 1..40 {
            let mut c = Connection::new(script(&data, &[97], &[at]), || false);
            c.reader.set_chunk_size(128);
            let mut timed_out = false;
            'outer: for _ in 0..100 {
                let ch = match c.next_chunk() {
                    Ok(ch) => ch,
                    Err(ConnError::Timeout) => break,
                    Err(e) => panic!("{e}"),
                };
                if ch.complete {
                    c.reader.release(ch.csid);
                    continue;
                }
                let p = c.begin_payload(ch.csid).unwrap();
                let mut w = vec![0u8; p.length as usize];
                match c.read_payload(&mut w) {
                    Ok(_) => {}
                    Err(ConnError::Timeout) => {
                        timed_out = true;
                        break 'outer;
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            let _ = timed_out;
            assert!(c.direct.is_none());
        }
    }

    #[test]
    fn set_chunk_size_inside_a_direct_message_applies_at_once() {
        let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let mut data = vec![6, 0, 0, 0];
        data.extend_from_slice(&5000u32.to_be_bytes()[1..]);
        data.push(9);
        data.extend_from_slice(&1u32.to_le_bytes());
        data.extend_from_slice(&body[..128]);
        let mut w = ChunkWriter::new();
        w.write(
            &OutMessage { csid: 2, timestamp: 0, type_id: 1, stream_id: 0, payload: &256u32.to_be_bytes() },
            0,
            &mut data,
        );
        for piece in body[128..].chunks(256) {
            data.push(0xc6);
            data.extend_from_slice(piece);
        }
        for pieces in [vec![1], vec![100], vec![1 << 20]] {
            let mut c = Connection::new(script(&data, &pieces, &[]), || false);
            let got = read_all(&mut c, 2, 1000);
            assert_eq!(got[0].2, body, "pieces {pieces:?}");
            assert_eq!((got[1].0, &got[1].2[..]), (2, &256u32.to_be_bytes()[..]));
            assert_eq!(c.reader.chunk_size(), 256);
        }
    }

    #[test]
    fn endless_interleaving_is_refused() {
        // The first chunk of a large message, then small complete messages on another stream
        // for ever: the direct read must give up, not queue them all.
        let mut data = vec![6, 0, 0, 0];
        data.extend_from_slice(&5000u32.to_be_bytes()[1..]);
        data.push(9);
        data.extend_from_slice(&1u32.to_le_bytes());
        data.extend_from_slice(&[0u8; 128]);
        let mut w = ChunkWriter::new();
        for i in 0..1000u32 {
            w.write(
                &OutMessage { csid: 4, timestamp: i, type_id: 8, stream_id: 1, payload: &[0xaf, 1, 2, 3] },
                0,
                &mut data,
            );
        }
        let mut c = Connection::new(script(&data, &[1 << 20], &[]), || false);
        let ch = c.next_chunk().unwrap();
        let p = c.begin_payload(ch.csid).unwrap();
        let mut dest = vec![0u8; p.length as usize];
        assert!(matches!(c.read_payload(&mut dest), Err(ConnError::Protocol(_))));
    }
}
