//! Every test of the generator as a program, in one binary (one link
//! after a change to the xtask): each file is a module, sharing `common`.
//!
//! libtest starts tests in the order of their names. `examples` (the
//! longest: a regenerated copy and two crates built against it) sorts
//! first, so the other tests run beside it instead of after it.

mod common;
#[path = "examples.rs"]
mod examples;
#[path = "fourth_api.rs"]
mod fourth_api;
#[path = "hostile_specs.rs"]
mod hostile_specs;
#[path = "refusals.rs"]
mod refusals;
