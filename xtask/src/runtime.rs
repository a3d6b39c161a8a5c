//! Every item of `interlocutor-runtime` that generated code names, in one
//! place: the emitters build paths through [`path`], and a test checks that
//! every `::interlocutor_runtime::…` path in the generated crates is listed
//! in [`ITEMS`] (so a runtime rename is one edit here, found by the test).

use proc_macro2::TokenStream;
use quote::quote;

/// The runtime's package name.
pub const CRATE: &str = "interlocutor-runtime";

/// The runtime's crate name in paths.
pub const IDENT: &str = "interlocutor_runtime";

/// `::interlocutor_runtime`.
pub fn path() -> TokenStream {
    let ident = proc_macro2::Ident::new(IDENT, proc_macro2::Span::call_site());
    quote!(::#ident)
}

/// A runtime item as a path string, for typify's `x-rust-type`.
pub fn item(name: &str) -> String {
    debug_assert!(ITEMS.contains(&name), "`{name}` is not in runtime::ITEMS");
    format!("{IDENT}::{name}")
}

/// The runtime items generated code names.
pub const ITEMS: &[&str] = &[
    // The client: `api_client!` defines it, operations call `Context`.
    "api_client",
    "SecurityScheme",
    "Context",
    "Operation",
    "Status",
    "Response",
    "Result",
    "http",
    // Errors.
    "Error",
    "NoErrorBody",
    "ProviderError",
    "ProviderErrorFields",
    "IntoErrorCode",
    // Inputs: path parameters and request checks.
    "path_text",
    "path_param",
    "Validate",
    "Invalid",
    "Field",
    "validate",
    // Types the spec rewrite points typify at.
    "Nullable",
    "FormNullable",
    "Open",
    "deserialize_present",
    "whole_seconds",
    // Events the API sends (callbacks).
    "webhook",
    // Typed mocks (the `testing` feature).
    "testing",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every runtime item the checked-in generated crates name is listed
    /// here: a rename in the runtime is found by this test, not by users.
    #[test]
    fn every_runtime_item_generated_code_names_is_listed() {
        let root = crate::workspace_root();
        let prefix = format!("::{IDENT}::");
        let mut named = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let generated = entry.unwrap().path().join("src/generated.rs");
            let Ok(code) = std::fs::read_to_string(&generated) else {
                continue;
            };
            for (at, _) in code.match_indices(&prefix) {
                let rest = &code[at + prefix.len()..];
                let item: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '!')
                    .collect();
                named.insert(item.trim_end_matches('!').to_owned());
            }
        }
        assert!(named.contains("api_client"), "{named:?}");
        let unlisted: Vec<&String> = named
            .iter()
            .filter(|item| !ITEMS.contains(&item.as_str()))
            .collect();
        assert!(unlisted.is_empty(), "not in runtime::ITEMS: {unlisted:?}");
    }
}
