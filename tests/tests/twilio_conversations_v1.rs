//! Twilio Conversations v1: `POST /v1/Users/{UserSid}/Conversations/{ConversationSid}`, form.

use interlocutor::chrono::DateTime;
use interlocutor::twilio::conversations_v1::{Client, types};
use interlocutor::{ErrorCode, ErrorKind, Open, Response, RetryPolicy};
use interlocutor_tests::{CaptureServer, Captured, Reply, TWILIO_V1};

const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const API_KEY_SECRET: &str = "s3cr3t-value";

fn client(server: &CaptureServer) -> Client {
    let credentials = interlocutor::twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap();
    Client::builder(credentials)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

async fn send(
    body: types::UpdateUserConversationRequest,
    user: &str,
    conversation: &str,
) -> Captured {
    let example = TWILIO_V1.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    client(&server)
        .update_user_conversation(user, conversation, body)
        .await
        .expect("the seed example decodes");
    server.request().await
}

fn assert_envelope(request: &Captured, target: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, target);
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let expected = interlocutor_tests::basic_authorization(API_KEY_SID, API_KEY_SECRET);
    assert_eq!(request.header("authorization"), Some(expected.as_str()));
    assert_eq!(request.header("api-version"), None);
}

#[tokio::test]
async fn every_field_set_with_the_timestamp_converted_to_utc() {
    let read_at = DateTime::parse_from_rfc3339("2024-05-06T07:08:09+02:00").unwrap();
    let body = types::UpdateUserConversationRequest::new()
        .last_read_message_index(42)
        .last_read_timestamp(read_at)
        .notification_level(types::NotificationLevel::Muted);
    let request = send(body, "a/b c?d", "100% sure").await;
    assert_envelope(
        &request,
        "/v1/Users/a%2Fb%20c%3Fd/Conversations/100%25%20sure",
    );
    // 07:08:09 at +02:00 is 05:08:09 UTC; `:` is form-encoded as %3A.
    assert_eq!(
        request.body_text(),
        "LastReadMessageIndex=42&LastReadTimestamp=2024-05-06T05%3A08%3A09Z&NotificationLevel=muted"
    );
}

#[tokio::test]
async fn nullable_index_cleared_with_an_empty_value() {
    let body = types::UpdateUserConversationRequest::new()
        .clear_last_read_message_index()
        .notification_level(types::NotificationLevel::Default);
    let request = send(body, "US0123456789abcdef0123456789abcdef", "support-room").await;
    assert_envelope(
        &request,
        "/v1/Users/US0123456789abcdef0123456789abcdef/Conversations/support-room",
    );
    assert_eq!(
        request.body_text(),
        "LastReadMessageIndex=&NotificationLevel=default"
    );

    let nothing = types::UpdateUserConversationRequest::new();
    assert_eq!(send(nothing, "u", "c").await.body_text(), "");
}

#[tokio::test]
async fn seed_response_decodes() {
    let example = TWILIO_V1.example("200");
    let server = CaptureServer::start(Reply::json(200, &example)).await;
    let user_conversation = client(&server)
        .update_user_conversation("u", "c", types::UpdateUserConversationRequest::new())
        .await
        .unwrap();
    assert_eq!(Response::status(&user_conversation), 200);
    // "string" breaks the documented `^AC[0-9a-fA-F]{32}$`: still accepted.
    assert_eq!(user_conversation.account_sid.as_deref(), Some("string"));
    assert_eq!(
        user_conversation.conversation_state,
        Some(Open::Known(types::ConversationState::Inactive))
    );
    assert_eq!(
        user_conversation.notification_level,
        Some(Open::Known(types::NotificationLevel::Default))
    );
    assert_eq!(user_conversation.last_read_message_index, Some(42));
    assert_eq!(user_conversation.unread_messages_count, Some(42));
    assert_eq!(
        user_conversation.date_created.unwrap().to_rfc3339(),
        "2023-05-04T09:42:00+00:00"
    );
    assert!(user_conversation.links.is_some());
    assert_eq!(
        user_conversation.url.as_deref(),
        Some("https://example.com")
    );
}

#[tokio::test]
async fn documented_errors_decode_into_the_typed_error() {
    for (status, example) in [
        (404, TWILIO_V1.example("4XX")),
        (500, TWILIO_V1.example("5XX")),
    ] {
        let server = CaptureServer::start(Reply::json(status, &example)).await;
        let client =
            Client::builder(interlocutor::twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap())
                .base_url(server.base_url())
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap();
        let error = client
            .update_user_conversation("u", "c", types::UpdateUserConversationRequest::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api, "{error}");
        assert_eq!(error.provider(), Some("Twilio"));
        assert_eq!(error.status(), Some(status));
        let expected = if status == 404 { 20404 } else { 20500 };
        assert_eq!(error.code(), Some(&ErrorCode::Number(expected)));
        assert_eq!(error.message(), example["message"].as_str());
    }
}
