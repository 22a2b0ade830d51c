//! The server end of the handshakes (RTMP_Serve): C0+C1 in, S0+S1+S2 out, C2 checked.
//!
//! The client chooses: C0 type 3 is plain RTMP, 6, 8 and 9 are RTMPE; a C1 with a non-zero version
//! asks for the Flash Player 9 digest handshake. The answer uses the digest scheme the client
//! used, so any FP9 client (librtmp, FFmpeg, Flash) finds our digest where it looks first. Which
//! RTMPE type S0 answers with is the server's choice (`rtmpeType`); by default the original
//! server's: 8 (XTEA) to a type-6 client whose C1 says Flash Player 10 (version byte 128, which
//! librtmp and FFmpeg send), the client's own type otherwise.

use super::{HandshakeError, SIG_SIZE};

/// The version S1 announces in the digest handshake (a Flash Media Server 3.5 build): clients
/// look at it to tell a digest server from a simple one.
#[cfg(feature = "crypto")]
const FMS_VERSION: [u8; 4] = [3, 5, 1, 1];

#[cfg_attr(not(feature = "crypto"), allow(dead_code))]
pub struct ServerHandshake {
    kind: u8,
    digest: bool,
    s1: Box<[u8; SIG_SIZE]>,
    /// Where our digest sits in S1 (C2 is signed with a key derived from it).
    s1_digest_pos: usize,
    rc4: Option<(crate::crypto::Rc4, crate::crypto::Rc4)>,
}

impl core::fmt::Debug for ServerHandshake {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerHandshake").field("kind", &self.kind).field("digest", &self.digest).finish()
    }
}

impl ServerHandshake {
    /// Whether C0 asks for RTMPE; an error when it names no handshake we speak. Checked before C1
    /// is read, so that an HTTP request or a TLS hello on the port fails at once, not at the
    /// timeout.
    pub fn check_c0(c0: u8) -> Result<bool, HandshakeError> {
        let encrypted = match c0 {
            3 => false,
            6 | 8 | 9 => true,
            t => return Err(HandshakeError::ClientType(t)),
        };
        if encrypted && !cfg!(feature = "crypto") {
            return Err(HandshakeError::NoCrypto);
        }
        Ok(encrypted)
    }

    /// Takes the client's C0 and C1 and builds the answer, S0+S1+S2 (3073 bytes). `rtmpe_type`
    /// (6, 8 or 9) is the type to answer RTMPE clients with; None answers as the original server.
    pub fn answer(
        c0: u8,
        c1: &[u8; SIG_SIZE],
        uptime: u32,
        rtmpe_type: Option<u8>,
    ) -> Result<(Self, Vec<u8>), HandshakeError> {
        let encrypted = Self::check_c0(c0)?;
        let kind = match rtmpe_type {
            _ if !encrypted => 3,
            Some(t @ (6 | 8 | 9)) => t,
            _ if c0 == 6 && c1[4] == 128 => 8,
            _ => c0,
        };
        let mut s1 = Box::new([0u8; SIG_SIZE]);
        crate::crypto::random_bytes(&mut s1[8..]);
        s1[0..4].copy_from_slice(&uptime.to_be_bytes());
        // (Changed only by the digest answer, which needs crypto.)
        #[cfg_attr(not(feature = "crypto"), allow(unused_mut))]
        let mut hs = ServerHandshake { kind, digest: false, s1, s1_digest_pos: 0, rc4: None };
        #[cfg_attr(not(feature = "crypto"), allow(unused_mut))]
        let mut s2 = Box::new(*c1);
        if c1[4] != 0 || encrypted {
            #[cfg(feature = "crypto")]
            if let Some(s) = hs.digest_answer(c1, encrypted)? {
                s2 = s;
                hs.digest = true;
            }
        }
        if !hs.digest {
            log::debug!("handshake: simple (client version {}.{}.{}.{})", c1[4], c1[5], c1[6], c1[7]);
        }
        let mut out = Vec::with_capacity(1 + 2 * SIG_SIZE);
        out.push(kind);
        out.extend_from_slice(&hs.s1[..]);
        out.extend_from_slice(&s2[..]);
        Ok((hs, out))
    }

    /// The digest handshake's S1 (signed, with our DH key for RTMPE) and S2 (signing the client's
    /// digest). `None`: C1 carries no digest, so a plain client gets the simple handshake.
    #[cfg(feature = "crypto")]
    fn digest_answer(
        &mut self,
        c1: &[u8; SIG_SIZE],
        encrypted: bool,
    ) -> Result<Option<Box<[u8; SIG_SIZE]>>, HandshakeError> {
        use super::digest::{
            client_digest_scheme, dh_offset, digest_offset, protect_signature, sign_s1, GENUINE_FMS_KEY,
        };
        let Some(scheme) = client_digest_scheme(c1) else {
            if encrypted {
                return Err(HandshakeError::ClientDigest);
            }
            log::warn!(
                "handshake: the client announced version {}.{}.{}.{} without a valid digest; answering with the \
                 simple handshake",
                c1[4],
                c1[5],
                c1[6],
                c1[7]
            );
            return Ok(None);
        };
        self.s1[4..8].copy_from_slice(&FMS_VERSION);
        if encrypted {
            let dh = crate::crypto::Dh1024::generate().map_err(|_| HandshakeError::NoCrypto)?;
            let pos = dh_offset(&self.s1, scheme);
            self.s1[pos..pos + 128].copy_from_slice(&dh.public);
            if scheme == 1 {
                self.copy_key_for_scheme0(&dh.public);
            }
            let cpos = dh_offset(c1, scheme);
            let mut peer = [0u8; 128];
            peer.copy_from_slice(&c1[cpos..cpos + 128]);
            let secret = dh.shared_secret(&peer).ok_or(HandshakeError::DhKey)?;
            // The mirror of the client's keys: we send with what it receives with.
            let out_key = crate::crypto::hmac_sha256(&secret, &[&peer]);
            let in_key = crate::crypto::hmac_sha256(&secret, &[&dh.public]);
            self.rc4 = Some((crate::crypto::Rc4::new(&in_key[..16]), crate::crypto::Rc4::new(&out_key[..16])));
        }
        self.s1_digest_pos = sign_s1(&mut self.s1, scheme);
        let cpos = digest_offset(c1, scheme);
        let key = crate::crypto::hmac_sha256(&GENUINE_FMS_KEY, &[&c1[cpos..cpos + 32]]);
        let mut s2 = Box::new([0u8; SIG_SIZE]);
        crate::crypto::random_bytes(&mut s2[..]);
        let mut sig = crate::crypto::hmac_sha256(&key, &[&s2[..SIG_SIZE - 32]]);
        protect_signature(self.kind, &mut sig, &key);
        s2[SIG_SIZE - 32..].copy_from_slice(&sig);
        log::debug!("handshake: FP9 digest, scheme {scheme}, type {}", self.kind);
        Ok(Some(s2))
    }

    /// A second copy of our DH key where scheme 0 puts it, in an S1 that uses scheme 1: FFmpeg
    /// publishing over rtmpe signs its C1 with scheme 1 but reads the server's key from scheme 0's
    /// place without looking for a digest. The two places never overlap (8..767 and 772..1531);
    /// the copy is put where it leaves scheme 1's digest and the four bytes that place it alone.
    #[cfg(feature = "crypto")]
    fn copy_key_for_scheme0(&mut self, key: &[u8; 128]) {
        use super::digest::{dh_offset, digest_offset};
        for _ in 0..256 {
            crate::crypto::random_bytes(&mut self.s1[772..776]);
            crate::crypto::random_bytes(&mut self.s1[SIG_SIZE - 4..]);
            let (p0, d1) = (dh_offset(&self.s1, 0), digest_offset(&self.s1, 1));
            // (The digest, written last, must not cover the bytes that place the copy either.)
            if p0 >= 776 && d1 + 32 <= SIG_SIZE - 4 && (p0 + 128 <= d1 || d1 + 32 <= p0) {
                self.s1[p0..p0 + 128].copy_from_slice(key);
                return;
            }
        }
        // (Each try succeeds about three times in four; FFmpeg's publisher is the only loser.)
    }

    /// Whether the handshake was RTMPE.
    pub fn encrypted(&self) -> bool {
        self.kind != 3
    }

    /// Checks C2: true when it echoes S1 or signs it. A C2 that does neither is only worth a
    /// warning: FFmpeg, for one, echoes S1 when it publishes even after a digest handshake.
    pub fn check_c2(&self, c2: &[u8; SIG_SIZE]) -> bool {
        if c2[..] == self.s1[..] {
            return true;
        }
        #[cfg(feature = "crypto")]
        if self.digest {
            use super::digest::{protect_signature, GENUINE_FP_KEY};
            let p = self.s1_digest_pos;
            let key = crate::crypto::hmac_sha256(&GENUINE_FP_KEY, &[&self.s1[p..p + 32]]);
            let mut sig = crate::crypto::hmac_sha256(&key, &[&c2[..SIG_SIZE - 32]]);
            protect_signature(self.kind, &mut sig, &key);
            if sig[..] == c2[SIG_SIZE - 32..] {
                log::debug!("handshake: genuine Adobe Flash Player client");
                return true;
            }
        }
        log::warn!("handshake: C2 neither echoes nor signs our S1 (accepted, as most servers do)");
        false
    }

    /// RTMPE's RC4 streams (in, out), both past the 1536 bytes the protocol discards.
    pub fn take_rc4(&mut self) -> Option<(crate::crypto::Rc4, crate::crypto::Rc4)> {
        let (mut i, mut o) = self.rc4.take()?;
        i.skip(SIG_SIZE);
        o.skip(SIG_SIZE);
        Some((i, o))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClientHandshake, HandshakeOutcome};
    use super::*;

    fn c1_of(c: &ClientHandshake) -> (u8, [u8; SIG_SIZE]) {
        let v = c.c0c1();
        let mut c1 = [0u8; SIG_SIZE];
        c1.copy_from_slice(&v[1..]);
        (v[0], c1)
    }

    /// Our client against our server, without sockets: every variant completes, and RTMPE's
    /// streams pair up.
    fn pair(digest: bool, encrypted: bool, answer: Option<u8>, kind: u8) {
        let mut c = ClientHandshake::new(digest, encrypted, 1).unwrap();
        let (c0, c1) = c1_of(&c);
        let (mut s, out) = ServerHandshake::answer(c0, &c1, 2, answer).unwrap();
        assert_eq!(out.len(), 1 + 2 * SIG_SIZE);
        assert_eq!(out[0], kind);
        let mut s1 = [0u8; SIG_SIZE];
        s1.copy_from_slice(&out[1..1 + SIG_SIZE]);
        let mut s2 = [0u8; SIG_SIZE];
        s2.copy_from_slice(&out[1 + SIG_SIZE..]);
        let mut o = HandshakeOutcome::default();
        let c2 = c.respond(out[0], &s1, &mut o).unwrap();
        assert!(!o.fell_back_to_simple, "digest={digest} encrypted={encrypted}");
        c.verify_s2(&s2).unwrap();
        assert!(s.check_c2(&c2), "C2 of type {kind}");
        assert_eq!(s.encrypted(), encrypted);
        if encrypted {
            let (_, mut c_out) = c.take_rc4().unwrap();
            let (mut s_in, _) = s.take_rc4().unwrap();
            let mut m = *b"connect";
            c_out.apply(&mut m);
            s_in.apply(&mut m);
            assert_eq!(&m, b"connect");
        }
    }

    #[test]
    fn simple() {
        pair(false, false, None, 3);
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn digest_and_rtmpe() {
        pair(true, false, None, 3);
        pair(true, false, Some(9), 3);
        // Our client says Flash Player 10, so the original's choice is 8.
        pair(true, true, None, 8);
        pair(true, true, Some(6), 6);
        pair(true, true, Some(8), 8);
        pair(true, true, Some(9), 9);
    }

    /// An RTMPE S1 answering a scheme-1 client carries our key in both schemes' places, so that
    /// FFmpeg's publisher (which reads scheme 0's) finds it, and its digest still verifies.
    #[cfg(feature = "crypto")]
    #[test]
    fn rtmpe_key_in_both_places() {
        use super::super::digest::{dh_offset, digest_offset};
        for _ in 0..50 {
            let c = ClientHandshake::new(true, true, 1).unwrap();
            let (c0, c1) = c1_of(&c);
            let (_, out) = ServerHandshake::answer(c0, &c1, 0, None).unwrap();
            let mut s1 = [0u8; SIG_SIZE];
            s1.copy_from_slice(&out[1..1 + SIG_SIZE]);
            let (p0, p1) = (dh_offset(&s1, 0), dh_offset(&s1, 1));
            assert_eq!(s1[p0..p0 + 128], s1[p1..p1 + 128]);
            assert_eq!(super::super::digest::client_digest_scheme(&c1), Some(1));
            // Scheme 1's digest is intact (what our client and FFmpeg's player check).
            let d = digest_offset(&s1, 1);
            assert!(d + 32 <= p0 || p0 + 128 <= d);
        }
    }

    /// A client that asks for a type itself gets it; a Flash Player 9 client asking for 6 is not
    /// moved to 8.
    #[cfg(feature = "crypto")]
    #[test]
    fn answers_the_type_asked_for() {
        let c = ClientHandshake::new(true, true, 1).unwrap();
        let (_, mut c1) = c1_of(&c);
        for t in [8, 9] {
            assert_eq!(ServerHandshake::answer(t, &c1, 0, None).unwrap().1[0], t);
        }
        // A Flash Player 9 C1: random, version 9.0.124.2, a DH key where scheme 1 puts it, signed.
        crate::crypto::random_bytes(&mut c1);
        c1[4..8].copy_from_slice(&[9, 0, 124, 2]);
        let pos = super::super::digest::dh_offset(&c1, 1);
        c1[pos..pos + 128].copy_from_slice(&crate::crypto::Dh1024::generate().unwrap().public);
        super::super::digest::sign_c1(&mut c1, 1);
        let kind = ServerHandshake::answer(6, &c1, 0, None).unwrap().1[0];
        assert_eq!(kind, 6);
    }

    #[test]
    fn refuses_what_is_not_a_handshake() {
        let c1 = [0u8; SIG_SIZE];
        // "POST /open/1": an RTMPT request on a plain RTMP port; 0x16: a TLS ClientHello.
        for t in [b'P', 0x16, 10, 0] {
            assert_eq!(ServerHandshake::answer(t, &c1, 0, None).unwrap_err(), HandshakeError::ClientType(t));
        }
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn version_without_digest_gets_the_simple_handshake() {
        let mut c1 = [7u8; SIG_SIZE];
        c1[4..8].copy_from_slice(&[9, 0, 124, 2]);
        let (_, out) = ServerHandshake::answer(3, &c1, 0, None).unwrap();
        assert_eq!(&out[5..9], &[0, 0, 0, 0]);
        assert_eq!(&out[1 + SIG_SIZE..], &c1[..]);
        assert_eq!(ServerHandshake::answer(6, &c1, 0, None).unwrap_err(), HandshakeError::ClientDigest);
    }
}
