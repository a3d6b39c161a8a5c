//! One error type for every client, flat enough to act on without
//! matching progenitor's enum or parsing strings.

use std::fmt;

use interlocutor_runtime::{
    BodyBroken, BodyTooLarge, BuildError, CredentialError, DecodeError, ErrorBody, Invalid,
    RawBody, is_retryable_status,
};
use progenitor_client::Error as ClientError;
use reqwest::header::HeaderMap;

/// `Result<T, interlocutor::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, at any step: credentials, building a client, or a call.
///
/// Every step converts into it with `?`: a [`CredentialError`] from
/// `twilio::from_env()`, a [`BuildError`] from `Client::builder(..).build()`,
/// and the error of every generated method (progenitor's
/// `Error<ErrorBody<E>>`, which also carries a request refused before it was
/// sent because a value breaks its spec). Its `Display` is one line saying
/// what failed; the underlying cause, if any, is its `source()`. Its `Debug`,
/// which `main` prints, is that line and the causes, bounded in size.
///
/// ```no_run
/// # #[cfg(feature = "bird")]
/// # async fn demo() -> interlocutor::Result<()> {
/// use interlocutor::{Error, ErrorKind};
/// use interlocutor::bird::{self, conversations::{Client, types::ConversationUpdate}};
///
/// let client = Client::builder(bird::from_env()?).build()?;
/// let workspace = "b4e02c85-c6d2-4b15-8885-e09671799c61";
/// let conversation = "67e4d358-ca94-421e-98b7-448860df9d33";
/// let update = ConversationUpdate::new().name("Refund");
/// match client.update_conversation(workspace, conversation, update).await {
///     Ok(updated) => println!("{}", updated.id),
///     Err(error) => {
///         let error = Error::from(error);
///         if error.kind() == ErrorKind::Api && error.status() == Some(422) {
///             eprintln!("refused: {:?}", error.details());
///         } else if error.is_retryable() {
///             // rate limited or unavailable even after the built-in retries
///         } else {
///             return Err(error);
///         }
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct Error(Box<Details>);

/// The fields of an [`Error`], boxed so that `Result<T, Error>` stays one
/// pointer wide (clippy's `result_large_err` in callers' code).
struct Details {
    kind: ErrorKind,
    provider: Option<&'static str>,
    status: Option<u16>,
    code: Option<ErrorCode>,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<serde_json::Value>,
    request_id: Option<String>,
    headers: Option<HeaderMap>,
    raw_body: Option<String>,
    retryable: bool,
    /// For a transport error, what failed in a few words.
    transport_failure: Option<&'static str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The broad kind of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider answered with its error body (`code`, `message`...).
    Api,
    /// A status the spec does not document (a redirect, a `201` where it
    /// says `200`), or an error status whose body is not the provider's
    /// error shape (an HTML page from a proxy, an empty body): see
    /// [`Error::raw_body`].
    UnexpectedResponse,
    /// A success status whose body could not be decoded.
    InvalidResponse,
    /// The response body was over the client's size limit.
    ResponseTooLarge,
    /// No usable response: the connection failed, timed out or broke.
    Transport,
    /// The request was refused before it was sent: a value breaks a
    /// constraint of the spec (the message names the field), or a path
    /// parameter cannot be sent.
    InvalidRequest,
    /// Credentials were refused when they were made or read from the
    /// environment (the message names the value, never shows it).
    Credentials,
    /// A client could not be built: its base URL, application name or HTTP
    /// client was refused.
    Configuration,
}

/// The provider's own error code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A numeric code: Twilio's (e.g. `20404`), documented at `more_info`.
    Number(i64),
    /// A text code: Bird's (e.g. `ResourceNotFound`).
    Text(String),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(code) => write!(f, "{code}"),
            Self::Text(code) => f.write_str(code),
        }
    }
}

/// The fields an API's error body contributes to an [`Error`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderErrorFields {
    /// The provider's error code.
    pub code: Option<ErrorCode>,
    /// The provider's message.
    pub message: Option<String>,
    /// A link to the code's documentation (Twilio's `more_info`).
    pub more_info: Option<String>,
    /// More about the error, free-form (Bird's `details`).
    pub details: Option<serde_json::Value>,
}

/// An API's documented error body. Implemented for each API's error type
/// in `src/apis.rs`, which the generator writes from the spec; sealed.
pub trait ProviderError: serde::de::DeserializeOwned + serde::Serialize + sealed::Sealed {
    /// `"Twilio"` or `"Bird"`, for messages.
    const PROVIDER: &'static str;
    /// The fields of the body.
    fn fields(self) -> ProviderErrorFields;
}

#[doc(hidden)]
pub mod sealed {
    /// Keeps [`super::ProviderError`] to the generated error types.
    pub trait Sealed {}
}

impl Details {
    fn new(kind: ErrorKind, provider: &'static str) -> Self {
        Self {
            provider: Some(provider),
            ..Self::local(kind)
        }
    }

    /// An error of a step before any provider was involved.
    fn local(kind: ErrorKind) -> Self {
        Self {
            kind,
            provider: None,
            status: None,
            code: None,
            message: None,
            more_info: None,
            details: None,
            request_id: None,
            headers: None,
            raw_body: None,
            retryable: false,
            transport_failure: None,
            source: None,
        }
    }
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// `"Twilio"` or `"Bird"`, for an error of a call.
    pub fn provider(&self) -> Option<&'static str> {
        self.0.provider
    }

    /// The HTTP status, when a response arrived (whatever its body was, or
    /// even if the connection broke while the body was read).
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// For a request refused before it was sent, the field at fault as the
    /// provider names it (`metadata.tier`, `workspace_id`).
    pub fn field(&self) -> Option<&str> {
        if self.0.kind != ErrorKind::InvalidRequest {
            return None;
        }
        // `Invalid`'s text, which is how the generated methods pass it on:
        // "`field` problem".
        let message = self.0.message.as_deref()?.strip_prefix('`')?;
        message.split_once("` ").map(|(field, _)| field)
    }

    /// The provider's error code.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.0.code.as_ref()
    }

    /// The provider's message, or what went wrong here.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Twilio's `more_info` link to the error code's documentation.
    pub fn more_info(&self) -> Option<&str> {
        self.0.more_info.as_deref()
    }

    /// Bird's `details`: more about the error, free-form (for a validation
    /// error, for example, the problems found by field).
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.0.details.as_ref()
    }

    /// The provider's id for the request (`Twilio-Request-Id`), to quote
    /// to their support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The response headers exactly as the server sent them (`Retry-After`
    /// of a final 429, `Location` of a 3xx), when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.0.headers.as_ref()
    }

    /// The response body as received, when it was not the documented shape.
    pub fn raw_body(&self) -> Option<&str> {
        self.0.raw_body.as_deref()
    }

    /// Whether trying again later may succeed: rate limiting (429),
    /// unavailability (502, 503, 504), a connection failure or a timeout.
    /// The client has already retried the statuses and connection failures
    /// as its `RetryPolicy` allows; a timeout is not retried automatically,
    /// as the request may have been processed (these operations are safe
    /// to repeat, so calling again is fine).
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }
}

impl Details {
    fn with_response(mut self, status: u16, headers: &HeaderMap) -> Self {
        self.status = Some(status);
        self.retryable = is_retryable_status(status);
        self.request_id = interlocutor_runtime::request_id(headers).map(str::to_owned);
        self.headers = Some(headers.clone());
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
        Error::from(match error {
            ClientError::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let base = Details::new(ErrorKind::Api, provider)
                    .with_response(status, response.headers());
                base.with_body(response.into_inner())
            }
            ClientError::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let base = Details::new(ErrorKind::UnexpectedResponse, provider)
                    .with_response(status, response.headers());
                if let Some(BodyBroken { message }) = response.extensions().get() {
                    // Calling again is safe (the operations set values).
                    return Error::from(Details {
                        kind: ErrorKind::Transport,
                        message: Some(message.clone()),
                        transport_failure: Some("the response broke off"),
                        retryable: true,
                        ..base
                    });
                }
                if let Some(BodyTooLarge { limit }) = response.extensions().get() {
                    return Error::from(Details {
                        kind: ErrorKind::ResponseTooLarge,
                        message: Some(format!(
                            "the response body is larger than the limit of {limit} bytes; it was \
                             not read"
                        )),
                        ..base
                    });
                }
                let raw = response
                    .extensions()
                    .get::<RawBody>()
                    .map(|RawBody(bytes)| bytes.clone())
                    .unwrap_or_default();
                let raw_text = || Some(String::from_utf8_lossy(&raw).into_owned());
                // A documented success whose body did not decode, handed
                // back by the runtime with the decoder's error. (A success
                // with a status the spec does not list is an unexpected
                // response, below.)
                if let Some(DecodeError(error)) = response.extensions().get::<DecodeError>() {
                    return Error::from(
                        Details {
                            kind: ErrorKind::InvalidResponse,
                            message: Some(error.to_string()),
                            raw_body: raw_text(),
                            ..base
                        }
                        .with_source(error.clone()),
                    );
                }
                // An undocumented status may still carry the provider's
                // error body (a Twilio 401 does).
                match serde_json::from_slice::<ErrorBody<T>>(&raw) {
                    Ok(body @ ErrorBody::Documented(_)) => base.with_body(body),
                    _ if raw.is_empty() => base,
                    _ => Details {
                        raw_body: raw_text(),
                        ..base
                    },
                }
            }
            ClientError::InvalidResponsePayload(bytes, source) => Details {
                message: Some(source.to_string()),
                raw_body: Some(String::from_utf8_lossy(&bytes).into_owned()),
                ..Details::new(ErrorKind::InvalidResponse, provider)
            }
            .with_source(source),
            ClientError::CommunicationError(source)
            | ClientError::ResponseBodyError(source)
            | ClientError::InvalidUpgrade(source) => Details {
                retryable: source.is_connect() || source.is_timeout(),
                status: source.status().map(|s| s.as_u16()),
                message: Some(interlocutor_runtime::error_chain(&source)),
                transport_failure: Some(if source.is_timeout() {
                    "timed out"
                } else if source.is_connect() {
                    "could not connect"
                } else if source.is_body() || source.is_decode() {
                    "the response broke off"
                } else {
                    "the request failed"
                }),
                ..Details::new(ErrorKind::Transport, provider)
            }
            .with_source(source),
            ClientError::InvalidRequest(message) => Details {
                message: Some(message),
                ..Details::new(ErrorKind::InvalidRequest, provider)
            },
            ClientError::Custom(message) => Details {
                message: Some(message),
                ..Details::new(ErrorKind::InvalidResponse, provider)
            },
        })
    }
}

impl From<Details> for Error {
    fn from(details: Details) -> Self {
        Error(Box::new(details))
    }
}

/// At most `limit` characters of `text`, on one line.
fn excerpt(text: &str, limit: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The longest `Display`: a provider's message or Bird's `details` can be
/// as long as a response body.
const DISPLAY_LIMIT: usize = 1000;

impl fmt::Display for Error {
    /// One line, at most 1,000 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut full = String::new();
        self.render(&mut full)?;
        f.write_str(&excerpt(&full, DISPLAY_LIMIT))
    }
}

impl Error {
    fn render(&self, f: &mut String) -> fmt::Result {
        use fmt::Write as _;
        let this = &*self.0;
        let provider = this.provider.unwrap_or("the provider");
        let status = this
            .status
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default();
        match this.kind {
            ErrorKind::Api => {
                write!(f, "{provider} error")?;
                if let Some(code) = &this.code {
                    write!(f, " {code}")?;
                }
                write!(f, "{status}")?;
                if let Some(message) = &this.message {
                    write!(f, ": {message}")?;
                }
                if let Some(details) = &this.details {
                    write!(f, "; details: {}", excerpt(&details.to_string(), 300))?;
                }
                if let Some(link) = &this.more_info {
                    write!(f, " (see {link})")?;
                }
            }
            ErrorKind::UnexpectedResponse => {
                write!(f, "unexpected response from {provider}{status}")?;
                match &this.raw_body {
                    Some(body) => write!(f, ": {}", excerpt(body, 200))?,
                    None => write!(f, " with an empty body")?,
                }
            }
            ErrorKind::InvalidResponse => {
                write!(f, "could not read the {provider} response{status}")?;
                // With a source, the decoder's message is the source's.
                if let Some(message) = this.message.as_ref().filter(|_| this.source.is_none()) {
                    write!(f, ": {message}")?;
                }
                if let Some(body) = this.raw_body.as_deref().filter(|b| !b.is_empty()) {
                    write!(f, " (body: {})", excerpt(body, 200))?;
                }
            }
            ErrorKind::ResponseTooLarge => {
                write!(
                    f,
                    "{provider}: {}",
                    this.message.as_deref().unwrap_or_default()
                )?;
            }
            ErrorKind::Transport => {
                // What the transport said is the source, not repeated here.
                write!(f, "could not complete the request to {provider}")?;
                if let Some(what) = this.transport_failure {
                    write!(f, " ({what})")?;
                }
            }
            ErrorKind::InvalidRequest => {
                match this.provider {
                    Some(provider) => write!(f, "invalid request to {provider}")?,
                    None => f.write_str("invalid request")?,
                }
                if let Some(message) = &this.message {
                    write!(f, ": {message}")?;
                }
            }
            ErrorKind::Credentials => {
                write!(f, "invalid credentials")?;
                if let Some(message) = &this.message {
                    write!(f, ": {message}")?;
                }
            }
            ErrorKind::Configuration => {
                write!(f, "cannot build the client")?;
                if let Some(message) = &this.message {
                    write!(f, ": {message}")?;
                }
            }
        }
        if let Some(id) = &this.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

/// The longest raw body `Debug` shows: enough to recognise an HTML error
/// page, never the 10 MiB a response may hold.
const DEBUG_BODY_LIMIT: usize = 500;

impl fmt::Debug for Error {
    /// `{:?}` (what `main` prints when it returns an error): the `Display`
    /// line, then the chain of causes. `{:#?}`: every field, the raw body
    /// cut to a few hundred characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = &*self.0;
        if f.alternate() {
            return f
                .debug_struct("Error")
                .field("kind", &this.kind)
                .field("provider", &this.provider)
                .field("status", &this.status)
                .field("code", &this.code)
                .field(
                    "message",
                    &this
                        .message
                        .as_deref()
                        .map(|m| excerpt(m, DEBUG_BODY_LIMIT)),
                )
                .field(
                    "more_info",
                    &this
                        .more_info
                        .as_deref()
                        .map(|m| excerpt(m, DEBUG_BODY_LIMIT)),
                )
                .field(
                    "details",
                    &this
                        .details
                        .as_ref()
                        .map(|details| excerpt(&details.to_string(), DEBUG_BODY_LIMIT)),
                )
                .field(
                    "request_id",
                    &this.request_id.as_deref().map(|id| excerpt(id, 100)),
                )
                .field(
                    "raw_body",
                    &this
                        .raw_body
                        .as_deref()
                        .map(|body| excerpt(body, DEBUG_BODY_LIMIT)),
                )
                .field("retryable", &this.retryable)
                .field(
                    "source",
                    &this
                        .source
                        .as_ref()
                        .map(|source| excerpt(&source.to_string(), DEBUG_BODY_LIMIT)),
                )
                .finish();
        }
        write!(f, "{self}")?;
        let mut cause = std::error::Error::source(self);
        if cause.is_some() {
            f.write_str("\n\nCaused by:")?;
        }
        let mut index = 0;
        while let Some(error) = cause {
            write!(
                f,
                "\n    {index}: {}",
                excerpt(&error.to_string(), DEBUG_BODY_LIMIT)
            )?;
            cause = error.source();
            index += 1;
        }
        Ok(())
    }
}

impl From<CredentialError> for Error {
    fn from(error: CredentialError) -> Self {
        Error::from(Details {
            message: Some(error.to_string()),
            ..Details::local(ErrorKind::Credentials)
        })
    }
}

impl From<Invalid> for Error {
    /// A value that breaks its spec, found by calling
    /// [`Validate::validate`](crate::Validate::validate) yourself.
    fn from(invalid: Invalid) -> Self {
        Error::from(Details {
            message: Some(invalid.to_string()),
            ..Details::local(ErrorKind::InvalidRequest)
        })
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        match error {
            BuildError::Credentials(error) => Error::from(error),
            other => Error::from(Details {
                message: Some(other.to_string()),
                ..Details::local(ErrorKind::Configuration)
            }),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// The fields of an error body by their wire names, as a spec's
/// `x-interlocutor.error` block gives them; the generated `ProviderError`
/// impls read an error body through them.
#[doc(hidden)]
#[allow(dead_code)] // Unused with every API's feature off.
pub struct ErrorFieldNames {
    /// The code's wire name.
    pub code: Option<&'static str>,
    /// The message's wire name.
    pub message: Option<&'static str>,
    /// The documentation link's wire name.
    pub more_info: Option<&'static str>,
    /// The details' wire name.
    pub details: Option<&'static str>,
}

/// Reads the fields named by `names` from an error body.
#[doc(hidden)]
#[allow(dead_code)]
pub fn fields_from_body(
    body: &impl serde::Serialize,
    names: &ErrorFieldNames,
) -> ProviderErrorFields {
    let value = serde_json::to_value(body).unwrap_or_default();
    let get = |name: Option<&str>| {
        name.and_then(|name| value.get(name))
            .filter(|v| !v.is_null())
    };
    ProviderErrorFields {
        code: get(names.code).and_then(|code| match code {
            serde_json::Value::Number(number) => number.as_i64().map(ErrorCode::Number),
            serde_json::Value::String(text) => Some(ErrorCode::Text(text.clone())),
            _ => None,
        }),
        message: get(names.message)
            .and_then(|m| m.as_str())
            .map(str::to_owned),
        more_info: get(names.more_info)
            .and_then(|m| m.as_str())
            .map(str::to_owned),
        details: get(names.details)
            .filter(|details| details.as_object().is_none_or(|map| !map.is_empty()))
            .cloned(),
    }
}

impl Error {
    /// A value of a generated type parsed from text (`"INACTIVE".parse()`)
    /// that is not one of its values.
    #[doc(hidden)]
    #[allow(dead_code)]
    pub fn conversion(message: String) -> Self {
        Error::from(Details {
            message: Some(message),
            ..Details::local(ErrorKind::InvalidRequest)
        })
    }
}
