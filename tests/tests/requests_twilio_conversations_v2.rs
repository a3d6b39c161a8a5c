//! Snapshots of every request shape of `PATCH /v2/Conversations/{Sid}`.
//!
//! Each case is recorded in process by the `TestTransport`, sent again to a
//! server on 127.0.0.1 to prove the record is the wire, and pinned as a
//! YAML snapshot named after what it shows.

use std::collections::BTreeMap;

use interlocutor::twilio::conversations_v2::{Client, types};
use interlocutor::{Credentials, Nullable};
use interlocutor_tests::{
    RecordedRequest, RequestSnapshot, TWILIO_V2, basic_authorization, decoded_segments,
    record_on_both_transports,
};
use types::{
    ConversationConfigurationPatch as ConfigurationPatch, ConversationPatch as Patch,
    ConversationStatus as Status, StatusCallbackConfig as Callback,
    StatusCallbackConfigMethod as Method,
};

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
const API_KEY_SID: &str = "SKfedcba9876543210fedcba9876543210";
const API_KEY_SECRET: &str = "api-key-secret";
const SID: &str = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";

fn account() -> Credentials {
    interlocutor::twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap()
}

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
    send_with(account(), SID, patch).await
}

fn snapshot(request: &RecordedRequest) -> RequestSnapshot {
    RequestSnapshot::from(request)
}

fn callback(url: &str, method: Option<Method>) -> Callback {
    Callback {
        url: url.to_owned(),
        method,
    }
}

fn callbacks(list: Option<Nullable<Vec<Callback>>>) -> Option<ConfigurationPatch> {
    Some(ConfigurationPatch {
        status_callbacks: list,
    })
}

#[tokio::test]
async fn every_field_set() {
    let patch = Patch {
        name: Some(Nullable::Value("Support Chat".to_owned())),
        status: Some(Status::Inactive),
        configuration: callbacks(Some(Nullable::Value(vec![callback(
            "https://example.com/events",
            Some(Method::Post),
        )]))),
        metadata: BTreeMap::from([
            ("priority".to_owned(), Some("high".parse().unwrap())),
            ("legacyTicket".to_owned(), None),
        ]),
    };
    insta::assert_yaml_snapshot!("every_field_set", snapshot(&send(&patch).await));
}

#[tokio::test]
async fn each_field_alone() {
    let name = Patch {
        name: Some(Nullable::Value("Support Chat".to_owned())),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("only_name", snapshot(&send(&name).await));

    let status = Patch {
        status: Some(Status::Closed),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("only_status", snapshot(&send(&status).await));

    let configuration = Patch {
        configuration: callbacks(Some(Nullable::Value(vec![callback(
            "https://example.com/events",
            None,
        )]))),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!(
        "only_configuration_one_callback_without_method",
        snapshot(&send(&configuration).await)
    );

    let metadata = Patch {
        metadata: BTreeMap::from([("priority".to_owned(), Some("high".parse().unwrap()))]),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("only_metadata", snapshot(&send(&metadata).await));

    insta::assert_yaml_snapshot!("nothing_set", snapshot(&send(&Patch::default()).await));
}

#[tokio::test]
async fn name_cleared_next_to_name_unset() {
    let cleared = Patch {
        name: Some(Nullable::Null),
        status: Some(Status::Active),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("name_cleared_with_null", snapshot(&send(&cleared).await));
    let unset = Patch {
        status: Some(Status::Active),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("name_unset", snapshot(&send(&unset).await));
}

#[tokio::test]
async fn status_callbacks_cleared_emptied_unset_and_doubled() {
    let null = Patch {
        configuration: callbacks(Some(Nullable::Null)),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!(
        "status_callbacks_cleared_with_null",
        snapshot(&send(&null).await)
    );

    let empty = Patch {
        configuration: callbacks(Some(Nullable::Value(Vec::new()))),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!(
        "status_callbacks_cleared_with_empty_list",
        snapshot(&send(&empty).await)
    );

    let unset = Patch {
        configuration: callbacks(None),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!("status_callbacks_unset", snapshot(&send(&unset).await));

    let two = Patch {
        configuration: callbacks(Some(Nullable::Value(vec![
            callback("https://example.com/post", Some(Method::Post)),
            callback("https://example.com/get?team=a&b=c", Some(Method::Get)),
        ]))),
        ..Default::default()
    };
    insta::assert_yaml_snapshot!(
        "two_status_callbacks_post_and_get",
        snapshot(&send(&two).await)
    );
}

#[tokio::test]
async fn metadata_key_deleted_with_null() {
    let patch = Patch {
        metadata: BTreeMap::from([("legacyTicket".to_owned(), None)]),
        ..Default::default()
    };
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
        let patch = Patch {
            status: Some(status),
            ..Default::default()
        };
        insta::assert_yaml_snapshot!(name, snapshot(&send(&patch).await));
    }
}

#[tokio::test]
async fn unicode_and_reserved_characters_in_strings() {
    let text = "Café ☕ 🚀 a&b=c+d?e#f/g h";
    let patch = Patch {
        name: Some(Nullable::Value(text.to_owned())),
        metadata: BTreeMap::from([(format!("key {text}"), Some(text.parse().unwrap()))]),
        ..Default::default()
    };
    let request = send(&patch).await;
    let body = request.body_json().unwrap();
    assert_eq!(body["name"], text);
    assert_eq!(body["metadata"][format!("key {text}")], text);
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
        let request = send_with(account(), sid, &Patch::default()).await;
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
    let patch = Patch {
        status: Some(Status::Active),
        ..Default::default()
    };
    let with_account = send_with(account(), SID, &patch).await;
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
