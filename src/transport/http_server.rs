//! The server end of RTMPT (RTMP_Serve for a client that opens with an HTTP POST; the original's
//! RTMP_FEATURE_HTTP2): the client's requests on one keep-alive connection are answered as FMS
//! does — `/open/1` with a session id, `/send/…` and `/idle/…` with a polling byte and whatever
//! RTMP bytes the application wrote since the last answer, `/close/…` ends the session.
//!
//! The application writes at any time (the bytes wait for the client's next request) and reads
//! what `/send` bodies carried. An `/idle` that brings nothing makes the read end with a timeout
//! at once, so that a server thread serving a player gets back to writing; a client that sends no
//! request at all for the receive timeout is an error.

use super::http::{content_length, head_end, MAX_BODY, MAX_HEADER};
use super::Transport;
use std::io::{self, IoSlice};
use std::time::Duration;

/// The polling byte of every answer: the client may poll again at once.
const POLLING: u8 = 1;
/// What the application may write ahead of the client's polls (a client that stopped polling).
const MAX_OUT: usize = 16 << 20;
/// Requests without RTMP bytes one read may answer before the handshake is over (a client that
/// only polls must not hold RTMP_Serve forever; after it, an idle poll ends the read anyway).
const MAX_EMPTY_REQUESTS: u32 = 1000;

pub struct HttpServerTunnel {
    inner: Box<dyn Transport>,
    /// Raw bytes from the client not parsed yet.
    rx: Vec<u8>,
    /// RTMP bytes from `/send` bodies; from `in_pos` on not read yet.
    input: Vec<u8>,
    in_pos: usize,
    /// RTMP bytes the application wrote, for the next answer.
    out: Vec<u8>,
    session: String,
    closed: bool,
    /// After the handshake: a read that answered an idle poll ends instead of waiting on.
    idle_ends_read: bool,
    /// Answering a request failed: the session is over, reported once the bytes received are read.
    broken: Option<io::Error>,
}

/// A failed answer ends the session (half an HTTP response cannot be taken back); never reported
/// as a timeout, which would leave the connection open.
fn answer_failed(e: io::Error) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, format!("answering the rtmpt client failed: {e}"))
}

/// What a request was.
#[derive(PartialEq)]
enum Served {
    /// A `/send` that brought RTMP bytes.
    Data,
    /// An `/idle` (or an empty `/send`).
    Idle,
    /// `/open`, `/close`, `/fcs/…`.
    Other,
}

fn bad(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl HttpServerTunnel {
    /// A tunnel over an accepted connection; `already` holds bytes of the first request that were
    /// read before the POST was recognised.
    pub fn new(inner: Box<dyn Transport>, already: Vec<u8>) -> Self {
        let mut id = [0u8; 8];
        crate::crypto::random_bytes(&mut id);
        let session = id.iter().map(|b| format!("{b:02x}")).collect();
        HttpServerTunnel {
            inner,
            rx: already,
            input: Vec::new(),
            in_pos: 0,
            out: Vec::new(),
            session,
            closed: false,
            idle_ends_read: false,
            broken: None,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 16 * 1024];
        match self.inner.read(&mut buf) {
            Ok(0) => Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                self.rx.extend_from_slice(&buf[..n]);
                Ok(())
            }
            // The client's polls keep coming while a session lives: silence is the end of it.
            Err(e) if super::is_timeout(&e) => Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the rtmpt client sent no request within the timeout",
            )),
            Err(e) => Err(e),
        }
    }

    /// `fill`, for a request of which `held` bytes are here: the peer closing now cut it short.
    fn fill_request(&mut self, held: usize) -> io::Result<()> {
        match self.fill() {
            Err(e) if held > 0 && e.kind() == io::ErrorKind::UnexpectedEof => {
                let why = format!(
                    "the rtmpt client closed the connection in the middle of a request ({held} bytes of it had arrived)"
                );
                Err(io::Error::new(e.kind(), why))
            }
            r => r,
        }
    }

    /// The next request: its path and body.
    fn request(&mut self) -> io::Result<(String, Vec<u8>)> {
        let mut searched = 0;
        let end = loop {
            // Every request of the tunnel is a POST: anything else is refused at its first bytes,
            // not after the receive timeout has waited for the end of a head that will not come.
            let n = self.rx.len().min(4);
            if self.rx[..n] != b"POST"[..n] {
                return Err(bad(format!(
                    "an rtmpt client sent bytes that are not a POST request: {:?}",
                    String::from_utf8_lossy(&self.rx[..n])
                )));
            }
            if let Some(p) = head_end(&self.rx, &mut searched) {
                break p;
            }
            if self.rx.len() > MAX_HEADER {
                return Err(bad(format!("an HTTP request header longer than {MAX_HEADER} bytes")));
            }
            self.fill_request(self.rx.len())?;
        };
        let head = String::from_utf8_lossy(&self.rx[..end]).into_owned();
        let line = head.lines().next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or("").to_string());
        if method != "POST" {
            return Err(bad(format!("an rtmpt client sent \"{line}\"")));
        }
        let len = match content_length(&head) {
            Some(len) => len,
            None if head.to_ascii_lowercase().contains("\ncontent-length:") => {
                return Err(bad("an rtmpt request whose Content-Length is not a length".into()));
            }
            None => 0,
        };
        if len > MAX_BODY {
            return Err(bad(format!("an rtmpt request of {len} bytes")));
        }
        // Nothing is consumed before the whole request is here: a read interrupted meanwhile
        // starts over on the same bytes.
        while self.rx.len() < end + 4 + len {
            self.fill_request(self.rx.len())?;
        }
        let body = self.rx[end + 4..end + 4 + len].to_vec();
        self.rx.drain(..end + 4 + len);
        Ok((path, body))
    }

    fn respond(&mut self, status: &str, body: &[&[u8]]) -> io::Result<()> {
        let len: usize = body.iter().map(|b| b.len()).sum();
        let head = format!(
            "HTTP/1.1 {status}\r\nServer: FlashCom/3.5.7\r\nContent-Type: application/x-fcs\r\n\
             Cache-Control: no-cache\r\nConnection: Keep-Alive\r\nContent-Length: {len}\r\n\r\n"
        );
        let mut parts = vec![head.as_bytes()];
        parts.extend_from_slice(body);
        self.inner.write_all(&parts).map_err(answer_failed)
    }

    /// Answers with the polling byte and what the application wrote meanwhile.
    fn respond_with_output(&mut self) -> io::Result<()> {
        let out = std::mem::take(&mut self.out);
        let r = self.respond("200 OK", &[&[POLLING], &out]);
        if self.out.is_empty() {
            self.out = out;
            self.out.clear();
        }
        r
    }

    /// Serves one request.
    fn serve_one(&mut self) -> io::Result<Served> {
        let (path, body) = self.request()?;
        let mut parts = path.trim_start_matches('/').splitn(3, '/');
        let (cmd, session) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        match cmd {
            "open" => {
                let id = format!("{}\n", self.session);
                self.respond("200 OK", &[id.as_bytes()])?;
                Ok(Served::Other)
            }
            "send" | "idle" | "close" if session != self.session => {
                self.respond("404 Not Found", &[])?;
                Err(bad(format!("an rtmpt request for session \"{session}\", not ours")))
            }
            "send" => {
                if self.in_pos == self.input.len() {
                    self.input.clear();
                    self.in_pos = 0;
                }
                self.input.extend_from_slice(&body);
                if let Err(e) = self.respond_with_output() {
                    // A client that sends its last bytes and leaves without reading the answer:
                    // the bytes count, the error comes after them (and stays).
                    if body.is_empty() {
                        return Err(e);
                    }
                    self.broken = Some(e);
                }
                Ok(if body.is_empty() { Served::Idle } else { Served::Data })
            }
            "idle" => {
                self.respond_with_output()?;
                Ok(Served::Idle)
            }
            "close" => {
                self.respond("200 OK", &[&[0]])?;
                self.closed = true;
                Ok(Served::Other)
            }
            // Flash Player asks for this before opening; FMS says it has none.
            "fcs" => {
                self.respond("404 Not Found", &[])?;
                Ok(Served::Other)
            }
            _ => {
                self.respond("400 Bad Request", &[])?;
                Err(bad(format!("an rtmpt request for \"{path}\"")))
            }
        }
    }
}

impl Transport for HttpServerTunnel {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut empty = 0u32;
        while self.in_pos == self.input.len() {
            if self.closed {
                return Ok(0);
            }
            if let Some(e) = &self.broken {
                return Err(io::Error::new(e.kind(), e.to_string()));
            }
            let served = match self.serve_one() {
                Ok(s) => s,
                Err(e) => {
                    if e.kind() == io::ErrorKind::ConnectionAborted {
                        self.broken = Some(io::Error::new(e.kind(), e.to_string()));
                    }
                    return Err(e);
                }
            };
            if served != Served::Data {
                empty += 1;
                if empty > MAX_EMPTY_REQUESTS {
                    return Err(bad(format!(
                        "the rtmpt client sent {MAX_EMPTY_REQUESTS} requests without data in a row"
                    )));
                }
            }
            if served == Served::Idle && self.idle_ends_read && self.rx.is_empty() {
                // An idle poll and no request behind it: nothing to read now; the application
                // gets to write what the next poll will carry.
                return Err(io::Error::new(io::ErrorKind::TimedOut, "nothing from the rtmpt client yet"));
            }
        }
        let n = buf.len().min(self.input.len() - self.in_pos);
        buf[..n].copy_from_slice(&self.input[self.in_pos..self.in_pos + n]);
        self.in_pos += n;
        Ok(n)
    }

    fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
        if self.closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        if let Some(e) = &self.broken {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        if self.out.len() + len > MAX_OUT {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the rtmpt client stopped polling: 16 MiB wait for it",
            ));
        }
        for b in bufs.iter() {
            self.out.extend_from_slice(b);
        }
        Ok(())
    }

    fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.inner.set_interrupt(interrupted)
    }

    fn begin_send(&mut self) {
        self.inner.begin_send()
    }

    fn handshake_done(&mut self) {
        self.idle_ends_read = true;
    }

    fn buffered(&self) -> usize {
        // Requests already received count: the application must come back to answer them.
        self.rx.len() + self.input.len() - self.in_pos
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(timeout)
    }

    fn shutdown(&self) {
        self.inner.shutdown()
    }

    fn raw_socket(&self) -> crate::sys::RawSocket {
        self.inner.raw_socket()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client side that says `script` and records the answers.
    struct Client(Vec<u8>, usize, std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Transport for Client {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len() - self.1);
            if n == 0 {
                return Err(io::ErrorKind::TimedOut.into());
            }
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
        fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], _: usize) -> io::Result<()> {
            for b in bufs.iter() {
                self.2.lock().unwrap().extend_from_slice(b);
            }
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

    fn post(path: &str, body: &[u8]) -> Vec<u8> {
        let mut v = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-fcs\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn a_session() {
        let answers = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let first = post("/open/1", &[0]);
        let (already, rest) = first.split_at(1);
        let mut t = HttpServerTunnel::new(Box::new(Client(rest.to_vec(), 0, answers.clone())), already.to_vec());
        let id = t.session.clone();
        let mut script = Vec::new();
        script.extend(post(&format!("/send/{id}/1"), b"hello"));
        script.extend(post(&format!("/idle/{id}/2"), &[0]));
        script.extend(post(&format!("/close/{id}/3"), &[0]));
        t.inner = Box::new(Client([rest.to_vec(), script].concat(), 0, answers.clone()));
        let mut buf = [0u8; 16];
        assert_eq!(t.read(&mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
        t.write_all(&[b"world"]).unwrap();
        // The idle gets the written bytes; the close ends the stream.
        assert_eq!(t.read(&mut buf).unwrap(), 0);
        let a = String::from_utf8_lossy(&answers.lock().unwrap()).into_owned();
        assert!(a.contains(&format!("\r\n\r\n{id}\n")), "{a}");
        assert!(a.contains("Content-Length: 6\r\n\r\n\u{1}world"), "{a}");
    }

    #[test]
    fn refuses_what_is_not_a_tunnel() {
        let answers = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        for req in [b"GET / HTTP/1.1\r\n\r\n".to_vec(), post("/send/nosuchsession/1", b"x"), post("/other", b"")] {
            let mut t = HttpServerTunnel::new(Box::new(Client(req, 0, answers.clone())), Vec::new());
            let mut buf = [0u8; 4];
            assert!(t.read(&mut buf).is_err());
        }
    }
}
