//! The Flash Player 9 digest handshake: where the digest sits in C1/S1 (two offset schemes), how it
//! is computed (HMAC-SHA256 with the public "Genuine Adobe" keys) and how C2/S2 sign each other.
#![cfg_attr(not(feature = "crypto"), allow(dead_code))]

#[cfg(feature = "crypto")]
use super::HandshakeError;
use super::SIG_SIZE;

/// "Genuine Adobe Flash Player 001" followed by 32 constant bytes; the digest key is its first 30.
pub const GENUINE_FP_KEY: [u8; 62] = *b"Genuine Adobe Flash Player 001\
\xF0\xEE\xC2\x4A\x80\x68\xBE\xE8\x2E\x00\xD0\xD1\x02\x9E\x7E\x57\x6E\xEC\x5D\x2D\x29\x80\x6F\xAB\x93\xB8\xE6\x36\xCF\xEB\x31\xAE";
/// "Genuine Adobe Flash Media Server 001" followed by the same 32 bytes; its first 36 sign S1.
pub const GENUINE_FMS_KEY: [u8; 68] = *b"Genuine Adobe Flash Media Server 001\
\xF0\xEE\xC2\x4A\x80\x68\xBE\xE8\x2E\x00\xD0\xD1\x02\x9E\x7E\x57\x6E\xEC\x5D\x2D\x29\x80\x6F\xAB\x93\xB8\xE6\x36\xCF\xEB\x31\xAE";

fn sum4(b: &[u8]) -> usize {
    b[..4].iter().map(|&x| x as usize).sum()
}

/// Position of the 32-byte digest: scheme 0 from bytes 8..11, scheme 1 from bytes 772..775.
pub fn digest_offset(sig: &[u8; SIG_SIZE], scheme: usize) -> usize {
    if scheme == 0 {
        sum4(&sig[8..]) % 728 + 12
    } else {
        sum4(&sig[772..]) % 728 + 776
    }
}

/// Position of the 128-byte DH public key (RTMPE, which arrives with issue #4): scheme 0 from bytes 1532..1535, 1 from 768..771.
#[allow(dead_code)]
pub fn dh_offset(sig: &[u8; SIG_SIZE], scheme: usize) -> usize {
    if scheme == 0 {
        sum4(&sig[1532..]) % 632 + 772
    } else {
        sum4(&sig[768..]) % 632 + 8
    }
}

#[cfg(feature = "crypto")]
fn digest_of(sig: &[u8; SIG_SIZE], pos: usize, key: &[u8]) -> [u8; 32] {
    crate::crypto::hmac_sha256(key, &[&sig[..pos], &sig[pos + 32..]])
}

/// Writes our digest into C1 and returns its position.
#[cfg(feature = "crypto")]
pub fn sign_c1(c1: &mut [u8; SIG_SIZE], scheme: usize) -> usize {
    let pos = digest_offset(c1, scheme);
    let d = digest_of(c1, pos, &GENUINE_FP_KEY[..30]);
    c1[pos..pos + 32].copy_from_slice(&d);
    pos
}

/// Finds the server's digest (our scheme first, then the other) and builds C2: random bytes whose
/// last 32 are signed with a key derived from that digest. Returns C2 and the scheme the server used.
#[cfg(feature = "crypto")]
pub fn respond(s1: &[u8; SIG_SIZE], scheme: usize) -> Result<(Box<[u8; SIG_SIZE]>, usize), HandshakeError> {
    let found = [scheme, scheme ^ 1].into_iter().find(|&sc| {
        let pos = digest_offset(s1, sc);
        digest_of(s1, pos, &GENUINE_FMS_KEY[..36])[..] == s1[pos..pos + 32]
    });
    let Some(sc) = found else { return Err(HandshakeError::ServerDigest) };
    if sc != scheme {
        log::warn!("handshake: server digest found at the other position");
    }
    let pos = digest_offset(s1, sc);
    let key = crate::crypto::hmac_sha256(&GENUINE_FP_KEY, &[&s1[pos..pos + 32]]);
    let mut c2 = Box::new([0u8; SIG_SIZE]);
    crate::crypto::random_bytes(&mut c2[..]);
    let sig = crate::crypto::hmac_sha256(&key, &[&c2[..SIG_SIZE - 32]]);
    c2[SIG_SIZE - 32..].copy_from_slice(&sig);
    Ok((c2, sc))
}

/// S2's last 32 bytes must be HMAC(HMAC(FMS key, our C1 digest), S2 without them).
#[cfg(feature = "crypto")]
pub fn verify_s2(s2: &[u8; SIG_SIZE], c1_digest: &[u8]) -> Result<(), HandshakeError> {
    let key = crate::crypto::hmac_sha256(&GENUINE_FMS_KEY, &[c1_digest]);
    let sig = crate::crypto::hmac_sha256(&key, &[&s2[..SIG_SIZE - 32]]);
    if sig[..] == s2[SIG_SIZE - 32..] {
        log::debug!("handshake: genuine Adobe Flash Media Server");
        Ok(())
    } else {
        Err(HandshakeError::ServerSignature)
    }
}

/// The 42-byte SWF verification answer: 01 01, the size twice, and HMAC(swf hash, S1's tail).
#[cfg(feature = "crypto")]
pub fn swf_verification_response(swf_size: u32, swf_hash: &[u8; 32], s1_tail: &[u8; 32]) -> [u8; 42] {
    let mut r = [0u8; 42];
    r[0] = 1;
    r[1] = 1;
    r[2..6].copy_from_slice(&swf_size.to_be_bytes());
    r[6..10].copy_from_slice(&swf_size.to_be_bytes());
    r[10..].copy_from_slice(&crate::crypto::hmac_sha256(swf_hash, &[s1_tail]));
    r
}

#[cfg(not(feature = "crypto"))]
pub fn swf_verification_response(_swf_size: u32, _swf_hash: &[u8; 32], _s1_tail: &[u8; 32]) -> [u8; 42] {
    [0u8; 42]
}

/// Server side of the digest handshake, for tests: S1 signed with the FMS key, S2 signing C1's digest.
#[cfg(all(test, feature = "crypto"))]
pub fn test_server(c1: &[u8; SIG_SIZE], scheme: usize) -> ([u8; SIG_SIZE], [u8; SIG_SIZE]) {
    let mut s1 = [0u8; SIG_SIZE];
    crate::crypto::random_bytes(&mut s1);
    s1[4..8].copy_from_slice(&[3, 5, 1, 1]);
    let pos = digest_offset(&s1, scheme);
    let d = digest_of(&s1, pos, &GENUINE_FMS_KEY[..36]);
    s1[pos..pos + 32].copy_from_slice(&d);
    let cpos = digest_offset(c1, scheme);
    let key = crate::crypto::hmac_sha256(&GENUINE_FMS_KEY, &[&c1[cpos..cpos + 32]]);
    let mut s2 = [0u8; SIG_SIZE];
    crate::crypto::random_bytes(&mut s2);
    let sig = crate::crypto::hmac_sha256(&key, &[&s2[..SIG_SIZE - 32]]);
    s2[SIG_SIZE - 32..].copy_from_slice(&sig);
    (s1, s2)
}

/// Whether C2 is signed for S1 with `scheme` (test helper mirroring a server's check).
#[cfg(all(test, feature = "crypto"))]
pub fn c2_is_signed(c2: &[u8; SIG_SIZE], s1: &[u8; SIG_SIZE], scheme: usize) -> Result<(), ()> {
    let pos = digest_offset(s1, scheme);
    let key = crate::crypto::hmac_sha256(&GENUINE_FP_KEY, &[&s1[pos..pos + 32]]);
    let sig = crate::crypto::hmac_sha256(&key, &[&c2[..SIG_SIZE - 32]]);
    if sig[..] == c2[SIG_SIZE - 32..] { Ok(()) } else { Err(()) }
}
