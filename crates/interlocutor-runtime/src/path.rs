//! Path parameters that always stay one segment.
//!
//! progenitor's own `encode_path` leaves `\` alone (which URL parsers read
//! as `/`) and cannot stop `.`, `..` or an empty value from changing which
//! resource a request addresses. The generator points generated clients at
//! [`encode_path_segment`] instead, and [`crate::Context::prepare`] refuses
//! the request when a parameter could not be encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Stands in the path for a parameter that cannot be a segment: the `!`
/// cannot come out of the encoder, so a real value never looks like it.
const EMPTY: &str = "!interlocutor:empty-path-parameter!";
const DOT: &str = "!interlocutor:dot-path-parameter!";

/// Percent-encodes one path parameter so it is exactly one segment and
/// decodes back to `value`. Any printable value: it is encoded as it is
/// printed, in one allocation.
pub fn encode_path_segment<T: std::fmt::Display + ?Sized>(value: &T) -> String {
    use std::fmt::Write as _;
    let mut encoded = Encoder(String::new());
    let _ = write!(encoded, "{value}");
    match encoded.0.as_str() {
        "" => EMPTY.to_owned(),
        // URL parsers remove `.` and `..` segments, even percent-encoded.
        "." | ".." => DOT.to_owned(),
        _ => encoded.0,
    }
}

/// Percent-encodes what is written to it.
struct Encoder(String);

impl std::fmt::Write for Encoder {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.extend(utf8_percent_encode(text, SEGMENT));
        Ok(())
    }
}

/// Why a request path holds a parameter that could not be encoded.
pub(crate) fn invalid_parameter(path: &str) -> Option<&'static str> {
    // Both markers hold `!`, which the encoder never leaves unencoded: one
    // byte scan for the common case.
    if !path.contains('!') {
        None
    } else if path.contains(EMPTY) {
        Some("a path parameter is empty, which would address another resource")
    } else if path.contains(DOT) {
        Some("a path parameter is `.` or `..`, which URLs cannot carry as a segment")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_characters_are_encoded() {
        let cases = [
            ("a/b c?d", "a%2Fb%20c%3Fd"),
            ("100% sure", "100%25%20sure"),
            ("é#frag", "%C3%A9%23frag"),
            ("a%2Fb", "a%252Fb"),
            ("back\\slash", "back%5Cslash"),
            ("US0123-abc_~.x", "US0123-abc_~.x"),
            ("...", "..."),
        ];
        for (value, encoded) in cases {
            assert_eq!(encode_path_segment(value), encoded, "{value:?}");
        }
    }

    #[test]
    fn values_that_cannot_be_a_segment_are_flagged() {
        for value in ["", ".", ".."] {
            let path = format!("/v2/Conversations/{}", encode_path_segment(value));
            let url = url::Url::parse(&format!("https://example.com{path}")).unwrap();
            assert!(
                invalid_parameter(url.path()).is_some(),
                "{value:?} -> {url}"
            );
        }
        assert_eq!(invalid_parameter("/v2/Conversations/abc"), None);
    }
}
