//! Run-time support shared by every generated Interlocutor client.
//!
//! A generated crate is progenitor's types (through typify), reworked by
//! the generator, a `Client` defined by one call of [`api_client!`], and
//! one method per operation. Everything those need lives here:
//!
//! - [`Error`], the one error of every step and every call, with the
//!   provider's error body read into it ([`ProviderError`]);
//! - [`Context::call`], the one pipeline each operation calls: the request
//!   made from its parts ([`Outgoing`]) with auth and `User-Agent`, sent and
//!   retried ([`RetryPolicy`]), its body read once, bounded, and decoded
//!   as the [`Operation`] documents it;
//! - [`Credentials`] and the [`SecurityScheme`] an API declares, turned into
//!   an `Authorization` header whose value never shows up in `Debug` output;
//! - [`ClientBuilder`], which validates the base URL and credentials once,
//!   when the client is built, instead of on every request;
//! - [`Nullable`] and [`FormNullable`], which let a PATCH body tell
//!   "clear this field" apart from "leave it unchanged";
//! - [`Open`], which lets responses carry enum values the spec does not
//!   list;
//! - [`Response`], a decoded body with its status, headers and request id;
//! - [`Validate`], which generated request types implement to check the
//!   constraints their spec documents before anything is sent;
//! - [`whole_seconds`], which writes request timestamps as the providers'
//!   own libraries do;
//! - [`webhook`], which reads the events an API sends to its users (the
//!   spec's `callbacks`) once their signature is checked;
//! - with the `tracing` feature, a span per call and an event per retry;
//! - with the `testing` feature, [`testing::TestTransport`], an in-process
//!   transport that records requests and answers from a script.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod builder;
mod context;
mod error;
mod glue;
mod nullable;
mod open;
mod path;
mod pattern;
mod response;
mod retry;
#[cfg(feature = "testing")]
pub mod testing;
mod timestamp;
pub mod validate;
pub mod webhook;

pub use auth::{CredentialError, Credentials, SecurityScheme};
pub use builder::{
    ApiClient, BuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT, redact_url,
};
pub use context::{Context, Operation, Outgoing, Status, error_chain};
pub use error::{
    Error, ErrorCode, ErrorKind, IntoErrorCode, NoErrorBody, ProviderError, ProviderErrorFields,
    Result,
};
pub use nullable::{FormNullable, Nullable, deserialize_present};
pub use open::Open;
pub use response::{REQUEST_ID_HEADERS, Response, request_id};
pub use retry::{MIN_RETRY_WAIT, RetryEvent, RetryPolicy, RetryReason, is_retryable_status};
pub use timestamp::{WholeSeconds, whole_seconds};
pub use validate::{Field, Invalid, Validate, path_param, path_text};

/// The HTTP client underneath: `reqwest` (for [`ClientBuilder::http_client`]
/// and reading `Response` headers, and what generated code names, so that
/// its version always matches) and [`http::client_builder`], where a client
/// of your own starts.
pub mod http {
    pub use crate::builder::client_builder;
    pub use reqwest;
}

/// The crates whose types appear in the runtime's API, as the facade
/// re-exports them (so the runtime's examples read as a user writes them).
#[doc(hidden)]
pub use serde_json;
