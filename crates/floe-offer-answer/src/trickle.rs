//! Trickled candidates (RFC 8838, RFC 8840): one candidate with its section, as the W3C
//! `RTCIceCandidateInit` carries it, and the `application/trickle-ice-sdpfrag` body
//! (RFC 8840 §9.1) that carries several.

use core::fmt::{self, Write as _};

use floe_ice::Credentials;
use floe_ice_candidate::{Candidate, Prefix};
use floe_sdp::{Attribute, CandidateAttribute, DiagnosticKind, IceOptions, IcePwd, IceUfrag};

use crate::error::{DescriptionError, DescriptionErrorKind};
use crate::read::{IceOptionSet, line_number, typed};

/// The media type of a trickle fragment body (RFC 8840 §9.1).
pub const SDPFRAG_MEDIA_TYPE: &str = "application/trickle-ice-sdpfrag";

/// Most lines a fragment may have: a peer controls the text, so a body past this is refused
/// before anything is kept (a browser trickles one candidate per message).
pub const MAX_FRAGMENT_LINES: usize = 4096;

/// One trickled candidate and the media section it belongs to, or the end of a section's
/// candidates (`candidate` `None`; the W3C API's empty candidate string).
///
/// ```
/// use floe_offer_answer::TrickleCandidate;
///
/// // What a browser's `onicecandidate` hands to signaling.
/// let c = TrickleCandidate::from_init(
///     "candidate:1 1 udp 2122260223 198.51.100.7 54400 typ host generation 0",
///     Some("0"),
///     Some(0),
/// )?;
/// assert_eq!(c.mid.as_deref(), Some("0"));
/// assert_eq!(c.candidate.as_ref().unwrap().port(), 54400);
/// assert_eq!(c.candidate_string(), "candidate:1 1 udp 2122260223 198.51.100.7 54400 typ host generation 0");
/// assert!(TrickleCandidate::from_init("", Some("0"), None)?.is_end_of_candidates());
/// # Ok::<(), floe_offer_answer::DescriptionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrickleCandidate {
    /// The section's mid (`sdpMid`).
    pub mid: Option<String>,
    /// The section's 0-based m= line index (`sdpMLineIndex`).
    pub m_line_index: Option<u16>,
    /// The candidate; `None` for end-of-candidates.
    pub candidate: Option<Candidate<'static>>,
}

impl TrickleCandidate {
    /// A candidate of a section.
    #[must_use]
    pub fn new(
        mid: Option<&str>,
        m_line_index: Option<u16>,
        candidate: Option<Candidate<'static>>,
    ) -> Self {
        Self {
            mid: mid.map(str::to_owned),
            m_line_index,
            candidate,
        }
    }

    /// Parses the W3C form: the `candidate` string (`candidate:...`, also accepted with a
    /// leading `a=` or without the `candidate:` prefix; empty for end-of-candidates) with
    /// `sdpMid` and `sdpMLineIndex`.
    ///
    /// # Errors
    /// The candidate's grammar error (line 1, the column in `candidate`), or neither a mid nor
    /// an index.
    pub fn from_init(
        candidate: &str,
        mid: Option<&str>,
        m_line_index: Option<u16>,
    ) -> Result<Self, DescriptionError> {
        if mid.is_none() && m_line_index.is_none() {
            return Err(DescriptionError::new(
                1,
                0,
                DescriptionErrorKind::Mid("a trickled candidate needs sdpMid or sdpMLineIndex"),
            ));
        }
        let text = candidate.trim();
        let text = text.strip_prefix("a=").unwrap_or(text);
        let candidate = if text.is_empty() {
            None
        } else {
            let value = text.strip_prefix("candidate:").unwrap_or(text);
            let attr = Attribute {
                name: "candidate",
                value: Some(value),
            };
            Some(bare(typed::<CandidateAttribute<'_>>(&attr, 1)?.candidate))
        };
        Ok(Self::new(mid, m_line_index, candidate))
    }

    /// Whether this marks the end of the section's candidates.
    #[must_use]
    pub const fn is_end_of_candidates(&self) -> bool {
        self.candidate.is_none()
    }

    /// The W3C `candidate` string: `candidate:<value>`, or empty for end-of-candidates.
    #[must_use]
    pub fn candidate_string(&self) -> String {
        self.candidate
            .as_ref()
            .map_or_else(String::new, |c| format!("candidate:{}", attribute_value(c)))
    }
}

/// One media section of a trickle fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FragmentSection {
    /// The value of its `m=` line (RFC 8840 §4.4 copies the description's, with port 9).
    pub media_line: String,
    /// `a=mid`.
    pub mid: Option<String>,
    /// Section-level credentials, if given.
    pub credentials: Option<Credentials>,
    /// The candidates.
    pub candidates: Vec<Candidate<'static>>,
    /// `a=end-of-candidates`.
    pub end_of_candidates: bool,
}

impl FragmentSection {
    /// A section with no lines but its `m=` and `a=mid`.
    #[must_use]
    pub fn new(media_line: &str, mid: Option<&str>) -> Self {
        Self {
            media_line: media_line.to_owned(),
            mid: mid.map(str::to_owned),
            credentials: None,
            candidates: Vec::new(),
            end_of_candidates: false,
        }
    }
}

/// An `application/trickle-ice-sdpfrag` body (RFC 8840 §9.1): session-level ICE attributes,
/// then media sections identified by `a=mid`, each with its trickled candidates.
///
/// ```
/// use floe_offer_answer::TrickleFragment;
///
/// let body = "a=ice-options:trickle\r\na=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n\
///             m=audio 9 RTP/AVP 0\r\na=mid:1\r\n\
///             a=candidate:1 1 UDP 2130706431 198.51.100.1 5000 typ host\r\n\
///             a=end-of-candidates\r\n";
/// let fragment = TrickleFragment::parse(body)?;
/// assert_eq!(fragment.credentials.as_ref().unwrap().ufrag, "8hhY");
/// assert_eq!(fragment.sections[0].mid.as_deref(), Some("1"));
/// assert!(fragment.sections[0].end_of_candidates);
/// assert_eq!(fragment.to_string(), body);
/// # Ok::<(), floe_offer_answer::DescriptionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TrickleFragment {
    /// Session-level `a=ice-ufrag`/`a=ice-pwd`: which generation the candidates belong to
    /// (RFC 8840 §4.4).
    pub credentials: Option<Credentials>,
    /// Session-level `a=ice-options`.
    pub options: IceOptionSet,
    /// Session-level `a=end-of-candidates`: every section is done.
    pub end_of_candidates: bool,
    /// The media sections.
    pub sections: Vec<FragmentSection>,
}

impl TrickleFragment {
    /// Parses a fragment body (CRLF or LF line ends).
    ///
    /// # Errors
    /// A [`DescriptionError`] for a line that is neither `a=` nor `m=`, an invalid ICE
    /// attribute value, a candidate before the first `m=` line, or more than
    /// [`MAX_FRAGMENT_LINES`] lines.
    pub fn parse(text: &str) -> Result<Self, DescriptionError> {
        let mut fragment = Self::default();
        let (mut ufrag, mut pwd) = (None, None);
        let mut section_creds: (Option<&str>, Option<&str>) = (None, None);
        for (i, raw) in text.lines().enumerate() {
            let number = line_number(i);
            if i >= MAX_FRAGMENT_LINES {
                return Err(DescriptionError::new(
                    number,
                    0,
                    DescriptionErrorKind::TooManyLines {
                        limit: MAX_FRAGMENT_LINES,
                    },
                ));
            }
            // `lines()` has taken a CRLF's CR; one more CR ending the line goes too (the line
            // is written back with CRLF either way).
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            // RFC 8866 §9: no value holds CR, LF or NUL. A stray CR would be read back as
            // part of the line end once the fragment is written, and the value would change.
            if let Some(at) = raw.find(['\r', '\0']) {
                return Err(DescriptionError::new(
                    number,
                    u32::try_from(at + 1).unwrap_or(u32::MAX),
                    DescriptionErrorKind::Sdp(DiagnosticKind::ControlCharacter),
                ));
            }
            if raw.is_empty() {
                continue;
            }
            if let Some(m) = raw.strip_prefix("m=") {
                finish_section(&mut fragment, &mut section_creds);
                fragment.sections.push(FragmentSection::new(m, None));
                continue;
            }
            let Some(attr) = raw.strip_prefix("a=").map(Attribute::split) else {
                return Err(DescriptionError::new(
                    number,
                    1,
                    DescriptionErrorKind::FragmentLine,
                ));
            };
            let section = fragment.sections.last_mut();
            let in_section = section.is_some();
            match (attr.name, section) {
                ("ice-ufrag", _) => {
                    let u = typed::<IceUfrag<'_>>(&attr, number)?.0;
                    *if in_section {
                        &mut section_creds.0
                    } else {
                        &mut ufrag
                    } = Some(u);
                }
                ("ice-pwd", _) => {
                    let p = typed::<IcePwd<'_>>(&attr, number)?.0;
                    *if in_section {
                        &mut section_creds.1
                    } else {
                        &mut pwd
                    } = Some(p);
                }
                ("ice-options", _) => {
                    let options = typed::<IceOptions<'_>>(&attr, number)?;
                    fragment.options.add(&options);
                }
                ("end-of-candidates", None) => fragment.end_of_candidates = true,
                ("end-of-candidates", Some(s)) => s.end_of_candidates = true,
                ("mid", Some(s)) => s.mid = attr.value.map(str::to_owned),
                ("candidate", Some(s)) => {
                    let c = typed::<CandidateAttribute<'_>>(&attr, number)?;
                    s.candidates.push(bare(c.candidate));
                }
                ("candidate", None) => {
                    return Err(DescriptionError::new(
                        number,
                        0,
                        DescriptionErrorKind::Misplaced(
                            "a=candidate belongs in a media section (RFC 8840 §4.4)",
                        ),
                    ));
                }
                // Other attributes (a=group, ...) are allowed and carry nothing for ICE.
                _ => {}
            }
        }
        finish_section(&mut fragment, &mut section_creds);
        fragment.credentials = ufrag.zip(pwd).map(|(u, p)| Credentials::new(u, p));
        Ok(fragment)
    }

    /// Writes the body (CRLF line ends).
    pub fn write_to(&self, out: &mut String) {
        if let Some(options) = self.options.to_value() {
            let _ = write!(out, "a=ice-options:{options}\r\n");
        }
        if let Some(c) = &self.credentials {
            write_credentials(out, c);
        }
        if self.end_of_candidates {
            out.push_str("a=end-of-candidates\r\n");
        }
        for s in &self.sections {
            let _ = write!(out, "m={}\r\n", s.media_line);
            if let Some(mid) = &s.mid {
                let _ = write!(out, "a=mid:{mid}\r\n");
            }
            if let Some(c) = &s.credentials {
                write_credentials(out, c);
            }
            for c in &s.candidates {
                let _ = write!(out, "a=candidate:{}\r\n", attribute_value(c));
            }
            if s.end_of_candidates {
                out.push_str("a=end-of-candidates\r\n");
            }
        }
    }

    /// The trickled candidates, one per candidate and one per end-of-candidates, with each
    /// section's mid and its index in the fragment (the description's index when the fragment
    /// lists every section, as RFC 8840 §4.4 asks; the mid decides otherwise).
    #[must_use]
    pub fn candidates(&self) -> Vec<TrickleCandidate> {
        let mut out = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            let index = u16::try_from(i).ok();
            for c in &s.candidates {
                out.push(TrickleCandidate::new(
                    s.mid.as_deref(),
                    index,
                    Some(c.clone()),
                ));
            }
            if s.end_of_candidates || self.end_of_candidates {
                out.push(TrickleCandidate::new(s.mid.as_deref(), index, None));
            }
        }
        out
    }
}

impl fmt::Display for TrickleFragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

/// A parsed candidate, owned, without the `candidate:` prefix a value may repeat (browsers'
/// `a=candidate:candidate:...` is read as the same candidate).
fn bare(c: Candidate<'_>) -> Candidate<'static> {
    let mut c = c.into_owned();
    c.set_prefix(Prefix::None);
    c
}

/// A candidate as the value of its `a=candidate` line: no prefix, whatever prefix it was
/// parsed or built with.
pub(crate) fn attribute_value(c: &Candidate<'_>) -> String {
    let mut c = c.clone();
    c.set_prefix(Prefix::None);
    c.to_string()
}

fn write_credentials(out: &mut String, c: &Credentials) {
    let _ = write!(out, "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\n", c.ufrag, c.pwd);
}

/// Moves the credentials read in the last section into it.
fn finish_section(fragment: &mut TrickleFragment, creds: &mut (Option<&str>, Option<&str>)) {
    let (u, p) = core::mem::take(creds);
    if let (Some(s), Some((u, p))) = (fragment.sections.last_mut(), u.zip(p)) {
        s.credentials = Some(Credentials::new(u, p));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stray_cr_or_nul_in_a_line_is_refused_so_writing_back_cannot_change_a_value() {
        // Found by the offer_answer fuzz target: "a=mid:\r " read as mid "\r", written back
        // as "a=mid:\r\r\n" and read again as mid "".
        for body in [
            "m=audio 9 RTP/AVP 0\r\na=mid:\r \n",
            "m=audio 9 RTP/AVP 0\na=mid:a\0b\n",
        ] {
            let e = TrickleFragment::parse(body).unwrap_err();
            assert!(
                matches!(
                    e.kind,
                    DescriptionErrorKind::Sdp(DiagnosticKind::ControlCharacter)
                ),
                "{body:?}: {e:?}"
            );
            assert_eq!(e.line, 2);
        }
        // CRLF and LF line ends still read.
        assert!(TrickleFragment::parse("m=audio 9 RTP/AVP 0\r\na=mid:0\r\n").is_ok());
        assert!(TrickleFragment::parse("m=audio 9 RTP/AVP 0\na=mid:0\n").is_ok());
    }

    use super::*;

    #[test]
    fn lines_that_are_not_attributes_are_refused_with_their_place() {
        let e = TrickleFragment::parse("a=ice-options:trickle\r\nv=0\r\n").unwrap_err();
        assert_eq!((e.line, e.kind), (2, DescriptionErrorKind::FragmentLine));
        let e = TrickleFragment::parse("m=audio 9 RTP/AVP 0\na=candidate:1 1 udp x").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.column > 12, "{e}");
        let e =
            TrickleFragment::parse("a=candidate:1 1 udp 1 198.51.100.1 1 typ host").unwrap_err();
        assert!(matches!(e.kind, DescriptionErrorKind::Misplaced(_)));
    }

    #[test]
    fn a_fragment_round_trips_and_lists_its_candidates() {
        let mut fragment = TrickleFragment::default();
        fragment.options.trickle = true;
        fragment.credentials = Some(Credentials::new("8hhY", "asd88fgpdd777uzjYhagZg"));
        let mut s =
            FragmentSection::new("application 9 UDP/DTLS/SCTP webrtc-datachannel", Some("0"));
        let c = Candidate::parse("1 1 udp 2130706431 198.51.100.1 5000 typ host").unwrap();
        s.candidates.push(c.into_owned());
        s.end_of_candidates = true;
        fragment.sections.push(s);
        let text = fragment.to_string();
        let back = TrickleFragment::parse(&text).unwrap();
        assert_eq!(back, fragment);
        let trickled = back.candidates();
        assert_eq!(trickled.len(), 2);
        assert_eq!(trickled[0].mid.as_deref(), Some("0"));
        assert!(trickled[1].is_end_of_candidates());
    }

    /// Found by the offer_answer fuzz target: a value that repeats `candidate:` is the same
    /// candidate, so the fragment written back reads the same.
    #[test]
    fn a_repeated_candidate_prefix_is_read_as_the_candidate() {
        let body = "m=audio 9 RTP/AVP 0\r\na=mid:1\r\n\
                    a=candidate:candidate:1 1 UDP 2130706431 198.51.100.1 5000 typ host\r\n";
        let fragment = TrickleFragment::parse(body).unwrap();
        let text = fragment.to_string();
        assert!(text.contains("a=candidate:1 1 UDP"), "{text}");
        assert_eq!(TrickleFragment::parse(&text).unwrap(), fragment);
    }

    #[test]
    fn a_fragment_past_the_line_limit_is_refused() {
        let body = "a=ice-options:trickle\n".repeat(MAX_FRAGMENT_LINES + 1);
        assert!(TrickleFragment::parse(&body).is_err());
    }

    #[test]
    fn init_strings_in_every_form() {
        for text in [
            "candidate:1 1 udp 1 198.51.100.1 5000 typ host",
            "a=candidate:1 1 udp 1 198.51.100.1 5000 typ host",
            "1 1 udp 1 198.51.100.1 5000 typ host",
        ] {
            let c = TrickleCandidate::from_init(text, None, Some(0)).unwrap();
            assert_eq!(c.candidate.unwrap().port(), 5000);
        }
        assert!(TrickleCandidate::from_init("", None, None).is_err());
        let e = TrickleCandidate::from_init("candidate:1 1 udp", Some("0"), None).unwrap_err();
        assert!(matches!(
            e.kind,
            DescriptionErrorKind::InvalidAttribute {
                name: "candidate",
                ..
            }
        ));
    }
}
