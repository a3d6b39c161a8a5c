//! What each client makes of responses: the seed examples decoded into the
//! generated types, every documented error status as the typed error
//! (snapshots), and everything else a server may send: bodies that do not
//! decode, undocumented statuses, redirects, bodies too large or too slow,
//! values the spec does not know yet.

use conversations_v1::types::UpdateUserConversationRequest;
use conversations_v2::types::ConversationPatch;
use interlocutor::bird;
use interlocutor::serde_json::{self, json};
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor::{Error, ErrorCode, ErrorKind, Open};
use interlocutor_tests::*;

/// The error of an empty patch, which the test expects to fail.
async fn patch_error(client: &conversations_v2::Client) -> Error {
    let result = client
        .patch_conversation_by_id("conv_1", ConversationPatch::new())
        .await;
    result.expect_err("the call must fail")
}
use serde::Serialize;

/// Success bodies that do not decode: not JSON at all, JSON cut short or of
/// the wrong shape, and bodies that pass a quick "is it JSON?" scan but fail
/// the real decode in a documented field (an unknown field is skipped,
/// whatever it holds). Each is a clear, final error that keeps the status,
/// the request id and the body, with the decoder's error as its source.
#[tokio::test]
async fn successes_that_do_not_decode_are_clear_errors_that_keep_their_status() {
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not JSON", b"<html>Bad Gateway</html>".to_vec()),
        (
            "truncated JSON",
            br#"{"id": "conv_1", "accountId": "AC1", "configur"#.to_vec(),
        ),
        ("not UTF-8", vec![0xff, 0xfe, 0x7b, 0x00]),
        (
            "invalid UTF-8 in a string",
            b"{\"name\": \"\xff\xfe\"}".to_vec(),
        ),
        ("a lone surrogate", br#"{"name": "\ud800"}"#.to_vec()),
        (
            "a number out of range",
            br#"{"participants": [1e400]}"#.to_vec(),
        ),
        (
            "nesting over 128",
            format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
        ),
        ("the wrong shape", br#"{"id": 5}"#.to_vec()),
    ];
    for (case, body) in bodies {
        let error = v2_error(
            ScriptedResponse::bytes(200, body.clone())
                .header("content-type", "application/json")
                .header("twilio-request-id", "RQ200"),
        )
        .await;
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{case}: {error}");
        assert!(
            error
                .to_string()
                .starts_with("could not read the Twilio response"),
            "{case}: {error}"
        );
        assert!(!error.is_retryable(), "{case}");
        assert_eq!(error.status(), Some(200), "{case}");
        assert_eq!(error.request_id(), Some("RQ200"), "{case}");
        assert_eq!(
            error.raw_body().map(str::as_bytes),
            Some(String::from_utf8_lossy(&body).as_bytes()),
            "{case}"
        );
        assert!(error.message().is_some(), "{case}");
        assert!(std::error::Error::source(&error).is_some(), "{case}");
    }
}

/// Bodies that pass a quick "is it JSON?" scan but fail the real decode.
fn undecodable_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "invalid UTF-8 in a string",
            b"{\"message\": \"\xff\xfe\"}".to_vec(),
        ),
        ("a lone surrogate", br#"{"message": "\ud800"}"#.to_vec()),
        ("a number out of range", br#"{"code": 1e400}"#.to_vec()),
        (
            "nesting over 128",
            format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
        ),
    ]
}

/// Error bodies that are not the provider's error: HTML, empty, cut short,
/// binary, and JSON that passes a quick scan but fails the real decode.
/// Each keeps its status, request id and raw body, and is retried by its
/// status alone.
#[tokio::test]
async fn error_bodies_that_do_not_decode_keep_the_status_and_the_raw_body() {
    let html = v2_error(ScriptedResponse::text(503, "<html>upstream down</html>")).await;
    assert_eq!(html.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(html.status(), Some(503));
    assert_eq!(html.raw_body(), Some("<html>upstream down</html>"));
    assert!(html.is_retryable());
    assert_eq!(
        html.to_string(),
        "unexpected response from Twilio (HTTP 503): <html>upstream down</html>"
    );

    let empty = v2_error(ScriptedResponse::empty(404)).await;
    assert_eq!(empty.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(empty.status(), Some(404));
    assert_eq!(empty.raw_body(), None);
    assert_eq!(
        empty.to_string(),
        "unexpected response from Twilio (HTTP 404) with an empty body"
    );

    let truncated = v2_error(ScriptedResponse::bytes(400, br#"{"code": 2000"#.to_vec())).await;
    assert_eq!(truncated.status(), Some(400));
    assert_eq!(truncated.raw_body(), Some(r#"{"code": 2000"#));

    let binary = v2_error(ScriptedResponse::bytes(500, vec![0xff, 0x00, 0xfe])).await;
    assert_eq!(binary.status(), Some(500));
    assert_eq!(binary.raw_body(), Some("\u{fffd}\u{0}\u{fffd}"));

    for status in [400, 404, 429, 503] {
        for (case, body) in undecodable_bodies() {
            let error = v2_error(
                ScriptedResponse::bytes(status, body.clone())
                    .header("content-type", "application/json")
                    .header("twilio-request-id", "RQ123"),
            )
            .await;
            assert_eq!(error.status(), Some(status), "{status} {case}: {error:?}");
            assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{case}");
            assert_eq!(error.request_id(), Some("RQ123"), "{case}");
            assert_eq!(
                error.raw_body().map(str::as_bytes),
                Some(String::from_utf8_lossy(&body).as_bytes()),
                "{case}"
            );
            assert_eq!(error.is_retryable(), status == 429 || status == 503);
        }
    }
}

/// Bird's `details` is kept and shown, and is free-form: any object
/// decodes into the typed error, not only a map of string lists.
#[tokio::test]
async fn bird_error_details_are_kept_and_free_form() {
    let invalid = BIRD.example("422");
    let error = bird_answer(ScriptedResponse::json(422, &invalid))
        .await
        .unwrap_err();
    assert_eq!(error.provider(), Some("Bird"));
    assert_eq!(
        error.details().unwrap()["/status"],
        json!(["must be one of active, closed"])
    );
    assert_eq!(
        error.to_string(),
        "Bird error InvalidPayload (HTTP 422): The request body did not pass validation; \
         details: {\"/status\":[\"must be one of active, closed\"]}"
    );

    let other = json!({
        "code": "InvalidPayload",
        "message": "The request body did not pass validation",
        "details": {"errors": [{"field": "status", "reason": "enum"}], "count": 1},
    });
    let error = bird_answer(ScriptedResponse::json(422, &other))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error}");
    assert_eq!(
        error.code(),
        Some(&ErrorCode::Text("InvalidPayload".to_owned()))
    );
    assert_eq!(error.details(), Some(&other["details"]));
}

/// What an error snapshot shows: every accessor, and the message.
#[derive(Serialize)]
struct ErrorSnapshot {
    display: String,
    kind: String,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<interlocutor::serde_json::Value>,
    request_id: Option<String>,
    raw_body: Option<String>,
    retryable: bool,
}

fn snapshot(error: &Error) -> ErrorSnapshot {
    ErrorSnapshot {
        display: error.to_string(),
        kind: format!("{:?}", error.kind()),
        status: error.status(),
        code: error.code().map(|c| format!("{c:?}")),
        message: error.message().map(str::to_owned),
        more_info: error.more_info().map(str::to_owned),
        details: error.details().cloned(),
        request_id: error.request_id().map(str::to_owned),
        raw_body: error.raw_body().map(str::to_owned),
        retryable: error.is_retryable(),
    }
}

/// The broken responses every client must turn into a clear error.
fn broken() -> Vec<(&'static str, ScriptedResponse)> {
    vec![
        (
            "undocumented_status_418",
            ScriptedResponse::text(418, "I'm a teapot"),
        ),
        ("empty_body_200", ScriptedResponse::empty(200)),
        ("empty_body_404", ScriptedResponse::empty(404)),
        (
            "not_json_200",
            ScriptedResponse::text(200, "<html><body>Welcome to the proxy</body></html>"),
        ),
        (
            "not_json_502",
            ScriptedResponse::text(502, "<html><body>502 Bad Gateway</body></html>"),
        ),
        (
            "truncated_json_200",
            ScriptedResponse::bytes(
                200,
                &br#"{"id": "907798f8-fd72-44d5-8042-fcc05c1bb570", "na"#[..],
            )
            .header("content-type", "application/json"),
        ),
    ]
}

#[tokio::test]
async fn seed_examples_decode() {
    let conversation = v2_answer(ScriptedResponse::json(200, &TWILIO_V2.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("twilio_v2_seed_example", conversation);
    let user_conversation = v1_answer(ScriptedResponse::json(200, &TWILIO_V1.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("twilio_v1_seed_example", user_conversation);
    let bird_conversation = bird_answer(ScriptedResponse::json(200, &BIRD.example("200")))
        .await
        .unwrap();
    insta::assert_debug_snapshot!("bird_seed_example", bird_conversation);
}

#[tokio::test]
async fn documented_error_statuses() {
    for status in ["400", "404", "429", "500", "503"] {
        let response = ScriptedResponse::json(status.parse().unwrap(), &TWILIO_V2.example(status))
            .header("twilio-request-id", "RQ00000000000000000000000000000001");
        let error = v2_answer(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v2_error_{status}"), snapshot(&error));
    }
    for (status, range) in [
        (400, "4XX"),
        (404, "4XX"),
        (429, "4XX"),
        (500, "5XX"),
        (503, "5XX"),
    ] {
        let mut body = TWILIO_V1.example(range);
        body["status"] = status.into();
        let error = v1_answer(ScriptedResponse::json(status, &body))
            .await
            .unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v1_error_{status}"), snapshot(&error));
    }
    for status in ["404", "409", "422"] {
        let response = ScriptedResponse::json(status.parse().unwrap(), &BIRD.example(status));
        let error = bird_answer(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("bird_error_{status}"), snapshot(&error));
    }
}

#[tokio::test]
async fn broken_responses_are_clear_errors() {
    for (name, response) in broken() {
        let error = v2_answer(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v2_{name}"), snapshot(&error));
    }
    for (name, response) in broken() {
        let error = v1_answer(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("twilio_v1_{name}"), snapshot(&error));
    }
    for (name, response) in broken() {
        let error = bird_answer(response).await.unwrap_err();
        insta::assert_yaml_snapshot!(format!("bird_{name}"), snapshot(&error));
    }
}

/// What the official descriptions add to the seeds: Twilio v2 returns the
/// Conversation's `metadata`; Bird's conversation has a `style`, an open
/// enum like every enum in a response.
#[tokio::test]
async fn metadata_and_style_are_read() {
    let mut conversation = TWILIO_V2.example("200");
    conversation["metadata"] = serde_json::json!({"zendesk_ticket_id": "TKT-456", "tier": "gold"});
    let read = v2_answer(ScriptedResponse::json(200, &conversation))
        .await
        .unwrap();
    let metadata = read.metadata.unwrap();
    assert_eq!(metadata["zendesk_ticket_id"], "TKT-456");
    assert_eq!(metadata.len(), 2);

    use bird::conversations::types::ConversationStyle;
    for (style, expected) in [
        ("directMessage", Some(ConversationStyle::DirectMessage)),
        ("personalInbox", Some(ConversationStyle::PersonalInbox)),
        ("broadcast", None),
    ] {
        let mut conversation = BIRD.example("200");
        conversation["style"] = serde_json::json!(style);
        let read = bird_answer(ScriptedResponse::json(200, &conversation))
            .await
            .unwrap();
        let read = read.style.unwrap();
        assert_eq!(read.known().copied(), expected, "{style}");
        assert_eq!(read.to_string(), style);
    }
}

#[tokio::test]
async fn undocumented_statuses_are_reported_with_the_provider_error_when_present() {
    // 401 is not in the v2 spec, but Twilio sends its error body with it.
    let unauthorized = v2_error(
        ScriptedResponse::json(
            401,
            &json!({"code": 20003, "message": "Authenticate", "status": 401}),
        )
        .header("twilio-request-id", "RQ0123456789abcdef0123456789abcdef"),
    )
    .await;
    assert_eq!(unauthorized.kind(), ErrorKind::Api);
    assert_eq!(unauthorized.status(), Some(401));
    assert_eq!(unauthorized.message(), Some("Authenticate"));
    assert_eq!(
        unauthorized.request_id(),
        Some("RQ0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        unauthorized.to_string(),
        "Twilio error 20003 (HTTP 401): Authenticate [request RQ0123456789abcdef0123456789abcdef]"
    );

    let teapot = v2_error(ScriptedResponse::text(418, "I'm a teapot")).await;
    assert_eq!(teapot.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(teapot.status(), Some(418));
    assert_eq!(teapot.raw_body(), Some("I'm a teapot"));
}

#[tokio::test]
async fn an_undocumented_success_status_keeps_its_body() {
    let error = v2_error(
        ScriptedResponse::json(201, &json!({"id": "conv_1"})).header("twilio-request-id", "RQ201"),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{error:?}");
    assert_eq!(error.status(), Some(201));
    assert_eq!(error.request_id(), Some("RQ201"));
    assert_eq!(error.raw_body(), Some(r#"{"id":"conv_1"}"#));
}

#[tokio::test]
async fn error_responses_keep_the_headers_and_url_the_server_sent() {
    let html = "<html><body>Bad Request</body></html>";
    let mut server = CaptureServer::start_sequence(vec![
        Reply {
            status: 400,
            headers: vec![("content-type".into(), "text/html".into())],
            body: html.as_bytes().to_vec(),
            chunked: false,
            keep_alive: false,
        },
        Reply {
            status: 302,
            headers: vec![("location".into(), "https://example.com/elsewhere".into())],
            body: Vec::new(),
            chunked: false,
            keep_alive: false,
        },
    ])
    .await;
    let client = networked::<conversations_v2::Client>(server.base_url());

    let error = client
        .patch_conversation_by_id("conv_1", conversations_v2::types::ConversationPatch::new())
        .await
        .expect_err("a 400");
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse);
    let headers = error.headers().unwrap();
    assert_eq!(headers["content-type"], "text/html");
    assert_eq!(headers["content-length"], html.len().to_string().as_str());
    assert_eq!(error.raw_body(), Some(html));
    let error = client
        .patch_conversation_by_id("conv_1", conversations_v2::types::ConversationPatch::new())
        .await
        .expect_err("a 302");
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(error.status(), Some(302));
    assert_eq!(
        error.url().unwrap().as_str(),
        format!("{}/v2/Conversations/conv_1", server.base_url())
    );
    assert_eq!(
        error.headers().unwrap()["location"],
        "https://example.com/elsewhere"
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn huge_bodies_are_not_read_into_memory() {
    // Over the limit by content-length, in process.
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::bytes(200, vec![b'x'; 4096]));
    let client = builder::<conversations_v2::Client>()
        .transport(transport)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let error = patch_error(&client).await;
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge, "{error}");
    assert!(error.to_string().contains("1024 bytes"), "{error}");

    // Over the network, through the default 10 MiB limit: announced by
    // content-length, and streamed in chunks with no length announced.
    for chunked in [false, true] {
        let huge = vec![b'x'; interlocutor::DEFAULT_MAX_RESPONSE_BYTES + 1];
        let server = CaptureServer::start(Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: huge,
            chunked,
            keep_alive: false,
        })
        .await;
        let client = networked::<conversations_v2::Client>(server.base_url());
        let error = patch_error(&client).await;
        assert_eq!(
            error.kind(),
            ErrorKind::ResponseTooLarge,
            "chunked: {chunked}: {error}"
        );
        assert_eq!(error.status(), Some(200));
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // Following a 302 would turn the POST into a GET of the same resource
    // and report its 200 as a successful update.
    let mut server = CaptureServer::start_sequence(vec![
        Reply {
            status: 302,
            headers: vec![("location".into(), "/v1/Users/u/Conversations/c".into())],
            body: Vec::new(),
            chunked: false,
            keep_alive: false,
        },
        Reply::json(200, &json!({"account_sid": "AC1"})),
    ])
    .await;
    let client: conversations_v1::Client = networked(server.base_url());
    let error = client
        .update_user_conversation("u", "c", UpdateUserConversationRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(error.status(), Some(302));
    let requests = server.received();
    assert_eq!(requests.len(), 1, "the redirect was followed");
    assert_eq!(requests[0].method, "POST");
}

#[tokio::test]
async fn a_stalled_server_times_out_with_a_transport_error() {
    // Accepts connections, reads nothing, answers nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = builder::<conversations_v2::Client>()
        .base_url(format!("http://{address}"))
        .request_timeout(std::time::Duration::from_millis(20))
        .build()
        .unwrap();
    let error = patch_error(&client).await;
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn new_enum_values_and_extra_fields_still_decode() {
    let mut conversation = TWILIO_V2.example("200");
    conversation["status"] = json!("ARCHIVED");
    conversation["participants"][0]["type"] = json!("BOT");
    conversation["participants"][0]["addresses"][0]["channel"] = json!("CARRIER_PIGEON");
    conversation["brandNewField"] = json!({"anything": [1, 2]});
    let decoded = v2_answer(ScriptedResponse::json(200, &conversation))
        .await
        .unwrap();
    assert_eq!(decoded.status, Some(Open::Unknown("ARCHIVED".to_owned())));
    let participant = &decoded.participants[0];
    assert_eq!(
        participant.type_.as_ref().and_then(Open::unknown),
        Some("BOT")
    );
    assert_eq!(
        participant.addresses[0].channel.unknown(),
        Some("CARRIER_PIGEON")
    );

    let mut bird_conversation = BIRD.example("200");
    bird_conversation["featuredParticipants"][0]["type"] = json!("bot");
    bird_conversation["status"] = json!("archived");
    let decoded = bird_answer(ScriptedResponse::json(200, &bird_conversation))
        .await
        .unwrap();
    assert_eq!(
        decoded.featured_participants[0].type_.unknown(),
        Some("bot")
    );
    assert_eq!(decoded.status.unknown(), Some("archived"));

    let mut user_conversation = TWILIO_V1.example("200");
    user_conversation["notification_level"] = json!("loud");
    let decoded = v1_answer(ScriptedResponse::json(200, &user_conversation))
        .await
        .unwrap();
    assert_eq!(
        decoded.notification_level,
        Some(Open::Unknown("loud".to_owned()))
    );
}
