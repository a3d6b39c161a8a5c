//! Per-client state that finishes, sends, retries and checks every request.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Version};

use crate::SecurityScheme;
use crate::retry::{
    RetryEvent, RetryObserver, RetryPolicy, RetryReason, is_retryable_status, retry_after,
};

/// What a generated client carries besides its base URL and HTTP client.
///
/// Generated crates hold it as progenitor's "inner" value and call it from
/// their `ClientHooks`: [`Context::prepare`] in `pre` (so the headers it
/// adds are on the `reqwest::Request` itself, where hooks, test transports
/// and snapshots see exactly what goes on the wire), [`Context::execute`]
/// in `exec` and [`Context::check`] in `post`.
#[derive(Clone)]
pub struct Context {
    pub(crate) api: &'static str,
    pub(crate) scheme: SecurityScheme,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) transport: Transport,
    pub(crate) retry: RetryPolicy,
    pub(crate) on_retry: Option<RetryObserver>,
    pub(crate) max_response_bytes: usize,
}

/// Where requests go.
#[derive(Clone, Debug)]
pub(crate) enum Transport {
    /// Over the network, through the client's `reqwest::Client`.
    Http,
    /// To an in-process script (the `testing` feature).
    #[cfg(feature = "testing")]
    Test(crate::testing::TestTransport),
}

/// The longest URL the HTTP stack accepts (`http::Uri`'s limit).
const MAX_URL_LENGTH: usize = u16::MAX as usize - 1;

/// The body of a response as received, before any rewriting: set as a
/// response extension so an error can show the raw body even where
/// progenitor hands over only the `reqwest::Response`.
#[derive(Clone, Debug)]
pub struct RawBody(pub Bytes);

/// Set as a response extension when a success body did not decode into
/// the documented type: the `UnexpectedResponse` error
/// [`Context::decode`] returns then carries it, with the [`RawBody`].
#[derive(Clone, Debug)]
pub struct DecodeError(pub std::sync::Arc<serde_json::Error>);

/// Set as a response extension when the connection broke while the body
/// was read, after the status and headers had arrived: the error keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyBroken {
    /// What the transport said, causes included.
    pub message: String,
}

/// Set as a response extension when the body was over the size limit and
/// was not read; the `post` hook turns such a response into an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

impl Context {
    /// Adds auth and `User-Agent` and drops headers no provider asked for;
    /// refuses a request whose path holds a parameter that cannot be a
    /// segment (see [`crate::encode_path_segment`]).
    pub fn prepare(&self, request: &mut reqwest::Request) -> Result<(), String> {
        if let Some(problem) = crate::path::invalid_parameter(request.url().path()) {
            return Err(problem.to_owned());
        }
        // hyper refuses a longer URI when the request is sent, with a
        // message that quotes all of it; refuse it here, for every
        // transport alike.
        let length = request.url().as_str().len();
        if length > MAX_URL_LENGTH {
            return Err(format!(
                "the request URL would be {length} bytes long, over the {MAX_URL_LENGTH} an \
                 HTTP request can carry: a path parameter is too long"
            ));
        }
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        Ok(())
    }

    /// Sends a prepared request, retrying as the [`RetryPolicy`] says, and
    /// returns the last response with its body read (up to the size limit).
    ///
    /// Error responses whose body is not JSON get it as a JSON string of
    /// its text (an empty body as `null`), so the generated client decodes
    /// them into `ErrorBody::Undocumented` instead of losing the status;
    /// their headers are left as the server sent them.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            use tracing::field::Empty;
            // Names and numbers only: never a header, a URL (it holds ids)
            // or a body.
            let span = tracing::info_span!(
                "interlocutor.call",
                api = self.api,
                operation,
                method = request.method().as_str(),
                attempts = Empty,
                status = Empty,
                request_id = Empty,
                duration_ms = Empty,
                error = Empty,
            );
            let started = tokio::time::Instant::now();
            let (outcome, attempts) = self
                .attempts(http, request, operation)
                .instrument(span.clone())
                .await;
            span.record("attempts", attempts);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &outcome {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = crate::request_id(response.headers()) {
                        span.record("request_id", id);
                    }
                }
                Err(error) => {
                    let kind = if error.is_timeout() {
                        "timeout"
                    } else if error.is_connect() {
                        "connect"
                    } else {
                        "transport"
                    };
                    span.record("error", kind);
                }
            }
            outcome
        }
        #[cfg(not(feature = "tracing"))]
        self.attempts(http, request, operation).await.0
    }

    /// The retry loop of [`Context::execute`]; also says how many attempts
    /// it made.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> (reqwest::Result<reqwest::Response>, u32) {
        let started = tokio::time::Instant::now();
        let mut request = request;
        let mut attempt = 1;
        loop {
            // A copy only when another attempt may follow; bodies held in
            // memory (ours always are) can be copied.
            let spare = if attempt < self.retry.attempts() {
                request.try_clone()
            } else {
                None
            };
            let outcome = self.send(http, request).await;
            let (reason, server_wait) = match &outcome {
                Err(error) if error.is_connect() => (RetryReason::Connect, None),
                Ok(response) if is_retryable_status(response.status().as_u16()) => (
                    RetryReason::Status(response.status().as_u16()),
                    retry_after(response.headers(), SystemTime::now()),
                ),
                _ => return (self.finish(outcome).await, attempt),
            };
            let Some(next) = spare else {
                return (self.finish(outcome).await, attempt);
            };
            let wait = self.retry.wait(attempt, server_wait);
            // The budget bounds the whole call: a retry whose wait would
            // end past it is not made, however short the wait.
            if !self.retry.fits_budget(started.elapsed(), wait) {
                return (self.finish(outcome).await, attempt);
            }
            #[cfg(feature = "tracing")]
            {
                match &reason {
                    RetryReason::Status(status) => tracing::info!(
                        attempt,
                        status = *status,
                        wait_ms = wait.as_millis() as u64,
                        from_retry_after = server_wait.is_some(),
                        "retrying after a retryable status"
                    ),
                    _ => tracing::info!(
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after a connection failure"
                    ),
                }
            }
            if let Some(observer) = &self.on_retry {
                (observer.0)(&RetryEvent {
                    operation,
                    attempt,
                    reason,
                    wait,
                    from_retry_after: server_wait.is_some(),
                });
            }
            tokio::time::sleep(wait).await;
            request = next;
            attempt += 1;
        }
    }

    /// The response handed to progenitor. A success goes as it came, its
    /// body unread: [`Context::decode`] reads it, bounded, once. Anything
    /// else is read here, bounded, and rebuilt with its body as JSON progenitor
    /// can decode (see [`crate::ErrorBody`]) and the raw bytes beside it.
    async fn finish(
        &self,
        outcome: reqwest::Result<reqwest::Response>,
    ) -> reqwest::Result<reqwest::Response> {
        let response = outcome?;
        if response.status().is_success() {
            return Ok(response);
        }
        Ok(Received::read(response, self.max_response_bytes)
            .await
            .into_response())
    }

    /// Reads a success body, at most the size limit, and decodes it into
    /// `T`. A body that is too large, breaks off or does not decode (empty,
    /// truncated, HTML, the wrong shape) is returned as
    /// `Error::UnexpectedResponse` with the status, headers and URL the
    /// server sent, the raw body ([`RawBody`]) and why ([`BodyTooLarge`],
    /// [`BodyBroken`], [`crate::DecodeError`]). Generated success arms call
    /// it in place of progenitor's `ResponseValue::from_response`.
    pub async fn decode<T: serde::de::DeserializeOwned, E>(
        &self,
        mut response: reqwest::Response,
    ) -> Result<crate::Response<T>, progenitor_client::Error<E>> {
        let raw = match read_body(&mut response, self.max_response_bytes).await {
            Ok(raw) => raw,
            Err(unread) => return Err(unexpected(&response, Bytes::new(), unread.into())),
        };
        match serde_json::from_slice(&raw) {
            Ok(body) => {
                let status = response.status();
                let headers = std::mem::take(response.headers_mut());
                Ok(crate::Response::from_parts(body, status, headers))
            }
            Err(error) => Err(unexpected(
                &response,
                raw.clone(),
                Extension::Decode(raw, DecodeError(std::sync::Arc::new(error))),
            )),
        }
    }

    /// A response no arm of the operation documents (a `201` where the
    /// spec says `200`), with its body read, bounded, and kept as
    /// [`RawBody`]: a success status left unread by [`Context::execute`]
    /// would otherwise reach the caller with no body at all. Generated
    /// methods call it in progenitor's catch-all arm.
    pub async fn unexpected<E>(&self, response: reqwest::Response) -> progenitor_client::Error<E> {
        let response = if response.extensions().get::<RawBody>().is_some() {
            response
        } else {
            Received::read(response, self.max_response_bytes)
                .await
                .into_response()
        };
        progenitor_client::Error::UnexpectedResponse(response)
    }

    /// Decides, before progenitor decodes a response, whether it cannot be
    /// read at all: a body over the size limit. Such a response is returned
    /// for progenitor's `Error::UnexpectedResponse`, so the error keeps its
    /// status and headers. Generated clients call it from their `post` hook.
    /// (A body that is read but does not decode is reported by
    /// [`Context::decode`], which keeps the status too.)
    pub fn check(&self, result: &reqwest::Result<reqwest::Response>) -> Option<reqwest::Response> {
        let Ok(response) = result else {
            return None;
        };
        let too_large = response.extensions().get::<BodyTooLarge>().copied();
        let broken = response.extensions().get::<BodyBroken>().cloned();
        if too_large.is_none() && broken.is_none() {
            return None;
        }
        let mut copy = assemble(
            response.status(),
            response.version(),
            response.headers().clone(),
            response.url().clone(),
            Bytes::new(),
        );
        if let Some(too_large) = too_large {
            copy.extensions_mut().insert(too_large);
        }
        if let Some(broken) = broken {
            copy.extensions_mut().insert(broken);
        }
        Some(reqwest::Response::from(copy))
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.transport {
            Transport::Http => http.execute(request).await,
            #[cfg(feature = "testing")]
            Transport::Test(transport) => Ok(transport.respond(&request).await),
        }
    }
}

/// Reads a body, stopping as soon as it passes `limit` bytes so a hostile
/// or broken server cannot make the client buffer without end. A body that
/// arrives in one chunk (most do) is kept as it is; only one in several
/// pieces is copied together. The status and headers have arrived by now:
/// a connection that breaks is reported as [`BodyBroken`], not lost.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    let too_large = || Unread::TooLarge(BodyTooLarge { limit });
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut length = 0;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                return Err(Unread::Broken(BodyBroken {
                    message: crate::error_chain(&error),
                }));
            }
        };
        length += chunk.len();
        if length > limit {
            return Err(too_large());
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(earlier) => {
                joined.reserve(length);
                joined.extend_from_slice(&earlier);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}

/// What [`unexpected`] attaches to the copy of a response.
enum Extension {
    TooLarge(BodyTooLarge),
    Broken(BodyBroken),
    Decode(Bytes, DecodeError),
}

impl From<Unread> for Extension {
    fn from(unread: Unread) -> Self {
        match unread {
            Unread::TooLarge(too_large) => Self::TooLarge(too_large),
            Unread::Broken(broken) => Self::Broken(broken),
        }
    }
}

/// progenitor's `UnexpectedResponse` for a success that could not be
/// read: the status, headers and URL as sent, and why.
fn unexpected<E>(
    response: &reqwest::Response,
    body: Bytes,
    why: Extension,
) -> progenitor_client::Error<E> {
    let mut copy = assemble(
        response.status(),
        response.version(),
        response.headers().clone(),
        response.url().clone(),
        body,
    );
    match why {
        Extension::TooLarge(too_large) => {
            copy.extensions_mut().insert(too_large);
        }
        Extension::Broken(broken) => {
            copy.extensions_mut().insert(broken);
        }
        Extension::Decode(raw, error) => {
            copy.extensions_mut().insert(RawBody(raw));
            copy.extensions_mut().insert(error);
        }
    }
    progenitor_client::Error::UnexpectedResponse(copy.into())
}

/// `error: cause: root cause`, so a transport error says why.
#[doc(hidden)]
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A response made of its parts, reporting the URL it came from (reqwest
/// otherwise shows a placeholder it parses each time).
fn assemble(
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    url: url::Url,
    body: Bytes,
) -> http::Response<Bytes> {
    use reqwest::ResponseBuilderExt as _;
    let mut response = http::Response::builder()
        .url(url)
        .body(body)
        .expect("an empty builder with a URL is valid");
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    response
}

/// A response with its body read, or known to be too large to read.
struct Received {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    url: url::Url,
    body: Result<Bytes, Unread>,
}

/// Why a body is not there.
enum Unread {
    TooLarge(BodyTooLarge),
    Broken(BodyBroken),
}

impl Received {
    /// Reads the body, stopping as soon as it passes `limit` bytes so a
    /// hostile or broken server cannot make the client buffer without end.
    async fn read(mut response: reqwest::Response, limit: usize) -> Self {
        let body = read_body(&mut response, limit).await;
        Self {
            status: response.status(),
            version: response.version(),
            headers: std::mem::take(response.headers_mut()),
            url: response.url().clone(),
            body,
        }
    }

    fn into_response(self) -> reqwest::Response {
        let Self {
            status,
            version,
            headers,
            url,
            body,
        } = self;
        let (sent, extension) = match body {
            Ok(raw) => {
                let sent = if status.as_u16() >= 400 {
                    error_body_as_json(&raw)
                } else {
                    raw.clone()
                };
                (sent, Ok(RawBody(raw)))
            }
            Err(unread) => (Bytes::new(), Err(unread)),
        };
        let mut response = assemble(status, version, headers, url, sent);
        match extension {
            Ok(raw) => {
                response.extensions_mut().insert(raw);
            }
            Err(Unread::TooLarge(too_large)) => {
                response.extensions_mut().insert(too_large);
            }
            Err(Unread::Broken(broken)) => {
                response.extensions_mut().insert(broken);
            }
        }
        reqwest::Response::from(response)
    }
}

/// An error body as JSON: unchanged if it is JSON the error type can be
/// read from (any JSON value: see `ErrorBody`), else its text as a JSON
/// string (empty: `null`). The check is the decoder's own, so a body that
/// only looks like JSON (a lone surrogate, `1e400`, deep nesting) is kept as
/// text rather than failing the decode and losing the status.
fn error_body_as_json(raw: &Bytes) -> Bytes {
    if serde_json::from_slice::<serde_json::Value>(raw).is_ok() {
        return raw.clone();
    }
    let json = if raw.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(String::from_utf8_lossy(raw).into_owned())
    };
    Bytes::from(json.to_string())
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("api", &self.api)
            .field("auth", &format_args!("{} ** redacted **", self.scheme))
            .field("user_agent", &self.user_agent)
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}
