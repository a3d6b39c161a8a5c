//! Webhook verification and events: the providers' published test vectors,
//! signatures computed here with ring (another HMAC than the verifiers'),
//! every tampered part refused, the spec's example events decoded, and the
//! README's axum handler served on 127.0.0.1.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use interlocutor::bird;
use interlocutor::twilio;
use interlocutor::webhook::{Delivery, HeaderMap, HeaderValue, Method, WebhookError};

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hmac(algorithm: ring::hmac::Algorithm, key: &str, parts: &[&[u8]]) -> String {
    let key = ring::hmac::Key::new(algorithm, key.as_bytes());
    let mut context = ring::hmac::Context::with_key(&key);
    for part in parts {
        context.update(part);
    }
    base64(context.sign().as_ref())
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).expect("a header value"));
    }
    map
}

// ---------------------------------------------------------------- Twilio

const FORM: &str = "application/x-www-form-urlencoded";

/// The string Twilio signs, built as its security page describes it: the
/// URL, then each parameter name and value, sorted by name (a repeated
/// name by value, each pair once, as Twilio's libraries sign it).
fn twilio_data(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = pairs.to_vec();
    pairs.sort();
    pairs.dedup();
    let mut data = url.to_owned();
    for (name, value) in pairs {
        data.push_str(name);
        data.push_str(value);
    }
    data
}

fn form_body(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish().into_bytes()
}

fn twilio_verify(
    verifier: &twilio::webhook::Verifier,
    method: Method,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), WebhookError> {
    verifier
        .verify(&Delivery::new(&method, url, headers, body))
        .map(|_| ())
}

/// Twilio's security page (token `12345`) and the vectors of twilio-node's
/// and twilio-python's test suites.
#[test]
fn twilio_published_form_vectors_verify() {
    let verifier = twilio::webhook::Verifier::new("12345").unwrap();
    let call = |caller: &'static str| {
        vec![
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", caller),
            ("Digits", "1234"),
            ("From", caller),
            ("To", "+18005551212"),
        ]
    };
    type Case = (
        &'static str,
        Vec<(&'static str, &'static str)>,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        // docs (current page)
        (
            "https://example.com/myapp.php?foo=1&bar=2",
            call("+14158675310"),
            "L/OH5YylLD5NRKLltdqwSvS0BnU=",
        ),
        // docs (earlier page)
        (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            call("+12349013030"),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
        ),
        // the libraries': signed without a port, received on :1234
        (
            "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
            call("+14158675309"),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        ),
        // signed with the default port, stated without it
        (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            call("+14158675309"),
            "kvajT1Ptam85bY51eRf/AJRuM3w=",
        ),
        (
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            call("+14158675309"),
            "0ZXoZLH/DfblKGATFgpif+LLRf4=",
        ),
        // a non-default port kept
        (
            "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
            call("+14158675309"),
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
        ),
        // repeated keys
        (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            vec![
                ("Sid", "CA123"),
                ("SidAccount", "AC123"),
                ("Digits", "5678"),
                ("Digits", "1234"),
                ("Digits", "1234"),
            ],
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
        ),
        // user info in the stated URL, signed with it (twilio-node's vector)
        (
            "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
            call("+14158675309"),
            "CukzLTc1tT5dXEDIHm/tKBanW10=",
        ),
    ];
    for (url, pairs, signature) in cases {
        let body = form_body(&pairs);
        let signed = headers(&[("x-twilio-signature", signature), ("content-type", FORM)]);
        assert_eq!(
            twilio_verify(&verifier, Method::POST, url, &signed, &body),
            Ok(()),
            "{url} {signature}"
        );
        // One parameter changed, one added: refused.
        let mut tampered = pairs.clone();
        tampered[0].1 = "CA0000000000ABCDE";
        assert_eq!(
            twilio_verify(&verifier, Method::POST, url, &signed, &form_body(&tampered)),
            Err(WebhookError::SignatureMismatch)
        );
        let mut added = pairs.clone();
        added.push(("Extra", "1"));
        assert_eq!(
            twilio_verify(&verifier, Method::POST, url, &signed, &form_body(&added)),
            Err(WebhookError::SignatureMismatch)
        );
        // The URL changed (path, query, host): refused.
        for other in [
            url.replace("myapp", "other"),
            url.replace("foo=1", "foo=2"),
            url.replace(".com", ".org"),
        ] {
            assert_eq!(
                twilio_verify(&verifier, Method::POST, &other, &signed, &body),
                Err(WebhookError::SignatureMismatch),
                "{other}"
            );
        }
        // Another token: refused.
        let wrong = twilio::webhook::Verifier::new("54321").unwrap();
        assert_eq!(
            twilio_verify(&wrong, Method::POST, url, &signed, &body),
            Err(WebhookError::SignatureMismatch)
        );
    }
}

/// JSON bodies are signed through `bodySHA256` (the libraries' vectors).
#[test]
fn twilio_json_bodies_are_signed_through_body_sha256() {
    let verifier = twilio::webhook::Verifier::new("12345").unwrap();
    let json_signed = |signature| {
        headers(&[
            ("content-type", "application/json"),
            ("x-twilio-signature", signature),
        ])
    };
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=\
               0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let signed = json_signed("a9nBmqA0ju/hNViExpshrM61xv4=");
    // The libraries' vector, and `{}` signed by Twilio with the default port.
    let empty_url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=\
                     44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let empty = json_signed("Ldidvp12m26NI7eqEvxnEpkd9Hc=");
    for (url, headers, body) in [(url, &signed, &body[..]), (empty_url, &empty, b"{}")] {
        assert_eq!(
            twilio_verify(&verifier, Method::POST, url, headers, body),
            Ok(()),
            "{url}"
        );
    }

    // The body changed: its hash no longer matches the signed URL.
    assert_eq!(
        twilio_verify(
            &verifier,
            Method::POST,
            url,
            &signed,
            br#"{"property": "other", "boolean": true}"#
        ),
        Err(WebhookError::BodyHashMismatch)
    );
    // The hash in the URL changed to the new body's: the signature fails.
    let forged = r#"{"a":1}"#;
    let forged_url = format!(
        "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256={}",
        hex_sha256(forged.as_bytes())
    );
    assert_eq!(
        twilio_verify(
            &verifier,
            Method::POST,
            &forged_url,
            &signed,
            forged.as_bytes()
        ),
        Err(WebhookError::SignatureMismatch)
    );
    // A JSON body without `bodySHA256` is not covered by the signature.
    assert_eq!(
        twilio_verify(
            &verifier,
            Method::POST,
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &signed,
            body
        ),
        Err(WebhookError::UnsignedBody)
    );
}

fn hex_sha256(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Signatures computed here: GET callbacks, non-ASCII values, repeated
/// keys, ports, JSON through `bodySHA256`.
#[test]
fn twilio_independently_signed_requests_verify() {
    let token = "f3e1a9c0b6d24e7d8c5b4a3f2e1d0c9b";
    let verifier = twilio::webhook::Verifier::new(token).unwrap();
    let sha1 = ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY;

    // GET: the URL with its query is all that is signed.
    let get_url = "https://hooks.example.com/status?CallSid=CA1&Status=completed&Name=Jos%C3%A9";
    let signature = hmac(sha1, token, &[get_url.as_bytes()]);
    let signed = headers(&[("x-twilio-signature", &signature)]);
    assert_eq!(
        twilio_verify(&verifier, Method::GET, get_url, &signed, b""),
        Ok(())
    );
    assert_eq!(
        twilio_verify(
            &verifier,
            Method::GET,
            &get_url.replace("completed", "failed"),
            &signed,
            b""
        ),
        Err(WebhookError::SignatureMismatch)
    );

    // A Conversations event delivered by GET is read from the signed query.
    let event_url = "https://hooks.example.com/events?AccountSid=AC1&EventType=onConversationUpdated\
                     &ConversationSid=CH1&FriendlyName=Caf%C3%A9";
    let signature = hmac(sha1, token, &[event_url.as_bytes()]);
    let signed = headers(&[("x-twilio-signature", &signature)]);
    let event: twilio::conversations_v1::webhooks::Event = verifier
        .event(&Delivery::new(&Method::GET, event_url, &signed, b""))
        .unwrap();
    match event {
        twilio::conversations_v1::webhooks::Event::ConversationUpdated(update) => {
            assert_eq!(update.friendly_name.as_deref(), Some("Café"));
        }
        other => panic!("{other:?}"),
    }

    // A form with non-ASCII values and a repeated key, signed with the
    // default port and received without it (and the other way round).
    let pairs = [
        ("Body", "Grüße, café ☕ & more"),
        ("Author", "zoë"),
        ("MediaUrl", "https://b.example/2"),
        ("MediaUrl", "https://a.example/1"),
        ("MediaUrl", "https://b.example/2"),
    ];
    let body = form_body(&pairs);
    for (signed_url, stated_url) in [
        (
            "https://hooks.example.com:443/events",
            "https://hooks.example.com/events",
        ),
        (
            "https://hooks.example.com/events",
            "https://hooks.example.com:443/events",
        ),
        (
            "http://hooks.example.com:8080/events",
            "http://hooks.example.com:8080/events",
        ),
    ] {
        let signature = hmac(sha1, token, &[twilio_data(signed_url, &pairs).as_bytes()]);
        let signed = headers(&[("x-twilio-signature", &signature), ("content-type", FORM)]);
        assert_eq!(
            twilio_verify(&verifier, Method::POST, stated_url, &signed, &body),
            Ok(()),
            "{signed_url} stated as {stated_url}"
        );
        let tampered = form_body(&[
            ("Body", "Grüße, café ☕ & less"),
            pairs[1],
            pairs[2],
            pairs[3],
        ]);
        assert_eq!(
            twilio_verify(&verifier, Method::POST, stated_url, &signed, &tampered),
            Err(WebhookError::SignatureMismatch)
        );
    }
    // A non-default port is part of what was signed.
    let signature = hmac(
        sha1,
        token,
        &[twilio_data("http://hooks.example.com:8080/events", &pairs).as_bytes()],
    );
    let signed = headers(&[("x-twilio-signature", &signature), ("content-type", FORM)]);
    assert_eq!(
        twilio_verify(
            &verifier,
            Method::POST,
            "http://hooks.example.com:9090/events",
            &signed,
            &body
        ),
        Err(WebhookError::SignatureMismatch)
    );

    // JSON, as Conversation Orchestrator's status callbacks are sent.
    let json = r#"{"eventType":"CONVERSATION_UPDATED","data":{"name":"Søren"}}"#;
    let url = format!(
        "https://hooks.example.com/orchestrator?bodySHA256={}",
        hex_sha256(json.as_bytes())
    );
    let signature = hmac(sha1, token, &[url.as_bytes()]);
    let signed = headers(&[
        ("x-twilio-signature", &signature),
        ("content-type", "application/json"),
    ]);
    let verified = verifier
        .verify(&Delivery::new(
            &Method::POST,
            &url,
            &signed,
            json.as_bytes(),
        ))
        .unwrap();
    assert_eq!(verified.body(), json.as_bytes());
}

/// `X-Twilio-Webhooks-Signature-Settings`: a shared key and HMAC-SHA256.
#[test]
fn twilio_shared_key_signatures_and_unknown_algorithms() {
    let secret = "sk_live_0123456789abcdef";
    let url = "https://hooks.example.com/events";
    let pairs = [("EventType", "onMessageAdded"), ("Body", "hi")];
    let body = form_body(&pairs);
    let signature = hmac(
        ring::hmac::HMAC_SHA256,
        secret,
        &[twilio_data(url, &pairs).as_bytes()],
    );
    let settings = "key=KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,algorithm=HMAC_SHA256";
    let signed = headers(&[
        ("x-twilio-signature", &signature),
        ("x-twilio-webhooks-signature-settings", settings),
        ("content-type", FORM),
    ]);
    let token_only = twilio::webhook::Verifier::new("the_auth_token").unwrap();
    let with_key = token_only.clone().shared_key(secret).unwrap();
    assert_eq!(
        twilio_verify(&with_key, Method::POST, url, &signed, &body),
        Ok(())
    );
    let error = twilio_verify(&token_only, Method::POST, url, &signed, &body).unwrap_err();
    assert_eq!(error, WebhookError::NoSharedKey);
    // Decided before any signature is checked: a stranger who sends the
    // header learns no more than from a forgery.
    assert_eq!(
        error.http_status(),
        interlocutor::webhook::StatusCode::FORBIDDEN
    );
    // The same signature without the settings header is checked as
    // HMAC-SHA1 with the Auth Token: refused.
    let unannounced = headers(&[("x-twilio-signature", &signature), ("content-type", FORM)]);
    assert_eq!(
        twilio_verify(&with_key, Method::POST, url, &unannounced, &body),
        Err(WebhookError::SignatureMismatch)
    );
    let unknown = headers(&[
        ("x-twilio-signature", &signature),
        (
            "x-twilio-webhooks-signature-settings",
            "key=KS1,algorithm=HMAC_SHA512",
        ),
        ("content-type", FORM),
    ]);
    let error = twilio_verify(&with_key, Method::POST, url, &unknown, &body).unwrap_err();
    assert_eq!(
        error,
        WebhookError::UnknownAlgorithm("HMAC_SHA512".to_owned())
    );
    assert_eq!(
        error.to_string(),
        "the webhook is signed with `HMAC_SHA512`, an algorithm this verifier does not know"
    );
}

#[test]
fn twilio_refusals_are_distinct_and_never_show_secrets() {
    let token = "tok_secret_value_123";
    let verifier = twilio::webhook::Verifier::new(token).unwrap();
    let url = "https://hooks.example.com/events";
    let form = [("content-type", FORM)];
    let cases: Vec<(HeaderMap, &str, Vec<u8>, WebhookError)> = vec![
        (
            headers(&form),
            url,
            b"A=1".to_vec(),
            WebhookError::MissingHeader("x-twilio-signature"),
        ),
        (
            headers(&[form[0], ("x-twilio-signature", "not base64!")]),
            url,
            b"A=1".to_vec(),
            WebhookError::MalformedHeader {
                header: "x-twilio-signature",
                problem: "is not base64",
            },
        ),
        (
            headers(&[
                form[0],
                ("x-twilio-signature", "AAAA"),
                ("x-twilio-signature", "AAAA"),
            ]),
            url,
            b"A=1".to_vec(),
            WebhookError::MalformedHeader {
                header: "x-twilio-signature",
                problem: "is given more than once",
            },
        ),
        (
            headers(&[form[0], ("x-twilio-signature", "AAAA")]),
            "hooks.example.com/events",
            b"A=1".to_vec(),
            WebhookError::InvalidUrl("is not an absolute URL"),
        ),
        (
            headers(&[
                ("x-twilio-signature", "AAAA"),
                ("content-type", "text/plain"),
            ]),
            url,
            b"A=1".to_vec(),
            WebhookError::UnsignedBody,
        ),
        (
            headers(&[form[0], ("x-twilio-signature", "AAAA")]),
            url,
            vec![b'a'; 2 << 20],
            WebhookError::BodyTooLarge { limit: 1 << 20 },
        ),
    ];
    for (headers, url, body, expected) in cases {
        let error = twilio_verify(&verifier, Method::POST, url, &headers, &body).unwrap_err();
        assert_eq!(error, expected);
    }
    let shown = format!("{verifier:?}");
    assert!(!shown.contains(token), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
    // A delivery's Debug: no user info, query, header value or body.
    let secret_headers = headers(&[("x-twilio-signature", "c2lnbmF0dXJl")]);
    let delivery = Delivery::new(
        &Method::POST,
        "https://user:hunter2@hooks.example.com/events?token=s3cret",
        &secret_headers,
        b"Body=private",
    );
    let shown = format!("{delivery:?}");
    for hidden in ["hunter2", "s3cret", "c2lnbmF0dXJl", "private"] {
        assert!(!shown.contains(hidden), "{shown}");
    }
    assert!(shown.contains("hooks.example.com/events"), "{shown}");
    assert!(twilio::webhook::Verifier::new("").is_err());
    assert!(twilio::webhook::Verifier::new("tok\n").is_err());
    let bounded = verifier.clone().max_body_bytes(2);
    assert_eq!(
        twilio_verify(
            &bounded,
            Method::POST,
            url,
            &headers(&[("x-twilio-signature", "AAAA")]),
            b"A=1"
        ),
        Err(WebhookError::BodyTooLarge { limit: 2 })
    );
}

// ------------------------------------------------------------------ Bird

fn bird_headers(signature: &str, timestamp: &str) -> HeaderMap {
    headers(&[
        ("messagebird-signature", signature),
        ("messagebird-request-timestamp", timestamp),
        (
            "messagebird-request-id",
            "7e1c6a52-2b41-4f55-9b1e-0d3e2f1a9c88",
        ),
    ])
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// The signature MessageBird's libraries publish vectors for (go-rest-api,
/// messagebird-nodejs, php-rest-api): Bird's construction with the query
/// string where Bird now signs the URL, so the same vectors check it.
#[test]
fn bird_published_vectors_verify() {
    let node_query = "id=eef0ab57a9e049be946f3821568c2b2e&mccmnc=20408&ported=1&recipient=31612345678\
                      &reference=FOO&status=delivered&statusDatetime=2019-01-11T09%3A17%3A11%2B00%3A00";
    let cases = [
        (
            "other-secret",
            "1544544948",
            "abc=foo&def=bar",
            r#"{"a key":"some value"}"#,
            "orb0adPhRCYND1WCAvPBr+qjm4STGtyvNDIDNBZ4Ir4=",
        ),
        (
            "secret",
            "1544544948",
            "abc=foo&def=bar",
            "",
            "Tfn+nRUBsn6lQgf6IpxBMS1j9lm7XsGjt5xh47M3jCk=",
        ),
        (
            "PlLrKaqvZNRR5zAjm42ZT6q1SQxgbbGd",
            "1547198231",
            node_query,
            "",
            "KVBdcVdz2lYMwcBLZCRITgxUfA/WkwSi+T3Wxl2HL6w=",
        ),
        (
            "PlLrKaqvZNRR5zAjm42ZT6q1SQxgbbGd",
            "1547198231",
            node_query,
            r#"{"foo":"bar"}"#,
            "2bl+38H4oHVg03pC3bk2LvCB0IHFgfC4cL5HPQ0LdmI=",
        ),
    ];
    for (key, timestamp, signed, body, signature) in cases {
        let verifier = bird::webhook::Verifier::new(key).unwrap();
        let headers = bird_headers(signature, timestamp);
        let now = at(timestamp.parse().unwrap());
        let verified = verifier
            .verify_at(
                &Delivery::new(&Method::POST, signed, &headers, body.as_bytes()),
                now,
            )
            .unwrap();
        assert_eq!(
            verified.delivery_id(),
            Some("7e1c6a52-2b41-4f55-9b1e-0d3e2f1a9c88")
        );
        // The libraries' negative case: a parameter changed.
        let changed = signed
            .replace("reference=FOO", "reference=BAR")
            .replace("abc=foo", "abc=bar");
        assert_eq!(
            verifier
                .verify_at(
                    &Delivery::new(&Method::POST, &changed, &headers, body.as_bytes()),
                    now
                )
                .unwrap_err(),
            WebhookError::SignatureMismatch
        );
    }
}

/// Signatures computed here over the timestamp, the URL and the body's
/// SHA-256: each signed part tampered is refused, and so is an old or a
/// future timestamp.
#[test]
fn bird_independently_signed_deliveries_and_replays() {
    let key = "KeV+/HGoIQrxuE5YPCRR6AuQOJveldYNNhbVi1i22qk=";
    let url = "https://example.com/bird/events?tenant=zoë";
    let body = r#"{"service":"conversations","event":"conversation.deleted","payload":{"id":"x","note":"héllo 👍"}}"#;
    let timestamp = "1719823259";
    let sign = |timestamp: &str, url: &str, body: &str| {
        let digest = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
        hmac(
            ring::hmac::HMAC_SHA256,
            key,
            &[
                timestamp.as_bytes(),
                b"\n",
                url.as_bytes(),
                b"\n",
                digest.as_ref(),
            ],
        )
    };
    let verifier = bird::webhook::Verifier::new(key).unwrap();
    let now = at(1_719_823_259 + 30);
    let check = |headers: &HeaderMap, url: &str, body: &str, now: SystemTime| {
        verifier
            .verify_at(
                &Delivery::new(&Method::POST, url, headers, body.as_bytes()),
                now,
            )
            .map(|verified| verified.body().len())
    };
    let signed = bird_headers(&sign(timestamp, url, body), timestamp);
    assert_eq!(check(&signed, url, body, now), Ok(body.len()));
    let event: bird::conversations::webhooks::Event = verifier
        .event_at(
            &Delivery::new(&Method::POST, url, &signed, body.as_bytes()),
            now,
        )
        .unwrap();
    assert_eq!(event.name(), "conversation.deleted");

    // Each signed part tampered.
    let refused = Err(WebhookError::SignatureMismatch);
    assert_eq!(
        check(&signed, "https://example.com/bird/events", body, now),
        refused
    );
    assert_eq!(
        check(&signed, url, &body.replace("héllo", "hello"), now),
        refused
    );
    let moved = bird_headers(&sign(timestamp, url, body), "1719823260");
    assert_eq!(check(&moved, url, body, now), refused);
    let other_key = hmac(ring::hmac::HMAC_SHA256, "another key", &[b"x"]);
    assert_eq!(
        check(&bird_headers(&other_key, timestamp), url, body, now),
        refused
    );

    // Replays: outside the tolerance either way, unless it is widened.
    let late = at(1_719_823_259 + 301);
    assert_eq!(
        check(&signed, url, body, late),
        Err(WebhookError::StaleTimestamp {
            age_seconds: 301,
            tolerance_seconds: 300
        })
    );
    assert_eq!(
        check(&signed, url, body, at(1_719_823_259 - 400)),
        Err(WebhookError::StaleTimestamp {
            age_seconds: -400,
            tolerance_seconds: 300
        })
    );
    let patient = verifier.clone().tolerance(Duration::from_secs(8 * 3600));
    assert!(
        patient
            .verify_at(
                &Delivery::new(&Method::POST, url, &signed, body.as_bytes()),
                late
            )
            .is_ok()
    );
    // A forged request is reported as forged, not as stale.
    assert_eq!(
        check(&bird_headers(&other_key, timestamp), url, body, late),
        refused
    );
}

#[test]
fn bird_refusals_are_distinct_and_never_show_secrets() {
    let key = "bird-signing-key-value";
    let verifier = bird::webhook::Verifier::new(key).unwrap();
    let url = "https://example.com/bird/events";
    let cases = [
        (
            headers(&[("messagebird-request-timestamp", "1")]),
            WebhookError::MissingHeader("messagebird-signature"),
        ),
        (
            headers(&[("messagebird-signature", "AAAA")]),
            WebhookError::MissingHeader("messagebird-request-timestamp"),
        ),
        (
            bird_headers("AAAA", "17198232.59"),
            WebhookError::MalformedHeader {
                header: "messagebird-request-timestamp",
                problem: "is not a number of seconds",
            },
        ),
        (
            bird_headers("AAAA", "-5"),
            WebhookError::MalformedHeader {
                header: "messagebird-request-timestamp",
                problem: "is not a number of seconds",
            },
        ),
        (
            bird_headers("%%%", "1"),
            WebhookError::MalformedHeader {
                header: "messagebird-signature",
                problem: "is not base64",
            },
        ),
    ];
    for (headers, expected) in cases {
        let error = verifier
            .verify_at(&Delivery::new(&Method::POST, url, &headers, b"{}"), at(1))
            .unwrap_err();
        assert_eq!(error, expected);
        assert_eq!(
            error.http_status(),
            interlocutor::webhook::StatusCode::FORBIDDEN
        );
    }
    let bounded = verifier.clone().max_body_bytes(1);
    assert_eq!(
        bounded
            .verify_at(
                &Delivery::new(&Method::POST, url, &bird_headers("AAAA", "1"), b"{}"),
                at(1)
            )
            .unwrap_err()
            .http_status(),
        interlocutor::webhook::StatusCode::PAYLOAD_TOO_LARGE
    );
    let shown = format!("{verifier:?}");
    assert!(!shown.contains(key), "{shown}");
}

// ---------------------------------------------------------------- Events

/// Every example event in the specs, sent as the provider sends it,
/// decoded into the API's `Event`.
#[test]
fn example_events_decode() {
    use interlocutor::bird::conversations::webhooks::Event as BirdEvent;
    use interlocutor::twilio::conversations_v1::webhooks::Event as TwilioEvent;
    let mut seen = 0;
    for (spec, callback, media, example) in interlocutor_tests::callback_examples() {
        let body = match media.as_str() {
            "application/json" => serde_json::to_vec(&example).unwrap(),
            _ => interlocutor_tests::form_encode(&example).into_bytes(),
        };
        let name = format!("event_{}_{callback}", spec.replace('-', "_"));
        match spec.as_str() {
            "bird-conversations" => {
                insta::assert_debug_snapshot!(name, decode::<BirdEvent>(&body).unwrap())
            }
            "twilio-conversations-v1" => {
                insta::assert_debug_snapshot!(name, decode::<TwilioEvent>(&body).unwrap())
            }
            other => panic!("no event type for the spec {other}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 4, "the specs' example events");
}

/// Unknown events are kept by name; a body that is not an event says why.
#[test]
fn unknown_and_malformed_events() {
    use interlocutor::bird::conversations::webhooks::Event as BirdEvent;
    use interlocutor::twilio::conversations_v1::webhooks::Event as TwilioEvent;
    let archived = decode::<BirdEvent>(
        br#"{"service":"conversations","event":"conversation.archived","payload":{}}"#,
    )
    .unwrap();
    assert_eq!(
        archived,
        BirdEvent::Other("conversation.archived".to_owned())
    );
    let pre_action =
        decode::<TwilioEvent>(b"AccountSid=AC1&EventType=onMessageAdd&Body=hi").unwrap();
    assert_eq!(pre_action.name(), "onMessageAdd");
    assert_eq!(
        decode::<TwilioEvent>(b"AccountSid=AC1&EventType=onMessageAdded&ConversationSid=CH1&MessageSid=IM1&Index=seven")
            .unwrap_err()
            .to_string(),
        "the event does not match the spec: invalid digit found in string"
    );
    assert_eq!(
        decode::<BirdEvent>(br#"{"service":"conversations"}"#)
            .unwrap_err()
            .to_string(),
        "the event does not match the spec: missing field `event`"
    );
}

/// A body read as `E`, as the verifiers read one once it is verified.
fn decode<E: interlocutor::webhook::Event>(
    body: &[u8],
) -> Result<E, interlocutor::webhook::DecodeError> {
    E::decode(body)
}

// ------------------------------------------------- The README's handler

#[allow(dead_code)] // its `main` is the example's
#[path = "../../crates/interlocutor/examples/axum_webhook.rs"]
mod axum_webhook;

#[test]
fn the_readme_shows_the_example_handler() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../crates/interlocutor/examples/axum_webhook.rs");
    assert!(
        readme.contains(example),
        "README.md's webhook handler differs from crates/interlocutor/examples/axum_webhook.rs"
    );
}

#[tokio::test]
async fn the_readme_handler_serves_signed_and_refuses_unsigned_requests() {
    let key = "handler-signing-key";
    let verifier = bird::webhook::Verifier::new(key).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, axum_webhook::router(verifier))
            .await
            .unwrap();
    });
    let endpoint = format!("http://{address}/bird/events");
    let http = interlocutor::http::client_builder().build().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let body = serde_json::to_vec(&interlocutor_tests::callback_example(
        "bird-conversations",
        "conversationUpdated",
    ))
    .unwrap();
    // Signed for the subscription's URL, which is not the server's own.
    let digest = ring::digest::digest(&ring::digest::SHA256, &body);
    let signature = hmac(
        ring::hmac::HMAC_SHA256,
        key,
        &[
            now.as_bytes(),
            b"\n",
            axum_webhook::SUBSCRIPTION_URL.as_bytes(),
            b"\n",
            digest.as_ref(),
        ],
    );
    let send = |signature: Option<String>, body: Vec<u8>| {
        let mut request = http.post(&endpoint).body(body);
        if let Some(signature) = signature {
            request = request
                .header("messagebird-signature", signature)
                .header("messagebird-request-timestamp", &now);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(
        send(Some(signature.clone()), body.clone()).await,
        (
            200,
            "updated badbf15c-bad3-4bf3-9223-6b7f414f9770".to_owned()
        )
    );
    assert_eq!(
        send(None, body.clone()).await,
        (
            403,
            "the webhook has no `messagebird-signature` header".to_owned()
        )
    );
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let (status, text) = send(Some(signature), tampered).await;
    assert_eq!(
        (status, text.as_str()),
        (403, WebhookError::SignatureMismatch.to_string().as_str())
    );
    server.abort();
}
