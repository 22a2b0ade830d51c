//! RTMPT: RTMP tunnelled through HTTP POSTs on one keep-alive connection, as Flash Player and
//! librtmp speak it: `/open/1` gets a session id, every write is a `/send/<id>/<n>`, and a
//! reader with nothing outstanding asks with `/idle/<id>/<n>`; each answer's body is one polling
//! byte and then RTMP bytes. `/close/<id>/<n>` ends the session. Over TLS it is rtmpts.
//!
//! Unlike the original, a server that answers idle requests at once with nothing is polled with
//! a growing pause (not in a busy loop), a reader with no data for the receive timeout gets a
//! timeout, and a publisher keeps at most MAX_UNACKED sends unanswered, so the answers it never
//! reads cannot fill the socket and stall the server.

use super::Transport;
use std::io::{self, IoSlice};
use std::time::{Duration, Instant};

/// Answers a writer may leave unread before it reads one (keeping what it carries for later).
const MAX_UNACKED: u32 = 16;
/// The pauses between idle polls that brought nothing: from the first to the last, doubling.
const FIRST_PAUSE: Duration = Duration::from_millis(5);
const LAST_PAUSE: Duration = Duration::from_millis(200);
/// How long closing waits for the answers still owed.
const CLOSE_WAIT: Duration = Duration::from_secs(3);
/// An answer's (or request's) header may not be larger than this.
pub(super) const MAX_HEADER: usize = 16 * 1024;
/// Nor its body (FMS and Wowza answer with at most some hundred kilobytes).
pub(super) const MAX_BODY: usize = 16 << 20;

/// Where the head of an HTTP message in `rx` ends (the index of its "\r\n\r\n"), searching from
/// `*searched` on. When it is not there yet, `*searched` moves up to the bytes a split terminator
/// may have left, so that a head trickled in small reads is searched once, not once per read.
pub(super) fn head_end(rx: &[u8], searched: &mut usize) -> Option<usize> {
    let found = rx[*searched..].windows(4).position(|w| w == b"\r\n\r\n").map(|p| *searched + p);
    if found.is_none() {
        *searched = rx.len().saturating_sub(3);
    }
    found
}

/// The Content-Length of an HTTP header block (status or request line first), if valid.
pub(super) fn content_length(head: &str) -> Option<usize> {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
}

/// The tunnel's state, which librtmp keeps in public members of `RTMP`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpState {
    /// `m_clientID`: "/" and the session id.
    pub client_id: Vec<u8>,
    /// `m_msgCounter`: the number of the next request.
    pub msg_counter: u32,
    /// `m_polling`: the polling byte of the last answer.
    pub polling: u8,
    /// `m_resplen`: RTMP bytes received and not yet read.
    pub resplen: usize,
    /// `m_unackd`: requests not answered yet.
    pub unackd: u32,
}

pub struct HttpTunnel {
    inner: Box<dyn Transport>,
    /// What the Host header says.
    host: String,
    state: HttpState,
    /// Raw bytes from the connection not parsed yet.
    rx: Vec<u8>,
    /// RTMP bytes from answers' bodies, from `data_pos` on not read yet.
    data: Vec<u8>,
    data_pos: usize,
    timeout: Option<Duration>,
}

fn bad(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl HttpTunnel {
    /// Opens a tunnel session over a connected transport (TCP, or TLS for rtmpts).
    pub fn open(inner: Box<dyn Transport>, host: &str, port: u16, timeout: Option<Duration>) -> io::Result<HttpTunnel> {
        let host = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        let mut t = HttpTunnel {
            inner,
            host,
            state: HttpState { msg_counter: 1, ..Default::default() },
            rx: Vec::new(),
            data: Vec::new(),
            data_pos: 0,
            timeout,
        };
        t.post("open", &mut [IoSlice::new(&[0])], 1)?;
        t.answer()?;
        if t.state.client_id.len() < 2 {
            return Err(bad("the server's answer to /open carries no session id".into()));
        }
        log::debug!("RTMPT: session {}", String::from_utf8_lossy(&t.state.client_id[1..]));
        Ok(t)
    }

    pub fn state(&self) -> HttpState {
        HttpState { resplen: self.data.len() - self.data_pos, ..self.state.clone() }
    }

    fn post(&mut self, cmd: &str, body: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
        let head = format!(
            "POST /{cmd}{}/{} HTTP/1.1\r\nHost: {}\r\nAccept: */*\r\nUser-Agent: Shockwave Flash\r\n\
             Connection: Keep-Alive\r\nCache-Control: no-cache\r\nContent-type: application/x-fcs\r\n\
             Content-length: {len}\r\n\r\n",
            String::from_utf8_lossy(&self.state.client_id),
            self.state.msg_counter,
            self.host
        );
        self.state.msg_counter = self.state.msg_counter.wrapping_add(1);
        self.state.unackd += 1;
        // The header and the body in one send.
        let mut all: Vec<IoSlice<'_>> = Vec::with_capacity(body.len() + 1);
        all.push(IoSlice::new(head.as_bytes()));
        all.extend(body.iter().map(|b| IoSlice::new(b)));
        self.inner.write_vectored_all(&mut all, head.len() + len)
    }

    /// More raw bytes from the connection.
    fn fill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 16 * 1024];
        let n = self.inner.read(&mut buf)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the HTTP tunnel connection was closed"));
        }
        self.rx.extend_from_slice(&buf[..n]);
        Ok(())
    }

    /// Reads the next answer: the session id for /open, otherwise the polling byte and the RTMP
    /// bytes it carries (appended to `data`). Returns how many RTMP bytes it brought.
    fn answer(&mut self) -> io::Result<usize> {
        let mut searched = 0;
        let end = loop {
            if let Some(p) = head_end(&self.rx, &mut searched) {
                break p;
            }
            if self.rx.len() > MAX_HEADER {
                return Err(bad(format!("an HTTP answer header longer than {MAX_HEADER} bytes")));
            }
            self.fill()?;
        };
        let head = String::from_utf8_lossy(&self.rx[..end]).into_owned();
        let status = head.lines().next().unwrap_or("");
        let mut words = status.split_whitespace();
        let (proto, code) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        if !proto.starts_with("HTTP/1.") || code != "200" {
            return Err(bad(format!("the server answered \"{status}\"")));
        }
        let len = content_length(&head).ok_or_else(|| bad("an HTTP answer without a valid Content-Length".into()))?;
        if len > MAX_BODY {
            return Err(bad(format!("an HTTP answer of {len} bytes")));
        }
        self.rx.drain(..end + 4);
        while self.rx.len() < len {
            self.fill()?;
        }
        self.state.unackd = self.state.unackd.saturating_sub(1);
        let body: Vec<u8> = self.rx.drain(..len).collect();
        if self.state.client_id.is_empty() {
            let id = body.split(|&b| b == b'\n' || b == b'\r' || b == 0).next().unwrap_or(&[]);
            self.state.client_id = [b"/".as_slice(), id].concat();
            return Ok(0);
        }
        let Some((&polling, rtmp)) = body.split_first() else { return Ok(0) };
        self.state.polling = polling;
        if self.data_pos == self.data.len() {
            self.data.clear();
            self.data_pos = 0;
        }
        self.data.extend_from_slice(rtmp);
        Ok(rtmp.len())
    }
}

impl Transport for HttpTunnel {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = Instant::now();
        let mut pause = FIRST_PAUSE;
        while self.data_pos == self.data.len() {
            if self.state.unackd == 0 {
                self.post("idle", &mut [IoSlice::new(&[0])], 1)?;
            }
            if self.answer()? > 0 {
                break;
            }
            if self.state.unackd == 0 {
                // Nothing came: the server has nothing now. Ask again after a pause, within the
                // receive timeout.
                if self.timeout.is_some_and(|t| start.elapsed() + pause > t) {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "no data through the HTTP tunnel"));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(LAST_PAUSE);
            }
        }
        let n = buf.len().min(self.data.len() - self.data_pos);
        buf[..n].copy_from_slice(&self.data[self.data_pos..self.data_pos + n]);
        self.data_pos += n;
        Ok(n)
    }

    fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
        while self.state.unackd >= MAX_UNACKED {
            self.answer()?;
        }
        self.post("send", bufs, len)
    }

    fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.inner.set_interrupt(interrupted)
    }

    fn begin_send(&mut self) {
        self.inner.begin_send()
    }

    fn buffered(&self) -> usize {
        self.data.len() - self.data_pos
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.timeout = timeout.filter(|d| !d.is_zero());
        self.inner.set_timeout(timeout)
    }

    fn shutdown(&self) {
        self.inner.shutdown();
    }

    fn raw_socket(&self) -> crate::sys::RawSocket {
        self.inner.raw_socket()
    }

    fn close_notify(&mut self) {
        // Tells the server the session is over, then reads the answers still owed (the /close's
        // too) for a few seconds at most: a socket closed with unread bytes is reset, and a reset
        // makes the server's kernel drop the requests it has not read yet — a publisher's last
        // messages among them.
        let wait = self.timeout.map_or(CLOSE_WAIT, |t| t.min(CLOSE_WAIT));
        let _ = self.inner.set_timeout(Some(wait));
        if self.post("close", &mut [IoSlice::new(&[0])], 1).is_ok() {
            while self.state.unackd > 0 && self.answer().is_ok() {}
        }
    }

    fn http_state(&self) -> Option<HttpState> {
        Some(self.state())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Answers from a script, in pieces of `piece` bytes; what the client sends is recorded.
    struct Peer {
        input: Vec<u8>,
        pos: usize,
        piece: usize,
        sent: Arc<Mutex<Vec<u8>>>,
    }

    impl Transport for Peer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos == self.input.len() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(self.piece).min(self.input.len() - self.pos);
            buf[..n].copy_from_slice(&self.input[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
        fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
            let mut s = self.sent.lock().unwrap();
            let before = s.len();
            for b in bufs.iter() {
                s.extend_from_slice(b);
            }
            assert_eq!(s.len() - before, len);
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

    fn answer(body: &[u8]) -> Vec<u8> {
        let mut v =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/x-fcs\r\ncontent-LENGTH: {}\r\n\r\n", body.len())
                .into_bytes();
        v.extend_from_slice(body);
        v
    }

    fn tunnel(script: &[u8], piece: usize) -> (io::Result<HttpTunnel>, Arc<Mutex<Vec<u8>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let peer = Peer { input: script.to_vec(), pos: 0, piece, sent: sent.clone() };
        (HttpTunnel::open(Box::new(peer), "example.com", 80, Some(Duration::from_secs(1))), sent)
    }

    #[test]
    fn open_send_idle_as_flash_player_does() {
        for piece in [1, 7, 1 << 16] {
            let mut script = answer(b"s3ss10n\n");
            script.extend(answer(b"\x01"));
            script.extend(answer(b"\x00hello"));
            script.extend(answer(b"\x02"));
            script.extend(answer(b"\x00world"));
            let (t, sent) = tunnel(&script, piece);
            let mut t = t.unwrap();
            assert_eq!(t.state().client_id, b"/s3ss10n");
            t.write_all(&[b"abc"]).unwrap();
            let mut buf = [0u8; 64];
            let n = t.read(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"hello");
            let n = t.read(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"world");
            let st = t.state();
            assert_eq!((st.msg_counter, st.unackd, st.polling, st.resplen), (6, 0, 0, 0));
            let sent = String::from_utf8_lossy(&sent.lock().unwrap()).into_owned();
            let lines: Vec<String> =
                sent.split("POST ").skip(1).map(|r| format!("POST {}", r.split("\r\n").next().unwrap())).collect();
            // The answer to the send brought nothing: an idle asks for "hello"; the next read's idle
            // brings nothing, so another follows (after a pause) and brings "world".
            let want = [
                "POST /open/1",
                "POST /send/s3ss10n/2",
                "POST /idle/s3ss10n/3",
                "POST /idle/s3ss10n/4",
                "POST /idle/s3ss10n/5",
            ];
            assert_eq!(lines, want.map(|l| format!("{l} HTTP/1.1")));
            assert!(sent.contains("Host: example.com:80\r\n") && sent.contains("Content-length: 3\r\n\r\nabc"));
        }
    }

    #[test]
    fn head_end_finds_a_terminator_split_anywhere() {
        let msg = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody\r\n\r\n";
        for piece in 1..=8 {
            let (mut searched, mut len) = (0, 0);
            let end = loop {
                len = (len + piece).min(msg.len());
                if let Some(p) = head_end(&msg[..len], &mut searched) {
                    break p;
                }
                assert!(searched <= len && len < msg.len());
            };
            assert_eq!(&msg[end..end + 8], b"\r\n\r\nbody", "pieces of {piece}");
        }
    }

    #[test]
    fn broken_answers_are_errors() {
        let cases: [&[u8]; 5] = [
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
            b"SSH-2.0-OpenSSH\r\n\r\n",
        ];
        for c in cases {
            let (t, _) = tunnel(c, 1 << 16);
            let e = t.err().expect("refused");
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
        }
        // A header that never ends, in large pieces and trickled a byte at a time.
        let endless = vec![b'a'; 4 * MAX_HEADER];
        for piece in [4096, 1] {
            let e = tunnel(&endless, piece).0.err().unwrap();
            assert!(e.kind() == io::ErrorKind::InvalidData && e.to_string().contains("longer than"), "{e}");
        }
        // An /open answer with no id.
        assert!(tunnel(&answer(b"\n"), 100).0.is_err());
    }
}
