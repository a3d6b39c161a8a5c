//! Reading a success response into the caller's [`Response`].
//!
//! The generator points progenitor's success arms here instead of at
//! `ResponseValue::from_response`, for two reasons: a body that does not
//! decode must keep the status, headers and URL the server sent (progenitor
//! reports it with the body alone), and the body, already read and bounded
//! by the runtime, need not be read or its headers copied again.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::{RawBody, Response};

/// Why a success body could not be decoded: set on the response of the
/// `UnexpectedResponse` error [`decode`] returns in that case.
#[derive(Clone, Debug)]
pub struct DecodeError(pub Arc<serde_json::Error>);

/// Decodes a success response into `T`. A body that does not decode
/// (empty, truncated, HTML, the wrong shape) is returned whole as
/// `Error::UnexpectedResponse`, with the decoder's error as a
/// [`DecodeError`] extension and the body as [`RawBody`].
pub async fn decode<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<Response<T>, progenitor_client::Error<E>> {
    let raw = match response.extensions().get::<RawBody>() {
        Some(RawBody(raw)) => raw.clone(),
        // A response that did not come through the runtime's transport.
        None => {
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .bytes()
                .await
                .map_err(progenitor_client::Error::ResponseBodyError)?;
            return match serde_json::from_slice(&bytes) {
                Ok(body) => Ok(Response::from_parts(body, status, headers)),
                Err(error) => Err(progenitor_client::Error::InvalidResponsePayload(
                    bytes, error,
                )),
            };
        }
    };
    match serde_json::from_slice(&raw) {
        Ok(body) => {
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            Ok(Response::from_parts(body, status, headers))
        }
        Err(error) => {
            response
                .extensions_mut()
                .insert(DecodeError(Arc::new(error)));
            Err(progenitor_client::Error::UnexpectedResponse(response))
        }
    }
}
