//! The Flash Player 9 digest handshake: where the digest sits in C1/S1 (two offset schemes), how it
//! is computed (HMAC-SHA256 with the public "Genuine Adobe" keys) and how C2/S2 sign each other.
#![cfg_attr(not(feature = "crypto"), allow(dead_code))]

#[cfg(feature = "crypto")]
use super::HandshakeError;
use super::SIG_SIZE;

/// "Genuine Adobe Flash Player 001" followed by 32 constant bytes; the digest key is its first 30.
pub const GENUINE_FP_KEY: [u8; 62] = *b"Genuine Adobe Flash Player 001\
\xF0\xEE\xC2\x4A\x80\x68\xBE\xE8\x2E\x00\xD0\xD1\x02\x9E\x7E\x57\
\x6E\xEC\x5D\x2D\x29\x80\x6F\xAB\x93\xB8\xE6\x36\xCF\xEB\x31\xAE";
/// "Genuine Adobe Flash Media Server 001" followed by the same 32 bytes; its first 36 sign S1.
pub const GENUINE_FMS_KEY: [u8; 68] = *b"Genuine Adobe Flash Media Server 001\
\xF0\xEE\xC2\x4A\x80\x68\xBE\xE8\x2E\x00\xD0\xD1\x02\x9E\x7E\x57\
\x6E\xEC\x5D\x2D\x29\x80\x6F\xAB\x93\xB8\xE6\x36\xCF\xEB\x31\xAE";

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

/// Position of the 128-byte DH public key (RTMPE): scheme 0 from bytes 1532..1535, 1 from 768..771.
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

/// Writes the digest under `key` at `scheme`'s position of `sig` and returns that position.
#[cfg(feature = "crypto")]
fn sign(sig: &mut [u8; SIG_SIZE], scheme: usize, key: &[u8]) -> usize {
    let pos = digest_offset(sig, scheme);
    let d = digest_of(sig, pos, key);
    sig[pos..pos + 32].copy_from_slice(&d);
    pos
}

/// Writes our digest into C1 (the player key) and returns its position.
#[cfg(feature = "crypto")]
pub fn sign_c1(c1: &mut [u8; SIG_SIZE], scheme: usize) -> usize {
    sign(c1, scheme, &GENUINE_FP_KEY[..30])
}

/// Signs S1 with the server key at `scheme`'s position and returns that position.
#[cfg(feature = "crypto")]
pub fn sign_s1(s1: &mut [u8; SIG_SIZE], scheme: usize) -> usize {
    sign(s1, scheme, &GENUINE_FMS_KEY[..36])
}

/// The scheme whose position holds a valid client digest in C1 (0 tried first), if any.
#[cfg(feature = "crypto")]
pub fn client_digest_scheme(c1: &[u8; SIG_SIZE]) -> Option<usize> {
    [0, 1].into_iter().find(|&sc| {
        let pos = digest_offset(c1, sc);
        digest_of(c1, pos, &GENUINE_FP_KEY[..30])[..] == c1[pos..pos + 32]
    })
}

/// RTMPE type 8 (Flash Player 10) encrypts the 32-byte handshake signatures with XTEA, eight
/// bytes at a time, the key chosen by a byte of the digest key: 16 fixed 128-bit keys.
const RTMPE8_KEYS: [[u32; 4]; 16] = [
    [0xbff0_34b2, 0x11d9_081f, 0xccdf_b795, 0x748d_e732],
    [0x086a_5eb6, 0x1743_090e, 0x6ef0_5ab8, 0xfe5a_39e2],
    [0x7b10_956f, 0x76ce_0521, 0x2388_a73a, 0x4401_49a1],
    [0xa943_f317, 0xebf1_1bb2, 0xa691_a5ee, 0x17f3_6339],
    [0x7a30_e00a, 0xb529_e22c, 0xa087_aea5, 0xc0cb_79ac],
    [0xbdce_0c23, 0x2feb_deff, 0x1cfa_ae16, 0x1123_239d],
    [0x55dd_3f7b, 0x77e7_e62e, 0x9bb8_c499, 0xc948_1ee4],
    [0x407b_b6b4, 0x71e8_9136, 0xa7ae_bf55, 0xca33_b839],
    [0xfcf6_bdc3, 0xb63c_3697, 0x7ce4_f825, 0x04d9_59b2],
    [0x28e0_91fd, 0x4195_4c4c, 0x7fb7_db00, 0xe3a0_66f8],
    [0x5784_5b76, 0x4f25_1b03, 0x46d4_5bcd, 0xa2c3_0d29],
    [0x0acc_eef8, 0xda55_b546, 0x0347_3452, 0x5863_713b],
    [0xb820_75dc, 0xa75f_1fee, 0xd842_68e8, 0xa72a_44cc],
    [0x07cf_6e9e, 0xa16d_7b25, 0x9fa7_ae6c, 0xd92f_5629],
    [0xfeb1_eae4, 0x8c8c_3ce1, 0x4e00_64a7, 0x6a38_7c2a],
    [0x893a_9427, 0xcc30_13a2, 0xf106_385b, 0xa829_f927],
];

/// XTEA encryption (32 rounds) of one 8-byte block, its two words little-endian.
fn xtea_block(block: &mut [u8], key: &[u32; 4]) {
    const DELTA: u32 = 0x9E37_79B9;
    let mut v0 = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
    let mut v1 = u32::from_le_bytes([block[4], block[5], block[6], block[7]]);
    let mut sum = 0u32;
    for _ in 0..32 {
        v0 = v0.wrapping_add((((v1 << 4) ^ (v1 >> 5)).wrapping_add(v1)) ^ sum.wrapping_add(key[(sum & 3) as usize]));
        sum = sum.wrapping_add(DELTA);
        v1 = v1.wrapping_add(
            (((v0 << 4) ^ (v0 >> 5)).wrapping_add(v0)) ^ sum.wrapping_add(key[((sum >> 11) & 3) as usize]),
        );
    }
    block[..4].copy_from_slice(&v0.to_le_bytes());
    block[4..8].copy_from_slice(&v1.to_le_bytes());
}

/// RTMPE type 9 encrypts them with Blowfish instead, under 16 fixed 192-bit keys (the same
/// choice of key as type 8).
const RTMPE9_KEYS: [[u8; 24]; 16] = [
    [
        0x79, 0x34, 0x77, 0x4c, 0x67, 0xd1, 0x38, 0x3a, 0xdf, 0xb3, 0x56, 0xbe, 0x8b, 0x7b, 0xd0, 0x24, 0x38, 0xe0,
        0x73, 0x58, 0x41, 0x5d, 0x69, 0x67,
    ],
    [
        0x46, 0xf6, 0xb4, 0xcc, 0x01, 0x93, 0xe3, 0xa1, 0x9e, 0x7d, 0x3c, 0x65, 0x55, 0x86, 0xfd, 0x09, 0x8f, 0xf7,
        0xb3, 0xc4, 0x6f, 0x41, 0xca, 0x5c,
    ],
    [
        0x1a, 0xe7, 0xe2, 0xf3, 0xf9, 0x14, 0x79, 0x94, 0xc0, 0xd3, 0x97, 0x43, 0x08, 0x7b, 0xb3, 0x84, 0x43, 0x2f,
        0x9d, 0x84, 0x3f, 0x21, 0x01, 0x9b,
    ],
    [
        0xd3, 0xe3, 0x54, 0xb0, 0xf7, 0x1d, 0xf6, 0x2b, 0x5a, 0x43, 0x4d, 0x04, 0x83, 0x64, 0x3e, 0x0d, 0x59, 0x2f,
        0x61, 0xcb, 0xb1, 0x6a, 0x59, 0x0d,
    ],
    [
        0xc8, 0xc1, 0xe9, 0xb8, 0x16, 0x56, 0x99, 0x21, 0x7b, 0x5b, 0x36, 0xb7, 0xb5, 0x9b, 0xdf, 0x06, 0x49, 0x2c,
        0x97, 0xf5, 0x95, 0x48, 0x85, 0x7e,
    ],
    [
        0xeb, 0xe5, 0xe6, 0x2e, 0xa4, 0xba, 0xd4, 0x2c, 0xf2, 0x16, 0xe0, 0x8f, 0x66, 0x23, 0xa9, 0x43, 0x41, 0xce,
        0x38, 0x14, 0x84, 0x95, 0x00, 0x53,
    ],
    [
        0x66, 0xdb, 0x90, 0xf0, 0x3b, 0x4f, 0xf5, 0x6f, 0xe4, 0x9c, 0x20, 0x89, 0x35, 0x5e, 0xd2, 0xb2, 0xc3, 0x9e,
        0x9f, 0x7f, 0x63, 0xb2, 0x28, 0x81,
    ],
    [
        0xbb, 0x20, 0xac, 0xed, 0x2a, 0x04, 0x6a, 0x19, 0x94, 0x98, 0x9b, 0xc8, 0xff, 0xcd, 0x93, 0xef, 0xc6, 0x0d,
        0x56, 0xa7, 0xeb, 0x13, 0xd9, 0x30,
    ],
    [
        0xbc, 0xf2, 0x43, 0x82, 0x09, 0x40, 0x8a, 0x87, 0x25, 0x43, 0x6d, 0xe6, 0xbb, 0xa4, 0xb9, 0x44, 0x58, 0x3f,
        0x21, 0x7c, 0x99, 0xbb, 0x3f, 0x24,
    ],
    [
        0xec, 0x1a, 0xaa, 0xcd, 0xce, 0xbd, 0x53, 0x11, 0xd2, 0xfb, 0x83, 0xb6, 0xc3, 0xba, 0xab, 0x4f, 0x62, 0x79,
        0xe8, 0x65, 0xa9, 0x92, 0x28, 0x76,
    ],
    [
        0xc6, 0x0c, 0x30, 0x03, 0x91, 0x18, 0x2d, 0x7b, 0x79, 0xda, 0xe1, 0xd5, 0x64, 0x77, 0x9a, 0x12, 0xc5, 0xb1,
        0xd7, 0x91, 0x4f, 0x96, 0x4c, 0xa3,
    ],
    [
        0xd7, 0x7c, 0x2a, 0xbf, 0xa6, 0xe7, 0x85, 0x7c, 0x45, 0xad, 0xff, 0x12, 0x94, 0xd8, 0xde, 0xa4, 0x5c, 0x3d,
        0x79, 0xa4, 0x44, 0x02, 0x5d, 0x22,
    ],
    [
        0x16, 0x19, 0x0d, 0x81, 0x6a, 0x4c, 0xc7, 0xf8, 0xb8, 0xf9, 0x4e, 0xcd, 0x2c, 0x9e, 0x90, 0x84, 0xb2, 0x08,
        0x25, 0x60, 0xe1, 0x1e, 0xae, 0x18,
    ],
    [
        0xe9, 0x7c, 0x58, 0x26, 0x1b, 0x51, 0x9e, 0x49, 0x82, 0x60, 0x61, 0xfc, 0xa0, 0xa0, 0x1b, 0xcd, 0xf5, 0x05,
        0xd6, 0xa6, 0x6d, 0x07, 0x88, 0xa3,
    ],
    [
        0x2b, 0x97, 0x11, 0x8b, 0xd9, 0x4e, 0xd9, 0xdf, 0x20, 0xe3, 0x9c, 0x10, 0xe6, 0xa1, 0x35, 0x21, 0x11, 0xf9,
        0x13, 0x0d, 0x0b, 0x24, 0x65, 0xb2,
    ],
    [
        0x53, 0x6a, 0x4c, 0x54, 0xac, 0x8b, 0x9b, 0xb8, 0x97, 0x29, 0xfc, 0x60, 0x2c, 0x5b, 0x3a, 0x85, 0x68, 0xb5,
        0xaa, 0x6a, 0x44, 0xcd, 0x3f, 0xa7,
    ],
];

/// Blowfish encryption of one 8-byte block whose two words are little-endian (the cipher reads
/// them big-endian, so each word is turned around on the way in and out).
fn blowfish_block(block: &mut [u8], key: &[u8; 24]) {
    let bf = crate::crypto::Blowfish::new(key);
    let (l, r) = bf.encrypt_words(
        u32::from_le_bytes([block[0], block[1], block[2], block[3]]),
        u32::from_le_bytes([block[4], block[5], block[6], block[7]]),
    );
    block[..4].copy_from_slice(&l.to_le_bytes());
    block[4..8].copy_from_slice(&r.to_le_bytes());
}

/// What handshake type `kind` does to a 32-byte signature signed with `key`: types 8 (XTEA) and
/// 9 (Blowfish) encrypt each 8-byte block with the fixed key number `key[i] % 15`; the other
/// types leave it as it is.
pub fn protect_signature(kind: u8, sig: &mut [u8], key: &[u8; 32]) {
    for i in (0..32).step_by(8) {
        let k = usize::from(key[i] % 15);
        match kind {
            8 => xtea_block(&mut sig[i..i + 8], &RTMPE8_KEYS[k]),
            9 => blowfish_block(&mut sig[i..i + 8], &RTMPE9_KEYS[k]),
            _ => return,
        }
    }
}

/// Finds the server's digest (our scheme first, then the other) and builds C2: random bytes whose
/// last 32 are signed with a key derived from that digest (and protected as handshake type `kind`
/// wants). Returns C2 and the scheme the server used.
#[cfg(feature = "crypto")]
pub fn respond(s1: &[u8; SIG_SIZE], scheme: usize, kind: u8) -> Result<(Box<[u8; SIG_SIZE]>, usize), HandshakeError> {
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
    let mut sig = crate::crypto::hmac_sha256(&key, &[&c2[..SIG_SIZE - 32]]);
    protect_signature(kind, &mut sig, &key);
    c2[SIG_SIZE - 32..].copy_from_slice(&sig);
    Ok((c2, sc))
}

/// S2's last 32 bytes must be HMAC(HMAC(FMS key, our C1 digest), S2 without them), protected as
/// handshake type `kind` wants.
#[cfg(feature = "crypto")]
pub fn verify_s2(s2: &[u8; SIG_SIZE], c1_digest: &[u8], kind: u8) -> Result<(), HandshakeError> {
    let key = crate::crypto::hmac_sha256(&GENUINE_FMS_KEY, &[c1_digest]);
    let mut sig = crate::crypto::hmac_sha256(&key, &[&s2[..SIG_SIZE - 32]]);
    protect_signature(kind, &mut sig, &key);
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
pub fn test_server(
    c1: &[u8; SIG_SIZE],
    scheme: usize,
    dh_public: Option<&[u8; 128]>,
) -> ([u8; SIG_SIZE], [u8; SIG_SIZE]) {
    let mut s1 = [0u8; SIG_SIZE];
    crate::crypto::random_bytes(&mut s1);
    s1[4..8].copy_from_slice(&[3, 5, 1, 1]);
    if let Some(k) = dh_public {
        let p = dh_offset(&s1, scheme);
        s1[p..p + 128].copy_from_slice(k);
    }
    sign_s1(&mut s1, scheme);
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
    if sig[..] == c2[SIG_SIZE - 32..] {
        Ok(())
    } else {
        Err(())
    }
}

#[cfg(all(test, feature = "crypto"))]
mod tests {
    use super::*;

    /// Type 9's signature blocks against OpenSSL's own Blowfish (from its legacy provider, which
    /// the library itself does not load): every one of the 16 keys, words turned around as
    /// librtmp does.
    #[test]
    fn type9_matches_openssl_blowfish() {
        use openssl::symm::{Cipher, Crypter, Mode};
        let _legacy = openssl::provider::Provider::try_load(None, "legacy", true)
            .expect("OpenSSL's legacy provider (for the cross-check)");
        let mut key = [0u8; 32];
        let mut sig = [0u8; 32];
        for round in 0..16u8 {
            crate::crypto::random_bytes(&mut sig);
            crate::crypto::random_bytes(&mut key);
            // Make sure every key number comes up.
            key[0] = round;
            let mut ours = sig;
            protect_signature(9, &mut ours, &key);
            for i in (0..32).step_by(8) {
                let mut block: Vec<u8> = sig[i..i + 8].chunks(4).flat_map(|w| w.iter().rev().copied()).collect();
                let mut c = Crypter::new(Cipher::bf_ecb(), Mode::Encrypt, &RTMPE9_KEYS[usize::from(key[i] % 15)], None)
                    .unwrap();
                c.pad(false);
                let mut out = vec![0u8; 16];
                let n = c.update(&block, &mut out).unwrap();
                assert_eq!(n, 8);
                block = out[..8].chunks(4).flat_map(|w| w.iter().rev().copied()).collect();
                assert_eq!(&ours[i..i + 8], &block[..], "key {}", key[i] % 15);
            }
        }
        // Types other than 8 and 9 leave the signature alone.
        let mut same = sig;
        protect_signature(6, &mut same, &key);
        assert_eq!(same, sig);
    }
}
