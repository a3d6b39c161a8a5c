//! Bird's credentials, beside the generated client in `interlocutor::bird`
//! (see `src/apis.rs`, generated).
//!
//! Bird authenticates with `Authorization: AccessKey <key>`, and signs the
//! webhooks it delivers ([`webhook`]).

pub mod webhook;

use interlocutor_runtime::{CredentialError, Credentials};

use crate::env::{Lookup, process_env, required};

/// The environment variable [`from_env`] reads.
pub const ACCESS_KEY_VAR: &str = "BIRD_ACCESS_KEY";

/// An access key, sent as `Authorization: AccessKey <key>`.
pub fn access_key(key: impl Into<String>) -> Result<Credentials, CredentialError> {
    Credentials::token(key, "access key")
}

/// The access key in `BIRD_ACCESS_KEY`. Errors name the variable, never
/// its value.
pub fn from_env() -> Result<Credentials, CredentialError> {
    from_lookup(&process_env)
}

fn from_lookup(lookup: &impl Lookup) -> Result<Credentials, CredentialError> {
    Credentials::token(required(lookup, ACCESS_KEY_VAR)?, ACCESS_KEY_VAR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_key_is_read_and_checked() {
        assert!(from_lookup(&|_: &str| Some("abcd".to_owned())).is_ok());
        assert_eq!(
            from_lookup(&|_: &str| None).unwrap_err().to_string(),
            "the BIRD_ACCESS_KEY environment variable is not set"
        );
        assert_eq!(
            from_lookup(&|_: &str| Some(" abcd".to_owned()))
                .unwrap_err()
                .to_string(),
            "the BIRD_ACCESS_KEY contains white space"
        );
    }
}
