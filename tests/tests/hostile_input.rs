//! Bad and hostile input: garbage responses, unknown enum values, bad
//! credentials, and secrets that must never be printed.

use interlocutor::bird::conversations::types::ConversationUpdate;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v1::types::UpdateUserConversationRequest;
use interlocutor::twilio::conversations_v2::types::ConversationPatch;
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor::{
    BuildError, ClientBuilder, Error, ErrorKind, Open, Response, RetryPolicy, bird, twilio,
};
use interlocutor_tests::{BIRD, CaptureServer, Reply, TWILIO_V1, TWILIO_V2};
use serde_json::json;
use uuid::Uuid;

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "c0ffeec0ffeec0ffeec0ffeec0ffee00";
const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const API_KEY_SECRET: &str = "v3ry-s3cret-api-key";
const BIRD_KEY: &str = "bird-access-key-0123456789";

fn v2_builder() -> ClientBuilder<conversations_v2::Client> {
    conversations_v2::Client::builder(twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap())
}

fn v2(transport: &TestTransport) -> conversations_v2::Client {
    v2_builder()
        .transport(transport.clone())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// The error of an empty patch, which the test expects to fail.
async fn patch_error(client: &conversations_v2::Client) -> Error {
    let result = client
        .patch_conversation_by_id("conv_1", ConversationPatch::new())
        .await;
    result.expect_err("the call must fail")
}

/// The error a v2 call gives for one scripted response.
async fn v2_error(response: ScriptedResponse) -> Error {
    let transport = TestTransport::new();
    transport.push(response);
    patch_error(&v2(&transport)).await
}

#[tokio::test]
async fn garbage_success_bodies_are_clear_errors() {
    let cases: [(&str, Vec<u8>); 5] = [
        ("empty", Vec::new()),
        ("not JSON", b"<html>Bad Gateway</html>".to_vec()),
        (
            "truncated JSON",
            br#"{"id": "conv_1", "accountId": "AC1", "configur"#.to_vec(),
        ),
        ("not UTF-8", vec![0xff, 0xfe, 0x7b, 0x00]),
        ("wrong shape", br#"{"id": 7}"#.to_vec()),
    ];
    for (what, body) in cases {
        let error = v2_error(ScriptedResponse::bytes(200, body)).await;
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{what}: {error}");
        assert!(
            error
                .to_string()
                .starts_with("could not read the Twilio response"),
            "{what}: {error}"
        );
        assert!(!error.is_retryable());
    }
}

#[tokio::test]
async fn garbage_error_bodies_keep_the_status_and_the_raw_body() {
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
async fn huge_bodies_are_not_read_into_memory() {
    // Over the limit by content-length, in process.
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::bytes(200, vec![b'x'; 4096]));
    let client = v2_builder()
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
        })
        .await;
        let client = v2_builder().base_url(server.base_url()).build().unwrap();
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
        },
        Reply::json(200, &json!({"account_sid": "AC1"})),
    ])
    .await;
    let client =
        conversations_v1::Client::builder(twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap())
            .base_url(server.base_url())
            .build()
            .unwrap();
    let error = client
        .update_user_conversation("u", "c", UpdateUserConversationRequest::new())
        .await
        .unwrap_err();
    let error = error;
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
    let client = v2_builder()
        .base_url(format!("http://{address}"))
        .request_timeout(std::time::Duration::from_millis(200))
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
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(200, &conversation));
    let decoded = Response::into_inner(
        v2(&transport)
            .patch_conversation_by_id("conv_1", ConversationPatch::new())
            .await
            .unwrap(),
    );
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
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(200, &bird_conversation));
    let client = bird::conversations::Client::builder(bird::access_key(BIRD_KEY).unwrap())
        .transport(transport)
        .build()
        .unwrap();
    let decoded = Response::into_inner(
        client
            .update_conversation(Uuid::nil(), Uuid::nil(), ConversationUpdate::new())
            .await
            .unwrap(),
    );
    assert_eq!(
        decoded.featured_participants[0].type_.unknown(),
        Some("bot")
    );
    assert_eq!(decoded.status.unknown(), Some("archived"));

    let mut user_conversation = TWILIO_V1.example("200");
    user_conversation["notification_level"] = json!("loud");
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(200, &user_conversation));
    let client =
        conversations_v1::Client::builder(twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap())
            .transport(transport)
            .build()
            .unwrap();
    let decoded = Response::into_inner(
        client
            .update_user_conversation("u", "c", UpdateUserConversationRequest::new())
            .await
            .unwrap(),
    );
    assert_eq!(
        decoded.notification_level,
        Some(Open::Unknown("loud".to_owned()))
    );
}

#[test]
fn credentials_with_control_characters_are_refused_by_name() {
    type Make = fn(&str) -> Result<interlocutor::Credentials, interlocutor::CredentialError>;
    let auth_token: Make = |value| twilio::account(ACCOUNT_SID, value);
    let api_secret: Make = |value| twilio::api_key(API_KEY_SID, value);
    let access_key: Make = |value| bird::access_key(value);
    let cases = [
        (
            auth_token,
            "tok3n\r\nX-Admin: 1",
            "the Auth Token contains a line break",
        ),
        (
            api_secret,
            "s3cret\n",
            "the API Key secret contains a line break",
        ),
        (
            api_secret,
            "s3c\u{0}ret",
            "the API Key secret contains a control or non-ASCII character",
        ),
        (
            auth_token,
            "tok3n tok3n",
            "the Auth Token contains white space",
        ),
        (
            access_key,
            "k3y\r\nX-Admin: 1",
            "the access key contains a line break",
        ),
        (
            access_key,
            "k3y\u{200b}",
            "the access key contains a control or non-ASCII character",
        ),
    ];
    for (make, value, message) in cases {
        let error = make(value).expect_err(message);
        assert_eq!(error.to_string(), message);
        // Named, never quoted: not even the visible part of the value.
        let visible = value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap();
        assert!(!error.to_string().contains(visible), "{error}");
        assert!(!format!("{error:?}").contains(visible), "{error:?}");
    }
}

#[test]
fn plain_http_needs_loopback_or_an_explicit_opt_in() {
    let credentials = || bird::access_key(BIRD_KEY).unwrap();
    let refused = ClientBuilder::<bird::conversations::Client>::new(credentials())
        .base_url("http://proxy.internal:8080")
        .build()
        .unwrap_err();
    assert!(matches!(refused, BuildError::InvalidBaseUrl { .. }));
    assert!(refused.to_string().contains("clear text"), "{refused}");
    for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
        assert!(
            ClientBuilder::<bird::conversations::Client>::new(credentials())
                .base_url(loopback)
                .build()
                .is_ok(),
            "{loopback}"
        );
    }
    assert!(
        ClientBuilder::<bird::conversations::Client>::new(credentials())
            .base_url("http://proxy.internal:8080")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn no_public_type_prints_a_secret() {
    let secrets = [AUTH_TOKEN, API_KEY_SECRET, BIRD_KEY];
    let mut printed: Vec<String> = Vec::new();
    let mut show = |text: String| printed.push(text);

    let account = twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    let api_key = twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap();
    let access_key = bird::access_key(BIRD_KEY).unwrap();
    for credentials in [&account, &api_key, &access_key] {
        show(format!("{credentials:?}"));
        show(format!("{credentials:#?}"));
    }

    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(
        401,
        &json!({"code": 20003, "message": "Authenticate"}),
    ));
    let v2_builder =
        conversations_v2::Client::builder(api_key.clone()).transport(transport.clone());
    show(format!("{v2_builder:?}"));
    let v2_client = v2_builder.build().unwrap();
    show(format!("{v2_client:?}"));
    show(format!("{v2_client:#?}"));
    let v1_client = conversations_v1::Client::builder(account.clone())
        .build()
        .unwrap();
    show(format!("{v1_client:?}"));
    let bird_client = bird::conversations::Client::builder(access_key.clone())
        .build()
        .unwrap();
    show(format!("{bird_client:?}"));

    let error = v2_client
        .patch_conversation_by_id("conv_1", ConversationPatch::new())
        .await
        .unwrap_err();
    show(format!("{error:?}"));
    show(format!("{error}"));
    let error = error;
    show(format!("{error:?}"));
    show(format!("{error:#?}"));
    show(format!("{error}"));

    for request in transport.requests() {
        show(format!("{request:?}"));
        show(format!("{request:#?}"));
    }
    show(format!("{transport:?}"));

    let wrong_kind = conversations_v2::Client::builder(access_key)
        .build()
        .unwrap_err();
    show(format!("{wrong_kind:?}"));
    show(format!("{wrong_kind}"));
    let wrong_kind = Error::from(wrong_kind);
    show(format!("{wrong_kind:?}"));
    show(format!("{wrong_kind:#?}"));
    show(format!("{wrong_kind}"));
    // A refused secret is named, never shown, once it is an `Error` too.
    let refused = Error::from(twilio::account(ACCOUNT_SID, format!("{AUTH_TOKEN}\n")).unwrap_err());
    show(format!("{refused:?}"));
    show(format!("{refused:#?}"));
    show(format!("{refused}"));
    let in_url_builder = conversations_v2::Client::builder(account).base_url(format!(
        "https://{ACCOUNT_SID}:{AUTH_TOKEN}@conversations.twilio.com"
    ));
    show(format!("{in_url_builder:?}"));
    let in_url = in_url_builder.build().unwrap_err();
    show(format!("{in_url:?}"));
    show(format!("{in_url}"));
    let in_url = Error::from(in_url);
    show(format!("{in_url:?}"));
    show(format!("{in_url:#?}"));
    show(format!("{in_url}"));

    // The encoded forms of the secrets must not leak either.
    let encoded: Vec<String> = [(ACCOUNT_SID, AUTH_TOKEN), (API_KEY_SID, API_KEY_SECRET)]
        .iter()
        .map(|(user, password)| {
            interlocutor_tests::basic_authorization(user, password)[6..].to_owned()
        })
        .collect();
    for text in &printed {
        for secret in secrets
            .iter()
            .copied()
            .chain(encoded.iter().map(String::as_str))
        {
            assert!(!text.contains(secret), "a secret leaked into: {text}");
        }
    }
    assert!(printed.iter().any(|t| t.contains("Basic [redacted]")));
}

#[tokio::test]
async fn path_parameters_never_leave_their_segment() {
    let transport = TestTransport::new();
    let client = v2(&transport);
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
