//! A decoded success response and what the HTTP layer said about it.

use std::fmt;
use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Response headers that carry the provider's id for a request, in the
/// order they are looked for: Twilio's, then the common ones (Bird's).
pub const REQUEST_ID_HEADERS: [&str; 3] = ["twilio-request-id", "x-request-id", "request-id"];

/// The provider's id for a request, from the first of
/// [`REQUEST_ID_HEADERS`] present.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// What every operation returns on success: the decoded body, which it
/// dereferences to, with the HTTP status, headers and request id beside it.
///
/// The accessors are associated functions (`Response::status(&r)`), not
/// methods, in the way of `Arc::strong_count`: a body type with a `status`
/// field (as a conversation has) then never meets a `status()` method that
/// means something else.
///
/// ```
/// # use interlocutor_runtime as interlocutor;
/// use interlocutor::Response;
///
/// # fn demo(conversation: Response<String>) {
/// let body: &String = &conversation;             // the decoded body
/// let http = Response::status(&conversation);    // 200
/// let id = Response::request_id(&conversation);  // Twilio-Request-Id, if sent
/// let owned: String = Response::into_inner(conversation);
/// # }
/// ```
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response made of its parts (for tests and adapters).
    pub fn from_parts(body: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            body,
            status,
            headers,
        }
    }

    /// The HTTP status code.
    pub fn status(this: &Self) -> StatusCode {
        this.status
    }

    /// The response headers as received.
    pub fn headers(this: &Self) -> &HeaderMap {
        &this.headers
    }

    /// The provider's id for the request (`Twilio-Request-Id`,
    /// `X-Request-Id`), to quote to their support.
    pub fn request_id(this: &Self) -> Option<&str> {
        request_id(&this.headers)
    }

    /// The decoded body.
    pub fn into_inner(this: Self) -> T {
        this.body
    }

    /// The body, status and headers.
    pub fn into_parts(this: Self) -> (T, StatusCode, HeaderMap) {
        (this.body, this.status, this.headers)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status.as_u16())
            .field("request_id", &request_id(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

impl<T: Clone> Clone for Response<T> {
    fn clone(&self) -> Self {
        Self {
            body: self.body.clone(),
            status: self.status,
            headers: self.headers.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_at_hand_and_the_status_does_not_shadow_its_fields() {
        struct Conversation {
            status: &'static str,
        }
        let mut headers = HeaderMap::new();
        headers.insert("twilio-request-id", "RQ123".parse().unwrap());
        let response =
            Response::from_parts(Conversation { status: "ACTIVE" }, StatusCode::OK, headers);
        // Outside this crate `response.status` reaches the body: private fields
        // are skipped by auto-deref.
        assert_eq!((*response).status, "ACTIVE");
        assert_eq!(Response::status(&response), StatusCode::OK);
        assert_eq!(Response::request_id(&response), Some("RQ123"));
        assert_eq!(Response::into_inner(response).status, "ACTIVE");
    }
}
