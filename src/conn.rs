//! One RTMP connection below the command level: a transport, a read buffer that chunk headers are
//! parsed from in place, the chunk reader and writer, the handshake, byte counting and
//! acknowledgements. Messages go out whole, in one vectored send.

use crate::chunk::{Chunk, ChunkError, ChunkReader, ChunkWriter, OutMessage};
use crate::handshake::{ClientHandshake, HandshakeError, HandshakeOutcome, SIG_SIZE};
use crate::transport::{is_timeout, Transport};
use std::io;

/// Bytes read from the socket per call: large enough that a fast stream costs few syscalls.
const READ_BLOCK: usize = 64 * 1024;

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

pub struct Connection {
    transport: Box<dyn Transport>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of the last chunk handed out, dropped from the buffer at the next read.
    pending: usize,
    pub reader: ChunkReader,
    pub writer: ChunkWriter,
    out: Vec<u8>,
    /// Total bytes received (wrapping, as the 32-bit acknowledgement counter does).
    pub bytes_in: u64,
    interrupted: fn() -> bool,
}

impl core::fmt::Debug for Connection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection").field("fd", &self.transport.raw_fd()).field("buffered", &(self.end - self.start)).finish()
    }
}

impl Connection {
    /// `interrupted` is polled when a blocking call is woken by a signal.
    pub fn new(transport: Box<dyn Transport>, interrupted: fn() -> bool) -> Self {
        Connection {
            transport,
            buf: vec![0; READ_BLOCK],
            start: 0,
            end: 0,
            pending: 0,
            reader: ChunkReader::new(),
            writer: ChunkWriter::new(),
            out: Vec::new(),
            bytes_in: 0,
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
        self.end - self.start - self.pending.min(self.end - self.start)
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
    fn fill(&mut self) -> Result<(), ConnError> {
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
            match self.transport.read(&mut self.buf[self.end..]) {
                Ok(0) => return Err(ConnError::Closed),
                Ok(n) => {
                    self.end += n;
                    self.bytes_in += n as u64;
                    return Ok(());
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

    /// Reads exactly `n` raw bytes (the handshake) and returns them.
    pub fn read_exact(&mut self, n: usize) -> Result<&[u8], ConnError> {
        self.drop_pending();
        while self.end - self.start < n {
            self.fill()?;
        }
        self.pending = n;
        Ok(&self.buf[self.start..self.start + n])
    }

    /// Parses the next chunk, reading from the transport as needed.
    pub fn next_chunk(&mut self) -> Result<Chunk, ConnError> {
        self.drop_pending();
        loop {
            if let Some(c) = self.reader.read(&self.buf[self.start..self.end])? {
                self.pending = c.consumed;
                return Ok(c);
            }
            self.fill()?;
        }
    }

    /// Parses the next chunk if it is already buffered in full; never blocks.
    pub fn try_next_chunk(&mut self) -> Result<Option<Chunk>, ConnError> {
        self.drop_pending();
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

    /// Sends raw bytes (handshake, or a chunk replayed verbatim).
    pub fn send_raw(&mut self, parts: &[&[u8]]) -> Result<(), ConnError> {
        self.transport.write_all(parts).map_err(|e| {
            if is_timeout(&e) {
                ConnError::Timeout
            } else {
                ConnError::Io(e)
            }
        })
    }

    /// Sends one message, all its chunks in one write; `force_large` asks for a full header.
    pub fn send_message(&mut self, m: &OutMessage<'_>, force_large: bool) -> Result<(), ConnError> {
        let fmt = self.writer.choose_format(m, force_large);
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        self.writer.write(m, fmt, &mut out);
        let r = self.send_raw(&[&out]);
        // Keep a modest buffer for the next message; drop one grown by a rare huge message.
        if out.capacity() <= 1 << 20 {
            self.out = out;
        }
        r
    }

    /// The client handshake (simple, or FP9 digest when `digest`), driven over the transport.
    pub fn client_handshake(&mut self, digest: bool, encrypted: bool, uptime: u32) -> Result<HandshakeOutcome, ConnError> {
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
        Ok(outcome)
    }

    /// Sends a protocol or user control message on chunk stream 2, message stream 0.
    pub fn send_control(&mut self, type_id: u8, payload: &[u8], force_large: bool) -> Result<(), ConnError> {
        self.send_message(&OutMessage { csid: 2, timestamp: 0, type_id, stream_id: 0, payload }, force_large)
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
        c.send_message(&OutMessage { csid: 3, timestamp: 0, type_id: 20, stream_id: 0, payload: b"hello" }, true).unwrap();
        server.join().unwrap();
        assert!(matches!(c.next_chunk(), Err(ConnError::Closed)));
    }
}
