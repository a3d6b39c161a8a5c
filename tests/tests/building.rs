//! Building a client: regions and base URLs, the test transport's rules,
//! the JSON schemas of the types, and what a response carries beside its
//! body.

use conversations_v2::types::{self};
use interlocutor::serde_json::{self, json};
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{self, conversations_v2};
use interlocutor::{Error, ErrorKind, Open, Response};
use interlocutor_tests::*;

#[test]
fn regional_base_urls() {
    let url = interlocutor::twilio::regional_base_url("sydney", "au1").unwrap();
    assert_eq!(url, "https://conversations.sydney.au1.twilio.com");
    assert!(interlocutor::twilio::regional_base_url("evil.com/", "x").is_err());
}

#[test]
fn a_base_url_that_repeats_the_apis_path_is_refused() {
    for base_url in [
        "https://conversations.twilio.com/v2",
        "https://conversations.twilio.com/v2/",
    ] {
        let error = conversations_v2::Client::builder(twilio::account(ACCOUNT_SID, "t").unwrap())
            .base_url(base_url)
            .build()
            .unwrap_err();
        let error = Error::from(error);
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(
            error
                .to_string()
                .contains("already ends with the path segment"),
            "{error}"
        );
    }
    // A proxy whose own path stem is something else is fine.
    conversations_v2::Client::builder(twilio::account(ACCOUNT_SID, "t").unwrap())
        .base_url("https://proxy.example.com/twilio")
        .build()
        .unwrap();
}

#[test]
fn a_test_transport_refuses_a_custom_http_client_it_could_not_record() {
    let mut headers = interlocutor::http::reqwest::header::HeaderMap::new();
    headers.insert("x-team", "billing".parse().unwrap());
    let http = interlocutor::http::client_builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let error = conversations_v2::Client::builder(twilio_account())
        .http_client(http)
        .transport(TestTransport::new())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("cannot be combined"), "{error}");
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
