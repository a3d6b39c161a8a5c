//! Every test of the generator as a program, in one binary (one link
//! after a change to the xtask): each file is a module, sharing `common`.

mod common;
#[path = "fourth_api.rs"]
mod fourth_api;
#[path = "hostile_specs.rs"]
mod hostile_specs;
#[path = "refusals.rs"]
mod refusals;
#[path = "user_crate.rs"]
mod user_crate;
