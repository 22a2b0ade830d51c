//! The RTMPT client on whatever an HTTP server answers: the fuzz input is everything the server
//! sends (the answer to /open, then to /send and /idle requests). Opening, sending and reading
//! must end with data or an error, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::transport::{HttpTunnel, Transport};
use std::io;
use std::time::Duration;

/// A server that says the fuzz input and swallows what it is sent.
struct Script(Vec<u8>, usize);

impl Transport for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Short reads, so that every parser state meets a boundary.
        let n = buf.len().min(self.0.len() - self.1).min(7);
        buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
    fn write_vectored_all(&mut self, _: &mut [io::IoSlice<'_>], _: usize) -> io::Result<()> {
        Ok(())
    }
    fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
    fn shutdown(&self) {}
    fn raw_socket(&self) -> i32 {
        -1
    }
}

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    let peer = Box::new(Script(data.to_vec(), 0));
    // A timeout shorter than the tunnel's first idle pause: an empty answer ends the read at once.
    let Ok(mut t) = HttpTunnel::open(peer, "example.com", 80, Some(Duration::from_millis(1))) else { return };
    let mut buf = [0u8; 4096];
    let _ = t.write_all(&[b"\x03 hello"]);
    for _ in 0..64 {
        match t.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let _ = t.http_state();
});
