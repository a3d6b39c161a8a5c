//! Reading the requests an API sends to its users: the spec's `callbacks`.
//!
//! A generated crate with callbacks has a `webhooks::Event` enum, one
//! variant per callback, that implements [`Event`]. The facade's verifiers
//! (`interlocutor::twilio::webhook`, `interlocutor::bird::webhook`) decode a
//! body with it only after its signature checked, so an event a user
//! matches on has always come from the provider.
//!
//! Events are read liberally, like responses: fields the spec does not list
//! are ignored, enum values it does not list are kept (`Open`), and an event
//! whose name the spec does not know is `Event::Other` with that name
//! rather than an error.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::error::excerpt;

/// How a provider encodes an event's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// The events of one API, decoded from a verified body.
pub trait Event: Sized {
    /// How the provider encodes these events.
    const MEDIA: Media;

    /// Reads one event from its raw body.
    fn decode(body: &[u8]) -> Result<Self, DecodeError>;
}

/// A verified body that is not an event the spec describes: not JSON (or
/// not a form), without the property that names the event, or with a
/// field of the wrong type. The message is bounded (200 characters); it
/// may quote the value that did not fit, as serde's messages do.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    fn new(message: impl fmt::Display) -> Self {
        Self {
            message: excerpt(&message.to_string(), 200),
        }
    }

    /// Why the body was not read, bounded.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the event does not match the spec: {}", self.message)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DecodeError").field(&self.message).finish()
    }
}

impl std::error::Error for DecodeError {}

/// Reads a JSON body into `T`.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(DecodeError::new)
}

/// Reads a form body into `T` (a repeated key into a list field).
pub fn form<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_html_form::from_bytes(body).map_err(DecodeError::new)
}

/// The string a JSON body's top-level `property` holds: the name of the
/// event, which picks the variant.
pub fn json_tag(body: &[u8], property: &str) -> Result<String, DecodeError> {
    let object: serde_json::Map<String, serde_json::Value> = json(body)?;
    match object.get(property) {
        Some(serde_json::Value::String(name)) => Ok(name.clone()),
        Some(_) => Err(DecodeError::new(format_args!(
            "`{property}` is not a string"
        ))),
        None => Err(DecodeError::new(format_args!("missing field `{property}`"))),
    }
}

/// The value of a form body's `property`: the name of the event.
pub fn form_tag(body: &[u8], property: &str) -> Result<String, DecodeError> {
    let mut values = url::form_urlencoded::parse(body).filter(|(key, _)| key == property);
    match (values.next(), values.next()) {
        (Some((_, name)), None) => Ok(name.into_owned()),
        (Some(_), Some(_)) => Err(DecodeError::new(format_args!(
            "`{property}` is given more than once"
        ))),
        (None, _) => Err(DecodeError::new(format_args!("missing field `{property}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Thing {
        #[serde(rename = "Index")]
        index: i64,
        #[serde(rename = "Name")]
        name: Option<String>,
    }

    #[test]
    fn form_values_are_read_into_their_types() {
        assert_eq!(
            form::<Thing>(b"Index=5&Name=caf%C3%A9+au+lait&Extra=x").unwrap(),
            Thing {
                index: 5,
                name: Some("café au lait".to_owned())
            }
        );
        let error = form::<Thing>(b"Index=five").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the event does not match the spec:")
        );
    }

    #[test]
    fn tags_are_read_from_either_encoding() {
        assert_eq!(
            json_tag(br#"{"event":"conversation.updated","payload":{}}"#, "event").unwrap(),
            "conversation.updated"
        );
        assert_eq!(
            json_tag(br#"{"event":7}"#, "event").unwrap_err().message(),
            "`event` is not a string"
        );
        assert_eq!(
            json_tag(b"[]", "event").unwrap_err().message(),
            "invalid type: sequence, expected a map at line 1 column 0"
        );
        assert_eq!(
            form_tag(b"A=1&EventType=onMessageAdded", "EventType").unwrap(),
            "onMessageAdded"
        );
        assert_eq!(
            form_tag(b"EventType=a&EventType=b", "EventType")
                .unwrap_err()
                .message(),
            "`EventType` is given more than once"
        );
        assert_eq!(
            form_tag(b"A=1", "EventType").unwrap_err().message(),
            "missing field `EventType`"
        );
    }

    #[test]
    fn a_decode_error_is_bounded_and_does_not_echo_the_body() {
        let body = format!("{{\"event\": \"{}", "x".repeat(10_000));
        let error = json_tag(body.as_bytes(), "event").unwrap_err();
        assert!(error.to_string().len() < 300, "{error}");
        assert!(!error.to_string().contains("xxxxxxxx"), "{error}");
    }
}
