//! Helpers for the wire-level tests in `tests/tests/`.
//!
//! [`CaptureServer`] is a deliberately small HTTP/1.1 server on 127.0.0.1: it
//! records each request byte for byte (the raw request target included, so
//! percent-encoding is seen exactly as sent) and answers with a scripted
//! response. [`Endpoint::example`] reads the provider examples stored in the
//! specs, so the tests decode exactly what the specs document.

use std::path::Path;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One request as the server received it. `Debug` hides the credentials
/// of the `Authorization` header.
#[derive(Clone)]
pub struct Captured {
    pub method: String,
    /// The request target exactly as sent: path and query, still encoded.
    pub target: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Captured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Captured")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &redact(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// Headers with the credentials of `Authorization` replaced.
fn redact(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if name.eq_ignore_ascii_case("authorization") {
                interlocutor::testing::redact_authorization(value)
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect()
}

impl Captured {
    /// The value of a header, if it was sent exactly once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str());
        let first = values.next();
        assert!(values.next().is_none(), "header {name} was sent twice");
        first
    }

    /// The body as UTF-8 text.
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the body is UTF-8")
    }
}

/// The response a [`CaptureServer`] sends.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the body with `transfer-encoding: chunked`, so its length is
    /// not known until the end.
    pub chunked: bool,
}

impl Reply {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A JSON response.
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON serializes"),
            chunked: false,
        }
    }
}

/// A server on 127.0.0.1 that answers every request with one reply.
pub struct CaptureServer {
    base_url: String,
    requests: mpsc::UnboundedReceiver<Captured>,
}

impl CaptureServer {
    /// Starts the server on an ephemeral port.
    pub async fn start(reply: Reply) -> Self {
        Self::start_sequence(vec![reply]).await
    }

    /// Starts a server that answers the n-th request with `replies[n]`,
    /// and every request after the last with the last reply. Each request
    /// comes on its own connection (`connection: close`).
    pub async fn start_sequence(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a server needs a reply");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let (sender, requests) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut served = 0;
            while let Ok((mut stream, _)) = listener.accept().await {
                let sender = sender.clone();
                let reply = replies[served.min(replies.len() - 1)].clone();
                served += 1;
                tokio::spawn(async move {
                    if let Some(captured) = read_request(&mut stream).await {
                        let _ = sender.send(captured);
                        let _ = stream.write_all(&encode_reply(&reply)).await;
                        let _ = stream.shutdown().await;
                    }
                });
            }
        });
        Self { base_url, requests }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The next request received.
    pub async fn request(&mut self) -> Captured {
        self.requests.recv().await.expect("the server is running")
    }

    /// Every request received so far and not yet taken.
    pub fn received(&mut self) -> Vec<Captured> {
        let mut all = Vec::new();
        while let Ok(request) = self.requests.try_recv() {
            all.push(request);
        }
        all
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Captured {
        method,
        target,
        headers,
        body,
    })
}

fn encode_reply(reply: &Reply) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} Scripted\r\n", reply.status).into_bytes();
    for (name, value) in &reply.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if reply.chunked {
        out.extend_from_slice(b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
        for chunk in reply.body.chunks(64 * 1024) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        return out;
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            reply.body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&reply.body);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One operation of one spec, so tests name it once.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub spec: &'static str,
    pub path: &'static str,
    pub method: &'static str,
}

/// Twilio Conversations v2: `PATCH /v2/Conversations/{Sid}`.
pub const TWILIO_V2: Endpoint = Endpoint {
    spec: "twilio-conversations-v2.yaml",
    path: "/v2/Conversations/{Sid}",
    method: "patch",
};

/// Twilio Conversations v1: `POST /v1/Users/{UserSid}/Conversations/{ConversationSid}`.
pub const TWILIO_V1: Endpoint = Endpoint {
    spec: "twilio-conversations-v1.yaml",
    path: "/v1/Users/{UserSid}/Conversations/{ConversationSid}",
    method: "post",
};

/// Bird: `PATCH /workspaces/{workspaceId}/conversations/{conversationId}`.
pub const BIRD: Endpoint = Endpoint {
    spec: "bird-conversations.yaml",
    path: "/workspaces/{workspaceId}/conversations/{conversationId}",
    method: "patch",
};

impl Endpoint {
    /// The `example` of the response with `status` in the spec: the
    /// providers' own examples, as transcribed into it.
    pub fn example(&self, status: &str) -> Value {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs")
            .join(self.spec);
        let text = std::fs::read_to_string(&file).expect("the spec exists");
        let doc: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
        let mut response = &doc["paths"][self.path][self.method]["responses"][status];
        if let Some(reference) = response["$ref"].as_str() {
            let pointer = reference.strip_prefix('#').expect("a local reference");
            response = doc.pointer(pointer).expect("the reference resolves");
        }
        let example = &response["content"]["application/json"]["example"];
        assert!(
            !example.is_null(),
            "{} has no example for {status}",
            self.spec
        );
        example.clone()
    }
}

/// Every example of a callback's body in the specs: (spec file stem,
/// callback name, media type, example), in file order.
pub fn callback_examples() -> Vec<(String, String, String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the specs folder")
        .map(|entry| entry.expect("a spec file").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let doc: Value =
            serde_yaml::from_str(&std::fs::read_to_string(&file).expect("the spec")).expect("YAML");
        let operations = doc["paths"].as_object().into_iter().flatten();
        for operation in operations.flat_map(|(_, item)| item.as_object().into_iter().flatten()) {
            let callbacks = operation.1["callbacks"].as_object().into_iter().flatten();
            for (name, callback) in callbacks {
                let items = callback.as_object().into_iter().flatten();
                for request in items.flat_map(|(_, item)| item.as_object().into_iter().flatten()) {
                    let content = request.1["requestBody"]["content"].as_object();
                    for (media, body) in content.into_iter().flatten() {
                        if let Some(example) = body.get("example") {
                            out.push((stem.clone(), name.clone(), media.clone(), example.clone()));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The example of one callback (see [`callback_examples`]).
pub fn callback_example(spec: &str, callback: &str) -> Value {
    callback_examples()
        .into_iter()
        .find(|(stem, name, _, _)| stem == spec && name == callback)
        .map(|(_, _, _, example)| example)
        .unwrap_or_else(|| panic!("{spec} has no example for the callback {callback}"))
}

/// A flat JSON object as a form body, as Twilio sends its webhooks: each
/// value as its text, an array as its key repeated.
pub fn form_encode(example: &Value) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in example.as_object().expect("a form example is an object") {
        let values = match value {
            Value::Array(values) => values.clone(),
            other => vec![other.clone()],
        };
        for value in values {
            match value {
                Value::String(text) => form.append_pair(name, &text),
                other => form.append_pair(name, &other.to_string()),
            };
        }
    }
    form.finish()
}

pub use interlocutor::testing::{RecordedRequest, ScriptedResponse, TestTransport};

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
pub fn interlocutor_version() -> &'static str {
    // Every crate of the workspace shares one version.
    env!("CARGO_PKG_VERSION")
}

/// Checks that the in-process record is what a real server received: same
/// method, raw path, body bytes and headers. The server also sees what
/// hyper adds at send time (`host`, `content-length`); the length is checked
/// against the body.
pub fn assert_same_on_the_wire(recorded: &RecordedRequest, received: &Captured) {
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

/// `http://127.0.0.1:<port>` for a port that was just free: nothing
/// listens on it, so a connection to it is refused.
pub fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    format!("http://{address}")
}

/// `Basic base64(user:password)`, computed independently of the client.
pub fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
