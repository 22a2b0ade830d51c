//! Per-handle settings that have no member in librtmp's `RTMP` struct (rtmps certificate checks:
//! `tlsVerify`, `cafile`, `capath`; the server's `rtmpeType`), kept beside it and keyed by the
//! struct's address like the session registry. RTMP_Init and RTMP_Free forget them; RTMP_Close
//! does not (nor does the original with the options it stores).

use crate::transport::TlsConfig;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

#[derive(Clone, Debug, Default)]
pub struct Side {
    pub tls: TlsConfig,
    /// The RTMPE handshake type RTMP_Serve answers with (None: as the original server).
    pub rtmpe_answer: Option<u8>,
}

fn table() -> MutexGuard<'static, HashMap<usize, Side>> {
    static TABLE: OnceLock<Mutex<HashMap<usize, Side>>> = OnceLock::new();
    // A panic elsewhere cannot leave a map half-updated: every change is one insert or remove.
    TABLE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner())
}

/// The settings of the handle at `key` (the defaults when none were given).
pub fn get(key: usize) -> Side {
    table().get(&key).cloned().unwrap_or_default()
}

pub fn update(key: usize, f: impl FnOnce(&mut Side)) {
    f(table().entry(key).or_default());
}

pub fn forget(key: usize) {
    table().remove(&key);
}
