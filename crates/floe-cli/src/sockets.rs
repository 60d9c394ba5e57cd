//! Real sockets for a TURN client: [`Conn`], one UDP socket or TCP stream to the server, and
//! [`ClientDriver`], which runs a sans-I/O [`floe_turn::Client`] over it; and for an ICE agent:
//! [`AgentSockets`], its UDP sockets and the send and receive halves of its drive loop.
//!
//! `floe turn allocate` and the floe-interop tests both drive their clients through
//! [`ClientDriver`]. Every wait is bounded by a deadline the caller gives.
//!
//! ```no_run
//! use std::time::{Duration, Instant};
//!
//! use floe_cli::sockets::ClientDriver;
//! use floe_turn::{ClientConfig, TurnEvent};
//!
//! let server = "127.0.0.1:3478".parse().unwrap();
//! let mut d = ClientDriver::connect(ClientConfig::new(server, "alice", "secret"))?;
//! d.client.allocate(Instant::now())?;
//! let relayed = d.wait_for(Duration::from_secs(5), |e| match e {
//!     TurnEvent::Allocated { relayed, .. } => Some(*relayed),
//!     _ => None,
//! })?;
//! println!("relayed {relayed}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod agent;
mod conn;
mod driver;

pub use agent::{AgentSockets, SocketStats, pause};
pub use conn::{Conn, is_timeout};
pub use driver::{ClientDriver, DriveError, Seen};
