//! The connection's read buffer. Chunk headers are parsed in place from `data()`; the chunk last
//! handed out stays readable until the next read (`hand_out`, then `drop_pending`). Invariants:
//! `start <= end <= buf.len()`; the bytes held are `buf[start..end]`; the handed-out bytes are a
//! prefix of them; whenever nothing is held, `start` and `end` are 0 (the next read lands at the
//! front, so the buffer only grows when one chunk needs more room than it has).

/// Bytes read from the socket per call: large enough that a fast stream costs few syscalls.
pub(super) const READ_BLOCK: usize = 64 * 1024;
/// After a direct read, ordinary reads start this small and double while the socket fills them:
/// a 64 KiB read would pull the start of the next large message into the read buffer, to be
/// copied out of it, where a direct read would have put it in place.
pub(super) const SMALL_READ: usize = 4 * 1024;

pub(super) struct RecvBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes at the front handed out (the last chunk or `read_exact`'s bytes), dropped by the
    /// next read.
    pending: usize,
    /// The most the next read asks for.
    read_limit: usize,
}

impl RecvBuf {
    pub(super) fn new() -> Self {
        RecvBuf { buf: vec![0; READ_BLOCK], start: 0, end: 0, pending: 0, read_limit: READ_BLOCK }
    }

    /// The bytes held (received and not consumed), handed-out ones included.
    pub(super) fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub(super) fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.start..self.end]
    }

    pub(super) fn held(&self) -> usize {
        self.end - self.start
    }

    /// The bytes held and not handed out.
    pub(super) fn unread(&self) -> usize {
        self.held() - self.pending.min(self.held())
    }

    /// The first `n` held bytes are handed out: they stay readable until `drop_pending`.
    pub(super) fn hand_out(&mut self, n: usize) {
        debug_assert!(n <= self.held());
        self.pending = n;
    }

    /// Drops what was handed out.
    pub(super) fn drop_pending(&mut self) {
        let n = std::mem::take(&mut self.pending);
        self.consume(n);
    }

    /// The first `n` held bytes are used up.
    pub(super) fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.held());
        self.start += n;
        if self.start == self.end {
            self.clear();
        }
    }

    /// Forgets everything held.
    pub(super) fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
        self.pending = 0;
    }

    /// Everything held, taken out.
    pub(super) fn take(&mut self) -> Vec<u8> {
        let v = self.data().to_vec();
        self.clear();
        v
    }

    /// Where the next read goes: after the held bytes, moved to the front or the buffer doubled
    /// when there is no room behind them; no more than the read limit.
    pub(super) fn spare(&mut self) -> &mut [u8] {
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let n = self.buf.len() * 2;
                self.buf.resize(n, 0);
            }
        }
        let want = (self.buf.len() - self.end).min(self.read_limit);
        &mut self.buf[self.end..self.end + want]
    }

    /// `n` bytes arrived in `spare()` (of `want` asked for): a read that filled it asks for
    /// twice as much next time, up to READ_BLOCK.
    pub(super) fn filled(&mut self, n: usize, want: usize) {
        debug_assert!(self.end + n <= self.buf.len());
        self.end += n;
        if n == want {
            self.read_limit = (self.read_limit * 2).min(READ_BLOCK);
        }
    }

    /// The front of the (empty) buffer, for a direct read to put what follows its message in;
    /// ordinary reads start small again afterwards (see SMALL_READ).
    pub(super) fn tail_for_direct(&mut self, len: usize) -> &mut [u8] {
        debug_assert_eq!(self.held(), 0);
        self.read_limit = SMALL_READ;
        let len = len.min(self.buf.len());
        &mut self.buf[..len]
    }

    /// A direct read left `n` bytes at the front of the buffer (in `tail_for_direct`'s slice).
    pub(super) fn set_tail(&mut self, n: usize) {
        self.start = 0;
        self.end = n;
        self.pending = 0;
    }

    /// `front` goes before the `tail` bytes at the front of the buffer, and all of it is held.
    pub(super) fn put_back(&mut self, front: &[u8], tail: usize) {
        let g = front.len() + tail;
        if self.buf.len() < g {
            self.buf.resize(g, 0);
        }
        self.buf.copy_within(0..tail, front.len());
        self.buf[..front.len()].copy_from_slice(front);
        self.set_tail(g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(bytes: &[u8]) -> RecvBuf {
        let mut b = RecvBuf::new();
        let s = b.spare();
        let want = s.len();
        s[..bytes.len()].copy_from_slice(bytes);
        b.filled(bytes.len(), want);
        b
    }

    #[test]
    fn handed_out_bytes_stay_until_the_next_read() {
        let mut b = with(b"abcdef");
        b.hand_out(2);
        assert_eq!(b.data(), b"abcdef");
        assert_eq!(b.unread(), 4);
        b.drop_pending();
        assert_eq!(b.data(), b"cdef");
        b.drop_pending();
        assert_eq!(b.data(), b"cdef", "dropping twice drops once");
    }

    #[test]
    fn an_emptied_buffer_starts_over_at_the_front() {
        let mut b = with(b"abc");
        b.consume(3);
        assert_eq!((b.start, b.end, b.held()), (0, 0, 0));
        let mut b = with(b"abc");
        b.hand_out(3);
        b.drop_pending();
        assert_eq!((b.start, b.end), (0, 0));
    }

    #[test]
    fn a_full_buffer_moves_its_bytes_forward_or_grows() {
        let mut b = RecvBuf::new();
        let cap = b.buf.len();
        let want = b.spare().len();
        b.filled(want, want);
        assert_eq!(b.held(), cap);
        b.consume(10);
        let room = b.spare().len();
        assert_eq!(room, 10, "the held bytes moved to the front, behind them the room");
        assert_eq!(b.start, 0);
        b.filled(10, 10);
        let room = b.spare().len();
        assert_eq!(b.buf.len(), 2 * cap, "a buffer full from its start doubles");
        assert!(room > 0);
    }

    #[test]
    fn a_read_that_fills_its_space_asks_for_more_next_time() {
        let mut b = RecvBuf::new();
        b.tail_for_direct(16);
        assert_eq!(b.spare().len(), SMALL_READ);
        b.filled(SMALL_READ, SMALL_READ);
        assert_eq!(b.spare().len(), 2 * SMALL_READ);
        b.filled(1, 2 * SMALL_READ);
        assert_eq!(b.spare().len(), 2 * SMALL_READ, "a short read keeps the limit");
    }

    #[test]
    fn put_back_keeps_the_order() {
        let mut b = RecvBuf::new();
        b.tail_for_direct(4).copy_from_slice(b"TAIL");
        b.put_back(b"front-", 4);
        assert_eq!(b.data(), b"front-TAIL");
    }
}
