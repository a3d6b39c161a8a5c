//! What every provider's webhook verifier shares: the request as a server
//! framework hands it over ([`Delivery`]), a verified body ([`Verified`]),
//! and the one error of a refused delivery ([`WebhookError`]).
//!
//! The schemes themselves are the providers':
//! `interlocutor::twilio::webhook` and `interlocutor::bird::webhook`.

use std::fmt;

pub use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
pub use interlocutor_runtime::webhook::{DecodeError, Event, Media};

/// The largest body a verifier reads unless told otherwise: 1 MiB, far
/// above any event the providers document. A larger body is refused before
/// anything is computed over it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// One request a provider sent to your server, as your framework hands it
/// over, with the URL the provider called.
///
/// The URL is the one the provider signed: the URL you registered with it,
/// scheme, host, port, path and query as the provider sent them (Twilio
/// adds to the query: take the query from the request). Behind a
/// proxy or a load balancer the URL your server sees is not that one
/// (another scheme, host or port), so state it yourself rather than
/// rebuilding it from `Host` or `X-Forwarded-*` headers, which a client
/// can set.
#[derive(Clone, Copy)]
pub struct Delivery<'a> {
    pub(crate) method: &'a Method,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl<'a> Delivery<'a> {
    /// A delivery from its parts: the method, the full URL the provider
    /// called, the headers and the raw body, byte for byte as received.
    pub fn new(method: &'a Method, url: &'a str, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            method,
            url,
            headers,
            body,
        }
    }

    /// A delivery from an `http::Request` whose body has been read into
    /// bytes (axum's `Request<Bytes>`, hyper's, actix's converted), and the
    /// full URL the provider called.
    pub fn from_request<B: AsRef<[u8]>>(request: &'a Request<B>, url: &'a str) -> Self {
        Self::new(
            request.method(),
            url,
            request.headers(),
            request.body().as_ref(),
        )
    }
}

impl fmt::Debug for Delivery<'_> {
    /// The method, URL and header names, and the body's size: never the
    /// header values (a proxy may have added credentials) or the body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("method", self.method)
            .field("url", &interlocutor_runtime::redact_url(self.url))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// A delivery whose signature checked: its body came from the provider.
#[derive(Clone, Copy)]
pub struct Verified<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) id: Option<&'a str>,
    /// The signed query of a delivery that carries its parameters there
    /// (a Twilio GET), read as the form body it stands for.
    pub(crate) query_parameters: Option<&'a str>,
}

impl<'a> Verified<'a> {
    /// The raw body, as received and signed.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The provider's id of this delivery, the same on each of its retries
    /// (Twilio's `I-Twilio-Idempotency-Token`, Bird's
    /// `messagebird-request-id`), for telling a retry from a new event.
    /// Neither provider signs it: whoever replays a delivery can change it,
    /// so it is no defence against a replay (Bird's signed timestamp is).
    pub fn delivery_id(&self) -> Option<&'a str> {
        self.id
    }

    /// The body read as one of an API's events, e.g.
    /// `verified.decode::<interlocutor::bird::conversations::webhooks::Event>()`.
    /// A form event delivered by GET (Twilio sends its parameters in the
    /// query then) is read from the signed query.
    pub fn decode<E: Event>(&self) -> Result<E, WebhookError> {
        let source = match self.query_parameters {
            Some(query) if self.body.is_empty() && E::MEDIA == Media::Form => query.as_bytes(),
            _ => self.body,
        };
        E::decode(source).map_err(WebhookError::Decode)
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("body_bytes", &self.body.len())
            .field("delivery_id", &self.id)
            .finish()
    }
}

/// Why a delivery was refused. Each cause is its own variant; none carries
/// a secret, a signature or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the scheme needs is absent.
    MissingHeader(&'static str),
    /// A header is present but not in the scheme's format.
    MalformedHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The body is larger than the verifier reads.
    BodyTooLarge {
        /// The bound, in bytes.
        limit: usize,
    },
    /// The URL given for the delivery cannot be the one the provider
    /// called (a mistake in your code, not in the request).
    InvalidUrl(&'static str),
    /// The body is not covered by the signature (Twilio signs a JSON body
    /// only through the `bodySHA256` query parameter).
    UnsignedBody,
    /// The body's SHA-256 is not the one the signed URL names: the body
    /// was changed on the way.
    BodyHashMismatch,
    /// The signature does not match: the request was not signed with this
    /// key, or something signed was changed (URL, body, a parameter, the
    /// timestamp).
    SignatureMismatch,
    /// Twilio announced a signature algorithm this version does not know.
    UnknownAlgorithm(String),
    /// Twilio signed with a shared key (`X-Twilio-Webhooks-Signature-Settings`)
    /// and the verifier was given none.
    NoSharedKey,
    /// The signed timestamp is further from now than the tolerance: a
    /// replay of an old delivery, or a clock far off.
    StaleTimestamp {
        /// Now minus the timestamp, in seconds (negative: in the future).
        age_seconds: i64,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },
    /// The verified body is not an event the spec describes.
    Decode(DecodeError),
}

impl WebhookError {
    /// The status to answer the provider with: 413 for a body too large,
    /// 500 when the URL your code states is not one, 422 for a verified
    /// body that does not decode, 403 for every other refusal (a missing
    /// shared key included: it is decided before any signature is checked,
    /// so it must not tell a stranger more than a forgery does).
    pub fn http_status(&self) -> http::StatusCode {
        match self {
            Self::BodyTooLarge { .. } => http::StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidUrl(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::Decode(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            _ => http::StatusCode::FORBIDDEN,
        }
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(header) => write!(f, "the webhook has no `{header}` header"),
            Self::MalformedHeader { header, problem } => {
                write!(f, "the webhook's `{header}` header {problem}")
            }
            Self::BodyTooLarge { limit } => {
                write!(f, "the webhook's body is larger than {limit} bytes")
            }
            Self::InvalidUrl(problem) => write!(f, "the webhook's URL {problem}"),
            Self::UnsignedBody => f.write_str(
                "the webhook's body is not covered by its signature (a JSON body needs the \
                 `bodySHA256` query parameter)",
            ),
            Self::BodyHashMismatch => f.write_str(
                "the webhook's body does not match the `bodySHA256` its signed URL names",
            ),
            Self::SignatureMismatch => f.write_str(
                "the webhook's signature does not match (wrong key, or the URL, body or a \
                 signed header was changed)",
            ),
            Self::UnknownAlgorithm(algorithm) => write!(
                f,
                "the webhook is signed with `{algorithm}`, an algorithm this verifier does not know"
            ),
            Self::NoSharedKey => f.write_str(
                "the webhook is signed with a shared key, and the verifier was given none",
            ),
            Self::StaleTimestamp {
                age_seconds,
                tolerance_seconds,
            } => write!(
                f,
                "the webhook's timestamp is {age_seconds} s from now, outside the tolerance of \
                 {tolerance_seconds} s"
            ),
            Self::Decode(error) => write!(f, "the webhook is verified, but {error}"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode(error) => Some(error),
            _ => None,
        }
    }
}

/// A header's value as text, or the error that names it.
pub(crate) fn header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a str>, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(WebhookError::MalformedHeader {
            header: name,
            problem: "is given more than once",
        });
    }
    value
        .to_str()
        .map(|value| Some(value.trim()))
        .map_err(|_| WebhookError::MalformedHeader {
            header: name,
            problem: "is not visible ASCII",
        })
}

/// A header the scheme needs.
pub(crate) fn required_header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<&'a str, WebhookError> {
    header(headers, name)?.ok_or(WebhookError::MissingHeader(name))
}

/// A base64 signature header, decoded.
pub(crate) fn signature(value: &str, name: &'static str) -> Result<Vec<u8>, WebhookError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|_| WebhookError::MalformedHeader {
            header: name,
            problem: "is not base64",
        })
}

/// The body, refused when larger than `limit`.
pub(crate) fn bounded(body: &[u8], limit: usize) -> Result<&[u8], WebhookError> {
    if body.len() > limit {
        return Err(WebhookError::BodyTooLarge { limit });
    }
    Ok(body)
}

/// A signing secret: kept as bytes, never shown.
#[derive(Clone)]
pub(crate) struct Secret(Vec<u8>);

impl Secret {
    pub(crate) fn new(
        value: String,
        label: &'static str,
    ) -> Result<Self, interlocutor_runtime::CredentialError> {
        interlocutor_runtime::CredentialError::check(&value, label)?;
        Ok(Self(value.into_bytes()))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}
