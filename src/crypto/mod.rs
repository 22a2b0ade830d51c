//! Cryptographic primitives the protocol needs: HMAC-SHA256 through OpenSSL, and random bytes.
//! RC4, XTEA and Blowfish (RTMPE) are written here in Rust because OpenSSL 3 moved them to its
//! legacy provider (Blowfish in `blowfish.rs`; RC4 and XXTEA below; XTEA beside the handshake).

mod blowfish;
#[rustfmt::skip]
mod blowfish_pi;
pub use blowfish::Blowfish;

/// Fills `buf` with unpredictable bytes (the original used an unseeded `rand()`, the same bytes in
/// every run): OpenSSL's CSPRNG, or the kernel's through /dev/urandom in builds without OpenSSL.
pub fn random_bytes(buf: &mut [u8]) {
    #[cfg(feature = "crypto")]
    if openssl::rand::rand_bytes(buf).is_ok() {
        return;
    }
    use std::io::Read;
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).is_ok() {
        return;
    }
    // Neither is available (a sandbox without /dev): the handshake filler needs no secrecy, only
    // variety, so a time-seeded xorshift will do.
    let mut x =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1;
    for b in buf.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
}

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
#[cfg(feature = "crypto")]
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut h = HmacSha256::new(key);
    for p in parts {
        h.update(p);
    }
    h.finish()
}

/// HMAC-SHA256 fed piece by piece (a SWF as it downloads), built on OpenSSL's SHA-256 as
/// RFC 2104 defines it.
#[cfg(feature = "crypto")]
pub struct HmacSha256 {
    inner: openssl::sha::Sha256,
    outer_key: [u8; 64],
}

#[cfg(feature = "crypto")]
impl HmacSha256 {
    pub fn new(key: &[u8]) -> HmacSha256 {
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&openssl::sha::sha256(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut inner = openssl::sha::Sha256::new();
        inner.update(&k.map(|b| b ^ 0x36));
        HmacSha256 { inner, outer_key: k.map(|b| b ^ 0x5c) }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    pub fn finish(self) -> [u8; 32] {
        let mut outer = openssl::sha::Sha256::new();
        outer.update(&self.outer_key);
        outer.update(&self.inner.finish());
        outer.finish()
    }
}

#[cfg(all(test, feature = "crypto"))]
mod tests {
    #[test]
    fn hmac_rfc4231_case2() {
        let d = super::hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(d[..4], [0x5b, 0xdc, 0xc1, 0x46]);
        assert_eq!(d[28..], [0x64, 0xec, 0x38, 0x43]);
        // Case 6: a key longer than SHA-256's block (as the 68-byte FMS handshake key is).
        let d6 = super::hmac_sha256(&[0xaa; 131], &[b"Test Using Larger Than Block-Size Key - Hash Key First"]);
        assert_eq!(d6[..4], [0x60, 0xe4, 0x31, 0x59]);
        assert_eq!(d6[28..], [0x0e, 0xe3, 0x7f, 0x54]);
        let mut h = super::HmacSha256::new(b"Jefe");
        h.update(b"what do ya want ");
        h.update(b"for nothing?");
        assert_eq!(h.finish(), d);
    }
}

/// Decrypts a SecureToken challenge (hex text) with the `token=` key: XXTEA ("corrected block
/// TEA") over little-endian words, the key being the first 16 bytes of `key`. Returns the
/// plaintext, half as long as the hex text, as librtmp computes it.
pub fn secure_token_decrypt(key: &[u8], hex: &[u8]) -> Vec<u8> {
    const DELTA: u32 = 0x9e37_79b9;
    let mut k = [0u32; 4];
    for (i, &b) in key.iter().take(16).enumerate() {
        k[i / 4] |= u32::from(b) << ((i % 4) * 8);
    }
    let nibble = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'f' => u32::from(c - b'a' + 10),
            b'A'..=b'F' => u32::from(c - b'A' + 10),
            _ => 0,
        }
    };
    let n = hex.len().div_ceil(8).max(1);
    let mut v = vec![0u32; n];
    for (i, w) in v.iter_mut().enumerate() {
        for byte in 0..4 {
            let at = i * 8 + byte * 2;
            let hi = hex.get(at).map_or(0, |&c| nibble(c));
            let lo = hex.get(at + 1).map_or(0, |&c| nibble(c));
            *w |= ((hi << 4) | lo) << (byte * 8);
        }
    }
    let mx = |z: u32, y: u32, sum: u32, p: usize, e: u32| -> u32 {
        (((z >> 5) ^ (y << 2)).wrapping_add((y >> 3) ^ (z << 4)))
            ^ ((sum ^ y).wrapping_add(k[(p & 3) ^ e as usize] ^ z))
    };
    let rounds = 6 + 52 / n as u32;
    let mut sum = rounds.wrapping_mul(DELTA);
    let mut y = v[0];
    while sum != 0 {
        let e = (sum >> 2) & 3;
        for p in (1..n).rev() {
            let z = v[p - 1];
            v[p] = v[p].wrapping_sub(mx(z, y, sum, p, e));
            y = v[p];
        }
        let z = v[n - 1];
        v[0] = v[0].wrapping_sub(mx(z, y, sum, 0, e));
        y = v[0];
        sum = sum.wrapping_sub(DELTA);
    }
    let mut out: Vec<u8> = v.iter().flat_map(|w| w.to_le_bytes()).collect();
    out.truncate(hex.len() / 2);
    out
}

#[cfg(test)]
mod tea_tests {
    /// XXTEA encryption (the inverse), to check the decryption round-trips.
    fn encrypt(key: &[u8; 16], v: &mut [u32]) {
        const DELTA: u32 = 0x9e37_79b9;
        let k: Vec<u32> = key.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let n = v.len();
        let mut sum = 0u32;
        let mut z = v[n - 1];
        for _ in 0..6 + 52 / n {
            sum = sum.wrapping_add(DELTA);
            let e = (sum >> 2) & 3;
            for p in 0..n {
                let y = v[(p + 1) % n];
                let mx = (((z >> 5) ^ (y << 2)).wrapping_add((y >> 3) ^ (z << 4)))
                    ^ ((sum ^ y).wrapping_add(k[(p & 3) ^ e as usize] ^ z));
                v[p] = v[p].wrapping_add(mx);
                z = v[p];
            }
        }
    }

    #[test]
    fn decrypts_what_xxtea_encrypts() {
        let key = *b"0123456789abcdef";
        let plain = b"secret-token-16!";
        let mut v: Vec<u32> = plain.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        encrypt(&key, &mut v);
        let hex: String = v.iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::secure_token_decrypt(&key, hex.as_bytes()), plain);
    }
}

/// RC4, the stream cipher of RTMPE (OpenSSL 3 keeps it in the legacy provider only).
#[derive(Clone)]
pub struct Rc4 {
    s: [u8; 256],
    i: u8,
    j: u8,
}

impl core::fmt::Debug for Rc4 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Rc4 { .. }")
    }
}

impl Rc4 {
    pub fn new(key: &[u8]) -> Rc4 {
        let mut s = [0u8; 256];
        for (i, b) in s.iter_mut().enumerate() {
            *b = i as u8;
        }
        let mut j = 0u8;
        for i in 0..256 {
            j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
            s.swap(i, j as usize);
        }
        Rc4 { s, i: 0, j: 0 }
    }

    /// Encrypts or decrypts `data` in place (the same operation), advancing the key stream.
    pub fn apply(&mut self, data: &mut [u8]) {
        let (mut i, mut j) = (self.i, self.j);
        for b in data.iter_mut() {
            i = i.wrapping_add(1);
            j = j.wrapping_add(self.s[i as usize]);
            self.s.swap(i as usize, j as usize);
            *b ^= self.s[self.s[i as usize].wrapping_add(self.s[j as usize]) as usize];
        }
        self.i = i;
        self.j = j;
    }

    /// Advances the key stream by `n` bytes (RTMPE discards the first 1536).
    pub fn skip(&mut self, n: usize) {
        let mut buf = [0u8; 512];
        let mut left = n;
        while left > 0 {
            let k = left.min(buf.len());
            self.apply(&mut buf[..k]);
            left -= k;
        }
    }
}

/// RTMPE's Diffie-Hellman exchange in the 1024-bit MODP group of RFC 2409 (generator 2), the
/// big numbers done by OpenSSL.
#[cfg(feature = "crypto")]
pub struct Dh1024 {
    private: openssl::bn::BigNum,
    /// Our public key, big-endian, left-padded to 128 bytes.
    pub public: [u8; 128],
}

#[cfg(feature = "crypto")]
const MODP1024_P: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
);

#[cfg(feature = "crypto")]
fn padded128(n: &openssl::bn::BigNumRef) -> Option<[u8; 128]> {
    let v = n.to_vec();
    if v.len() > 128 {
        return None;
    }
    let mut out = [0u8; 128];
    out[128 - v.len()..].copy_from_slice(&v);
    Some(out)
}

#[cfg(feature = "crypto")]
impl Dh1024 {
    pub fn generate() -> Result<Dh1024, openssl::error::ErrorStack> {
        use openssl::bn::{BigNum, BigNumContext};
        let p = BigNum::from_hex_str(MODP1024_P)?;
        let g = BigNum::from_u32(2)?;
        let mut private = BigNum::new()?;
        // 1023 random bits: well below p, never zero in practice, as large as the group allows.
        private.rand(1023, openssl::bn::MsbOption::MAYBE_ZERO, true)?;
        let mut public = BigNum::new()?;
        let mut ctx = BigNumContext::new()?;
        public.mod_exp(&g, &private, &p, &mut ctx)?;
        let public = padded128(&public).expect("a residue mod a 1024-bit prime fits in 128 bytes");
        Ok(Dh1024 { private, public })
    }

    /// The shared secret with the peer's public key, left-padded to 128 bytes (as Debian's
    /// GnuTLS-built librtmp and its rtmpsuck compute it; OpenSSL-built librtmp leaves a secret with
    /// a leading zero byte unpadded, so about one handshake in 256 with such a peer derives other
    /// RC4 keys and fails), or None when the
    /// key is not a valid element of the group's prime-order subgroup (1 < y < p-1, y^q = 1).
    pub fn shared_secret(&self, peer: &[u8; 128]) -> Option<[u8; 128]> {
        use openssl::bn::{BigNum, BigNumContext};
        let compute = || -> Result<Option<[u8; 128]>, openssl::error::ErrorStack> {
            let mut ctx = BigNumContext::new()?;
            let p = BigNum::from_hex_str(MODP1024_P)?;
            let y = BigNum::from_slice(peer)?;
            let one = BigNum::from_u32(1)?;
            let mut p1 = BigNum::new()?;
            p1.checked_sub(&p, &one)?;
            if y <= one || y >= p1 {
                return Ok(None);
            }
            let mut q = BigNum::new()?;
            q.rshift1(&p1)?;
            let mut t = BigNum::new()?;
            t.mod_exp(&y, &q, &p, &mut ctx)?;
            if t != one {
                return Ok(None);
            }
            let mut s = BigNum::new()?;
            s.mod_exp(&y, &self.private, &p, &mut ctx)?;
            Ok(padded128(&s))
        };
        compute().ok().flatten()
    }
}

#[cfg(all(test, feature = "crypto"))]
mod rtmpe_tests {
    use super::*;

    #[test]
    fn rc4_known_answers() {
        // RFC 6229, key 0x0102030405, the first 16 bytes of key stream.
        let mut c = Rc4::new(&[1, 2, 3, 4, 5]);
        let mut ks = [0u8; 16];
        c.apply(&mut ks);
        assert_eq!(
            ks,
            [0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27, 0xcc, 0xc3, 0x52, 0x4a, 0x0a, 0x11, 0x18, 0xa8]
        );
        // The classic "Key"/"Plaintext" vector.
        let mut c = Rc4::new(b"Key");
        let mut m = *b"Plaintext";
        c.apply(&mut m);
        assert_eq!(m, [0xbb, 0xf3, 0x16, 0xe8, 0xd9, 0x40, 0xaf, 0x0a, 0xd3]);
        // skip == apply to a dummy buffer
        let (mut a, mut b) = (Rc4::new(b"k"), Rc4::new(b"k"));
        a.skip(1536);
        b.apply(&mut [0u8; 1536]);
        let (mut x, mut y) = ([7u8; 9], [7u8; 9]);
        a.apply(&mut x);
        b.apply(&mut y);
        assert_eq!(x, y);
    }

    #[test]
    fn dh_agrees_and_checks_keys() {
        let (a, b) = (Dh1024::generate().unwrap(), Dh1024::generate().unwrap());
        let (sa, sb) = (a.shared_secret(&b.public).unwrap(), b.shared_secret(&a.public).unwrap());
        assert_eq!(sa, sb);
        assert_ne!(a.public, b.public);
        let mut one = [0u8; 128];
        one[127] = 1;
        assert!(a.shared_secret(&one).is_none());
        assert!(a.shared_secret(&[0xff; 128]).is_none());
        assert!(a.shared_secret(&[0; 128]).is_none());
    }
}
