//! The requests of `PATCH /v2/Conversations/{Sid}`: a snapshot of every
//! request shape, and what a patch read from JSON or a base URL with a
//! trailing slash sends.
//!
//! Each snapshot case is recorded in process by the `TestTransport`, sent
//! again to a server on 127.0.0.1 to prove the record is the wire, and
//! pinned as a YAML snapshot named after what it shows.

use interlocutor::twilio::conversations_v2::{Client, types};
use interlocutor::{Credentials, Nullable};
use interlocutor_tests::{
    ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, AUTH_TOKEN, CaptureServer, RecordedRequest, Reply,
    RequestSnapshot, TWILIO_V2, basic_authorization, decoded_segments, networked,
    record_on_both_transports, twilio_account,
};
use types::{
    ConversationConfigurationPatch as ConfigurationPatch, ConversationPatch as Patch,
    ConversationStatus as Status, StatusCallbackConfig as Callback, StatusCallbackMethod as Method,
};

const SID: &str = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";

/// Sends `patch` in process and over 127.0.0.1, checks both agree, and
/// returns the record.
async fn send_with(credentials: Credentials, sid: &str, patch: &Patch) -> RecordedRequest {
    let example = TWILIO_V2.example("200");
    record_on_both_transports(credentials, &example, async |client: &Client| {
        client.patch_conversation_by_id(sid, patch).await.unwrap();
    })
    .await
}

async fn send(patch: &Patch) -> RecordedRequest {
    send_with(twilio_account(), SID, patch).await
}

fn snapshot(request: &RecordedRequest) -> RequestSnapshot {
    RequestSnapshot::from(request)
}

#[tokio::test]
async fn every_field_set() {
    let patch = Patch::new()
        .name("Support Chat")
        .status(Status::Inactive)
        .configuration(ConfigurationPatch::new().status_callbacks(vec![
            Callback::new("https://example.com/events").method(Method::Post),
        ]))
        .set_metadata("priority", "high")
        .remove_metadata("legacyTicket");
    insta::assert_yaml_snapshot!("every_field_set", snapshot(&send(&patch).await));
}

#[tokio::test]
async fn each_field_alone() {
    let name = Patch::new().name("Support Chat");
    insta::assert_yaml_snapshot!("only_name", snapshot(&send(&name).await));

    let status = Patch::new().status(Status::Closed);
    insta::assert_yaml_snapshot!("only_status", snapshot(&send(&status).await));

    let configuration = Patch::new().configuration(
        ConfigurationPatch::new()
            .status_callbacks(vec![Callback::new("https://example.com/events")]),
    );
    insta::assert_yaml_snapshot!(
        "only_configuration_one_callback_without_method",
        snapshot(&send(&configuration).await)
    );

    let metadata = Patch::new().set_metadata("priority", "high");
    insta::assert_yaml_snapshot!("only_metadata", snapshot(&send(&metadata).await));

    insta::assert_yaml_snapshot!("nothing_set", snapshot(&send(&Patch::new()).await));
}

#[tokio::test]
async fn name_cleared_next_to_name_unset() {
    let cleared = Patch::new().clear_name().status(Status::Active);
    insta::assert_yaml_snapshot!("name_cleared_with_null", snapshot(&send(&cleared).await));
    let unset = Patch::new().status(Status::Active);
    insta::assert_yaml_snapshot!("name_unset", snapshot(&send(&unset).await));
}

#[tokio::test]
async fn status_callbacks_emptied_unset_and_doubled() {
    // `[]` removes every callback, as Twilio documents; `null`, whose effect
    // it does not document, is not offered.
    let empty = Patch::new().configuration(ConfigurationPatch::new().status_callbacks(Vec::new()));
    insta::assert_yaml_snapshot!(
        "status_callbacks_cleared_with_empty_list",
        snapshot(&send(&empty).await)
    );

    // The configuration object is sent, with nothing in it.
    let unset = Patch::new().configuration(ConfigurationPatch::new());
    insta::assert_yaml_snapshot!("status_callbacks_unset", snapshot(&send(&unset).await));

    let two = Patch::new().configuration(ConfigurationPatch::new().status_callbacks(vec![
        Callback::new("https://example.com/post").method(Method::Post),
        Callback::new("https://example.com/get?team=a&b=c").method(Method::Get),
    ]));
    insta::assert_yaml_snapshot!(
        "two_status_callbacks_post_and_get",
        snapshot(&send(&two).await)
    );
}

#[tokio::test]
async fn metadata_key_deleted_with_null() {
    let patch = Patch::new().remove_metadata("legacyTicket");
    insta::assert_yaml_snapshot!(
        "metadata_key_deleted_with_null",
        snapshot(&send(&patch).await)
    );
}

#[tokio::test]
async fn every_status_value() {
    for (status, name) in [
        (Status::Active, "status_active"),
        (Status::Inactive, "status_inactive"),
        (Status::Closed, "status_closed"),
    ] {
        let patch = Patch::new().status(status);
        insta::assert_yaml_snapshot!(name, snapshot(&send(&patch).await));
    }
}

#[tokio::test]
async fn unicode_and_reserved_characters_in_strings() {
    let text = "Café ☕ 🚀 a&b=c+d?e#f/g h";
    // Keys are limited to letters, digits, `.`, `_` and `-` (a key like
    // `text` is refused before sending: see checks.rs); values are free.
    let patch = Patch::new()
        .name(text)
        .set_metadata("key.unicode_value-1", text);
    let request = send(&patch).await;
    let body = request.body_json().unwrap();
    assert_eq!(body["name"], text);
    assert_eq!(body["metadata"]["key.unicode_value-1"], text);
    insta::assert_yaml_snapshot!("unicode_and_reserved_characters", snapshot(&request));
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    for (sid, name) in [
        ("a/b c?d", "sid_with_slash_space_question_mark"),
        ("100% sure", "sid_with_percent"),
        ("é#frag", "sid_with_accent_and_hash"),
        ("a%2Fb", "sid_already_escaped"),
    ] {
        let request = send_with(twilio_account(), sid, &Patch::new()).await;
        assert_eq!(
            decoded_segments(&request.path),
            ["v2", "Conversations", sid],
            "{sid:?}"
        );
        insta::assert_yaml_snapshot!(name, snapshot(&request));
    }
}

#[tokio::test]
async fn credentials_account_sid_and_api_key() {
    let patch = Patch::new().status(Status::Active);
    let with_account = send_with(twilio_account(), SID, &patch).await;
    assert_eq!(
        with_account.header("authorization"),
        Some(basic_authorization(ACCOUNT_SID, AUTH_TOKEN).as_str())
    );
    insta::assert_yaml_snapshot!(
        "credentials_account_sid_and_auth_token",
        snapshot(&with_account)
    );

    let key = interlocutor::twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap();
    let with_key = send_with(key, SID, &patch).await;
    assert_eq!(
        with_key.header("authorization"),
        Some(basic_authorization(API_KEY_SID, API_KEY_SECRET).as_str())
    );
    insta::assert_yaml_snapshot!("credentials_api_key_and_secret", snapshot(&with_key));
}

#[test]
fn a_patch_read_from_json_keeps_explicit_nulls() {
    let json = r#"{"configuration":{"statusCallbacks":[]},"metadata":{"old":null},"name":null}"#;
    let patch: Patch = serde_json::from_str(json).unwrap();
    assert_eq!(patch.name, Some(Nullable::Null));
    let callbacks = &patch.configuration.as_ref().unwrap().status_callbacks;
    assert_eq!(callbacks.as_deref(), Some(&[][..]), "an empty list is kept");
    assert_eq!(serde_json::to_string(&patch).unwrap(), json);
    let unchanged: Patch = serde_json::from_str("{}").unwrap();
    assert_eq!(unchanged.name, None);
}

/// A base URL with a trailing slash adds no empty segment to the path.
#[tokio::test]
async fn a_trailing_slash_in_the_base_url_adds_no_empty_segment() {
    let mut server = CaptureServer::start(Reply::json(200, &TWILIO_V2.example("200"))).await;
    let client: Client = networked(&format!("{}/", server.base_url()));
    client
        .patch_conversation_by_id(SID, Patch::new())
        .await
        .unwrap();
    assert_eq!(
        server.request().await.target,
        format!("/v2/Conversations/{SID}")
    );
}
