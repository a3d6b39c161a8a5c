//! Every wire-level test, in one binary: one link after a regeneration
//! instead of one per file. Each file stays a module of its own, and its
//! snapshots keep their names behind the `wire__` prefix insta gives the
//! binary.

#[path = "bird_conversations.rs"]
mod bird_conversations;
#[path = "errors.rs"]
mod errors;
#[path = "facade.rs"]
mod facade;
#[path = "faults.rs"]
mod faults;
#[path = "hostile_input.rs"]
mod hostile_input;
#[path = "mocks.rs"]
mod mocks;
#[path = "properties.rs"]
mod properties;
#[path = "proxy.rs"]
mod proxy;
#[path = "requests_bird_conversations.rs"]
mod requests_bird_conversations;
#[path = "requests_twilio_conversations_v1.rs"]
mod requests_twilio_conversations_v1;
#[path = "requests_twilio_conversations_v2.rs"]
mod requests_twilio_conversations_v2;
#[path = "responses.rs"]
mod responses;
#[path = "retries.rs"]
mod retries;
#[path = "tracing.rs"]
mod tracing_spans;
#[path = "twilio_conversations_v1.rs"]
mod twilio_conversations_v1;
#[path = "twilio_conversations_v2.rs"]
mod twilio_conversations_v2;
#[path = "webhooks.rs"]
mod webhooks;
