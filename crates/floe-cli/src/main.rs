//! `floe`: decode, check and exercise STUN, TURN, ICE candidates and SDP.
//!
//! This is the only Floe crate that does I/O (files, stdin, sockets, signals). Each subcommand
//! group lives in its own module with a `Command` enum (clap) and a `run` function returning the
//! process exit code, the same outcome giving the same code in every subcommand
//! ([`EXIT_CODES`]). Errors in an input have one format everywhere:
//! `SOURCE:LINE:COLUMN: error: MESSAGE`, line and column 1-based. The TURN
//! client's socket and drive loop live in the library target ([`floe_cli::sockets`]), which
//! floe-interop shares.
#![forbid(unsafe_code)]

mod candidate;
mod ice;
mod input;
mod sdp;
mod stun;
mod stun_serve;
mod turn;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The exit codes of every subcommand, and the error format (`floe --help` shows them).
const EXIT_CODES: &str = "\
Exit status, the same in every subcommand:
  0  success: the input is valid, every check passed, the server ran until stopped
  1  invalid input (does not parse or decode, not UTF-8, unusable), or a check or an
     exchange with a server failed
  2  usage error: bad flags or arguments, a file that cannot be read, an address that
     cannot be bound or resolved

Errors in an input are printed as SOURCE:LINE:COLUMN: error: MESSAGE (1-based; SOURCE
is a file name, <stdin>, <args> or the flag that carried the text).";

/// Floe: the connectivity layer of WebRTC, on the command line.
#[derive(Debug, Parser)]
#[command(name = "floe", version, about, propagate_version = true, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Group,
}

#[derive(Debug, Subcommand)]
enum Group {
    /// STUN messages and ChannelData frames.
    #[command(subcommand)]
    Stun(stun::Command),
    /// ICE candidate lines (RFC 8839).
    #[command(subcommand)]
    Candidate(candidate::Command),
    /// Session descriptions (RFC 8866).
    #[command(subcommand)]
    Sdp(sdp::Command),
    /// TURN client and server (RFC 8656).
    #[command(subcommand)]
    Turn(turn::Command),
    /// ICE agents (RFC 8445) over real sockets.
    #[command(subcommand)]
    Ice(ice::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Group::Stun(cmd) => stun::run(cmd),
        Group::Candidate(cmd) => candidate::run(cmd),
        Group::Sdp(cmd) => sdp::run(cmd),
        Group::Turn(cmd) => turn::run(cmd),
        Group::Ice(cmd) => ice::run(cmd),
    }
}
