//! Property tests: any path parameter or string field makes a well-formed
//! request that carries the value intact, or, past a limit of the spec, is
//! refused before anything is sent; any response never panics.

use interlocutor::bird::conversations::types::ConversationUpdate;
use interlocutor::testing::{ScriptedResponse, TestTransport};
use interlocutor::twilio::conversations_v1::types::UpdateUserConversationRequest;
use interlocutor::twilio::conversations_v2::types::{
    ConversationConfigurationPatch, ConversationPatch, StatusCallbackConfig,
};
use interlocutor::twilio::{conversations_v1, conversations_v2};
use interlocutor::uuid::Uuid;
use interlocutor::{ErrorKind, RetryPolicy, bird};
use interlocutor_tests::decoded_segments;
use proptest::prelude::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
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

/// A metadata value: mostly short, sometimes either side of the spec's
/// limit of 512 characters (counted in characters, not bytes).
fn metadata_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(),
        1 => (505usize..520, prop_oneof![Just('a'), Just('é'), Just('🚀')])
            .prop_map(|(length, c)| std::iter::repeat_n(c, length).collect()),
    ]
}

/// Metadata edits in order: `Some` sets a key, `None` deletes it. Up to 10
/// of them, so the spec's limit of 8 set entries is crossed now and then.
fn metadata_edits() -> impl Strategy<Value = Vec<(String, Option<String>)>> {
    proptest::collection::vec(
        (
            metadata_key(),
            proptest::option::weighted(0.8, metadata_value()),
        ),
        0..=10,
    )
}

/// A metadata key: mostly of the allowed characters, sometimes anything.
fn metadata_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[A-Za-z0-9._-]{1,24}",
        1 => text(),
    ]
}

/// The spec's rule for a metadata key: 1 to 128 letters, digits, `.`,
/// `_` and `-`.
fn is_allowed_key(key: &str) -> bool {
    (1..=128).contains(&key.chars().count())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Cases per property: 48 for a quick run after a regeneration, or
/// `PROPTEST_CASES` (CI runs 256).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(48)
}

/// A Conversations v2 client on `transport`, which answers one request with 204.
fn v2_client(transport: &TestTransport) -> conversations_v2::Client {
    transport.push(ScriptedResponse::empty(204));
    interlocutor_tests::scripted(transport)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn v2_sid_and_strings_survive_the_wire(sid in text(), name in text(), edits in metadata_edits()) {
        let transport = TestTransport::new();
        let client = v2_client(&transport);
        let mut patch = ConversationPatch::new().name(name.as_str());
        for (key, value) in &edits {
            patch = match value {
                Some(value) => patch.set_metadata(key.as_str(), value.as_str()),
                None => patch.remove_metadata(key.as_str()),
            };
        }
        // The spec's limits: at most 8 keys set (a deletion does not count),
        // keys of the allowed characters, values of at most 512 characters.
        let set: Vec<&String> = patch.metadata.values().flatten().collect();
        let too_many = set.len() > 8;
        let too_long = set.iter().any(|value| value.chars().count() > 512);
        let bad_key = patch.metadata.keys().any(|key| !is_allowed_key(key));
        let result = runtime().block_on(client.patch_conversation_by_id(&sid, &patch));
        if too_many || too_long || bad_key || cannot_be_a_segment(&sid) {
            let error = result.unwrap_err();
            prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            prop_assert!(transport.requests().is_empty(), "nothing may be sent");
            // A refused body names the field. (With a bad sid as well,
            // which of the two is reported is not part of the contract.)
            let message = error.message().unwrap_or_default();
            if !cannot_be_a_segment(&sid) {
                if too_many {
                    prop_assert_eq!(
                        message,
                        format!("`metadata` sets {} entries; at most 8 are allowed", set.len())
                    );
                } else if bad_key {
                    prop_assert!(message.starts_with("`metadata` has the key "), "{}", error);
                } else {
                    prop_assert!(message.starts_with("`metadata"), "{}", error);
                    prop_assert!(message.contains("is longer than 512 characters"), "{}", error);
                }
            }
            return Ok(());
        }
        let request = transport.last_request().unwrap();
        prop_assert_eq!(decoded_segments(&request.path), vec!["v2".to_owned(), "Conversations".to_owned(), sid]);
        let body = request.body_json().unwrap();
        prop_assert_eq!(&body["name"], &serde_json::Value::String(name));
        let sent = body.get("metadata").and_then(serde_json::Value::as_object);
        prop_assert_eq!(sent.map_or(0, serde_json::Map::len), patch.metadata.len());
        for (key, value) in &patch.metadata {
            let expected = value.clone().map_or(serde_json::Value::Null, serde_json::Value::String);
            prop_assert_eq!(&body["metadata"][key.as_str()], &expected);
        }
    }

    #[test]
    fn v2_status_callbacks_are_sent_up_to_the_limit(count in 0usize..=24, path in text()) {
        // Any path, percent-encoded into a URL: `format: uri` is checked.
        let url = format!(
            "https://hooks.example.com/{}",
            path.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
        );
        let transport = TestTransport::new();
        let client = v2_client(&transport);
        let callbacks = vec![StatusCallbackConfig::new(url.as_str()); count];
        let patch = ConversationPatch::new()
            .configuration(ConversationConfigurationPatch::new().status_callbacks(callbacks));
        let result = runtime().block_on(client.patch_conversation_by_id("conv_1", &patch));
        if count > 20 {
            let error = result.unwrap_err();
            prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            let expected =
                format!("`configuration.statusCallbacks` has {count} items; at most 20 are allowed");
            prop_assert_eq!(error.message(), Some(expected.as_str()));
            prop_assert!(transport.requests().is_empty(), "nothing may be sent");
            return Ok(());
        }
        let body = transport.last_request().unwrap().body_json().unwrap();
        let sent = body["configuration"]["statusCallbacks"].as_array().unwrap();
        prop_assert_eq!(sent.len(), count);
        for callback in sent {
            prop_assert_eq!(&callback["url"], &serde_json::Value::String(url.clone()));
        }
    }

    #[test]
    fn v1_path_parameters_and_index_survive_the_wire(user in text(), conversation in text(), index in any::<Option<i64>>()) {
        let transport = TestTransport::new();
        transport.push(ScriptedResponse::empty(204));
        let client = conversations_v1::Client::builder(interlocutor_tests::twilio_account())
            .transport(transport.clone())
            .build()
            .unwrap();
        let body = match index {
            Some(index) => UpdateUserConversationRequest::new().last_read_message_index(index),
            None => UpdateUserConversationRequest::new().clear_last_read_message_index(),
        };
        let result = runtime().block_on(client.update_user_conversation(&user, &conversation, &body));
        if cannot_be_a_segment(&user) || cannot_be_a_segment(&conversation) {
            let error = result.unwrap_err();
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
        let client = bird::conversations::Client::builder(interlocutor_tests::bird_access_key())
            .transport(transport.clone())
            .build()
            .unwrap();
        let mut attributes = serde_json::Map::new();
        attributes.insert(attribute.clone(), serde_json::Value::String(attribute.clone()));
        let update = ConversationUpdate::new()
            .name(name.as_str())
            .description(description.as_str())
            .attributes(attributes);
        let _ = runtime().block_on(client.update_conversation(Uuid::nil(), Uuid::max(), &update));
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
        let client = conversations_v2::Client::builder(interlocutor_tests::twilio_account())
            .transport(transport)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let result = runtime().block_on(client.patch_conversation_by_id("c", ConversationPatch::new()));
        if let Err(error) = result {
            prop_assert!(!error.to_string().is_empty());
        }
    }
}
