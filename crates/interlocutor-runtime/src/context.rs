//! The one pipeline every generated operation goes through.
//!
//! A generated method checks its inputs, describes its request as an
//! [`Outgoing`] and calls [`Context::call`] once. The call then runs in
//! named phases, one loop and no side channels:
//!
//! 1. **attempt**: the request is made from its parts (auth and
//!    `User-Agent` added), sent, and retried as the [`RetryPolicy`] says;
//! 2. **read**: the last response's body is read once, bounded;
//! 3. **decode**: a documented success into the operation's type, a
//!    documented error into the API's error body, anything else kept raw,
//!    each with its status, headers and request id.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::combinators::Collect;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};

use crate::error::Received;
use crate::retry::{
    RetryEvent, RetryObserver, RetryPolicy, RetryReason, is_retryable_status, retry_after,
};
use crate::{Error, ProviderError, SecurityScheme};

/// What a generated client carries besides its base URL and HTTP client:
/// credentials made into a header once, the retry policy, the transport
/// and the response size limit.
#[derive(Clone)]
pub struct Context {
    pub(crate) api: &'static str,
    pub(crate) provider: &'static str,
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

/// What an operation documents about its responses, emitted by the
/// generator from the spec.
#[derive(Debug)]
pub struct Operation {
    /// The operation's name, for spans and retry events.
    pub id: &'static str,
    /// Statuses whose body is the operation's success type.
    pub success: &'static [Status],
    /// Statuses whose body is the API's error body.
    pub errors: &'static [Status],
}

/// A status as a spec's `responses` keys name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// One status (`200`).
    Code(u16),
    /// A class of statuses (`4XX` is `Class(4)`).
    Class(u16),
    /// `default`: any status no other key names.
    Default,
}

/// What the spec says a response with a given status is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Documented {
    Success,
    Error,
    Not,
}

impl Operation {
    /// The most specific key that names `status` decides, as OpenAPI says:
    /// a code, then its class, then `default`.
    fn documents(&self, status: u16) -> Documented {
        let find = |wanted: Status| {
            if self.success.contains(&wanted) {
                Some(Documented::Success)
            } else if self.errors.contains(&wanted) {
                Some(Documented::Error)
            } else {
                None
            }
        };
        find(Status::Code(status))
            .or_else(|| find(Status::Class(status / 100)))
            .or_else(|| find(Status::Default))
            .unwrap_or(Documented::Not)
    }
}

/// A request as a generated method describes it: made into a
/// `reqwest::Request` for each attempt, so a retry needs no copy of the
/// first one and the body is serialised once.
pub struct Outgoing {
    provider: &'static str,
    method: Method,
    url: String,
    has_query: bool,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<(&'static str, Bytes)>,
}

impl Outgoing {
    /// A request to the client's base URL; [`Outgoing::path`] and
    /// [`Outgoing::segment`] add the path after it. (Generated code makes
    /// one with [`Context::outgoing`], so its errors name the provider.)
    pub fn new(method: Method, base_url: &str) -> Self {
        let mut url = String::with_capacity(base_url.len() + 96);
        url.push_str(base_url);
        Self {
            provider: "the provider",
            method,
            url,
            has_query: false,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Appends a literal part of the path template (`/v2/Conversations/`).
    pub fn path(mut self, literal: &str) -> Self {
        self.url.push_str(literal);
        self
    }

    /// Appends a path parameter, percent-encoded as exactly one segment; a
    /// value no URL can carry as a segment (empty, `.`, `..`) is refused,
    /// naming the parameter.
    pub fn segment(
        mut self,
        name: &'static str,
        value: &(impl fmt::Display + ?Sized),
    ) -> Result<Self, Error> {
        match crate::path::push_segment(&mut self.url, value) {
            Ok(()) => Ok(self),
            Err(problem) => Err(self.invalid(name, problem)),
        }
    }

    /// Appends a path parameter of a typed value (a timestamp, an id, an
    /// enum) as it goes on the wire (`2024-05-06T05:08:09Z`, not its
    /// `Display`), percent-encoded as one segment.
    pub fn segment_value<T: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let texts = self.scalar_texts(name, value)?;
        match texts.as_slice() {
            [text] => self.segment(name, text.as_str()),
            _ => Err(self.invalid(name, "is not one value a path segment can carry")),
        }
    }

    /// A value refused, with the field and this request's provider.
    fn invalid(&self, name: &'static str, problem: &'static str) -> Error {
        Error::from(crate::Invalid::new(
            &crate::Field::Root.property(name),
            problem,
        ))
        .for_provider(self.provider)
    }

    /// Adds a query parameter: a scalar as its text, an array as the key
    /// repeated, nothing for `None`.
    pub fn query<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        for text in self.scalar_texts(name, value)? {
            self.url.push(if self.has_query { '&' } else { '?' });
            self.has_query = true;
            self.url
                .extend(url::form_urlencoded::byte_serialize(name.as_bytes()));
            self.url.push('=');
            self.url
                .extend(url::form_urlencoded::byte_serialize(text.as_bytes()));
        }
        Ok(self)
    }

    /// Adds a header parameter; a value a header cannot carry (a line
    /// break) is refused, naming the parameter.
    pub fn header<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let header = header_name(name).map_err(|error| error.for_provider(self.provider))?;
        for text in self.scalar_texts(name, value)? {
            let Ok(value) = HeaderValue::try_from(text) else {
                return Err(self.invalid(name, "has characters an HTTP header cannot carry"));
            };
            self.headers.push((header.clone(), value));
        }
        Ok(self)
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|error| {
            Error::conversion(format_args!("the JSON body cannot be encoded: {error}"))
                .for_provider(self.provider)
        })?;
        self.body = Some(("application/json", Bytes::from(bytes)));
        Ok(self)
    }

    /// Sets a form body as Twilio reads them: an array as its key repeated
    /// (`Filters=a&Filters=b`), a [`crate::FormNullable::Null`] as an empty
    /// value.
    pub fn form<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let text = serde_html_form::to_string(body).map_err(|error| {
            Error::conversion(format_args!("the form body cannot be encoded: {error}"))
                .for_provider(self.provider)
        })?;
        self.body = Some(("application/x-www-form-urlencoded", Bytes::from(text)));
        Ok(self)
    }
}

/// A header parameter's name as the spec spells it.
fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::conversion(format_args!("`{name}` is not a valid header name")))
}

impl Outgoing {
    /// A parameter's value as the texts it is sent as.
    fn scalar_texts<T: serde::Serialize + ?Sized>(
        &self,
        name: &'static str,
        value: &T,
    ) -> Result<Vec<String>, Error> {
        use serde_json::Value;
        let scalar = |value: Value| match value {
            Value::String(text) => Ok(text),
            Value::Number(number) => Ok(number.to_string()),
            Value::Bool(flag) => Ok(flag.to_string()),
            _ => Err(self.invalid(
                name,
                "is not a value a parameter can carry (a string, number or boolean)",
            )),
        };
        match serde_json::to_value(value) {
            Ok(Value::Null) => Ok(Vec::new()),
            Ok(Value::Array(items)) => items
                .into_iter()
                .filter(|item| !item.is_null())
                .map(scalar)
                .collect(),
            Ok(other) => scalar(other).map(|text| vec![text]),
            Err(error) => Err(Error::conversion(format_args!(
                "`{name}` cannot be encoded: {error}"
            ))
            .for_provider(self.provider)),
        }
    }
}

/// Decodes a documented success body.
type Decode<T> = fn(&[u8]) -> serde_json::Result<T>;

fn decode_json<T: serde::de::DeserializeOwned>(raw: &[u8]) -> serde_json::Result<T> {
    serde_json::from_slice(raw)
}

fn decode_nothing(_: &[u8]) -> serde_json::Result<()> {
    Ok(())
}

impl Context {
    /// A request to `base_url` for this client, whose errors name its
    /// provider.
    pub fn outgoing(&self, method: Method, base_url: &str) -> Outgoing {
        Outgoing {
            provider: self.provider,
            ..Outgoing::new(method, base_url)
        }
    }

    /// A value a generated method refused before sending: the field at
    /// fault, attributed to this client's provider.
    pub fn invalid(&self, invalid: crate::Invalid) -> Error {
        Error::from(invalid).for_provider(self.provider)
    }

    /// Sends `request` for `operation` and returns its decoded success
    /// body, or the one [`Error`] of anything else.
    ///
    /// (Not an `async fn`: each layer of those keeps a second copy of its
    /// arguments in its future, and the whole future is what a caller
    /// allocates when it spawns a call. The request is kept once, here,
    /// and lent to every phase.)
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` would keep the request twice in the future"
    )]
    pub fn call<'a, T, E>(
        &'a self,
        http: &'a reqwest::Client,
        operation: &'static Operation,
        request: Outgoing,
    ) -> impl Future<Output = Result<crate::Response<T>, Error>> + Send + 'a
    where
        T: serde::de::DeserializeOwned + Send + 'a,
        E: ProviderError + 'a,
    {
        async move {
            self.run::<T, E>(http, operation, &request, decode_json::<T>)
                .await
        }
    }

    /// [`Context::call`] for an operation whose success has no body.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` would keep the request twice in the future"
    )]
    pub fn call_without_body<'a, E: ProviderError + 'a>(
        &'a self,
        http: &'a reqwest::Client,
        operation: &'static Operation,
        request: Outgoing,
    ) -> impl Future<Output = Result<crate::Response<()>, Error>> + Send + 'a {
        async move {
            self.run::<(), E>(http, operation, &request, decode_nothing)
                .await
        }
    }

    async fn run<T, E: ProviderError>(
        &self,
        http: &reqwest::Client,
        operation: &'static Operation,
        request: &Outgoing,
        decode: Decode<T>,
    ) -> Result<crate::Response<T>, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            use tracing::field::Empty;
            // Names and numbers only: never a header, a URL (it holds ids)
            // or a body.
            let span = tracing::info_span!(
                "interlocutor.call",
                api = self.api,
                operation = operation.id,
                method = request.method.as_str(),
                attempts = Empty,
                status = Empty,
                request_id = Empty,
                duration_ms = Empty,
                error = Empty,
            );
            if span.is_disabled() {
                // No subscriber wants it: nothing to measure or record.
                return self
                    .phases::<T, E>(http, operation, request, decode, &mut 0)
                    .await;
            }
            let started = tokio::time::Instant::now();
            let mut attempts = 0;
            let outcome = self
                .phases::<T, E>(http, operation, request, decode, &mut attempts)
                .instrument(span.clone())
                .await;
            span.record("attempts", attempts);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            let (status, request_id) = match &outcome {
                Ok(response) => (
                    Some(crate::Response::status(response).as_u16()),
                    crate::Response::request_id(response),
                ),
                Err(error) => (error.status(), error.request_id()),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            if let Some(id) = request_id {
                span.record("request_id", crate::error::excerpt(id, 100));
            }
            if let Err(error) = &outcome {
                span.record("error", error.kind().as_str());
            }
            outcome
        }
        #[cfg(not(feature = "tracing"))]
        self.phases::<T, E>(http, operation, request, decode, &mut 0)
            .await
    }

    /// Attempt, read, decode.
    async fn phases<T, E: ProviderError>(
        &self,
        http: &reqwest::Client,
        operation: &'static Operation,
        request: &Outgoing,
        decode: Decode<T>,
        attempts: &mut u32,
    ) -> Result<crate::Response<T>, Error> {
        // The response is taken apart in a block of its own, so that its
        // husk is not kept in the future while the body is read.
        let (status, headers, url, too_large, collect) = {
            let mut response = self.attempts(http, operation, request, attempts).await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let url = response.url().clone();
            // Over the limit by its announced length: refused unread.
            let too_large = response
                .content_length()
                .is_some_and(|length| length > self.max_response_bytes as u64);
            let collect = read_body(response, self.max_response_bytes);
            (status, headers, url, too_large, collect)
        };
        // Not awaited when too large: dropped, the body never read. (The
        // refusal waits for `received`, built after the await: built
        // before it, its borrows would be kept in the future across it,
        // 40 bytes more.)
        let raw = if too_large { None } else { Some(collect.await) };
        let received = Received {
            provider: self.provider,
            status: status.as_u16(),
            headers: &headers,
            url: &url,
        };
        let Some(raw) = raw else {
            return Err(Error::too_large(received, self.max_response_bytes));
        };
        let raw = match raw {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                return Err(match error.downcast::<reqwest::Error>() {
                    Ok(error) => Error::broken_body(received, *error),
                    // `Limited`'s own error, the only other one: the body
                    // went past the limit while it arrived.
                    Err(_) => Error::too_large(received, self.max_response_bytes),
                });
            }
        };
        match operation.documents(received.status) {
            Documented::Success => match decode(&raw) {
                Ok(body) => Ok(crate::Response::from_parts(body, status, headers)),
                Err(why) => Err(Error::invalid_response(received, &raw, why)),
            },
            // An undocumented error status may still carry the provider's
            // error body (a Twilio 401 does).
            Documented::Error | Documented::Not if received.status >= 400 => {
                match error_body::<E>(&raw) {
                    Some(body) => Err(Error::api(received, body)),
                    None => Err(Error::unexpected(received, &raw)),
                }
            }
            _ => Err(Error::unexpected(received, &raw)),
        }
    }

    /// The request as it goes on the wire: the parts, auth and
    /// `User-Agent`.
    fn request(&self, outgoing: &Outgoing) -> Result<reqwest::Request, Error> {
        // hyper refuses a longer URI when the request is sent, with a
        // message that quotes all of it; refuse it here, for every
        // transport alike.
        let length = outgoing.url.len();
        if length > MAX_URL_LENGTH {
            return Err(Error::refused(
                self.provider,
                format!(
                    "the request URL would be {length} bytes long, over the {MAX_URL_LENGTH} \
                     an HTTP request can carry: a path parameter is too long"
                ),
            ));
        }
        let url = reqwest::Url::parse(&outgoing.url).map_err(|error| {
            Error::refused(
                self.provider,
                format!("the request URL is invalid: {error}"),
            )
        })?;
        let mut request = reqwest::Request::new(outgoing.method.clone(), url);
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some((content_type, body)) = &outgoing.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        let headers = request.headers_mut();
        for (name, value) in &outgoing.headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        Ok(request)
    }

    /// Sends the request, retrying as the [`RetryPolicy`] says, and returns
    /// the last response, its body unread.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        operation: &'static Operation,
        outgoing: &Outgoing,
        attempt: &mut u32,
    ) -> Result<reqwest::Response, Error> {
        let started = tokio::time::Instant::now();
        *attempt = 1;
        loop {
            let request = self.request(outgoing)?;
            // Each transport's future made before it is awaited: the
            // request is moved into it, not also kept in this one.
            let outcome = match &self.transport {
                Transport::Http => {
                    let sending = http.execute(request);
                    sending.await
                }
                #[cfg(feature = "testing")]
                Transport::Test(transport) => {
                    // Boxed, so that tests add nothing to a call's future.
                    let answering = Box::pin(async move { Ok(transport.respond(&request).await) });
                    answering.await
                }
            };
            // Decided (and the response being retried dropped, so its
            // connection goes back to the pool) before the wait: nothing
            // of it is kept across the sleep.
            let wait = match self.retry_wait(operation, outcome, *attempt, started.elapsed()) {
                Next::Done(outcome) => return outcome,
                Next::Retry(wait) => wait,
            };
            tokio::time::sleep(wait).await;
            *attempt += 1;
        }
    }

    /// After attempt `attempt`, `elapsed` into the call: the outcome to
    /// return, or how long to wait before the next attempt (reported to
    /// tracing and `on_retry`).
    fn retry_wait(
        &self,
        operation: &'static Operation,
        outcome: reqwest::Result<reqwest::Response>,
        attempt: u32,
        elapsed: std::time::Duration,
    ) -> Next {
        let (reason, server_wait) = match &outcome {
            Err(error) if error.is_connect() => (RetryReason::Connect, None),
            Ok(response) if is_retryable_status(response.status().as_u16()) => (
                RetryReason::Status(response.status().as_u16()),
                retry_after(response.headers(), SystemTime::now()),
            ),
            _ => {
                return Next::Done(outcome.map_err(|error| Error::transport(self.provider, error)));
            }
        };
        if attempt >= self.retry.attempts() {
            return Next::Done(outcome.map_err(|error| Error::transport(self.provider, error)));
        }
        let wait = self.retry.wait(attempt, server_wait);
        // The budget bounds the whole call: a retry whose wait would end
        // past it is not made, however short the wait.
        if !self.retry.fits_budget(elapsed, wait) {
            return Next::Done(outcome.map_err(|error| Error::transport(self.provider, error)));
        }
        #[cfg(feature = "tracing")]
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
        if let Some(observer) = &self.on_retry {
            (observer.0)(&RetryEvent {
                operation: operation.id,
                attempt,
                reason,
                wait,
                from_retry_after: server_wait.is_some(),
            });
        }
        Next::Retry(wait)
    }
}

/// What [`Context::retry_wait`] decided.
enum Next {
    Done(Result<reqwest::Response, Error>),
    Retry(std::time::Duration),
}

/// The API's error body, if `raw` is one: an object carrying at least one
/// of its fields (see [`ProviderError::FIELDS`]) that decodes.
fn error_body<E: ProviderError>(raw: &[u8]) -> Option<E> {
    let value: serde_json::Value = serde_json::from_slice(raw).ok()?;
    let object = value.as_object()?;
    // An error schema without named properties (free-form) takes any object.
    if !E::FIELDS.is_empty() && !E::FIELDS.iter().any(|field| object.contains_key(*field)) {
        return None;
    }
    E::deserialize(&value).ok()
}

/// The body, read whole and at most `limit` bytes of it (most bodies
/// arrive in one piece, kept as they are): a longer body is refused as
/// soon as it passes the limit, never read into memory past it. (The
/// caller refuses a longer announced length unread.)
fn read_body(
    response: reqwest::Response,
    limit: usize,
) -> Collect<http_body_util::Limited<reqwest::Body>> {
    use http_body_util::BodyExt as _;
    http_body_util::Limited::new(reqwest::Body::from(response), limit).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_response_key_decides() {
        static OPERATION: Operation = Operation {
            id: "demo",
            success: &[Status::Code(200), Status::Class(2)],
            errors: &[Status::Code(404), Status::Class(4), Status::Default],
        };
        assert_eq!(OPERATION.documents(200), Documented::Success);
        assert_eq!(OPERATION.documents(201), Documented::Success);
        assert_eq!(OPERATION.documents(404), Documented::Error);
        assert_eq!(OPERATION.documents(418), Documented::Error);
        assert_eq!(OPERATION.documents(503), Documented::Error);
        static NARROW: Operation = Operation {
            id: "narrow",
            success: &[Status::Code(200)],
            errors: &[Status::Code(400)],
        };
        assert_eq!(NARROW.documents(201), Documented::Not);
        assert_eq!(NARROW.documents(401), Documented::Not);
    }

    #[test]
    fn typed_path_parameters_go_as_they_do_on_the_wire() {
        use chrono::TimeZone as _;
        let at = chrono::Utc.with_ymd_and_hms(2024, 5, 6, 5, 8, 9).unwrap();
        let request = Outgoing::new(Method::GET, "https://api.example.com")
            .path("/days/")
            .segment_value("day", &at)
            .unwrap();
        // RFC 3339, as serde writes it: not `Display`'s `2024-05-06 05:08:09 UTC`.
        assert_eq!(
            request.url,
            "https://api.example.com/days/2024-05-06T05%3A08%3A09Z"
        );
        let refused = Outgoing::new(Method::GET, "https://api.example.com")
            .path("/x/")
            .segment("id", "..")
            .err()
            .unwrap();
        assert_eq!(refused.field(), Some("id"));
    }

    #[test]
    fn parameters_are_sent_as_text() {
        let request = Outgoing::new(Method::GET, "https://api.example.com")
            .path("/x")
            .query("Page Size", &Some(50))
            .unwrap()
            .query("Filter", &["a&b", "c"])
            .unwrap()
            .query("Absent", &None::<String>)
            .unwrap()
            .query("flag", &true)
            .unwrap();
        assert_eq!(
            request.url,
            "https://api.example.com/x?Page+Size=50&Filter=a%26b&Filter=c&flag=true"
        );
        let refused = Outgoing::new(Method::GET, "")
            .header("x-tag", "a\nb")
            .err()
            .unwrap();
        assert_eq!(refused.field(), Some("x-tag"));
        let nested = Outgoing::new(Method::GET, "")
            .query("q", &serde_json::json!({"a": 1}))
            .err()
            .unwrap();
        assert_eq!(nested.field(), Some("q"));
    }
}
