//! The network half of `<librtmp/rtmp.h>`: connecting, the chunk stream, NetConnection/NetStream
//! commands, RTMP_Read/RTMP_Write and the socket buffer. Each export finds the session of its
//! `RTMP` (see `handle`), mirrors the struct into it, runs the safe core, and mirrors back.
#![allow(non_snake_case)]

use super::abi::rtmp::{RTMPChunk, RTMPPacket, RTMPSockBuf, RTMP, RTMP_MAX_HEADER_SIZE, RTMP_PACKET_SIZE_LARGE};
use super::boundary::{guard, handle, ToC};
use super::mirror;
use super::registry;
use super::run::{close_internal, connect_with, interrupted, key, message_of, owner_of, with_connected, with_session};
use crate::session::{Message, Session};
use core::ffi::{c_char, c_int, c_short, c_uint};

/// Resolves and connects to the URL's host (or the SOCKS proxy), then handshakes and sends the
/// connect command (`cp` if given). FALSE on any failure, with the reason logged.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `cp` NULL or a packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect(r: *mut RTMP, cp: *mut RTMPPacket) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_Connect") else { return 0 };
        if r.Link.hostname.av_len <= 0 || r.Link.hostname.av_val.is_null() {
            log::error!("RTMP_Connect: no hostname (call RTMP_SetupURL first)");
            return 0;
        }
        connect_with(r, cp, |s, own| s.open(own).is_ok())
    })
}

/// Connects a socket to `svc` (IPv4 or IPv6); RTMP_Connect1 then runs the protocol on it.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `svc` NULL or a socket address (sockaddr_in or
/// sockaddr_in6).
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect0(r: *mut RTMP, svc: *mut crate::sys::CSockAddr) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_Connect0") else { return 0 };
        // SAFETY: a sockaddr of the family it declares.
        let Some(addr) = (unsafe { crate::sys::socket_addr(svc) }) else {
            log::error!("RTMP_Connect0: not an IPv4 or IPv6 address");
            return 0;
        };
        let mut s = Session::new(interrupted);
        mirror::pull_link(r, &mut s);
        mirror::pull(r, &mut s);
        match s.open_addr(addr) {
            Ok(t) => {
                r.m_sb.sb_timedout = 0;
                r.m_pausing = 0;
                r.m_fDuration = 0.0;
                // Hand the socket over as if the application had connected it: Connect1 adopts it.
                let fd = crate::sys::into_raw(t.into_socket());
                r.m_sb.sb_socket = fd;
                registry::add_pending(key(r), fd);
                1
            }
            Err(_) => {
                close_internal(r, false);
                0
            }
        }
    })
}

/// Runs the protocol on the socket in `m_sb.sb_socket`: the one RTMP_Connect0 connected, or one
/// the application connected itself (curl does this).
///
/// # Safety
/// `r` must be NULL or an initialised handle; `cp` NULL or a packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Connect1(r: *mut RTMP, cp: *mut RTMPPacket) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_Connect1") else { return 0 };
        let fd = r.m_sb.sb_socket;
        // Adopted: the socket is this connection's now.
        registry::take_pending(key(r));
        if fd < 0 {
            log::error!("RTMP_Connect1: no socket (call RTMP_Connect0, or set m_sb.sb_socket)");
            return 0;
        }
        // SAFETY: the application hands this descriptor to the library, which owns it from now on
        // and closes it in RTMP_Close, as the original does.
        let sock = unsafe { crate::sys::from_raw(fd) };
        let tcp = match crate::transport::Tcp::from_socket(sock) {
            Ok(t) => t,
            Err(e) => {
                log::error!("RTMP_Connect1: unusable socket {fd}: {e}");
                return 0;
            }
        };
        connect_with(r, cp, |s, own| s.attach(tcp, own).is_ok())
    })
}

/// Reads one chunk into `packet`. When it completes a message, `packet` holds the whole message
/// (`m_body` allocated with RTMPPacket_Alloc; the caller frees it); otherwise `m_body` is NULL
/// and the caller calls again (RTMPPacket_IsReady tells which).
///
/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a writable packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ReadPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_ReadPacket") else { return 0 };
        // SAFETY: per the contract.
        let Some(p) = (unsafe { packet.as_mut() }) else {
            log::error!("RTMP_ReadPacket: NULL packet");
            return 0;
        };
        with_connected(r, |s| {
            let c = match s.read_chunk() {
                Ok(c) => c,
                Err(_) => return 0,
            };
            let conn = s.conn.as_ref().expect("a chunk was just read");
            p.m_headerType = c.fmt;
            p.m_nChannel = c.csid as c_int;
            p.m_packetType = c.message.type_id;
            p.m_nTimeStamp = c.message.timestamp;
            p.m_hasAbsTimestamp = u8::from(c.message.absolute);
            p.m_nInfoField2 = c.message.stream_id as i32;
            p.m_nBodySize = c.message.length;
            p.m_nBytesRead = c.received;
            // SAFETY: m_chunk is NULL or the caller's RTMPChunk.
            if let Some(ch) = unsafe { p.m_chunk.as_mut() } {
                let data = conn.chunk_data(&c);
                ch.c_headerSize = c.header_len as c_int;
                for (d, s) in ch.c_header.iter_mut().zip(&c.header[..c.header_len.min(RTMP_MAX_HEADER_SIZE)]) {
                    *d = *s as c_char;
                }
                // Valid until the next read on this handle (rtmpsuck forwards it at once).
                ch.c_chunk = data.as_ptr() as *mut c_char;
                ch.c_chunkSize = data.len() as c_int;
            }
            if c.complete {
                let body = conn.message_body(&c);
                p.m_body = core::ptr::null_mut();
                if !body.is_empty() {
                    if !super::cmem::alloc_body(p, body.len() as u32) {
                        return 0;
                    }
                    // SAFETY: alloc_body gave `body.len()` bytes at m_body.
                    unsafe { core::ptr::copy_nonoverlapping(body.as_ptr(), p.m_body as *mut u8, body.len()) };
                }
                p.m_nBytesRead = p.m_nBodySize;
                let csid = c.csid;
                if let Some(conn) = s.conn.as_mut() {
                    conn.reader.release(csid);
                }
            } else {
                p.m_body = core::ptr::null_mut();
            }
            1
        })
        .unwrap_or_else(|| {
            log::debug!("RTMP_ReadPacket: not connected");
            0
        })
    })
}

/// Sends `packet` (the header it asks for, compressed where that is safe); `queue` remembers an
/// invoke until its `_result`. The body is not modified (the original writes headers into it).
///
/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a packet with a valid body.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendPacket(r: *mut RTMP, packet: *mut RTMPPacket, queue: c_int) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_SendPacket") else { return 0 };
        // SAFETY: per the contract.
        let Some(p) = (unsafe { packet.as_ref() }) else {
            log::error!("RTMP_SendPacket: NULL packet");
            return 0;
        };
        if p.m_headerType > 3 {
            log::error!("sanity failed!! trying to send header of type: 0x{:02x}.", p.m_headerType);
            return 0;
        }
        if p.m_nChannel < 0 || p.m_nChannel as u32 > crate::chunk::MAX_CSID {
            log::error!("RTMP_SendPacket: invalid chunk stream {}", p.m_nChannel);
            return 0;
        }
        // SAFETY: the packet's body holds m_nBodySize bytes (caller's contract).
        let m = unsafe { message_of(p) };
        let large = p.m_headerType == RTMP_PACKET_SIZE_LARGE;
        with_connected(r, |s| s.send_packet(&m, large, queue != 0).to_c()).unwrap_or_else(|| {
            log::error!("RTMP_SendPacket: not connected");
            0
        })
    })
}

/// Sends a chunk captured by RTMP_ReadPacket (`m_chunk`) unchanged.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `chunk` NULL or a chunk from `RTMP_ReadPacket`.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendChunk(r: *mut RTMP, chunk: *mut RTMPChunk) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_SendChunk") else { return 0 };
        // SAFETY: per the contract.
        let Some(ch) = (unsafe { chunk.as_ref() }) else { return 0 };
        let hl = (ch.c_headerSize.max(0) as usize).min(RTMP_MAX_HEADER_SIZE);
        let header: Vec<u8> = ch.c_header[..hl].iter().map(|&b| b as u8).collect();
        let data: &[u8] = if ch.c_chunk.is_null() || ch.c_chunkSize <= 0 {
            &[]
        } else {
            // SAFETY: the chunk data the caller got from RTMP_ReadPacket (or filled itself).
            unsafe { std::slice::from_raw_parts(ch.c_chunk as *const u8, ch.c_chunkSize as usize) }
        };
        // The data may point into the *other* handle's receive buffer: copy before locking.
        let data = data.to_vec();
        with_connected(r, |s| c_int::from(s.conn.as_mut().is_some_and(|c| c.send_raw(&[&header, &data]).is_ok())))
            .unwrap_or(0)
    })
}

/// Pause and unpause (after a read timeout, rtmpdump nudges the server this way).
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ToggleStream(r: *mut RTMP) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_ToggleStream") else { return 0 };
        with_connected(r, |s| s.toggle_stream().to_c()).unwrap_or(0)
    })
}

/// Processes the server's replies until play or publish has started. TRUE when it has.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ConnectStream(r: *mut RTMP, seekTime: c_int) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_ConnectStream") else { return 0 };
        with_connected(r, |s| s.connect_stream(seekTime).to_c()).unwrap_or_else(|| {
            log::error!("RTMP_ConnectStream: not connected");
            0
        })
    })
}

/// deleteStream, createStream, then RTMP_ConnectStream from `seekTime`.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ReconnectStream(r: *mut RTMP, seekTime: c_int) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_ReconnectStream") else { return 0 };
        with_connected(r, |s| s.reconnect_stream(seekTime).to_c()).unwrap_or(0)
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_DeleteStream(r: *mut RTMP) {
    guard((), || {
        let Some(r) = handle(r, "RTMP_DeleteStream") else { return };
        if with_connected(r, |s| s.delete_stream()).is_none() && r.m_stream_id >= 0 {
            r.m_bPlaying = 0;
            r.m_stream_id = -1;
        }
    })
}

/// Reads until a media message (audio, video, aggregate, onMetaData) and returns it in `packet`
/// (TRUE), handling everything else on the way; FALSE at the end of the connection.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a writable packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_GetNextMediaPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_GetNextMediaPacket") else { return 0 };
        // SAFETY: per the contract.
        let Some(p) = (unsafe { packet.as_mut() }) else { return 0 };
        with_connected(r, |s| match s.next_media() {
            Ok((kind, m)) => {
                fill_packet(p, &m.as_message());
                kind as c_int
            }
            Err(_) => 0,
        })
        .unwrap_or(0)
    })
}

fn fill_packet(p: &mut RTMPPacket, m: &Message<'_>) {
    p.m_packetType = m.type_id;
    p.m_nChannel = m.csid as c_int;
    p.m_nTimeStamp = m.timestamp;
    p.m_nInfoField2 = m.stream_id as i32;
    p.m_nBodySize = m.body.len() as u32;
    p.m_hasAbsTimestamp = 0;
    p.m_body = core::ptr::null_mut();
    if !m.body.is_empty() && super::cmem::alloc_body(p, m.body.len() as u32) {
        // SAFETY: alloc_body gave m.body.len() bytes.
        unsafe { core::ptr::copy_nonoverlapping(m.body.as_ptr(), p.m_body as *mut u8, m.body.len()) };
    }
    p.m_nBytesRead = p.m_nBodySize;
}

/// Handles a complete message the way the client does; 1 for media, 2 when the stream ended.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `packet` NULL or a complete packet.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ClientPacket(r: *mut RTMP, packet: *mut RTMPPacket) -> c_int {
    guard(0, || {
        let Some(r) = handle(r, "RTMP_ClientPacket") else { return 0 };
        // SAFETY: per the contract.
        let Some(p) = (unsafe { packet.as_ref() }) else {
            log::error!("RTMP_ClientPacket: NULL packet");
            return 0;
        };
        // SAFETY: a complete packet's body holds m_nBodySize bytes.
        let m = unsafe { message_of(p) };
        with_session(r, |s| s.client_packet(&m) as c_int)
    })
}

macro_rules! send_command {
    ($name:literal, $r:expr, |$s:ident| $body:expr) => {
        guard(0, || {
            let Some(r) = handle($r, $name) else { return 0 };
            with_connected(r, |$s| $body.to_c()).unwrap_or_else(|| {
                log::error!(concat!($name, ": not connected"));
                0
            })
        })
    };
}

/// A user control message (type `nType`; see RTMP_SendCtrl in librtmp).
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendCtrl(r: *mut RTMP, nType: c_short, nObject: c_uint, nTime: c_uint) -> c_int {
    send_command!("RTMP_SendCtrl", r, |s| s.send_ctrl(nType, nObject, nTime))
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendPause(r: *mut RTMP, DoPause: c_int, dTime: c_int) -> c_int {
    send_command!("RTMP_SendPause", r, |s| s.send_pause(DoPause != 0, dTime))
}

/// Pauses at (or resumes from) the position of the last media message.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Pause(r: *mut RTMP, DoPause: c_int) -> c_int {
    send_command!("RTMP_Pause", r, |s| {
        let ts = s.media_channel_timestamp();
        s.pause(DoPause != 0, Some(ts))
    })
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendCreateStream(r: *mut RTMP) -> c_int {
    send_command!("RTMP_SendCreateStream", r, |s| s.send_create_stream())
}

/// Seeks to `dTime` ms; RTMP_Read drops data until the server confirms.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendSeek(r: *mut RTMP, dTime: c_int) -> c_int {
    send_command!("RTMP_SendSeek", r, |s| s.send_seek(dTime))
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendServerBW(r: *mut RTMP) -> c_int {
    send_command!("RTMP_SendServerBW", r, |s| s.send_server_bw())
}

/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SendClientBW(r: *mut RTMP) -> c_int {
    send_command!("RTMP_SendClientBW", r, |s| s.send_client_bw())
}

/// Tells the server the buffer length (`m_nBufferMS`) of the current stream.
///
/// # Safety
/// `r` must be NULL or an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMP_UpdateBufferMS(r: *mut RTMP) {
    guard((), || {
        let Some(r) = handle(r, "RTMP_UpdateBufferMS") else { return };
        with_connected(r, |s| {
            let (id, ms) = (s.st.stream_id as u32, s.st.buffer_ms as u32);
            let _ = s.send_ctrl(3, id, ms);
        });
    })
}

/// The stream as FLV bytes: returns how many were written to `buf`, 0 at the end (then
/// `m_read.status` says EOF or COMPLETE, and RTMP_IsTimedout a timeout), -1 on error. Starts
/// playback on the first call if RTMP_ConnectStream was not called.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `buf` must hold `size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Read(r: *mut RTMP, buf: *mut c_char, size: c_int) -> c_int {
    guard(-1, || {
        let Some(r) = handle(r, "RTMP_Read") else { return -1 };
        if buf.is_null() || size < 0 {
            log::error!("RTMP_Read: bad buffer ({size} bytes at {buf:?})");
            return -1;
        }
        // SAFETY: `size` writable bytes at `buf` (caller's contract).
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, size as usize) };
        let n = with_session(r, |s| s.read_flv(out)).to_c();
        if n < 0 {
            crate::sys::set_last_error(crate::sys::INVALID_ARGUMENT);
        }
        n
    })
}

/// Publishes FLV data: accepts the stream cut anywhere; returns `size`, or -1 if sending failed.
///
/// # Safety
/// `r` must be NULL or an initialised handle; `buf` must hold `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_Write(r: *mut RTMP, buf: *const c_char, size: c_int) -> c_int {
    guard(-1, || {
        let Some(r) = handle(r, "RTMP_Write") else { return -1 };
        if buf.is_null() || size < 0 {
            log::error!("RTMP_Write: bad buffer ({size} bytes at {buf:?})");
            return -1;
        }
        // SAFETY: `size` readable bytes at `buf` (caller's contract).
        let data = unsafe { std::slice::from_raw_parts(buf as *const u8, size as usize) };
        with_connected(r, |s| s.write_flv(data).to_c()).unwrap_or_else(|| {
            log::error!("RTMP_Write: not connected");
            -1
        })
    })
}

/// Reads what the socket has into the buffer (`sb_buf`, `sb_size`); returns the count, 0 on a
/// timeout (`sb_timedout`), -1 on error.
///
/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Fill(sb: *mut RTMPSockBuf) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        let Some(b) = (unsafe { sb.as_mut() }) else {
            log::error!("RTMPSockBuf_Fill: NULL socket buffer");
            return -1;
        };
        if owner_of(sb).is_some() {
            log::error!("RTMPSockBuf_Fill: the socket belongs to a connected session; use RTMP_ReadPacket");
            return -1;
        }
        let base = b.sb_buf.as_mut_ptr();
        let cap = b.sb_buf.len();
        // Where the buffered bytes start, as an offset; anything outside the buffer (a struct the
        // application copied or never initialised) starts over at its beginning.
        let off = (b.sb_start as usize).wrapping_sub(base as usize);
        if b.sb_size <= 0 || b.sb_start.is_null() || off >= cap || b.sb_size as usize > cap - off {
            b.sb_size = 0;
            b.sb_start = base;
        }
        let used = (b.sb_start as usize - base as usize) + b.sb_size as usize;
        let room = cap.saturating_sub(used + 1);
        // SAFETY: `room` bytes are free after the buffered ones, inside the struct's buffer.
        let free = unsafe { std::slice::from_raw_parts_mut(base.add(used) as *mut u8, room) };
        loop {
            match crate::sys::recv(b.sb_socket, free) {
                Ok(n) => {
                    b.sb_size += n as c_int;
                    return n as c_int;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !interrupted() => continue,
                Err(e) if crate::transport::is_timeout(&e) => {
                    b.sb_timedout = 1;
                    return 0;
                }
                Err(_) => return -1,
            }
        }
    })
}

/// Sends `len` bytes on the socket (never raising SIGPIPE); returns the count or -1.
///
/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle; `buf` `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Send(sb: *mut RTMPSockBuf, buf: *const c_char, len: c_int) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        let Some(b) = (unsafe { sb.as_ref() }) else { return -1 };
        if buf.is_null() || len < 0 {
            log::error!("RTMPSockBuf_Send: bad arguments");
            return -1;
        }
        // SAFETY: `len` readable bytes.
        let data = unsafe { std::slice::from_raw_parts(buf as *const u8, len as usize) };
        if let Some(h) = owner_of(sb) {
            let mut s = h.lock();
            return match s.conn.as_mut().map(|c| c.send_raw(&[data])) {
                Some(Ok(())) => len,
                _ => -1,
            };
        }
        crate::sys::send(b.sb_socket, data).map_or(-1, |n| n as c_int)
    })
}

/// Closes the socket of `sb`; returns close()'s result.
///
/// # Safety
/// `sb` must be NULL or the socket buffer of an initialised handle.
#[no_mangle]
pub unsafe extern "C" fn RTMPSockBuf_Close(sb: *mut RTMPSockBuf) -> c_int {
    guard(-1, || {
        // SAFETY: per the contract.
        let Some(b) = (unsafe { sb.as_mut() }) else { return -1 };
        if let Some(h) = owner_of(sb) {
            h.wake();
            let mut s = h.lock();
            s.conn = None;
            s.release_socket();
            b.sb_socket = -1;
            return 0;
        }
        let mut rc = 0;
        // A TLS session RTMP_TLS_Accept set up on this socket owns it: dropping it closes it.
        if let Some(k) = (sb as usize).checked_sub(core::mem::offset_of!(RTMP, m_sb)) {
            if super::run::close_accepted(k, b.sb_socket) {
                b.sb_socket = -1;
                return 0;
            }
        }
        if b.sb_socket != -1 {
            rc = if crate::sys::close(b.sb_socket).is_ok() { 0 } else { -1 };
            b.sb_socket = -1;
        }
        rc
    })
}
