//! The `interlocutor` binary as a user runs it: `--dry-run` prints the
//! request each operation would send (snapshots), and against a server on
//! 127.0.0.1 it sends exactly that, prints the response as JSON and exits
//! with the code of each kind of error.

use std::process::{Command, Output, Stdio};

use base64::Engine as _;

use interlocutor_tests::{BIRD, CaptureServer, Reply, TWILIO_V2};
use serde_json::{Value, json};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "cli_secret_token";
const V2_ID: &str = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";
/// Twilio v1's update of one user's conversation, its flags to follow.
const V1_UPDATE: [&str; 7] = [
    "twilio",
    "conversations-v1",
    "update-user-conversation",
    "--user-sid",
    "US0123456789abcdef0123456789abcdef",
    "--conversation-sid",
    "CH0123456789abcdef0123456789abcdef",
];
use interlocutor_tests::{BIRD_CONVERSATION as CONVERSATION, BIRD_WORKSPACE as WORKSPACE};

/// Runs the binary with the credentials in its environment (and only
/// those: no region variable leaks in from the caller's).
fn interlocutor(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interlocutor"));
    command
        .args(args)
        .env_clear()
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("BIRD_ACCESS_KEY", "cli_bird_key")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(text.as_bytes())
            .expect("stdin written");
    }
    child.wait_with_output().expect("the binary ends")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A dry run's output, with the library version as `[version]`.
fn dry_run(args: &[&str], stdin: Option<&str>) -> String {
    let mut all = vec!["--dry-run"];
    all.extend_from_slice(args);
    let output = interlocutor(&all, stdin);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed = text(&output.stdout);
    // Neither the secret nor the Basic credentials it is sent in.
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"));
    for secret in [TOKEN, basic.as_str(), "cli_bird_key"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    printed.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn dry_runs_print_each_operations_request() {
    insta::assert_snapshot!(
        "dry_run_twilio_v2_set_clear_and_map_entries",
        dry_run(
            &[
                "twilio",
                "conversations-v2",
                "patch-conversation-by-id",
                "--sid",
                V2_ID,
                "--clear-name",
                "--status",
                "CLOSED",
                "--set-metadata",
                "tier=gold",
                "--remove-metadata",
                "legacy",
            ],
            None,
        )
    );
    insta::assert_snapshot!(
        "dry_run_twilio_v1_form_with_a_cleared_field",
        dry_run(
            &[
                &V1_UPDATE[..],
                &[
                    "--notification-level",
                    "muted",
                    "--clear-last-read-message-index",
                ],
            ]
            .concat(),
            None,
        )
    );
    let file = std::env::temp_dir().join(format!("interlocutor-cli-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"name": "From a file", "visibility": "private"}"#).unwrap();
    let body = format!("@{}", file.display());
    insta::assert_snapshot!(
        "dry_run_bird_body_from_a_file_and_flags_on_top",
        dry_run(
            &[
                "bird",
                "conversations",
                "update-conversation",
                "--workspace-id",
                WORKSPACE,
                "--conversation-id",
                CONVERSATION,
                "--body",
                &body,
                "--description",
                "flags change the file's body",
                "--attributes",
                r#"{"tier":"gold"}"#,
            ],
            None,
        )
    );
    std::fs::remove_file(&file).unwrap();
    // The body from stdin is the same request as the body inline.
    let args = |body: &'static str| {
        vec![
            "twilio",
            "conversations-v2",
            "patch-conversation-by-id",
            "--sid",
            V2_ID,
            "--body",
            body,
        ]
    };
    assert_eq!(
        dry_run(&args("-"), Some(r#"{"name":"Support"}"#)),
        dry_run(&args(r#"{"name":"Support"}"#), None)
    );
}

#[test]
fn a_dry_run_shows_where_the_request_would_go() {
    let args = [
        "twilio",
        "conversations-v2",
        "patch-conversation-by-id",
        "--sid",
        V2_ID,
    ];
    let default: Value = serde_json::from_str(&dry_run(&args, None)).unwrap();
    assert_eq!(
        default["url"],
        format!("https://conversations.twilio.com/v2/Conversations/{V2_ID}")
    );
    let mut elsewhere = vec!["--base-url", "https://conversations.dublin.ie1.twilio.com"];
    elsewhere.extend_from_slice(&args);
    let moved: Value = serde_json::from_str(&dry_run(&elsewhere, None)).unwrap();
    assert_eq!(
        moved["url"],
        format!("https://conversations.dublin.ie1.twilio.com/v2/Conversations/{V2_ID}")
    );
}

#[test]
fn refused_input_exits_3_and_sends_nothing() {
    // v1's message index, given as `value`.
    let v1_index = |value| [&V1_UPDATE[..], &["--last-read-message-index", value]].concat();
    // A huge value is not echoed whole, and the reason after it survives.
    let huge = "9x".repeat(5_000);
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![
                "bird",
                "conversations",
                "update-conversation",
                "--workspace-id",
                "not-a-uuid",
                "--conversation-id",
                CONVERSATION,
                "--name",
                "x",
            ],
            "workspaceId",
        ),
        (
            vec![
                "twilio",
                "conversations-v2",
                "patch-conversation-by-id",
                "--sid",
                V2_ID,
                "--body",
                r#"{"nmae": "typo"}"#,
            ],
            "unknown field `nmae`",
        ),
        (v1_index("seven"), "is not an integer"),
        (v1_index(&huge), "is not an integer"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["--dry-run"];
        all.extend_from_slice(&args);
        let output = interlocutor(&all, None);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.len() < 1_200, "{} bytes", stderr.len());
        assert!(output.stdout.is_empty());
    }
    // A flag the spec does not have is the command line's own error.
    let output = interlocutor(
        &[
            "twilio",
            "conversations-v2",
            "patch-conversation-by-id",
            "--sid",
            V2_ID,
            "--nmae",
            "x",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
}

/// Runs the binary on a blocking thread while the server answers.
async fn against(server: &CaptureServer, args: &[&str]) -> Output {
    let mut all: Vec<String> = vec!["--base-url".to_owned(), server.base_url().to_owned()];
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        interlocutor(&args, None)
    })
    .await
    .expect("the binary ran")
}

#[tokio::test]
async fn a_call_prints_the_response_and_errors_exit_by_kind() {
    // Success: the wire is what the dry run printed, stdout the response.
    let example = TWILIO_V2.example("200");
    let mut server = CaptureServer::start(Reply::json(200, &example)).await;
    let args = [
        "twilio",
        "conversations-v2",
        "patch-conversation-by-id",
        "--sid",
        V2_ID,
        "--name",
        "Support",
    ];
    let output = against(&server, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(printed["id"], example["id"]);
    let request = server.request().await;
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.target, format!("/v2/Conversations/{V2_ID}"));
    assert_eq!(request.body_text(), r#"{"name":"Support"}"#);
    // The dry run of the same call printed what went on the wire: method,
    // path, body, and every header (the credentials shown redacted).
    let mut dry = vec!["--dry-run", "--base-url", server.base_url()];
    dry.extend_from_slice(&args);
    let output = interlocutor(&dry, None);
    let printed: Value = serde_json::from_slice(&output.stdout).expect("the dry run's JSON");
    assert_eq!(printed["method"], request.method.as_str());
    assert_eq!(printed["path"], request.target.as_str());
    assert_eq!(printed["body"], request.body_text());
    let shown = printed["headers"].as_object().expect("headers");
    for (name, value) in shown {
        let sent = request
            .header(name)
            .expect("a header the dry run shows was sent");
        if name == "authorization" {
            assert_ne!(value.as_str(), Some(sent), "the credentials are redacted");
            assert!(
                value.as_str().is_some_and(|v| v.starts_with("Basic ")),
                "{value}"
            );
        } else {
            assert_eq!(value.as_str(), Some(sent), "{name}");
        }
    }
    // And every header sent was shown, but those hyper adds when it sends.
    for (name, _) in &request.headers {
        assert!(
            shown.contains_key(name) || ["host", "content-length"].contains(&name.as_str()),
            "`{name}` was sent but not shown"
        );
    }

    // A documented error: exit 5, one line on stderr, nothing on stdout.
    let server = CaptureServer::start(Reply::json(
        404,
        &json!({"code": 20404, "message": "The requested resource was not found", "status": 404}),
    ))
    .await;
    let output = against(&server, &args).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("20404") && stderr.contains("404"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());

    // A 429 is retried, then succeeds.
    let bird = BIRD.example("200");
    let rate_limited = Reply::json(
        429,
        &json!({"code": "TooManyRequests", "message": "slow down"}),
    )
    .header("retry-after", "0");
    let update = [
        "bird",
        "conversations",
        "update-conversation",
        "--workspace-id",
        WORKSPACE,
        "--conversation-id",
        CONVERSATION,
        "--name",
        "new name",
    ];
    let mut server =
        CaptureServer::start_sequence(vec![rate_limited.clone(), Reply::json(200, &bird)]).await;
    let output = against(&server, &update).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(server.received().len(), 2, "the 429 was retried once");
    // With retries turned off, the 429 is the answer: exit 5.
    let mut server = CaptureServer::start(rate_limited).await;
    let mut no_retries = vec!["--max-retries", "0"];
    no_retries.extend_from_slice(&update);
    let output = against(&server, &no_retries).await;
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
    assert_eq!(server.received().len(), 1, "--max-retries 0 sends once");
}

#[test]
fn missing_credentials_and_transport_failures_have_their_codes() {
    let output = Command::new(env!("CARGO_BIN_EXE_interlocutor"))
        .args([
            "--dry-run",
            "bird",
            "conversations",
            "update-conversation",
            "--workspace-id",
            WORKSPACE,
            "--conversation-id",
            CONVERSATION,
        ])
        .env_clear()
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("BIRD_ACCESS_KEY"), "{stderr}");
    // Nothing listens on port 9 of 127.0.0.1.
    let output = interlocutor(
        &[
            "--base-url",
            "http://127.0.0.1:9",
            "--max-retries",
            "0",
            "twilio",
            "conversations-v2",
            "patch-conversation-by-id",
            "--sid",
            V2_ID,
            "--name",
            "x",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
}

/// Writing completions builds every subcommand, and a debug build of
/// clap checks each one as it does (ids and flags unique, conflicts
/// naming arguments that exist): a malformed command line panics here.
#[test]
fn completions_name_every_operation() {
    let output = interlocutor(&["completions", "bash"], None);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let script = text(&output.stdout);
    for name in [
        "patch-conversation-by-id",
        "update-user-conversation",
        "update-conversation",
    ] {
        assert!(script.contains(name), "{name}");
    }
}
