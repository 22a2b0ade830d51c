//! The connection over loopback and over scripted transports: handshake, messages, and the
//! direct payload path cut at every byte.

use super::*;
use crate::transport::Tcp;
use std::io::{IoSliceMut, Read, Write};
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

#[test]
fn a_reset_is_told_from_an_orderly_close() {
    assert!(ConnError::Io(io::Error::from(io::ErrorKind::ConnectionReset)).is_reset());
    assert!(ConnError::Io(io::Error::from(io::ErrorKind::ConnectionAborted)).is_reset());
    assert!(!ConnError::Closed.is_reset());
    assert!(!ConnError::Timeout.is_reset());
}

/// close_and_wait: true once the peer has read our end of stream and closed; false when it keeps
/// the connection open past the wait (and the wait is kept).
#[test]
fn close_and_wait_sees_the_peer_close_or_gives_up() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        // First peer: reads to our end of stream, says something late, then closes.
        let (mut s, _) = l.accept().unwrap();
        let mut sink = Vec::new();
        s.read_to_end(&mut sink).unwrap();
        s.write_all(b"late words").unwrap();
        drop(s);
        // Second peer: reads to our end of stream and keeps its side open.
        let (mut s, _) = l.accept().unwrap();
        s.read_to_end(&mut sink).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        sink
    });
    let connect = || {
        let t = Tcp::connect("127.0.0.1", port, Duration::from_secs(5), &|| false).unwrap();
        Connection::new(Box::new(t), || false)
    };
    let mut c = connect();
    c.send_raw(&[b"goodbye"]).unwrap();
    assert!(c.close_and_wait(Duration::from_secs(5)));
    let mut c = connect();
    let t0 = std::time::Instant::now();
    assert!(!c.close_and_wait(Duration::from_millis(300)));
    let waited = t0.elapsed();
    // (wine's timers end a wait up to a millisecond early)
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_millis(1400), "waited {waited:?}");
    assert_eq!(server.join().unwrap(), b"goodbye");
}
