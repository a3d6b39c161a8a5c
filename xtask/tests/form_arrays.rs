//! Fixture specs generated into scratch workspaces and called through the
//! in-process `TestTransport`, by small programs whose output is the
//! snapshot.
//!
//! The constructs Twilio's published Conversations v1 description needs
//! beyond the seeds, on the wire: an array in a form body goes out as
//! repeated keys (`Configuration.Filters=a&Configuration.Filters=b`, as
//! Twilio's own libraries send it), and `format: uri-map` reads as a map of
//! names to URIs. The fixture spec (`tests/fixtures/form-arrays.yaml`) is
//! generated into a scratch workspace and called, through the in-process
//! `TestTransport`, by a small program whose output is the snapshot.

use crate::common;

use common::{cargo, copy_dir, persist, scratch_manifest, succeeded, workspace_root, xtask};

const PROGRAM: &str = r#"
use interlocutor_fixture_form_arrays::{Client, types};
use interlocutor_runtime::testing::{ScriptedResponse, TestTransport};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::json(201, &serde_json::json!({
        "sid": "WH0123",
        "target": "webhook",
        "links": {"conversation": "https://conversations.twilio.com/v1/Conversations/CH0123"},
    })));
    let credentials = interlocutor_runtime::Credentials::basic("user", "secret", "user", "secret").unwrap();
    let client = Client::builder(credentials).transport(transport.clone()).build().unwrap();
    let body = types::CreateConversationScopedWebhookRequest::new(
        types::CreateConversationScopedWebhookRequestTarget::Webhook,
    )
    .configuration_url("https://example.com/hook?a=1&b=2")
    .configuration_method(types::CreateConversationScopedWebhookRequestConfigurationMethod::Post)
    .configuration_filters(vec!["onMessageAdded".to_owned(), "onParticipant Added&Removed".to_owned()])
    .configuration_triggers(vec!["keyword".to_owned()])
    .clear_configuration_replay_after();
    let webhook = client
        .create_conversation_scoped_webhook("CH0123456789abcdef0123456789abcdef", body)
        .await
        .unwrap();
    let request = &transport.requests()[0];
    println!("{} {}", request.method, request.path);
    println!("content-type: {}", request.content_type().unwrap());
    for pair in request.body_text().unwrap().split('&') {
        println!("  {pair}");
    }
    println!("links: {:?}", webhook.links);

    // A SID that breaks the parameter's pattern never reaches the wire.
    let refused = client
        .create_conversation_scoped_webhook("CHnot-a-sid", types::CreateConversationScopedWebhookRequest::new(
            types::CreateConversationScopedWebhookRequestTarget::Webhook,
        ))
        .await
        .unwrap_err();
    println!("refused: {refused}");
    println!("requests sent: {}", transport.requests().len());
}
"#;

#[test]
fn form_arrays_go_out_as_repeated_keys_and_uri_maps_read_as_maps() {
    let output = run_fixture("form-arrays");
    insta::assert_snapshot!(output);
}

const PARAMETERS_PROGRAM: &str = r#"
use interlocutor_fixture_parameters::{Client, types};
use interlocutor_runtime::testing::{ScriptedResponse, TestTransport};
use interlocutor_runtime::ErrorKind;

#[tokio::main(flavor = "current_thread")]
async fn main() -> interlocutor_runtime::Result<()> {
    let transport = TestTransport::new();
    transport.push(ScriptedResponse::text(204, ""));
    transport.push(ScriptedResponse::json(404, &serde_json::json!({"message": "gone"})));
    let credentials = interlocutor_runtime::Credentials::token("key", "access key").unwrap();
    let client = Client::builder(credentials).transport(transport.clone()).build().unwrap();

    // An API without an error body still returns the one error: `?` works.
    client
        .put_thing("TH1", Some(50), "a b&c", Some(types::PutThingMode::Fast), Some("tag"), types::PutThingBody::Name("x".into()))
        .await?;
    let request = &transport.requests()[0];
    println!("{} {}?{}", request.method, request.path, request.query.as_deref().unwrap_or_default());
    println!("x-tag: {}", request.header("x-tag").unwrap());
    println!("body: {}", request.body_text().unwrap());

    // No documented error body: the 404 is kept raw.
    let error = client
        .put_thing("TH1", None, "x", None, None, types::PutThingBody::Size(3))
        .await
        .unwrap_err();
    println!("404: {:?} not found={} raw={:?}", error.kind(), error.is_not_found(), error.raw_body());

    // Query and header constraints are checked before anything is sent.
    for (page_size, label, tag) in [(Some(51), "x", None), (None, "sixsix", None), (None, "x", Some("UPPER"))] {
        let refused = client
            .put_thing("TH1", page_size, label, None, tag, types::PutThingBody::Size(1))
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidRequest);
        println!("refused `{}`: {refused}", refused.field().unwrap());
    }
    println!("requests sent: {}", transport.requests().len());
    Ok(())
}
"#;

/// A spec without `components.schemas`, with constrained query and header
/// parameters, an inline `oneOf` body (its alternatives carry no
/// constraints, so there is nothing to check or drop) and no documented
/// error body.
#[test]
fn query_and_header_parameters_are_checked_and_sent() {
    let output = run_fixture("parameters");
    insta::assert_snapshot!(output);
}

/// A `oneOf` request body whose alternatives carry constraints is refused
/// by name rather than sent unchecked.
#[test]
fn a_one_of_body_with_constraints_is_refused() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let work = scratch.path();
    std::fs::create_dir_all(work.join("specs")).unwrap();
    let spec = std::fs::read_to_string(root.join("xtask/tests/fixtures/parameters.yaml")).unwrap();
    let constrained = spec.replace(
        "                    name: {type: string}",
        "                    name: {type: string, maxLength: 3}",
    );
    assert_ne!(spec, constrained);
    std::fs::write(work.join("specs/fixture-parameters.yaml"), constrained).unwrap();
    let (code, _, errors) = common::xtask_outcome(work, &["generate"]);
    assert_eq!(code, 1, "{errors}");
    assert!(
        errors.contains("the request body is a `oneOf` whose alternatives carry constraints"),
        "{errors}"
    );
    assert!(!work.join("crates").exists());
}

/// The fixtures, each with the program that calls it.
const FIXTURES: [(&str, &str); 2] = [("form-arrays", PROGRAM), ("parameters", PARAMETERS_PROGRAM)];

/// Runs the program of `fixture` and returns what it printed.
///
/// Every fixture spec of `xtask/tests/fixtures/` is generated into one
/// scratch workspace, beside the runtime, with one program per fixture (a
/// binary of the `program` crate): one generation and one build for all of
/// them, made once per run of the tests.
fn run_fixture(fixture: &str) -> String {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let work = BUILT.get_or_init(build_fixtures);
    succeeded(&cargo(
        work,
        &["run", "--quiet", "--package", "program", "--bin", fixture],
    ))
}

fn build_fixtures() -> std::path::PathBuf {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let stage = scratch.path();
    std::fs::create_dir_all(stage.join("specs")).unwrap();
    std::fs::create_dir_all(stage.join("program/src/bin")).unwrap();
    let mut dependencies = String::new();
    for (fixture, program) in FIXTURES {
        std::fs::copy(
            root.join(format!("xtask/tests/fixtures/{fixture}.yaml")),
            stage.join(format!("specs/fixture-{fixture}.yaml")),
        )
        .unwrap();
        std::fs::write(stage.join(format!("program/src/bin/{fixture}.rs")), program).unwrap();
        dependencies.push_str(&format!(
            "interlocutor-fixture-{fixture} = {{ path = \"../crates/fixture-{fixture}\" }}\n"
        ));
    }
    copy_dir(
        &root.join("crates/interlocutor-runtime"),
        &stage.join("crates/interlocutor-runtime"),
    );
    scratch_manifest(stage, r#"["crates/*", "program"]"#);
    succeeded(&xtask(stage, &["generate"]));
    std::fs::write(
        stage.join("program/Cargo.toml"),
        format!(
            "[package]\nname = \"program\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{dependencies}\
             interlocutor-runtime = {{ workspace = true, features = [\"testing\"] }}\n\
             serde_json.workspace = true\n\
             tokio = {{ workspace = true, features = [\"macros\", \"rt\"] }}\n"
        ),
    )
    .unwrap();
    let work = persist(stage, "fixtures");
    succeeded(&cargo(&work, &["build", "--quiet", "--package", "program"]));
    work
}
