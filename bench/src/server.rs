//! The two servers of the bench, on 127.0.0.1: the keep-alive server (a
//! child process) that answers with each API's seed response, and a
//! capture server for the byte check.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The seed 200 response of each API, by the first path segment.
fn seed_responses() -> Vec<(&'static str, Vec<u8>)> {
    let seed = |spec: &str| -> Vec<u8> {
        let doc: serde_json::Value = serde_yaml::from_str(spec).expect("a spec");
        let (_, item) = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .next()
            .expect("a path");
        let (_, operation) = item
            .as_object()
            .expect("an item")
            .iter()
            .next()
            .expect("an operation");
        let example = &operation["responses"]["200"]["content"]["application/json"]["example"];
        serde_json::to_vec(example).expect("JSON")
    };
    // Read where the workspace keeps them, not compiled in: the bench
    // crate must package on its own.
    let read = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    };
    vec![
        ("/v2/", seed(&read("twilio-conversations-v2.yaml"))),
        ("/v1/", seed(&read("twilio-conversations-v1.yaml"))),
        ("/workspaces/", seed(&read("bird-conversations.yaml"))),
    ]
}

/// Runs the keep-alive server until killed; prints its base URL first.
pub fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        println!("http://{}", listener.local_addr().expect("an address"));
        let responses = Arc::new(seed_responses());
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let responses = Arc::clone(&responses);
            tokio::spawn(async move {
                let mut connection = Connection::new(stream);
                while let Some(request) = connection.next_request().await {
                    let target = request_target(&request);
                    let body = responses
                        .iter()
                        .find(|(prefix, _)| target.starts_with(prefix))
                        .map_or(&b"{}"[..], |(_, body)| body.as_slice());
                    if connection.respond(body, false).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
}

/// Records the raw bytes of each request (head and body) and answers each
/// with the matching seed response, one request per connection.
pub struct Capture {
    base_url: String,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Capture {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&requests);
        let responses = seed_responses();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let mut connection = Connection::new(stream);
                if let Some(request) = connection.next_request().await {
                    let target = request_target(&request);
                    let body = responses
                        .iter()
                        .find(|(prefix, _)| target.starts_with(prefix))
                        .map_or(b"{}".to_vec(), |(_, body)| body.clone());
                    sink.lock().expect("not poisoned").push(request);
                    let _ = connection.respond(&body, true).await;
                }
            }
        });
        Self { base_url, requests }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.requests.lock().expect("not poisoned").clone()
    }
}

fn request_target(request: &[u8]) -> String {
    let line = request.split(|b| *b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

/// An HTTP/1.1 connection: requests with a `content-length` body.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            buffer: Vec::with_capacity(8192),
        }
    }

    /// The next request, head and body, or `None` when the peer is done.
    async fn next_request(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                let total = end + 4 + length;
                while self.buffer.len() < total {
                    if !self.fill().await {
                        return None;
                    }
                }
                let request = self.buffer[..total].to_vec();
                self.buffer.drain(..total);
                return Some(request);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn respond(&mut self, body: &[u8], close: bool) -> std::io::Result<()> {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n",
            body.len(),
            if close { "connection: close\r\n" } else { "" }
        );
        let mut response = head.into_bytes();
        response.extend_from_slice(body);
        self.stream.write_all(&response).await
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
