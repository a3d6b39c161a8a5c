//! When and how long to wait before trying a request again.
//!
//! Modelled on aws-sdk-rust's standard retry mode: a bounded number of
//! attempts, full-jitter exponential backoff, the server's `Retry-After`
//! honoured up to a cap, and a total time budget.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Statuses a request is retried on: rate limited (429, which Twilio says
/// was never processed) and gateway or availability failures (502, 503,
/// 504). Every other 4xx is the caller's to fix, and 500 may have been
/// half-processed.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// How a client retries. On by default; [`RetryPolicy::disabled`] turns
/// retries off.
///
/// All the operations of these APIs set values (PATCH, or a POST that
/// updates one resource), so sending the same request twice has the same
/// effect as once: retrying them is safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 500 ms up to 20 s, 60 s in total.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            budget: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the second attempt is drawn from `0..=base`, and
    /// the range doubles with each attempt.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// No wait is longer, whatever the backoff or `Retry-After` says.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Total time from the first attempt: a retry whose wait would end
    /// past it is not made, and the last error is returned at once.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `failed + 1`: `Retry-After` when the server
    /// sent one, else full-jitter exponential backoff; capped by
    /// `max_delay` either way, and never under [`MIN_RETRY_WAIT`].
    pub(crate) fn wait(&self, failed: u32, retry_after: Option<Duration>) -> Duration {
        let wait = retry_after.unwrap_or_else(|| {
            let exponent = failed.saturating_sub(1).min(16);
            let ceiling = self
                .base_delay
                .saturating_mul(1 << exponent)
                .min(self.max_delay);
            ceiling.mul_f64(fastrand::f64())
        });
        wait.min(self.max_delay).max(MIN_RETRY_WAIT)
    }

    /// Whether a retry after `wait` still ends within the budget, counted
    /// from the first attempt. (`wait` is never zero, see
    /// [`MIN_RETRY_WAIT`], so an exhausted budget stops a call.)
    pub(crate) fn fits_budget(&self, elapsed: Duration, wait: Duration) -> bool {
        elapsed.saturating_add(wait) <= self.budget
    }
}

/// The shortest wait before a retry, whatever `Retry-After` (`0`, a date in
/// the past) or the policy (`base_delay(ZERO)`) says: a server that keeps
/// answering at once must not turn the client into a hot loop.
pub const MIN_RETRY_WAIT: Duration = Duration::from_millis(10);

/// Reads `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why a request is tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The server answered with this retryable status.
    Status(u16),
    /// The connection failed before any response.
    Connect,
}

/// One retry, as reported to an observer set with
/// [`crate::ClientBuilder::on_retry`] (for logs and metrics).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryEvent {
    /// The operation, as progenitor names it (`patch_conversation_by_id`).
    pub operation: &'static str,
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// Why it is retried.
    pub reason: RetryReason,
    /// How long the client waits before the next attempt.
    pub wait: Duration,
    /// Whether the wait came from the server's `Retry-After`.
    pub from_retry_after: bool,
}

/// A callback that sees every retry.
#[derive(Clone)]
pub(crate) struct RetryObserver(pub(crate) Arc<dyn Fn(&RetryEvent) + Send + Sync>);

impl fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryObserver")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, retry_after.parse().unwrap());
        headers
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:40 GMT"), now),
            Some(Duration::from_secs(3))
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn waits_are_capped_and_jittered_within_the_exponential_range() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(30))),
            Duration::from_millis(350)
        );
        // `Retry-After: 0` still waits the floor: no hot loop.
        assert_eq!(policy.wait(1, Some(Duration::from_secs(0))), MIN_RETRY_WAIT);
        let zero = RetryPolicy::default()
            .base_delay(Duration::ZERO)
            .max_delay(Duration::ZERO);
        assert_eq!(zero.wait(5, None), MIN_RETRY_WAIT);
        for _ in 0..200 {
            assert!(policy.wait(1, None) <= Duration::from_millis(100));
            assert!(policy.wait(2, None) <= Duration::from_millis(200));
            assert!(policy.wait(3, None) <= Duration::from_millis(350));
            assert!(policy.wait(40, None) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn an_exhausted_budget_stops_a_retry() {
        let policy = RetryPolicy::default().budget(Duration::from_millis(500));
        let ms = Duration::from_millis;
        assert!(policy.fits_budget(ms(100), ms(10)));
        assert!(policy.fits_budget(ms(490), ms(10)));
        assert!(!policy.fits_budget(ms(495), ms(10)));
        assert!(!policy.fits_budget(ms(500), MIN_RETRY_WAIT));
        assert!(!policy.fits_budget(ms(4100), MIN_RETRY_WAIT));
    }

    #[test]
    fn retryable_statuses() {
        let retryable: Vec<u16> = (100..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retryable, [429, 502, 503, 504]);
    }

    #[test]
    fn disabled_means_one_attempt() {
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }
}
