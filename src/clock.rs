//! A millisecond clock for the protocol (handshake uptime, RTMP_GetTime): monotonic, 32 bits,
//! counted from the first use in this process.

use std::sync::OnceLock;
use std::time::Instant;

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Milliseconds since the first call, wrapping at 2^32 as the original's clock does.
pub fn now_ms() -> u32 {
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u32
}
