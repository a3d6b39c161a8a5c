//! Snapshots of every request shape of
//! `PATCH /workspaces/{workspaceId}/conversations/{conversationId}`.
//!
//! Each case is recorded in process, sent again to a server on 127.0.0.1 to
//! prove the record is the wire, and pinned as a YAML snapshot.

use interlocutor::ErrorKind;
use interlocutor::bird::conversations::{Client, types};
use interlocutor::serde_json::{Map, Value, json};
use interlocutor::testing::TestTransport;
use interlocutor::uuid::Uuid;
use interlocutor_tests::{
    ACCESS_KEY, BIRD, RecordedRequest, RequestSnapshot, bird_access_key, decoded_segments,
    record_on_both_transports,
};
use types::{
    ConversationAccessibility as Accessibility, ConversationUpdate as Update,
    ConversationUpdateStatus as Status, ConversationVisibility as Visibility,
};

use interlocutor_tests::{BIRD_CONVERSATION as CONVERSATION, BIRD_WORKSPACE as WORKSPACE};

/// Sends `body` with the ids given as `workspace` and `conversation`:
/// strings, `Uuid`s, anything printable.
async fn send_to(
    workspace: impl std::fmt::Display,
    conversation: impl std::fmt::Display,
    body: &Update,
) -> RecordedRequest {
    let example = BIRD.example("200");
    let (workspace, conversation) = (&workspace, &conversation);
    record_on_both_transports(bird_access_key(), &example, async |client: &Client| {
        client
            .update_conversation(workspace, conversation, body)
            .await
            .unwrap();
    })
    .await
}

async fn send(body: &Update) -> RecordedRequest {
    send_to(WORKSPACE, CONVERSATION, body).await
}

fn snapshot(request: &RecordedRequest) -> RequestSnapshot {
    RequestSnapshot::from(request)
}

/// The JSON object `value`, as the `attributes` setter takes it.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("{other} is not a JSON object"),
    }
}

#[tokio::test]
async fn every_field_set() {
    let body = Update::new()
        .name("new name")
        .description("description")
        .status(Status::Active)
        .visibility(Visibility::Private)
        .accessibility(Accessibility::InviteOnly)
        .attributes(object(
            json!({"my-attribute": "123", "nested": {"n": 1, "list": [true]}}),
        ));
    let request = send(&body).await;
    assert_eq!(
        request.header("authorization"),
        Some("AccessKey AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj")
    );
    insta::assert_yaml_snapshot!("every_field_set", snapshot(&request));
}

#[tokio::test]
async fn each_field_alone() {
    let cases = [
        ("only_name", Update::new().name("Re: Your refund request")),
        (
            "only_description",
            Update::new().description("Refund for order 1234"),
        ),
        ("only_status", Update::new().status(Status::Closed)),
        (
            "only_visibility",
            Update::new().visibility(Visibility::Public),
        ),
        (
            "only_accessibility",
            Update::new().accessibility(Accessibility::Open),
        ),
        (
            "only_attributes",
            Update::new().attributes(object(json!({"my-attribute": "123"}))),
        ),
        ("nothing_set", Update::new()),
    ];
    for (name, body) in cases {
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
}

#[tokio::test]
async fn nullable_fields_cleared_next_to_unset() {
    let cases = [
        (
            "name_cleared_with_null",
            Update::new().clear_name().status(Status::Active),
        ),
        ("name_unset", Update::new().status(Status::Active)),
        (
            "description_cleared_with_null",
            Update::new().clear_description().status(Status::Active),
        ),
        ("description_unset", Update::new().status(Status::Active)),
    ];
    for (name, body) in cases {
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
}

#[tokio::test]
async fn every_enum_value() {
    for (status, name) in [
        (Status::Active, "status_active"),
        (Status::Closed, "status_closed"),
    ] {
        let body = Update::new().status(status);
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
    for (visibility, name) in [
        (Visibility::Public, "visibility_public"),
        (Visibility::Private, "visibility_private"),
    ] {
        let body = Update::new().visibility(visibility);
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
    for (accessibility, name) in [
        (Accessibility::Open, "accessibility_open"),
        (Accessibility::InviteOnly, "accessibility_invite_only"),
        (
            Accessibility::RequestToJoin,
            "accessibility_request_to_join",
        ),
    ] {
        let body = Update::new().accessibility(accessibility);
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
}

#[tokio::test]
async fn unicode_and_reserved_characters_in_strings() {
    let text = "Café ☕ 🚀 a&b=c+d?e#f/g h";
    let body = Update::new()
        .name(text)
        .description(format!("«{text}»\n\t\"quoted\""))
        .attributes(object(json!({ text: text })));
    let request = send(&body).await;
    let sent = request.body_json().unwrap();
    assert_eq!(sent["name"], text);
    assert_eq!(sent["attributes"][text], text);
    insta::assert_yaml_snapshot!("unicode_and_reserved_characters", snapshot(&request));
}

#[tokio::test]
async fn path_parameters_are_uuids() {
    // Both path parameters are `format: uuid`. The ids are taken as
    // anything printable and parsed as UUIDs before the request is built,
    // so the path is exactly the two hyphenated UUIDs whether they were
    // given as strings or as `Uuid`s (a string that is not a UUID is
    // refused: see `ids_that_are_not_uuids_are_refused_before_sending`).
    let request = send(&Update::new()).await;
    assert_eq!(
        decoded_segments(&request.path),
        ["workspaces", WORKSPACE, "conversations", CONVERSATION]
    );
    let workspace: Uuid = WORKSPACE.parse().unwrap();
    let conversation: Uuid = CONVERSATION.parse().unwrap();
    let typed = send_to(workspace, conversation, &Update::new()).await;
    assert_eq!(typed.path, request.path);
    insta::assert_yaml_snapshot!(
        "path_with_workspace_and_conversation_uuids",
        snapshot(&request)
    );
}

#[tokio::test]
async fn other_spellings_of_a_uuid_go_out_hyphenated_and_lowercase() {
    let expected = format!("/workspaces/{WORKSPACE}/conversations/{CONVERSATION}");
    for workspace in [
        WORKSPACE.to_uppercase(),
        WORKSPACE.replace('-', ""),
        format!("{{{WORKSPACE}}}"),
        format!("urn:uuid:{WORKSPACE}"),
    ] {
        let request = send_to(&workspace, CONVERSATION, &Update::new()).await;
        assert_eq!(request.path, expected, "{workspace}");
    }
}

#[tokio::test]
async fn ids_that_are_not_uuids_are_refused_before_sending() {
    let transport = TestTransport::new();
    let client: Client = interlocutor_tests::scripted(&transport);
    // Its first segment is a UUID, but not the whole: the rest would leave
    // the segment.
    let with_a_path = format!("{CONVERSATION}/messages");
    for hostile in [
        "a/b c?d",
        "../../admin",
        "",
        "not-a-uuid",
        "conv_1",
        "%2e%2e",
        with_a_path.as_str(),
    ] {
        for (workspace, conversation, parameter) in [
            (hostile, CONVERSATION, "workspaceId"),
            (WORKSPACE, hostile, "conversationId"),
        ] {
            let error = client
                .update_conversation(workspace, conversation, Update::new())
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
            assert_eq!(error.provider(), Some("Bird"));
            assert_eq!(error.status(), None);
            let message = error.message().unwrap();
            assert!(
                message.starts_with(&format!("`{parameter}` is not a valid Uuid: ")),
                "{hostile:?}: {message}"
            );
            assert_eq!(
                error.to_string(),
                format!("invalid request to Bird: {message}")
            );
        }
    }
    assert!(transport.requests().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn credentials_access_key() {
    let body = Update::new().status(Status::Closed);
    let request = send(&body).await;
    assert_eq!(
        request.header("authorization"),
        Some(format!("AccessKey {ACCESS_KEY}").as_str())
    );
    insta::assert_yaml_snapshot!("credentials_access_key", snapshot(&request));
}
