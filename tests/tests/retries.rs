//! Retries and the budget: which responses are retried, how long the client
//! waits, and when it gives up. The budget bounds every call, and no wait is
//! a hot loop. Waits are observed through `on_retry` or tokio's paused
//! clock, not timed.

use std::time::Duration;

use conversations_v2::Client;
use conversations_v2::types::{self};
use interlocutor::serde_json::{self, json};
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v2;
use interlocutor::{ErrorCode, ErrorKind, RetryPolicy};
use interlocutor::{RetryEvent, RetryReason};
use interlocutor_tests::*;
use std::sync::{Arc, Mutex};

fn conversation() -> serde_json::Value {
    TWILIO_V2.example("200")
}

fn rate_limited() -> serde_json::Value {
    TWILIO_V2.example("429")
}

/// One update through a client built by `builder`, and every retry it
/// reported.
async fn call_observed(
    builder: interlocutor::ClientBuilder<Client>,
) -> (
    interlocutor::Result<interlocutor::Response<types::Conversation>>,
    Vec<RetryEvent>,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let client = builder
        .on_retry(move |event| sink.lock().unwrap().push(event.clone()))
        .build()
        .unwrap();
    let result = client.patch_conversation_by_id("conv_1", &patch()).await;
    let events = events.lock().unwrap().clone();
    (result, events)
}

fn patch() -> types::ConversationPatch {
    types::ConversationPatch::new().name("Support")
}

#[tokio::test]
async fn rate_limit_then_unavailable_then_success_over_the_network() {
    let mut server = CaptureServer::start_sequence(vec![
        // A second, which `max_delay` caps at 30 ms: the server's value is
        // taken, with no second of real time (whole seconds are the
        // paused-clock tests' below).
        Reply::json(429, &rate_limited()).header("retry-after", "1"),
        Reply::json(
            503,
            &json!({"code": 20503, "message": "Service Unavailable"}),
        ),
        Reply::json(200, &conversation()),
    ])
    .await;
    let (updated, events) = call_observed(
        builder::<Client>()
            .base_url(server.base_url())
            .retry_policy(
                RetryPolicy::default()
                    .base_delay(Duration::from_millis(10))
                    .max_delay(Duration::from_millis(30)),
            ),
    )
    .await;
    assert_eq!(
        updated.unwrap().account_id.as_deref(),
        conversation()["accountId"].as_str()
    );

    assert_eq!(events.len(), 2, "{events:?}");
    // The first wait is the server's Retry-After, capped by `max_delay`
    // (a backoff could not reach 30 ms: at most 10 ms here).
    assert_eq!(events[0].attempt, 1);
    assert_eq!(events[0].reason, RetryReason::Status(429));
    assert_eq!(events[0].wait, Duration::from_millis(30));
    assert!(events[0].from_retry_after);
    assert_eq!(events[0].operation, "patch_conversation_by_id");
    // The second is full-jitter backoff: at most base × 2 = 20 ms.
    assert_eq!(events[1].attempt, 2);
    assert_eq!(events[1].reason, RetryReason::Status(503));
    assert!(
        events[1].wait <= Duration::from_millis(20),
        "{:?}",
        events[1].wait
    );
    assert!(!events[1].from_retry_after);

    // Three attempts, each the same bytes on the wire.
    let requests = server.received();
    assert_eq!(requests.len(), 3);
    for request in &requests[1..] {
        assert_eq!(request.method, requests[0].method);
        assert_eq!(request.target, requests[0].target);
        assert_eq!(request.body, requests[0].body);
        assert_eq!(request.headers, requests[0].headers);
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_and_capped_by_max_delay() {
    let in_three_seconds = std::time::SystemTime::now() + Duration::from_secs(3);
    let transport = TestTransport::new();
    transport
        .push(
            ScriptedResponse::json(503, &json!({"code": 20503}))
                .header("retry-after", httpdate::fmt_http_date(in_three_seconds)),
        )
        .push(ScriptedResponse::json(429, &rate_limited()).header("retry-after", "3600"))
        .push(ScriptedResponse::json(200, &conversation()));
    let (result, events) = call_observed(
        Client::builder(twilio_account())
            .transport(transport.clone())
            .retry_policy(RetryPolicy::default().max_delay(Duration::from_secs(10))),
    )
    .await;
    result.unwrap();
    assert_eq!(events.len(), 2);
    // An HTTP date has whole seconds: the wait is between 2 and 3 s.
    assert!(
        events[0].wait > Duration::from_secs(2) && events[0].wait <= Duration::from_secs(3),
        "{:?}",
        events[0].wait
    );
    // An hour is capped to max_delay.
    assert_eq!(events[1].wait, Duration::from_secs(10));
    assert_eq!(transport.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn other_client_errors_and_500_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422, 500] {
        let transport = TestTransport::new();
        transport.push(ScriptedResponse::json(
            status,
            &json!({"code": 1, "message": "no"}),
        ));
        // Retrying as a client does by default.
        let client: Client = scripted_with(&transport, RetryPolicy::default());
        let error = client
            .patch_conversation_by_id("conv_1", &patch())
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(transport.requests().len(), 1, "{status} was retried");
    }
}

#[tokio::test(start_paused = true)]
async fn attempts_are_bounded_and_every_gateway_failure_is_retried() {
    for status in [429, 502, 503, 504] {
        let transport = TestTransport::new();
        for _ in 0..5 {
            transport.push(ScriptedResponse::text(status, "try later"));
        }
        let client: Client = scripted_with(&transport, RetryPolicy::default().max_attempts(4));
        let error = client
            .patch_conversation_by_id("conv_1", &patch())
            .await
            .unwrap_err();
        assert_eq!(transport.requests().len(), 4, "{status}");
        assert_eq!(error.status(), Some(status));
        assert!(error.is_retryable());
        assert_eq!(error.raw_body(), Some("try later"));
    }
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off() {
    let transport = rate_limited_then_answered("1");
    let client: Client = scripted(&transport);
    let error = client.patch_conversation_by_id("conv_1", &patch()).await;
    assert_eq!(error.unwrap_err().status(), Some(429));
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    let (result, events) = call_observed(
        Client::builder(twilio_account())
            .base_url(interlocutor_tests::refused_base_url())
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5))),
    )
    .await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.reason == RetryReason::Connect));
}

#[tokio::test(start_paused = true)]
async fn the_client_sleeps_exactly_as_long_as_retry_after_says() {
    let transport = TestTransport::new();
    transport
        .push(ScriptedResponse::json(429, &rate_limited()).header("retry-after", "2"))
        .push(ScriptedResponse::text(503, "busy").header("retry-after", "1"))
        .push(ScriptedResponse::json(200, &conversation()));
    let client: Client = scripted_with(&transport, RetryPolicy::default());
    // The clock is paused: it moves only by the client's own sleeps.
    let started = tokio::time::Instant::now();
    client
        .patch_conversation_by_id("conv_1", &patch())
        .await
        .unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(transport.requests().len(), 3);
}

/// A `Retry-After` longer than the budget: the rate-limit error at once,
/// no wait started.
#[tokio::test(start_paused = true)]
async fn a_budget_too_small_for_retry_after_fails_fast_with_the_rate_limit_error() {
    let transport = rate_limited_then_answered("30");
    let policy = RetryPolicy::default()
        .max_delay(Duration::from_secs(60))
        .budget(Duration::from_secs(5));
    let started = tokio::time::Instant::now();
    let (result, events) = call_observed(
        builder::<Client>()
            .transport(transport.clone())
            .retry_policy(policy),
    )
    .await;
    assert_eq!(started.elapsed(), Duration::ZERO);
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.code(), Some(&ErrorCode::Number(20429)));
    assert!(error.is_retryable());
    assert!(events.is_empty(), "no wait was started");
    assert_eq!(transport.requests().len(), 1);
}

/// A transport that answers a 429 with `retry_after`, then the conversation.
fn rate_limited_then_answered(retry_after: &str) -> TestTransport {
    let transport = TestTransport::new();
    transport
        .push(ScriptedResponse::json(429, &rate_limited()).header("retry-after", retry_after))
        .push(ScriptedResponse::json(200, &conversation()));
    transport
}

/// A transport that answers 429 after 100 ms, forty times, with
/// `retry_after` when given.
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
        let client: Client = scripted_with(
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
    let client: Client = scripted_with(
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

#[tokio::test]
async fn refused_connections_with_no_backoff_are_bounded_by_the_budget() {
    let (result, events) = call_observed(
        builder::<Client>()
            .base_url(refused_base_url())
            .retry_policy(
                RetryPolicy::default()
                    .base_delay(Duration::ZERO)
                    .max_attempts(100_000)
                    .budget(Duration::from_millis(200)),
            ),
    )
    .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Transport);
    // Each retry waits at least 10 ms, so a 200 ms budget allows at most 20
    // (before the fix: thousands). A retry is made only if its wait still
    // fits, so the first refused connection has 190 ms to come back.
    assert!((1..=20).contains(&events.len()), "{} retries", events.len());
}

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
    let client = conversations_v2::Client::builder(twilio_account())
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
