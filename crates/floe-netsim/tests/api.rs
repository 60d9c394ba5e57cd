//! Integration tests of floe-netsim through its public API.

#[path = "api/util.rs"]
mod util;

#[path = "api/nat.rs"]
mod nat;

#[path = "api/link.rs"]
mod link;

#[path = "api/turn.rs"]
mod turn;
