//! Every wire-level test, in one binary (one link after a regeneration),
//! one module per subject. Each module's snapshots are named after it
//! behind the `wire__` prefix insta gives the binary.

#[path = "building.rs"]
mod building;
#[path = "checks.rs"]
mod checks;
#[path = "credentials.rs"]
mod credentials;
#[path = "errors.rs"]
mod errors;
#[path = "fixtures.rs"]
mod fixtures;
#[path = "mocks.rs"]
mod mocks;
#[path = "properties.rs"]
mod properties;
#[path = "proxy.rs"]
mod proxy;
#[path = "requests/mod.rs"]
mod requests;
#[path = "responses.rs"]
mod responses;
#[path = "retries.rs"]
mod retries;
#[path = "tracing.rs"]
mod tracing_spans;
#[path = "webhooks.rs"]
mod webhooks;
