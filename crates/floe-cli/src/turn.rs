//! `floe turn`: placeholder until its issue lands; the owner of this module replaces it.

use std::process::ExitCode;

use clap::Subcommand;

/// Subcommands of `floe turn`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Not built yet.
    Pending,
}

/// Runs a `floe turn` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Pending => crate::input::usage_error("not built yet"),
    }
}
