//! An in-process transport for tests: records each request exactly as the
//! client would send it and answers with scripted responses, no socket.
//!
//! ```
//! use interlocutor_runtime::testing::{ScriptedResponse, TestTransport};
//!
//! let transport = TestTransport::new();
//! transport.push(ScriptedResponse::json(200, &serde_json::json!({"id": "x"})));
//! // ClientBuilder::new(credentials).transport(transport.clone()).build()
//! // then call the client and inspect `transport.requests()`.
//! assert!(transport.requests().is_empty());
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};

#[doc(hidden)]
pub mod mock;

/// Answers every recorded request in place of the script (see `mock`).
type Answer = Arc<dyn Fn(&RecordedRequest) -> ScriptedResponse + Send + Sync>;

/// Records requests and answers them from a script, in order.
///
/// Clones share the same script and record, so a test keeps one clone and
/// hands another to the client builder.
#[derive(Clone, Default)]
pub struct TestTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    script: VecDeque<ScriptedResponse>,
    recorded: Vec<RecordedRequest>,
    /// A typed mock's expectations: when set, they answer every request
    /// in place of the script (a response pushed then is never used).
    answer: Option<Answer>,
}

impl TestTransport {
    /// A transport with an empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues the response to the next unanswered request. (On a typed
    /// mock's transport the mock answers instead, and what is pushed there
    /// is never used.)
    pub fn push(&self, response: ScriptedResponse) -> &Self {
        self.state().script.push_back(response);
        self
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().recorded.clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.state().recorded.last().cloned()
    }

    /// Answers each request with `answer` instead of the script (a typed
    /// mock's expectations, which answer an unmatched call themselves).
    pub(crate) fn answer_with(&self, answer: Answer) {
        self.state().answer = Some(answer);
    }

    /// How many scripted responses have not been used yet.
    pub fn pending_responses(&self) -> usize {
        self.state().script.len()
    }

    /// Records `request` and answers: with the mock's answer when a typed
    /// mock owns this transport, else with the next scripted response, or
    /// a `501` explaining that the script ran out.
    pub(crate) async fn respond(&self, request: &reqwest::Request) -> reqwest::Response {
        let recorded = RecordedRequest::from_request(request);
        let response = {
            let mut state = self.state();
            let response = match state.answer.clone() {
                Some(answer) => answer(&recorded),
                None => state.script.pop_front().unwrap_or_else(|| {
                    ScriptedResponse::text(
                        501,
                        format!(
                            "interlocutor TestTransport: no response was scripted for {} {}",
                            recorded.method, recorded.path
                        ),
                    )
                }),
            };
            state.recorded.push(recorded);
            response
        };
        if !response.delay.is_zero() {
            tokio::time::sleep(response.delay).await;
        }
        response.into_response(request.url().clone())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not hide the
        // record from the next assertion.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for TestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("TestTransport")
            .field("pending_responses", &state.script.len())
            .field("recorded", &state.recorded.len())
            .finish()
    }
}

/// A response a [`TestTransport`] sends back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptedResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: std::time::Duration,
}

impl ScriptedResponse {
    /// A JSON body with `content-type: application/json`.
    pub fn json(status: u16, body: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(body).unwrap_or_else(|error| {
            format!("interlocutor TestTransport: the scripted body is not JSON: {error}")
                .into_bytes()
        });
        Self::bytes(status, body).header("content-type", "application/json")
    }

    /// A text body with `content-type: text/plain; charset=utf-8`.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::bytes(status, body.into().into_bytes())
            .header("content-type", "text/plain; charset=utf-8")
    }

    /// Any bytes, with no `content-type` (add one with [`Self::header`]).
    pub fn bytes(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: std::time::Duration::ZERO,
        }
    }

    /// Answers only after `delay`, as a slow server would (on tokio's
    /// clock, so a test with paused time does not really wait).
    pub fn delayed(mut self, delay: std::time::Duration) -> Self {
        self.delay = delay;
        self
    }

    /// No body at all.
    pub fn empty(status: u16) -> Self {
        Self::bytes(status, Vec::new())
    }

    /// Adds a response header (e.g. `Retry-After`, `Twilio-Request-Id`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn into_response(self, url: url::Url) -> reqwest::Response {
        use reqwest::ResponseBuilderExt as _;
        let mut builder = http::Response::builder().status(self.status).url(url);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        match builder.body(self.body) {
            Ok(response) => reqwest::Response::from(response),
            // An invalid status or header in a script is the test's bug;
            // answer with a response that says so rather than panicking.
            Err(error) => reqwest::Response::from(
                http::Response::builder()
                    .status(500)
                    .body(format!(
                        "interlocutor TestTransport: invalid scripted response: {error}"
                    ))
                    .expect("a 500 with a text body is valid"),
            ),
        }
    }
}

/// One request, exactly as the client would have put it on the wire.
///
/// `Debug` shows the `Authorization` scheme but never its credentials; use
/// [`Self::header`] to read the real value in an assertion.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `PATCH`, `POST`...
    pub method: String,
    /// The whole URL as sent: scheme, host, port, path and query.
    pub url: String,
    /// The path as sent, still percent-encoded (`/v2/Conversations/a%2Fb`).
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// Header names in lower case, values as sent, in request order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    fn from_request(request: &reqwest::Request) -> Self {
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        Self {
            method: request.method().as_str().to_owned(),
            url: request.url().as_str().to_owned(),
            path: request.url().path().to_owned(),
            query: request.url().query().map(str::to_owned),
            headers,
            body: request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        }
    }

    /// The value of a header (case-insensitive name); the first if repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `content-type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    /// The body as text, if it is UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body decoded as form pairs, in order, if it is form-encoded.
    pub fn form_pairs(&self) -> Option<Vec<(String, String)>> {
        if self.content_type() != Some("application/x-www-form-urlencoded") {
            return None;
        }
        Some(
            url::form_urlencoded::parse(&self.body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The headers, with the `Authorization` credentials replaced by
    /// `[redacted]`: safe to print in an assertion message.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case(AUTHORIZATION.as_str()) {
                    redact_authorization(value)
                } else {
                    value.clone()
                };
                (name.clone(), shown)
            })
            .collect()
    }

    /// The `Authorization` header with its credentials replaced, keeping
    /// the scheme: `Basic [redacted]`.
    pub fn redacted_authorization(&self) -> Option<String> {
        self.header(AUTHORIZATION.as_str())
            .map(redact_authorization)
    }
}

/// `Basic dXNlcjpwYXNz` → `Basic [redacted]`: an `Authorization` value
/// with its scheme kept and its credentials hidden.
pub fn redact_authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} [redacted]"),
        None => "[redacted]".to_owned(),
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = self.redacted_headers();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            // Bounded: a test's failure message should not print 10 MiB.
            .field(
                "body",
                &crate::error::excerpt(&String::from_utf8_lossy(&self.body), 1000),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_request_prints_bounded_and_redacted() {
        let recorded = RecordedRequest {
            method: "PATCH".to_owned(),
            url: "https://conversations.twilio.com/v2/Conversations/conv_1".to_owned(),
            path: "/v2/Conversations/conv_1".to_owned(),
            query: None,
            headers: vec![("authorization".to_owned(), "Basic c2VjcmV0".to_owned())],
            body: vec![b'x'; 10 * 1024 * 1024],
        };
        let shown = format!("{recorded:?}");
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
    }
}
