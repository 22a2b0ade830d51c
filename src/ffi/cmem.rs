//! All the libc memory that hangs off an `RTMP`, allocated and freed in this one file (the AMF
//! property trees stay with AMF): the struct from RTMP_Alloc, strings the library owns (a tcUrl
//! or app rewritten by publisher authentication, playpaths, the RTMPT client id), the method-call
//! queue, the chunk-stream arrays and their packets, packet bodies. It is libc memory, as in the
//! original, because C callers free some of it themselves (`free()` on RTMP_Alloc's struct,
//! RTMPPacket_Free on a body) and read the rest in place.

use super::abi::amf::AVal;
use super::abi::rtmp::*;
use core::ffi::{c_char, c_int, c_void};
use std::ptr::null_mut;

/// `calloc(1, sizeof(RTMP))`: all-zero is a valid RTMP (integers and pointers only).
pub(crate) fn alloc_rtmp() -> *mut RTMP {
    // SAFETY: plain allocation.
    unsafe { libc::calloc(1, core::mem::size_of::<RTMP>()) as *mut RTMP }
}

/// # Safety
/// `r` must come from `alloc_rtmp` (or be NULL) and not be used afterwards.
pub(crate) unsafe fn free_rtmp(r: *mut RTMP) {
    // SAFETY: per the contract.
    unsafe { libc::free(r as *mut c_void) }
}

/// A NUL-terminated libc `malloc` copy of `bytes` (callers release it with `free`), or `None` when
/// memory runs out.
pub(crate) fn malloc_copy(bytes: &[u8]) -> Option<AVal> {
    // SAFETY: a fresh allocation of len + 1 bytes, filled within bounds.
    unsafe {
        let p = libc::malloc(bytes.len() + 1) as *mut u8;
        if p.is_null() {
            log::error!("out of memory copying {} bytes", bytes.len());
            return None;
        }
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        *p.add(bytes.len()) = 0;
        Some(AVal { av_val: p as *mut c_char, av_len: bytes.len() as c_int })
    }
}

/// Frees a string the library allocated (`malloc_copy`) and empties the member.
pub(crate) fn free_aval(v: &mut AVal) {
    // SAFETY: only called on members the library allocated with libc (their flags say so), or NULL.
    unsafe { libc::free(v.av_val as *mut c_void) };
    *v = AVal::EMPTY;
}

/// Sets `field` to a library-owned copy of `text`, freeing the previous one if `owned` said the
/// library allocated it; true when the copy was made.
pub(crate) fn replace_owned(field: &mut AVal, owned: bool, text: &[u8]) -> bool {
    let Some(new) = malloc_copy(text) else { return false };
    if owned {
        free_aval(field);
    }
    *field = new;
    true
}

/// Allocates a zeroed body of `size` bytes with `RTMP_MAX_HEADER_SIZE` bytes in front of
/// `m_body`, where the sender writes chunk headers.
pub(crate) fn alloc_body(p: &mut RTMPPacket, size: u32) -> bool {
    let Some(total) = (size as usize).checked_add(RTMP_MAX_HEADER_SIZE) else { return false };
    // SAFETY: plain allocation.
    let base = unsafe { libc::calloc(1, total) } as *mut c_char;
    if base.is_null() {
        log::error!("RTMPPacket_Alloc: out of memory for a {size}-byte body");
        return false;
    }
    // SAFETY: total >= RTMP_MAX_HEADER_SIZE.
    p.m_body = unsafe { base.add(RTMP_MAX_HEADER_SIZE) };
    p.m_nBytesRead = 0;
    true
}

/// Frees the body (if any) and sets `m_body` to NULL.
pub(crate) fn free_body(p: &mut RTMPPacket) {
    if !p.m_body.is_null() {
        // SAFETY: m_body was returned by alloc_body, RTMP_MAX_HEADER_SIZE bytes into the block.
        unsafe { libc::free(p.m_body.sub(RTMP_MAX_HEADER_SIZE) as *mut c_void) };
        p.m_body = null_mut();
    }
}

/// Frees RTMP_Read's FLV header buffer (`m_read.buf`) if the library allocated one.
pub(crate) fn free_read_buffer(r: &mut RTMP) {
    if r.m_read.flags & RTMP_READ_HEADER != 0 {
        // SAFETY: m_read.buf is NULL or libc-allocated by RTMP_Read.
        unsafe { libc::free(r.m_read.buf as *mut c_void) };
        r.m_read.buf = null_mut();
        r.m_read.bufpos = null_mut();
        r.m_read.buflen = 0;
    }
}

/// The RTMPT session id (`m_clientID`), a libc string the library owns as in the original.
pub(crate) fn set_client_id(r: &mut RTMP, id: &[u8]) {
    if r.m_clientID.av_val.is_null() && !id.is_empty() {
        if let Some(v) = malloc_copy(id) {
            r.m_clientID = v;
        }
    }
}

/// Grows a libc array of `*mut T`-sized slots to `n` entries, zeroing the new ones.
fn grow<T>(arr: &mut *mut T, have: &mut c_int, n: usize) -> bool {
    if (*have as usize) >= n {
        return true;
    }
    let n = n + 10;
    // SAFETY: `arr` is NULL or a libc array of `have` elements; realloc keeps them.
    let p = unsafe { libc::realloc(*arr as *mut c_void, n * core::mem::size_of::<T>()) } as *mut T;
    if p.is_null() {
        return false;
    }
    // SAFETY: the new tail lies within the reallocated block.
    unsafe { core::ptr::write_bytes(p.add(*have as usize), 0, n - *have as usize) };
    *arr = p;
    *have = n as c_int;
    true
}

/// Makes `m_channelTimestamp` and `m_vecChannelsIn` hold at least `n` entries. The two arrays
/// share one count: they grow one after the other, each new pointer stored at once (a failed
/// second realloc must not leave the first one dangling).
pub(crate) fn ensure_channels_in(r: &mut RTMP, n: usize) -> bool {
    if (r.m_channelsAllocatedIn as usize) >= n {
        return true;
    }
    let mut have = r.m_channelsAllocatedIn;
    if !grow(&mut r.m_channelTimestamp, &mut have, n) {
        return false;
    }
    let mut have2 = r.m_channelsAllocatedIn;
    if !grow(&mut r.m_vecChannelsIn, &mut have2, n) {
        return false;
    }
    r.m_channelsAllocatedIn = have.min(have2);
    true
}

/// Makes `m_vecChannelsOut` hold at least `n` entries.
pub(crate) fn ensure_channels_out(r: &mut RTMP, n: usize) -> bool {
    grow(&mut r.m_vecChannelsOut, &mut r.m_channelsAllocatedOut, n)
}

/// The packet in `slot`, allocated (zeroed, libc) if missing; NULL if memory ran out.
///
/// # Safety
/// `slot` must be a valid slot of a channel array.
pub(crate) unsafe fn ensure_packet(slot: *mut *mut RTMPPacket) -> *mut RTMPPacket {
    // SAFETY: per the contract.
    unsafe {
        if (*slot).is_null() {
            *slot = libc::calloc(1, core::mem::size_of::<RTMPPacket>()) as *mut RTMPPacket;
        }
        *slot
    }
}

/// Frees the per-chunk-stream caches (`m_vecChannelsIn/Out`, `m_channelTimestamp`).
pub(crate) fn free_channels(r: &mut RTMP) {
    let free_vec = |vec: *mut *mut RTMPPacket, n: c_int, with_body: bool| {
        if vec.is_null() {
            return;
        }
        for i in 0..n.max(0) as usize {
            // SAFETY: the library allocated `n` slots, each NULL or a libc-allocated packet.
            unsafe {
                let p = *vec.add(i);
                if !p.is_null() {
                    if with_body {
                        free_body(&mut *p);
                    }
                    libc::free(p as *mut c_void);
                }
            }
        }
        // SAFETY: the array itself is libc memory.
        unsafe { libc::free(vec as *mut c_void) };
    };
    free_vec(r.m_vecChannelsIn, r.m_channelsAllocatedIn, true);
    free_vec(r.m_vecChannelsOut, r.m_channelsAllocatedOut, false);
    // SAFETY: libc memory or NULL.
    unsafe { libc::free(r.m_channelTimestamp as *mut c_void) };
    r.m_vecChannelsIn = null_mut();
    r.m_vecChannelsOut = null_mut();
    r.m_channelTimestamp = null_mut();
    r.m_channelsAllocatedIn = 0;
    r.m_channelsAllocatedOut = 0;
}

/// Empties the queue of invokes awaiting a `_result` (names are libc copies).
pub(crate) fn clear_method_calls(r: &mut RTMP) {
    if !r.m_methodCalls.is_null() {
        for i in 0..r.m_numCalls.max(0) as usize {
            // SAFETY: m_numCalls entries were written by the library.
            unsafe { libc::free((*r.m_methodCalls.add(i)).name.av_val as *mut c_void) };
        }
        // SAFETY: libc memory.
        unsafe { libc::free(r.m_methodCalls as *mut c_void) };
    }
    r.m_methodCalls = null_mut();
    r.m_numCalls = 0;
}

/// Replaces the C method-call queue with `calls` (name, transaction id); names are libc copies,
/// NUL-terminated like the original's.
pub(crate) fn set_method_calls<'a>(r: &mut RTMP, calls: impl ExactSizeIterator<Item = (&'a [u8], c_int)>) {
    clear_method_calls(r);
    let n = calls.len();
    if n == 0 {
        return;
    }
    // SAFETY: a fresh libc array for `n` entries.
    let arr = unsafe { libc::calloc(n, core::mem::size_of::<RTMP_METHOD>()) } as *mut RTMP_METHOD;
    if arr.is_null() {
        return;
    }
    for (i, (name, txn)) in calls.enumerate() {
        if let Some(name) = malloc_copy(name) {
            // SAFETY: i < n entries.
            unsafe { *arr.add(i) = RTMP_METHOD { name, num: txn } };
        }
    }
    r.m_methodCalls = arr;
    r.m_numCalls = n as c_int;
}

/// Removes entry `i` (in range) of the method-call queue, keeping the order; `free_name` also
/// frees its name (otherwise the caller took it).
pub(crate) fn drop_method_call(r: &mut RTMP, i: usize, free_name: bool) {
    let n = r.m_numCalls as usize;
    debug_assert!(i < n && !r.m_methodCalls.is_null());
    // SAFETY: 0 <= i < n entries; the tail moves down by one inside the same array.
    unsafe {
        let calls = r.m_methodCalls;
        if free_name {
            libc::free((*calls.add(i)).name.av_val as *mut c_void);
        }
        core::ptr::copy(calls.add(i + 1), calls.add(i), n - i - 1);
        core::ptr::write_bytes(calls.add(n - 1), 0, 1);
    }
    r.m_numCalls -= 1;
}

/// Resets the connection state of the struct and frees what the library allocated in it.
pub(crate) fn free_c_side(r: &mut RTMP, reconnect: bool) {
    r.m_stream_id = -1;
    r.m_sb.sb_socket = -1;
    r.m_nBWCheckCounter = 0;
    r.m_nBytesIn = 0;
    r.m_nBytesInSent = 0;

    free_read_buffer(r);
    r.m_read.dataType = 0;
    r.m_read.flags = 0;
    r.m_read.status = 0;
    r.m_read.nResumeTS = 0;
    r.m_read.nIgnoredFrameCounter = 0;
    r.m_read.nIgnoredFlvFrameCounter = 0;

    r.m_write.m_nBytesRead = 0;
    free_body(&mut r.m_write);

    free_channels(r);
    clear_method_calls(r);
    r.m_numInvokes = 0;

    r.m_bPlaying = 0;
    r.m_sb.sb_size = 0;
    r.m_sb.sb_start = null_mut();
    r.m_msgCounter = 0;
    r.m_resplen = 0;
    r.m_unackd = 0;
    if !r.m_clientID.av_val.is_null() {
        // The HTTP tunnel's session id (set_client_id).
        free_aval(&mut r.m_clientID);
    }

    if !reconnect {
        if r.Link.lFlags & RTMP_LF_FTCU != 0 {
            free_aval(&mut r.Link.tcUrl);
            r.Link.lFlags &= !RTMP_LF_FTCU;
        }
        if r.Link.lFlags & RTMP_LF_FAPU != 0 {
            free_aval(&mut r.Link.app);
            r.Link.lFlags &= !RTMP_LF_FAPU;
        }
        // playpath usually aliases playpath0: clear it too rather than leave it dangling.
        if r.Link.playpath.av_val == r.Link.playpath0.av_val {
            r.Link.playpath = AVal::EMPTY;
        }
        free_aval(&mut r.Link.playpath0);
    }
}
