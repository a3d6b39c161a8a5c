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
}
