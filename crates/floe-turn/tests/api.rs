//! Integration tests of floe-turn through its public API.

#[path = "api/harness.rs"]
mod harness;
#[path = "api/in_process.rs"]
mod in_process;
#[path = "api/tcp.rs"]
mod tcp;
