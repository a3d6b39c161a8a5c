//! Why a success body could not be read into the caller's
//! [`crate::Response`]: see [`crate::Context::decode`].

use std::sync::Arc;

/// Why a success body could not be decoded: set on the response of the
/// `UnexpectedResponse` error [`crate::Context::decode`] returns in that case.
#[derive(Clone, Debug)]
pub struct DecodeError(pub Arc<serde_json::Error>);
