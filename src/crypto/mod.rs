//! Cryptographic primitives the protocol needs: HMAC-SHA256 through OpenSSL, and random bytes.
//! RC4, XTEA and Blowfish (RTMPE) are written here in Rust because OpenSSL 3 moved them to its
//! legacy provider; they arrive with RTMPE.

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
    let mut x = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1;
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
    use openssl::{hash::MessageDigest, pkey::PKey, sign::Signer};
    let compute = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let pkey = PKey::hmac(key)?;
        let mut signer = Signer::new(MessageDigest::sha256(), &pkey)?;
        for p in parts {
            signer.update(p)?;
        }
        signer.sign_to_vec()
    };
    let mut out = [0u8; 32];
    match compute() {
        Ok(v) if v.len() == 32 => out.copy_from_slice(&v),
        // OpenSSL cannot fail on an HMAC of memory short of running out of it.
        other => panic!("HMAC-SHA256 failed: {other:?}"),
    }
    out
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
        (((z >> 5) ^ (y << 2)).wrapping_add((y >> 3) ^ (z << 4))) ^ ((sum ^ y).wrapping_add(k[(p & 3) ^ e as usize] ^ z))
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
                let mx = (((z >> 5) ^ (y << 2)).wrapping_add((y >> 3) ^ (z << 4))) ^ ((sum ^ y).wrapping_add(k[(p & 3) ^ e as usize] ^ z));
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
