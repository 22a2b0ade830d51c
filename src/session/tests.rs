//! Session tests against a scripted server in a thread: the command sequence the client sends,
//! and the FLV that RTMP_Read produces from what the server sends.

use super::*;
use crate::amf::{amf0, encode};
use crate::chunk::{ChunkReader, ChunkWriter, OutMessage};
use crate::transport::Tcp;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The server side: handshake, then whole messages both ways.
struct Server {
    s: TcpStream,
    buf: Vec<u8>,
    reader: ChunkReader,
    writer: ChunkWriter,
}

impl Server {
    fn accept(l: &TcpListener) -> Server {
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut c0c1 = vec![0u8; 1537];
        s.read_exact(&mut c0c1).unwrap();
        let mut reply = vec![3u8];
        reply.extend_from_slice(&[0u8; 1536]);
        reply.extend_from_slice(&c0c1[1..]);
        s.write_all(&reply).unwrap();
        let mut c2 = vec![0u8; 1536];
        s.read_exact(&mut c2).unwrap();
        Server { s, buf: Vec::new(), reader: ChunkReader::new(), writer: ChunkWriter::new() }
    }

    /// The next complete message from the client: (type, stream id, body).
    fn recv(&mut self) -> (u8, u32, Vec<u8>) {
        loop {
            if let Some(c) = self.reader.read(&self.buf).unwrap() {
                let body = if c.complete {
                    Some(if c.assembled {
                        self.reader.body(c.csid).to_vec()
                    } else {
                        self.buf[c.data.clone()].to_vec()
                    })
                } else {
                    None
                };
                self.reader.release(c.csid);
                self.buf.drain(..c.consumed);
                if let Some(b) = body {
                    if c.message.type_id == msg::CHUNK_SIZE {
                        self.reader.set_chunk_size(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                    }
                    return (c.message.type_id, c.message.stream_id, b);
                }
                continue;
            }
            let mut tmp = [0u8; 4096];
            let n = self.s.read(&mut tmp).unwrap();
            assert!(n > 0, "client closed");
            self.buf.extend_from_slice(&tmp[..n]);
        }
    }

    /// The next invoke's name and transaction id (other messages are skipped).
    fn recv_invoke(&mut self) -> (String, f64, Vec<u8>) {
        loop {
            let (t, _, b) = self.recv();
            if t == msg::INVOKE {
                let (o, _) = amf0::decode_object(&b, false, &mut ()).unwrap();
                let name = String::from_utf8_lossy(o.props[0].value.as_str().unwrap()).into_owned();
                let txn = o.props[1].value.as_number().unwrap();
                return (name, txn, b.clone());
            }
        }
    }

    fn send(&mut self, csid: u32, type_id: u8, stream_id: u32, ts: u32, body: &[u8]) {
        let mut out = Vec::new();
        let m = OutMessage { csid, timestamp: ts, type_id, stream_id, payload: body };
        let fmt = self.writer.choose_format(&m, false);
        self.writer.write(&m, fmt, &mut out);
        self.s.write_all(&out).unwrap();
    }

    fn result(&mut self, txn: f64, value: Option<f64>) {
        let mut b = Vec::new();
        encode::string(&mut b, b"_result").unwrap();
        encode::number(&mut b, txn).unwrap();
        b.push(0x05);
        match value {
            Some(v) => encode::number(&mut b, v).unwrap(),
            None => b.push(0x05),
        }
        self.send(3, msg::INVOKE, 0, 0, &b);
    }

    fn status(&mut self, stream: u32, code: &str) {
        let mut b = Vec::new();
        encode::string(&mut b, b"onStatus").unwrap();
        encode::number(&mut b, 0.0).unwrap();
        b.push(0x05);
        b.push(0x03);
        encode::named_string(&mut b, b"level", b"status").unwrap();
        encode::named_string(&mut b, b"code", code.as_bytes()).unwrap();
        b.extend_from_slice(&[0, 0, 9]);
        self.send(5, msg::INVOKE, stream, 0, &b);
    }
}

fn client(port: u16, publishing: bool) -> Session {
    let mut s = Session::new(|| false);
    s.link.hostname = b"127.0.0.1".to_vec();
    s.link.port = port;
    s.link.app = b"vod".to_vec();
    s.link.tc_url = format!("rtmp://127.0.0.1:{port}/vod").into_bytes();
    s.link.playpath = b"movie".to_vec();
    s.link.timeout = 5;
    s.st.buffer_ms = 30000;
    s.st.server_bw = 2_500_000;
    s.st.client_bw = 2_500_000;
    s.st.in_chunk_size = 128;
    s.st.out_chunk_size = 128;
    s.st.audio_codecs = 3191.0;
    s.st.video_codecs = 252.0;
    if publishing {
        s.link.protocol |= feature::WRITE;
    }
    s
}

fn metadata() -> Vec<u8> {
    let mut b = Vec::new();
    encode::string(&mut b, b"onMetaData").unwrap();
    b.push(0x08);
    b.extend_from_slice(&[0, 0, 0, 2]);
    encode::named_number(&mut b, b"duration", 1.5).unwrap();
    encode::named_number(&mut b, b"videocodecid", 7.0).unwrap();
    b.extend_from_slice(&[0, 0, 9]);
    b
}

#[test]
fn play_produces_the_flv_stream() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let big: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
    let big2 = big.clone();
    let server = std::thread::spawn(move || {
        let mut sv = Server::accept(&l);
        let (name, txn, body) = sv.recv_invoke();
        assert_eq!(name, "connect");
        assert!(body.windows(3).any(|w| w == b"app"));
        sv.send(2, msg::CHUNK_SIZE, 0, 0, &4096u32.to_be_bytes());
        sv.writer.set_chunk_size(4096);
        sv.result(txn, None);
        let (name, txn, _) = sv.recv_invoke();
        assert_eq!(name, "createStream");
        sv.result(txn, Some(1.0));
        let (name, _, body) = sv.recv_invoke();
        assert_eq!(name, "play");
        assert!(body.windows(5).any(|w| w == b"movie"));
        sv.status(1, "NetStream.Play.Start");
        sv.send(5, msg::INFO, 1, 0, &metadata());
        sv.send(6, msg::VIDEO, 1, 0, b"\x17\x00\x00\x00\x00seqhdr");
        sv.send(4, msg::AUDIO, 1, 0, b"\xaf\x00\x12\x10");
        sv.send(6, msg::VIDEO, 1, 40, &big2);
        sv.send(4, msg::AUDIO, 1, 23, b"\xaf\x01aa");
        // A 5-byte end-of-sequence: the original drops it, this library keeps it.
        sv.send(6, msg::VIDEO, 1, 80, b"\x17\x02\x00\x00\x00");
        sv.status(1, "NetStream.Play.Stop");
        let _ = sv.recv();
    });
    let mut s = client(port, false);
    s.open(None).unwrap();
    s.connect_stream(0).unwrap();
    let mut flv = Vec::new();
    let mut buf = vec![0u8; 1000];
    loop {
        let n = s.read_flv(&mut buf).map_or(-1, |n| n as i32);
        assert!(n >= 0);
        if n == 0 {
            break;
        }
        flv.extend_from_slice(&buf[..n as usize]);
    }
    assert_eq!(s.read.status, readflag::COMPLETE);
    assert!(!s.is_connected());
    assert_eq!(s.st.duration, 1.5);
    // Header with both audio and video flags, then the tags in order.
    assert_eq!(&flv[..13], &crate::flv::file_header(true, true));
    let mut tags = Vec::new();
    let mut p = crate::flv::FlvParser::new();
    p.feed::<()>(&flv, |t| {
        tags.push((t.tag_type, t.timestamp, t.body.len()));
        Ok(())
    })
    .unwrap();
    assert_eq!(tags, vec![(18, 0, metadata().len()), (9, 0, 11), (8, 0, 4), (9, 40, 3000), (8, 23, 4), (9, 80, 5)]);
    drop(s);
    server.join().unwrap();
}

#[test]
fn publish_sends_the_original_sequence() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut sv = Server::accept(&l);
        let (name, txn, body) = sv.recv_invoke();
        assert_eq!(name, "connect");
        assert!(body.windows(10).any(|w| w == b"nonprivate"));
        sv.result(txn, None);
        assert_eq!(sv.recv_invoke().0, "releaseStream");
        assert_eq!(sv.recv_invoke().0, "FCPublish");
        let (name, txn, _) = sv.recv_invoke();
        assert_eq!(name, "createStream");
        sv.result(txn, Some(1.0));
        let (name, _, body) = sv.recv_invoke();
        assert_eq!(name, "publish");
        assert!(body.windows(4).any(|w| w == b"live"));
        sv.status(1, "NetStream.Publish.Start");
        // The FLV arrives as messages; script data as @setDataFrame.
        let mut got = Vec::new();
        while got.len() < 3 {
            let (t, sid, b) = sv.recv();
            if matches!(t, msg::AUDIO | msg::VIDEO | msg::INFO) {
                assert_eq!(sid, 1);
                got.push((t, b));
            }
        }
        assert!(got[0].1.starts_with(b"\x02\x00\x0d@setDataFrame"));
        assert_eq!(got[1], (msg::VIDEO, b"\x17\x00v".to_vec()));
        assert_eq!(got[2], (msg::AUDIO, b"\xaf\x01a".to_vec()));
        assert_eq!(sv.recv_invoke().0, "FCUnpublish");
        assert_eq!(sv.recv_invoke().0, "deleteStream");
    });
    let mut s = client(port, true);
    s.open(None).unwrap();
    s.connect_stream(0).unwrap();
    let mut file = crate::flv::file_header(true, true).to_vec();
    for (t, ts, b) in [(18u8, 0u32, &b"\x02\x00\x0aonMetaData\x05"[..]), (9, 0, b"\x17\x00v"), (8, 20, b"\xaf\x01a")] {
        file.extend_from_slice(&crate::flv::tag_header(t, b.len() as u32, ts));
        file.extend_from_slice(b);
        file.extend_from_slice(&crate::flv::prev_tag_size(b.len() as u32));
    }
    // Cut into 7-byte pieces: every piece is accepted (the original returned 0 for each).
    for piece in file.chunks(7) {
        assert_eq!(s.write_flv(piece).unwrap(), piece.len());
    }
    s.close(false);
    server.join().unwrap();
}

#[test]
fn a_silent_server_times_out() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    // Holds the connection until the client hangs up, so only the client's own timeout ends the
    // wait; the server's limit is far past the bound, to fail rather than hang if it never does.
    let hold = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(6))).unwrap();
        let _ = std::io::copy(&mut s, &mut std::io::sink());
    });
    let mut s = client(port, false);
    s.link.timeout = 1;
    let start = std::time::Instant::now();
    let r = s.open(None);
    let took = start.elapsed();
    assert!(matches!(r, Err(ConnError::Timeout)), "{r:?}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1800),
        "took {took:?} for a 1 s timeout"
    );
    hold.join().unwrap();
}

#[test]
fn refused_connection_fails_fast() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    // Far below the 5 s timeout: a refusal must end the attempt, not wait the timeout out.
    let fast = Duration::from_millis(500);
    let mut s = client(port, false);
    let start = std::time::Instant::now();
    let r = s.open(None);
    assert!(start.elapsed() < fast, "took {:?}", start.elapsed());
    assert!(matches!(&r, Err(ConnError::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused), "{r:?}");
    let start = std::time::Instant::now();
    let e = Tcp::connect("127.0.0.1", port, Duration::from_secs(5), &|| false).unwrap_err();
    assert!(start.elapsed() < fast, "took {:?}", start.elapsed());
    assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
}
