//! One RTMP connection below the command level: a transport, a read buffer that chunk headers are
//! parsed from in place, the chunk reader and writer, the handshake, byte counting and
//! acknowledgements. Messages go out in vectored sends straight from the caller's payload, and the
//! bodies of large messages are read from the socket into their destination (`assemble_into`).

use crate::chunk::{Chunk, ChunkError, ChunkReader, ChunkWriter, MessageHeader, OutMessage};
use crate::handshake::{ClientHandshake, HandshakeError, HandshakeOutcome, SIG_SIZE};
use crate::transport::{is_timeout, Transport};
use std::io::{self, IoSlice, IoSliceMut};

/// Bytes read from the socket per call: large enough that a fast stream costs few syscalls.
const READ_BLOCK: usize = 64 * 1024;
/// What a direct read (`assemble_into`) takes beyond the end of its message: room for the small
/// messages (audio, control) between two large ones, small enough that little of the next large
/// message lands here rather than in its own destination.
const DIRECT_TAIL: usize = 8 * 1024;
/// Chunks one direct read asks for (two iovecs each, within IOV_MAX).
const DIRECT_CHUNKS: usize = 256;

/// Buffers one send hands to the kernel at most (within Linux's IOV_MAX of 1024).
const SEND_IOV: usize = 512;

/// How `assemble_into` ended without an error.
#[derive(Debug)]
pub enum Assembled {
    /// The whole body is in the destination.
    Done(MessageHeader),
    /// Another chunk stream's chunk came in between: the reader holds the body so far and goes on
    /// as usual.
    Interleaved,
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
            bytes_in: 0,
            chunk_size_announced: false,
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

    /// Finishes the message in progress on `csid` (the reader just returned one of its chunks)
    /// straight into `dest`, which is exactly as long as the message: the payload still to come
    /// is read from the socket into `dest` itself, its chunk headers into a scratch array, so it is
    /// never copied in memory. Falls back (`Interleaved`) when another chunk stream interleaves
    /// its chunks; on an error the reader keeps what arrived, as if read the usual way.
    pub fn assemble_into(&mut self, csid: u32, dest: &mut [u8]) -> Result<Assembled, ConnError> {
        self.drop_pending();
        let Some(p) = self.reader.partial(csid) else { return Ok(Assembled::Interleaved) };
        if dest.len() != p.length as usize {
            return Ok(Assembled::Interleaved);
        }
        let mut off = p.received as usize;
        dest[..off].copy_from_slice(self.reader.body(csid));
        self.reader.detach(csid);
        let hdr = &p.continuation[..p.continuation_len];
        let cs = p.chunk_size as usize;
        // Payload bytes of the current chunk still to come (0: a chunk header is next).
        let mut left = 0usize;
        let r = loop {
            if off == dest.len() {
                break Ok(true);
            }
            let avail = self.end - self.start;
            if left > 0 && avail > 0 {
                let k = avail.min(left);
                dest[off..off + k].copy_from_slice(&self.buf[self.start..self.start + k]);
                self.start += k;
                off += k;
                left -= k;
                continue;
            }
            if left == 0 && avail >= hdr.len() {
                if &self.buf[self.start..self.start + hdr.len()] != hdr {
                    break Ok(false);
                }
                self.start += hdr.len();
                left = cs.min(dest.len() - off);
                continue;
            }
            if avail > 0 {
                // Part of a chunk header: wait for the rest the usual way.
                if let Err(e) = self.fill() {
                    break Err(e);
                }
                continue;
            }
            self.start = 0;
            self.end = 0;
            match self.read_direct(dest, &mut off, &mut left, hdr, cs) {
                Ok(true) => continue,
                other => break other,
            }
        };
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        match r {
            Ok(true) => Ok(Assembled::Done(self.reader.finish(csid))),
            Ok(false) => {
                self.reader.reattach(csid, &dest[..off], 0);
                Ok(Assembled::Interleaved)
            }
            Err(e) => {
                self.reader.reattach(csid, &dest[..off], left as u32);
                Err(e)
            }
        }
    }

    /// One readv for `assemble_into`, the read buffer being empty: the rest of the current chunk
    /// and the following chunks go to `dest`, their headers to scratch, and, when the message
    /// ends within this read, up to DIRECT_TAIL bytes after it to the read buffer. `Ok(false)`: a
    /// header was not the expected one; what arrived from it on is put back into the read buffer.
    fn read_direct(&mut self, dest: &mut [u8], off: &mut usize, left: &mut usize, hdr: &[u8], cs: usize) -> Result<bool, ConnError> {
        let hl = hdr.len();
        let mut scratch = [[0u8; 7]; DIRECT_CHUNKS];
        // Payload lengths of the chunks planned after the current one.
        let mut lens = [0usize; DIRECT_CHUNKS];
        let got = {
            let mut iov: [IoSliceMut<'_>; 2 * DIRECT_CHUNKS + 2] = std::array::from_fn(|_| IoSliceMut::new(&mut []));
            let mut n = 0;
            let (_, mut rest) = dest.split_at_mut(*off);
            if *left > 0 {
                let (a, b) = rest.split_at_mut(*left);
                iov[n] = IoSliceMut::new(a);
                n += 1;
                rest = b;
            }
            for (sc, len) in scratch.iter_mut().zip(lens.iter_mut()) {
                if rest.is_empty() {
                    break;
                }
                let m = cs.min(rest.len());
                let (a, b) = rest.split_at_mut(m);
                iov[n] = IoSliceMut::new(&mut sc[..hl]);
                iov[n + 1] = IoSliceMut::new(a);
                n += 2;
                *len = m;
                rest = b;
            }
            if rest.is_empty() {
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
        let mut g = got;
        let k = (*left).min(g);
        *off += k;
        *left -= k;
        g -= k;
        for j in 0..DIRECT_CHUNKS {
            if g == 0 {
                return Ok(true);
            }
            if lens[j] == 0 {
                break;
            }
            if g < hl {
                // The read ended inside a header: it waits in the read buffer.
                self.buf[..g].copy_from_slice(&scratch[j][..g]);
                self.end = g;
                return Ok(true);
            }
            if scratch[j][..hl] != *hdr {
                self.put_back(&scratch[j..], &lens[j..], hl, &dest[*off..], g);
                return Ok(false);
            }
            g -= hl;
            let m = lens[j].min(g);
            *off += m;
            *left = lens[j] - m;
            g -= m;
        }
        // What is left arrived after the message, in the tail.
        self.end = g;
        Ok(true)
    }

    /// A direct read met a header that is not its message's: the `g` bytes from that header on
    /// (headers in `scratch`, payloads in `dest` in turn, then the tail already in the read
    /// buffer) become ordinary input again, in order.
    fn put_back(&mut self, scratch: &[[u8; 7]], lens: &[usize], hl: usize, dest: &[u8], g: usize) {
        let mut v = Vec::with_capacity(g);
        let mut pos = 0;
        for (sc, &len) in scratch.iter().zip(lens) {
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
        self.transport.write_all(parts).map_err(|e| {
            if is_timeout(&e) {
                ConnError::Timeout
            } else {
                ConnError::Io(e)
            }
        })
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
        for (i, piece) in m.payload.chunks(h.chunk_size).enumerate() {
            if i > 0 {
                if n + 2 > SEND_IOV {
                    self.send_iov(&mut iov[..n])?;
                    n = 0;
                }
                iov[n] = IoSlice::new(h.continuation());
                n += 1;
            }
            iov[n] = IoSlice::new(piece);
            n += 1;
        }
        self.send_iov(&mut iov[..n])
    }

    fn send_iov(&mut self, iov: &mut [IoSlice<'_>]) -> Result<(), ConnError> {
        self.transport.write_vectored_all(iov).map_err(|e| if is_timeout(&e) { ConnError::Timeout } else { ConnError::Io(e) })
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
        fn write_vectored_all(&mut self, _: &mut [IoSlice<'_>]) -> io::Result<()> {
            Ok(())
        }
        fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
            Ok(())
        }
        fn shutdown(&self) {}
        fn raw_fd(&self) -> i32 {
            -1
        }
    }

    /// Chunks of several messages, some interleaved at chunk boundaries, with the messages in the
    /// order they complete: (csid, timestamp, body).
    fn stream(chunk: u32) -> (Vec<u8>, Vec<(u32, u32, Vec<u8>)>) {
        let mut w = ChunkWriter::new();
        w.set_chunk_size(chunk);
        let body = |n: usize, seed: u8| -> Vec<u8> { (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect() };
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
                want.push((4, 40 * i + 7, audio));
                want.push((6, 40 * i, video));
            }
        }
        // A message with extended timestamps on every chunk.
        let big = body(9000, 7);
        data.extend_from_slice(&msg(&mut w, 5, 0x0100_0000, 9, &big));
        want.push((5, 0x0100_0000, big));
        (data, want)
    }

    /// Reads everything back as RTMP_Read would: large messages through `assemble_into`.
    fn read_all(c: &mut Connection, count: usize) -> Vec<(u32, u32, Vec<u8>)> {
        let mut got = Vec::new();
        let mut errors = 0;
        while got.len() < count {
            let ch = match c.next_chunk() {
                Ok(ch) => ch,
                Err(ConnError::Timeout) => {
                    errors += 1;
                    assert!(errors < 100);
                    continue;
                }
                Err(e) => panic!("{e}"),
            };
            if ch.complete {
                got.push((ch.csid, ch.message.timestamp, c.message_body(&ch).to_vec()));
                c.reader.release(ch.csid);
                continue;
            }
            let mut dest = vec![0u8; ch.message.length as usize];
            match c.assemble_into(ch.csid, &mut dest) {
                Ok(Assembled::Done(m)) => got.push((m.csid, m.timestamp, dest)),
                Ok(Assembled::Interleaved) | Err(ConnError::Timeout) => {}
                Err(e) => panic!("{e}"),
            }
        }
        got
    }

    #[test]
    fn direct_assembly_survives_every_cut() {
        for chunk in [128u32, 4096] {
            let (data, want) = stream(chunk);
            let total = data.len() as u64;
            for pieces in [vec![1], vec![2], vec![3], vec![7], vec![64], vec![129, 5], vec![4097], vec![1 << 20], vec![11, 3000, 1, 8191]] {
                for timeouts in [vec![], vec![2, 5, 9, 30, 31, 77]] {
                    let script = Script { data: data.clone(), pos: 0, pieces: pieces.clone(), next: 0, timeouts };
                    let mut c = Connection::new(Box::new(script), || false);
                    c.reader.set_chunk_size(chunk);
                    let got = read_all(&mut c, want.len());
                    assert_eq!(got.len(), want.len());
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!((g.0, g.1, g.2.len()), (w.0, w.1, w.2.len()), "chunk {chunk} pieces {pieces:?}");
                        assert!(g.2 == w.2, "body of csid {} differs (chunk {chunk}, pieces {pieces:?})", g.0);
                    }
                    assert_eq!(c.bytes_in, total);
                    assert!(matches!(c.next_chunk(), Err(ConnError::Closed)));
                }
            }
        }
    }
}
