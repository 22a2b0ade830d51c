//! The network half of `<librtmp/rtmp.h>`: connecting, the chunk stream, NetConnection/NetStream
//! commands, RTMP_Read/RTMP_Write, and the socket buffer. The protocol engine lands with issue #3;
//! until then every entry point validates its arguments and fails cleanly (FALSE / -1, a log line).
#![allow(non_snake_case)]

use super::abi::rtmp::{RTMPChunk, RTMPPacket, RTMPSockBuf, RTMP};
use super::guard::guard;
use core::ffi::{c_char, c_int, c_short, c_uint, c_void};

/// Closes the transport of a connected handle (first part of `RTMP_Close`).
pub(crate) fn shutdown_connection(r: &mut RTMP) {
    close_sockbuf(&mut r.m_sb);
}

fn close_sockbuf(sb: &mut RTMPSockBuf) -> c_int {
    let mut rc = 0;
    if sb.sb_socket != -1 {
        // SAFETY: closing a descriptor the caller handed to this handle.
        rc = unsafe { libc::close(sb.sb_socket) };
        sb.sb_socket = -1;
    }
    rc
}

fn unavailable(what: &str) {
    log::error!("{what}: the RTMP protocol engine is not part of this build yet");
}

/// Checks the handle pointer every network entry point receives.
fn handle<'a>(r: *mut RTMP, what: &str) -> Option<&'a mut RTMP> {
    // SAFETY: callers pass NULL or an initialised handle (the C contract of every export here).
    let r = unsafe { r.as_mut() };
    if r.is_none() {
        log::error!("{what}: NULL RTMP handle");
    }
    r
}

macro_rules! not_yet {
    ($name:literal, $r:expr, $fail:expr) => {
        guard($fail, || {
            if handle($r, $name).is_some() {
                unavailable($name);
            }
            $fail
        })
    };
}

/// # Safety
/// `r` must be NULL or an initialised handle; `cp` NULL or a packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect(r: *mut RTMP, cp: *mut RTMPPacket) -> c_int {
    let _ = cp;
    guard(0, || {
        let Some(r) = handle(r, "RTMP_Connect") else { return 0 };
        if r.Link.hostname.av_len <= 0 || r.Link.hostname.av_val.is_null() {
            log::error!("RTMP_Connect: no hostname (call RTMP_SetupURL first)");
            return 0;
        }
        unavailable("RTMP_Connect");
        0
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `svc` NULL or a socket address.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect0(r: *mut RTMP, svc: *mut libc::sockaddr) -> c_int {
    guard(0, || {
        if handle(r, "RTMP_Connect0").is_none() {
            return 0;
        }
        if svc.is_null() {
            log::error!("RTMP_Connect0: NULL address");
            return 0;
        }
        unavailable("RTMP_Connect0");
        0
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `cp` NULL or a packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect1(r: *mut RTMP, cp: *mut RTMPPacket) -> c_int {
    let _ = cp;
    not_yet!("RTMP_Connect1", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle with an accepted socket.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Serve(r: *mut RTMP) -> c_int {
    not_yet!("RTMP_Serve", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle; `ctx` NULL or from `RTMP_TLS_AllocServerContext`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_TLS_Accept(r: *mut RTMP, ctx: *mut c_void) -> c_int {
    guard(0, || {
        if handle(r, "RTMP_TLS_Accept").is_none() {
            return 0;
        }
        if ctx.is_null() {
            log::error!("RTMP_TLS_Accept: NULL TLS context");
            return 0;
        }
        unavailable("RTMP_TLS_Accept");
        0
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a writable packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ReadPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    let _ = packet;
    not_yet!("RTMP_ReadPacket", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a packet with header room.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendPacket(r: *mut RTMP, packet: *mut RTMPPacket, queue: c_int) -> c_int {
    let _ = (packet, queue);
    not_yet!("RTMP_SendPacket", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle; `chunk` NULL or a chunk from `RTMP_ReadPacket`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendChunk(r: *mut RTMP, chunk: *mut RTMPChunk) -> c_int {
    let _ = chunk;
    not_yet!("RTMP_SendChunk", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ToggleStream(r: *mut RTMP) -> c_int {
    not_yet!("RTMP_ToggleStream", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ConnectStream(r: *mut RTMP, seekTime: c_int) -> c_int {
    let _ = seekTime;
    not_yet!("RTMP_ConnectStream", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ReconnectStream(r: *mut RTMP, seekTime: c_int) -> c_int {
    let _ = seekTime;
    not_yet!("RTMP_ReconnectStream", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_DeleteStream(r: *mut RTMP) {
    guard((), || {
        if let Some(r) = handle(r, "RTMP_DeleteStream") {
            if r.m_stream_id >= 0 {
                r.m_bPlaying = 0;
                r.m_stream_id = -1;
            }
        }
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a writable packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_GetNextMediaPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    let _ = packet;
    not_yet!("RTMP_GetNextMediaPacket", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a complete packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ClientPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    let _ = packet;
    not_yet!("RTMP_ClientPacket", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendCtrl(r: *mut RTMP, nType: c_short, nObject: c_uint, nTime: c_uint) -> c_int {
    let _ = (nType, nObject, nTime);
    not_yet!("RTMP_SendCtrl", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendPause(r: *mut RTMP, DoPause: c_int, dTime: c_int) -> c_int {
    let _ = (DoPause, dTime);
    not_yet!("RTMP_SendPause", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Pause(r: *mut RTMP, DoPause: c_int) -> c_int {
    let _ = DoPause;
    not_yet!("RTMP_Pause", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendCreateStream(r: *mut RTMP) -> c_int {
    not_yet!("RTMP_SendCreateStream", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendSeek(r: *mut RTMP, dTime: c_int) -> c_int {
    let _ = dTime;
    not_yet!("RTMP_SendSeek", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendServerBW(r: *mut RTMP) -> c_int {
    not_yet!("RTMP_SendServerBW", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendClientBW(r: *mut RTMP) -> c_int {
    not_yet!("RTMP_SendClientBW", r, 0)
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_UpdateBufferMS(r: *mut RTMP) {
    guard((), || {
        if handle(r, "RTMP_UpdateBufferMS").is_some() {
            unavailable("RTMP_UpdateBufferMS");
        }
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `buf` must hold `size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Read(r: *mut RTMP, buf: *mut c_char, size: c_int) -> c_int {
    guard(-1, || {
        let Some(_) = handle(r, "RTMP_Read") else { return -1 };
        if buf.is_null() || size < 0 {
            log::error!("RTMP_Read: bad buffer ({size} bytes at {buf:?})");
            return -1;
        }
        unavailable("RTMP_Read");
        -1
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle; `buf` must hold `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Write(r: *mut RTMP, buf: *const c_char, size: c_int) -> c_int {
    guard(-1, || {
        let Some(_) = handle(r, "RTMP_Write") else { return -1 };
        if buf.is_null() || size < 0 {
            log::error!("RTMP_Write: bad buffer ({size} bytes at {buf:?})");
            return -1;
        }
        unavailable("RTMP_Write");
        -1
    })
}

/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Fill(sb: *mut RTMPSockBuf) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        if unsafe { sb.as_mut() }.is_none() {
            log::error!("RTMPSockBuf_Fill: NULL socket buffer");
            return -1;
        }
        unavailable("RTMPSockBuf_Fill");
        -1
    })
}

/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle; `buf` `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Send(sb: *mut RTMPSockBuf, buf: *const c_char, len: c_int) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        if unsafe { sb.as_mut() }.is_none() || buf.is_null() || len < 0 {
            log::error!("RTMPSockBuf_Send: bad arguments");
            return -1;
        }
        unavailable("RTMPSockBuf_Send");
        -1
    })
}

/// Closes the socket of `sb` (and its TLS session); returns close()'s result.
///
/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Close(sb: *mut RTMPSockBuf) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        match unsafe { sb.as_mut() } {
            Some(sb) => close_sockbuf(sb),
            None => -1,
        }
    })
}
