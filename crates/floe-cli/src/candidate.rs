//! `floe candidate`: parse ICE candidate lines (RFC 8839 §5.1) and show them readably or as
//! JSON.

use core::fmt::Write as _;
use std::process::ExitCode;

use clap::Subcommand;
use floe_ice_candidate::{Candidate, ParseOptions, Parsed};
use serde_json::{Value, json};

use crate::input::{EXIT_FAILED, content_lines, located, read_source, usage_error};

/// Subcommands of `floe candidate`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse candidate lines (`a=candidate:...`, `candidate:...` or bare) given as arguments,
    /// or one per line on stdin when none are given; blank lines and `#` comments are skipped.
    /// Exits 1 if any line is invalid, printing `SOURCE:LINE:COLUMN: error: message` on stderr
    /// (SOURCE is `<args>`, each argument counting as a line, or `<stdin>`).
    Parse {
        /// Candidate lines; read from stdin when absent.
        lines: Vec<String>,
        /// Print one JSON object per candidate: foundation, component, transport, priority,
        /// address, port, type, raddr, rport, tcptype, extensions.
        #[arg(long)]
        json: bool,
        /// Follow RFC 8839 / RFC 6544 strictly instead of accepting what browsers send.
        #[arg(long)]
        strict: bool,
        /// Lenient mode: accept any token as transport (kept as written, with a warning), not
        /// only UDP, TCP and `ssltcp`.
        #[arg(long)]
        allow_unknown_transports: bool,
    },
}

/// Runs a `floe candidate` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Parse {
            lines,
            json,
            strict,
            allow_unknown_transports,
        } => {
            let options = if strict {
                ParseOptions::strict()
            } else {
                ParseOptions::lenient()
            };
            parse(
                &lines,
                json,
                options.allow_unknown_transports(allow_unknown_transports),
            )
        }
    }
}

/// The JSON form of a candidate (also used by `floe sdp json` for its `candidates` arrays):
/// `foundation`, `component`, `transport` (as written), `priority`, `address`, `port`, `type`,
/// `raddr`, `rport`, `tcptype` (null when absent) and `extensions` (`[name, value]` pairs in
/// order).
pub(crate) fn candidate_json(c: &Candidate<'_>) -> Value {
    let related = c.related_address();
    json!({
        "foundation": c.foundation().as_str(),
        "component": c.component(),
        "transport": c.transport_str(),
        "priority": c.priority(),
        "address": c.address().to_string(),
        "port": c.port(),
        "type": c.kind().as_str(),
        "raddr": related.map(|r| r.address.to_string()),
        "rport": related.map(|r| r.port),
        "tcptype": c.tcp_type().map(|t| t.as_str()),
        "extensions": c.extensions().iter().map(|e| json!([e.name, e.value])).collect::<Vec<_>>(),
    })
}

/// The stdin lines to parse: `(number, Ok(line))`, or `Err(column)` of the first byte of a line
/// that is not UTF-8 (that line is reported; the others are still parsed).
fn stdin_lines(bytes: &[u8]) -> Vec<(usize, Result<&str, usize>)> {
    let mut lines = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        match core::str::from_utf8(raw) {
            Ok(text) => lines.extend(content_lines(text).map(|(_, l)| (i + 1, Ok(l)))),
            Err(e) => {
                let valid = core::str::from_utf8(&raw[..e.valid_up_to()]).unwrap_or_default();
                lines.push((i + 1, Err(valid.chars().count() + 1)));
            }
        }
    }
    lines
}

fn parse(args: &[String], json: bool, options: ParseOptions) -> ExitCode {
    let stdin;
    let source = if args.is_empty() { "<stdin>" } else { "<args>" };
    let lines: Vec<(usize, Result<&str, usize>)> = if args.is_empty() {
        stdin = match read_source("-") {
            Ok(bytes) => bytes,
            Err(e) => return usage_error(&format!("stdin: {e}")),
        };
        stdin_lines(&stdin)
    } else {
        args.iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
            .filter(|(_, l)| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#')
            })
            .map(|(i, l)| (i, Ok(l)))
            .collect()
    };
    let mut failed = false;
    for (number, line) in lines {
        let line = match line {
            Ok(line) => line,
            Err(column) => {
                failed = true;
                eprintln!("{}", located(source, number, column, "invalid UTF-8"));
                continue;
            }
        };
        match Candidate::parse_with(line, options) {
            Ok(parsed) if json => println!("{}", candidate_json(&parsed.candidate)),
            Ok(parsed) => print!("{}", readable(number, &parsed)),
            Err(e) => {
                failed = true;
                eprintln!("{}", located(source, number, e.column(), e));
            }
        }
    }
    if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// A few aligned lines describing one candidate, and its warnings.
fn readable(number: usize, parsed: &Parsed<'_>) -> String {
    let c = &parsed.candidate;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "line {number}: {} {} {} port {}",
        c.kind(),
        c.transport_str(),
        c.address(),
        c.port()
    );
    let _ = writeln!(out, "  foundation  {}", c.foundation());
    let _ = writeln!(out, "  component   {}", c.component());
    let p = c.priority();
    let _ = writeln!(
        out,
        "  priority    {p} (type preference {}, local preference {}, component term {})",
        p >> 24,
        (p >> 8) & 0xffff,
        p & 0xff
    );
    if let Some(r) = c.related_address() {
        let _ = writeln!(out, "  related     {} port {}", r.address, r.port);
    }
    if let Some(t) = c.tcp_type() {
        let _ = writeln!(out, "  tcptype     {t}");
    }
    if c.address().is_mdns() {
        let _ = writeln!(out, "  mdns        yes (resolve with multicast DNS)");
    }
    for e in c.extensions() {
        let _ = writeln!(out, "  {:<11} {}", e.name, e.value);
    }
    for w in parsed.warnings.iter() {
        let _ = writeln!(out, "  warning     {number}:{}: {}", w.column, w.kind);
    }
    out
}
