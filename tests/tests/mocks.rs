//! Typed mocks (`mock::Mock`, the `testing` feature): the README's usage,
//! sequences and call counts, and what an unmatched call says.

use std::time::Duration;

use interlocutor::twilio::{self, conversations_v1, conversations_v2};

/// A client answered by `mock`, retrying as by default.
fn v2_client(mock: &conversations_v2::mock::Mock) -> conversations_v2::Client {
    interlocutor_tests::builder()
        .transport(mock.transport())
        .build()
        .unwrap()
}

/// What a failing `verify` (any mock's) panics with.
fn verify_failure(verify: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let panic = std::panic::catch_unwind(verify).expect_err("verify found nothing missing");
    panic
        .downcast_ref::<String>()
        .expect("a formatted panic message")
        .clone()
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_then_a_typed_answer_matched_on_path_and_body() {
    use conversations_v2::types::{Conversation, ConversationPatch, ConversationStatus};
    let mock = conversations_v2::mock::Mock::new();
    mock.patch_conversation_by_id()
        .sid("conv_1")
        .body(&ConversationPatch::new().name("Support"))
        .respond_status(429)
        .respond(&Conversation::new().with_id("conv_1").with_name("Support"))
        .times(2);
    let client = v2_client(&mock);
    let patch = ConversationPatch::new()
        .name("Support")
        .status(ConversationStatus::Closed);
    let conversation = client
        .patch_conversation_by_id("conv_1", patch)
        .await
        .unwrap();
    assert_eq!(conversation.name.as_deref(), Some("Support"));
    // The 429 was retried: two calls, both on the wire record.
    assert_eq!(mock.transport().requests().len(), 2);
    mock.verify();
}

#[tokio::test]
async fn an_unmatched_call_names_the_operation_and_what_differed() {
    use conversations_v2::types::ConversationPatch;
    let mock = conversations_v2::mock::Mock::new();
    mock.patch_conversation_by_id()
        .sid("conv_1")
        .body(&ConversationPatch::new().name("Support"))
        .respond_status(204);
    let client = v2_client(&mock);

    let error = client
        .patch_conversation_by_id("conv_2", ConversationPatch::new().name("Support"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(501));
    let body = error.raw_body().expect("the mock's message");
    assert!(
        body.contains("no expectation matched PATCH /v2/Conversations/conv_2"),
        "{body}"
    );
    assert!(
        body.contains("`patch_conversation_by_id`: `Sid` is \"conv_2\", expected \"conv_1\""),
        "{body}"
    );

    let error = client
        .patch_conversation_by_id("conv_1", ConversationPatch::new().name("Sales"))
        .await
        .unwrap_err();
    let body = error.raw_body().expect("the mock's message");
    assert!(
        body.contains("body field `name` is \"Sales\", expected \"Support\""),
        "{body}"
    );
}

#[tokio::test]
async fn verify_names_expectations_not_met() {
    let mock = conversations_v2::mock::Mock::new();
    mock.patch_conversation_by_id()
        .sid("conv_1")
        .respond_status(204)
        .times(2);
    let client = v2_client(&mock);
    client
        .patch_conversation_by_id("conv_1", conversations_v2::types::ConversationPatch::new())
        .await
        .unwrap_err(); // 204 has no body where the spec documents one
    let message = verify_failure(|| mock.verify());
    assert!(
        message.contains("`patch_conversation_by_id` was called 1 time(s), expected 2"),
        "{message}"
    );
}

#[tokio::test(start_paused = true)]
async fn form_bodies_match_and_delays_run_on_tokios_clock() {
    use conversations_v1::types::{
        NotificationLevel, UpdateUserConversationRequest, UserConversation,
    };
    let mock = conversations_v1::mock::Mock::new();
    mock.update_user_conversation()
        .user_sid("US0123456789abcdef0123456789abcdef")
        .body(&UpdateUserConversationRequest::new().notification_level(NotificationLevel::Muted))
        .respond(&UserConversation::new().with_unread_messages_count(3))
        .delay(Duration::from_secs(5));
    let credentials = twilio::account("AC0123456789abcdef0123456789abcdef", "token").unwrap();
    let client = conversations_v1::Client::builder(credentials)
        .transport(mock.transport())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let answer = client
        .update_user_conversation(
            "US0123456789abcdef0123456789abcdef",
            "CH0123456789abcdef0123456789abcdef",
            UpdateUserConversationRequest::new().notification_level(NotificationLevel::Muted),
        )
        .await
        .unwrap();
    assert_eq!(answer.unread_messages_count, Some(3));
    assert!(started.elapsed() >= Duration::from_secs(5));
    mock.verify();
}

#[tokio::test]
async fn a_base_url_with_a_path_still_matches_and_an_empty_expectation_is_reported() {
    let mock = conversations_v2::mock::Mock::new();
    mock.patch_conversation_by_id().sid("conv_1");
    let credentials = twilio::account("AC0123456789abcdef0123456789abcdef", "token").unwrap();
    let client = conversations_v2::Client::builder(credentials)
        .base_url("https://gateway.example/twilio")
        .transport(mock.transport())
        .build()
        .unwrap();
    let error = client
        .patch_conversation_by_id("conv_1", conversations_v2::types::ConversationPatch::new())
        .await
        .unwrap_err();
    // Matched (behind the gateway's `/twilio`), but given no response.
    let body = error.raw_body().expect("the mock's message");
    assert!(
        body.contains("`patch_conversation_by_id` matched but has no response"),
        "{body}"
    );
    let message = verify_failure(|| mock.verify());
    assert!(
        message
            .contains("`patch_conversation_by_id` matched 1 call(s) and had no response to give"),
        "{message}"
    );
}

/// A response added after the last one was repeated, and never given, is
/// reported: what is left, not how many were ever added.
#[tokio::test]
async fn verify_names_responses_left_unused() {
    let mock = conversations_v2::mock::Mock::new();
    let expectation = mock.patch_conversation_by_id().respond_status(204);
    let client = v2_client(&mock);
    for _ in 0..2 {
        let patch = conversations_v2::types::ConversationPatch::new();
        let _ = client.patch_conversation_by_id("conv_1", patch).await;
    }
    let _ = expectation.respond_status(503);
    let message = verify_failure(|| mock.verify());
    assert!(
        message.contains(
            "`patch_conversation_by_id` was called 2 time(s) and left 1 response(s) unused"
        ),
        "{message}"
    );
}
