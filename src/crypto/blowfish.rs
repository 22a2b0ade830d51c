//! Blowfish (Schneier, 1993), for RTMPE type 9 only: that handshake encrypts its 32-byte
//! signatures with it, eight bytes at a time under one of 16 fixed 192-bit keys. Written here
//! because OpenSSL 3 keeps Blowfish in its legacy provider, which distributions do not load.
//! Encryption only: the handshake never decrypts.

use super::blowfish_pi::{P_INIT, S_INIT};

pub struct Blowfish {
    p: [u32; 18],
    s: Box<[[u32; 256]; 4]>,
}

impl Blowfish {
    /// The cipher keyed with `key` (1 to 72 bytes; RTMPE uses 24).
    pub fn new(key: &[u8]) -> Blowfish {
        assert!(!key.is_empty() && key.len() <= 72, "Blowfish keys are 1 to 72 bytes");
        let mut bf = Blowfish { p: P_INIT, s: Box::new(S_INIT) };
        // The key, repeated as often as it takes, is folded into P as big-endian words.
        let mut bytes = key.iter().copied().cycle();
        for p in bf.p.iter_mut() {
            *p ^= bytes.by_ref().take(4).fold(0u32, |w, b| w << 8 | u32::from(b));
        }
        // Then P and the S-boxes are replaced, in order, by the encryptions of a chained zero block.
        let mut block = (0u32, 0u32);
        for i in (0..18).step_by(2) {
            block = bf.encrypt_words(block.0, block.1);
            bf.p[i] = block.0;
            bf.p[i + 1] = block.1;
        }
        for b in 0..4 {
            for i in (0..256).step_by(2) {
                block = bf.encrypt_words(block.0, block.1);
                bf.s[b][i] = block.0;
                bf.s[b][i + 1] = block.1;
            }
        }
        bf
    }

    fn f(&self, x: u32) -> u32 {
        let [a, b, c, d] = x.to_be_bytes();
        (self.s[0][usize::from(a)].wrapping_add(self.s[1][usize::from(b)]) ^ self.s[2][usize::from(c)])
            .wrapping_add(self.s[3][usize::from(d)])
    }

    /// One block as its two 32-bit halves (left, right).
    pub fn encrypt_words(&self, mut l: u32, mut r: u32) -> (u32, u32) {
        for i in (0..16).step_by(2) {
            l ^= self.p[i];
            r ^= self.f(l);
            r ^= self.p[i + 1];
            l ^= self.f(r);
        }
        (r ^ self.p[17], l ^ self.p[16])
    }

    /// One 8-byte block, its halves big-endian as the cipher's specification reads them.
    #[cfg(test)]
    pub fn encrypt_block(&self, block: &mut [u8; 8]) {
        let (l, r) = self.encrypt_words(
            u32::from_be_bytes([block[0], block[1], block[2], block[3]]),
            u32::from_be_bytes([block[4], block[5], block[6], block[7]]),
        );
        block[..4].copy_from_slice(&l.to_be_bytes());
        block[4..].copy_from_slice(&r.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::Blowfish;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn enc(key: &str, plain: &str) -> String {
        let mut b = [0u8; 8];
        b.copy_from_slice(&hex(plain));
        Blowfish::new(&hex(key)).encrypt_block(&mut b);
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    /// Eric Young's published test vectors (the ones every Blowfish implementation is checked
    /// against), which also prove the generated pi tables.
    #[test]
    fn known_answers() {
        for (key, plain, cipher) in [
            ("0000000000000000", "0000000000000000", "4EF997456198DD78"),
            ("FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF", "51866FD5B85ECB8A"),
            ("3000000000000000", "1000000000000001", "7D856F9A613063F2"),
            ("1111111111111111", "1111111111111111", "2466DD878B963C9D"),
            ("0123456789ABCDEF", "1111111111111111", "61F9C3802281B096"),
            ("FEDCBA9876543210", "0123456789ABCDEF", "0ACEAB0FC6A0A28D"),
            ("7CA110454A1A6E57", "01A1D6D039776742", "59C68245EB05282B"),
            ("0131D9619DC1376E", "5CD54CA83DEF57DA", "B1B8CC0B250F09A0"),
        ] {
            assert_eq!(enc(key, plain), cipher, "key {key}");
        }
        // Keys of other lengths (the set-key vectors): the first 1, 16 and 24 bytes of one key.
        let long = "F0E1D2C3B4A5968778695A4B3C2D1E0F0011223344556677";
        assert_eq!(enc(&long[..2], "FEDCBA9876543210"), "F9AD597C49DB005E");
        assert_eq!(enc(&long[..32], "FEDCBA9876543210"), "93142887EE3BE15C");
        assert_eq!(enc(long, "FEDCBA9876543210"), "05044B62FA52D080");
    }
}
