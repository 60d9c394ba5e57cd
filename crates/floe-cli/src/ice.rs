//! `floe ice`: the floe-ice agent over real sockets.

mod demo;
mod peer;
mod timeline;
mod trace;
mod webrtc_media;

use std::process::ExitCode;

use clap::Subcommand;

/// Subcommands of `floe ice`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Two ICE agents in this process over real UDP sockets on 127.0.0.1, with an embedded
    /// STUN/TURN server: gathering, checks, nomination, the selected pair, data and consent as
    /// they happen, then a summary. Exit 0 when all of it worked, 1 with the reason when not.
    Demo(demo::DemoArgs),
    /// One ICE agent over real UDP sockets on loopback that speaks the JSON signalling of
    /// `../shared/peers/README.md` (as aioice_peer.py does): gathers, writes its description,
    /// reads the other side's, connects, pings or echoes, and prints a JSON result line. Exit 0
    /// when it worked, 1 when not, 2 for a usage error.
    Peer(peer::PeerArgs),
}

/// Runs a `floe ice` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Demo(args) => demo::run(&args),
        Command::Peer(args) => peer::run(&args),
    }
}
