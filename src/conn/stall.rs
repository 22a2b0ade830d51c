//! The stall clock: how long something that has begun to arrive (a chunk, the handshake) may
//! take to complete. A peer trickling single bytes must not hold a call longer than the timeout,
//! whatever the receive timeout of each read. The clock starts at the first read that brings no
//! progress and stops at progress (a read of at least MIN_PROGRESS bytes, or a chunk completed):
//! a slow link delivers packets, a trickling peer single bytes.

use super::ConnError;
use std::time::{Duration, Instant};

/// A read this large counts as progress.
pub(super) const MIN_PROGRESS: usize = 1024;

pub(super) struct StallClock {
    /// None: no limit.
    limit: Option<Duration>,
    since: Option<Instant>,
    /// What the clock waits for, as its error names it ("the handshake", "a chunk").
    awaited: &'static str,
}

impl StallClock {
    pub(super) fn new() -> Self {
        StallClock { limit: None, since: None, awaited: "a chunk" }
    }

    /// Sets the limit (the receive timeout; zero or None: none).
    pub(super) fn set_limit(&mut self, limit: Option<Duration>) {
        self.limit = limit.filter(|d| !d.is_zero());
    }

    /// Stops the clock: a new wait begins.
    pub(super) fn restart(&mut self) {
        self.since = None;
    }

    /// Names what the clock waits for from now on.
    pub(super) fn awaiting(&mut self, what: &'static str) {
        self.awaited = what;
    }

    /// While the clock runs: what is left of the limit, and the limit. An error once it ran out.
    pub(super) fn left(&self) -> Result<Option<(Duration, Duration)>, ConnError> {
        let (Some(limit), Some(since)) = (self.limit, self.since) else { return Ok(None) };
        let left = limit.saturating_sub(since.elapsed());
        if left.is_zero() {
            return Err(self.error());
        }
        Ok(Some((left, limit)))
    }

    /// After a read that did not complete what the caller waits for: an error once the clock,
    /// started by the first read without `progress`, shows more than the limit.
    pub(super) fn tick(&mut self, progress: bool) -> Result<(), ConnError> {
        self.tick_at(Instant::now(), progress)
    }

    fn tick_at(&mut self, now: Instant, progress: bool) -> Result<(), ConnError> {
        let Some(limit) = self.limit else { return Ok(()) };
        if progress {
            self.since = None;
            return Ok(());
        }
        if now.duration_since(*self.since.get_or_insert(now)) > limit {
            return Err(self.error());
        }
        Ok(())
    }

    /// The clock ran out: logged with what was awaited, a timeout for the caller.
    pub(super) fn error(&self) -> ConnError {
        log::error!("{}", self.what_ran_out());
        ConnError::Timeout
    }

    fn what_ran_out(&self) -> String {
        format!(
            "part of {} has waited more than {} s for the rest: the peer sends too slowly, or has stopped",
            self.awaited,
            self.limit.unwrap_or_default().as_secs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn without_a_limit_nothing_stalls() {
        let mut c = StallClock::new();
        let t = Instant::now();
        assert!(c.tick_at(t, false).is_ok());
        assert!(c.tick_at(t + 100 * S, false).is_ok());
        assert!(c.left().unwrap().is_none());
    }

    #[test]
    fn reads_without_progress_run_out_the_limit() {
        let mut c = StallClock::new();
        c.set_limit(Some(2 * S));
        c.awaiting("the handshake");
        let t = Instant::now();
        assert!(c.tick_at(t, false).is_ok());
        assert!(c.tick_at(t + S, false).is_ok());
        assert!(matches!(c.tick_at(t + 3 * S, false), Err(ConnError::Timeout)));
        assert!(c.what_ran_out().starts_with("part of the handshake has waited more than 2 s"), "{}", c.what_ran_out());
    }

    #[test]
    fn progress_stops_the_clock() {
        let mut c = StallClock::new();
        c.set_limit(Some(2 * S));
        let t = Instant::now();
        c.tick_at(t, false).unwrap();
        c.tick_at(t + S, true).unwrap();
        c.tick_at(t + 2 * S, false).unwrap();
        assert!(c.tick_at(t + 3 * S, false).is_ok(), "the clock started again at the last stall");
        assert!(c.tick_at(t + 5 * S, false).is_err());
    }

    #[test]
    fn a_zero_limit_is_none() {
        let mut c = StallClock::new();
        c.set_limit(Some(Duration::ZERO));
        let t = Instant::now();
        c.tick_at(t, false).unwrap();
        assert!(c.tick_at(t + 100 * S, false).is_ok());
    }
}
