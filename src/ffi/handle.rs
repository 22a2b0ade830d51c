//! Where the Rust side of a connected `RTMP` lives. The struct belongs to the caller (embedded by
//! value, on the stack, memset by RTMP_Init), so nothing is hidden inside it: a registry keyed by
//! the struct's address holds the session from connect to close. A thread blocked in a read can
//! be woken from another thread (GStreamer calls RTMP_Close to interrupt RTMP_Read): the socket
//! descriptor is kept outside the session lock for that.

use crate::session::Session;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub struct Handle {
    /// The socket, readable without the session lock (-1 when none).
    pub fd: AtomicI32,
    /// The session's flag telling a blocked call that another thread closed the handle.
    closing: Arc<AtomicBool>,
    /// Removed from the registry: a thread that looked the handle up just before must treat the
    /// struct as not connected (its state may already belong to a new connection).
    dead: AtomicBool,
    pub session: Mutex<Session>,
}

impl Handle {
    /// The session, even if a previous holder panicked (the panic was already reported).
    pub fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session for closing: if another thread is inside a call on this handle (blocked in a
    /// read, typically), its socket is shut down first so that call returns; otherwise the
    /// connection stays intact for the goodbye messages.
    pub fn lock_for_close(&self) -> MutexGuard<'_, Session> {
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
    pub fn lock_live(&self) -> Option<MutexGuard<'_, Session>> {
        let g = self.lock();
        if self.dead.load(Ordering::Acquire) {
            None
        } else {
            Some(g)
        }
    }

    /// Makes any blocked read or write on the socket return at once.
    pub fn wake(&self) {
        let fd = self.fd.load(Ordering::Acquire);
        if fd != crate::sys::NO_SOCKET {
            crate::sys::shutdown(fd);
        }
    }
}

const SHARDS: usize = 16;

type Shard = Mutex<HashMap<usize, Arc<Handle>>>;

fn shards() -> &'static [Shard; SHARDS] {
    static REGISTRY: std::sync::OnceLock<[Shard; SHARDS]> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| std::array::from_fn(|_| Mutex::new(HashMap::new())))
}

fn shard(key: usize) -> MutexGuard<'static, HashMap<usize, Arc<Handle>>> {
    // RTMP structs are at least 8-byte aligned and ~17 KB apart: mix the bits that differ.
    let i = (key >> 4 ^ key >> 14) % SHARDS;
    shards()[i].lock().unwrap_or_else(|p| p.into_inner())
}

/// The handle of the struct at `key`, if it is connected.
pub fn get(key: usize) -> Option<Arc<Handle>> {
    shard(key).get(&key).cloned()
}

/// Registers a session for the struct at `key` (replacing a stale one, which is returned).
pub fn insert(key: usize, session: Session, fd: i32) -> (Arc<Handle>, Option<Arc<Handle>>) {
    let closing = session.closing.clone();
    let h = Arc::new(Handle {
        fd: AtomicI32::new(fd),
        closing,
        dead: AtomicBool::new(false),
        session: Mutex::new(session),
    });
    let old = shard(key).insert(key, h.clone());
    if let Some(o) = &old {
        o.dead.store(true, Ordering::Release);
    }
    (h, old)
}

/// Removes the entry of `key` if it is still `h` (called with `h`'s session locked).
pub fn remove(key: usize, h: &Arc<Handle>) {
    h.dead.store(true, Ordering::Release);
    let mut m = shard(key);
    if m.get(&key).is_some_and(|cur| Arc::ptr_eq(cur, h)) {
        m.remove(&key);
    }
}

/// Forgets whatever was registered at `key` (RTMP_Init on memory that held a connected handle
/// that was never closed: its connection is shut down rather than leaked).
pub fn discard(key: usize) {
    let old = shard(key).remove(&key);
    if let Some(h) = old {
        h.dead.store(true, Ordering::Release);
        let mut s = h.lock_for_close();
        h.fd.store(-1, Ordering::Release);
        s.conn = None;
        s.release_socket();
    }
}
