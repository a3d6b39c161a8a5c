//! Verifying the requests Twilio sends to your server, as Twilio's security
//! documentation specifies, then reading them.
//!
//! Twilio signs each webhook with `X-Twilio-Signature`: base64 of an HMAC
//! over the URL it called followed by the form parameters of the body,
//! sorted by name, each name then its value. A JSON body is signed through
//! the URL instead: Twilio adds `bodySHA256` (the body's SHA-256, hex) to
//! the query, and the body must hash to it. The key is the account's Auth
//! Token (HMAC-SHA1), or, when a Webhooks rule matches the URL, a shared
//! key that `X-Twilio-Webhooks-Signature-Settings` announces with its
//! algorithm (`algorithm=HMAC_SHA256`).
//!
//! ```
//! use interlocutor::twilio::webhook::{Delivery, Verifier};
//! use interlocutor::webhook::{HeaderMap, Method};
//!
//! # fn demo(headers: HeaderMap, body: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::new("your_auth_token")?;
//! let delivery = Delivery::new(&Method::POST, "https://example.com/twilio/events", &headers, &body);
//! let event: interlocutor::twilio::conversations_v1::webhooks::Event = verifier.event(&delivery)?;
//! # Ok(())
//! # }
//! ```
//!
//! The URL is the one Twilio called (see [`Delivery`]), with the query
//! Twilio added: `bodySHA256` for a JSON body, every parameter for a GET.
//! So join the origin and path you registered with the request's own query
//! (`uri.query()`). Twilio's own libraries accept a signature over the URL
//! with or without the scheme's default port (Twilio adds or drops it
//! depending on the product), and so does [`Verifier`].
//!
//! Twilio's signature has no timestamp: a captured delivery verifies again
//! when it is sent again. Nor does it separate names from values, so a
//! captured form body can be re-cut (`A=xB&C=y` signs as `A=x&BC=y`) and
//! keep its signature: read a decoded event's fields, not positions in the
//! raw body. `I-Twilio-Idempotency-Token`
//! ([`Verified::delivery_id`]) is not signed, so it tells Twilio's retries
//! apart but cannot stop a replay.

use hmac::{Hmac, KeyInit, Mac};
use interlocutor_runtime::CredentialError;
use interlocutor_runtime::webhook::Event;
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

pub use crate::webhook::{DEFAULT_MAX_BODY_BYTES, Delivery, Verified, WebhookError};
use crate::webhook::{Secret, bounded, header, required_header, signature};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";
/// The header that announces a shared key and its algorithm.
pub const SIGNATURE_SETTINGS_HEADER: &str = "x-twilio-webhooks-signature-settings";
/// The header that is the same on every retry of one delivery.
pub const IDEMPOTENCY_HEADER: &str = "i-twilio-idempotency-token";

/// Checks Twilio's signature on a delivery. Holds the Auth Token (and the
/// shared key, if you use one); its `Debug` shows neither.
#[derive(Debug, Clone)]
pub struct Verifier {
    auth_token: Secret,
    shared_key: Option<Secret>,
    max_body_bytes: usize,
}

/// The algorithms Twilio signs with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Algorithm {
    Sha1,
    Sha256,
}

impl Verifier {
    /// A verifier for webhooks signed with the account's Auth Token (the
    /// primary one: Twilio signs with it).
    pub fn new(auth_token: impl Into<String>) -> Result<Self, CredentialError> {
        Ok(Self {
            auth_token: Secret::new(auth_token.into(), "Auth Token")?,
            shared_key: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// Also accepts webhooks signed with a shared key (the secret Twilio
    /// returned when the key was created), which Twilio uses when a
    /// Webhooks rule matches the URL and announces with
    /// `X-Twilio-Webhooks-Signature-Settings`.
    pub fn shared_key(mut self, secret: impl Into<String>) -> Result<Self, CredentialError> {
        self.shared_key = Some(Secret::new(secret.into(), "shared key secret")?);
        Ok(self)
    }

    /// The largest body read ([`DEFAULT_MAX_BODY_BYTES`] unless set).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Checks the delivery's signature and returns its body.
    pub fn verify<'a>(&self, delivery: &Delivery<'a>) -> Result<Verified<'a>, WebhookError> {
        let body = bounded(delivery.body, self.max_body_bytes)?;
        let given = signature(
            required_header(delivery.headers, SIGNATURE_HEADER)?,
            SIGNATURE_HEADER,
        )?;
        let (key, algorithm) = match header(delivery.headers, SIGNATURE_SETTINGS_HEADER)? {
            None => (&self.auth_token, Algorithm::Sha1),
            Some(settings) => {
                let algorithm = announced_algorithm(settings)?;
                let key = self.shared_key.as_ref().ok_or(WebhookError::NoSharedKey)?;
                (key, algorithm)
            }
        };
        let parsed = url::Url::parse(delivery.url)
            .map_err(|_| WebhookError::InvalidUrl("is not an absolute URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(WebhookError::InvalidUrl("is not http or https"));
        }
        let body_hash = parsed
            .query_pairs()
            .find(|(name, _)| name == "bodySHA256")
            .map(|(_, value)| value.into_owned());
        let is_get =
            *delivery.method == http::Method::GET || *delivery.method == http::Method::HEAD;
        let parameters = match body_hash {
            Some(expected) => {
                let actual = hex(&sha2::Sha256::digest(body));
                if !bool::from(actual.as_bytes().ct_eq(expected.as_bytes())) {
                    return Err(WebhookError::BodyHashMismatch);
                }
                Vec::new()
            }
            None if body.is_empty() => Vec::new(),
            None if is_get => return Err(WebhookError::UnsignedBody),
            None if is_form(delivery.headers) => form_parameters(body),
            None => return Err(WebhookError::UnsignedBody),
        };
        let signed = candidates(delivery.url).into_iter().any(|url| {
            let mut data = url.into_bytes();
            for (name, value) in &parameters {
                data.extend_from_slice(name.as_bytes());
                data.extend_from_slice(value.as_bytes());
            }
            matches(algorithm, key.bytes(), &data, &given)
        });
        if !signed {
            return Err(WebhookError::SignatureMismatch);
        }
        Ok(Verified {
            body,
            id: header(delivery.headers, IDEMPOTENCY_HEADER).ok().flatten(),
            // A GET carries its parameters in the (signed) query.
            query_parameters: is_get
                .then(|| {
                    delivery
                        .url
                        .split('#')
                        .next()
                        .and_then(|url| url.split_once('?'))
                })
                .flatten()
                .map(|(_, query)| query),
        })
    }

    /// Checks the delivery's signature, then reads its body as one of an
    /// API's events (`conversations_v1::webhooks::Event`).
    pub fn event<E: Event>(&self, delivery: &Delivery<'_>) -> Result<E, WebhookError> {
        self.verify(delivery)?.decode()
    }
}

/// The algorithm `key=…,algorithm=HMAC_SHA256` names.
fn announced_algorithm(settings: &str) -> Result<Algorithm, WebhookError> {
    let algorithm = settings
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("algorithm"))
        .map(|(_, value)| value.trim())
        .ok_or(WebhookError::MalformedHeader {
            header: SIGNATURE_SETTINGS_HEADER,
            problem: "names no `algorithm`",
        })?;
    match algorithm {
        "HMAC_SHA256" => Ok(Algorithm::Sha256),
        "HMAC_SHA1" => Ok(Algorithm::Sha1),
        other => Err(WebhookError::UnknownAlgorithm(
            other
                .chars()
                .take(40)
                .flat_map(char::escape_debug)
                .collect(),
        )),
    }
}

/// A constant-time check of `given` against the HMAC of `data`.
fn matches(algorithm: Algorithm, key: &[u8], data: &[u8], given: &[u8]) -> bool {
    match algorithm {
        Algorithm::Sha1 => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key");
            mac.update(data);
            mac.verify_slice(given).is_ok()
        }
        Algorithm::Sha256 => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
            mac.update(data);
            mac.verify_slice(given).is_ok()
        }
    }
}

fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The body's parameters, decoded, in the order Twilio signs them: by
/// name, then (for a repeated name) by value, each distinct pair once, as
/// Twilio's own libraries sign them.
fn form_parameters(body: &[u8]) -> Vec<(String, String)> {
    let mut parameters: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    parameters.sort_unstable();
    parameters.dedup();
    parameters
}

/// The URLs Twilio may have signed for `url`, as its libraries try them:
/// as given, and without its port, or with the scheme's default port when
/// it has none (Twilio adds or drops it by product).
fn candidates(url: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(6);
    let mut push = |candidate: String| {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        push(url.to_owned());
        return out;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    // A port is what follows the last `:` outside an IPv6 literal.
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (host_port, None),
    };
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    let prefix = match userinfo {
        Some(userinfo) => format!("{scheme}://{userinfo}@{host}"),
        None => format!("{scheme}://{host}"),
    };
    match port {
        Some(port) => {
            push(format!("{prefix}:{port}{tail}"));
            push(format!("{prefix}{tail}"));
        }
        None => {
            push(format!("{prefix}{tail}"));
            push(format!("{prefix}:{default_port}{tail}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_cover_ports_as_twilios_libraries_do() {
        assert_eq!(
            candidates("https://example.com/a?b=1"),
            ["https://example.com/a?b=1", "https://example.com:443/a?b=1"]
        );
        assert_eq!(
            candidates("http://user:pass@example.com:8080"),
            [
                "http://user:pass@example.com:8080",
                "http://user:pass@example.com",
            ]
        );
        assert_eq!(
            candidates("https://[::1]/x"),
            ["https://[::1]/x", "https://[::1]:443/x"]
        );
    }

    #[test]
    fn an_unknown_algorithm_is_refused_by_name() {
        assert_eq!(
            announced_algorithm("key=KS123,algorithm=HMAC_SHA256"),
            Ok(Algorithm::Sha256)
        );
        assert_eq!(
            announced_algorithm("key=KS1, algorithm=HMAC_MD5"),
            Err(WebhookError::UnknownAlgorithm("HMAC_MD5".to_owned()))
        );
        assert!(matches!(
            announced_algorithm("key=KS1"),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }
}
