//! Bounds-checked big-endian reads shared by the decoders: each returns `None` rather than reading
//! past `end`, the first byte the caller may not touch.

pub(crate) fn bytes(input: &[u8], pos: usize, len: usize, end: usize) -> Option<&[u8]> {
    let stop = pos.checked_add(len)?;
    if stop > end {
        return None;
    }
    input.get(pos..stop)
}

pub(crate) fn u8_at(input: &[u8], pos: usize, end: usize) -> Option<u8> {
    bytes(input, pos, 1, end).map(|b| b[0])
}

pub(crate) fn u16_at(input: &[u8], pos: usize, end: usize) -> Option<u16> {
    bytes(input, pos, 2, end).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

pub(crate) fn u32_at(input: &[u8], pos: usize, end: usize) -> Option<u32> {
    bytes(input, pos, 4, end).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

pub(crate) fn f64_at(input: &[u8], pos: usize, end: usize) -> Option<f64> {
    bytes(input, pos, 8, end).map(|b| {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        f64::from_be_bytes(a)
    })
}

/// An AMF3 variable-length 29-bit integer: up to three bytes of 7 bits with a continuation bit,
/// then a whole fourth byte. Returns the raw unsigned value and the bytes used.
pub(crate) fn u29_at(input: &[u8], pos: usize, end: usize) -> Option<(u32, usize)> {
    let mut value: u32 = 0;
    for i in 0..3 {
        let b = u8_at(input, pos + i, end)?;
        if b & 0x80 == 0 {
            return Some(((value << 7) | u32::from(b), i + 1));
        }
        value = (value << 7) | u32::from(b & 0x7f);
    }
    let b = u8_at(input, pos + 3, end)?;
    Some(((value << 8) | u32::from(b), 4))
}

/// A U29 read as a signed 29-bit integer (values above 2^28 - 1 wrap negative), as AMF3 integers
/// and librtmp's reference headers are.
pub(crate) fn signed29(raw: u32) -> i32 {
    if raw > 0x0fff_ffff {
        raw as i32 - (1 << 29)
    } else {
        raw as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u29_forms() {
        assert_eq!(u29_at(&[0x00], 0, 1), Some((0, 1)));
        assert_eq!(u29_at(&[0x7f], 0, 1), Some((0x7f, 1)));
        assert_eq!(u29_at(&[0x81, 0x00], 0, 2), Some((0x80, 2)));
        assert_eq!(u29_at(&[0xff, 0x7f], 0, 2), Some((0x3fff, 2)));
        assert_eq!(u29_at(&[0x81, 0x80, 0x00], 0, 3), Some((0x4000, 3)));
        assert_eq!(u29_at(&[0xff, 0xff, 0x7f], 0, 3), Some((0x1f_ffff, 3)));
        assert_eq!(u29_at(&[0x80, 0xc0, 0x80, 0x00], 0, 4), Some((0x20_0000, 4)));
        assert_eq!(u29_at(&[0x80, 0x80, 0x80, 0xff], 0, 4), Some((0xff, 4)));
        assert_eq!(u29_at(&[0xff, 0xff, 0xff, 0xff], 0, 4), Some((0x1fff_ffff, 4)));
    }

    #[test]
    fn u29_never_reads_past_end() {
        let data = [0xff, 0xff, 0xff, 0xff];
        for end in 0..4 {
            assert_eq!(u29_at(&data, 0, end), None);
        }
        assert_eq!(u29_at(&[0x81], 0, 1), None);
        assert_eq!(u29_at(&[], 0, 0), None);
    }

    #[test]
    fn signed29_wraps_the_top_bit() {
        assert_eq!(signed29(0x0fff_ffff), 268_435_455);
        assert_eq!(signed29(0x1000_0000), -268_435_456);
        assert_eq!(signed29(0x1fff_ffff), -1);
    }

    #[test]
    fn fixed_reads() {
        let d = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(u16_at(&d, 0, 8), Some(0x0102));
        assert_eq!(u16_at(&d, 7, 8), None);
        assert_eq!(u32_at(&d, 4, 8), Some(0x05060708));
        assert_eq!(u32_at(&d, 4, 7), None);
        assert_eq!(f64_at(&d, 0, 7), None);
        assert_eq!(u8_at(&d, usize::MAX, usize::MAX), None);
        assert_eq!(bytes(&d, usize::MAX, 2, usize::MAX), None);
    }
}
