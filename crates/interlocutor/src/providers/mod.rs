//! Hand-written helpers of each provider (credentials, regions), shown in
//! the provider's module beside its generated clients (`src/apis.rs`). A
//! provider without helpers needs no file here.

pub mod bird;
pub mod twilio;
