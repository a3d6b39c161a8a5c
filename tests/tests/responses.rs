//! Snapshots of what each client makes of responses: the seed examples
//! decoded into the generated types, every documented error status as the
//! typed error, and broken responses as clear error values.

use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor::{Error, Response, RetryPolicy, bird, twilio};
use interlocutor_tests::{BIRD, TWILIO_V1, TWILIO_V2};
use serde::Serialize;
use uuid::Uuid;

fn transport(response: ScriptedResponse) -> TestTransport {
    let transport = TestTransport::new();
    transport.push(response);
    transport
}

fn twilio_credentials() -> interlocutor::Credentials {
    twilio::account("AC0123456789abcdef0123456789abcdef", "token").unwrap()
}

async fn v2(response: ScriptedResponse) -> Result<conversations_v2::types::Conversation, Error> {
    let client = conversations_v2::Client::builder(twilio_credentials())
        .transport(transport(response))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let result = client
        .patch_conversation_by_id("conv_1", conversations_v2::types::ConversationPatch::new())
        .await;
    result.map(Response::into_inner)
}

async fn v1(
    response: ScriptedResponse,
) -> Result<conversations_v1::types::UserConversation, Error> {
    let client = conversations_v1::Client::builder(twilio_credentials())
        .transport(transport(response))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let result = client
        .update_user_conversation(
            "user",
            "conversation",
            conversations_v1::types::UpdateUserConversationRequest::new(),
        )
        .await;
    result.map(Response::into_inner)
}

async fn bird(
    response: ScriptedResponse,
) -> Result<bird::conversations::types::Conversation, Error> {
    let client = bird::conversations::Client::builder(bird::access_key("key").unwrap())
        .transport(transport(response))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let result = client
        .update_conversation(
            Uuid::nil(),
            Uuid::nil(),
            bird::conversations::types::ConversationUpdate::new(),
        )
        .await;
    result.map(Response::into_inner)
}

/// What an error snapshot shows: every accessor, and the message.
#[derive(Serialize)]
struct ErrorSnapshot {
    display: String,
    kind: String,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<interlocutor::serde_json::Value>,
    request_id: Option<String>,
    raw_body: Option<String>,
    retryable: bool,
}

fn snapshot(error: &Error) -> ErrorSnapshot {
    ErrorSnapshot {
        display: error.to_string(),
        kind: format!("{:?}", error.kind()),
        status: error.status(),
        code: error.code().map(|c| format!("{c:?}")),
        message: error.message().map(str::to_owned),
        more_info: error.more_info().map(str::to_owned),
        details: error.details().cloned(),
        request_id: error.request_id().map(str::to_owned),
        raw_body: error.raw_body().map(str::to_owned),
        retryable: error.is_retryable(),
    }
}

/// The broken responses every client must turn into a clear error.
fn broken() -> Vec<(&'static str, ScriptedResponse)> {
    vec![
        (
            "undocumented_status_418",
            ScriptedResponse::text(418, "I'm a teapot"),
        ),
        ("empty_body_200", ScriptedResponse::empty(200)),
        ("empty_body_404", ScriptedResponse::empty(404)),
        (
            "not_json_200",
            ScriptedResponse::text(200, "<html><body>Welcome to the proxy</body></html>"),
        ),
        (
            "not_json_502",
            ScriptedResponse::text(502, "<html><body>502 Bad Gateway</body></html>"),
        ),
        (
            "truncated_json_200",
            ScriptedResponse::bytes(
                200,
                &br#"{"id": "907798f8-fd72-44d5-8042-fcc05c1bb570", "na"#[..],
            )
            .header("content-type", "application/json"),
        ),
    ]
}

#[tokio::test]
async fn seed_examples_decode() {
    let conversation = v2(ScriptedResponse::json(200, &TWILIO_V2.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("twilio_v2_seed_example", conversation);
    let user_conversation = v1(ScriptedResponse::json(200, &TWILIO_V1.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("twilio_v1_seed_example", user_conversation);
    let bird_conversation = bird(ScriptedResponse::json(200, &BIRD.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("bird_seed_example", bird_conversation);
}

#[tokio::test]
async fn documented_error_statuses() {
    for status in ["400", "404", "429", "500", "503"] {
        let response = ScriptedResponse::json(status.parse().unwrap(), &TWILIO_V2.example(status))
            .header("twilio-request-id", "RQ00000000000000000000000000000001");
        let error = v2(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v2_error_{status}"), snapshot(&error));
    }
    for (status, range) in [
        (400, "4XX"),
        (404, "4XX"),
        (429, "4XX"),
        (500, "5XX"),
        (503, "5XX"),
    ] {
        let mut body = TWILIO_V1.example(range);
        body["status"] = status.into();
        let error = v1(ScriptedResponse::json(status, &body)).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v1_error_{status}"), snapshot(&error));
    }
    for status in ["404", "409", "422"] {
        let response = ScriptedResponse::json(status.parse().unwrap(), &BIRD.example(status));
        let error = bird(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("bird_error_{status}"), snapshot(&error));
    }
}

#[tokio::test]
async fn broken_responses_are_clear_errors() {
    for (name, response) in broken() {
        let error = v2(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v2_{name}"), snapshot(&error));
    }
    for (name, response) in broken() {
        let error = v1(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v1_{name}"), snapshot(&error));
    }
    for (name, response) in broken() {
        let error = bird(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("bird_{name}"), snapshot(&error));
    }
}

/// What the official descriptions add to the seeds: Twilio v2 returns the
/// Conversation's `metadata`; Bird's conversation has a `style`, an open
/// enum like every enum in a response.
#[tokio::test]
async fn metadata_and_style_are_read() {
    let mut conversation = TWILIO_V2.example("200");
    conversation["metadata"] = serde_json::json!({"zendesk_ticket_id": "TKT-456", "tier": "gold"});
    let read = v2(ScriptedResponse::json(200, &conversation))
        .await
        .unwrap();
    let metadata = read.metadata.unwrap();
    assert_eq!(metadata["zendesk_ticket_id"], "TKT-456");
    assert_eq!(metadata.len(), 2);

    use bird::conversations::types::ConversationStyle;
    for (style, expected) in [
        ("directMessage", Some(ConversationStyle::DirectMessage)),
        ("personalInbox", Some(ConversationStyle::PersonalInbox)),
        ("broadcast", None),
    ] {
        let mut conversation = BIRD.example("200");
        conversation["style"] = serde_json::json!(style);
        let read = bird(ScriptedResponse::json(200, &conversation))
            .await
            .unwrap();
        let read = read.style.unwrap();
        assert_eq!(read.known().copied(), expected, "{style}");
        assert_eq!(read.to_string(), style);
    }
}
