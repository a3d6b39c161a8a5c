//! Reading credentials from the environment, testably.

use interlocutor_runtime::CredentialError;

/// Looks up environment variables. `std::env::var` in production; tests
/// pass a closure over a map instead of mutating the process environment.
pub(crate) trait Lookup {
    fn get(&self, name: &'static str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Lookup for F {
    fn get(&self, name: &'static str) -> Option<String> {
        self(name)
    }
}

/// The process environment. A variable that is not valid Unicode counts as
/// set, so the credential check reports it instead of silently skipping it.
pub(crate) fn process_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => Some("\u{fffd}".to_owned()),
    }
}

/// The value of a variable that must be set.
pub(crate) fn required(
    lookup: &impl Lookup,
    name: &'static str,
) -> Result<String, CredentialError> {
    lookup
        .get(name)
        .ok_or_else(|| CredentialError::new(name, "environment variable is not set"))
}
