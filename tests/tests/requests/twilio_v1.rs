//! Snapshots of every request shape of
//! `POST /v1/Users/{UserSid}/Conversations/{ConversationSid}` (form body).
//!
//! Each case is recorded in process, sent again to a server on 127.0.0.1 to
//! prove the record is the wire, and pinned as a YAML snapshot.

use interlocutor::Credentials;
use interlocutor::chrono::{DateTime, FixedOffset};
use interlocutor::twilio::conversations_v1::{Client, types};
use interlocutor_tests::{
    ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, AUTH_TOKEN, RecordedRequest, RequestSnapshot,
    TWILIO_V1, basic_authorization, decoded_segments, record_on_both_transports, twilio_account,
};
use types::{NotificationLevel as Level, UpdateUserConversationRequest as Update};

const USER: &str = "US0123456789abcdef0123456789abcdef";
const CONVERSATION: &str = "CH0123456789abcdef0123456789abcdef";

async fn send_with(
    credentials: Credentials,
    user: &str,
    conversation: &str,
    body: &Update,
) -> RecordedRequest {
    let example = TWILIO_V1.example("200");
    record_on_both_transports(credentials, &example, async |client: &Client| {
        client
            .update_user_conversation(user, conversation, body)
            .await
            .unwrap();
    })
    .await
}

async fn send(body: &Update) -> RecordedRequest {
    send_with(twilio_account(), USER, CONVERSATION, body).await
}

fn snapshot(request: &RecordedRequest) -> RequestSnapshot {
    RequestSnapshot::from(request)
}

/// A timestamp with the offset it is written in; the setter takes it as is
/// and the client sends it in UTC.
fn at(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

#[tokio::test]
async fn every_field_set() {
    let body = Update::new()
        .notification_level(Level::Muted)
        .last_read_timestamp(at("2023-05-04T09:42:00Z"))
        .last_read_message_index(42);
    insta::assert_yaml_snapshot!("every_field_set", snapshot(&send(&body).await));
}

#[tokio::test]
async fn each_field_alone() {
    let level = Update::new().notification_level(Level::Default);
    insta::assert_yaml_snapshot!("only_notification_level", snapshot(&send(&level).await));

    let timestamp = Update::new().last_read_timestamp(at("2023-05-04T09:42:00Z"));
    insta::assert_yaml_snapshot!(
        "only_last_read_timestamp",
        snapshot(&send(&timestamp).await)
    );

    let index = Update::new().last_read_message_index(0);
    insta::assert_yaml_snapshot!(
        "only_last_read_message_index_zero",
        snapshot(&send(&index).await)
    );

    // `Update::default()` is `Update::new()`; kept as the snapshot's
    // recorded expression.
    insta::assert_yaml_snapshot!("nothing_set", snapshot(&send(&Update::default()).await));
}

#[tokio::test]
async fn message_index_cleared_next_to_index_unset() {
    let cleared = Update::new()
        .clear_last_read_message_index()
        .notification_level(Level::Default);
    let request = send(&cleared).await;
    assert_eq!(
        request.form_pairs().unwrap()[0],
        ("LastReadMessageIndex".to_owned(), String::new())
    );
    insta::assert_yaml_snapshot!("message_index_cleared_with_empty_value", snapshot(&request));

    let unset = Update::new().notification_level(Level::Default);
    insta::assert_yaml_snapshot!("message_index_unset", snapshot(&send(&unset).await));
}

#[tokio::test]
async fn every_notification_level() {
    for (level, name) in [
        (Level::Default, "notification_level_default"),
        (Level::Muted, "notification_level_muted"),
    ] {
        let body = Update::new().notification_level(level);
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
}

/// As Twilio's own libraries send them: UTC, whole seconds, `Z`. A
/// fraction is dropped (not rounded), as they drop it.
#[tokio::test]
async fn timestamps_go_out_in_utc_whole_seconds() {
    for (timestamp, sent, name) in [
        (
            "2024-05-06T07:08:09+02:00",
            "2024-05-06T05:08:09Z",
            "timestamp_with_non_utc_offset",
        ),
        (
            "2024-05-06T07:08:09.123456-03:30",
            "2024-05-06T10:38:09Z",
            "timestamp_with_fractional_seconds",
        ),
    ] {
        let request = send(&Update::new().last_read_timestamp(at(timestamp))).await;
        assert_eq!(
            request.form_pairs().unwrap(),
            [("LastReadTimestamp".to_owned(), sent.to_owned())]
        );
        insta::assert_yaml_snapshot!(name, snapshot(&request));
    }
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let cases = [
        ("a/b c?d", "path_with_slash_space_question_mark"),
        ("100% sure", "path_with_percent"),
        ("é#frag", "path_with_accent_and_hash"),
        ("a%2Fb", "path_already_escaped"),
    ];
    for (value, name) in cases {
        // The same hostile value as the user (an identity) and as the
        // conversation (a unique name).
        let request = send_with(twilio_account(), value, value, &Update::new()).await;
        assert_eq!(
            decoded_segments(&request.path),
            ["v1", "Users", value, "Conversations", value],
            "{value:?}"
        );
        insta::assert_yaml_snapshot!(name, snapshot(&request));
    }
}

#[tokio::test]
async fn credentials_account_sid_and_api_key() {
    let body = Update::new().notification_level(Level::Muted);
    let with_account = send_with(twilio_account(), USER, CONVERSATION, &body).await;
    assert_eq!(
        with_account.header("authorization"),
        Some(basic_authorization(ACCOUNT_SID, AUTH_TOKEN).as_str())
    );
    insta::assert_yaml_snapshot!(
        "credentials_account_sid_and_auth_token",
        snapshot(&with_account)
    );

    let key = interlocutor::twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap();
    let with_key = send_with(key, USER, CONVERSATION, &body).await;
    assert_eq!(
        with_key.header("authorization"),
        Some(basic_authorization(API_KEY_SID, API_KEY_SECRET).as_str())
    );
    insta::assert_yaml_snapshot!("credentials_api_key_and_secret", snapshot(&with_key));
}
