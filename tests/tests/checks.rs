//! Request checks: every constraint the spec documents is checked before
//! anything is sent (lengths, counts, patterns, formats, map keys), path
//! parameters stay in their segment, and request types read from JSON
//! refuse what they do not know. A refusal names the field at fault.

use conversations_v2::types::{self, ConversationPatch};
use interlocutor::bird::conversations as bird_conversations;
use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v2;
use interlocutor::{Error, ErrorKind, RetryPolicy};
use interlocutor_tests::*;

fn patch() -> ConversationPatch {
    ConversationPatch::new().name("Support")
}

/// Sends `patch` to a transport that answers 200: what the call gave,
/// and the transport, which recorded whatever was sent.
async fn send(patch: ConversationPatch) -> (interlocutor::Result<()>, TestTransport) {
    let transport = answering(ScriptedResponse::json(200, &json!({"id": "conv_1"})));
    let client: conversations_v2::Client = scripted(&transport);
    let result = client.patch_conversation_by_id("conv_1", patch).await;
    (result.map(drop), transport)
}

/// The error of a request the client must refuse without sending it.
async fn refused(patch: ConversationPatch) -> Error {
    let (result, transport) = send(patch).await;
    let error = result.expect_err("the request must be refused");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(error.provider(), Some("Twilio"));
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
    assert!(transport.requests().is_empty(), "{error} was sent");
    error
}

#[tokio::test]
async fn a_path_parameter_too_long_for_a_url_is_refused_before_sending() {
    let sid = "a".repeat(100_000);
    let mut server = CaptureServer::start(Reply::json(200, &TWILIO_V2.example("200"))).await;
    let networked = conversations_v2::Client::builder(twilio_account())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let transport = TestTransport::new();
    let in_process = scripted_with::<conversations_v2::Client>(&transport, RetryPolicy::default());

    for client in [&networked, &in_process] {
        let error = client
            .patch_conversation_by_id(&sid, patch())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        assert!(
            error.to_string().contains("a path parameter is too long"),
            "{error}"
        );
        assert!(
            error.to_string().len() < 300,
            "{} bytes",
            error.to_string().len()
        );
    }
    assert!(transport.requests().is_empty());
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn path_parameters_never_leave_their_segment() {
    let transport = TestTransport::new();
    let client = scripted::<conversations_v2::Client>(&transport);
    for sid in ["back\\slash", "a/../b", "%2e%2e", "...", "q?x=1#f"] {
        transport.push(ScriptedResponse::empty(204));
        let _ = client
            .patch_conversation_by_id(sid, ConversationPatch::new())
            .await;
        let request = transport.last_request().unwrap();
        assert_eq!(
            interlocutor_tests::decoded_segments(&request.path),
            ["v2", "Conversations", sid],
            "{sid:?}"
        );
    }
    // `.` and `..` are removed by every URL parser, even percent-encoded,
    // and an empty value would address the collection: refused, not sent.
    for sid in [".", "..", ""] {
        let sent_before = transport.requests().len();
        let error = client
            .patch_conversation_by_id(sid, ConversationPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{sid:?}: {error}");
        assert!(
            error
                .to_string()
                .starts_with("invalid request to Twilio: `Sid` is "),
            "{error}"
        );
        assert_eq!(error.field(), Some("Sid"));
        assert_eq!(transport.requests().len(), sent_before, "{sid:?} was sent");
    }
}

#[test]
fn request_types_refuse_unknown_fields() {
    use interlocutor::serde_json::from_value;
    for unknown in [
        json!({"nmae": "x"}),
        json!({"configuration": {"status_callbacks": [{"url": "https://example.com"}]}}),
    ] {
        let error = from_value::<ConversationPatch>(unknown.clone()).unwrap_err();
        assert!(
            error.to_string().contains("unknown field"),
            "{unknown}: {error}"
        );
    }
    let known: ConversationPatch = from_value(json!({
        "name": null,
        "configuration": {"statusCallbacks": [{"url": "https://example.com"}]},
    }))
    .unwrap();
    assert!(known.name.is_some_and(|name| name.is_null()));
    assert!(known.configuration.is_some());
    let update = from_value::<bird_conversations::types::ConversationUpdate>(
        json!({"name": "x", "visibilty": "private"}),
    );
    let error = update.unwrap_err();
    assert!(
        error.to_string().contains("unknown field `visibilty`"),
        "{error}"
    );
    // Responses stay liberal: a field added tomorrow is not an error.
    let conversation: conversations_v2::types::Conversation =
        from_value(json!({"id": "conv_1", "addedTomorrow": true})).unwrap();
    assert_eq!(conversation.id.as_deref(), Some("conv_1"));
}

#[tokio::test]
async fn metadata_keys_are_checked_before_sending() {
    let transport = TestTransport::new();
    let client = scripted_with::<conversations_v2::Client>(&transport, RetryPolicy::disabled());
    let long = "k".repeat(129);
    for (key, problem) in [
        (long.as_str(), "which is longer than 128 characters (129)"),
        (
            "tier level",
            "which does not match the pattern `^[A-Za-z0-9._-]+$`",
        ),
        ("", "which does not match the pattern `^[A-Za-z0-9._-]+$`"),
    ] {
        let patch = ConversationPatch::new().set_metadata(key, "gold");
        let error = client
            .patch_conversation_by_id("conv_1", patch)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        assert_eq!(error.field(), Some("metadata"), "{error}");
        assert!(error.to_string().ends_with(problem), "{error}");
    }
    // 128 characters of the allowed kinds, and a deletion, are fine.
    transport.push(ScriptedResponse::json(200, &TWILIO_V2.example("200")));
    let fine = ConversationPatch::new()
        .set_metadata("k".repeat(128), "gold")
        .remove_metadata("legacy.ticket_id-2");
    client
        .patch_conversation_by_id("conv_1", fine)
        .await
        .unwrap();
    assert_eq!(transport.requests().len(), 1);
}

/// The limit is checked when the call is made: 512 characters (here 1024
/// bytes) are sent, 513 are refused before anything goes on the wire.
#[tokio::test]
async fn metadata_values_are_limited_to_512_characters() {
    let longest = "é".repeat(512);
    let patch = types::ConversationPatch::new().set_metadata("tier", longest.as_str());
    let example = TWILIO_V2.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    let client: conversations_v2::Client = networked(server.base_url());
    client.patch_conversation_by_id("sid", patch).await.unwrap();
    assert_eq!(
        server.request().await.body_text(),
        format!(r#"{{"metadata":{{"tier":"{longest}"}}}}"#)
    );

    let too_long = types::ConversationPatch::new().set_metadata("tier", "a".repeat(513));
    let error = client
        .patch_conversation_by_id("sid", too_long)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(
        error.message(),
        Some("`metadata.tier` is longer than 512 characters (513)")
    );
    assert_eq!(
        error.to_string(),
        "invalid request to Twilio: `metadata.tier` is longer than 512 characters (513)"
    );
    assert_eq!(error.status(), None);
    assert!(server.received().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn nine_metadata_entries_are_refused() {
    let nine = (0..9).fold(types::ConversationPatch::new(), |patch, i| {
        patch.set_metadata(format!("key{i}"), "value")
    });
    let error = refused(nine.clone()).await;
    assert_eq!(
        error.message(),
        Some("`metadata` sets 9 entries; at most 8 are allowed")
    );
    // A deletion sets nothing: eight set and one removed are sent.
    let (result, transport) = send(nine.remove_metadata("key8")).await;
    result.unwrap();
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn twenty_one_status_callbacks_are_refused() {
    let callbacks = |count: usize| {
        let callback = types::StatusCallbackConfig::new("https://example.com/events");
        types::ConversationPatch::new().configuration(
            types::ConversationConfigurationPatch::new().status_callbacks(vec![callback; count]),
        )
    };
    let error = refused(callbacks(21)).await;
    assert_eq!(
        error.message(),
        Some("`configuration.statusCallbacks` has 21 items; at most 20 are allowed")
    );
    let (result, transport) = send(callbacks(20)).await;
    result.unwrap();
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn a_status_callback_url_that_is_not_a_uri_is_refused() {
    let callbacks = vec![types::StatusCallbackConfig::new("not a url")];
    let patch = types::ConversationPatch::new()
        .configuration(types::ConversationConfigurationPatch::new().status_callbacks(callbacks));
    let error = refused(patch).await;
    assert_eq!(error.field(), Some("configuration.statusCallbacks[0].url"));
    assert!(
        error
            .to_string()
            .contains("is not an absolute URI (`format: uri`)"),
        "{error}"
    );
}
