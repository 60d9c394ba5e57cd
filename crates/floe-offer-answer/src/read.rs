//! Reading the ICE attributes of a description (RFC 8839 §5, RFC 8840 §4.4, RFC 9143 §7):
//! credentials, options, lite, candidates and end-of-candidates per media section, with
//! session-level values inherited, every value checked, and errors located by line and column.

use floe_ice::Credentials;
use floe_ice_candidate::Candidate;
use floe_sdp::{
    Attribute, CandidateAttribute, FieldValue, IceOptions, IcePwd, IceUfrag, Line, MediaLine, Mid,
    SessionDescription, TypedAttribute, ValueError,
};

use crate::error::{DescriptionError, DescriptionErrorKind};

/// The `a=ice-options` tags Floe acts on (RFC 8839 §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IceOptionSet {
    /// `trickle` (RFC 8840 §4.1.1): candidates may come later, trickled.
    pub trickle: bool,
    /// `ice2` (RFC 8445 §1): the agent follows RFC 8445, not RFC 5245.
    pub ice2: bool,
    /// `renomination` (draft-thatcher-ice-renomination).
    pub renomination: bool,
}

impl IceOptionSet {
    /// The tags of one `a=ice-options` value, added to these.
    pub(crate) fn add(&mut self, value: &IceOptions<'_>) {
        for tag in value.options() {
            match tag {
                "trickle" => self.trickle = true,
                "ice2" => self.ice2 = true,
                "renomination" => self.renomination = true,
                _ => {}
            }
        }
    }

    /// The value of an `a=ice-options` line carrying these tags, if any.
    ///
    /// ```
    /// use floe_offer_answer::IceOptionSet;
    /// let mut options = IceOptionSet::default();
    /// assert_eq!(options.to_value(), None);
    /// options.trickle = true;
    /// options.ice2 = true;
    /// assert_eq!(options.to_value().as_deref(), Some("trickle ice2"));
    /// ```
    #[must_use]
    pub fn to_value(&self) -> Option<String> {
        let tags: Vec<&str> = [
            (self.trickle, "trickle"),
            (self.ice2, "ice2"),
            (self.renomination, "renomination"),
        ]
        .into_iter()
        .filter_map(|(on, tag)| on.then_some(tag))
        .collect();
        (!tags.is_empty()).then(|| tags.join(" "))
    }
}

/// A candidate and the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedCandidate<'a> {
    /// The candidate.
    pub candidate: Candidate<'a>,
    /// Its 1-based line number in the description.
    pub line: u32,
}

/// The ICE view of one media section.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SectionIce<'a> {
    /// Its 0-based m= line index.
    pub index: usize,
    /// The line number of its `m=` line.
    pub line: u32,
    /// `a=mid` (RFC 5888), if any.
    pub mid: Option<&'a str>,
    /// The media type (`audio`, `video`, `application`, ...).
    pub media: &'a str,
    /// The m= port (0: rejected, or bundled with `a=bundle-only`).
    pub port: u16,
    /// The m= proto (`UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ...).
    pub proto: &'a str,
    /// The m= formats, as written.
    pub formats: &'a str,
    /// `a=bundle-only` (RFC 9143 §6).
    pub bundle_only: bool,
    /// `a=rtcp-mux` (RFC 5761): RTP and RTCP on one component.
    pub rtcp_mux: bool,
    /// The section's credentials: its own `a=ice-ufrag`/`a=ice-pwd`, each falling back to the
    /// session level (RFC 8839 §5.4).
    pub credentials: Option<Credentials>,
    /// The section's ice-options and the session's.
    pub options: IceOptionSet,
    /// Its candidates, in order.
    pub candidates: Vec<LocatedCandidate<'a>>,
    /// `a=end-of-candidates` here or at session level (RFC 8840 §4.4).
    pub end_of_candidates: bool,
}

impl SectionIce<'_> {
    /// A section the peer rejected or removed: port 0 without `a=bundle-only` (RFC 3264 §6,
    /// RFC 9143 §7.3.3).
    #[must_use]
    pub const fn is_rejected(&self) -> bool {
        self.port == 0 && !self.bundle_only
    }

    /// The ICE components the section needs: 1 with `a=rtcp-mux` or for non-RTP media, else
    /// 2 (RTP and RTCP).
    #[must_use]
    pub fn components(&self) -> u16 {
        if self.rtcp_mux || !self.proto.contains("RTP") {
            1
        } else {
            2
        }
    }
}

/// What a description says about ICE, checked (RFC 8839 §5, RFC 9143 §7).
///
/// ```
/// use floe_offer_answer::IceDescription;
/// use floe_sdp::SessionDescription;
///
/// let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n\
///             a=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
///             c=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:F7gI\r\n\
///             a=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n\
///             a=candidate:1 1 udp 2130706431 198.51.100.7 5000 typ host\r\n";
/// let sdp = SessionDescription::parse(text)?;
/// let ice = IceDescription::read(&sdp)?;
/// assert!(ice.lite);
/// assert_eq!(ice.bundle, ["0"]);
/// let section = &ice.sections[0];
/// assert_eq!(section.credentials.as_ref().unwrap().ufrag, "F7gI");
/// assert_eq!(section.candidates[0].line, 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IceDescription<'a> {
    /// `a=ice-lite` (RFC 8839 §5.3).
    pub lite: bool,
    /// The session-level ice-options.
    pub options: IceOptionSet,
    /// The mids of the first `a=group:BUNDLE` (RFC 9143 §7.1) that name a section, the tagged
    /// one first once an answer accepted it; empty without BUNDLE.
    pub bundle: Vec<&'a str>,
    /// The media sections, in m= order.
    pub sections: Vec<SectionIce<'a>>,
}

/// One level's ICE values as they are read.
#[derive(Default)]
struct Level<'a> {
    ufrag: Option<&'a str>,
    pwd: Option<&'a str>,
    options: IceOptionSet,
    end_of_candidates: bool,
}

impl<'a> IceDescription<'a> {
    /// Reads and checks the ICE attributes of `description`.
    ///
    /// # Errors
    /// A [`DescriptionError`] at the first ICE attribute that is invalid (grammar of
    /// `ice-ufrag`, `ice-pwd` (RFC 8839 §5.4), `ice-options`, `candidate`), repeated at one
    /// level, or misplaced (`ice-lite` in a section, a candidate at session level), two
    /// sections with one mid, a section in use without credentials, or no ICE at all.
    pub fn read(description: &'a SessionDescription<'a>) -> Result<Self, DescriptionError> {
        let mut lite = false;
        let mut session = Level::default();
        let mut bundle: Option<Vec<&'a str>> = None;
        for (i, line) in description.session_lines().iter().enumerate() {
            let number = line_number(i);
            let Some(attr) = line.attribute() else {
                continue;
            };
            match attr.name {
                "ice-lite" => lite = true,
                "candidate" => {
                    return Err(DescriptionError::new(
                        number,
                        0,
                        DescriptionErrorKind::Misplaced(
                            "a=candidate belongs in a media section (RFC 8839 §5.1)",
                        ),
                    ));
                }
                "group" if bundle.is_none() => bundle = bundle_mids(&attr),
                _ => read_level_attribute(&mut session, &attr, number)?,
            }
        }
        let mut sections = Vec::with_capacity(description.media().len());
        let mut first_line = description.session_lines().len();
        for (index, media) in description.media().iter().enumerate() {
            let section = read_section(index, media.lines(), first_line, &session)?;
            first_line += media.lines().len();
            if let Some(mid) = section.mid
                && sections.iter().any(|s: &SectionIce<'_>| s.mid == Some(mid))
            {
                return Err(DescriptionError::new(
                    section.line,
                    0,
                    DescriptionErrorKind::Mid("two media sections have one mid"),
                ));
            }
            sections.push(section);
        }
        // A group naming a mid no section has (a hand-edited description, or a section the
        // writer dropped) keeps the mids that exist: the group's meaning for them is clear
        // (RFC 9143 §7.2 lets an answerer leave sections out of a group).
        let mut bundle = bundle.unwrap_or_default();
        bundle.retain(|m| sections.iter().any(|s| s.mid == Some(*m)));
        let ice = Self {
            lite,
            options: session.options,
            bundle,
            sections,
        };
        ice.check_credentials()?;
        Ok(ice)
    }

    /// Every section that carries ICE (not rejected, and for bundled ones the tagged section
    /// at least) has credentials.
    fn check_credentials(&self) -> Result<(), DescriptionError> {
        let any = self.sections.iter().any(|s| s.credentials.is_some());
        let in_use = self.sections.iter().find(|s| !s.is_rejected());
        if let (false, Some(s)) = (any, in_use) {
            return Err(DescriptionError::new(
                s.line,
                0,
                DescriptionErrorKind::NotIce,
            ));
        }
        for s in &self.sections {
            let bundled_away = s.mid.is_some_and(|m| self.is_bundled(m)) && !self.is_tagged(s);
            if s.credentials.is_none() && !s.is_rejected() && !bundled_away {
                return Err(DescriptionError::new(
                    s.line,
                    0,
                    DescriptionErrorKind::MissingCredentials { index: s.index },
                ));
            }
        }
        Ok(())
    }

    /// Whether the BUNDLE group names `mid`.
    #[must_use]
    pub fn is_bundled(&self, mid: &str) -> bool {
        self.bundle.contains(&mid)
    }

    /// Whether `section` is the BUNDLE group's tagged section: the first mid of the group
    /// (RFC 9143 §7.2.1: the offerer's suggestion, the answerer's choice).
    #[must_use]
    pub fn is_tagged(&self, section: &SectionIce<'_>) -> bool {
        section.mid.is_some() && self.bundle.first().copied() == section.mid
    }

    /// The section with `mid`.
    #[must_use]
    pub fn section(&self, mid: &str) -> Option<&SectionIce<'a>> {
        self.sections.iter().find(|s| s.mid == Some(mid))
    }
}

/// Reads one media section.
fn read_section<'a>(
    index: usize,
    lines: &'a [Line<'a>],
    first_line: usize,
    session: &Level<'a>,
) -> Result<SectionIce<'a>, DescriptionError> {
    let line = line_number(first_line);
    let m_value = lines.first().and_then(Line::value).unwrap_or("");
    // The m= line is checked as RFC 8866 §5.14 has it, whatever mode parsed the description.
    let parsed = <MediaLine<'_> as FieldValue<'_>>::parse(m_value).map_err(|e| {
        let before = m_value.get(..e.offset).map_or(0, |s| s.chars().count());
        let column = u32::try_from(3 + before).unwrap_or(u32::MAX);
        DescriptionError::new(line, column, DescriptionErrorKind::MediaLine(e.kind))
    })?;
    let mut fields = m_value.splitn(4, ' ');
    let media = parsed.media;
    fields.next();
    let port = parsed.port;
    let proto = parsed.proto;
    let formats = fields.nth(2).unwrap_or("");
    let mut level = Level::default();
    let (mut mid, mut bundle_only, mut rtcp_mux) = (None, false, false);
    let mut candidates = Vec::new();
    for (j, l) in lines.iter().enumerate().skip(1) {
        let number = line_number(first_line + j);
        let Some(attr) = l.attribute() else {
            continue;
        };
        match attr.name {
            "mid" => {
                if mid.is_some() {
                    return Err(repeated(number, "mid"));
                }
                mid = Some(typed::<Mid<'_>>(&attr, number)?.0);
            }
            "bundle-only" => bundle_only = true,
            "rtcp-mux" => rtcp_mux = true,
            "ice-lite" => {
                return Err(DescriptionError::new(
                    number,
                    0,
                    DescriptionErrorKind::Misplaced(
                        "a=ice-lite is a session-level attribute (RFC 8839 §5.3)",
                    ),
                ));
            }
            "candidate" => {
                let c = typed::<CandidateAttribute<'_>>(&attr, number)?;
                candidates.push(LocatedCandidate {
                    candidate: c.candidate,
                    line: number,
                });
            }
            _ => read_level_attribute(&mut level, &attr, number)?,
        }
    }
    let ufrag = level.ufrag.or(session.ufrag);
    let pwd = level.pwd.or(session.pwd);
    let mut options = session.options;
    let own = level.options;
    options.trickle |= own.trickle;
    options.ice2 |= own.ice2;
    options.renomination |= own.renomination;
    Ok(SectionIce {
        index,
        line,
        mid,
        media,
        port,
        proto,
        formats,
        bundle_only,
        rtcp_mux,
        credentials: ufrag.zip(pwd).map(|(u, p)| Credentials::new(u, p)),
        options,
        candidates,
        end_of_candidates: level.end_of_candidates || session.end_of_candidates,
    })
}

/// Reads an attribute allowed at both levels into `level`.
fn read_level_attribute<'a>(
    level: &mut Level<'a>,
    attr: &Attribute<'a>,
    number: u32,
) -> Result<(), DescriptionError> {
    match attr.name {
        "ice-ufrag" => {
            let u = typed::<IceUfrag<'_>>(attr, number)?;
            u.check_rfc8839()
                .map_err(|e| value_error::<IceUfrag<'_>>(attr, number, e))?;
            if level.ufrag.replace(u.0).is_some() {
                return Err(repeated(number, "ice-ufrag"));
            }
        }
        "ice-pwd" => {
            let p = typed::<IcePwd<'_>>(attr, number)?;
            p.check_rfc8839()
                .map_err(|e| value_error::<IcePwd<'_>>(attr, number, e))?;
            if level.pwd.replace(p.0).is_some() {
                return Err(repeated(number, "ice-pwd"));
            }
        }
        "ice-options" => level.options.add(&typed::<IceOptions<'_>>(attr, number)?),
        "end-of-candidates" => level.end_of_candidates = true,
        _ => {}
    }
    Ok(())
}

/// The typed value of an attribute line, or its error located in the line.
pub(crate) fn typed<'a, T: TypedAttribute<'a>>(
    attr: &Attribute<'a>,
    number: u32,
) -> Result<T, DescriptionError> {
    T::from_value(attr.value).map_err(|e| value_error::<T>(attr, number, e))
}

/// A value error of attribute `T` located in its line: the column of the field that failed.
fn value_error<'a, T: TypedAttribute<'a>>(
    attr: &Attribute<'_>,
    number: u32,
    e: ValueError,
) -> DescriptionError {
    // `a=` + name + `:`, then the offset inside the value, in characters, 1-based.
    let before = attr
        .value
        .map_or(0, |v| v.get(..e.offset).map_or(0, |s| s.chars().count()));
    let column = 2 + attr.name.chars().count() + usize::from(attr.value.is_some()) + before + 1;
    DescriptionError::new(
        number,
        u32::try_from(column).unwrap_or(u32::MAX),
        DescriptionErrorKind::InvalidAttribute {
            name: T::NAME,
            error: e.kind,
        },
    )
}

/// The mids of an `a=group:BUNDLE` line (RFC 9143 §7.1), or `None` for another group.
fn bundle_mids<'a>(attr: &Attribute<'a>) -> Option<Vec<&'a str>> {
    let mids = attr
        .value?
        .strip_prefix("BUNDLE")
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))?;
    Some(mids.split(' ').filter(|m| !m.is_empty()).collect())
}

/// The mids of the first `a=group:BUNDLE` of a description, without checking the rest.
pub(crate) fn first_bundle<'d>(d: &'d SessionDescription<'_>) -> Vec<&'d str> {
    d.session_lines()
        .iter()
        .filter_map(Line::attribute)
        .filter(|a| a.name == "group")
        .find_map(|a| bundle_mids(&a))
        .unwrap_or_default()
}

/// A 1-based line number from a 0-based index.
pub(crate) fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn repeated(number: u32, name: &'static str) -> DescriptionError {
    DescriptionError::new(number, 0, DescriptionErrorKind::Repeated { name })
}
