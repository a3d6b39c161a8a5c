//! Verifying the requests Bird sends to your webhook subscriptions, as
//! docs.bird.com's "Verifying a webhook subscription" specifies, then
//! reading them.
//!
//! A subscription created with a `signingKey` gets two headers on every
//! delivery: `messagebird-request-timestamp` (Unix seconds) and
//! `messagebird-signature`, base64 of HMAC-SHA256 with the signing key
//! over the timestamp, the URL and the body's SHA-256 (its 32 bytes),
//! joined by line feeds. The timestamp is signed, so an old delivery sent
//! again is refused once it is outside the [`Verifier::tolerance`].
//!
//! ```
//! use interlocutor::bird::webhook::{Delivery, Verifier};
//! use interlocutor::webhook::{HeaderMap, Method};
//!
//! # fn demo(headers: HeaderMap, body: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::new("your-signing-key")?;
//! let delivery = Delivery::new(&Method::POST, "https://example.com/bird/events", &headers, &body);
//! let event: interlocutor::bird::conversations::webhooks::Event = verifier.event(&delivery)?;
//! # Ok(())
//! # }
//! ```
//!
//! The URL is the subscription's `url`, byte for byte (see [`Delivery`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use interlocutor_runtime::CredentialError;
use interlocutor_runtime::webhook::Event;
use sha2::{Digest as _, Sha256};

pub use crate::webhook::{DEFAULT_MAX_BODY_BYTES, Delivery, Verified, WebhookError};
use crate::webhook::{Secret, bounded, header, required_header, signature};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "messagebird-signature";
/// The header that carries the signed timestamp.
pub const TIMESTAMP_HEADER: &str = "messagebird-request-timestamp";
/// The header that names the delivery (the same on its retries).
pub const REQUEST_ID_HEADER: &str = "messagebird-request-id";

/// How far the signed timestamp may be from now unless set: five minutes.
/// Bird retries a delivery that failed for up to eight hours, and a retry
/// keeps its first timestamp: to accept retries, widen the tolerance and
/// tell retries apart by [`Verified::delivery_id`].
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Checks Bird's signature on a delivery. Holds the subscription's signing
/// key; its `Debug` does not show it.
#[derive(Debug, Clone)]
pub struct Verifier {
    signing_key: Secret,
    tolerance: Duration,
    max_body_bytes: usize,
}

impl Verifier {
    /// A verifier for the subscription created with `signing_key` (the
    /// string as given to Bird: it is used as it is, not base64-decoded).
    pub fn new(signing_key: impl Into<String>) -> Result<Self, CredentialError> {
        Ok(Self {
            signing_key: Secret::new(signing_key.into(), "signing key")?,
            tolerance: DEFAULT_TOLERANCE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// How far from now the signed timestamp may be, either way
    /// ([`DEFAULT_TOLERANCE`] unless set).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body read ([`DEFAULT_MAX_BODY_BYTES`] unless set).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Checks the delivery's signature and timestamp against the system
    /// clock and returns its body.
    pub fn verify<'a>(&self, delivery: &Delivery<'a>) -> Result<Verified<'a>, WebhookError> {
        self.verify_at(delivery, SystemTime::now())
    }

    /// [`verify`](Self::verify) with the time taken as `now` (for tests,
    /// or a clock of your own).
    pub fn verify_at<'a>(
        &self,
        delivery: &Delivery<'a>,
        now: SystemTime,
    ) -> Result<Verified<'a>, WebhookError> {
        let body = bounded(delivery.body, self.max_body_bytes)?;
        let given = signature(
            required_header(delivery.headers, SIGNATURE_HEADER)?,
            SIGNATURE_HEADER,
        )?;
        let timestamp = required_header(delivery.headers, TIMESTAMP_HEADER)?;
        let seconds: i64 = timestamp
            .parse()
            .ok()
            .filter(|_| !timestamp.is_empty() && timestamp.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(WebhookError::MalformedHeader {
                header: TIMESTAMP_HEADER,
                problem: "is not a number of seconds",
            })?;
        // Signed byte for byte, so not parsed; only what no URL holds is
        // refused (MessageBird's older deliveries signed a query string here).
        if delivery.url.is_empty()
            || delivery
                .url
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(WebhookError::InvalidUrl("is empty or holds white space"));
        }
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.signing_key.bytes()).expect("HMAC takes any key");
        mac.update(timestamp.as_bytes());
        mac.update(b"\n");
        mac.update(delivery.url.as_bytes());
        mac.update(b"\n");
        mac.update(&Sha256::digest(body));
        // The signature first: a forged request is told apart from a
        // stale one in your logs.
        mac.verify_slice(&given)
            .map_err(|_| WebhookError::SignatureMismatch)?;
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let age = now.saturating_sub(seconds);
        if age.unsigned_abs() > self.tolerance.as_secs() {
            return Err(WebhookError::StaleTimestamp {
                age_seconds: age,
                tolerance_seconds: self.tolerance.as_secs(),
            });
        }
        Ok(Verified {
            body,
            id: header(delivery.headers, REQUEST_ID_HEADER).ok().flatten(),
            query_parameters: None,
        })
    }

    /// Checks the delivery, then reads its body as one of an API's events
    /// (`bird::conversations::webhooks::Event`).
    pub fn event<E: Event>(&self, delivery: &Delivery<'_>) -> Result<E, WebhookError> {
        self.verify(delivery)?.decode()
    }

    /// [`event`](Self::event) with the time taken as `now`.
    pub fn event_at<E: Event>(
        &self,
        delivery: &Delivery<'_>,
        now: SystemTime,
    ) -> Result<E, WebhookError> {
        self.verify_at(delivery, now)?.decode()
    }
}
