//! `floe stun ping SERVER[:PORT]`: one Binding request, retransmitted as RFC 8489 §6.2.1 says
//! within `--timeout`; prints the mapped address and the round-trip time. It is a discovery run
//! with only mapping test I, so it shares `floe stun nat`'s sockets and transactions.

use core::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use floe_nat::{DiscoveryConfig, Outcome, Test, transactions_within};
use serde_json::json;

use super::client::{drive, primary_socket, resolve, timeout_arg};
use super::nat::EXIT_NO_ANSWER;
use super::nat_render::evidence_json;
use crate::input::{EXIT_FAILED, usage_error};

/// Arguments of `floe stun ping`.
#[derive(Debug, Args)]
pub(crate) struct PingArgs {
    /// The STUN server: an IP address or host name, with :PORT unless it is 3478.
    #[arg(value_name = "SERVER[:PORT]")]
    server: String,
    /// One JSON object instead of the readable line.
    #[arg(long)]
    json: bool,
    /// The local address to send from (default: any address, an ephemeral port).
    #[arg(long, value_name = "ADDR")]
    local: Option<SocketAddr>,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
}

/// Runs `floe stun ping`.
pub(crate) fn run(args: &PingArgs) -> ExitCode {
    let timeout = match timeout_arg(args.timeout) {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let server = match resolve(&args.server, args.local) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("floe: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let (primary, local) = match primary_socket(server, args.local) {
        Ok(p) => p,
        Err(e) => return usage_error(&e),
    };
    let mut config = DiscoveryConfig::new(server, local);
    config.transactions = transactions_within(timeout);
    config.software = Some(concat!("floe ", env!("CARGO_PKG_VERSION")).to_owned());
    config.mapping = false;
    config.filtering = false;
    config.hairpinning = false;
    let report = match drive(config, primary, Instant::now() + timeout) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("floe: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let Some(e) = report.evidence_of(Test::MappingI) else {
        eprintln!("floe: no request was sent");
        return ExitCode::from(EXIT_FAILED);
    };
    if args.json {
        let mut v = evidence_json(e);
        if let serde_json::Value::Object(o) = &mut v {
            o.insert("server".into(), json!(server.to_string()));
            o.insert("local".into(), json!(local.to_string()));
        }
        println!("{v}");
    }
    let code = match e.outcome {
        Some(Outcome::Answered {
            from,
            mapped: Some(mapped),
            rtt,
            ..
        }) => {
            if !args.json {
                println!(
                    "{server}: mapped address {mapped}, rtt {:.3} ms (from {from}, local {local})",
                    rtt.as_secs_f64() * 1e3
                );
            }
            0
        }
        Some(Outcome::Answered { from, .. }) => {
            if !args.json {
                println!("{server}: answered from {from} without a mapped address");
            }
            EXIT_FAILED
        }
        Some(Outcome::Error { from, code }) => {
            if !args.json {
                println!("{server}: error {code} from {from}");
            }
            EXIT_FAILED
        }
        _ => {
            if !args.json {
                println!("{server}: no answer in {:.1} s", timeout.as_secs_f64());
            }
            EXIT_NO_ANSWER
        }
    };
    ExitCode::from(code)
}
