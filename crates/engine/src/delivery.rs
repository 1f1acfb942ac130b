//! Webhook delivery from the outbox (`alert_notices`): each pending notice is POSTed to its
//! alert's webhook as JSON, signed, with an `Idempotency-Key` that every attempt of the
//! notice shares. A 2xx answer is an acknowledgement and the notice is never sent again;
//! a network error, a timeout, 408, 429 or 5xx is tried again later with exponential
//! backoff (30 s doubling, at most an hour apart) for 24 hours after the notice was made;
//! any other answer (a 4xx: the receiver refuses it; a 3xx: webhooks are not redirected)
//! gives up at once. Every attempt is recorded, so `alerts log` tells what happened and a
//! restarted process resumes where the last one stopped.
//!
//! A receiver cannot hold the sender up for long: every request has a 10-second limit,
//! the answer's body is never read, redirects are not followed. Delivery runs beside
//! ingestion (a thread of `serve` and `watch`; after the run for `ingest`), never in it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tidings_alert::{Alert, SIGNATURE_HEADER, sign};
use tidings_store::{Alerts, Attempt, Location, NoticeRow};

use crate::EngineError;

/// How long one request may take, connecting included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The first retry's delay; each further one doubles, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: i64 = 30;
const MAX_BACKOFF: i64 = 3600;
/// How long after its making a notice is tried.
pub const GIVE_UP_AFTER: i64 = 24 * 3600;
/// A notice being sent is held this long, so that a second deliverer (another process)
/// does not send it at the same time.
const LEASE: i64 = 60;
/// Notices taken from the outbox at a time.
const BATCH: usize = 32;

/// What a round of delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub delivered: u64,
    /// Failed attempts that will be tried again.
    pub retrying: u64,
    /// Notices given up on.
    pub failed: u64,
}

impl Delivered {
    fn add(&mut self, other: Delivered) {
        self.delivered += other.delivered;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }
}

/// Delivers a store's pending notices.
pub struct Deliverer {
    alerts: Alerts,
    agent: ureq::Agent,
}

impl Deliverer {
    pub fn open(location: &Location) -> Result<Self, EngineError> {
        let agent = ureq::Agent::config_builder()
            .user_agent(concat!("tidings/", env!("CARGO_PKG_VERSION"), " (webhook)"))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .build()
            .new_agent();
        Ok(Self { alerts: Alerts::open(location)?, agent })
    }

    /// Notices waiting to be delivered (now or later).
    pub fn pending(&self) -> Result<i64, EngineError> {
        Ok(self.alerts.pending()?)
    }

    /// Delivers what is due now, until nothing is or `deadline` passes.
    pub fn deliver_due(&self, deadline: Instant) -> Result<Delivered, EngineError> {
        let mut total = Delivered::default();
        while Instant::now() < deadline {
            let due = self.alerts.due(unix_now(), BATCH)?;
            if due.is_empty() {
                break;
            }
            for (notice, definition) in due {
                if Instant::now() >= deadline {
                    break;
                }
                total.add(self.attempt(&notice, &definition, deadline)?);
            }
        }
        Ok(total)
    }

    /// Delivers on a thread of its own until `stop` is set (for `serve` and `watch`).
    pub fn spawn(location: &Location, stop: Arc<AtomicBool>) -> Result<std::thread::JoinHandle<()>, EngineError> {
        let deliverer = Self::open(location)?;
        Ok(std::thread::spawn(move || deliverer.run(&stop)))
    }

    /// Delivers continuously until `stop` is set.
    pub fn run(&self, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            match self.deliver_due(Instant::now() + Duration::from_secs(30)) {
                Ok(done) if done != Delivered::default() => {
                    tracing::info!(
                        "webhooks: {} delivered, {} to retry, {} given up",
                        done.delivered,
                        done.retrying,
                        done.failed
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("webhook delivery paused: {e}"),
            }
            for _ in 0..10 {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// One attempt at one notice, recorded.
    fn attempt(&self, notice: &NoticeRow, definition: &str, deadline: Instant) -> Result<Delivered, EngineError> {
        let now = unix_now();
        if !self.alerts.claim(notice.id, notice.next_attempt_ts, now + LEASE)? {
            return Ok(Delivered::default());
        }
        let webhook = serde_json::from_str::<Alert>(definition).ok().and_then(|a| a.webhook);
        let outcome = match webhook {
            Some(w) => self.post(&w.url, &w.secret, notice, deadline),
            None => Outcome::GiveUp { status: None, error: "the alert no longer has a webhook".into() },
        };
        let made = notice.created_at.parse::<jiff::Timestamp>().map_or(now, |t| t.as_second());
        let (attempt, counted) = match outcome {
            Outcome::Acknowledged(status) => {
                (Attempt::Delivered { status }, Delivered { delivered: 1, ..Default::default() })
            }
            Outcome::Retry { status, error } => {
                let retry_at = now + backoff(notice.attempts);
                if retry_at - made > GIVE_UP_AFTER {
                    let error = format!("{error}; gave up after 24 hours");
                    (Attempt::Failed { status, error, retry_at: None }, Delivered { failed: 1, ..Default::default() })
                } else {
                    (
                        Attempt::Failed { status, error, retry_at: Some(retry_at) },
                        Delivered { retrying: 1, ..Default::default() },
                    )
                }
            }
            Outcome::GiveUp { status, error } => {
                (Attempt::Failed { status, error, retry_at: None }, Delivered { failed: 1, ..Default::default() })
            }
        };
        self.alerts.record_attempt(notice.id, &attempt)?;
        Ok(counted)
    }

    /// Posts a notice, taking at most [`REQUEST_TIMEOUT`] and never past `deadline`.
    fn post(&self, url: &str, secret: &str, notice: &NoticeRow, deadline: Instant) -> Outcome {
        let body = notice.body.as_bytes();
        let limit = REQUEST_TIMEOUT.min(deadline.saturating_duration_since(Instant::now())).max(Duration::from_secs(1));
        let request = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(limit))
            .build()
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", notice.key.as_str())
            .header(SIGNATURE_HEADER, sign(secret, unix_now(), body));
        match request.send(body) {
            // The answer's body is never read: a receiver's answer cannot hold us up.
            Ok(response) => match response.status().as_u16() {
                status @ 200..=299 => Outcome::Acknowledged(status),
                status @ (408 | 429 | 500..=599) => {
                    Outcome::Retry { status: Some(status), error: format!("HTTP {status}") }
                }
                status @ 300..=399 => Outcome::GiveUp {
                    status: Some(status),
                    error: format!("HTTP {status}: webhooks are not redirected"),
                },
                status => {
                    Outcome::GiveUp { status: Some(status), error: format!("HTTP {status}: the receiver refused it") }
                }
            },
            Err(e) => Outcome::Retry { status: None, error: e.to_string() },
        }
    }
}

enum Outcome {
    Acknowledged(u16),
    Retry { status: Option<u16>, error: String },
    GiveUp { status: Option<u16>, error: String },
}

/// The delay before the next attempt, after `attempts` failed ones (30 s, 1 min, 2 min, …,
/// at most an hour).
fn backoff(attempts: i64) -> i64 {
    let doublings = attempts.clamp(0, 20) as u32;
    FIRST_BACKOFF.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_to_an_hour() {
        assert_eq!((0..9).map(backoff).collect::<Vec<_>>(), [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(1000), 3600);
    }
}
