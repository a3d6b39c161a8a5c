//! Wire-level tests live in `tests/tests/`.
