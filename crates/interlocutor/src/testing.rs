//! Test your own code that calls these clients, without a network.
//!
//! Build the client with [`ClientBuilder::transport`] and a [`TestTransport`]:
//! each call is recorded exactly as it would be sent (method, percent-encoded
//! path, query, every header including `Authorization`, body bytes) and is
//! answered by the next [`ScriptedResponse`], in order. No socket is opened.
//! Enable with `interlocutor = { features = ["testing"] }` in
//! `[dev-dependencies]`.
//!
//! ```
//! # #[cfg(all(feature = "twilio-conversations-v2", feature = "testing"))]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> interlocutor::Result<()> {
//! use interlocutor::serde_json::json;
//! use interlocutor::testing::{ScriptedResponse, TestTransport};
//! use interlocutor::twilio::{self, conversations_v2::{Client, types}};
//! use interlocutor::ErrorCode;
//!
//! let transport = TestTransport::new();
//! transport
//!     .push(ScriptedResponse::json(200, &json!({
//!         "id": "conv_1", "accountId": "AC1", "configurationId": "cfg_1", "status": "CLOSED",
//!     })))
//!     .push(ScriptedResponse::json(404, &json!({
//!         "code": 20404, "message": "Not found", "status": 404,
//!         "more_info": "https://www.twilio.com/docs/errors/20404",
//!     })));
//!
//! let credentials = twilio::account("AC0123456789abcdef0123456789abcdef", "token")?;
//! let client = Client::builder(credentials).transport(transport.clone()).build()?;
//!
//! // The code under test:
//! let close = types::ConversationPatch::new()
//!     .status(types::ConversationStatus::Closed)
//!     .clear_name();
//! let closed = client.patch_conversation_by_id("conv_1", &close).await?;
//! assert!(closed.status.as_ref().is_some_and(|status| *status == types::ConversationStatus::Closed));
//! let missing = client.patch_conversation_by_id("conv/2", &close).await.unwrap_err();
//! assert!(missing.is_not_found());
//! assert_eq!(missing.code(), Some(&ErrorCode::Number(20404)));
//!
//! // What went on the wire:
//! let requests = transport.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[0].method, "PATCH");
//! assert_eq!(requests[1].path, "/v2/Conversations/conv%2F2");
//! assert_eq!(requests[0].body_text(), Some(r#"{"name":null,"status":"CLOSED"}"#));
//! assert!(requests[0].header("authorization").unwrap().starts_with("Basic "));
//! assert_eq!(requests[0].redacted_authorization().as_deref(), Some("Basic [redacted]"));
//! # Ok(())
//! # }
//! # #[cfg(not(all(feature = "twilio-conversations-v2", feature = "testing")))]
//! # fn main() {}
//! ```
//!
//! [`ClientBuilder::transport`]: crate::ClientBuilder::transport

pub use interlocutor_runtime::testing::{
    RecordedRequest, ScriptedResponse, TestTransport, redact_authorization,
};
