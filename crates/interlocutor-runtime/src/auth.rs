//! Credentials and the `Authorization` header they become.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::HeaderValue;

/// How an API authenticates, as declared by its spec's `securitySchemes`.
///
/// The generator emits one of these per client crate, so the builder can
/// refuse credentials of the wrong kind before any request is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityScheme {
    /// `type: http, scheme: basic`: `Authorization: Basic base64(user:password)`.
    Basic,
    /// `type: http` with another scheme name, sent as
    /// `Authorization: <scheme> <token>` (Bird's `AccessKey`, a `Bearer`...).
    Token {
        /// The scheme name exactly as the spec spells it.
        scheme: &'static str,
    },
}

impl fmt::Display for SecurityScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic => f.write_str("HTTP Basic"),
            Self::Token { scheme } => write!(f, "`{scheme}` token"),
        }
    }
}

/// Secret material for one client.
///
/// Every part is checked when it is made, so a stray newline from a secrets
/// file is reported at start-up (naming the part, never its content) rather
/// than as a puzzling 401 later. `Debug` never prints a secret.
#[derive(Clone)]
pub struct Credentials {
    kind: CredentialKind,
}

#[derive(Clone)]
enum CredentialKind {
    Basic { username: String, password: String },
    Token { token: String },
}

impl Credentials {
    /// HTTP Basic credentials. `username_label` and `password_label` name the
    /// two values in error messages (e.g. `"Account SID"`, `"Auth Token"`).
    pub fn basic(
        username: impl Into<String>,
        password: impl Into<String>,
        username_label: &'static str,
        password_label: &'static str,
    ) -> Result<Self, CredentialError> {
        let username = username.into();
        let password = password.into();
        CredentialError::check(&username, username_label)?;
        if username.contains(':') {
            return Err(CredentialError::new(username_label, "contains `:`"));
        }
        CredentialError::check(&password, password_label)?;
        Ok(Self {
            kind: CredentialKind::Basic { username, password },
        })
    }

    /// A bearer-style token, sent after the scheme name the API declares.
    /// `label` names the value in error messages (e.g. `"access key"`).
    pub fn token(token: impl Into<String>, label: &'static str) -> Result<Self, CredentialError> {
        let token = token.into();
        CredentialError::check(&token, label)?;
        Ok(Self {
            kind: CredentialKind::Token { token },
        })
    }

    /// The scheme these credentials can serve.
    fn fits(&self, scheme: SecurityScheme) -> bool {
        matches!(
            (&self.kind, scheme),
            (CredentialKind::Basic { .. }, SecurityScheme::Basic)
                | (CredentialKind::Token { .. }, SecurityScheme::Token { .. })
        )
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            CredentialKind::Basic { .. } => "HTTP Basic credentials",
            CredentialKind::Token { .. } => "a token",
        }
    }

    /// The `Authorization` header value for `scheme`, marked sensitive so
    /// reqwest and `http` redact it in their own `Debug` output.
    pub(crate) fn authorization(
        &self,
        scheme: SecurityScheme,
    ) -> Result<HeaderValue, CredentialError> {
        if !self.fits(scheme) {
            return Err(CredentialError {
                what: "credentials",
                problem: CredentialProblem::WrongKind {
                    given: self.kind_name(),
                    expected: scheme,
                },
            });
        }
        let text = match (&self.kind, scheme) {
            (CredentialKind::Basic { username, password }, _) => {
                format!("Basic {}", BASE64.encode(format!("{username}:{password}")))
            }
            (CredentialKind::Token { token }, SecurityScheme::Token { scheme }) => {
                format!("{scheme} {token}")
            }
            (CredentialKind::Token { .. }, SecurityScheme::Basic) => {
                unreachable!("checked by fits")
            }
        };
        let mut value = HeaderValue::try_from(text)
            .map_err(|_| CredentialError::new("credentials", "cannot be sent in an HTTP header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CredentialKind::Basic { username, .. } => f
                .debug_struct("Credentials::Basic")
                .field("username", &Redacted(username))
                .field("password", &Redacted(""))
                .finish(),
            CredentialKind::Token { .. } => f
                .debug_struct("Credentials::Token")
                .field("token", &Redacted(""))
                .finish(),
        }
    }
}

/// Prints `** redacted **` whatever it holds.
struct Redacted<'a>(#[allow(dead_code)] &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

impl CredentialError {
    /// Refuses a credential value that is empty, or holds a line break,
    /// white space, a control or a non-ASCII character (a copy-paste
    /// accident, or a value that would corrupt a header), naming it as
    /// `label` and never showing it. Providers' helpers check their own
    /// formats (a Twilio SID) after this one, so the message says what is
    /// really wrong.
    pub fn check(value: &str, label: &'static str) -> Result<(), CredentialError> {
        if value.is_empty() {
            return Err(CredentialError::new(label, "is empty"));
        }
        if value.contains(['\r', '\n']) {
            return Err(CredentialError::new(label, "contains a line break"));
        }
        if value.chars().any(|c| c.is_whitespace()) {
            return Err(CredentialError::new(label, "contains white space"));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CredentialError::new(
                label,
                "contains a control or non-ASCII character",
            ));
        }
        Ok(())
    }
}

/// A credential was refused. Names the value, never shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError {
    what: &'static str,
    problem: CredentialProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CredentialProblem {
    Invalid(&'static str),
    WrongKind {
        given: &'static str,
        expected: SecurityScheme,
    },
}

impl CredentialError {
    /// `what` names the value (e.g. `"Auth Token"`), `problem` says what is
    /// wrong with it, as a predicate: `"is empty"`.
    pub fn new(what: &'static str, problem: &'static str) -> Self {
        Self {
            what,
            problem: CredentialProblem::Invalid(problem),
        }
    }

    /// The name of the refused value.
    pub fn what(&self) -> &'static str {
        self.what
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            CredentialProblem::Invalid(problem) => write!(f, "the {} {problem}", self.what),
            CredentialProblem::WrongKind { given, expected } => write!(
                f,
                "this API authenticates with {expected}, but the client was given {given}"
            ),
        }
    }
}

impl std::error::Error for CredentialError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_base64_of_user_colon_password() {
        let credentials = Credentials::basic("user", "pass", "user", "password").unwrap();
        let header = credentials.authorization(SecurityScheme::Basic).unwrap();
        // base64("user:pass") per RFC 7617's own example style.
        assert_eq!(header.to_str().unwrap(), "Basic dXNlcjpwYXNz");
        assert!(header.is_sensitive());
    }

    #[test]
    fn token_header_uses_the_declared_scheme() {
        let credentials = Credentials::token("abcd", "access key").unwrap();
        let scheme = SecurityScheme::Token {
            scheme: "AccessKey",
        };
        let header = credentials.authorization(scheme).unwrap();
        assert_eq!(header.to_str().unwrap(), "AccessKey abcd");
    }

    #[test]
    fn wrong_kind_is_refused() {
        let credentials = Credentials::token("abcd", "access key").unwrap();
        let error = credentials
            .authorization(SecurityScheme::Basic)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "this API authenticates with HTTP Basic, but the client was given a token"
        );
    }

    #[test]
    fn bad_values_are_named_not_shown() {
        let cases = [
            ("", "the access key is empty"),
            ("abc\r\nX-Evil: 1", "the access key contains a line break"),
            ("abc def", "the access key contains white space"),
            (
                "abc\u{7}",
                "the access key contains a control or non-ASCII character",
            ),
            (
                "abcé",
                "the access key contains a control or non-ASCII character",
            ),
        ];
        for (value, message) in cases {
            let error = Credentials::token(value, "access key").unwrap_err();
            assert_eq!(error.to_string(), message);
        }
        let error = Credentials::basic("a:b", "secret", "Account SID", "Auth Token").unwrap_err();
        assert_eq!(error.to_string(), "the Account SID contains `:`");
    }

    #[test]
    fn debug_never_prints_secrets() {
        let basic = Credentials::basic("ACuser", "s3cr3t", "user", "password").unwrap();
        let token = Credentials::token("t0k3n", "key").unwrap();
        for text in [
            format!("{basic:?}"),
            format!("{token:?}"),
            format!("{basic:#?}"),
        ] {
            assert!(
                !text.contains("s3cr3t") && !text.contains("t0k3n") && !text.contains("ACuser")
            );
            assert!(text.contains("** redacted **"), "{text}");
        }
    }
}
