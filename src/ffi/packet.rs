//! RTMPPacket_Alloc/Free/Reset/Dump with the original memory convention: the body is libc memory
//! with `RTMP_MAX_HEADER_SIZE` bytes in front of `m_body`, where the sender writes chunk headers.
#![allow(non_snake_case)]

use super::abi::rtmp::RTMPPacket;
use super::boundary::guard;
use super::logging::{emit, LOG_DEBUG};
use core::ffi::c_int;

/// Allocates a zeroed body of `size` bytes (plus header room); FALSE if it cannot.
///
/// # Safety
/// `p` must be NULL or point to a writable RTMPPacket.
#[no_mangle]
pub unsafe extern "C" fn RTMPPacket_Alloc(p: *mut RTMPPacket, nSize: u32) -> c_int {
    guard(0, || {
        // SAFETY: per the contract.
        let Some(p) = (unsafe { p.as_mut() }) else { return 0 };
        c_int::from(super::cmem::alloc_body(p, nSize))
    })
}

/// Frees the body (if any) and sets `m_body` to NULL.
///
/// # Safety
/// `p` must be NULL or point to an RTMPPacket whose `m_body` is NULL or from `RTMPPacket_Alloc`.
#[no_mangle]
pub unsafe extern "C" fn RTMPPacket_Free(p: *mut RTMPPacket) {
    guard((), || {
        // SAFETY: per the contract.
        if let Some(p) = unsafe { p.as_mut() } {
            super::cmem::free_body(p);
        }
    })
}

/// Clears the header fields (not the body, as the original).
///
/// # Safety
/// `p` must be NULL or point to a writable RTMPPacket.
#[no_mangle]
pub unsafe extern "C" fn RTMPPacket_Reset(p: *mut RTMPPacket) {
    guard((), || {
        // SAFETY: per the contract.
        if let Some(p) = unsafe { p.as_mut() } {
            p.m_headerType = 0;
            p.m_packetType = 0;
            p.m_nChannel = 0;
            p.m_nTimeStamp = 0;
            p.m_nInfoField2 = 0;
            p.m_hasAbsTimestamp = 0;
            p.m_nBodySize = 0;
            p.m_nBytesRead = 0;
        }
    })
}

/// # Safety
/// `p` must be NULL or point to an RTMPPacket whose body (if any) has at least one byte.
#[no_mangle]
pub unsafe extern "C" fn RTMPPacket_Dump(p: *mut RTMPPacket) {
    guard((), || {
        // SAFETY: per the contract.
        let Some(p) = (unsafe { p.as_ref() }) else { return };
        // SAFETY: a non-NULL body has at least its first byte (the original reads it too).
        let first = if p.m_body.is_null() || p.m_nBodySize == 0 { 0 } else { unsafe { *p.m_body as u8 } };
        emit(
            LOG_DEBUG,
            &format!(
                "RTMP PACKET: packet type: 0x{:02x}. channel: 0x{:02x}. info 1: {} info 2: {}. Body size: {}. body: \
                     0x{:02x}",
                p.m_packetType, p.m_nChannel, p.m_nTimeStamp as i32, p.m_nInfoField2, p.m_nBodySize, first
            ),
        );
    })
}
