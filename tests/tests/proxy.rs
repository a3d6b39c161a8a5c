//! The proxy rule: a plain-http base URL never goes through a proxy, which
//! would read the credentials in clear; an https one honours `HTTPS_PROXY`
//! and `ALL_PROXY` (the proxy then only relays an encrypted tunnel).
//!
//! Proxy variables apply to a whole process, so the client runs in a child
//! process of this test binary, started with them set.

use std::process::Command;

use interlocutor::twilio::{
    self,
    conversations_v2::{Client, types},
};
use interlocutor_tests::{CaptureServer, Reply, TWILIO_V2};

const CHILD: &str = "INTERLOCUTOR_PROXY_TEST_CHILD";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_never_goes_through_a_proxy() {
    if let Some(base_url) = std::env::var_os(CHILD) {
        return call(base_url.to_str().unwrap()).await;
    }
    let mut proxy = CaptureServer::start(Reply::json(200, &TWILIO_V2.example("200"))).await;
    let mut server = CaptureServer::start(Reply::json(200, &TWILIO_V2.example("200"))).await;
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "proxy::plain_http_never_goes_through_a_proxy",
            "--nocapture",
        ])
        .env(CHILD, server.base_url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(name, proxy.base_url());
    }
    let output = tokio::task::block_in_place(|| child.output().unwrap());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test:\n{stdout}"
    );
    // The server records a request as its task gets to it: wait for it.
    let received = tokio::time::timeout(std::time::Duration::from_secs(10), server.request())
        .await
        .expect("the server received the call");
    assert_eq!(received.method, "PATCH");
    assert!(
        proxy.received().is_empty(),
        "the credentials went to the proxy in clear text"
    );
}

/// In the child: one call to `base_url`, with the proxy variables set.
async fn call(base_url: &str) {
    let credentials =
        twilio::account("AC0123456789abcdef0123456789abcdef", "s3cr3t-token").unwrap();
    let client = Client::builder(credentials)
        .base_url(base_url)
        .build()
        .unwrap();
    client
        .patch_conversation_by_id("conv_1", types::ConversationPatch::new().name("x"))
        .await
        .unwrap();
}
