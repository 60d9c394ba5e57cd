//! Interop tests of the Floe crates against real peers (coturn, aioice) on loopback.
//!
//! The tests live in `tests/`; `.ci/interop.sh` installs and starts the peers and runs them.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
