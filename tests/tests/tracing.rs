//! Observability: each call is a `tracing` span with the operation, the
//! method, the number of attempts, the final status, the request id and the
//! duration; each retry is an event with its reason and wait. A subscriber
//! that captures every field of every span and event shows that no secret,
//! no body and no metadata value ever appears in them.

use std::sync::{Arc, Mutex};

use interlocutor::RetryPolicy;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{
    self,
    conversations_v2::{Client, types},
};
use interlocutor_tests::TWILIO_V2;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const TOKEN: &str = "s3cr3t-auth-token-value";
const METADATA_VALUE: &str = "metadata-value-never-traced";
const NAME: &str = "conversation-name-never-traced";

/// Every span (name and fields, recorded as they come) and every event.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<Mutex<u64>>,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {}:", span.metadata().name()));
        span.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
        let mut next = self.next_id.lock().unwrap();
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record:".to_owned());
        values.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("event {}:", event.metadata().target()));
        event.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn every_call_is_a_span_and_every_retry_an_event_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // With one dispatcher registered, tracing computes a callsite's
    // interest from the default of whichever thread first reaches it:
    // another test's thread, with no subscriber, would disable the
    // runtime's span for good. A second one makes it ask every registered
    // dispatcher instead.
    let _second = tracing::Dispatch::new(Capture::default());

    let transport = TestTransport::new();
    transport
        .push(ScriptedResponse::json(429, &TWILIO_V2.example("429")).header("retry-after", "0"))
        .push(
            ScriptedResponse::json(200, &TWILIO_V2.example("200"))
                .header("twilio-request-id", "RQ0123"),
        );
    let credentials = twilio::account("AC0123456789abcdef0123456789abcdef", TOKEN).unwrap();
    let client = Client::builder(credentials)
        .transport(transport.clone())
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let patch = types::ConversationPatch::new()
        .name(NAME)
        .set_metadata("tier", METADATA_VALUE);
    client
        .patch_conversation_by_id("conv_1", patch.clone())
        .await
        .unwrap();

    // A failed call: the span still closes with what is known.
    transport.push(ScriptedResponse::json(404, &TWILIO_V2.example("404")));
    let error = client
        .patch_conversation_by_id("conv_1", patch)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));

    let lines = capture.lines.lock().unwrap().clone();
    let all = lines.join("\n");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("span interlocutor.call:")
                && line.contains("api=interlocutor-twilio-conversations-v2")
                && line.contains("operation=patch_conversation_by_id")
                && line.contains("method=PATCH")),
        "{all}"
    );
    for expected in [
        "record: attempts=2",
        "record: duration_ms=",
        "record: status=200",
        "record: request_id=RQ0123",
        "record: status=404",
    ] {
        assert!(all.contains(expected), "missing `{expected}` in:\n{all}");
    }
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("event interlocutor_runtime")
                && line.contains("attempt=1")
                && line.contains("status=429")
                && line.contains("wait_ms=10")
                && line.contains("from_retry_after=true")),
        "{all}"
    );
    // Nothing secret or private, however it might be spelled.
    let encoded =
        interlocutor_tests::basic_authorization("AC0123456789abcdef0123456789abcdef", TOKEN);
    for private in [TOKEN, &encoded, METADATA_VALUE, NAME, "Basic ", "conv_1"] {
        assert!(!all.contains(private), "`{private}` was traced:\n{all}");
    }

    the_span_covers_the_body_records_how_the_call_ended_and_bounds_the_request_id(&capture).await;
}

/// A server that sends the status and headers of a 200 at once, then the
/// body after `wait`, cut to `sent` bytes of the `length` it announced.
async fn slow_body(wait: std::time::Duration, length: usize, sent: usize) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 64 * 1024];
        let _ = stream.read(&mut request).await;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\
             twilio-request-id: RQslow\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(wait).await;
        let body = serde_json::to_vec(&TWILIO_V2.example("200")).unwrap();
        let mut padded = body.clone();
        padded.resize(length.max(body.len()), b' ');
        let _ = stream.write_all(&padded[..sent.min(padded.len())]).await;
        let _ = stream.shutdown().await;
    });
    format!("http://{address}")
}

/// The span covers the body, records how the call ended, and bounds the
/// request id. (Run inside the one test that installs a subscriber: tracing
/// caches which callsites are enabled across threads, and two scoped
/// subscribers coming and going at once leave one test's spans disabled.)
async fn the_span_covers_the_body_records_how_the_call_ended_and_bounds_the_request_id(
    capture: &Capture,
) {
    capture.lines.lock().unwrap().clear();
    let body_length = serde_json::to_vec(&TWILIO_V2.example("200")).unwrap().len();

    // The body arrives 50 ms after the headers (which take a millisecond
    // or two on loopback): the span lasts as long.
    let base_url = slow_body(
        std::time::Duration::from_millis(50),
        body_length,
        body_length,
    )
    .await;
    let client: Client = interlocutor_tests::networked(&base_url);
    client
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap();
    let lines = capture.lines.lock().unwrap().clone();
    let duration: u64 = lines
        .iter()
        .find_map(|line| line.strip_prefix("record: duration_ms="))
        .expect("a duration")
        .parse()
        .unwrap();
    assert!(duration >= 50, "duration_ms={duration}: {lines:?}");

    // A 200 whose body breaks off: the call fails, and the span says how.
    capture.lines.lock().unwrap().clear();
    let base_url = slow_body(std::time::Duration::ZERO, body_length + 100, 10).await;
    let client: Client = interlocutor_tests::networked(&base_url);
    let error = client
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), interlocutor::ErrorKind::Transport);
    let all = capture.lines.lock().unwrap().join("\n");
    for expected in [
        "record: status=200",
        "record: error=transport",
        "record: request_id=RQslow",
    ] {
        assert!(all.contains(expected), "missing `{expected}` in:\n{all}");
    }

    // A 200 KB request id is recorded bounded.
    capture.lines.lock().unwrap().clear();
    let transport = TestTransport::new();
    let huge = "R".repeat(200_000);
    transport.push(
        ScriptedResponse::json(200, &TWILIO_V2.example("200")).header("twilio-request-id", &huge),
    );
    let client: Client = interlocutor_tests::scripted(&transport);
    client
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap();
    let lines = capture.lines.lock().unwrap().clone();
    let recorded = lines
        .iter()
        .find_map(|line| line.strip_prefix("record: request_id="))
        .unwrap_or_else(|| panic!("no request id in {lines:?}"));
    assert!(
        recorded.chars().count() <= 101,
        "{} characters",
        recorded.len()
    );
}
