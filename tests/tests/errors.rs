//! Every step converts with `?` into one `interlocutor::Error`: making
//! credentials, reading them from the environment, building a client, a
//! call, and a generated type parsed from text (requests refused before
//! they are sent are `checks.rs`). The error is one line that
//! says what failed, its causes are its `source()`, and printing it never
//! prints a whole response body.

use interlocutor::bird::conversations::{self as bird_conversations, types::ConversationUpdate};
use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v2::{self, types};
use interlocutor::{Credentials, Error, ErrorCode, ErrorKind, Response, RetryPolicy, bird, twilio};

use interlocutor_tests::{
    ACCOUNT_SID, BIRD_CONVERSATION as CONVERSATION, BIRD_WORKSPACE as WORKSPACE,
};

fn v2(transport: &TestTransport) -> interlocutor::Result<conversations_v2::Client> {
    let client = conversations_v2::Client::builder(twilio::account(ACCOUNT_SID, "token")?)
        .transport(transport.clone())
        .retry_policy(RetryPolicy::disabled())
        .build()?;
    Ok(client)
}

fn bird_client(transport: &TestTransport) -> interlocutor::Result<bird_conversations::Client> {
    let client = bird_conversations::Client::builder(bird::access_key("key")?)
        .transport(transport.clone())
        .build()?;
    Ok(client)
}

#[test]
fn a_refused_credential_converts() {
    fn credentials() -> interlocutor::Result<Credentials> {
        let credentials = twilio::account("nope", "t")?;
        Ok(credentials)
    }
    let error = credentials().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Credentials);
    assert_eq!(error.provider(), None);
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
    assert_eq!(
        error.message(),
        Some("the Account SID is not `AC` followed by 32 hexadecimal digits")
    );
    assert_eq!(
        error.to_string(),
        "invalid credentials: the Account SID is not `AC` followed by 32 hexadecimal digits"
    );
    assert!(!error.to_string().contains("nope"), "{error}");

    // A refused secret is named, never shown, in every form of the error.
    let secret = "s3cr3t-t0ken-0123456789";
    let error = Error::from(twilio::account(ACCOUNT_SID, format!("{secret}\r\n")).unwrap_err());
    assert_eq!(
        error.to_string(),
        "invalid credentials: the Auth Token contains a line break"
    );
    for printed in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[test]
fn the_environment_converts() {
    fn twilio_from_env() -> interlocutor::Result<Credentials> {
        Ok(twilio::from_env()?)
    }
    fn bird_from_env() -> interlocutor::Result<Credentials> {
        Ok(bird::from_env()?)
    }
    // The process environment is shared by every test: the reading runs
    // in a child process of this binary whose environment has none of the
    // providers' variables.
    const CHILD: &str = "INTERLOCUTOR_ENV_TEST_CHILD";
    if std::env::var_os(CHILD).is_none() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "errors::the_environment_converts", "--nocapture"])
            .env(CHILD, "1");
        for name in [
            twilio::ACCOUNT_SID_VAR,
            twilio::AUTH_TOKEN_VAR,
            twilio::API_KEY_VAR,
            twilio::API_SECRET_VAR,
            bird::ACCESS_KEY_VAR,
        ] {
            child.env_remove(name);
        }
        let output = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(
            stdout.contains("1 passed"),
            "the child ran no test:\n{stdout}"
        );
        return;
    }
    let error = twilio_from_env().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Credentials);
    assert_eq!(error.provider(), None);
    assert_eq!(
        error.to_string(),
        "invalid credentials: the TWILIO_ACCOUNT_SID environment variable is not set"
    );
    let error = bird_from_env().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Credentials);
    assert_eq!(
        error.to_string(),
        "invalid credentials: the BIRD_ACCESS_KEY environment variable is not set"
    );
}

#[test]
fn a_refused_builder_converts() {
    fn build(
        credentials: Credentials,
        base_url: &str,
    ) -> interlocutor::Result<conversations_v2::Client> {
        let client = conversations_v2::Client::builder(credentials)
            .base_url(base_url)
            .build()?;
        Ok(client)
    }
    let account = || twilio::account(ACCOUNT_SID, "token").unwrap();

    let error = build(account(), "http://example.com").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert_eq!(error.provider(), None);
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
    assert!(
        error
            .to_string()
            .starts_with("cannot build the client: invalid base URL `http://example.com"),
        "{error}"
    );
    assert!(error.to_string().contains("clear text"), "{error}");

    // Credentials of the wrong kind are a credential error, said once.
    let error = build(bird::access_key("abcd").unwrap(), "https://example.com").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Credentials);
    assert_eq!(
        error.to_string(),
        "invalid credentials: this API authenticates with HTTP Basic, but the client was given a token"
    );

    assert!(build(account(), "https://example.com").is_ok());
}

#[tokio::test]
async fn a_failed_call_converts() {
    async fn rename(transport: &TestTransport) -> interlocutor::Result<Option<String>> {
        let patch = types::ConversationPatch::new().name("Support");
        let conversation = v2(transport)?
            .patch_conversation_by_id("conv_1", patch)
            .await?;
        Ok(conversation.name.clone())
    }
    let transport = TestTransport::new();
    transport.push(
        ScriptedResponse::json(
            404,
            &json!({
                "code": 20404,
                "message": "The requested resource /v2/Conversations/conv_1 was not found",
                "more_info": "https://www.twilio.com/docs/errors/20404",
                "status": 404,
            }),
        )
        .header("twilio-request-id", "RQ0123456789abcdef0123456789abcdef"),
    );
    let error = rename(&transport).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.provider(), Some("Twilio"));
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.code(), Some(&ErrorCode::Number(20404)));
    assert_eq!(
        error.request_id(),
        Some("RQ0123456789abcdef0123456789abcdef")
    );
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn a_transport_error_says_what_failed_and_leaves_the_why_to_its_source() {
    let client: conversations_v2::Client =
        interlocutor_tests::networked(&interlocutor_tests::refused_base_url());
    let error = client
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    let display = error.to_string();
    assert_eq!(
        display,
        "could not complete the request to Twilio (could not connect)"
    );
    // No text of the cause chain is repeated in the one line...
    let source = std::error::Error::source(&error).expect("the transport's error is the source");
    let mut causes = Vec::new();
    let mut cause = Some(source);
    while let Some(error) = cause {
        causes.push(error.to_string());
        cause = error.source();
    }
    assert!(causes.len() > 1, "{causes:?}");
    for text in &causes {
        assert!(!display.contains(text.as_str()), "{display} repeats {text}");
    }
    // ...but the message has all of it, and `{:?}` lists it.
    assert_eq!(error.message(), Some(causes.join(": ").as_str()));
    let debug = format!("{error:?}");
    assert!(
        debug.starts_with(&format!("{display}\n\nCaused by:\n    0: {}", causes[0])),
        "{debug}"
    );
    assert!(debug.contains(causes.last().unwrap().as_str()), "{debug}");
}

#[tokio::test]
async fn printing_an_error_with_a_huge_body_stays_small() {
    let huge = format!("<html>{}</html>", "x".repeat(1 << 20));
    let cases = [
        ("an HTML 503", ScriptedResponse::text(503, &huge)),
        ("an HTML 200", ScriptedResponse::text(200, &huge)),
        (
            "a truncated JSON 200",
            ScriptedResponse::text(200, format!(r#"{{"id": "{huge}"#))
                .header("content-type", "application/json"),
        ),
    ];
    for (what, response) in cases {
        let transport = TestTransport::new();
        transport.push(response);
        let result = v2(&transport)
            .unwrap()
            .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
            .await
            .map(Response::into_inner);
        let error = result.unwrap_err();
        // The body is kept whole for whoever asks for it...
        assert!(
            error.raw_body().unwrap().len() > 1 << 20,
            "{what}: {:?}",
            error.kind()
        );
        // ...and printed cut.
        for printed in [
            error.to_string(),
            format!("{error:?}"),
            format!("{error:#?}"),
        ] {
            assert!(
                printed.len() < 4096,
                "{what}: {} bytes printed: {}",
                printed.len(),
                &printed[..200]
            );
        }
        assert!(format!("{error:#?}").contains("…"), "{what}: {error:#?}");
    }
}

/// A provider's message, Bird's `details` or a decoder's message can be as
/// long as a body: every rendering of the error stays one bounded line
/// (`Debug`: a bounded line per cause).
#[tokio::test]
async fn printing_an_error_with_a_huge_message_or_details_stays_small() {
    let huge = format!("line1\nline2 {}", "x".repeat(200_000));
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(
        400,
        &json!({"code": 20001, "message": huge}),
    ));
    let error = v2(&transport)
        .unwrap()
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.message().map(str::len), Some(huge.len()));

    let details: serde_json::Map<String, serde_json::Value> = (0..2_000)
        .map(|i| (format!("/field{i}"), json!(["bad\nvalue"])))
        .collect();
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(
        422,
        &json!({"code": "InvalidPayload", "message": "invalid", "details": details}),
    ));
    let bird_error = bird_client(&transport)
        .unwrap()
        .update_conversation(WORKSPACE, CONVERSATION, ConversationUpdate::new())
        .await
        .unwrap_err();
    assert_eq!(
        bird_error
            .details()
            .and_then(|d| d.as_object())
            .map(|d| d.len()),
        Some(2_000)
    );

    for error in [&error, &bird_error] {
        let display = error.to_string();
        assert!(!display.contains('\n'), "{display}");
        assert!(display.chars().count() <= 1_001, "{} chars", display.len());
        assert!(format!("{error:?}").len() < 4_096);
        assert!(format!("{error:#?}").len() < 4_096);
    }
}

/// A generated type parsed from text converts with `?` too.
#[test]
fn parsing_a_generated_type_converts() {
    fn status(text: &str) -> interlocutor::Result<types::ConversationStatus> {
        Ok(text.parse()?)
    }
    assert_eq!(
        status("INACTIVE").unwrap(),
        types::ConversationStatus::Inactive
    );
    let error = status("ARCHIVED").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    // The parse error names the type and the accepted values.
    let error = "active".parse::<types::ConversationStatus>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "\"active\" is not a ConversationStatus: expected one of `ACTIVE`, `INACTIVE`, `CLOSED`"
    );
}

/// Characters that drive a terminal or reorder text, from a server.
const CONTROL: [char; 7] = [
    '\u{1b}', '\u{7}', '\u{8}', '\u{0}', '\u{7f}', '\u{9b}', '\u{202e}',
];

#[tokio::test]
async fn control_characters_from_a_server_are_escaped_in_display_and_debug() {
    let hostile = "red\u{1b}[31m bell\u{7} back\u{8} nul\u{0} del\u{7f} csi\u{9b}2J rtl\u{202e}txt";
    let transport = TestTransport::new();
    transport
        .push(ScriptedResponse::json(
            400,
            &json!({"code": 20001, "message": hostile, "more_info": hostile, "status": 400}),
        ))
        .push(ScriptedResponse::text(
            502,
            format!("<html>{hostile}</html>"),
        ))
        .push(ScriptedResponse::text(200, format!("not json {hostile}")));
    let client = v2(&transport).unwrap();
    for expected in [
        ErrorKind::Api,
        ErrorKind::UnexpectedResponse,
        ErrorKind::InvalidResponse,
    ] {
        let error = client
            .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), expected);
        for printed in [
            error.to_string(),
            format!("{error:?}"),
            format!("{error:#?}"),
        ] {
            assert!(
                !printed.contains(CONTROL),
                "{expected:?} printed a control character: {printed:?}"
            );
            assert!(printed.contains("\\u{1b}"), "{expected:?}: {printed}");
        }
        // The values themselves are kept as received, for code to read.
        if expected == ErrorKind::Api {
            assert_eq!(error.message(), Some(hostile));
        }
    }
}

#[test]
fn the_field_at_fault_is_carried_as_a_value() {
    let at = interlocutor::Field::Root;
    let odd = at.property("a` b");
    let error = Error::from(interlocutor::Invalid::new(&odd, "is too long"));
    assert_eq!(error.field(), Some("a` b"));
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn request_and_response_types_compare_and_response_setters_do_not_read_like_accessors() {
    let a = types::ConversationPatch::new().name("Support");
    let b = types::ConversationPatch::new().name("Support");
    assert_eq!(a, b);
    assert_ne!(a, types::ConversationPatch::new().clear_name());
    // A fixture for a test: `with_` setters, so `conversation.status` is
    // only ever the field.
    let fixture = types::Conversation::new()
        .with_name("Support")
        .with_status(types::ConversationStatus::Closed);
    assert_eq!(fixture.name.as_deref(), Some("Support"));
    assert_eq!(fixture, fixture.clone());
}

#[test]
fn a_field_is_set_from_an_option_without_clearing_it() {
    let from_db: Option<String> = None;
    let untouched = types::ConversationPatch::new().maybe_name(from_db);
    assert_eq!(untouched, types::ConversationPatch::new());
    let set = types::ConversationPatch::new().maybe_name(Some("Support"));
    assert_eq!(set, types::ConversationPatch::new().name("Support"));
}

#[tokio::test]
async fn the_request_id_survives_a_long_message() {
    let transport = TestTransport::new();
    let message = "m".repeat(5_000);
    transport.push(
        ScriptedResponse::json(
            400,
            &json!({"code": 20001, "message": message, "status": 400}),
        )
        .header("twilio-request-id", "RQ0123456789"),
    );
    let error = v2(&transport)
        .unwrap()
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new())
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(shown.ends_with(" [request RQ0123456789]"), "{shown}");
    assert!(
        shown.chars().count() <= 1000,
        "{} characters",
        shown.chars().count()
    );
}
