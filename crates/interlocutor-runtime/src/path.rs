//! Path parameters that always stay one segment.
//!
//! A parameter is percent-encoded straight into the request URL: every
//! character but RFC 3986's unreserved ones, `/`, `?`, `#`, `%` and `\`
//! (which URL parsers read as `/`) included. A value that no URL can carry
//! as a segment (empty, `.` or `..`, which would address another resource)
//! is refused, naming the parameter.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `value`, percent-encoded as exactly one segment, to `url`, as
/// it prints: no copy of the value first. Refuses (and appends nothing for)
/// a value that cannot be a segment, saying why.
pub(crate) fn push_segment(
    url: &mut String,
    value: &(impl std::fmt::Display + ?Sized),
) -> Result<(), &'static str> {
    use std::fmt::Write as _;
    let start = url.len();
    let _ = write!(Encoder(url), "{value}");
    let problem = match &url[start..] {
        "" => "is empty, which would address another resource",
        // URL parsers remove `.` and `..` segments, even percent-encoded.
        "." | ".." => "is `.` or `..`, which a URL cannot carry as a segment",
        _ => return Ok(()),
    };
    url.truncate(start);
    Err(problem)
}

/// Percent-encodes what is written to it, onto the string it holds.
struct Encoder<'a>(&'a mut String);

impl std::fmt::Write for Encoder<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.extend(utf8_percent_encode(text, SEGMENT));
        Ok(())
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
            let mut url = String::from("/v2/Conversations/");
            push_segment(&mut url, value).unwrap();
            assert_eq!(url, format!("/v2/Conversations/{encoded}"), "{value:?}");
        }
    }

    #[test]
    fn values_that_cannot_be_a_segment_are_refused_and_leave_no_trace() {
        for value in ["", ".", ".."] {
            let mut url = String::from("/v2/Conversations/");
            assert!(push_segment(&mut url, value).is_err(), "{value:?}");
            assert_eq!(url, "/v2/Conversations/");
        }
        let mut url = String::new();
        assert!(
            push_segment(&mut url, "%2E").is_ok(),
            "an encoded dot is text"
        );
    }
}
