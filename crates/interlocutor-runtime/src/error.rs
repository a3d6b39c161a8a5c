//! One error type for every client and every step, flat enough to act on
//! without matching on layers or parsing strings. Generated clients return
//! it from every operation; the `interlocutor` facade re-exports it.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::{BuildError, CredentialError, Invalid, is_retryable_status};

/// `Result<T, interlocutor::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, at any step: credentials, building a client, or a call.
///
/// Every operation returns it, and every other step converts into it with
/// `?`: a [`CredentialError`] from `twilio::from_env()`, a [`BuildError`]
/// from `Client::builder(..).build()`, an [`Invalid`] value. Its `Display`
/// is one line saying what failed, at most 1,000 characters, with control
/// characters escaped; the underlying cause, if any, is its `source()`. Its
/// `Debug`, which `main` prints, is that line and the causes, bounded.
///
/// The common outcomes of a call have predicates, so no status number is
/// needed: [`is_not_found`](Self::is_not_found),
/// [`is_rate_limited`](Self::is_rate_limited),
/// [`is_unauthorized`](Self::is_unauthorized),
/// [`is_forbidden`](Self::is_forbidden), [`is_conflict`](Self::is_conflict)
/// and [`is_retryable`](Self::is_retryable).
///
/// ```no_run
/// # use interlocutor_runtime as interlocutor;
/// # async fn demo(
/// #     call: impl std::future::Future<Output = interlocutor::Result<()>>,
/// # ) -> interlocutor::Result<()> {
/// use interlocutor::ErrorKind;
///
/// match call.await {
///     Ok(()) => {}
///     Err(error) if error.is_not_found() => eprintln!("no such conversation"),
///     Err(error) if error.kind() == ErrorKind::Api && error.status() == Some(422) => {
///         eprintln!("refused: {:?}", error.details());
///     }
///     Err(error) if error.is_retryable() => {
///         // rate limited or unavailable even after the built-in retries
///     }
///     Err(error) => return Err(error),
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
    field: Option<String>,
    more_info: Option<String>,
    details: Option<serde_json::Value>,
    request_id: Option<String>,
    headers: Option<HeaderMap>,
    url: Option<reqwest::Url>,
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
    /// A success status whose body could not be decoded: the message says
    /// why (`missing field `id``), [`Error::raw_body`] has the body.
    InvalidResponse,
    /// The response body was over the client's size limit.
    ResponseTooLarge,
    /// No usable response: the connection failed, timed out or broke.
    Transport,
    /// The request was refused before it was sent: a value breaks a
    /// constraint of the spec ([`Error::field`] names it), or a path
    /// parameter cannot be sent.
    InvalidRequest,
    /// Credentials were refused when they were made or read from the
    /// environment (the message names the value, never shows it).
    Credentials,
    /// A client could not be built: its base URL, application name or HTTP
    /// client was refused.
    Configuration,
}

impl ErrorKind {
    /// A short name for logs and spans (`api`, `transport`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::UnexpectedResponse => "unexpected_response",
            Self::InvalidResponse => "invalid_response",
            Self::ResponseTooLarge => "response_too_large",
            Self::Transport => "transport",
            Self::InvalidRequest => "invalid_request",
            Self::Credentials => "credentials",
            Self::Configuration => "configuration",
        }
    }
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

/// An API's documented error body, decoded once by the response pipeline.
/// The generator implements it for each API's error schema, reading the
/// fields that the spec's `x-interlocutor.error` block names.
pub trait ProviderError: serde::de::DeserializeOwned {
    /// The body's property names on the wire. A body is read as this type
    /// only when it is an object with at least one of them: an error type
    /// whose fields are all optional would otherwise "decode" any object
    /// at all (a proxy's `{"error": "…"}`), hiding what was received.
    const FIELDS: &'static [&'static str];

    /// The fields of the body.
    fn fields(self) -> ProviderErrorFields;
}

/// The error body of an API whose spec documents none: it never decodes,
/// so every error status is an [`ErrorKind::UnexpectedResponse`] with its
/// raw body.
#[derive(Debug)]
pub enum NoErrorBody {}

impl<'de> serde::Deserialize<'de> for NoErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> std::result::Result<Self, D::Error> {
        Err(serde::de::Error::custom("this API documents no error body"))
    }
}

impl ProviderError for NoErrorBody {
    const FIELDS: &'static [&'static str] = &[];

    fn fields(self) -> ProviderErrorFields {
        match self {}
    }
}

/// A provider's error code as the error body types it.
pub trait IntoErrorCode {
    /// The code, if it is one.
    fn into_error_code(self) -> Option<ErrorCode>;
}

macro_rules! numeric_codes {
    ($($t:ty),*) => {$(
        impl IntoErrorCode for $t {
            fn into_error_code(self) -> Option<ErrorCode> {
                i64::try_from(self).ok().map(ErrorCode::Number)
            }
        }
    )*};
}
numeric_codes!(i8, i16, i32, i64, u8, u16, u32, u64);

impl IntoErrorCode for String {
    fn into_error_code(self) -> Option<ErrorCode> {
        Some(ErrorCode::Text(self))
    }
}

impl<T: fmt::Display> IntoErrorCode for crate::Open<T> {
    fn into_error_code(self) -> Option<ErrorCode> {
        Some(ErrorCode::Text(self.to_string()))
    }
}

impl<T: IntoErrorCode> IntoErrorCode for Option<T> {
    fn into_error_code(self) -> Option<ErrorCode> {
        self.and_then(IntoErrorCode::into_error_code)
    }
}

impl Details {
    /// An error of a step before any provider was involved.
    fn local(kind: ErrorKind) -> Self {
        Self {
            kind,
            provider: None,
            status: None,
            code: None,
            message: None,
            field: None,
            more_info: None,
            details: None,
            request_id: None,
            headers: None,
            url: None,
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
    /// spec names it (`metadata.tier`, `workspaceId`).
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
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

    /// The URL the response came from, when one arrived. (Not in
    /// `Display` or `Debug`: it holds the request's ids.)
    pub fn url(&self) -> Option<&reqwest::Url> {
        self.0.url.as_ref()
    }

    /// The response body as received (invalid UTF-8 replaced), when it was
    /// not the documented shape.
    pub fn raw_body(&self) -> Option<&str> {
        self.0.raw_body.as_deref()
    }

    /// Whether trying again later may succeed: rate limiting (429),
    /// unavailability (502, 503, 504), a connection failure, a timeout or a
    /// response that broke off. The client has already retried the statuses
    /// and connection failures as its `RetryPolicy` allows; a timeout is not
    /// retried automatically, as the request may have been processed (these
    /// operations are safe to repeat, so calling again is fine).
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }

    /// The provider answered 404: the resource (or a parent in its path)
    /// does not exist.
    pub fn is_not_found(&self) -> bool {
        self.0.status == Some(404)
    }

    /// The provider answered 429, even after the client's retries.
    pub fn is_rate_limited(&self) -> bool {
        self.0.status == Some(429)
    }

    /// The provider answered 401: the credentials were not accepted.
    pub fn is_unauthorized(&self) -> bool {
        self.0.status == Some(401)
    }

    /// The provider answered 403: the credentials may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.0.status == Some(403)
    }

    /// The provider answered 409: the request conflicts with the state of
    /// the resource.
    pub fn is_conflict(&self) -> bool {
        self.0.status == Some(409)
    }
}

/// What a response said, for the errors made from it.
#[derive(Clone, Copy)]
pub(crate) struct Received<'a> {
    pub provider: &'static str,
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub url: &'a reqwest::Url,
}

impl Error {
    fn from_response(kind: ErrorKind, received: Received<'_>) -> Details {
        Details {
            provider: Some(received.provider),
            status: Some(received.status),
            retryable: is_retryable_status(received.status),
            request_id: crate::request_id(received.headers).map(str::to_owned),
            headers: Some(received.headers.clone()),
            url: Some(received.url.clone()),
            ..Details::local(kind)
        }
    }

    /// The provider's documented error body.
    pub(crate) fn api(received: Received<'_>, body: impl ProviderError) -> Self {
        let fields = body.fields();
        Error::from(Details {
            code: fields.code,
            message: fields.message,
            more_info: fields.more_info,
            details: fields
                .details
                .filter(|details| details.as_object().is_none_or(|map| !map.is_empty())),
            ..Self::from_response(ErrorKind::Api, received)
        })
    }

    /// A status or body the spec does not document, kept as received.
    pub(crate) fn unexpected(received: Received<'_>, raw: &[u8]) -> Self {
        Error::from(Details {
            raw_body: (!raw.is_empty()).then(|| String::from_utf8_lossy(raw).into_owned()),
            ..Self::from_response(ErrorKind::UnexpectedResponse, received)
        })
    }

    /// A documented success whose body did not decode.
    pub(crate) fn invalid_response(
        received: Received<'_>,
        raw: &[u8],
        why: serde_json::Error,
    ) -> Self {
        Error::from(
            Details {
                message: Some(why.to_string()),
                raw_body: Some(String::from_utf8_lossy(raw).into_owned()),
                ..Self::from_response(ErrorKind::InvalidResponse, received)
            }
            .with_source(why),
        )
    }

    /// A body over the size limit, left unread.
    pub(crate) fn too_large(received: Received<'_>, limit: usize) -> Self {
        Error::from(Details {
            message: Some(format!(
                "the response body is larger than the limit of {limit} bytes; it was not read"
            )),
            ..Self::from_response(ErrorKind::ResponseTooLarge, received)
        })
    }

    /// The connection broke while the body was read: the status and
    /// headers are kept, and calling again is safe (the operations set
    /// values).
    pub(crate) fn broken_body(received: Received<'_>, error: reqwest::Error) -> Self {
        // reqwest's message names the URL, which holds the request's ids.
        let error = error.without_url();
        Error::from(
            Details {
                message: Some(crate::error_chain(&error)),
                transport_failure: Some(if error.is_timeout() {
                    "timed out while the response was read"
                } else {
                    "the response broke off"
                }),
                retryable: true,
                ..Self::from_response(ErrorKind::Transport, received)
            }
            .with_source(error),
        )
    }

    /// No response at all.
    pub(crate) fn transport(provider: &'static str, error: reqwest::Error) -> Self {
        // reqwest's message names the URL, which holds the request's ids.
        let error = error.without_url();
        Error::from(
            Details {
                provider: Some(provider),
                // The same answer as for a body that breaks off after the
                // status: calling again is safe (the operations set values).
                retryable: error.is_connect()
                    || error.is_timeout()
                    || error.is_body()
                    || error.is_decode(),
                message: Some(crate::error_chain(&error)),
                transport_failure: Some(if error.is_timeout() {
                    "timed out"
                } else if error.is_connect() {
                    "could not connect"
                } else if error.is_body() || error.is_decode() {
                    "the response broke off"
                } else {
                    "the request failed"
                }),
                ..Details::local(ErrorKind::Transport)
            }
            .with_source(error),
        )
    }

    /// A request refused before it was sent, for a reason that is not one
    /// field's value (the request could not be built).
    pub(crate) fn refused(provider: &'static str, message: String) -> Self {
        Error::from(Details {
            provider: Some(provider),
            message: Some(message),
            ..Details::local(ErrorKind::InvalidRequest)
        })
    }

    /// A value of a generated type parsed from text (`"INACTIVE".parse()`)
    /// that is not one of its values.
    #[doc(hidden)]
    pub fn conversion(message: impl fmt::Display) -> Self {
        Error::from(Details {
            message: Some(message.to_string()),
            ..Details::local(ErrorKind::InvalidRequest)
        })
    }

    /// The same error, attributed to `provider` (an [`Invalid`] found by a
    /// generated method).
    #[doc(hidden)]
    pub fn for_provider(mut self, provider: &'static str) -> Self {
        self.0.provider = Some(provider);
        self
    }
}

impl Details {
    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl From<Details> for Error {
    fn from(details: Details) -> Self {
        Error(Box::new(details))
    }
}

/// At most `limit` characters of `text`, on one line: runs of white space
/// folded to one space, and characters that could drive a terminal or
/// reorder text (C0 and C1 controls, DEL, bidirectional overrides) escaped
/// as `\u{..}`. Reads no further than it prints, so a 10 MiB message costs
/// what 1,000 characters do.
pub(crate) fn excerpt(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut written = 0;
    let mut space = false;
    for c in text.trim_start().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if std::mem::take(&mut space) {
            if written >= limit {
                out.push('…');
                return out;
            }
            out.push(' ');
            written += 1;
        }
        if written >= limit {
            out.push('…');
            return out;
        }
        if is_unsafe_for_terminals(c) {
            use fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
        written += 1;
    }
    out
}

/// The start of `value` as JSON, enough for `limit` characters: the
/// serialiser stops once that much is written, so a 10 MiB `details`
/// costs what its first lines do.
fn json_start(value: &serde_json::Value, limit: usize) -> String {
    struct Upto(Vec<u8>, usize);
    impl std::io::Write for Upto {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let room = self.1.saturating_sub(self.0.len());
            if room == 0 {
                return Err(std::io::Error::other("enough"));
            }
            let taken = bytes.len().min(room);
            self.0.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Four bytes a character at most, and one more to show it was cut.
    let mut out = Upto(Vec::new(), limit.saturating_mul(4).saturating_add(4));
    let _ = serde_json::to_writer(&mut out, value);
    String::from_utf8_lossy(&out.0).into_owned()
}

/// A provider's code for display: bounded, whatever the server sent.
fn code_text(code: &ErrorCode) -> String {
    match code {
        ErrorCode::Number(code) => code.to_string(),
        ErrorCode::Text(code) => excerpt(code, 100),
    }
}

/// Characters that change what a terminal or a text view shows.
fn is_unsafe_for_terminals(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The longest `Display`: a provider's message or Bird's `details` can be
/// as long as a response body.
const DISPLAY_LIMIT: usize = 1000;

impl fmt::Display for Error {
    /// One line, at most 1,000 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut full = String::new();
        self.render(&mut full)?;
        // The request id, which users quote to support, is never cut off.
        let id = self
            .0
            .request_id
            .as_deref()
            .map(|id| format!(" [request {}]", excerpt(id, 100)))
            .unwrap_or_default();
        // One character kept for the `…` of a cut.
        let room = DISPLAY_LIMIT.saturating_sub(id.chars().count() + 1);
        f.write_str(&excerpt(&full, room))?;
        f.write_str(&id)
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
                    write!(f, " {}", code_text(code))?;
                }
                write!(f, "{status}")?;
                if let Some(message) = &this.message {
                    write!(f, ": {}", excerpt(message, DISPLAY_LIMIT))?;
                }
                if let Some(details) = &this.details {
                    write!(f, "; details: {}", excerpt(&json_start(details, 300), 300))?;
                }
                if let Some(link) = &this.more_info {
                    write!(f, " (see {})", excerpt(link, 300))?;
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
                // The decoder's message says why (`missing field `id``).
                if let Some(message) = &this.message {
                    write!(f, ": {}", excerpt(message, 300))?;
                }
                if let Some(body) = this.raw_body.as_deref().filter(|b| !b.is_empty()) {
                    write!(f, " (body: {})", excerpt(body, 200))?;
                }
            }
            ErrorKind::ResponseTooLarge => {
                write!(
                    f,
                    "{provider}{status}: {}",
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
                    write!(f, ": {}", excerpt(message, DISPLAY_LIMIT))?;
                }
            }
            ErrorKind::Credentials => {
                write!(f, "invalid credentials")?;
                if let Some(message) = &this.message {
                    write!(f, ": {}", excerpt(message, DISPLAY_LIMIT))?;
                }
            }
            ErrorKind::Configuration => {
                write!(f, "cannot build the client")?;
                if let Some(message) = &this.message {
                    write!(f, ": {}", excerpt(message, DISPLAY_LIMIT))?;
                }
            }
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
                .field("code", &this.code.as_ref().map(code_text))
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
                    &this.details.as_ref().map(|details| {
                        excerpt(&json_start(details, DEBUG_BODY_LIMIT), DEBUG_BODY_LIMIT)
                    }),
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
            field: Some(invalid.field().to_owned()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_reads_no_further_than_it_prints() {
        // 80 KB, 80 times what is printed (a bigger one only takes longer
        // to build).
        let huge = "word ".repeat(16 * 1024);
        let short = excerpt(&huge, 1000);
        assert_eq!(short.chars().count(), 1001, "1,000 characters and `…`");
        let details = serde_json::json!({ "field": vec![huge.as_str(); 4] });
        let start = json_start(&details, 300);
        assert!(start.len() <= 300 * 4 + 4, "{} bytes", start.len());
        assert!(start.starts_with("{\"field\":[\"word word"));
    }
}
