//! One RTMP connection below the command level: a transport, a read buffer that chunk headers are
//! parsed from in place (`recvbuf`), the chunk reader and writer, the stall clock (`stall`), byte
//! counting and acknowledgements. Messages go out in vectored sends straight from the caller's
//! payload; the bodies of large messages are read from the socket into their destination
//! (`direct`); the handshakes are driven over it (`handshake`).

mod direct;
mod handshake;
mod recvbuf;
mod stall;
#[cfg(test)]
mod tests;

use crate::chunk::{Chunk, ChunkError, ChunkReader, ChunkWriter, MessageHeader, OutMessage};
use crate::handshake::HandshakeError;
use crate::transport::{is_timeout, Transport};
use direct::Direct;
use recvbuf::RecvBuf;
use stall::{StallClock, MIN_PROGRESS};
use std::io::{self, IoSlice};

/// Buffers one send hands to the kernel at most (within Linux's IOV_MAX of 1024).
const SEND_IOV: usize = 512;

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

impl ConnError {
    /// The peer went away abruptly (a reset or an abort), rather than closing in order.
    pub fn is_reset(&self) -> bool {
        matches!(self, ConnError::Io(e) if matches!(e.kind(), io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted))
    }
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
    rb: RecvBuf,
    pub(crate) reader: ChunkReader,
    pub(crate) writer: ChunkWriter,
    /// Total bytes received (wrapping, as the 32-bit acknowledgement counter does).
    pub(crate) bytes_in: u64,
    /// A Set Chunk Size went out on this connection (ours or the application's own).
    pub(crate) chunk_size_announced: bool,
    direct: Option<Direct>,
    clock: StallClock,
    /// Messages of other chunk streams that completed while a direct payload was being read, in
    /// order: they come after it.
    pub(crate) deferred: std::collections::VecDeque<(MessageHeader, Vec<u8>)>,
    interrupted: fn() -> bool,
}

impl core::fmt::Debug for Connection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection")
            .field("fd", &self.transport.raw_socket())
            .field("buffered", &self.rb.held())
            .finish()
    }
}

impl Connection {
    /// `interrupted` is polled when a blocking call is woken by a signal.
    pub fn new(mut transport: Box<dyn Transport>, interrupted: fn() -> bool) -> Self {
        transport.set_interrupt(interrupted);
        Connection {
            transport,
            rb: RecvBuf::new(),
            reader: ChunkReader::new(),
            writer: ChunkWriter::new(),
            bytes_in: 0,
            chunk_size_announced: false,
            direct: None,
            clock: StallClock::new(),
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
        self.rb.unread() + self.transport.buffered()
    }

    fn drop_pending(&mut self) {
        self.rb.drop_pending();
    }

    /// Reads more bytes into the buffer (at least one), growing it if one chunk needs more room.
    fn fill(&mut self) -> Result<usize, ConnError> {
        loop {
            let spare = self.rb.spare();
            let want = spare.len();
            match self.transport.read(spare) {
                Ok(0) => return Err(ConnError::Closed),
                Ok(n) => {
                    self.rb.filled(n, want);
                    self.bytes_in += n as u64;
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
        let Some((left, limit)) = self.clock.left()? else { return read(self) };
        let _ = self.transport.set_timeout(Some(left.max(std::time::Duration::from_millis(1))));
        let r = read(self);
        // The stall limit is the receive timeout (both come from `timeout=`).
        let _ = self.transport.set_timeout(Some(limit));
        match r {
            // The wait was cut to what the clock had left: that is the clock running out.
            Err(ConnError::Timeout) if left < limit => Err(self.clock.error()),
            r => r,
        }
    }

    /// `fill` under the stall clock: for callers waiting for the rest of something begun.
    fn fill_watched(&mut self) -> Result<(), ConnError> {
        let got = self.within_stall(Self::fill)?;
        self.clock.tick(got >= MIN_PROGRESS)
    }

    /// Sets how long a chunk that has begun to arrive may take (the receive timeout).
    pub fn set_stall_limit(&mut self, limit: Option<std::time::Duration>) {
        self.clock.set_limit(limit);
    }

    /// Reads exactly `n` raw bytes (the handshake) and returns them.
    pub fn read_exact(&mut self, n: usize) -> Result<&[u8], ConnError> {
        self.drop_pending();
        self.clock.restart();
        self.clock.awaiting("the handshake");
        while self.rb.held() < n {
            if let Err(e) = self.fill_watched() {
                self.clock.awaiting("a chunk");
                return Err(e);
            }
        }
        self.clock.awaiting("a chunk");
        self.rb.hand_out(n);
        Ok(&self.rb.data()[..n])
    }

    /// Parses the next chunk, reading from the transport as needed.
    pub fn next_chunk(&mut self) -> Result<Chunk, ConnError> {
        self.drop_pending();
        self.abandon_direct();
        self.clock.restart();
        loop {
            if let Some(c) = self.reader.read(self.rb.data())? {
                self.rb.hand_out(c.consumed);
                return Ok(c);
            }
            if let Err(e) = self.fill_watched() {
                // A peer that closes with our bytes unread resets the connection instead: which of
                // the two arrives first is the kernel's timing, the cut is the same.
                if matches!(e, ConnError::Closed) || e.is_reset() {
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
        let held = self.rb.held();
        if held > 0 {
            Some(format!("in the middle of a chunk ({held} bytes of it had arrived)"))
        } else {
            let (csid, received, length) = self.reader.unfinished()?;
            Some(format!("in the middle of a message (chunk stream {csid}: {received} of {length} bytes)"))
        }
    }

    /// Parses the next chunk if it is already buffered in full; never blocks.
    pub fn try_next_chunk(&mut self) -> Result<Option<Chunk>, ConnError> {
        self.drop_pending();
        self.abandon_direct();
        match self.reader.read(self.rb.data())? {
            Some(c) => {
                self.rb.hand_out(c.consumed);
                Ok(Some(c))
            }
            None => Ok(None),
        }
    }

    /// Reads what the socket already holds, if anything, without waiting for more: true when
    /// something was read. (An HTTP tunnel only receives in answer to a request: never here.)
    pub fn fill_if_ready(&mut self) -> Result<bool, ConnError> {
        if self.transport.http_state().is_some() {
            return Ok(false);
        }
        if self.transport.buffered() == 0 && !crate::sys::readable_now(self.transport.raw_socket()) {
            return Ok(false);
        }
        self.fill().map(|_| true)
    }

    /// Ends the connection and waits, up to `wait`, for the peer to close its side too: once it
    /// has, it has read everything we sent (a server has ended our stream before we start it
    /// again elsewhere). True when the peer closed in time. An HTTP tunnel is only shut down.
    pub fn close_and_wait(&mut self, wait: std::time::Duration) -> bool {
        self.transport.close_notify();
        let mut closed = false;
        if self.transport.http_state().is_none() {
            crate::sys::shutdown_write(self.transport.raw_socket());
            let deadline = std::time::Instant::now() + wait;
            let mut sink = [0u8; 4096];
            loop {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() || self.transport.set_timeout(Some(left)).is_err() {
                    break;
                }
                match self.transport.read(&mut sink) {
                    Ok(0) => {
                        closed = true;
                        break;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted && !(self.interrupted)() => {}
                    Err(_) => break,
                }
            }
        }
        self.transport.shutdown();
        closed
    }

    /// The data of chunk `c` (valid until the next read).
    pub fn chunk_data(&self, c: &Chunk) -> &[u8] {
        &self.rb.data()[c.data.clone()]
    }

    /// The body of the message `c` completed (valid until the next read or `release`).
    pub fn message_body(&self, c: &Chunk) -> &[u8] {
        if c.assembled {
            self.reader.body(c.csid)
        } else {
            self.chunk_data(c)
        }
    }

    /// The chunk streams received on, for the C struct's `m_vecChannelsIn` and
    /// `m_channelTimestamp`: how many slots they need, and those that carried something.
    pub fn streams_in(&self) -> (usize, impl Iterator<Item = (u32, &crate::chunk::InStream)>) {
        (self.reader.streams_len(), self.reader.seen_streams())
    }

    /// The last header sent on each chunk stream (csid, timestamp, length, type, stream id), for
    /// the C struct's `m_vecChannelsOut`.
    pub fn last_headers_out(&self) -> impl Iterator<Item = (u32, u32, u32, u8, u32)> + '_ {
        self.writer.last_headers()
    }

    /// Sends raw bytes (handshake, or a chunk replayed verbatim).
    pub fn send_raw(&mut self, parts: &[&[u8]]) -> Result<(), ConnError> {
        self.transport.begin_send();
        self.transport.write_all(parts).map_err(|e| if is_timeout(&e) { ConnError::Timeout } else { ConnError::Io(e) })
    }

    /// Sends one message: its chunk headers interleaved with pieces of the payload where it lies,
    /// in as few vectored sends as IOV_MAX allows (one for most messages), never a copy of the
    /// payload; `force_large` asks for a full header.
    pub fn send_message(&mut self, m: &OutMessage<'_>, force_large: bool) -> Result<(), ConnError> {
        self.transport.begin_send();
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
}
