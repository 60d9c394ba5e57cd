//! The signalling of `floe ice peer` (`../shared/peers/README.md`, "Signalling protocol"): the
//! description each side writes once, how it travels (a file renamed into place, or one line
//! on stdout and stdin), server addresses and the loopback rule. Everything read from the other
//! side is checked here and turned into an error message, never a panic.

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;
use std::io::{self, BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::Instant;

use floe_ice_candidate::{Candidate, Prefix};
use serde_json::{Value, json};

/// How often the remote description file is looked for (README: every 50 ms).
const FILE_POLL: Duration = Duration::from_millis(50);

/// The other side's description, checked.
#[derive(Debug)]
pub(super) struct RemoteDescription {
    /// Its ice-ufrag.
    pub(super) ufrag: String,
    /// Its ice-pwd.
    pub(super) pwd: String,
    /// Its candidates, parsed, in the order given.
    pub(super) candidates: Vec<Candidate<'static>>,
    /// `end_of_candidates` (a missing field counts as `true`).
    pub(super) end_of_candidates: bool,
    /// `ice_lite` (default `false`).
    pub(super) lite: bool,
}

/// A candidate as the descriptions and the result line write it: `candidate:` and the
/// attribute value.
pub(super) fn candidate_line(c: &Candidate<'_>) -> String {
    let mut c = c.clone();
    c.set_prefix(Prefix::Candidate);
    c.to_string()
}

/// Whether `ip` may be used: loopback always (README "Loopback only"), the lab ranges only
/// with `--lab`.
pub(super) fn allowed(ip: IpAddr, lab: bool) -> bool {
    ip.is_loopback() || (lab && super::lab::in_lab_nets(ip))
}

/// Parses a `HOST:PORT` server argument: `127.0.0.1:3478`, `[::1]:3478`, `::1:3478` (the last
/// colon separates the port, as aioice_peer.py reads it) or `localhost:3478`.
///
/// # Errors
/// A one-line reason when it is not an address and a port.
pub(super) fn parse_server(flag: &str, value: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = value.parse::<SocketAddr>() {
        return Ok(a);
    }
    let bad = || format!("{flag} {value:?}: expected HOST:PORT, e.g. 127.0.0.1:3478");
    let (host, port) = value.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = if host == "localhost" {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse().map_err(|_| bad())?
    };
    Ok(SocketAddr::new(ip, port))
}

/// The own description (README "The description"), as a JSON value.
pub(super) fn local_description(
    ufrag: &str,
    pwd: &str,
    role: &str,
    candidates: &[String],
) -> Value {
    json!({
        "ufrag": ufrag,
        "pwd": pwd,
        "role": role,
        "candidates": candidates,
        "end_of_candidates": true,
    })
}

/// Parses and checks the other side's description: `ufrag` and `pwd` strings, `candidates`
/// strings (each with or without `a=` and `candidate:`) whose addresses pass `allow`,
/// `end_of_candidates` and `ice_lite` booleans when present. Unknown fields are ignored.
///
/// # Errors
/// A one-line reason: not JSON, not an object, a missing or mistyped field, a candidate that
/// does not parse, or one whose address is refused.
pub(super) fn parse_remote(
    text: &str,
    allow: impl Fn(IpAddr) -> bool,
) -> Result<RemoteDescription, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("remote description is not JSON: {e}"))?;
    let obj = v
        .as_object()
        .ok_or("remote description is not a JSON object")?;
    let string = |name: &str| -> Result<String, String> {
        match obj.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(Value::String(_)) => Err(format!("remote description: \"{name}\" is empty")),
            Some(_) => Err(format!("remote description: \"{name}\" is not a string")),
            None => Err(format!("remote description: \"{name}\" is missing")),
        }
    };
    let flag = |name: &str, default: bool| -> Result<bool, String> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("remote description: \"{name}\" is not a boolean")),
        }
    };
    let ufrag = string("ufrag")?;
    let pwd = string("pwd")?;
    let lines = match obj.get("candidates") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err("remote description: \"candidates\" is not an array".into()),
    };
    let mut candidates = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let line = line
            .as_str()
            .ok_or_else(|| format!("remote candidate {i} is not a string"))?;
        let trimmed = line.trim();
        let bare = trimmed.strip_prefix("a=").unwrap_or(trimmed);
        let bare = bare.strip_prefix("candidate:").unwrap_or(bare);
        let c = Candidate::parse(bare)
            .map_err(|e| format!("remote candidate {i} {line:?}: {e}"))?
            .into_owned();
        match c.socket_addr() {
            Some(a) if allow(a.ip()) => {}
            _ => {
                return Err(format!(
                    "refusing remote candidate {i} at {} (loopback only; --lab adds the lab ranges)",
                    c.address()
                ));
            }
        }
        candidates.push(c);
    }
    Ok(RemoteDescription {
        ufrag,
        pwd,
        candidates,
        end_of_candidates: flag("end_of_candidates", true)?,
        lite: flag("ice_lite", false)?,
    })
}

/// Writes `text` to `path` through `path.tmp` and a rename, so that a reader never sees a
/// partial file.
///
/// # Errors
/// The write or the rename.
pub(super) fn write_file(path: &Path, text: &str) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Prints one line on stdout and flushes it. A closed stdout (the other side is gone) is an
/// error, not a panic.
///
/// # Errors
/// The write.
pub(super) fn print_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// Where the other side's description comes from.
#[derive(Debug)]
pub(super) enum Inbox {
    /// File mode: looked for every 50 ms until it exists and is not empty.
    File {
        /// The `--remote` file.
        path: PathBuf,
        /// When to look next.
        next: Instant,
    },
    /// Stdio mode: one line read by a thread (the read blocks), handed over once.
    Stdin(Receiver<io::Result<String>>),
}

impl Inbox {
    /// File mode on `path`.
    pub(super) fn file(path: PathBuf, now: Instant) -> Self {
        Self::File { path, next: now }
    }

    /// Stdio mode: starts the thread that reads exactly one line from stdin (nothing more is
    /// read: the other side's result line arrives there later).
    pub(super) fn stdin() -> Self {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let read = io::stdin().lock().read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        Self::Stdin(rx)
    }

    /// The description's text once it is there.
    ///
    /// # Errors
    /// An unreadable file, a read error on stdin, or end of file before the line.
    pub(super) fn poll(&mut self, now: Instant) -> Result<Option<String>, String> {
        match self {
            Self::File { path, next } => {
                if now < *next {
                    return Ok(None);
                }
                *next = now + FILE_POLL;
                match std::fs::read_to_string(&*path) {
                    Ok(text) if !text.trim().is_empty() => Ok(Some(text)),
                    Ok(_) => Ok(None),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(format!("cannot read {}: {e}", path.display())),
                }
            }
            Self::Stdin(rx) => match rx.try_recv() {
                Ok(Ok(line)) if line.is_empty() => {
                    Err("stdin closed before the remote description arrived".into())
                }
                Ok(Ok(line)) => Ok(Some(line)),
                Ok(Err(e)) => Err(format!("cannot read stdin: {e}")),
                Err(TryRecvError::Empty) => Ok(None),
                Err(TryRecvError::Disconnected) => Err("the stdin reader stopped".into()),
            },
        }
    }

    /// What the timeout message says is missing.
    pub(super) fn what(&self) -> String {
        match self {
            Self::File { path, .. } => {
                format!("remote description {} did not appear", path.display())
            }
            Self::Stdin(_) => "no remote description on stdin".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str =
        "candidate:16572de626da4e5384a0ce2d0d93678a 1 udp 2130706431 127.0.0.1 46701 typ host";

    fn loopback(ip: IpAddr) -> bool {
        allowed(ip, false)
    }

    #[test]
    fn reads_the_readme_example_with_every_prefix() {
        let text = format!(
            r#"{{"ufrag": "3Qp5", "pwd": "8qv3NbLOgTaZ5NY3oIYmWA", "role": "controlling",
             "candidates": ["{HOST}", "a={HOST}", "{}",
               "candidate:1 1 UDP 16777215 127.0.0.1 54524 typ relay raddr 0.0.0.0 rport 9"],
             "end_of_candidates": true, "something_new": [1, 2]}}"#,
            HOST.trim_start_matches("candidate:")
        );
        let d = parse_remote(&text, loopback).unwrap();
        assert_eq!((d.ufrag.as_str(), d.pwd.len()), ("3Qp5", 22));
        assert_eq!(d.candidates.len(), 4);
        assert!(d.end_of_candidates && !d.lite);
        assert_eq!(candidate_line(&d.candidates[1]), HOST);
        assert_eq!(candidate_line(&d.candidates[2]), HOST);
    }

    #[test]
    fn defaults_for_missing_optional_fields() {
        let d = parse_remote(
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901"}"#,
            loopback,
        )
        .unwrap();
        assert!(d.candidates.is_empty() && d.end_of_candidates && !d.lite);
        let d = parse_remote(
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901","end_of_candidates":false,"ice_lite":true}"#,
            loopback,
        )
        .unwrap();
        assert!(!d.end_of_candidates && d.lite);
    }

    #[test]
    fn malformed_descriptions_are_errors_not_panics() {
        for bad in [
            "",
            "not json",
            "[1]",
            "{}",
            r#"{"ufrag": 1, "pwd": "x"}"#,
            r#"{"ufrag": "abcd"}"#,
            r#"{"ufrag": "", "pwd": "0123456789012345678901"}"#,
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901","candidates":"x"}"#,
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901","candidates":[7]}"#,
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901","candidates":["garbage"]}"#,
            r#"{"ufrag":"abcd","pwd":"0123456789012345678901","end_of_candidates":"yes"}"#,
        ] {
            let e = parse_remote(bad, loopback).unwrap_err();
            assert!(!e.contains('\n') || bad.is_empty(), "{e}");
        }
    }

    #[test]
    fn refuses_candidates_outside_loopback() {
        let text = r#"{"ufrag":"abcd","pwd":"0123456789012345678901",
            "candidates":["candidate:1 1 udp 1 203.0.113.1 9 typ host"]}"#;
        let e = parse_remote(text, loopback).unwrap_err();
        assert!(e.contains("refusing"), "{e}");
        assert!(parse_remote(text, |ip| allowed(ip, true)).is_ok());
        let mdns = r#"{"ufrag":"abcd","pwd":"0123456789012345678901",
            "candidates":["candidate:1 1 udp 1 x.local 9 typ host"]}"#;
        assert!(parse_remote(mdns, loopback).is_err());
    }

    #[test]
    fn server_addresses() {
        let p = |v| parse_server("--stun", v);
        assert_eq!(
            p("127.0.0.1:3478").unwrap(),
            "127.0.0.1:3478".parse().unwrap()
        );
        assert_eq!(p("[::1]:3478").unwrap(), "[::1]:3478".parse().unwrap());
        assert_eq!(p("::1:3478").unwrap(), "[::1]:3478".parse().unwrap());
        assert_eq!(p("localhost:9").unwrap(), "127.0.0.1:9".parse().unwrap());
        for bad in [
            "",
            "3478",
            "127.0.0.1",
            "127.0.0.1:x",
            "host:1",
            "127.0.0.1:70000",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
