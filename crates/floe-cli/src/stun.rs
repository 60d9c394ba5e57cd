//! `floe stun`: decode STUN messages and ChannelData frames from hex; serve Binding and NAT
//! behaviour discovery (RFC 5780); ask a server for the mapped address (`ping`) and for the
//! NAT's behaviour (`nat`).

mod client;
mod decode;
mod nat;
mod nat_render;
mod ping;
mod render;
pub(crate) mod serve_rfc5780;

use std::process::ExitCode;

use clap::{Args, Subcommand};

/// Subcommands of `floe stun`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Decode STUN messages or TURN ChannelData frames given as hex.
    ///
    /// Exit status: 0 when every message decoded and every check that could run passed, 1
    /// otherwise, 2 for usage errors.
    Decode(DecodeArgs),
    /// Run a STUN server (Binding requests) on UDP and TCP until SIGINT/SIGTERM; with
    /// --other-address also NAT behaviour discovery (RFC 5780) over UDP.
    Serve(crate::stun_serve::StunServeArgs),
    /// Send one Binding request (RFC 8489 retransmissions) and print the mapped address and
    /// the round-trip time.
    ///
    /// Exit status: 0 answered with a mapped address, 1 an error response, a response
    /// without a mapped address or a name that does not resolve, 2 usage errors, 4 nothing
    /// answered before --timeout.
    Ping(ping::PingArgs),
    /// Discover the NAT between this host and an RFC 5780 STUN server: mapping, filtering
    /// (RFC 4787 terms), port preservation, hairpinning, optionally binding lifetime, and the
    /// classic NAT type with what it means for ICE.
    ///
    /// Exit status: 0 a verdict (mapping, and filtering when run, are known), 1 the run could
    /// not conclude for another reason (error responses, malformed responses, the other
    /// address silent, --timeout reached, a name that does not resolve), 2 usage errors, 3 the
    /// server does not support RFC 5780 (the mapped address and what could be learnt are still
    /// printed), 4 nothing answered.
    Nat(nat::NatArgs),
}

/// Arguments of `floe stun decode`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["hex", "input"]))]
pub(crate) struct DecodeArgs {
    /// The message as hex (whitespace ignored).
    #[arg(long, value_name = "HEX")]
    pub(crate) hex: Option<String>,
    /// A file holding hex, or `-` for stdin.
    #[arg(value_name = "FILE")]
    pub(crate) input: Option<String>,
    /// One message per line; blank lines and lines starting with `#` are skipped.
    #[arg(long)]
    pub(crate) lines: bool,
    /// One JSON object per message instead of the readable dump.
    #[arg(long)]
    pub(crate) json: bool,
    /// Short-term credential password, to verify MESSAGE-INTEGRITY(-SHA256).
    #[arg(long, value_name = "P", conflicts_with = "long_term")]
    pub(crate) password: Option<String>,
    /// Long-term credentials USER:REALM:PASS (USER may contain ':', REALM and PASS may not);
    /// the key is MD5, or SHA-256 when the message carries PASSWORD-ALGORITHM SHA-256.
    #[arg(long, value_name = "USER:REALM:PASS")]
    pub(crate) long_term: Option<String>,
}

/// Runs a `floe stun` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Decode(args) => decode::run(&args),
        Command::Serve(args) => crate::stun_serve::run_stun_serve(args),
        Command::Ping(args) => ping::run(&args),
        Command::Nat(args) => nat::run(&args),
    }
}
