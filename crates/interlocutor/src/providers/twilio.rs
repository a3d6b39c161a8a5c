//! Twilio's credentials, regions and webhook verification ([`webhook`]),
//! beside the generated clients in `interlocutor::twilio` (see `src/apis.rs`,
//! generated).
//!
//! Twilio authenticates every API with HTTP Basic: an API Key SID and
//! secret (recommended for production) or an Account SID and Auth Token.

pub mod webhook;

use interlocutor_runtime::{BuildError, CredentialError, Credentials};

use crate::env::{Lookup, process_env, required};

/// Environment variables Twilio's own libraries read.
pub const ACCOUNT_SID_VAR: &str = "TWILIO_ACCOUNT_SID";
/// See [`ACCOUNT_SID_VAR`].
pub const AUTH_TOKEN_VAR: &str = "TWILIO_AUTH_TOKEN";
/// See [`ACCOUNT_SID_VAR`].
pub const API_KEY_VAR: &str = "TWILIO_API_KEY";
/// See [`ACCOUNT_SID_VAR`].
pub const API_SECRET_VAR: &str = "TWILIO_API_SECRET";

/// The environment variables that pick Twilio's edge location and region,
/// as Twilio's own libraries read them.
pub const EDGE_VAR: &str = "TWILIO_EDGE";
/// See [`EDGE_VAR`].
pub const REGION_VAR: &str = "TWILIO_REGION";

/// The base URL of Twilio's Conversations API at an edge location and
/// region (e.g. `"dublin"`, `"ie1"`), for [`ClientBuilder::base_url`].
/// Without it, requests go to the default US1 region.
///
/// [`ClientBuilder::base_url`]: interlocutor_runtime::ClientBuilder::base_url
///
/// ```
/// assert_eq!(
///     interlocutor::twilio::regional_base_url("dublin", "ie1").unwrap(),
///     "https://conversations.dublin.ie1.twilio.com"
/// );
/// ```
pub fn regional_base_url(edge: &str, region: &str) -> Result<String, BuildError> {
    base_url(Some(edge), Some(region))
}

/// The base URL for an edge and a region, each optional, composed as
/// Twilio's own libraries compose it: both give
/// `conversations.{edge}.{region}.twilio.com`; a region alone
/// `conversations.{region}.twilio.com`; an edge alone the edge in `us1`.
///
/// ```
/// use interlocutor::twilio::base_url;
/// assert_eq!(base_url(None, Some("ie1")).unwrap(), "https://conversations.ie1.twilio.com");
/// assert_eq!(base_url(Some("sydney"), None).unwrap(), "https://conversations.sydney.us1.twilio.com");
/// assert_eq!(base_url(None, None).unwrap(), "https://conversations.twilio.com");
/// ```
pub fn base_url(edge: Option<&str>, region: Option<&str>) -> Result<String, BuildError> {
    // One DNS label, as Twilio names its edges and regions (`sao-paulo`,
    // `ashburn-ix`, `us1-ix`): it cannot add a label, a port or user info.
    let is_label = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let region = match (edge, region) {
        (Some(_), None) => Some("us1"),
        (_, region) => region,
    };
    let labels: Vec<&str> = [edge, region].into_iter().flatten().collect();
    if let Some(bad) = labels.iter().find(|label| !is_label(label)) {
        // Echoed only when it cannot be a secret or drive a terminal: a
        // refused value may be anything (`AC…:token@…`, an escape).
        let shown = if bad.len() <= 63
            && bad
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            format!("conversations.{bad}.twilio.com")
        } else {
            "<not shown: the edge or region has characters a host name cannot>".to_owned()
        };
        return Err(BuildError::InvalidBaseUrl {
            url: shown,
            reason: "the edge and region must be lowercase names such as `dublin`, `sao-paulo`, \
                     `ie1` or `us1-ix`",
        });
    }
    let mut host = String::from("conversations");
    for label in labels {
        host.push('.');
        host.push_str(label);
    }
    Ok(format!("https://{host}.twilio.com"))
}

/// The base URL `TWILIO_EDGE` and `TWILIO_REGION` ask for, as Twilio's
/// own libraries read them; `None` when neither is set.
///
/// ```no_run
/// # fn main() -> interlocutor::Result<()> {
/// use interlocutor::twilio::{self, conversations_v2::Client};
///
/// let mut builder = Client::builder(twilio::from_env()?);
/// if let Some(url) = twilio::base_url_from_env()? {
///     builder = builder.base_url(url);
/// }
/// let client = builder.build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub fn base_url_from_env() -> Result<Option<String>, BuildError> {
    base_url_from_lookup(&process_env)
}

fn base_url_from_lookup(lookup: &impl Lookup) -> Result<Option<String>, BuildError> {
    let edge = lookup.get(EDGE_VAR).filter(|v| !v.is_empty());
    let region = lookup.get(REGION_VAR).filter(|v| !v.is_empty());
    if edge.is_none() && region.is_none() {
        return Ok(None);
    }
    base_url(edge.as_deref(), region.as_deref()).map(Some)
}

/// Basic auth with an Account SID (`AC` + 32 hex digits) and its Auth Token.
pub fn account(
    account_sid: impl Into<String>,
    auth_token: impl Into<String>,
) -> Result<Credentials, CredentialError> {
    let account_sid = account_sid.into();
    check_sid(&account_sid, "AC", "Account SID")?;
    Credentials::basic(account_sid, auth_token, "Account SID", "Auth Token")
}

/// Basic auth with an API Key SID (`SK` + 32 hex digits) and its secret.
pub fn api_key(
    api_key_sid: impl Into<String>,
    api_key_secret: impl Into<String>,
) -> Result<Credentials, CredentialError> {
    let api_key_sid = api_key_sid.into();
    check_sid(&api_key_sid, "SK", "API Key SID")?;
    Credentials::basic(api_key_sid, api_key_secret, "API Key SID", "API Key secret")
}

/// Credentials from the environment: `TWILIO_API_KEY` and
/// `TWILIO_API_SECRET` when either is set, otherwise `TWILIO_ACCOUNT_SID`
/// and `TWILIO_AUTH_TOKEN`. Errors name the variable, never its value.
pub fn from_env() -> Result<Credentials, CredentialError> {
    from_lookup(&process_env)
}

fn from_lookup(lookup: &impl Lookup) -> Result<Credentials, CredentialError> {
    if lookup.get(API_KEY_VAR).is_some() || lookup.get(API_SECRET_VAR).is_some() {
        let key = required(lookup, API_KEY_VAR)?;
        let secret = required(lookup, API_SECRET_VAR)?;
        check_sid(&key, "SK", API_KEY_VAR)?;
        return Credentials::basic(key, secret, API_KEY_VAR, API_SECRET_VAR);
    }
    let sid = required(lookup, ACCOUNT_SID_VAR)?;
    let token = required(lookup, AUTH_TOKEN_VAR)?;
    check_sid(&sid, "AC", ACCOUNT_SID_VAR)?;
    Credentials::basic(sid, token, ACCOUNT_SID_VAR, AUTH_TOKEN_VAR)
}

/// Twilio SIDs are a two-letter prefix and 32 hex digits; catching a
/// swapped or truncated value here beats a 401 later.
fn check_sid(sid: &str, prefix: &str, label: &'static str) -> Result<(), CredentialError> {
    // Empty, a trailing line break...: said as such, not as a bad SID.
    CredentialError::check(sid, label)?;
    let well_formed = sid.len() == 34
        && sid.starts_with(prefix)
        && sid[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if well_formed {
        Ok(())
    } else if prefix == "AC" {
        Err(CredentialError::new(
            label,
            "is not `AC` followed by 32 hexadecimal digits",
        ))
    } else {
        Err(CredentialError::new(
            label,
            "is not `SK` followed by 32 hexadecimal digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
    const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn regions_and_edges_compose_as_twilio_libraries_do() {
        let cases = [
            (&[][..], None),
            (
                &[(REGION_VAR, "ie1")][..],
                Some("https://conversations.ie1.twilio.com"),
            ),
            (
                &[(EDGE_VAR, "dublin")][..],
                Some("https://conversations.dublin.us1.twilio.com"),
            ),
            (
                &[(EDGE_VAR, "dublin"), (REGION_VAR, "ie1")][..],
                Some("https://conversations.dublin.ie1.twilio.com"),
            ),
        ];
        for (vars, expected) in cases {
            let url = base_url_from_lookup(&env(vars)).unwrap();
            assert_eq!(url.as_deref(), expected, "{vars:?}");
        }
        assert!(base_url_from_lookup(&env(&[(REGION_VAR, "ie1.evil.com/")])).is_err());
    }

    #[test]
    fn every_documented_edge_and_region_is_accepted() {
        for edge in [
            "ashburn",
            "dublin",
            "frankfurt",
            "roaming",
            "sao-paulo",
            "singapore",
            "sydney",
            "tokyo",
            "umatilla",
            "ashburn-ix",
            "san-jose-ix",
            "london-ix",
            "frankfurt-ix",
            "singapore-ix",
            "sydney-ix",
            "tokyo-ix",
        ] {
            assert_eq!(
                base_url(Some(edge), None).unwrap(),
                format!("https://conversations.{edge}.us1.twilio.com"),
            );
        }
        for region in [
            "us1", "us2", "ie1", "au1", "jp1", "br1", "de1", "sg1", "us1-ix",
        ] {
            assert!(base_url(None, Some(region)).is_ok(), "{region}");
        }
    }

    #[test]
    fn a_refused_edge_or_region_is_echoed_only_when_safe() {
        for (edge, shown) in [
            ("-x", true),
            ("x-", true),
            ("ie1.evil.com", true),
            ("AC0123:token@evil.com", false),
            ("dub\u{1b}[2Jlin", false),
            ("host:8080", false),
        ] {
            let error = base_url(Some(edge), None).unwrap_err().to_string();
            assert_eq!(error.contains(edge), shown, "{edge:?}: {error}");
            assert!(!error.contains("token"), "{error}");
            assert!(!error.contains('\u{1b}'), "{error:?}");
        }
    }

    #[test]
    fn sids_are_checked() {
        assert!(account(ACCOUNT_SID, "token").is_ok());
        assert!(api_key(API_KEY_SID, "secret").is_ok());
        let swapped = api_key(ACCOUNT_SID, "secret").unwrap_err();
        assert_eq!(
            swapped.to_string(),
            "the API Key SID is not `SK` followed by 32 hexadecimal digits"
        );
        let truncated = account(&ACCOUNT_SID[..20], "token").unwrap_err();
        assert_eq!(truncated.what(), "Account SID");
    }

    #[test]
    fn env_prefers_api_keys_and_names_missing_variables() {
        let both = env(&[
            (API_KEY_VAR, API_KEY_SID),
            (API_SECRET_VAR, "secret"),
            (ACCOUNT_SID_VAR, ACCOUNT_SID),
            (AUTH_TOKEN_VAR, "token"),
        ]);
        assert!(from_lookup(&both).is_ok());

        let half_key = env(&[(API_KEY_VAR, API_KEY_SID), (ACCOUNT_SID_VAR, ACCOUNT_SID)]);
        assert_eq!(
            from_lookup(&half_key).unwrap_err().to_string(),
            "the TWILIO_API_SECRET environment variable is not set"
        );

        let nothing = env(&[]);
        assert_eq!(
            from_lookup(&nothing).unwrap_err().to_string(),
            "the TWILIO_ACCOUNT_SID environment variable is not set"
        );

        let newline = env(&[(ACCOUNT_SID_VAR, ACCOUNT_SID), (AUTH_TOKEN_VAR, "token\n")]);
        assert_eq!(
            from_lookup(&newline).unwrap_err().to_string(),
            "the TWILIO_AUTH_TOKEN contains a line break"
        );
        let sid = format!("{ACCOUNT_SID}\n");
        let vars = [(ACCOUNT_SID_VAR, sid.as_str()), (AUTH_TOKEN_VAR, "token")];
        let sid_newline = env(&vars);
        assert_eq!(
            from_lookup(&sid_newline).unwrap_err().to_string(),
            "the TWILIO_ACCOUNT_SID contains a line break"
        );
        let empty = env(&[(ACCOUNT_SID_VAR, ""), (AUTH_TOKEN_VAR, "token")]);
        assert_eq!(
            from_lookup(&empty).unwrap_err().to_string(),
            "the TWILIO_ACCOUNT_SID is empty"
        );
    }
}
