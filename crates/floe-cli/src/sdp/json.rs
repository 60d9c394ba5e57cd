//! The JSON model of `floe sdp json`: every line of the input is in it, typed where it
//! parses and as its raw text with the error where it does not.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use floe_sdp::{
    Bandwidth, CandidateAttribute, Connection, Diagnostic, DiagnosticKind, Direction, ExtMap,
    ExtmapAllowMixed, FieldValue, Fingerprint, Fmtp, Group, IceLite, IcePwd, IceUfrag, Line,
    MediaSection, Msid, MsidSemantic, Origin, Rid, RtcpFb, RtpMap, SessionDescription, Setup,
    Simulcast, SimulcastList, Ssrc, TypedAttribute, ValueError,
};
use serde_json::{Value, json};

/// One level of a description (the session part or a media section) and the 1-based number
/// of its first line, so that a value that does not parse can be reported where it stands.
#[derive(Clone, Copy)]
struct Level<'s, 'a> {
    lines: &'s [Line<'a>],
    first: u32,
}

impl<'s> Level<'s, '_> {
    /// The lines with their numbers.
    fn numbered(self) -> impl Iterator<Item = (u32, &'s Line<'s>)> {
        (self.first..).zip(self.lines.iter().map(|l| l as &Line<'s>))
    }

    /// Every `T` attribute at this level in order: `to_json` of it, or [`invalid`] when its
    /// value does not parse (never dropped).
    fn attributes<T: TypedAttribute<'s>>(self, to_json: impl Fn(T) -> Value) -> Vec<Value> {
        self.numbered()
            .filter_map(|(n, line)| {
                let a = line.attribute().filter(|a| a.name == T::NAME)?;
                Some(match T::from_value(a.value) {
                    Ok(t) => to_json(t),
                    Err(e) => {
                        let kind = DiagnosticKind::InvalidAttribute {
                            name: T::NAME,
                            error: e.kind,
                        };
                        invalid(n, line, 3 + a.name.len(), e, kind)
                    }
                })
            })
            .collect()
    }

    /// The first `T` attribute as [`Self::attributes`] shows it, `null` when there is none.
    fn attribute<T: TypedAttribute<'s>>(self, to_json: impl Fn(T) -> Value) -> Value {
        self.attributes(to_json)
            .into_iter()
            .next()
            .unwrap_or(Value::Null)
    }

    /// Every `T::TYPE` line at this level in order: `to_json` of its value, or [`invalid`].
    fn fields<T: FieldValue<'s>>(self, to_json: impl Fn(T) -> Value) -> Vec<Value> {
        self.numbered()
            .filter(|(_, line)| line.line_type() == Some(T::TYPE))
            .filter_map(|(n, line)| {
                Some(match T::parse(line.value()?) {
                    Ok(t) => to_json(t),
                    Err(e) => {
                        let kind = DiagnosticKind::InvalidField {
                            line_type: T::TYPE,
                            error: e.kind,
                        };
                        invalid(n, line, 2, e, kind)
                    }
                })
            })
            .collect()
    }

    /// The first `T::TYPE` line as [`Self::fields`] shows it, `null` when there is none.
    fn field<T: FieldValue<'s>>(self, to_json: impl Fn(T) -> Value) -> Value {
        self.fields(to_json)
            .into_iter()
            .next()
            .unwrap_or(Value::Null)
    }

    /// Every attribute as written: `[name, value]`, value `null` for a flag.
    fn raw_attributes(self) -> Vec<Value> {
        self.lines
            .iter()
            .filter_map(Line::attribute)
            .map(|a| json!([a.name, a.value]))
            .collect()
    }
}

/// A line whose value does not parse: `{"raw", "line", "column", "error"}`, the whole line
/// as written, where the error is (1-based, in characters) and the message `floe sdp check`
/// prints for it. `value_start` is the byte where the value starts in the line.
fn invalid(
    n: u32,
    line: &Line<'_>,
    value_start: usize,
    e: ValueError,
    kind: DiagnosticKind,
) -> Value {
    let text = line.text();
    let at = (value_start + e.offset).min(text.len());
    let before = text.get(..at).map_or(at, |s| s.chars().count());
    json!({ "raw": text, "line": n, "column": before + 1, "error": kind.to_string() })
}

/// The parse's diagnostics in line and column order.
fn diagnostics_json(diagnostics: &[Diagnostic]) -> Vec<Value> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.line, d.column));
    sorted.into_iter().map(diagnostic_json).collect()
}

/// A diagnostic of the parse: where, how bad (`error` when it makes the description unusable,
/// as `floe sdp check` counts it) and what.
fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({
        "line": d.line, "column": d.column,
        "severity": if d.kind.makes_unusable() { "error" } else { "warning" },
        "message": d.kind.to_string(),
    })
}

fn fingerprint_json(f: &Fingerprint<'_>, mid: Option<&str>) -> Value {
    json!({ "hash": f.hash, "fingerprint": f.fingerprint, "mid": mid })
}

fn connection_json(c: Connection<'_>) -> Value {
    json!({
        "nettype": c.nettype, "addrtype": c.addrtype, "address": c.address,
        "ttl": c.ttl, "count": c.count,
    })
}

fn bandwidth_json(b: Bandwidth<'_>) -> Value {
    json!({ "type": b.bwtype, "bandwidth": b.bandwidth })
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

/// The JSON model (field names are part of the CLI contract). `diagnostics` are the parse's
/// warnings, in line order.
pub(super) fn description_json(sdp: &SessionDescription<'_>, diagnostics: &[Diagnostic]) -> Value {
    let session = Level {
        lines: sdp.session_lines(),
        first: 1,
    };
    let mut next = 1 + u32::try_from(session.lines.len()).unwrap_or(u32::MAX);
    let levels: Vec<Level<'_, '_>> = sdp
        .media()
        .iter()
        .map(|m| {
            let level = Level {
                lines: m.lines(),
                first: next,
            };
            next = next.saturating_add(u32::try_from(m.lines().len()).unwrap_or(u32::MAX));
            level
        })
        .collect();
    // Session ids and versions are strings: Chrome's ids exceed 2^53, which JSON numbers read
    // as doubles (JavaScript, jq) do not keep exactly.
    let origin = session.field::<Origin<'_>>(|o| {
        json!({
            "username": o.username, "session_id": o.session_id.to_string(),
            "session_version": o.session_version.to_string(),
            "nettype": o.nettype, "addrtype": o.addrtype, "address": o.address,
        })
    });
    let groups = session.attributes::<Group<'_>>(
        |g| json!({ "semantics": g.semantics, "mids": g.mids().collect::<Vec<_>>() }),
    );
    let mut fingerprints = session.attributes::<Fingerprint<'_>>(|f| fingerprint_json(&f, None));
    for (m, level) in sdp.media().iter().zip(&levels) {
        fingerprints.extend(level.attributes::<Fingerprint<'_>>(|f| fingerprint_json(&f, m.mid())));
    }
    let media: Vec<Value> = sdp
        .media()
        .iter()
        .zip(&levels)
        .map(|(m, level)| media_json(sdp, session, m, *level))
        .collect();
    json!({
        "origin": origin,
        "session_name": sdp.session_name(),
        "connection": session.field::<Connection<'_>>(connection_json),
        "bandwidths": session.fields::<Bandwidth<'_>>(bandwidth_json),
        "groups": groups,
        "ice_lite": sdp.get_attribute::<IceLite>().is_some(),
        "extmap_allow_mixed": sdp.get_attribute::<ExtmapAllowMixed>().is_some(),
        "msid_semantic": session.attribute::<MsidSemantic<'_>>(|s| {
            json!({ "semantic": s.semantic, "ids": s.ids().collect::<Vec<_>>() })
        }),
        "fingerprints": fingerprints,
        "attributes": session.raw_attributes(),
        "media": media,
        "diagnostics": diagnostics_json(diagnostics),
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

/// The first `T` of a media section, else of the session, as [`Level::attribute`] shows it.
fn inherited<'s, T: TypedAttribute<'s>>(
    media: Level<'s, '_>,
    session: Level<'s, '_>,
    to_json: impl Fn(T) -> Value,
) -> Value {
    match media.attribute(&to_json) {
        Value::Null => session.attribute(to_json),
        v => v,
    }
}

fn media_json(
    sdp: &SessionDescription<'_>,
    session: Level<'_, '_>,
    m: &MediaSection<'_>,
    level: Level<'_, '_>,
) -> Value {
    let parsed_line = m.media_line();
    let line = parsed_line.and_then(Result::ok);
    // An m= line that does not parse keeps its text and its error.
    let m_line_error = match (parsed_line, level.numbered().next()) {
        (Some(Err(e)), Some((n, text))) => {
            let kind = DiagnosticKind::InvalidField {
                line_type: 'm',
                error: e.kind,
            };
            invalid(n, text, 2, e, kind)
        }
        _ => Value::Null,
    };
    let direction = m
        .direction()
        .or_else(|| sdp.attributes().find_map(|a| Direction::from_name(a.name)))
        .unwrap_or(Direction::SendRecv);
    let codecs = codecs_json(m, line.as_ref());
    let extmaps = level.attributes::<ExtMap<'_>>(|e| {
        json!({
            "id": e.id, "direction": e.direction.map(Direction::as_str), "uri": e.uri,
            "attributes": e.attributes,
        })
    });
    let ssrcs = level.attributes::<Ssrc<'_>>(
        |s| json!({ "ssrc": s.ssrc, "attribute": s.attribute, "value": s.value }),
    );
    let rids = level.attributes::<Rid<'_>>(|r| {
        json!({
            "id": r.id, "direction": r.direction.to_string(),
            "payload_types": r.payload_types().collect::<Vec<_>>(),
            "restrictions": r.restrictions().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        })
    });
    let simulcast = level.attribute::<Simulcast<'_>>(|s| {
        json!({ "send": simulcast_list_json(s.send), "recv": simulcast_list_json(s.recv), "draft03": s.draft03 })
    });
    json!({
        "kind": line.map(|l| l.media),
        "port": line.map(|l| l.port),
        "protocol": line.map(|l| l.proto),
        "formats": line.map(|l| l.formats.iter().collect::<Vec<_>>()).unwrap_or_default(),
        "m_line_error": m_line_error,
        "mid": m.mid(),
        "direction": direction.as_str(),
        "connection": level.field::<Connection<'_>>(connection_json),
        "bandwidths": level.fields::<Bandwidth<'_>>(bandwidth_json),
        "ice_ufrag": inherited::<IceUfrag<'_>>(level, session, |u| json!(u.0)),
        "ice_pwd": inherited::<IcePwd<'_>>(level, session, |p| json!(p.0)),
        "setup": inherited::<Setup>(level, session, |s| json!(s.to_string())),
        "extmap_allow_mixed": m.get_attribute::<ExtmapAllowMixed>().is_some(),
        "codecs": codecs,
        "extmaps": extmaps,
        "ssrcs": ssrcs,
        "msid": level.attribute::<Msid<'_>>(|x| json!({ "stream": x.stream, "track": x.track })),
        "rids": rids,
        "simulcast": simulcast,
        "candidates": level.attributes::<CandidateAttribute<'_>>(|c| {
            crate::candidate::candidate_json(&c.candidate)
        }),
        "attributes": level.raw_attributes(),
    })
}
