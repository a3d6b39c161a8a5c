//! Snapshots of every request shape of
//! `PATCH /workspaces/{workspaceId}/conversations/{conversationId}`.
//!
//! Each case is recorded in process, sent again to a server on 127.0.0.1 to
//! prove the record is the wire, and pinned as a YAML snapshot.

use interlocutor::Nullable;
use interlocutor::bird::conversations::{Client, types};
use interlocutor_tests::{
    BIRD, RecordedRequest, RequestSnapshot, decoded_segments, record_on_both_transports,
};
use serde_json::json;
use types::{
    ConversationAccessibility as Accessibility, ConversationUpdate as Update,
    ConversationUpdateStatus as Status, ConversationVisibility as Visibility,
};
use uuid::Uuid;

const ACCESS_KEY: &str = "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj";
const WORKSPACE: &str = "b4e02c85-c6d2-4b15-8885-e09671799c61";
const CONVERSATION: &str = "67e4d358-ca94-421e-98b7-448860df9d33";

async fn send(body: &Update) -> RecordedRequest {
    let example = BIRD.example("200");
    let workspace: Uuid = WORKSPACE.parse().unwrap();
    let conversation: Uuid = CONVERSATION.parse().unwrap();
    let credentials = interlocutor::bird::access_key(ACCESS_KEY).unwrap();
    record_on_both_transports(credentials, &example, async |client: &Client| {
        client
            .update_conversation(&workspace, &conversation, body)
            .await
            .unwrap();
    })
    .await
}

fn snapshot(request: &RecordedRequest) -> RequestSnapshot {
    RequestSnapshot::from(request)
}

fn attributes(value: serde_json::Value) -> Option<types::ConversationAttributes> {
    Some(types::ConversationAttributes(
        value.as_object().unwrap().clone(),
    ))
}

#[tokio::test]
async fn every_field_set() {
    let body = Update {
        name: Some(Nullable::Value("new name".to_owned())),
        description: Some(Nullable::Value("description".to_owned())),
        status: Some(Status::Active),
        visibility: Some(Visibility::Private),
        accessibility: Some(Accessibility::InviteOnly),
        attributes: attributes(json!({"my-attribute": "123", "nested": {"n": 1, "list": [true]}})),
    };
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
        (
            "only_name",
            Update {
                name: Some(Nullable::Value("Re: Your refund request".to_owned())),
                ..Default::default()
            },
        ),
        (
            "only_description",
            Update {
                description: Some(Nullable::Value("Refund for order 1234".to_owned())),
                ..Default::default()
            },
        ),
        (
            "only_status",
            Update {
                status: Some(Status::Closed),
                ..Default::default()
            },
        ),
        (
            "only_visibility",
            Update {
                visibility: Some(Visibility::Public),
                ..Default::default()
            },
        ),
        (
            "only_accessibility",
            Update {
                accessibility: Some(Accessibility::Open),
                ..Default::default()
            },
        ),
        (
            "only_attributes",
            Update {
                attributes: attributes(json!({"my-attribute": "123"})),
                ..Default::default()
            },
        ),
        ("nothing_set", Update::default()),
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
            Update {
                name: Some(Nullable::Null),
                status: Some(Status::Active),
                ..Default::default()
            },
        ),
        (
            "name_unset",
            Update {
                status: Some(Status::Active),
                ..Default::default()
            },
        ),
        (
            "description_cleared_with_null",
            Update {
                description: Some(Nullable::Null),
                status: Some(Status::Active),
                ..Default::default()
            },
        ),
        (
            "description_unset",
            Update {
                status: Some(Status::Active),
                ..Default::default()
            },
        ),
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
        let body = Update {
            status: Some(status),
            ..Default::default()
        };
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
    for (visibility, name) in [
        (Visibility::Public, "visibility_public"),
        (Visibility::Private, "visibility_private"),
    ] {
        let body = Update {
            visibility: Some(visibility),
            ..Default::default()
        };
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
        let body = Update {
            accessibility: Some(accessibility),
            ..Default::default()
        };
        insta::assert_yaml_snapshot!(name, snapshot(&send(&body).await));
    }
}

#[tokio::test]
async fn unicode_and_reserved_characters_in_strings() {
    let text = "Café ☕ 🚀 a&b=c+d?e#f/g h";
    let body = Update {
        name: Some(Nullable::Value(text.to_owned())),
        description: Some(Nullable::Value(format!("«{text}»\n\t\"quoted\""))),
        attributes: attributes(json!({ text: text })),
        ..Default::default()
    };
    let request = send(&body).await;
    let sent = request.body_json().unwrap();
    assert_eq!(sent["name"], text);
    assert_eq!(sent["attributes"][text], text);
    insta::assert_yaml_snapshot!("unicode_and_reserved_characters", snapshot(&request));
}

#[tokio::test]
async fn path_parameters_are_uuids() {
    // Both path parameters are `format: uuid`, so they are typed `Uuid`: a
    // hostile string cannot be passed at all, and the path is exactly the
    // two hyphenated UUIDs.
    let request = send(&Update::default()).await;
    assert_eq!(
        decoded_segments(&request.path),
        ["workspaces", WORKSPACE, "conversations", CONVERSATION]
    );
    insta::assert_yaml_snapshot!(
        "path_with_workspace_and_conversation_uuids",
        snapshot(&request)
    );
}

#[tokio::test]
async fn credentials_access_key() {
    let body = Update {
        status: Some(Status::Closed),
        ..Default::default()
    };
    let request = send(&body).await;
    assert_eq!(
        request.header("authorization"),
        Some(format!("AccessKey {ACCESS_KEY}").as_str())
    );
    insta::assert_yaml_snapshot!("credentials_access_key", snapshot(&request));
}
