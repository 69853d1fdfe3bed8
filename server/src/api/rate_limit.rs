//! Each API key's requests per minute, counted in this process: a fixed window per key and
//! minute. Several server processes each allow the key's rate; the window is kept in memory
//! so that a refused request costs no database work.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

/// Windows kept before the stale ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<Uuid, (u64, u32)>>,
}

/// What a counted request leaves of its key's minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts again.
    pub reset_secs: u64,
}

impl RateLimiter {
    /// Counts a request of `key` against `per_minute`; `Err` (with the seconds to wait)
    /// once the minute's requests are spent.
    pub fn check(&self, key: Uuid, per_minute: u32) -> Result<Allowance, u64> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        self.check_at(key, per_minute, now)
    }

    fn check_at(&self, key: Uuid, per_minute: u32, now_secs: u64) -> Result<Allowance, u64> {
        let minute = now_secs / 60;
        let reset_secs = 60 - now_secs % 60;
        // A poisoned lock only means another request panicked mid-count: the map is whole.
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let window = windows.entry(key).or_insert((minute, 0));
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= per_minute {
            return Err(reset_secs);
        }
        window.1 += 1;
        Ok(Allowance {
            limit: per_minute,
            remaining: per_minute - window.1,
            reset_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_rate_per_minute_and_a_new_minute_starts_over() {
        let limits = RateLimiter::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let t = 60 * 1000 + 15;
        for left in (0..3).rev() {
            assert_eq!(limits.check_at(a, 3, t).map(|x| x.remaining), Ok(left));
        }
        assert_eq!(
            limits.check_at(a, 3, t + 10),
            Err(35),
            "wait for the next minute"
        );
        assert!(limits.check_at(b, 3, t).is_ok(), "keys are counted apart");
        assert_eq!(limits.check_at(a, 3, t + 45).map(|x| x.remaining), Ok(2));
    }
}
