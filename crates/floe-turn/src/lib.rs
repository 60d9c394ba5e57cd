//! Sans-I/O TURN client and server.
//!
//! (Being built: see the crate's issue.)

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]
