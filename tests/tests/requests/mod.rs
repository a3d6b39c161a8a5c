//! Requests: every request shape of each operation, recorded in process by
//! the `TestTransport`, sent again to a server on 127.0.0.1 to prove the
//! record is the wire, and pinned as a YAML snapshot named after what it
//! shows.

mod bird;
mod twilio_v1;
mod twilio_v2;
