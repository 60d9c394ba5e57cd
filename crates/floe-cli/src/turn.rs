//! `floe turn`: a TURN client run against a real server, and a TURN server on real sockets,
//! both driving the sans-I/O state machines of floe-turn.

mod allocate;
pub(crate) mod serve;
mod serve_args;
mod serve_log;
mod serve_tcp;

use std::process::ExitCode;

use clap::Subcommand;

/// Subcommands of `floe turn`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Allocate a relayed address, exercise it (permission, channel, data both ways through an
    /// echoing --peer), refresh and delete it. Without --peer the four peer steps are skipped
    /// and listed as such. Exit 0 only when every step that ran succeeded, 1 when one failed
    /// (or the server refused the connection), 2 for usage errors (a --server name that does
    /// not resolve).
    Allocate(allocate::AllocateArgs),
    /// Run a TURN server (UDP and TCP on --listen) until SIGINT or SIGTERM.
    Serve(serve_args::ServeArgs),
}

/// Runs a `floe turn` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Allocate(args) => allocate::run(&args),
        Command::Serve(args) => serve::run(args),
    }
}
