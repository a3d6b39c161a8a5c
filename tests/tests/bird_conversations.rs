//! Bird: `PATCH /workspaces/{workspaceId}/conversations/{conversationId}`, JSON.

use interlocutor::bird::conversations::{Client, types};
use interlocutor::serde_json::json;
use interlocutor::uuid::Uuid;
use interlocutor::{ErrorCode, ErrorKind, Open, Response};
use interlocutor_tests::{BIRD, CaptureServer, Captured, Reply};

const WORKSPACE: &str = "a1405560-c8d3-4b1a-877d-3f449ad95352";
const CONVERSATION: &str = "907798f8-fd72-44d5-8042-fcc05c1bb570";

fn client(server: &CaptureServer) -> Client {
    let credentials = interlocutor::bird::access_key("abcd").unwrap();
    Client::builder(credentials)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

async fn send(body: types::ConversationUpdate) -> Captured {
    let example = BIRD.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    client(&server)
        .update_conversation(WORKSPACE, CONVERSATION, body)
        .await
        .expect("the seed example decodes");
    let request = server.request().await;
    assert_eq!(request.method, "PATCH");
    assert_eq!(
        request.target,
        format!("/workspaces/{WORKSPACE}/conversations/{CONVERSATION}")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("authorization"), Some("AccessKey abcd"));
    assert_eq!(request.header("api-version"), None);
    request
}

#[tokio::test]
async fn every_field_set() {
    let attributes = json!({"my-attribute": "123"}).as_object().unwrap().clone();
    let body = types::ConversationUpdate::new()
        .name("new name")
        .description("description")
        .status(types::ConversationUpdateStatus::Closed)
        .visibility(types::ConversationVisibility::Private)
        .accessibility(types::ConversationAccessibility::RequestToJoin)
        .attributes(attributes);
    assert_eq!(
        send(body).await.body_text(),
        concat!(
            r#"{"accessibility":"request-to-join","attributes":{"my-attribute":"123"},"#,
            r#""description":"description","name":"new name","status":"closed","visibility":"private"}"#
        )
    );
}

#[tokio::test]
async fn nullable_fields_cleared() {
    let body = types::ConversationUpdate::new()
        .clear_name()
        .clear_description();
    assert_eq!(
        send(body).await.body_text(),
        r#"{"description":null,"name":null}"#
    );
    assert_eq!(
        send(types::ConversationUpdate::new()).await.body_text(),
        "{}"
    );
}

#[tokio::test]
async fn seed_response_decodes() {
    let example = BIRD.example("200");
    let server = CaptureServer::start(Reply::json(200, &example)).await;
    let conversation = client(&server)
        .update_conversation(Uuid::nil(), Uuid::nil(), types::ConversationUpdate::new())
        .await
        .unwrap();
    assert_eq!(conversation.id, CONVERSATION.parse::<Uuid>().unwrap());
    assert_eq!(
        conversation.accessibility,
        Open::Known(types::ConversationAccessibility::InviteOnly)
    );
    assert_eq!(conversation.featured_participants.len(), 3);
    assert_eq!(conversation.active_participant_count, 2);
    assert_eq!(conversation.platform_style, "email");
    let last_message = Response::into_inner(conversation).last_message.unwrap();
    assert_eq!(
        last_message.status,
        Some(Open::Known(types::MessagePreviewStatus::Delivered))
    );
    assert_eq!(
        last_message.created_at.unwrap().to_rfc3339(),
        "2024-11-29T13:22:22.875+00:00"
    );
    let recipients = last_message.recipients.unwrap();
    assert_eq!(
        recipients[0]
            .contact_annotation
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("John Doe")
    );
}

#[tokio::test]
async fn documented_errors_decode_into_the_typed_error() {
    for status in ["404", "409", "422"] {
        let example = BIRD.example(status);
        let code: u16 = status.parse().unwrap();
        let server = CaptureServer::start(Reply::json(code, &example)).await;
        let error = client(&server)
            .update_conversation(Uuid::nil(), Uuid::nil(), types::ConversationUpdate::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api, "{error}");
        assert_eq!(error.provider(), Some("Bird"));
        assert_eq!(error.status(), Some(code));
        let expected = example["code"].as_str().unwrap().to_owned();
        assert_eq!(error.code(), Some(&ErrorCode::Text(expected)));
        assert_eq!(error.message(), example["message"].as_str());
        assert!(!error.is_retryable());
    }
    let invalid = BIRD.example("422");
    let server = CaptureServer::start(Reply::json(422, &invalid)).await;
    let error = client(&server)
        .update_conversation(Uuid::nil(), Uuid::nil(), types::ConversationUpdate::new())
        .await
        .unwrap_err();
    assert_eq!(
        error.details().unwrap()["/status"],
        json!(["must be one of active, closed"])
    );
    assert_eq!(
        error.to_string(),
        "Bird error InvalidPayload (HTTP 422): The request body did not pass validation; \
         details: {\"/status\":[\"must be one of active, closed\"]}"
    );

    // Bird's `details` is free-form: any object decodes into the typed
    // error, not only a map of string lists.
    let other = json!({
        "code": "InvalidPayload",
        "message": "The request body did not pass validation",
        "details": {"errors": [{"field": "status", "reason": "enum"}], "count": 1},
    });
    let server = CaptureServer::start(Reply::json(422, &other)).await;
    let error = client(&server)
        .update_conversation(Uuid::nil(), Uuid::nil(), types::ConversationUpdate::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error}");
    assert_eq!(
        error.code(),
        Some(&ErrorCode::Text("InvalidPayload".to_owned()))
    );
    assert_eq!(error.details(), Some(&other["details"]));
}
