//! Twilio Conversations v2: `PATCH /v2/Conversations/{Sid}`, JSON.

use interlocutor::twilio::conversations_v2::{Client, types};
use interlocutor::{ErrorCode, ErrorKind, Nullable, Open, Response};
use interlocutor_tests::{CaptureServer, Captured, Reply, TWILIO_V2};

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &CaptureServer) -> Client {
    let credentials = interlocutor::twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    // A trailing slash must not turn into `//` in the request path.
    Client::builder(credentials)
        .base_url(format!("{}/", server.base_url()))
        .build()
        .unwrap()
}

async fn send(patch: &types::ConversationPatch, sid: &str) -> Captured {
    let example = TWILIO_V2.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    client(&server)
        .patch_conversation_by_id(sid, patch)
        .await
        .expect("the seed example decodes");
    server.request().await
}

fn assert_envelope(request: &Captured, target: &str) {
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.target, target);
    assert_eq!(request.header("content-type"), Some("application/json"));
    let expected = interlocutor_tests::basic_authorization(ACCOUNT_SID, AUTH_TOKEN);
    assert_eq!(request.header("authorization"), Some(expected.as_str()));
    let user_agent = request.header("user-agent").unwrap();
    assert!(
        user_agent.starts_with("interlocutor/") && user_agent.contains("twilio-conversations-v2"),
        "{user_agent}"
    );
    assert_eq!(
        request.header("api-version"),
        None,
        "progenitor's stray header"
    );
}

#[tokio::test]
async fn every_field_set() {
    let patch = types::ConversationPatch::new()
        .name("Support Chat")
        .status(types::ConversationStatus::Inactive)
        .configuration(
            types::ConversationConfigurationPatch::new().status_callbacks(vec![
                types::StatusCallbackConfig::new("https://example.com/events")
                    .method(types::StatusCallbackMethod::Post),
            ]),
        )
        .set_metadata("priority", "high")
        .remove_metadata("legacyTicket");
    let request = send(&patch, "a/b c?d").await;
    assert_envelope(&request, "/v2/Conversations/a%2Fb%20c%3Fd");
    assert_eq!(
        request.body_text(),
        concat!(
            r#"{"configuration":{"statusCallbacks":[{"method":"POST","url":"https://example.com/events"}]},"#,
            r#""metadata":{"legacyTicket":null,"priority":"high"},"#,
            r#""name":"Support Chat","status":"INACTIVE"}"#
        )
    );
}

#[tokio::test]
async fn nullable_fields_cleared() {
    let patch = types::ConversationPatch::new().clear_name();
    let request = send(&patch, "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2").await;
    assert_envelope(
        &request,
        "/v2/Conversations/conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2",
    );
    assert_eq!(request.body_text(), r#"{"name":null}"#);
}

#[tokio::test]
async fn empty_callback_list_and_unset_fields() {
    let clear_callbacks = types::ConversationPatch::new()
        .configuration(types::ConversationConfigurationPatch::new().status_callbacks(Vec::new()));
    let request = send(&clear_callbacks, "sid").await;
    assert_eq!(
        request.body_text(),
        r#"{"configuration":{"statusCallbacks":[]}}"#
    );

    let nothing = types::ConversationPatch::new();
    assert_eq!(send(&nothing, "sid").await.body_text(), "{}");
}

/// The limit is checked when the call is made: 512 characters (here 1024
/// bytes) are sent, 513 are refused before anything goes on the wire.
#[tokio::test]
async fn metadata_values_are_limited_to_512_characters() {
    let longest = "é".repeat(512);
    let patch = types::ConversationPatch::new().set_metadata("tier", longest.as_str());
    let request = send(&patch, "sid").await;
    assert_eq!(
        request.body_text(),
        format!(r#"{{"metadata":{{"tier":"{longest}"}}}}"#)
    );

    let example = TWILIO_V2.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    let too_long = types::ConversationPatch::new().set_metadata("tier", "a".repeat(513));
    let error = client(&server)
        .patch_conversation_by_id("sid", too_long)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(
        error.message(),
        Some("`metadata.tier` is longer than 512 characters (513)")
    );
    assert_eq!(error.status(), None);
    assert!(server.received().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn seed_response_decodes() {
    let example = TWILIO_V2.example("200");
    let server = CaptureServer::start(Reply::json(200, &example)).await;
    let conversation = Response::into_inner(
        client(&server)
            .patch_conversation_by_id("id", types::ConversationPatch::new())
            .await
            .unwrap(),
    );
    // Not an `AC…` SID, and the client still accepts it.
    assert_eq!(
        conversation.account_id.as_deref(),
        Some("ZGkrHSypTsudrGkmdpJJ")
    );
    assert_eq!(
        conversation.status,
        Some(Open::Known(types::ConversationStatus::Active))
    );
    assert_eq!(conversation.name.as_deref(), Some("Miss Christine Morgan"));
    assert_eq!(
        conversation.created_at.unwrap().to_rfc3339(),
        "2009-07-06T20:30:00+00:00"
    );
    let configuration = conversation.configuration.unwrap();
    assert_eq!(
        configuration.conversation_grouping_type,
        Some(Open::Known(types::ConversationGroupingType::GroupByProfile))
    );
    assert_eq!(configuration.status_callbacks.len(), 1);
    assert_eq!(
        configuration.conversations_v1_bridge.unwrap().service_id,
        "IS00000000000000000000000000000000"
    );
    let participant = &conversation.participants[0];
    assert_eq!(
        participant.type_,
        Some(Open::Known(types::ParticipantType::Customer))
    );
    assert_eq!(
        participant.addresses[0].channel,
        types::ParticipantAddressChannel::Sms
    );
}

#[tokio::test]
async fn documented_errors_decode_into_the_typed_error() {
    for status in ["400", "404", "429", "500", "503"] {
        let example = TWILIO_V2.example(status);
        let code: u16 = status.parse().unwrap();
        let server = CaptureServer::start(Reply::json(code, &example)).await;
        let client =
            Client::builder(interlocutor::twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap())
                .base_url(server.base_url())
                .retry_policy(interlocutor::RetryPolicy::disabled())
                .build()
                .unwrap();
        let error = client
            .patch_conversation_by_id("missing", types::ConversationPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api, "{error}");
        assert_eq!(error.status(), Some(code));
        let expected_code = example["code"].as_i64().unwrap();
        assert_eq!(error.code(), Some(&ErrorCode::Number(expected_code)));
        assert_eq!(error.message(), example["message"].as_str());
        assert_eq!(error.more_info(), example["more_info"].as_str());
    }
}

#[test]
fn a_patch_read_from_json_keeps_explicit_nulls() {
    let json = r#"{"configuration":{"statusCallbacks":[]},"metadata":{"old":null},"name":null}"#;
    let patch: types::ConversationPatch = serde_json::from_str(json).unwrap();
    assert_eq!(patch.name, Some(Nullable::Null));
    let callbacks = &patch.configuration.as_ref().unwrap().status_callbacks;
    assert_eq!(callbacks.as_deref(), Some(&[][..]), "an empty list is kept");
    assert_eq!(serde_json::to_string(&patch).unwrap(), json);
    let unchanged: types::ConversationPatch = serde_json::from_str("{}").unwrap();
    assert_eq!(unchanged.name, None);
}
