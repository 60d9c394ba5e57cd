//! `floe stun nat SERVER[:PORT]`: RFC 5780 NAT behaviour discovery over real sockets.

use core::net::SocketAddr;
use core::time::Duration;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use floe_nat::{DiscoveryConfig, LifetimeConfig, Report, Unknown, transactions_within};

use super::client::{drive, primary_socket, resolve, timeout_arg};
use super::nat_render::{json, text};
use crate::input::{EXIT_FAILED, usage_error};

/// Exit status when the server does not support RFC 5780.
pub(crate) const EXIT_NO_RFC5780: u8 = 3;
/// Exit status when nothing answered.
pub(crate) const EXIT_NO_ANSWER: u8 = 4;

/// Arguments of `floe stun nat`.
#[derive(Debug, Args)]
pub(crate) struct NatArgs {
    /// The STUN server: an IP address or host name, with :PORT unless it is 3478.
    #[arg(value_name = "SERVER[:PORT]")]
    server: String,
    /// Also print every test: what was sent from which socket to where, and what came back
    /// or timed out.
    #[arg(short, long)]
    verbose: bool,
    /// One JSON object instead of the readable lines.
    #[arg(long)]
    json: bool,
    /// The local address of the primary socket (default: any address, an ephemeral port).
    /// Fresh sockets for the filtering and lifetime tests bind to its IP address.
    #[arg(long, value_name = "ADDR")]
    local: Option<SocketAddr>,
    /// Also measure the binding lifetime (RFC 5780 §4.6): trials after 15, 30, 60, 120 and
    /// 240 s, side by side, so the run takes about 4 minutes more.
    #[arg(long)]
    lifetime: bool,
    /// The lifetime trials' waits in seconds, comma-separated (at most 8; implies
    /// --lifetime).
    #[arg(long, value_name = "SECS,...", value_delimiter = ',')]
    lifetime_trials: Vec<u64>,
    /// Give up after this many seconds (the lifetime trials' longest wait is added); requests
    /// are retransmitted as RFC 8489 says within it.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
}

/// Runs `floe stun nat`.
pub(crate) fn run(args: &NatArgs) -> ExitCode {
    let timeout = match timeout_arg(args.timeout) {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let server = match resolve(&args.server, args.local) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let (primary, local) = match primary_socket(server, args.local) {
        Ok(p) => p,
        Err(e) => return usage_error(&e),
    };
    let mut config = DiscoveryConfig::new(server, local);
    config.transactions = transactions_within(timeout);
    config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    let mut deadline_extra = Duration::ZERO;
    if args.lifetime || !args.lifetime_trials.is_empty() {
        let l = if args.lifetime_trials.is_empty() {
            LifetimeConfig::standard()
        } else {
            LifetimeConfig::new(args.lifetime_trials.iter().map(|&s| Duration::from_secs(s)))
        };
        let longest = l.trials.iter().max().copied().unwrap_or_default();
        deadline_extra = longest + config.probe.window(config.probe.rto.saturating_mul(4));
        config.lifetime = Some(l);
    }
    let start = Instant::now();
    let report = match drive(config, primary, start + timeout + deadline_extra) {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let elapsed = start.elapsed();
    if args.json {
        println!("{}", json(&report, local, elapsed));
    } else {
        print!("{}", text(&report, local, elapsed, args.verbose));
    }
    ExitCode::from(exit_code(&report))
}

/// 0 with a verdict, 3 when the server lacks RFC 5780, 4 when nothing answered, 1 otherwise.
fn exit_code(report: &Report) -> u8 {
    if report.no_response() {
        EXIT_NO_ANSWER
    } else if report.server_lacks_rfc5780() {
        EXIT_NO_RFC5780
    } else if report.mapping.is_ok() && matches!(report.filtering, Ok(_) | Err(Unknown::NotRun)) {
        0
    } else {
        EXIT_FAILED
    }
}

/// `floe: MESSAGE` on stderr and exit status 1.
fn failed(message: &str) -> ExitCode {
    eprintln!("floe: {message}");
    ExitCode::from(EXIT_FAILED)
}
