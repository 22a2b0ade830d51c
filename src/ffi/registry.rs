//! Everything the library keeps for an `RTMP` outside the struct, in one table keyed by the
//! struct's address. The struct belongs to the caller (embedded by value, on the stack, memset by
//! RTMP_Init), so nothing is hidden inside it. One entry holds:
//! - the session, from connect to close. A thread blocked in a read can be woken from another
//!   thread (GStreamer calls RTMP_Close to interrupt RTMP_Read): its socket is kept outside the
//!   session lock for that;
//! - the settings that have no member in the struct (rtmps certificate checks: `tlsVerify`,
//!   `cafile`, `capath`; the server's `rtmpeType`), which RTMP_Close keeps, as the original keeps
//!   the options it stores;
//! - a socket RTMP_Connect0 connected that RTMP_Connect1 has not taken yet;
//! - a TLS session RTMP_TLS_Accept set up that RTMP_Serve has not taken yet.
//!
//! RTMP_Init and RTMP_Free call `forget`, which ends all of it: a new kind of state is a new
//! field here, and nothing else has to remember it.

use crate::session::Session;
use crate::sys::{self, RawSocket};
use crate::transport::{TlsConfig, Transport};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// A connected session and what another thread needs to interrupt it.
pub(crate) struct Handle {
    /// The socket, readable without the session lock (`NO_SOCKET` when none).
    pub(crate) fd: AtomicI32,
    /// The session's flag telling a blocked call that another thread closed the handle.
    closing: Arc<AtomicBool>,
    /// Removed from the registry: a thread that looked the handle up just before must treat the
    /// struct as not connected (its state may already belong to a new connection).
    dead: AtomicBool,
    session: Mutex<Session>,
}

impl Handle {
    /// The session, even if a previous holder panicked (the panic was already reported).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session for closing: if another thread is inside a call on this handle (blocked in a
    /// read, typically), its socket is shut down first so that call returns; otherwise the
    /// connection stays intact for the goodbye messages.
    pub(crate) fn lock_for_close(&self) -> MutexGuard<'_, Session> {
        match self.session.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                self.closing.store(true, Ordering::Release);
                self.wake();
                self.lock()
            }
        }
    }

    /// The session, or `None` if the handle left the registry meanwhile.
    pub(crate) fn lock_live(&self) -> Option<MutexGuard<'_, Session>> {
        let g = self.lock();
        if self.dead.load(Ordering::Acquire) {
            None
        } else {
            Some(g)
        }
    }

    /// Makes any blocked read or write on the socket return at once.
    pub(crate) fn wake(&self) {
        let fd = self.fd.load(Ordering::Acquire);
        if fd != sys::NO_SOCKET {
            sys::shutdown(fd);
        }
    }

    /// Ends the connection without a goodbye (the struct is being reset or freed).
    fn discard(&self) {
        self.dead.store(true, Ordering::Release);
        let mut s = self.lock_for_close();
        self.fd.store(sys::NO_SOCKET, Ordering::Release);
        s.conn = None;
        s.release_socket();
    }
}

/// Per-handle settings that have no member in librtmp's `RTMP` struct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Side {
    pub(crate) tls: TlsConfig,
    /// The RTMPE handshake type RTMP_Serve answers with (None: as the original server).
    pub(crate) rtmpe_answer: Option<u8>,
    /// The Enhanced RTMP fields of the connect command object.
    pub(crate) enhanced: crate::enhanced::Capabilities,
}

#[derive(Default)]
struct Entry {
    handle: Option<Arc<Handle>>,
    side: Side,
    /// Connected by RTMP_Connect0 (each call adds one; RTMP_Connect1 adopts them).
    pending: Vec<RawSocket>,
    accepted: Option<Box<dyn Transport>>,
}

impl Entry {
    fn is_empty(&self) -> bool {
        self.handle.is_none() && self.pending.is_empty() && self.accepted.is_none() && self.side == Side::default()
    }
}

const SHARDS: usize = 16;

type Shard = Mutex<HashMap<usize, Entry>>;

fn shard(key: usize) -> MutexGuard<'static, HashMap<usize, Entry>> {
    static TABLE: OnceLock<[Shard; SHARDS]> = OnceLock::new();
    let shards = TABLE.get_or_init(|| std::array::from_fn(|_| Mutex::new(HashMap::new())));
    // RTMP structs are at least 8-byte aligned and ~17 KB apart: mix the bits that differ.
    let i = (key >> 4 ^ key >> 14) % SHARDS;
    // A panic elsewhere cannot leave a map half-updated: every change is one field or entry.
    shards[i].lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` on the entry of `key` (a new one if there was none), dropping the entry if it is
/// left empty.
fn with_entry<T>(key: usize, f: impl FnOnce(&mut Entry) -> T) -> T {
    let mut m = shard(key);
    let e = m.entry(key).or_default();
    let out = f(e);
    if e.is_empty() {
        m.remove(&key);
    }
    out
}

/// The connected session of the struct at `key`.
pub(crate) fn get(key: usize) -> Option<Arc<Handle>> {
    shard(key).get(&key).and_then(|e| e.handle.clone())
}

/// Registers a session for the struct at `key` (replacing a stale one, which is returned).
pub(crate) fn insert(key: usize, session: Session, fd: RawSocket) -> (Arc<Handle>, Option<Arc<Handle>>) {
    let closing = session.closing.clone();
    let h = Arc::new(Handle {
        fd: AtomicI32::new(fd),
        closing,
        dead: AtomicBool::new(false),
        session: Mutex::new(session),
    });
    let old = with_entry(key, |e| e.handle.replace(h.clone()));
    if let Some(o) = &old {
        o.dead.store(true, Ordering::Release);
    }
    (h, old)
}

/// Removes the session of `key` if it is still `h` (called with `h`'s session locked).
pub(crate) fn remove(key: usize, h: &Arc<Handle>) {
    h.dead.store(true, Ordering::Release);
    with_entry(key, |e| {
        if e.handle.as_ref().is_some_and(|cur| Arc::ptr_eq(cur, h)) {
            e.handle = None;
        }
    });
}

/// The settings of the struct at `key` (the defaults when none were given).
pub(crate) fn side(key: usize) -> Side {
    shard(key).get(&key).map(|e| e.side.clone()).unwrap_or_default()
}

pub(crate) fn update_side(key: usize, f: impl FnOnce(&mut Side)) {
    with_entry(key, |e| f(&mut e.side));
}

/// Keeps a socket RTMP_Connect0 connected for the struct at `key` until RTMP_Connect1.
pub(crate) fn add_pending(key: usize, fd: RawSocket) {
    with_entry(key, |e| e.pending.push(fd));
}

/// The sockets RTMP_Connect0 connected for `key`, no longer the registry's to close.
pub(crate) fn take_pending(key: usize) -> Vec<RawSocket> {
    with_entry(key, |e| std::mem::take(&mut e.pending))
}

/// Keeps the TLS session RTMP_TLS_Accept set up for the struct at `key` until RTMP_Serve.
#[cfg(feature = "crypto")]
pub(crate) fn set_accepted(key: usize, t: Box<dyn Transport>) {
    let old = with_entry(key, |e| e.accepted.replace(t));
    drop(old);
}

/// The TLS session RTMP_TLS_Accept set up for `key`.
pub(crate) fn take_accepted(key: usize) -> Option<Box<dyn Transport>> {
    with_entry(key, |e| e.accepted.take())
}

/// Ends everything kept for the struct at `key` (RTMP_Init on memory that held a handle never
/// closed, RTMP_Free): its connection is shut down, the sockets nobody adopted are closed, the
/// settings are gone. The struct itself is not looked at: it may be uninitialised memory.
pub(crate) fn forget(key: usize) {
    let Some(e) = shard(key).remove(&key) else { return };
    if let Some(h) = e.handle {
        h.discard();
    }
    for fd in e.pending {
        // A descriptor this library opened and still owns.
        let _ = sys::close(fd);
    }
    drop(e.accepted);
}
