//! Requests as the tests pin them: the snapshot of a recorded request, and
//! the proof that the in-process record is what a server received.

use serde_json::Value;

use crate::server::{CaptureServer, Captured, Reply, redact};
use interlocutor::testing::{RecordedRequest, ScriptedResponse, TestTransport};

/// What a request snapshot shows: the request as sent, secrets redacted.
#[derive(Debug, serde::Serialize)]
pub struct RequestSnapshot {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Sorted by name; `authorization` keeps its scheme only and the
    /// library version in `user-agent` is `[version]`.
    pub headers: std::collections::BTreeMap<String, String>,
    pub content_type: Option<String>,
    pub body_raw: String,
    pub body: DecodedBody,
}

/// The body decoded the way the server will read it.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecodedBody {
    Empty,
    Json(Value),
    /// Form pairs in the order sent.
    Form(Vec<(String, String)>),
}

impl From<&RecordedRequest> for RequestSnapshot {
    fn from(request: &RecordedRequest) -> Self {
        let version = format!("/{}", interlocutor_version());
        let headers = request
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = match name.as_str() {
                    "authorization" => request.redacted_authorization().unwrap_or_default(),
                    "user-agent" => value.replace(&version, "/[version]"),
                    _ => value.clone(),
                };
                (name.clone(), shown)
            })
            .collect();
        let body = if request.body.is_empty() {
            DecodedBody::Empty
        } else if let Some(pairs) = request.form_pairs() {
            DecodedBody::Form(pairs)
        } else {
            DecodedBody::Json(request.body_json().expect("a non-form body is JSON"))
        };
        Self {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers,
            content_type: request.content_type().map(str::to_owned),
            body_raw: String::from_utf8_lossy(&request.body).into_owned(),
            body,
        }
    }
}

/// The version in the library's `User-Agent`.
fn interlocutor_version() -> &'static str {
    // Every crate of the workspace shares one version.
    env!("CARGO_PKG_VERSION")
}

/// Checks that the in-process record is what a real server received: same
/// method, raw path, body bytes and headers. The server also sees what
/// hyper adds at send time (`host`, `content-length`); the length is checked
/// against the body.
fn assert_same_on_the_wire(recorded: &RecordedRequest, received: &Captured) {
    assert_eq!(recorded.method, received.method, "method");
    let target = match &recorded.query {
        Some(query) => format!("{}?{query}", recorded.path),
        None => recorded.path.clone(),
    };
    assert_eq!(target, received.target, "request target");
    assert_eq!(recorded.body, received.body, "body bytes");
    let mut wire: Vec<(String, String)> = received
        .headers
        .iter()
        .filter(|(name, _)| name != "host" && name != "content-length")
        .cloned()
        .collect();
    let mut record = recorded.headers.clone();
    wire.sort();
    record.sort();
    // Compared in full, printed redacted: a failure must not echo a secret.
    assert!(
        record == wire,
        "headers differ:\n  recorded: {:?}\n  received: {:?}",
        redact(&record),
        redact(&wire)
    );
    let length = received.header("content-length").unwrap_or("0");
    assert_eq!(length, recorded.body.len().to_string(), "content-length");
}

/// The segments of a raw path, each percent-decoded: a parameter that
/// stayed in its segment comes back whole, one that leaked adds segments.
pub fn decoded_segments(path: &str) -> Vec<String> {
    assert!(
        !path.contains(['?', '#']),
        "{path} leaked into a query or fragment"
    );
    path.split('/')
        .skip(1)
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .expect("segments are UTF-8")
                .into_owned()
        })
        .collect()
}

/// Makes the same call twice, answered by `example` with status 200: once
/// through a [`TestTransport`], once to a [`CaptureServer`] on 127.0.0.1.
/// Checks that both saw the same request and returns the in-process record.
pub async fn record_on_both_transports<C: interlocutor::ApiClient>(
    credentials: interlocutor::Credentials,
    example: &Value,
    call: impl AsyncFn(&C),
) -> RecordedRequest {
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(200, example));
    let in_process = interlocutor::ClientBuilder::<C>::new(credentials.clone())
        .transport(transport.clone())
        .build()
        .expect("the in-process client builds");
    call(&in_process).await;
    let recorded = transport.last_request().expect("the call sent a request");

    let mut server = CaptureServer::start(Reply::json(200, example)).await;
    let networked = interlocutor::ClientBuilder::<C>::new(credentials)
        .base_url(server.base_url())
        .build()
        .expect("the networked client builds");
    call(&networked).await;
    assert_same_on_the_wire(&recorded, &server.request().await);
    recorded
}
