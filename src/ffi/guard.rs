//! The panic boundary every export sits behind: nothing unwinds into C, whatever the input.
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; a panic inside it is logged and turned into `default` (the C error value).
pub fn guard<T>(default: T, body: impl FnOnce() -> T) -> T {
    super::log::install_bridge();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            super::log::emit(
                super::log::LOG_ERROR,
                &format!("librtmp: internal error caught at the C boundary: {what}"),
            );
            default
        }
    }
}
