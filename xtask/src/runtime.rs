//! Every item of `interlocutor-runtime` that generated code names, in one
//! place: the emitters build paths through [`path`], and a test checks that
//! every `::interlocutor_runtime::…` path in the generated crates is listed
//! in [`ITEMS`] (so a runtime rename is one edit here, found by the test).

use proc_macro2::TokenStream;
use quote::quote;

/// The runtime's package name.
pub const CRATE: &str = "interlocutor-runtime";

/// `::interlocutor_runtime`.
pub fn path() -> TokenStream {
    quote!(::interlocutor_runtime)
}

/// A runtime item as a path string, for typify's `x-rust-type`.
pub fn item(name: &str) -> String {
    debug_assert!(ITEMS.contains(&name), "`{name}` is not in runtime::ITEMS");
    format!("{}::{name}", CRATE.replace('-', "_"))
}

/// The runtime items generated code names.
pub const ITEMS: &[&str] = &[
    // The client: `api_client!` defines it, operations call `Context`.
    "api_client",
    "SecurityScheme",
    "Context",
    "Operation",
    "Status",
    "Outgoing",
    "Response",
    "Result",
    "reexports",
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
];
