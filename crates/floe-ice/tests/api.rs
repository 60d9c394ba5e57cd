//! The agent's public API, driven through an in-memory network (one test binary).

#[path = "api/harness.rs"]
mod harness;

#[path = "api/connect.rs"]
mod connect;

#[path = "api/auth_first.rs"]
mod auth_first;

#[path = "api/consent.rs"]
mod consent;

#[path = "api/restart.rs"]
mod restart;

#[path = "api/nomination.rs"]
mod nomination;

#[path = "api/mdns.rs"]
mod mdns;

#[path = "api/turn_net.rs"]
mod turn_net;

#[path = "api/relay_stream.rs"]
mod relay_stream;

#[path = "api/remove.rs"]
mod remove;
