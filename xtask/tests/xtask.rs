//! Every test of the generator as a program, in one binary (one link
//! after a change to the xtask instead of five): each file is a module,
//! sharing `common`.

#[path = "bad_specs.rs"]
mod bad_specs;
mod common;
#[path = "form_arrays.rs"]
mod form_arrays;
#[path = "fourth_api.rs"]
mod fourth_api;
#[path = "hostile_specs.rs"]
mod hostile_specs;
#[path = "user_crate.rs"]
mod user_crate;
