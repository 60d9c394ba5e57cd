//! `floe sdp`: check, format and show session descriptions (RFC 8866) with `floe-sdp`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write as _;
use std::process::ExitCode;

use clap::Subcommand;
use floe_sdp::{
    CandidateAttribute, Direction, ExtMap, Fingerprint, Fmtp, Group, IceLite, IcePwd, IceUfrag,
    MediaSection, Mode, Msid, Rid, RtcpFb, RtpMap, SessionDescription, Setup, Simulcast,
    SimulcastList, Ssrc, TypedAttribute, validate,
};
use serde_json::{Value, json};

use crate::input::{EXIT_FAILED, EXIT_USAGE, read_source, read_text};

/// Subcommands of `floe sdp`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse and validate descriptions; print `FILE:LINE:COLUMN: error|warning: message` on
    /// stdout for each problem (parse warnings are warnings; parse errors and validation findings are
    /// errors; content that is not UTF-8 is an error at its first bad byte). Exits 0 when no file
    /// has an error, 1 otherwise, 2 when a file cannot be read (after checking the others).
    Check {
        /// SDP files (`-` for stdin).
        #[arg(required = true)]
        files: Vec<String>,
        /// RFC 8866 grammar and WebRTC placement rules instead of accepting what endpoints send.
        #[arg(long)]
        strict: bool,
    },
    /// Print the parsed description: byte for byte the input, or `--canonical` (CRLF line
    /// endings, no trailing white space).
    Fmt {
        /// SDP file (`-` for stdin).
        file: String,
        /// Rewrite to the canonical CRLF form.
        #[arg(long)]
        canonical: bool,
    },
    /// Print the typed model as JSON: origin (session id and version as strings, since they
    /// exceed what a JSON number read as a double keeps), session_name, groups, ice_lite,
    /// fingerprints and
    /// media (kind, port, protocol, formats, mid, direction, ICE and DTLS parameters, codecs,
    /// extmaps, ssrcs, msid, rids, simulcast, candidates, raw attributes).
    Json {
        /// SDP file (`-` for stdin).
        file: String,
    },
}

/// Runs a `floe sdp` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Check { files, strict } => {
            check(&files, if strict { Mode::Strict } else { Mode::Lenient })
        }
        Command::Fmt { file, canonical } => fmt(&file, canonical),
        Command::Json { file } => show_json(&file),
    }
}

/// The 1-based line and character column of the first byte that is not UTF-8.
fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> (usize, usize) {
    let before = core::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

fn check(files: &[String], mode: Mode) -> ExitCode {
    let mut failed = false;
    let mut unreadable = false;
    for file in files {
        // An unreadable file is a usage error (exit 2), reported after checking the others.
        let bytes = match read_source(file) {
            Ok(b) => b,
            Err(e) => {
                unreadable = true;
                eprintln!("floe: {file}: {e}");
                continue;
            }
        };
        // Content that is not UTF-8 is a defect of that description, located like the others.
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                failed = true;
                let (line, column) =
                    utf8_error_position(e.as_bytes(), e.utf8_error().valid_up_to());
                println!("{file}:{line}:{column}: error: invalid UTF-8");
                continue;
            }
        };
        match SessionDescription::parse_with(&text, mode) {
            Err(e) => {
                failed = true;
                println!("{file}:{}:{}: error: {}", e.line, e.column, e.kind);
            }
            Ok(parsed) => {
                let mut out: Vec<(u32, u32, &str, String)> = parsed
                    .warnings()
                    .iter()
                    .map(|w| (w.line, w.column, "warning", w.kind.to_string()))
                    .collect();
                let findings = validate(parsed.description());
                failed |= !findings.is_empty();
                out.extend(
                    findings
                        .iter()
                        .map(|f| (f.line, f.column, "error", f.rule.to_string())),
                );
                out.sort_by_key(|(line, column, ..)| (*line, *column));
                for (line, column, severity, message) in out {
                    println!("{file}:{line}:{column}: {severity}: {message}");
                }
            }
        }
    }
    if unreadable {
        ExitCode::from(EXIT_USAGE)
    } else if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses leniently, reporting a failure as `FILE:LINE:COLUMN: error: message`.
fn parse<'a>(file: &str, text: &'a str) -> Result<SessionDescription<'a>, ExitCode> {
    SessionDescription::parse(text).map_err(|e| {
        eprintln!("{file}:{}:{}: error: {}", e.line, e.column, e.kind);
        ExitCode::from(EXIT_FAILED)
    })
}

fn fmt(file: &str, canonical: bool) -> ExitCode {
    let text = match read_text(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let sdp = match parse(file, &text) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let out = if canonical {
        sdp.to_canonical_string()
    } else {
        let mut s = String::with_capacity(text.len());
        sdp.write_to(&mut s);
        s
    };
    // A closed pipe (`floe sdp fmt x | head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn show_json(file: &str) -> ExitCode {
    let text = match read_text(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let sdp = match parse(file, &text) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let value = description_json(&sdp);
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

/// Every parsable `T` at one level.
fn all<'s, T: TypedAttribute<'s> + 's>(
    attributes: impl Iterator<Item = floe_sdp::Attribute<'s>> + 's,
) -> impl Iterator<Item = T> + 's {
    attributes.filter_map(all_one::<T>)
}

fn fingerprint_json(f: &Fingerprint<'_>, mid: Option<&str>) -> Value {
    json!({ "hash": f.hash, "fingerprint": f.fingerprint, "mid": mid })
}

fn simulcast_list_json(list: Option<SimulcastList<'_>>) -> Value {
    list.map_or(Value::Null, |l| {
        l.streams()
            .map(|s| {
                s.alternatives()
                    .map(|id| json!({ "rid": id.rid, "paused": id.paused }))
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

/// The JSON model (field names are part of the CLI contract).
fn description_json(sdp: &SessionDescription<'_>) -> Value {
    // Session ids and versions are strings: Chrome's ids exceed 2^53, which JSON numbers read
    // as doubles (JavaScript, jq) do not keep exactly.
    let origin = sdp.origin().and_then(Result::ok).map_or(Value::Null, |o| {
        json!({
            "username": o.username, "session_id": o.session_id.to_string(),
            "session_version": o.session_version.to_string(),
            "nettype": o.nettype, "addrtype": o.addrtype, "address": o.address,
        })
    });
    let groups: Vec<Value> = all::<Group<'_>>(sdp.attributes())
        .map(|g| json!({ "semantics": g.semantics, "mids": g.mids().collect::<Vec<_>>() }))
        .collect();
    let mut fingerprints: Vec<Value> = all::<Fingerprint<'_>>(sdp.attributes())
        .map(|f| fingerprint_json(&f, None))
        .collect();
    for m in sdp.media() {
        fingerprints
            .extend(all::<Fingerprint<'_>>(m.attributes()).map(|f| fingerprint_json(&f, m.mid())));
    }
    let media: Vec<Value> = sdp.media().iter().map(|m| media_json(sdp, m)).collect();
    json!({
        "origin": origin,
        "session_name": sdp.session_name(),
        "groups": groups,
        "ice_lite": sdp.get_attribute::<IceLite>().is_some(),
        "fingerprints": fingerprints,
        "media": media,
    })
}

/// The `a=rtpmap`, `a=fmtp` and `a=rtcp-fb` lines of one section, indexed by payload type in
/// one pass so that building the codec list is linear in the section.
#[derive(Default)]
struct CodecLines<'s> {
    /// The first `a=rtpmap` of each payload type.
    rtpmaps: HashMap<u8, RtpMap<'s>>,
    /// Payload types of `a=rtpmap` lines in first-occurrence order.
    rtpmap_order: Vec<u8>,
    /// The first `a=fmtp` parameters of each payload type.
    fmtps: HashMap<u8, &'s str>,
    /// Each `a=rtcp-fb` as `feedback [parameter]`, in line order.
    feedback: Vec<String>,
    /// Indices into `feedback` of the lines for one payload type, ascending.
    feedback_by_pt: HashMap<u8, Vec<usize>>,
    /// Indices into `feedback` of the `*` lines, ascending.
    feedback_all: Vec<usize>,
}

impl<'s> CodecLines<'s> {
    fn index(m: &'s MediaSection<'_>) -> Self {
        let mut lines = Self::default();
        for a in m.attributes() {
            if let Some(r) = all_one::<RtpMap<'_>>(a) {
                if let Entry::Vacant(e) = lines.rtpmaps.entry(r.payload_type) {
                    e.insert(r);
                    lines.rtpmap_order.push(r.payload_type);
                }
            } else if let Some(f) = all_one::<Fmtp<'_>>(a) {
                if let Some(pt) = payload_type(f.format) {
                    lines.fmtps.entry(pt).or_insert(f.params);
                }
            } else if let Some(f) = all_one::<RtcpFb<'_>>(a) {
                let i = lines.feedback.len();
                lines.feedback.push(
                    f.parameter
                        .map_or_else(|| f.feedback.to_owned(), |p| format!("{} {p}", f.feedback)),
                );
                match f.payload_type {
                    Some(pt) => lines.feedback_by_pt.entry(pt).or_default().push(i),
                    None => lines.feedback_all.push(i),
                }
            }
        }
        lines
    }

    /// The feedback for `pt`: its own lines and the `*` lines, merged in line order.
    fn feedback(&self, pt: u8) -> Vec<&str> {
        let own = self.feedback_by_pt.get(&pt).map_or(&[][..], Vec::as_slice);
        let mut out = Vec::with_capacity(own.len() + self.feedback_all.len());
        let mut own = own.iter().peekable();
        let mut star = self.feedback_all.iter().peekable();
        loop {
            let next = match (own.peek(), star.peek()) {
                (Some(a), Some(b)) if a < b => own.next(),
                (Some(_), None) => own.next(),
                _ => star.next(),
            };
            let Some(&i) = next else { break };
            out.extend(self.feedback.get(i).map(String::as_str));
        }
        out
    }
}

/// `a` as a `T` when its name is `T`'s and its value parses.
fn all_one<'s, T: TypedAttribute<'s>>(a: floe_sdp::Attribute<'s>) -> Option<T> {
    (a.name == T::NAME)
        .then(|| T::from_value(a.value).ok())
        .flatten()
}

/// A format that is an RTP payload type written in canonical decimal (`96`, not `096`).
fn payload_type(format: &str) -> Option<u8> {
    format
        .parse::<u8>()
        .ok()
        .filter(|pt| pt.to_string() == format)
}

/// The codecs of a section, each payload type once: in `m=` format order (the order of
/// preference; a repeated format counts at its first place), a static payload type without an
/// `a=rtpmap` line taking its RFC 3551 mapping; then rtpmaps for payload types the `m=` line
/// lacks. The first `a=rtpmap` / `a=fmtp` of a payload type wins; its `rtcp_fb` lists its own
/// and the `*` feedback lines in line order. The lines are indexed once, so the work and the
/// output are linear in the section (at most 256 codecs).
fn codecs_json(m: &MediaSection<'_>, line: Option<&floe_sdp::MediaLine<'_>>) -> Vec<Value> {
    let lines = CodecLines::index(m);
    let mut listed = [false; 256];
    let formats: Vec<u8> = line
        .map(|l| {
            l.formats
                .iter()
                .filter_map(|f| f.parse::<u8>().ok())
                .filter(|&pt| !core::mem::replace(&mut listed[usize::from(pt)], true))
                .collect()
        })
        .unwrap_or_default();
    let in_order = formats.iter().filter_map(|pt| {
        lines
            .rtpmaps
            .get(pt)
            .copied()
            .or_else(|| RtpMap::static_payload_type(*pt))
    });
    let others = lines
        .rtpmap_order
        .iter()
        .filter(|&&pt| !listed[usize::from(pt)])
        .filter_map(|pt| lines.rtpmaps.get(pt).copied());
    in_order
        .chain(others)
        .map(|r| {
            json!({
                "pt": r.payload_type, "name": r.encoding, "clock_rate": r.clock_rate,
                "channels": r.channels, "fmtp": lines.fmtps.get(&r.payload_type),
                "rtcp_fb": lines.feedback(r.payload_type),
            })
        })
        .collect()
}

fn media_json(sdp: &SessionDescription<'_>, m: &MediaSection<'_>) -> Value {
    let line = m.media_line().and_then(Result::ok);
    let ufrag = m
        .get_attribute::<IceUfrag<'_>>()
        .or_else(|| sdp.get_attribute::<IceUfrag<'_>>());
    let pwd = m
        .get_attribute::<IcePwd<'_>>()
        .or_else(|| sdp.get_attribute::<IcePwd<'_>>());
    let setup = m
        .get_attribute::<Setup>()
        .or_else(|| sdp.get_attribute::<Setup>())
        .and_then(Result::ok);
    let direction = m
        .direction()
        .or_else(|| sdp.attributes().find_map(|a| Direction::from_name(a.name)))
        .unwrap_or(Direction::SendRecv);
    let codecs = codecs_json(m, line.as_ref());
    let extmaps: Vec<Value> = all::<ExtMap<'_>>(m.attributes())
        .map(|e| {
            json!({
                "id": e.id, "direction": e.direction.map(Direction::as_str), "uri": e.uri,
                "attributes": e.attributes,
            })
        })
        .collect();
    let ssrcs: Vec<Value> = all::<Ssrc<'_>>(m.attributes())
        .map(|s| json!({ "ssrc": s.ssrc, "attribute": s.attribute, "value": s.value }))
        .collect();
    let msid = all::<Msid<'_>>(m.attributes()).next().map_or(
        Value::Null,
        |x| json!({ "stream": x.stream, "track": x.track }),
    );
    let rids: Vec<Value> = all::<Rid<'_>>(m.attributes())
        .map(|r| {
            json!({
                "id": r.id, "direction": r.direction.to_string(),
                "payload_types": r.payload_types().collect::<Vec<_>>(),
                "restrictions": r.restrictions().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            })
        })
        .collect();
    let simulcast = all::<Simulcast<'_>>(m.attributes()).next().map_or(Value::Null, |s| {
        json!({ "send": simulcast_list_json(s.send), "recv": simulcast_list_json(s.recv), "draft03": s.draft03 })
    });
    let candidates: Vec<Value> = all::<CandidateAttribute<'_>>(m.attributes())
        .map(|c| crate::candidate::candidate_json(&c.candidate))
        .collect();
    let attributes: Vec<Value> = m.attributes().map(|a| json!([a.name, a.value])).collect();
    json!({
        "kind": line.map(|l| l.media),
        "port": line.map(|l| l.port),
        "protocol": line.map(|l| l.proto),
        "formats": line.map(|l| l.formats.iter().collect::<Vec<_>>()).unwrap_or_default(),
        "mid": m.mid(),
        "direction": direction.as_str(),
        "ice_ufrag": ufrag.and_then(Result::ok).map(|u| u.0),
        "ice_pwd": pwd.and_then(Result::ok).map(|p| p.0),
        "setup": setup.map(|s| s.to_string()),
        "codecs": codecs,
        "extmaps": extmaps,
        "ssrcs": ssrcs,
        "msid": msid,
        "rids": rids,
        "simulcast": simulcast,
        "candidates": candidates,
        "attributes": attributes,
    })
}
