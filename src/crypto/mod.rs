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

#[cfg(all(test, feature = "crypto"))]
mod tests {
    #[test]
    fn hmac_rfc4231_case2() {
        let d = super::hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(d[..4], [0x5b, 0xdc, 0xc1, 0x46]);
        assert_eq!(d[28..], [0x64, 0xec, 0x38, 0x43]);
    }
}
