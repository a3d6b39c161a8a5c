//! What the wire-level tests in `tests/tests/`, the command line's tests
//! and the bench share: a small
//! HTTP/1.1 server on 127.0.0.1 ([`server`]), the specs' operations and
//! examples ([`specs`]), request snapshots and the record-equals-wire check
//! ([`record`]), and test clients ([`clients`]).

pub mod clients;
pub mod record;
pub mod server;
pub mod specs;

pub use clients::*;
pub use interlocutor::testing::{RecordedRequest, ScriptedResponse, TestTransport};
pub use record::*;
pub use server::{CaptureServer, Captured, Connection, Reply};
pub use specs::*;
