//! Helpers for the wire-level tests in `tests/tests/`.
//!
//! [`CaptureServer`] is a deliberately small HTTP/1.1 server on 127.0.0.1: it
//! records each request byte for byte (the raw request target included, so
//! percent-encoding is seen exactly as sent) and answers with a scripted
//! response. [`seed_example`] reads the provider examples stored in the specs,
//! so the tests decode exactly what the specs document.

use std::path::Path;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    /// The request target exactly as sent: path and query, still encoded.
    pub target: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
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
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON serializes"),
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
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let (sender, requests) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let sender = sender.clone();
                let reply = reply.clone();
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

/// The `example` of one response of one operation in `specs/<spec>`:
/// the providers' own examples, as transcribed into the spec.
pub fn seed_example(spec: &str, path: &str, method: &str, status: &str) -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(spec);
    let text = std::fs::read_to_string(&file).expect("the spec exists");
    let doc: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let mut response = &doc["paths"][path][method]["responses"][status];
    if let Some(reference) = response["$ref"].as_str() {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        response = doc.pointer(pointer).expect("the reference resolves");
    }
    let example = &response["content"]["application/json"]["example"];
    assert!(
        !example.is_null(),
        "{spec} has no example for {method} {path} {status}"
    );
    example.clone()
}
