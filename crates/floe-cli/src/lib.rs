//! The socket layer of the `floe` command-line tool, as a library.
//!
//! Floe's other crates are sans-I/O; this one owns the sockets. Its library target exposes
//! only [`sockets`]: the connection to a TURN server and the loop that drives a
//! [`floe_turn::Client`] over it, shared by `floe turn allocate` and the floe-interop tests so
//! that there is one copy of each. The command-line parsing stays private to the binary. This
//! surface serves the workspace's own tools and tests; it is not a stable API.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

pub mod sockets;
