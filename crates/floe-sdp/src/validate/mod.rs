//! Validation: the cross-line rules of BUNDLE, payload types, DTLS, simulcast and ICE, as a
//! separate pass over a parsed (or built, or edited) description.
//!
//! Each [`Finding`] names the line (and column) it is about and the [`Rule`] it breaks, with
//! the RFC section in the rule's documentation. Values that fail their own grammar are skipped
//! here: [`Parsed::warnings`](crate::Parsed::warnings) and
//! [`SessionDescription::value_diagnostics`] report them.

mod index;
mod rule;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::vec::Vec;

use crate::attributes::{
    BundleOnly, Fingerprint, Fmtp, Group, IceLite, IcePwd, IceUfrag, Mid, Rid, RidDirection,
    RtcpFb, RtpMap, Simulcast, TypedAttribute,
};
use crate::description::{MediaSection, SessionDescription};
use crate::error::ValueErrorKind;
use crate::fields::MediaLine;
use crate::line::{Attribute, Line};
use index::{FormatSet, SimulcastRid, simulcast_rids};
pub use rule::{Finding, Rule};

/// One line with its number.
#[derive(Clone, Copy)]
struct At<'s, 'a> {
    n: u32,
    line: &'s Line<'a>,
    /// The attribute view, split once.
    attr: Option<Attribute<'s>>,
}

impl<'s> At<'s, '_> {
    fn attr(&self) -> Option<Attribute<'s>> {
        self.attr
    }

    /// The typed attribute on this line when its name matches and it parses.
    fn typed<T: TypedAttribute<'s>>(&self) -> Option<T> {
        let a = self.attr.filter(|a| a.name == T::NAME)?;
        T::from_value(a.value).ok()
    }

    /// Byte offset in the line of byte `offset` of the attribute value.
    fn value_byte(&self, offset: usize) -> usize {
        3 + self.attr().map_or(0, |a| a.name.len()) + offset
    }
}

struct Validator {
    findings: Vec<Finding>,
    /// `(line, byte, chars)`: the last column computed, so that many findings on one long
    /// non-ASCII line cost linear time, not quadratic.
    column_cache: (u32, usize, usize),
}

impl Validator {
    fn push(&mut self, at: At<'_, '_>, offset: usize, rule: Rule) {
        let column = self.column(at, at.value_byte(offset));
        self.findings.push(Finding {
            line: at.n,
            column,
            rule,
        });
    }

    /// 1-based character column of byte `byte` of the line.
    fn column(&mut self, at: At<'_, '_>, byte: usize) -> u32 {
        let text = at.line.text();
        let byte = byte.min(text.len());
        let (line, from_byte, from_chars) = self.column_cache;
        let (start, chars) = if line == at.n && from_byte <= byte {
            (from_byte, from_chars)
        } else {
            (0, 0)
        };
        let chars = chars
            + text
                .get(start..byte)
                .map_or(byte - start, |s| s.chars().count());
        self.column_cache = (at.n, byte, chars);
        u32::try_from(chars + 1).unwrap_or(u32::MAX)
    }

    fn ice_and_dtls(&mut self, at: At<'_, '_>) {
        if let Some(u) = at.typed::<IceUfrag<'_>>() {
            if let Err(e) = u.check_rfc8839() {
                self.push(at, e.offset, Rule::IceUfragSyntax);
            }
        } else if let Some(p) = at.typed::<IcePwd<'_>>() {
            if let Err(e) = p.check_rfc8839() {
                self.push(at, e.offset, Rule::IcePwdSyntax);
            }
        } else if let Some(f) = at.typed::<Fingerprint<'_>>()
            && let Err(e) = f.check_length()
            && let ValueErrorKind::FingerprintLength {
                hash,
                expected,
                found,
            } = e.kind
        {
            self.push(
                at,
                e.offset,
                Rule::FingerprintLength {
                    hash,
                    expected,
                    found,
                },
            );
        }
    }

    fn media(
        &mut self,
        section: &[At<'_, '_>],
        bundled: &HashSet<&str>,
        mids: &mut HashSet<String>,
    ) {
        let first = section.first().filter(|a| a.line.line_type() == Some('m'));
        let Some(Ok(m)) = first
            .and_then(|a| a.line.value())
            .map(|v| MediaLine::parse_inner(v, false))
        else {
            return;
        };
        let port = m.port;
        // Built once: each payload type below is a bitmap or hash lookup (no list scan).
        let formats = FormatSet::new(m.formats);
        let mut rids: HashMap<&str, RidDirection> = HashMap::new();
        let mut bundle_only = None;
        let mut mid = None;
        for &at in section {
            self.ice_and_dtls(at);
            if let Some(r) = at.typed::<RtpMap<'_>>() {
                if !formats.contains_number(r.payload_type) {
                    self.push(
                        at,
                        0,
                        Rule::PayloadTypeNotInFormats {
                            attribute: "rtpmap",
                        },
                    );
                }
            } else if let Some(f) = at.typed::<Fmtp<'_>>() {
                if !formats.contains(f.format) {
                    self.push(at, 0, Rule::PayloadTypeNotInFormats { attribute: "fmtp" });
                }
            } else if let Some(fb) = at.typed::<RtcpFb<'_>>() {
                if fb
                    .payload_type
                    .is_some_and(|pt| !formats.contains_number(pt))
                {
                    self.push(
                        at,
                        0,
                        Rule::PayloadTypeNotInFormats {
                            attribute: "rtcp-fb",
                        },
                    );
                }
            } else if let Some(r) = at.typed::<Rid<'_>>() {
                if rids.contains_key(r.id) {
                    self.push(at, 0, Rule::DuplicateRid);
                } else {
                    rids.insert(r.id, r.direction);
                }
                if r.payload_types().any(|pt| !formats.contains(pt)) {
                    self.push(at, r.id.len() + 6, Rule::RidPayloadTypeNotInFormats);
                }
            } else if at.typed::<IceLite>().is_some() {
                self.push(at, 0, Rule::IceLiteAtMediaLevel);
            } else if at.typed::<BundleOnly>().is_some() {
                bundle_only = Some(at);
            } else if let Some(Mid(m)) = at.typed::<Mid<'_>>() {
                if !mids.insert(m.to_owned()) {
                    self.push(at, 0, Rule::DuplicateMid);
                }
                mid = Some(m);
            }
        }
        let mut simulcast_seen = false;
        for &at in section {
            if let Some(value) = at
                .typed::<Simulcast<'_>>()
                .and(at.attr().and_then(|a| a.value))
            {
                if simulcast_seen {
                    self.push(at, 0, Rule::SimulcastRepeated);
                }
                simulcast_seen = true;
                self.simulcast(at, &simulcast_rids(value), &rids);
            }
        }
        if let Some(at) = bundle_only {
            if port != 0 {
                self.push(at, 0, Rule::BundleOnlyWithPort);
            }
            if !mid.is_some_and(|m| bundled.contains(m)) {
                self.push(at, 0, Rule::BundleOnlyOutsideBundle);
            }
        }
    }

    /// Each rid of the simulcast value is reported at its own offset (RFC 8853 §5.1).
    fn simulcast(
        &mut self,
        at: At<'_, '_>,
        ids: &[SimulcastRid<'_>],
        rids: &HashMap<&str, RidDirection>,
    ) {
        let mut seen: HashSet<&str> = HashSet::new();
        for &(dir, offset, rid) in ids {
            if !seen.insert(rid) {
                self.push(at, offset, Rule::SimulcastRidRepeated);
            }
            match rids.get(rid) {
                None => self.push(at, offset, Rule::SimulcastRidUnknown),
                Some(d) if *d != dir => self.push(at, offset, Rule::SimulcastRidDirection),
                Some(_) => {}
            }
        }
    }
}

/// What the BUNDLE rules need of one media section, computed once per section.
#[derive(Clone, Copy)]
struct SectionFacts {
    /// Port 0 in `m=` (RFC 9143 §7.2.1).
    port_zero: bool,
    /// Has `a=bundle-only` (RFC 9143 §6).
    bundle_only: bool,
}

impl SectionFacts {
    fn of(section: &MediaSection<'_>) -> Self {
        Self {
            port_zero: section
                .media_line()
                .and_then(Result::ok)
                .is_some_and(|m| m.port == 0),
            bundle_only: section.has_attribute(BundleOnly::NAME),
        }
    }
}

/// Checks the cross-line rules of a description and returns what it breaks, in line order.
///
/// ```
/// use floe_sdp::{Rule, SessionDescription, validate};
/// let sdp = SessionDescription::parse(
///     "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n\
///      m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\n",
/// )?;
/// let findings = validate(&sdp);
/// assert_eq!(findings.len(), 2);
/// assert_eq!((findings[0].line, findings[0].rule), (5, Rule::GroupMidUnknown));
/// assert_eq!(findings[1].rule, Rule::PayloadTypeNotInFormats { attribute: "rtpmap" });
/// # Ok::<(), floe_sdp::ParseError>(())
/// ```
#[must_use]
pub fn validate(sdp: &SessionDescription<'_>) -> Vec<Finding> {
    let mut v = Validator {
        findings: Vec::new(),
        column_cache: (0, 0, 0),
    };
    let mut n = 0u32;
    let mut number = |line| {
        n = n.saturating_add(1);
        At {
            n,
            line,
            attr: line.attribute(),
        }
    };
    let session: Vec<At<'_, '_>> = sdp.session_lines().iter().map(&mut number).collect();
    let media: Vec<Vec<At<'_, '_>>> = sdp
        .media()
        .iter()
        .map(|m| m.lines().iter().map(&mut number).collect())
        .collect();

    // Session level: ICE-lite count, credentials, fingerprints; collect the groups.
    let mut ice_lite = 0usize;
    let mut groups = Vec::new();
    for &at in &session {
        v.ice_and_dtls(at);
        if at.typed::<IceLite>().is_some() {
            ice_lite += 1;
            if ice_lite > 1 {
                v.push(at, 0, Rule::IceLiteRepeated);
            }
        }
        if let Some(g) = at.typed::<Group<'_>>() {
            groups.push((at, g));
        }
    }
    for at in media.iter().flatten() {
        if at.typed::<IceLite>().is_some() {
            ice_lite += 1;
            if ice_lite > 1 {
                v.push(*at, 0, Rule::IceLiteRepeated);
            }
        }
    }

    // Media sections.
    let section_mids: Vec<Option<&str>> = sdp.media().iter().map(MediaSection::mid).collect();
    let mid_index: HashMap<&str, usize> = section_mids
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, m)| m.map(|m| (m, i)))
        .collect();
    let bundled: HashSet<&str> = groups
        .iter()
        .filter(|(_, g)| g.semantics == "BUNDLE")
        .flat_map(|(_, g)| g.mids())
        .collect();
    let mut mids = HashSet::new();
    for section in &media {
        v.media(section, &bundled, &mut mids);
    }

    // Groups: mids exist and are unique, each in at most one BUNDLE group; the BUNDLE tag
    // section is usable. Section facts are computed once, not once per group.
    let facts: Vec<SectionFacts> = sdp.media().iter().map(SectionFacts::of).collect();
    let mut bundle_of: HashMap<&str, usize> = HashMap::new();
    for (index, (at, g)) in groups.iter().enumerate() {
        let bundle = g.semantics == "BUNDLE";
        let mut seen = HashSet::new();
        for (offset, mid) in g.mids_at() {
            if mid.is_empty() {
                continue;
            }
            if !seen.insert(mid) {
                v.push(*at, offset, Rule::GroupMidRepeated);
            } else if bundle {
                match bundle_of.entry(mid) {
                    Entry::Vacant(e) => {
                        e.insert(index);
                    }
                    // `seen` rules out this group: the mid is in an earlier BUNDLE group.
                    Entry::Occupied(_) => v.push(*at, offset, Rule::MidInTwoBundleGroups),
                }
            }
            if !mid_index.contains_key(mid) {
                v.push(*at, offset, Rule::GroupMidUnknown);
            }
        }
        if bundle
            && let Some(tag) = g.mids().next()
            && let Some(&i) = mid_index.get(tag)
            && let Some(f) = facts.get(i)
            && (f.port_zero || f.bundle_only)
        {
            v.push(*at, g.semantics.len() + 1, Rule::BundleTagNotUsable);
        }
    }
    v.findings.sort_by_key(|f| (f.line, f.column));
    v.findings
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

    fn rules(body: &str) -> Vec<(u32, Rule)> {
        let text = format!("{HEAD}{body}");
        let sdp = SessionDescription::parse(&text).unwrap();
        validate(&sdp)
            .into_iter()
            .map(|f| (f.line, f.rule))
            .collect()
    }

    const SHA256: &str = "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB";

    #[test]
    fn bundle_mids_exist_and_are_unique() {
        let ok = "a=group:BUNDLE a b\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\nm=video 9 RTP/AVP 96\r\na=mid:b\r\n";
        assert_eq!(rules(ok), []);
        let bad = "a=group:BUNDLE a c a\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\n";
        assert_eq!(
            rules(bad),
            [(5, Rule::GroupMidUnknown), (5, Rule::GroupMidRepeated)]
        );
    }

    #[test]
    fn mids_are_unique() {
        assert_eq!(
            rules("m=audio 9 RTP/AVP 0\r\na=mid:x\r\nm=audio 9 RTP/AVP 0\r\na=mid:y\r\n"),
            []
        );
        assert_eq!(
            rules("m=audio 9 RTP/AVP 0\r\na=mid:x\r\nm=audio 9 RTP/AVP 0\r\na=mid:x\r\n"),
            [(8, Rule::DuplicateMid)]
        );
    }

    #[test]
    fn payload_types_exist_in_formats() {
        let ok = "m=video 9 RTP/AVPF 96 97\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n\
                  a=fmtp:97 apt=96\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:* ccm fir\r\n";
        assert_eq!(rules(ok), []);
        let bad = "m=video 9 RTP/AVPF 96\r\na=rtpmap:98 VP8/90000\r\na=fmtp:99 apt=96\r\na=rtcp-fb:100 nack\r\n";
        assert_eq!(
            rules(bad),
            [
                (
                    6,
                    Rule::PayloadTypeNotInFormats {
                        attribute: "rtpmap"
                    }
                ),
                (7, Rule::PayloadTypeNotInFormats { attribute: "fmtp" }),
                (
                    8,
                    Rule::PayloadTypeNotInFormats {
                        attribute: "rtcp-fb"
                    }
                ),
            ]
        );
    }

    #[test]
    fn fingerprint_length_matches_hash() {
        assert_eq!(rules(&format!("a=fingerprint:sha-256 {SHA256}\r\n")), []);
        assert_eq!(
            rules("a=fingerprint:sha-256 AB:CD\r\n"),
            [(
                5,
                Rule::FingerprintLength {
                    hash: "sha-256",
                    expected: 32,
                    found: 2
                }
            )]
        );
    }

    #[test]
    fn rid_and_simulcast_agree() {
        let ok = "m=video 9 RTP/AVPF 96\r\na=rid:h send pt=96\r\na=rid:l send\r\na=rid:r recv\r\n\
                  a=simulcast:send h;~l recv r\r\n";
        assert_eq!(rules(ok), []);
        let bad = "m=video 9 RTP/AVPF 96\r\na=rid:h send pt=97\r\na=rid:h recv\r\na=rid:r recv\r\n\
                   a=simulcast:send x;r;h;h\r\n";
        assert_eq!(
            rules(bad),
            [
                (6, Rule::RidPayloadTypeNotInFormats),
                (7, Rule::DuplicateRid),
                (9, Rule::SimulcastRidUnknown),
                (9, Rule::SimulcastRidDirection),
                (9, Rule::SimulcastRidRepeated),
            ]
        );
    }

    #[test]
    fn ice_credentials_follow_rfc_8839() {
        assert_eq!(
            rules("a=ice-ufrag:4ZcD\r\na=ice-pwd:2/1muCWoOi3uLifh0NuRHlbO\r\n"),
            []
        );
        assert_eq!(
            rules("a=ice-ufrag:ufrag_data\r\na=ice-pwd:pwd_data\r\n"),
            [(5, Rule::IceUfragSyntax), (6, Rule::IcePwdSyntax)]
        );
    }

    #[test]
    fn ice_lite_once_at_session_level() {
        assert_eq!(rules("a=ice-lite\r\n"), []);
        assert_eq!(
            rules("a=ice-lite\r\na=ice-lite\r\nm=audio 9 RTP/AVP 0\r\na=ice-lite\r\n"),
            [
                (6, Rule::IceLiteRepeated),
                (8, Rule::IceLiteRepeated),
                (8, Rule::IceLiteAtMediaLevel),
            ]
        );
    }

    #[test]
    fn bundle_only_sections() {
        let ok = "a=group:BUNDLE a b\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\nm=video 0 RTP/AVP 96\r\na=mid:b\r\n\
                  a=bundle-only\r\n";
        assert_eq!(rules(ok), []);
        let bad = "a=group:BUNDLE b a\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\na=bundle-only\r\nm=video 0 RTP/AVP 96\r\n\
                   a=mid:b\r\nm=video 0 RTP/AVP 96\r\na=mid:c\r\na=bundle-only\r\n";
        assert_eq!(
            rules(bad),
            [
                (5, Rule::BundleTagNotUsable),
                (8, Rule::BundleOnlyWithPort),
                (13, Rule::BundleOnlyOutsideBundle),
            ]
        );
    }

    fn columns(body: &str) -> Vec<(u32, u32, Rule)> {
        let text = format!("{HEAD}{body}");
        let sdp = SessionDescription::parse(&text).unwrap();
        validate(&sdp)
            .into_iter()
            .map(|f| (f.line, f.column, f.rule))
            .collect()
    }

    #[test]
    fn a_mid_is_in_at_most_one_bundle_group() {
        let sections = "m=audio 9 RTP/AVP 0\r\na=mid:a\r\nm=audio 9 RTP/AVP 0\r\na=mid:b\r\n";
        // Two BUNDLE groups with distinct mids, and a non-BUNDLE group sharing one: fine.
        let ok = format!("a=group:BUNDLE a\r\na=group:BUNDLE b\r\na=group:LS a b\r\n{sections}");
        assert_eq!(rules(&ok), []);
        let bad = format!("a=group:BUNDLE a b\r\na=group:BUNDLE b\r\n{sections}");
        assert_eq!(columns(&bad), [(6, 16, Rule::MidInTwoBundleGroups)]);
    }

    #[test]
    fn at_most_one_simulcast_line() {
        let one = "m=video 9 RTP/AVPF 96\r\na=rid:h send\r\na=simulcast:send h\r\n";
        assert_eq!(rules(one), []);
        let two = format!("{one}a=simulcast:send h\r\n");
        assert_eq!(rules(&two), [(8, Rule::SimulcastRepeated)]);
    }

    #[test]
    fn simulcast_findings_point_at_the_rid() {
        let m = "m=video 9 RTP/AVPF 96\r\n";
        // `e` is inside `send`: the finding is at the rid (column 18), not at column 14.
        assert_eq!(
            columns(&format!("{m}a=simulcast:send e\r\n")),
            [(6, 18, Rule::SimulcastRidUnknown)]
        );
        // recv first, alternatives and paused ids: each rid at its own column.
        let rids = "a=rid:s send\r\na=rid:r recv\r\n";
        assert_eq!(
            columns(&format!("{m}{rids}a=simulcast:recv r,~e;s send ~r;x,s\r\n")),
            [
                (8, 21, Rule::SimulcastRidUnknown),
                (8, 23, Rule::SimulcastRidDirection),
                (8, 31, Rule::SimulcastRidRepeated),
                (8, 31, Rule::SimulcastRidDirection),
                (8, 33, Rule::SimulcastRidUnknown),
                (8, 35, Rule::SimulcastRidRepeated),
            ]
        );
        // The draft-03 form: offsets skip `rid=` and `paused=`.
        assert_eq!(
            columns(&format!(
                "{m}{rids}a=simulcast: send rid=s,q paused=q recv rid=v\r\n"
            )),
            [
                (8, 25, Rule::SimulcastRidUnknown),
                (8, 45, Rule::SimulcastRidUnknown),
            ]
        );
    }
}
