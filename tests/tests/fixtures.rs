//! The fixture specs of `tests/fixture-specs/`, generated into
//! `tests/fixtures/` by `cargo xtask generate`: constructs the real specs do
//! not use, called through the in-process `TestTransport`.

use std::fmt::Write as _;

use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::{Credentials, ErrorCode, ErrorKind};

/// Twilio's published Conversations v1 description needs more than the
/// seeds: an array in a form body goes out as repeated keys
/// (`Configuration.Filters=a&Configuration.Filters=b`, as Twilio's own
/// libraries send it), and `format: uri-map` reads as a map of names to
/// URIs. A path parameter's length and pattern are checked before sending.
#[tokio::test]
async fn form_arrays_go_out_as_repeated_keys_and_uri_maps_read_as_maps() {
    use interlocutor_fixture_form_arrays::{Client, types};
    let mut out = String::new();
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(
        201,
        &json!({
            "sid": "WH0123",
            "target": "webhook",
            "links": {"conversation": "https://conversations.twilio.com/v1/Conversations/CH0123"},
        }),
    ));
    let credentials = Credentials::basic("user", "secret", "user", "secret").unwrap();
    let client = Client::builder(credentials)
        .transport(transport.clone())
        .build()
        .unwrap();
    let body = types::CreateConversationScopedWebhookRequest::new(
        types::CreateConversationScopedWebhookRequestTarget::Webhook,
    )
    .configuration_url("https://example.com/hook?a=1&b=2")
    .configuration_method(types::CreateConversationScopedWebhookRequestConfigurationMethod::Post)
    .configuration_filters(vec![
        "onMessageAdded".to_owned(),
        "onParticipant Added&Removed".to_owned(),
    ])
    .configuration_triggers(vec!["keyword".to_owned()])
    .clear_configuration_replay_after();
    let webhook = client
        .create_conversation_scoped_webhook("CH0123456789abcdef0123456789abcdef", body)
        .await
        .unwrap();
    let request = &transport.requests()[0];
    writeln!(out, "{} {}", request.method, request.path).unwrap();
    writeln!(out, "content-type: {}", request.content_type().unwrap()).unwrap();
    for pair in request.body_text().unwrap().split('&') {
        writeln!(out, "  {pair}").unwrap();
    }
    writeln!(out, "links: {:?}", webhook.links).unwrap();

    // Too short, then the right length but not the pattern.
    let not_hex = format!("CH{}", "z".repeat(32));
    for sid in ["CHnot-a-sid", not_hex.as_str()] {
        let refused = client
            .create_conversation_scoped_webhook(
                sid,
                types::CreateConversationScopedWebhookRequest::new(
                    types::CreateConversationScopedWebhookRequestTarget::Webhook,
                ),
            )
            .await
            .unwrap_err();
        writeln!(out, "refused: {refused}").unwrap();
    }
    writeln!(out, "requests sent: {}", transport.requests().len()).unwrap();
    insta::assert_snapshot!(out);
}

/// A spec without `components.schemas`, with constrained query and header
/// parameters, an inline `oneOf` body (its alternatives carry no
/// constraints, so there is nothing to check or drop) and no documented
/// error body.
#[tokio::test]
async fn query_and_header_parameters_are_checked_and_sent() {
    use interlocutor_fixture_parameters::{Client, types};
    let mut out = String::new();
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::text(204, ""));
    transport.push(ScriptedResponse::json(404, &json!({"message": "gone"})));
    let credentials = Credentials::token("key", "access key").unwrap();
    let client = Client::builder(credentials)
        .transport(transport.clone())
        .build()
        .unwrap();

    // An API without an error body still returns the one error.
    client
        .put_thing(
            "TH1",
            Some(50),
            "a b&c",
            Some(types::PutThingMode::Fast),
            Some("tag"),
            types::PutThingBody::Name("x".into()),
        )
        .await
        .unwrap();
    let request = &transport.requests()[0];
    let query = request.query.as_deref().unwrap_or_default();
    writeln!(out, "{} {}?{query}", request.method, request.path).unwrap();
    writeln!(out, "x-tag: {}", request.header("x-tag").unwrap()).unwrap();
    writeln!(out, "body: {}", request.body_text().unwrap()).unwrap();

    // No documented error body: the 404 is kept raw.
    let error = client
        .put_thing("TH1", None, "x", None, None, types::PutThingBody::Size(3))
        .await
        .unwrap_err();
    writeln!(
        out,
        "404: {:?} not found={} raw={:?}",
        error.kind(),
        error.is_not_found(),
        error.raw_body()
    )
    .unwrap();

    // Query and header constraints are checked before anything is sent.
    for (page_size, label, tag) in [
        (Some(51), "x", None),
        (None, "sixsix", None),
        (None, "x", Some("UPPER")),
    ] {
        let refused = client
            .put_thing(
                "TH1",
                page_size,
                label,
                None,
                tag,
                types::PutThingBody::Size(1),
            )
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidRequest);
        writeln!(out, "refused `{}`: {refused}", refused.field().unwrap()).unwrap();
    }
    writeln!(out, "requests sent: {}", transport.requests().len()).unwrap();
    insta::assert_snapshot!(out);
}

/// An API whose spec has no `x-interlocutor` block: its provider's name
/// comes from the file name (`acme-tickets`), its error body from the
/// error schema. (`xtask/tests/fourth_api.rs` adds the same spec to the
/// facade as a fourth API.)
#[tokio::test]
async fn an_api_named_by_its_file_reads_its_error_schema() {
    use interlocutor_acme_tickets::{Client, types};
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(
        404,
        &json!({"code": "TicketNotFound", "message": "No such ticket"}),
    ));
    let credentials = Credentials::token("t0ken", "token").unwrap();
    let client = Client::builder(credentials)
        .transport(transport.clone())
        .build()
        .unwrap();
    let patch = types::TicketPatch::new()
        .title("Printer on fire")
        .labels(vec![]);
    let error = client.update_ticket("T-1", patch).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Acme error TicketNotFound (HTTP 404): No such ticket"
    );
    assert_eq!(
        error.code(),
        Some(&ErrorCode::Text("TicketNotFound".to_owned()))
    );
    assert_eq!(
        transport.requests()[0].body_text().unwrap(),
        r#"{"labels":[],"title":"Printer on fire"}"#
    );
}
