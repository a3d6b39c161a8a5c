//! One call of a generated operation, from the user's side: the decoded
//! body as a [`Response`], or an error that keeps what the server said.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Version};

use crate::{RawBody, Response};

/// The status line and headers of the last response of a call, kept for
/// [`call`] in case the body then fails to decode (progenitor reports that
/// with the body alone).
struct Received {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    url: url::Url,
}

tokio::task_local! {
    static LAST_RESPONSE: RefCell<Option<Received>>;
}

/// Called by the runtime for each response read, inside [`call`].
pub(crate) fn remember(status: StatusCode, version: Version, headers: &HeaderMap, url: &url::Url) {
    let _ = LAST_RESPONSE.try_with(|last| {
        *last.borrow_mut() = Some(Received {
            status,
            version,
            headers: headers.clone(),
            url: url.clone(),
        });
    });
}

/// Why a success body could not be decoded, set on the response of the
/// `UnexpectedResponse` error [`call`] returns in that case.
#[derive(Clone, Debug)]
pub struct DecodeError(pub Arc<serde_json::Error>);

/// Runs one generated operation (progenitor's method, `raw`) and returns
/// its body as a [`Response`].
///
/// A success whose body does not decode into the documented type (empty,
/// truncated, HTML, the wrong shape) comes back from progenitor as
/// `InvalidResponsePayload` with the body alone; here it becomes an
/// `UnexpectedResponse` carrying the status, headers and URL the server
/// sent, the raw body ([`RawBody`]) and the decoder's error
/// ([`DecodeError`]), so no error that came from a response loses them.
pub async fn call<T, E>(
    raw: impl Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>>,
) -> Result<Response<T>, progenitor_client::Error<E>> {
    let (result, last) = LAST_RESPONSE
        .scope(RefCell::new(None), async {
            let result = raw.await;
            let last = LAST_RESPONSE.with(|last| last.borrow_mut().take());
            (result, last)
        })
        .await;
    match (result, last) {
        (Ok(value), _) => Ok(Response::from(value)),
        (Err(progenitor_client::Error::InvalidResponsePayload(body, error)), Some(last)) => Err(
            progenitor_client::Error::UnexpectedResponse(undecodable(last, body, error)),
        ),
        (Err(error), _) => Err(error),
    }
}

fn undecodable(last: Received, body: Bytes, error: serde_json::Error) -> reqwest::Response {
    use reqwest::ResponseBuilderExt as _;
    let mut response = http::Response::builder()
        .status(last.status)
        .version(last.version)
        .url(last.url)
        .body(body.clone())
        .expect("status and version come from a valid response");
    *response.headers_mut() = last.headers;
    response.extensions_mut().insert(RawBody(body));
    response
        .extensions_mut()
        .insert(DecodeError(Arc::new(error)));
    reqwest::Response::from(response)
}
