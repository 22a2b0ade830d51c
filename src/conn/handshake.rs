//! The handshakes driven over the connection: the client's (simple, FP9 digest, RTMPE) and the
//! server's (RTMP_Serve, which also recognises an RTMPT client by its first byte). The sans-IO
//! handshake logic is in `crate::handshake`; this file only moves its bytes.

use super::{ConnError, Connection, Served};
use crate::handshake::{ClientHandshake, HandshakeOutcome, ServerHandshake, SIG_SIZE};

impl Connection {
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
        self.rb.take()
    }

    /// RTMPE from here on: what was read past the handshake is already cipher text.
    fn start_rc4(&mut self, keys: Option<(crate::crypto::Rc4, crate::crypto::Rc4)>) {
        if let Some((mut rx, tx)) = keys {
            rx.apply(self.rb.data_mut());
            let plain = std::mem::replace(&mut self.transport, Box::new(crate::transport::Closed));
            self.transport = Box::new(crate::transport::Rc4Transport::new(plain, rx, tx));
            log::debug!("RTMPE: RC4 encryption on");
        }
    }
}
