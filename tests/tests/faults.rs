//! Faults a hostile review found, one test each; every one of them failed
//! before its fix. (The proxy rule is in `proxy.rs`, whose client runs in a
//! child process with the proxy variables set.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use interlocutor::bird::conversations as bird_conversations;
use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{self, conversations_v2};
use interlocutor::{Error, ErrorKind, RetryPolicy};
use interlocutor_tests::{CaptureServer, Reply, TWILIO_V2, refused_base_url};

use conversations_v2::types::ConversationPatch;

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "s3cr3t-auth-token";

fn credentials() -> interlocutor::Credentials {
    twilio::account(ACCOUNT_SID, TOKEN).unwrap()
}

fn v2(transport: &TestTransport, policy: RetryPolicy) -> conversations_v2::Client {
    conversations_v2::Client::builder(credentials())
        .transport(transport.clone())
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn patch() -> ConversationPatch {
    ConversationPatch::new().name("Support")
}

// 1. The retry budget bounds every call, and a zero wait is no hot loop.

/// A server that answers 429 after 100 ms, forever, with `retry_after`.
/// The error one update gets when the server answers once with `response`.
async fn failure_for(response: ScriptedResponse) -> Error {
    let transport = TestTransport::new();
    transport.push(response);
    let client = v2(&transport, RetryPolicy::disabled());
    client
        .patch_conversation_by_id("conv_1", patch())
        .await
        .unwrap_err()
}

fn slow_rate_limits(retry_after: Option<&str>) -> TestTransport {
    let transport = TestTransport::new();
    for _ in 0..40 {
        let mut response = ScriptedResponse::json(429, &TWILIO_V2.example("429"))
            .delayed(Duration::from_millis(100));
        if let Some(value) = retry_after {
            response = response.header("retry-after", value);
        }
        transport.push(response);
    }
    transport
}

#[tokio::test(start_paused = true)]
async fn a_zero_wait_does_not_escape_the_budget() {
    let past = httpdate::fmt_http_date(std::time::SystemTime::UNIX_EPOCH);
    let cases: [(&str, Option<&str>, RetryPolicy); 4] = [
        ("Retry-After: 0", Some("0"), RetryPolicy::default()),
        (
            "Retry-After in the past",
            Some(&past),
            RetryPolicy::default(),
        ),
        (
            "base_delay(ZERO)",
            None,
            RetryPolicy::default().base_delay(Duration::ZERO),
        ),
        (
            "max_delay(ZERO)",
            None,
            RetryPolicy::default().max_delay(Duration::ZERO),
        ),
    ];
    for (case, retry_after, policy) in cases {
        let transport = slow_rate_limits(retry_after);
        let client = v2(
            &transport,
            policy.max_attempts(40).budget(Duration::from_millis(500)),
        );
        // Paused clock: it moves by the server's 100 ms and the client's
        // waits only, so the count below is exact.
        let started = tokio::time::Instant::now();
        let error = client.patch_conversation_by_id("conv_1", patch()).await;
        let elapsed = started.elapsed();
        assert_eq!(error.unwrap_err().status(), Some(429), "{case}");
        // 100 ms per attempt and at least 10 ms between: the fifth attempt
        // starts at 440 ms; a sixth would start past the 500 ms budget.
        assert_eq!(transport.requests().len(), 5, "{case}");
        assert!(
            elapsed <= Duration::from_millis(500 + 100),
            "{case}: {elapsed:?} is more than the budget plus one attempt"
        );
    }
}

#[tokio::test]
async fn refused_connections_with_no_backoff_are_bounded_by_the_budget() {
    let retries = Arc::new(Mutex::new(0_u32));
    let counter = Arc::clone(&retries);
    let client = conversations_v2::Client::builder(credentials())
        .base_url(refused_base_url())
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::ZERO)
                .max_attempts(100_000)
                .budget(Duration::from_millis(300)),
        )
        .on_retry(move |_| *counter.lock().unwrap() += 1)
        .build()
        .unwrap();
    let error = client
        .patch_conversation_by_id("conv_1", patch())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    // Each retry waits at least 10 ms, so a 300 ms budget allows at most 30
    // (before the fix: thousands).
    let retries = *retries.lock().unwrap();
    assert!((1..=30).contains(&retries), "{retries} retries");
}

// 2. A secret in a base URL without a scheme is never echoed.

#[test]
fn a_base_url_without_a_scheme_does_not_echo_its_secret() {
    let builder = conversations_v2::Client::builder(credentials())
        .base_url(format!("{ACCOUNT_SID}:{TOKEN}@conversations.twilio.com"));
    let debug = format!("{builder:?}");
    let error = builder.build().unwrap_err();
    for text in [
        debug,
        error.to_string(),
        format!("{error:?}"),
        format!("{:?}", Error::from(error)),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

// 3. Every error that came from a response keeps its status, headers,
//    request id and raw body.

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

#[tokio::test]
async fn error_responses_with_undecodable_bodies_keep_their_status() {
    for status in [400, 404, 429, 503] {
        for (case, body) in undecodable_bodies() {
            let error = failure_for(
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

#[tokio::test]
async fn successes_that_do_not_decode_keep_their_status() {
    // The same faults in documented fields (an unknown field is skipped,
    // whatever it holds), and well-formed JSON of the wrong shape.
    let bodies: Vec<(&str, Vec<u8>)> = vec![
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
        let error = failure_for(
            ScriptedResponse::bytes(200, body.clone())
                .header("content-type", "application/json")
                .header("twilio-request-id", "RQ200"),
        )
        .await;
        assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{case}");
        assert_eq!(error.status(), Some(200), "{case}");
        assert_eq!(error.request_id(), Some("RQ200"), "{case}");
        assert_eq!(
            error.raw_body().map(str::as_bytes),
            Some(String::from_utf8_lossy(&body).as_bytes()),
            "{case}"
        );
        // The decoder's message, and the decoder's error as the source.
        assert!(error.message().is_some(), "{case}");
        assert!(std::error::Error::source(&error).is_some(), "{case}");
    }
}

// 4. Callers see the headers and URL the server actually sent.

#[tokio::test]
async fn error_responses_keep_the_headers_and_url_the_server_sent() {
    let html = "<html><body>Bad Request</body></html>";
    let mut server = CaptureServer::start_sequence(vec![
        Reply {
            status: 400,
            headers: vec![("content-type".into(), "text/html".into())],
            body: html.as_bytes().to_vec(),
            chunked: false,
        },
        Reply {
            status: 302,
            headers: vec![("location".into(), "https://example.com/elsewhere".into())],
            body: Vec::new(),
            chunked: false,
        },
    ])
    .await;
    let client = conversations_v2::Client::builder(credentials())
        .base_url(server.base_url())
        .build()
        .unwrap();

    let error = client
        .patch_conversation_by_id("conv_1", patch())
        .await
        .expect_err("a 400");
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse);
    let headers = error.headers().unwrap();
    assert_eq!(headers["content-type"], "text/html");
    assert_eq!(headers["content-length"], html.len().to_string().as_str());
    assert_eq!(error.raw_body(), Some(html));
    let error = client
        .patch_conversation_by_id("conv_1", patch())
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

// 6. A path parameter too long for a URL is refused early and briefly, by
//    both transports alike.

#[tokio::test]
async fn a_path_parameter_too_long_for_a_url_is_refused_before_sending() {
    let sid = "a".repeat(100_000);
    let mut server = CaptureServer::start(Reply::json(200, &TWILIO_V2.example("200"))).await;
    let networked = conversations_v2::Client::builder(credentials())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let transport = TestTransport::new();
    let in_process = v2(&transport, RetryPolicy::default());

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

// 7. The record is the wire: a custom HTTP client's own headers could not
//    be recorded, so the two cannot be combined.

#[test]
fn a_test_transport_refuses_a_custom_http_client_it_could_not_record() {
    let mut headers = interlocutor::http::reqwest::header::HeaderMap::new();
    headers.insert("x-team", "billing".parse().unwrap());
    let http = interlocutor::http::reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let error = conversations_v2::Client::builder(credentials())
        .http_client(http)
        .transport(TestTransport::new())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("cannot be combined"), "{error}");
}

// 8. A request type read from JSON refuses what it does not know.

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
    assert!(update.is_err());
    // Responses stay liberal: a field added tomorrow is not an error.
    let conversation: conversations_v2::types::Conversation =
        from_value(json!({"id": "conv_1", "addedTomorrow": true})).unwrap();
    assert_eq!(conversation.id.as_deref(), Some("conv_1"));
}

// 9. Every documented request constraint is checked before sending, from
//    the spec: item and entry counts (in errors.rs), and metadata keys.

#[tokio::test]
async fn metadata_keys_are_checked_before_sending() {
    let transport = TestTransport::new();
    let client = v2(&transport, RetryPolicy::disabled());
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

// 3 (again). A body that breaks off after the status and headers keeps
//    them: the 503 is still retried, and the final error has its status
//    and request id.

#[tokio::test]
async fn a_body_that_breaks_off_keeps_the_status_and_request_id() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(Mutex::new(0_u32));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            *counter.lock().unwrap() += 1;
            let mut buffer = [0_u8; 8192];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(
                    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                      twilio-request-id: RQtrunc\r\ncontent-length: 1000\r\n\r\n{\"code\":",
                )
                .await;
            // Closed with 992 bytes of the body still owed.
        }
    });
    let client = conversations_v2::Client::builder(credentials())
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let error = client
        .patch_conversation_by_id("conv_1", patch())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503), "{error:?}");
    assert_eq!(error.request_id(), Some("RQtrunc"));
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.is_retryable());
    assert_eq!(error.headers().unwrap()["content-type"], "application/json");
    assert_eq!(*connections.lock().unwrap(), 2, "the 503 was retried");
}

#[tokio::test(start_paused = true)]
async fn an_instant_zero_wait_is_slowed_to_the_floor() {
    // A server that answers 429 with `Retry-After: 0` at once, forever:
    // without the 10 ms floor the client would make every allowed attempt
    // in no time; with it, the 500 ms budget allows 51.
    let transport = TestTransport::new();
    for _ in 0..1_000 {
        transport.push(
            ScriptedResponse::json(429, &TWILIO_V2.example("429")).header("retry-after", "0"),
        );
    }
    let client = v2(
        &transport,
        RetryPolicy::default()
            .max_attempts(1_000)
            .budget(Duration::from_millis(500)),
    );
    let started = tokio::time::Instant::now();
    let _ = client.patch_conversation_by_id("conv_1", patch()).await;
    assert_eq!(transport.requests().len(), 51);
    assert_eq!(started.elapsed(), Duration::from_millis(500));
}

// 3 (again). A success status the spec does not document keeps its body:
//    successes are read by the operation's arm, and this one has none.

#[tokio::test]
async fn an_undocumented_success_status_keeps_its_body() {
    let error = failure_for(
        ScriptedResponse::json(201, &json!({"id": "conv_1"})).header("twilio-request-id", "RQ201"),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{error:?}");
    assert_eq!(error.status(), Some(201));
    assert_eq!(error.request_id(), Some("RQ201"));
    assert_eq!(error.raw_body(), Some(r#"{"id":"conv_1"}"#));
}
