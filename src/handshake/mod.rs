//! The RTMP handshakes, without I/O: the client builds C0+C1, turns S0+S1 into C2 and checks S2.
//!
//! As in librtmp, the Flash Player 9 "digest" handshake is used only when it is needed: for RTMPE
//! and for SWF verification (which signs with the server's S1). Plain rtmp, rtmps and rtmpt use
//! the simple handshake, which every server accepts.

mod digest;
mod server;

pub use digest::{swf_verification_response, GENUINE_FMS_KEY, GENUINE_FP_KEY};
pub use server::ServerHandshake;

/// Size of C1/S1/C2/S2.
pub const SIG_SIZE: usize = 1536;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The server's S1 carries no valid digest at either position.
    ServerDigest,
    /// The server's S2 does not sign our C1 digest.
    ServerSignature,
    /// The handshake variant needs OpenSSL and this build has none.
    NoCrypto,
    /// RTMPE: the server's Diffie-Hellman public key is not a valid group element.
    DhKey,
    /// RTMPE: the server answered with a handshake type we do not speak.
    Type(u8),
    /// RTMPE was asked for and the server answered unencrypted.
    NotEncrypted,
    /// Server side: C0 names no handshake we speak (an HTTP request or TLS on a plain port).
    ClientType(u8),
    /// Server side: an RTMPE client's C1 carries no valid digest.
    ClientDigest,
}

impl core::fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            HandshakeError::ServerDigest => write!(f, "couldn't verify the server digest"),
            HandshakeError::ServerSignature => write!(f, "server not genuine Adobe (S2 signature mismatch)"),
            HandshakeError::NoCrypto => {
                write!(f, "this handshake needs crypto support, absent from this build (CRYPTO=)")
            }
            HandshakeError::DhKey => write!(f, "RTMPE: the peer's Diffie-Hellman public key is invalid"),
            HandshakeError::Type(t) => {
                write!(f, "RTMPE: the server answered with handshake type {t}, which this build does not speak")
            }
            HandshakeError::NotEncrypted => write!(f, "RTMPE: the server answered with an unencrypted handshake"),
            HandshakeError::ClientType(t @ (b'G' | b'P' | b'H')) => write!(
                f,
                "the client sent '{}', an HTTP request, not an RTMP handshake nor an rtmpt POST",
                char::from(*t)
            ),
            HandshakeError::ClientType(0x16) => {
                write!(f, "the client started TLS, not an RTMP handshake (rtmps needs RTMP_TLS_Accept)")
            }
            HandshakeError::ClientType(t) => {
                write!(f, "the client asked for handshake type {t}, not an RTMP handshake")
            }
            HandshakeError::ClientDigest => write!(f, "RTMPE: couldn't verify the client digest"),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// What the client handshake produced beyond success.
#[derive(Debug, Clone, Default)]
pub struct HandshakeOutcome {
    /// The server's S1 (the SWF verification response signs its last 32 bytes).
    pub s1_tail: Option<[u8; 32]>,
    /// The server answered the digest handshake with a simple one (S1 version zero).
    pub fell_back_to_simple: bool,
}

#[cfg_attr(not(feature = "crypto"), allow(dead_code))]
pub struct ClientHandshake {
    c0: u8,
    c1: Box<[u8; SIG_SIZE]>,
    digest: bool,
    /// Digest offset scheme (0: bytes 8..11, 1: bytes 772..775) and our digest position in C1.
    scheme: usize,
    digest_pos: usize,
    /// RTMPE: our Diffie-Hellman key (its public half sits at `dh_pos` in C1), then the RC4
    /// streams (in, out) the exchange gave.
    #[cfg(feature = "crypto")]
    dh: Option<crate::crypto::Dh1024>,
    dh_pos: usize,
    rc4: Option<(crate::crypto::Rc4, crate::crypto::Rc4)>,
    /// The handshake type the server answered with (S0): 3, or 6 and 8 for RTMPE.
    kind: u8,
}

impl core::fmt::Debug for ClientHandshake {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientHandshake")
            .field("c0", &self.c0)
            .field("digest", &self.digest)
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl ClientHandshake {
    /// `digest`: use the FP9 handshake; `encrypted` selects RTMPE's C0 and version bytes.
    /// `uptime`: milliseconds for C1's first field.
    pub fn new(digest: bool, encrypted: bool, uptime: u32) -> Result<Self, HandshakeError> {
        let mut c1 = Box::new([0u8; SIG_SIZE]);
        crate::crypto::random_bytes(&mut c1[8..]);
        c1[0..4].copy_from_slice(&uptime.to_be_bytes());
        let (c0, scheme) = if encrypted { (6, 1) } else { (3, 0) };
        // RTMPE always takes the digest handshake.
        let digest = digest || encrypted;
        if digest && !cfg!(feature = "crypto") {
            return Err(HandshakeError::NoCrypto);
        }
        let mut hs = ClientHandshake {
            c0,
            c1,
            digest,
            scheme,
            digest_pos: 0,
            #[cfg(feature = "crypto")]
            dh: None,
            dh_pos: 0,
            rc4: None,
            kind: c0,
        };
        if digest {
            // At least Flash Player 9.0.115: the version the digest handshake came with.
            let version = if encrypted { [128, 0, 3, 2] } else { [10, 0, 45, 2] };
            hs.c1[4..8].copy_from_slice(&version);
            #[cfg(feature = "crypto")]
            {
                if encrypted {
                    let dh = crate::crypto::Dh1024::generate().map_err(|_| HandshakeError::NoCrypto)?;
                    hs.dh_pos = digest::dh_offset(&hs.c1, scheme);
                    hs.c1[hs.dh_pos..hs.dh_pos + 128].copy_from_slice(&dh.public);
                    hs.dh = Some(dh);
                }
                hs.digest_pos = digest::sign_c1(&mut hs.c1, scheme);
            }
        } else {
            hs.c1[4..8].fill(0);
        }
        Ok(hs)
    }

    /// The first bytes to send: C0 then C1.
    pub fn c0c1(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(1 + SIG_SIZE);
        v.push(self.c0);
        v.extend_from_slice(&self.c1[..]);
        v
    }

    pub fn c0(&self) -> u8 {
        self.c0
    }

    /// Takes S0 and S1 and returns C2.
    pub fn respond(
        &mut self,
        s0: u8,
        s1: &[u8; SIG_SIZE],
        outcome: &mut HandshakeOutcome,
    ) -> Result<Box<[u8; SIG_SIZE]>, HandshakeError> {
        if s0 != self.c0 {
            // An RTMPE server answering 8 or 9 to our 6 chose Flash Player 10's signatures.
            if self.c0 == 6 && matches!(s0, 8 | 9) {
                log::debug!(
                    "handshake: RTMPE type {s0} (signatures encrypted with {})",
                    if s0 == 8 { "XTEA" } else { "Blowfish" }
                );
            } else {
                log::warn!("handshake: type mismatch: client sent {}, server answered {s0}", self.c0);
            }
        }
        log::debug!(
            "handshake: server uptime {}, version {}.{}.{}.{}",
            u32::from_be_bytes([s1[0], s1[1], s1[2], s1[3]]),
            s1[4],
            s1[5],
            s1[6],
            s1[7]
        );
        if self.c0 == 6 {
            // 8 and 9 are RTMPE as well (Flash Player 10: XTEA or Blowfish on the signatures).
            match s0 {
                6 | 8 | 9 => self.kind = s0,
                3 => return Err(HandshakeError::NotEncrypted),
                t => return Err(HandshakeError::Type(t)),
            }
        }
        if self.digest && s0 == 3 && s1[4] == 0 {
            log::debug!("handshake: the server answered with a simple handshake");
            self.digest = false;
            outcome.fell_back_to_simple = true;
        }
        if !self.digest {
            // The simple handshake echoes S1.
            return Ok(Box::new(*s1));
        }
        #[cfg(feature = "crypto")]
        {
            let (c2, scheme) = digest::respond(s1, self.scheme, self.kind)?;
            self.scheme = scheme;
            if let Some(dh) = self.dh.as_ref() {
                // The server's key sits where its scheme puts it; each direction's RC4 key is an
                // HMAC of the other side's public key under the shared secret.
                let pos = digest::dh_offset(s1, scheme);
                let mut peer = [0u8; 128];
                peer.copy_from_slice(&s1[pos..pos + 128]);
                let secret = dh.shared_secret(&peer).ok_or(HandshakeError::DhKey)?;
                let out_key = crate::crypto::hmac_sha256(&secret, &[&peer]);
                let in_key = crate::crypto::hmac_sha256(&secret, &[&self.c1[self.dh_pos..self.dh_pos + 128]]);
                self.rc4 = Some((crate::crypto::Rc4::new(&in_key[..16]), crate::crypto::Rc4::new(&out_key[..16])));
            }
            let mut tail = [0u8; 32];
            tail.copy_from_slice(&s1[SIG_SIZE - 32..]);
            outcome.s1_tail = Some(tail);
            Ok(c2)
        }
        #[cfg(not(feature = "crypto"))]
        Err(HandshakeError::NoCrypto)
    }

    /// RTMPE's RC4 streams (in, out) once S2 was verified, both past the 1536 bytes the protocol
    /// discards.
    pub fn take_rc4(&mut self) -> Option<(crate::crypto::Rc4, crate::crypto::Rc4)> {
        let (mut i, mut o) = self.rc4.take()?;
        i.skip(SIG_SIZE);
        o.skip(SIG_SIZE);
        Some((i, o))
    }

    /// Checks S2: with the digest handshake it must sign our C1 digest; a simple S2 that differs
    /// from C1 is only worth a warning (as in librtmp: many servers send their own bytes).
    pub fn verify_s2(&self, s2: &[u8; SIG_SIZE]) -> Result<(), HandshakeError> {
        if !self.digest {
            if s2[..] != self.c1[..] {
                log::warn!("handshake: client signature does not match");
            }
            return Ok(());
        }
        #[cfg(feature = "crypto")]
        {
            digest::verify_s2(s2, &self.c1[self.digest_pos..self.digest_pos + 32], self.kind)
        }
        #[cfg(not(feature = "crypto"))]
        Err(HandshakeError::NoCrypto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_handshake_echoes() {
        let mut c = ClientHandshake::new(false, false, 1234).unwrap();
        let c0c1 = c.c0c1();
        assert_eq!(c0c1.len(), 1537);
        assert_eq!(c0c1[0], 3);
        assert_eq!(&c0c1[1..5], &1234u32.to_be_bytes());
        assert_eq!(&c0c1[5..9], &[0, 0, 0, 0]);
        let s1 = [7u8; SIG_SIZE];
        let mut o = HandshakeOutcome::default();
        let c2 = c.respond(3, &s1, &mut o).unwrap();
        assert_eq!(c2[..], s1[..]);
        let mut s2 = [0u8; SIG_SIZE];
        s2.copy_from_slice(&c0c1[1..]);
        assert!(c.verify_s2(&s2).is_ok());
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn digest_handshake_against_a_server_side() {
        for encrypted in [false, true] {
            let mut c = ClientHandshake::new(true, encrypted, 0).unwrap();
            let c0c1 = c.c0c1();
            let mut c1 = [0u8; SIG_SIZE];
            c1.copy_from_slice(&c0c1[1..]);
            // A genuine server: S1 signed with the FMS key, S2 signing the client's digest; for
            // RTMPE, S1 carries the server's DH key.
            let scheme = if encrypted { 1 } else { 0 };
            let server_dh = crate::crypto::Dh1024::generate().unwrap();
            let (s1, s2) = digest::test_server(&c1, scheme, encrypted.then_some(&server_dh.public));
            let mut o = HandshakeOutcome::default();
            let c2 = c.respond(c0c1[0], &s1, &mut o).unwrap();
            if encrypted {
                // Both ends derive the same keys: what one side's out stream encrypts, the other's
                // in stream decrypts.
                let cpos = digest::dh_offset(&c1, 1);
                let mut client_pub = [0u8; 128];
                client_pub.copy_from_slice(&c1[cpos..cpos + 128]);
                let secret = server_dh.shared_secret(&client_pub).unwrap();
                let server_out = crate::crypto::hmac_sha256(&secret, &[&client_pub]);
                let mut server_out = crate::crypto::Rc4::new(&server_out[..16]);
                server_out.skip(SIG_SIZE);
                c.verify_s2(&s2).unwrap();
                let (mut client_in, _) = c.take_rc4().unwrap();
                let mut m = *b"connect";
                server_out.apply(&mut m);
                assert_ne!(&m, b"connect");
                client_in.apply(&mut m);
                assert_eq!(&m, b"connect");
            }
            assert_eq!(o.s1_tail.unwrap()[..], s1[SIG_SIZE - 32..]);
            assert!(digest::c2_is_signed(&c2, &s1, 0).is_ok() || digest::c2_is_signed(&c2, &s1, 1).is_ok());
            c.verify_s2(&s2).unwrap();
            let mut bad = s2;
            bad[SIG_SIZE - 1] ^= 1;
            assert_eq!(c.verify_s2(&bad), Err(HandshakeError::ServerSignature));
        }
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn digest_falls_back_and_rejects_unsigned_servers() {
        let mut c = ClientHandshake::new(true, false, 0).unwrap();
        let mut o = HandshakeOutcome::default();
        let s1 = [0u8; SIG_SIZE]; // version 0: a simple server
        assert!(c.respond(3, &s1, &mut o).is_ok());
        assert!(o.fell_back_to_simple);
        let mut c = ClientHandshake::new(true, false, 0).unwrap();
        let mut s1 = [9u8; SIG_SIZE];
        s1[4] = 3;
        assert_eq!(c.respond(3, &s1, &mut HandshakeOutcome::default()).unwrap_err(), HandshakeError::ServerDigest);
    }
}
