//! Zero-copy STUN/TURN message codec.
//!
//! (Being built: see the crate's issue.)
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(clippy::exhaustive_enums)]

#[cfg(feature = "std")]
extern crate std;
extern crate alloc;
