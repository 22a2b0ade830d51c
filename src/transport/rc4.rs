//! RTMPE's encrypted stream: every byte after the handshake passes through RC4, one key stream
//! each way, over whatever transport carries it (TCP, or the HTTP tunnel for rtmpte).

use super::{HttpState, Transport};
use crate::crypto::Rc4;
use std::io::{self, IoSlice, IoSliceMut};
use std::time::Duration;

pub struct Rc4Transport {
    inner: Box<dyn Transport>,
    rx: Rc4,
    tx: Rc4,
    /// Encrypted copies of outgoing messages (the caller's bytes cannot be changed in place).
    staging: Vec<u8>,
}

impl Rc4Transport {
    pub fn new(inner: Box<dyn Transport>, rx: Rc4, tx: Rc4) -> Rc4Transport {
        Rc4Transport { inner, rx, tx, staging: Vec::new() }
    }
}

impl Transport for Rc4Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.rx.apply(&mut buf[..n]);
        Ok(n)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let n = self.inner.read_vectored(bufs)?;
        let mut left = n;
        for b in bufs.iter_mut() {
            let k = left.min(b.len());
            self.rx.apply(&mut b[..k]);
            left -= k;
            if left == 0 {
                break;
            }
        }
        Ok(n)
    }

    fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], len: usize) -> io::Result<()> {
        let mut staging = std::mem::take(&mut self.staging);
        staging.clear();
        staging.reserve(len);
        for b in bufs.iter() {
            staging.extend_from_slice(b);
        }
        self.tx.apply(&mut staging);
        let r = self.inner.write_vectored_all(&mut [IoSlice::new(&staging)], staging.len());
        if staging.capacity() <= 1 << 20 {
            self.staging = staging;
        }
        r
    }

    fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.inner.set_interrupt(interrupted)
    }

    fn begin_send(&mut self) {
        self.inner.begin_send()
    }

    fn handshake_done(&mut self) {
        self.inner.handshake_done()
    }

    fn buffered(&self) -> usize {
        self.inner.buffered()
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(timeout)
    }

    fn shutdown(&self) {
        self.inner.shutdown();
    }

    fn raw_socket(&self) -> crate::sys::RawSocket {
        self.inner.raw_socket()
    }

    fn close_notify(&mut self) {
        self.inner.close_notify();
    }

    fn http_state(&self) -> Option<HttpState> {
        self.inner.http_state()
    }
}
