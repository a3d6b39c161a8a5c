//! Credentials and redaction: credentials are checked when made, refused
//! when of the wrong kind or sent in clear over the network, and no secret
//! ever appears in `Debug`, `Display`, an error or a URL shown.

use conversations_v2::types::{self, ConversationPatch};
use interlocutor::bird::{self};
use interlocutor::serde_json::json;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{self, conversations_v1, conversations_v2};
use interlocutor::{BuildError, ClientBuilder, Error, ErrorKind};
use interlocutor_tests::*;

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
    let credentials = || bird::access_key(ACCESS_KEY).unwrap();
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
    let secrets = [AUTH_TOKEN, API_KEY_SECRET, ACCESS_KEY];
    let mut printed: Vec<String> = Vec::new();
    let mut show = |text: String| printed.push(text);

    let account = twilio::account(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    let api_key = twilio::api_key(API_KEY_SID, API_KEY_SECRET).unwrap();
    let access_key = bird::access_key(ACCESS_KEY).unwrap();
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

#[test]
fn a_base_url_without_a_scheme_does_not_echo_its_secret() {
    let builder = conversations_v2::Client::builder(twilio_account()).base_url(format!(
        "{ACCOUNT_SID}:{AUTH_TOKEN}@conversations.twilio.com"
    ));
    let debug = format!("{builder:?}");
    let error = builder.build().unwrap_err();
    for text in [
        debug,
        error.to_string(),
        format!("{error:?}"),
        format!("{:?}", Error::from(error)),
    ] {
        assert!(!text.contains(AUTH_TOKEN), "{text}");
    }
}

#[tokio::test]
async fn a_transport_error_never_shows_the_url() {
    let client: conversations_v2::Client = networked(&refused_base_url());
    let error = client
        .patch_conversation_by_id("conv_private_id_42", types::ConversationPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
        error.message().unwrap_or_default().to_owned(),
    ] {
        assert!(!shown.contains("conv_private_id_42"), "{shown}");
    }
}
