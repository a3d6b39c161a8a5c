//! A deliberately small HTTP/1.1 server on 127.0.0.1, for the tests and the
//! bench: it records each request byte for byte (the raw request target
//! included, so percent-encoding is seen exactly as sent) and answers with a
//! scripted [`Reply`].

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
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
    /// The whole request (head and body) as received.
    pub raw: Vec<u8>,
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
pub(crate) fn redact(headers: &[(String, String)]) -> Vec<(String, String)> {
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

/// The response a server sends.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the body with `transfer-encoding: chunked`, so its length is
    /// not known until the end.
    pub chunked: bool,
    /// Leave out `connection: close`, for a server that reads the next
    /// request on the same connection (the bench's); a `CaptureServer`
    /// closes each connection after its reply either way.
    pub keep_alive: bool,
}

impl Reply {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON serializes"),
            chunked: false,
            keep_alive: false,
        }
    }

    /// The same reply without `connection: close`.
    pub fn keep_alive(mut self) -> Self {
        self.keep_alive = true;
        self
    }

    /// The reply as it goes on the wire.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} Scripted\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !self.keep_alive {
            out.extend_from_slice(b"connection: close\r\n");
        }
        if self.chunked {
            out.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
            for chunk in self.body.chunks(64 * 1024) {
                out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            return out;
        }
        out.extend_from_slice(format!("content-length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

/// A server on 127.0.0.1 that records every request and answers from a
/// script, one request per connection.
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
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                let reply = replies[served.min(replies.len() - 1)].clone();
                served += 1;
                tokio::spawn(async move {
                    let mut connection = Connection::new(stream);
                    if let Some(captured) = connection.next_request().await {
                        let _ = sender.send(captured);
                        let _ = connection.reply(&reply).await;
                        let _ = connection.stream.shutdown().await;
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

/// One HTTP/1.1 connection of a server: requests with a `content-length`
/// body (or none), read one after another.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            buffer: Vec::with_capacity(8192),
        }
    }

    /// The next request, or `None` when the peer is done (or sent a head
    /// that is not UTF-8 text).
    pub async fn next_request(&mut self) -> Option<Captured> {
        let head_end = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = std::str::from_utf8(&self.buffer[..head_end]).ok()?;
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
        let total = head_end + 4 + length;
        while self.buffer.len() < total {
            if !self.fill().await {
                // Cut short: what came is the request.
                break;
            }
        }
        let total = total.min(self.buffer.len());
        let raw: Vec<u8> = self.buffer.drain(..total).collect();
        Some(Captured {
            method,
            target,
            headers,
            body: raw[head_end + 4..].to_vec(),
            raw,
        })
    }

    /// Sends `reply`.
    pub async fn reply(&mut self, reply: &Reply) -> std::io::Result<()> {
        self.stream.write_all(&reply.encode()).await
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(read) => {
                self.buffer.extend_from_slice(&chunk[..read]);
                true
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
