//! `floe stun`: decode STUN messages and ChannelData frames from hex.

mod decode;
mod render;

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
    /// Run a STUN server (Binding requests) on UDP and TCP until SIGINT/SIGTERM.
    Serve(crate::stun_serve::StunServeArgs),
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
    }
}
