//! Property tests: any path parameter or string field makes a well-formed
//! request that carries the value intact; any response never panics.

use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor::{Error, ErrorKind, Nullable, RetryPolicy, bird, twilio};
use interlocutor_tests::decoded_segments;
use proptest::prelude::*;
use uuid::Uuid;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

fn twilio_credentials() -> interlocutor::Credentials {
    twilio::account("AC0123456789abcdef0123456789abcdef", "token").unwrap()
}

/// Values no URL can carry as one segment: refused before sending.
fn cannot_be_a_segment(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

/// Any Unicode string, with the characters that matter for URLs and forms
/// made frequent.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('/'),
                Just('?'),
                Just('#'),
                Just('%'),
                Just('&'),
                Just('='),
                Just('+'),
                Just(' '),
                Just('é'),
                Just('🚀'),
                Just('.'),
                Just('\\'),
                any::<char>()
            ],
            0..24
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn v2_sid_and_strings_survive_the_wire(sid in text(), name in text(), key in text(), value in text()) {
        let value = value.chars().take(512).collect::<String>();
        let transport = TestTransport::new();
        transport.push(ScriptedResponse::empty(204));
        let client = conversations_v2::Client::builder(twilio_credentials())
            .transport(transport.clone())
            .build()
            .unwrap();
        let patch = conversations_v2::types::ConversationPatch {
            name: Some(Nullable::Value(name.clone())),
            metadata: [(key.clone(), Some(value.parse().unwrap()))].into(),
            ..Default::default()
        };
        let result = runtime().block_on(client.patch_conversation_by_id(&sid, &patch));
        if cannot_be_a_segment(&sid) {
            let error = Error::from(result.unwrap_err());
            prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            prop_assert!(transport.requests().is_empty(), "nothing may be sent");
            return Ok(());
        }
        let request = transport.last_request().unwrap();
        prop_assert_eq!(decoded_segments(&request.path), vec!["v2".to_owned(), "Conversations".to_owned(), sid]);
        let body = request.body_json().unwrap();
        prop_assert_eq!(&body["name"], &serde_json::Value::String(name));
        prop_assert_eq!(&body["metadata"][key.as_str()], &serde_json::Value::String(value));
    }

    #[test]
    fn v1_path_parameters_and_index_survive_the_wire(user in text(), conversation in text(), index in any::<Option<i64>>()) {
        let transport = TestTransport::new();
        transport.push(ScriptedResponse::empty(204));
        let client = conversations_v1::Client::builder(twilio_credentials())
            .transport(transport.clone())
            .build()
            .unwrap();
        let body = conversations_v1::types::UpdateUserConversationRequest {
            last_read_message_index: Some(index.into()),
            ..Default::default()
        };
        let result = runtime().block_on(client.update_user_conversation(&user, &conversation, &body));
        if cannot_be_a_segment(&user) || cannot_be_a_segment(&conversation) {
            let error = Error::from(result.unwrap_err());
            prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            prop_assert!(transport.requests().is_empty(), "nothing may be sent");
            return Ok(());
        }
        let request = transport.last_request().unwrap();
        prop_assert_eq!(
            decoded_segments(&request.path),
            vec!["v1".to_owned(), "Users".to_owned(), user, "Conversations".to_owned(), conversation]
        );
        let sent = index.map(|i| i.to_string()).unwrap_or_default();
        prop_assert_eq!(request.form_pairs().unwrap(), vec![("LastReadMessageIndex".to_owned(), sent)]);
    }

    #[test]
    fn bird_strings_survive_the_wire(name in text(), description in text(), attribute in text()) {
        let transport = TestTransport::new();
        transport.push(ScriptedResponse::empty(204));
        let client = bird::conversations::Client::builder(bird::access_key("key").unwrap())
            .transport(transport.clone())
            .build()
            .unwrap();
        let mut attributes = serde_json::Map::new();
        attributes.insert(attribute.clone(), serde_json::Value::String(attribute.clone()));
        let update = bird::conversations::types::ConversationUpdate {
            name: Some(Nullable::Value(name.clone())),
            description: Some(Nullable::Value(description.clone())),
            attributes: Some(bird::conversations::types::ConversationAttributes(attributes)),
            ..Default::default()
        };
        let _ = runtime().block_on(client.update_conversation(&Uuid::nil(), &Uuid::max(), &update));
        let body = transport.last_request().unwrap().body_json().unwrap();
        prop_assert_eq!(&body["name"], &serde_json::Value::String(name));
        prop_assert_eq!(&body["description"], &serde_json::Value::String(description));
        prop_assert_eq!(&body["attributes"][attribute.as_str()], &serde_json::Value::String(attribute));
    }

    #[test]
    fn any_response_gives_a_value_or_an_error_never_a_panic(
        status in 100u16..1000,
        headers in proptest::collection::vec(("[a-zA-Z-]{1,12}", "[ -~]{0,24}"), 0..4),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        json_like in any::<bool>(),
    ) {
        let body = if json_like {
            // Bytes cut out of a real response: truncated, shifted JSON.
            let example = br#"{"id":"c","accountId":"AC1","configurationId":"x","status":"ACTIVE","participants":[{"id":"p"}]}"#;
            let cut = body.len().min(example.len());
            example[..cut].to_vec()
        } else {
            body
        };
        let mut response = ScriptedResponse::bytes(status, body);
        for (name, value) in headers {
            response = response.header(name, value);
        }
        let transport = TestTransport::new();
        transport.push(response);
        let client = conversations_v2::Client::builder(twilio_credentials())
            .transport(transport)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let result = runtime().block_on(client.patch_conversation_by_id("c", &Default::default()));
        if let Err(error) = result {
            let error = Error::from(error);
            prop_assert!(!error.to_string().is_empty());
        }
    }
}
