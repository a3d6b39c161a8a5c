//! Run-time support shared by every generated Interlocutor client.
//!
//! Generated crates are progenitor's output, reworked by the generator, and
//! one call of [`api_client!`]; everything they need that progenitor cannot
//! express lives here:
//!
//! - [`Credentials`] and the [`SecurityScheme`] an API declares, turned into
//!   an `Authorization` header whose value never shows up in `Debug` output;
//! - [`Context`], the per-client state the generated hooks use to finish
//!   each request (auth, `User-Agent`), send and retry it, and read its
//!   response, bounded, once;
//! - [`ClientBuilder`], which validates the base URL and credentials once,
//!   when the client is built, instead of on every request;
//! - [`RetryPolicy`]: retries with backoff and `Retry-After`, a time
//!   budget, and a bounded response size;
//! - [`Nullable`] and [`FormNullable`], which let a PATCH body tell
//!   "clear this field" apart from "leave it unchanged";
//! - [`Open`] and [`ErrorBody`], which let responses carry enum values and
//!   error bodies the spec does not list;
//! - [`Response`], a decoded body with its status, headers and request id;
//! - [`Validate`], which generated request types implement to check the
//!   constraints their spec documents before anything is sent;
//! - [`whole_seconds`], which writes request timestamps as the providers'
//!   own libraries do;
//! - with the `tracing` feature, a span per call and an event per retry;
//! - with the `testing` feature, [`testing::TestTransport`], an in-process
//!   transport that records requests and answers from a script.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod builder;
mod context;
mod glue;
mod nullable;
mod open;
mod path;
mod response;
mod retry;
#[cfg(feature = "testing")]
pub mod testing;
mod timestamp;
pub mod validate;

pub use auth::{CredentialError, Credentials, SecurityScheme};
pub use builder::{
    ApiClient, BuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use context::{BodyBroken, BodyTooLarge, Context, DecodeError, RawBody, error_chain};
pub use nullable::{FormNullable, FormRepeated, Nullable, deserialize_present};
pub use open::{ErrorBody, Open};
pub use path::encode_path_segment;
pub use response::{REQUEST_ID_HEADERS, Response, request_id};
pub use retry::{RetryEvent, RetryPolicy, RetryReason, is_retryable_status};
pub use timestamp::{WholeSeconds, whole_seconds};
pub use validate::{Field, Invalid, Validate, path_param, path_text};

/// The crates generated code refers to, re-exported so a user of a generated
/// crate does not have to match their versions by hand.
pub mod reexports {
    pub use progenitor_client;
    pub use reqwest;
}
