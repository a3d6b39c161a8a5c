//! One error type for every client, flat enough to act on without
//! matching progenitor's enum or parsing strings.

use std::collections::BTreeMap;
use std::fmt;

use interlocutor_runtime::{BodyTooLarge, ErrorBody, RawBody, is_retryable_status};
use progenitor_client::Error as ClientError;
use reqwest::header::HeaderMap;

/// What went wrong with a call, from any client of this crate.
///
/// Every generated method returns progenitor's `Error<ErrorBody<E>>`;
/// `?` in a function returning `interlocutor::Error` (or `Error::from`)
/// turns it into this:
///
/// ```no_run
/// # #[cfg(feature = "bird")]
/// # async fn demo(client: interlocutor::bird::conversations::Client) {
/// use interlocutor::{Error, ErrorKind};
/// use interlocutor::bird::conversations::types::ConversationUpdate;
///
/// let (workspace, conversation) = (uuid::Uuid::nil(), uuid::Uuid::nil());
/// match client.update_conversation(&workspace, &conversation, &ConversationUpdate::default()).await {
///     Ok(updated) => println!("{}", updated.id),
///     Err(error) => {
///         let error = Error::from(error);
///         if error.kind() == ErrorKind::Api && error.status() == Some(422) {
///             for (field, problems) in error.details() {
///                 eprintln!("{field}: {}", problems.join(", "));
///             }
///         } else if error.is_retryable() {
///             // rate limited or unavailable even after the built-in retries
///         }
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    provider: &'static str,
    status: Option<u16>,
    code: Option<ErrorCode>,
    message: Option<String>,
    more_info: Option<String>,
    details: BTreeMap<String, Vec<String>>,
    request_id: Option<String>,
    raw_body: Option<String>,
    retryable: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The broad kind of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider answered with its error body (`code`, `message`...).
    Api,
    /// An error status whose body is not the provider's error shape (an
    /// HTML page from a proxy, an empty body): see [`Error::raw_body`].
    UnexpectedResponse,
    /// A success status whose body could not be decoded.
    InvalidResponse,
    /// The response body was over the client's size limit.
    ResponseTooLarge,
    /// No usable response: the connection failed, timed out or broke.
    Transport,
    /// The request could not be built or sent as described.
    InvalidRequest,
}

/// The provider's own error code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Twilio's numeric code (e.g. `20404`), documented at `more_info`.
    Twilio(i64),
    /// Bird's code (e.g. `InvalidPayload`).
    Bird(String),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Twilio(code) => write!(f, "{code}"),
            Self::Bird(code) => f.write_str(code),
        }
    }
}

/// The fields an API's error body contributes to an [`Error`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderErrorFields {
    pub code: Option<ErrorCode>,
    pub message: Option<String>,
    pub more_info: Option<String>,
    pub details: BTreeMap<String, Vec<String>>,
}

/// An API's documented error body. Implemented in this crate for each
/// API's error type; sealed.
pub trait ProviderError: serde::de::DeserializeOwned + serde::Serialize + sealed::Sealed {
    /// `"Twilio"` or `"Bird"`, for messages.
    const PROVIDER: &'static str;
    /// The fields of the body.
    fn fields(self) -> ProviderErrorFields;
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Response headers that carry the provider's request id.
const REQUEST_ID_HEADERS: [&str; 3] = ["twilio-request-id", "x-request-id", "request-id"];

impl Error {
    fn new(kind: ErrorKind, provider: &'static str) -> Self {
        Self {
            kind,
            provider,
            status: None,
            code: None,
            message: None,
            more_info: None,
            details: BTreeMap::new(),
            request_id: None,
            raw_body: None,
            retryable: false,
            source: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status, when a response arrived. (A success whose JSON has
    /// the wrong shape is reported by progenitor without its status.)
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The provider's error code.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref()
    }

    /// The provider's message, or what went wrong here.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Twilio's `more_info` link to the error code's documentation.
    pub fn more_info(&self) -> Option<&str> {
        self.more_info.as_deref()
    }

    /// Bird's validation problems, keyed by the path of the field.
    pub fn details(&self) -> &BTreeMap<String, Vec<String>> {
        &self.details
    }

    /// The provider's id for the request (`Twilio-Request-Id`), to quote
    /// to their support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The response body as received, when it was not the documented shape.
    pub fn raw_body(&self) -> Option<&str> {
        self.raw_body.as_deref()
    }

    /// Whether trying again later may succeed: rate limiting (429),
    /// unavailability (502, 503, 504), a connection failure or a timeout.
    /// The client has already retried the statuses and connection failures
    /// as its `RetryPolicy` allows; a timeout is not retried automatically,
    /// as the request may have been processed (these operations are safe
    /// to repeat, so calling again is fine).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    fn with_response(mut self, status: u16, headers: &HeaderMap) -> Self {
        self.status = Some(status);
        self.retryable = is_retryable_status(status);
        self.request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
            .map(str::to_owned);
        self
    }

    fn with_body<T: ProviderError>(mut self, body: ErrorBody<T>) -> Self {
        match body {
            ErrorBody::Documented(error) => {
                let fields = error.fields();
                self.kind = ErrorKind::Api;
                self.code = fields.code;
                self.message = fields.message;
                self.more_info = fields.more_info;
                self.details = fields.details;
            }
            ErrorBody::Undocumented(value) => {
                self.kind = ErrorKind::UnexpectedResponse;
                self.raw_body = match value {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(text) => Some(text),
                    other => Some(other.to_string()),
                };
            }
        }
        self
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl<T: ProviderError> From<ClientError<ErrorBody<T>>> for Error {
    fn from(error: ClientError<ErrorBody<T>>) -> Self {
        let provider = T::PROVIDER;
        match error {
            ClientError::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let base =
                    Error::new(ErrorKind::Api, provider).with_response(status, response.headers());
                base.with_body(response.into_inner())
            }
            ClientError::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let base = Error::new(ErrorKind::UnexpectedResponse, provider)
                    .with_response(status, response.headers());
                if let Some(BodyTooLarge { limit }) = response.extensions().get() {
                    return Error {
                        kind: ErrorKind::ResponseTooLarge,
                        message: Some(format!(
                            "the response body is larger than the limit of {limit} bytes; it was \
                             not read"
                        )),
                        ..base
                    };
                }
                let raw = response
                    .extensions()
                    .get::<RawBody>()
                    .map(|RawBody(bytes)| bytes.clone())
                    .unwrap_or_default();
                let raw_text = || Some(String::from_utf8_lossy(&raw).into_owned());
                if response.status().is_success() {
                    // The runtime hands back successes whose body is not JSON.
                    let problem = match serde_json::from_slice::<serde::de::IgnoredAny>(&raw) {
                        Err(error) => error.to_string(),
                        Ok(_) => "the body is not the documented shape".to_owned(),
                    };
                    return Error {
                        kind: ErrorKind::InvalidResponse,
                        message: Some(problem),
                        raw_body: raw_text(),
                        ..base
                    };
                }
                // An undocumented status may still carry the provider's
                // error body (a Twilio 401 does).
                match serde_json::from_slice::<ErrorBody<T>>(&raw) {
                    Ok(body @ ErrorBody::Documented(_)) => base.with_body(body),
                    _ if raw.is_empty() => base,
                    _ => Error {
                        raw_body: raw_text(),
                        ..base
                    },
                }
            }
            ClientError::InvalidResponsePayload(bytes, source) => Error {
                message: Some(source.to_string()),
                raw_body: Some(String::from_utf8_lossy(&bytes).into_owned()),
                ..Error::new(ErrorKind::InvalidResponse, provider)
            }
            .with_source(source),
            ClientError::CommunicationError(source)
            | ClientError::ResponseBodyError(source)
            | ClientError::InvalidUpgrade(source) => Error {
                retryable: source.is_connect() || source.is_timeout(),
                status: source.status().map(|s| s.as_u16()),
                message: Some(source_chain(&source)),
                ..Error::new(ErrorKind::Transport, provider)
            }
            .with_source(source),
            ClientError::InvalidRequest(message) => Error {
                message: Some(message),
                ..Error::new(ErrorKind::InvalidRequest, provider)
            },
            ClientError::Custom(message) => Error {
                message: Some(message),
                ..Error::new(ErrorKind::InvalidResponse, provider)
            },
        }
    }
}

/// `error: cause: root cause`, so a transport error says why.
fn source_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// At most `limit` characters of `text`, on one line.
fn excerpt(text: &str, limit: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let provider = self.provider;
        let status = self
            .status
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default();
        match self.kind {
            ErrorKind::Api => {
                write!(f, "{provider} error")?;
                if let Some(code) = &self.code {
                    write!(f, " {code}")?;
                }
                write!(f, "{status}")?;
                if let Some(message) = &self.message {
                    write!(f, ": {message}")?;
                }
                for (field, problems) in &self.details {
                    write!(f, "; {field}: {}", problems.join(", "))?;
                }
                if let Some(link) = &self.more_info {
                    write!(f, " (see {link})")?;
                }
            }
            ErrorKind::UnexpectedResponse => {
                write!(f, "unexpected response from {provider}{status}")?;
                match &self.raw_body {
                    Some(body) => write!(f, ": {}", excerpt(body, 200))?,
                    None => write!(f, " with an empty body")?,
                }
            }
            ErrorKind::InvalidResponse => {
                write!(f, "could not read the {provider} response{status}")?;
                if let Some(message) = &self.message {
                    write!(f, ": {message}")?;
                }
                if let Some(body) = self.raw_body.as_deref().filter(|b| !b.is_empty()) {
                    write!(f, " (body: {})", excerpt(body, 200))?;
                }
            }
            ErrorKind::ResponseTooLarge => {
                write!(
                    f,
                    "{provider}: {}",
                    self.message.as_deref().unwrap_or_default()
                )?;
            }
            ErrorKind::Transport => {
                write!(f, "could not complete the request to {provider}")?;
                if let Some(message) = &self.message {
                    write!(f, ": {message}")?;
                }
            }
            ErrorKind::InvalidRequest => {
                write!(f, "invalid request to {provider}")?;
                if let Some(message) = &self.message {
                    write!(f, ": {message}")?;
                }
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Implements [`ProviderError`] for a Twilio error body (the same shape in
/// every Twilio API).
#[cfg(any(
    feature = "twilio-conversations-v1",
    feature = "twilio-conversations-v2"
))]
macro_rules! twilio_error {
    ($type:ty) => {
        impl sealed::Sealed for $type {}

        impl ProviderError for $type {
            const PROVIDER: &'static str = "Twilio";

            fn fields(self) -> ProviderErrorFields {
                ProviderErrorFields {
                    code: self.code.map(|code| ErrorCode::Twilio(code.into())),
                    message: self.message,
                    more_info: self.more_info,
                    details: BTreeMap::new(),
                }
            }
        }
    };
}

#[cfg(feature = "twilio-conversations-v2")]
twilio_error!(interlocutor_twilio_conversations_v2::types::TwilioError);
#[cfg(feature = "twilio-conversations-v1")]
twilio_error!(interlocutor_twilio_conversations_v1::types::TwilioError);

#[cfg(feature = "bird")]
impl sealed::Sealed for interlocutor_bird_conversations::types::BirdError {}

#[cfg(feature = "bird")]
impl ProviderError for interlocutor_bird_conversations::types::BirdError {
    const PROVIDER: &'static str = "Bird";

    fn fields(self) -> ProviderErrorFields {
        ProviderErrorFields {
            code: Some(ErrorCode::Bird(self.code)),
            message: Some(self.message),
            more_info: None,
            details: self.details,
        }
    }
}
