//! What the facade promises beyond the generated code: building, regions,
//! schemas, responses. (Redaction and plain-http refusal are in
//! `hostile_input.rs`; errors are in `errors.rs`.)

use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v2::{self, types};
use interlocutor::{BuildError, Open, Response, bird, twilio};

#[test]
fn credentials_of_the_wrong_kind_are_refused() {
    let error = conversations_v2::Client::builder(bird::access_key("abcd").unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(error, BuildError::Credentials(_)));
    assert_eq!(
        error.to_string(),
        "invalid credentials: this API authenticates with HTTP Basic, but the client was given a token"
    );
}

#[test]
fn regional_base_urls() {
    let url = interlocutor::twilio::regional_base_url("sydney", "au1").unwrap();
    assert_eq!(url, "https://conversations.sydney.au1.twilio.com");
    assert!(interlocutor::twilio::regional_base_url("evil.com/", "x").is_err());
}

#[test]
fn request_and_response_types_emit_json_schemas() {
    let patch = serde_json::to_value(schemars::schema_for!(types::ConversationPatch)).unwrap();
    let name = &patch["properties"]["name"];
    // Nullable<String>: a string or null.
    assert_eq!(
        name["type"],
        serde_json::json!(["string", "null"]),
        "{name}"
    );
    // A response type: participants are listed with their own schema, and
    // Twilio requires their ids.
    let conversation = serde_json::to_value(schemars::schema_for!(types::Conversation)).unwrap();
    assert_eq!(
        conversation["properties"]["participants"]["items"]["$ref"],
        "#/definitions/Participant"
    );
    let participant = &conversation["definitions"]["Participant"];
    let required = participant["required"].as_array().unwrap();
    assert!(
        required.contains(&serde_json::json!("accountId")),
        "{participant}"
    );
}

#[tokio::test]
async fn a_response_keeps_the_http_status_beside_a_body_with_its_own_status() {
    let transport = TestTransport::new();
    transport.push(
        ScriptedResponse::json(200, &json!({"id": "conv_1", "status": "CLOSED"}))
            .header("twilio-request-id", "RQ0123456789abcdef0123456789abcdef"),
    );
    let credentials = twilio::account("AC0123456789abcdef0123456789abcdef", "token").unwrap();
    let client = conversations_v2::Client::builder(credentials)
        .transport(transport)
        .build()
        .unwrap();
    let close = types::ConversationPatch::new().status(types::ConversationStatus::Closed);
    let response = client
        .patch_conversation_by_id("conv_1", &close)
        .await
        .unwrap();
    // `.status` is the conversation's; the HTTP status is `Response::status`.
    assert_eq!(
        response.status,
        Some(Open::Known(types::ConversationStatus::Closed))
    );
    assert_eq!(Response::status(&response), 200);
    assert_eq!(
        Response::request_id(&response),
        Some("RQ0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        Response::headers(&response)["content-type"],
        "application/json"
    );
    let conversation: types::Conversation = Response::into_inner(response);
    assert_eq!(conversation.id.as_deref(), Some("conv_1"));
}
