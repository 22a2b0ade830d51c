//! How an export runs the core: it finds the session of its `RTMP` in the registry, pulls the
//! struct's members into it, runs the safe core, pushes the members back, and forgets the session
//! once its connection is gone. Connecting, closing and the sockets between RTMP_Connect0 and
//! RTMP_Connect1 are here too, so that every export file depends on this one and on nothing of
//! the others.

use super::abi::rtmp::{RTMPPacket, RTMPSockBuf, RTMP};
use super::mirror;
use super::registry::{self, Handle};
use crate::session::{Message, Session};
use core::ffi::c_int;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub(crate) fn key(r: &RTMP) -> usize {
    r as *const RTMP as usize
}

pub(crate) fn interrupted() -> bool {
    super::data::interrupted()
}

/// After the core ran: frees what a close released, mirrors the state back, and forgets the
/// session once its connection is gone.
pub(crate) fn finish(r: &mut RTMP, s: &mut Session, h: Option<&Arc<Handle>>) {
    if let Some(reconnect) = s.changes.closed.take() {
        super::cmem::free_c_side(r, reconnect);
    }
    mirror::push(s, r);
    if let Some(h) = h {
        let fd = s.conn.as_ref().map_or(crate::sys::NO_SOCKET, |c| c.transport().raw_socket());
        h.fd.store(fd, Ordering::Release);
        if s.conn.is_none() && s.retired.is_none() {
            registry::remove(key(r), h);
        }
    }
}

/// Runs `f` on the session of a connected `r`; `None` when it is not connected.
pub(crate) fn with_connected<T>(r: &mut RTMP, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
    let h = registry::get(key(r))?;
    let mut s = h.lock_live()?;
    mirror::pull(r, &mut s);
    let out = f(&mut s);
    finish(r, &mut s, Some(&h));
    Some(out)
}

/// Runs `f` on the session of `r`, or on a transient one holding only the struct's state when
/// it is not connected (RTMP_ClientPacket on a packet the application read itself).
pub(crate) fn with_session<T>(r: &mut RTMP, f: impl FnOnce(&mut Session) -> T) -> T {
    if let Some(h) = registry::get(key(r)) {
        if let Some(mut s) = h.lock_live() {
            mirror::pull(r, &mut s);
            let out = f(&mut s);
            finish(r, &mut s, Some(&h));
            return out;
        }
    }
    let mut s = Session::new(interrupted);
    mirror::pull_link(r, &mut s);
    mirror::pull(r, &mut s);
    mirror::pull_calls(r, &mut s);
    let out = f(&mut s);
    finish(r, &mut s, None);
    out
}

/// A C packet as a message (its body, if any, is `m_nBodySize` bytes at `m_body`).
///
/// # Safety
/// `p.m_body` must be NULL or hold `m_nBodySize` readable bytes.
pub(crate) unsafe fn message_of(p: &RTMPPacket) -> Message<'_> {
    // SAFETY: per the contract.
    let body = unsafe { super::boundary::bytes(p.m_body, p.m_nBodySize as usize) };
    Message {
        type_id: p.m_packetType,
        csid: p.m_nChannel.max(0) as u32,
        timestamp: p.m_nTimeStamp,
        stream_id: p.m_nInfoField2 as u32,
        body,
    }
}

/// Registers a freshly connected session.
pub(crate) fn register(r: &mut RTMP, s: Session) {
    let fd = s.conn.as_ref().map_or(crate::sys::NO_SOCKET, |c| c.transport().raw_socket());
    let (h, old) = registry::insert(key(r), s, fd);
    if let Some(old) = old {
        old.wake();
    }
    let mut guard = h.lock();
    finish(r, &mut guard, Some(&h));
}

/// Connects (`open`), or runs the handshake on an adopted transport (`attach`).
pub(crate) fn connect_with(
    r: &mut RTMP,
    cp: *mut RTMPPacket,
    run: impl FnOnce(&mut Session, Option<Message<'_>>) -> bool,
) -> c_int {
    // A previous connection on this struct (RTMP_Connect called twice) is closed first.
    if let Some(h) = registry::get(key(r)) {
        let mut s = h.lock_for_close();
        // The link strings stay: the new connection uses them.
        s.close(true);
        h.fd.store(crate::sys::NO_SOCKET, Ordering::Release);
        s.release_socket();
        finish(r, &mut s, Some(&h));
    }
    let mut s = Session::new(interrupted);
    mirror::pull_link(r, &mut s);
    if s.link.protocol & crate::session::feature::SSL != 0 {
        super::tls::init_global_context();
    }
    mirror::pull(r, &mut s);
    // SAFETY: `cp` is NULL or the caller's connect packet with a valid body.
    let own = unsafe { cp.as_ref() }.map(|p| unsafe { message_of(p) });
    let ok = run(&mut s, own);
    if ok && s.is_connected() {
        register(r, s);
        1
    } else {
        s.changes.closed.get_or_insert(false);
        finish(r, &mut s, None);
        0
    }
}

/// The RTMP struct containing `sb`, if it is the socket buffer of a connected handle.
pub(crate) fn owner_of(sb: *mut RTMPSockBuf) -> Option<Arc<Handle>> {
    let k = (sb as usize).checked_sub(core::mem::offset_of!(RTMP, m_sb))?;
    registry::get(k)
}

/// Closes the connection of `r` (used by RTMP_Close): wakes a thread blocked on it first.
pub(crate) fn close_session(r: &mut RTMP, reconnect: bool) -> bool {
    let Some(h) = registry::get(key(r)) else { return false };
    let mut s = h.lock_for_close();
    mirror::pull(r, &mut s);
    s.close(reconnect);
    if !reconnect {
        h.fd.store(crate::sys::NO_SOCKET, Ordering::Release);
        s.release_socket();
    }
    finish(r, &mut s, Some(&h));
    true
}

/// Closes a socket RTMP_Connect0 opened that RTMP_Connect1 never took.
pub(crate) fn close_pending(r: &mut RTMP) {
    for fd in registry::take_pending(key(r)) {
        // The descriptor Connect0 opened and nobody adopted.
        let _ = crate::sys::close(fd);
        if r.m_sb.sb_socket == fd {
            r.m_sb.sb_socket = crate::sys::NO_SOCKET;
        }
    }
}

/// The original's CloseInternal: `reconnect` keeps what a transparent reconnect reuses (the
/// library-owned tcUrl, app and playpath).
pub(crate) fn close_internal(r: &mut RTMP, reconnect: bool) {
    // A TLS session accepted on a socket given after an earlier connection ended goes first: it
    // is not the registered session's.
    if close_accepted(r as *const RTMP as usize, r.m_sb.sb_socket) {
        r.m_sb.sb_socket = crate::sys::NO_SOCKET;
    }
    if close_session(r, reconnect) {
        return;
    }
    close_pending(r);
    if r.m_sb.sb_socket != crate::sys::NO_SOCKET {
        // A socket the application handed over without connecting through the library: it
        // belongs to this handle, which closes it as the original does.
        let _ = crate::sys::close(r.m_sb.sb_socket);
    }
    super::cmem::free_c_side(r, reconnect);
}

/// RTMP_Close or RTMPSockBuf_Close (of the struct at `k`) before RTMP_Serve: the TLS session owns
/// the socket and closes it. True when that socket was `fd`, which is then closed.
pub(crate) fn close_accepted(k: usize, fd: c_int) -> bool {
    registry::take_accepted(k).is_some_and(|t| t.raw_socket() == fd)
}
