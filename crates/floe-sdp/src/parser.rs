//! The parser: split lines (memchr), place each in the session part or a media section, and
//! check the structure (line endings, RFC 8866 §5 line order, repeats, required lines,
//! attribute names and placement) and, when asked (see [`ParseOptions`]), every value.
//!
//! Linear in the input: one pass over the lines, constant work per byte, no recursion; memory is
//! the line table plus at most a few warnings per line. There is no cap on line or attribute
//! counts.

use std::borrow::Cow;
use std::vec::Vec;

use crate::attributes::{REGISTRY, index_of, typed_at};
use crate::description::{MediaSection, SessionDescription};
use crate::error::{Diagnostic, DiagnosticKind, Level};
use crate::grammar::is_token_byte;
use crate::line::{Attribute, Line, LineEnding, line_type, split_lines, trim_end_ws};
use crate::parsed::Parsed;
use crate::values::{attribute_diagnostic, field_diagnostic, is_candidate_warning};

/// How strictly to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// RFC 8866 grammar and the WebRTC placement rules: the first violation is an error.
    Strict,
    /// Accept what real endpoints send (attributes before `t=`, missing `s=`, media-level
    /// `a=ice-lite`, trailing spaces, empty `fmtp`, unknown line types) and report warnings.
    #[default]
    Lenient,
}

/// Parser settings: the [`Mode`], and whether values are checked during the parse.
///
/// The parse always checks the structure: line endings and control characters, line types,
/// the RFC 8866 §5 order, repeated and missing lines, attribute names and the WebRTC placement
/// rules. The values (the `v o s i u e p c b t r z k m` fields and the values of known
/// attributes such as `rtpmap`, `candidate` or `fingerprint`) are checked during the parse when
/// [`Self::check_values`] is on: the default in [`Mode::Strict`], which rejects a malformed
/// value. In [`Mode::Lenient`] it is off by default, because there a bad value is only ever a
/// warning: [`Parsed::warnings`] checks the values on its first call and returns exactly what
/// the checking parse would have, in the same order, and the typed views check what they read
/// ([`crate::MediaSection::get_attribute`] returns the error). A caller that reads a few values
/// pays neither for checking the rest nor for checking a value twice.
///
/// ```
/// use floe_sdp::{Mode, ParseOptions, RtpMap, SessionDescription};
/// let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n";
/// assert!(SessionDescription::parse_with(input, Mode::Strict).is_err());
/// // Lenient: accepted; the bad value is a warning, and its typed view returns the error.
/// let parsed = SessionDescription::parse_with(input, Mode::Lenient)?;
/// assert_eq!(parsed.warnings()[0].line, 6);
/// assert!(parsed.description().media()[0].get_attribute::<RtpMap>().unwrap().is_err());
/// // The strict structure, values left to the typed views.
/// let structural = ParseOptions::new(Mode::Strict).check_values(false);
/// assert!(SessionDescription::parse_with(input, structural).is_ok());
/// # Ok::<(), floe_sdp::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Strict or lenient.
    pub mode: Mode,
    /// Check field and attribute values during the parse (default: on in [`Mode::Strict`],
    /// off in [`Mode::Lenient`], where [`Parsed::warnings`] checks them on first read).
    pub check_values: bool,
    /// The most warnings a parse keeps (default [`DEFAULT_MAX_WARNINGS`]): a peer controls
    /// how many deviations it sends, so past this limit one
    /// [`DiagnosticKind::TooManyWarnings`] marks where reporting stopped. The limit applies the
    /// same way whether values are checked during the parse or on first read.
    pub max_warnings: usize,
    /// In [`Mode::Strict`], reject an `a=candidate` that breaks RFC 8839 §5.1 or RFC 6544 §4.5
    /// (what `floe_ice_candidate`'s strict mode rejects: a TCP candidate without `tcptype`, a
    /// zone id, a priority above 2^31-1, ...). Default `false`: real offers carry such
    /// candidates (legacy Chrome and JsSIP TCP candidates), so they are warnings in both modes.
    pub strict_candidates: bool,
}

impl ParseOptions {
    /// `mode`, with values checked during the parse in [`Mode::Strict`] only.
    #[must_use]
    pub const fn new(mode: Mode) -> Self {
        Self {
            mode,
            check_values: matches!(mode, Mode::Strict),
            max_warnings: DEFAULT_MAX_WARNINGS,
            strict_candidates: false,
        }
    }

    /// Sets [`ParseOptions::max_warnings`].
    ///
    /// ```
    /// use floe_sdp::{DiagnosticKind, Mode, ParseOptions, SessionDescription};
    /// let input = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nf=1\nf=2\nf=3\n";
    /// let parsed = SessionDescription::parse_with(input, ParseOptions::new(Mode::Lenient).max_warnings(2))?;
    /// let w = parsed.warnings(); // LF endings, f= at line 5, then the limit at line 6
    /// assert_eq!(w.len(), 3);
    /// assert_eq!((w[2].line, w[2].kind), (6, DiagnosticKind::TooManyWarnings { limit: 2 }));
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub const fn max_warnings(mut self, max: usize) -> Self {
        self.max_warnings = max;
        self
    }

    /// Sets [`ParseOptions::strict_candidates`].
    ///
    /// ```
    /// use floe_sdp::{Mode, ParseOptions, SessionDescription};
    /// let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n\
    ///              a=candidate:1 1 tcp 1518280447 192.0.2.7 9 typ host\r\n";
    /// assert!(SessionDescription::parse_with(input, Mode::Strict).is_ok());
    /// let err = SessionDescription::parse_with(input, ParseOptions::new(Mode::Strict).strict_candidates(true))
    ///     .unwrap_err();
    /// assert_eq!((err.line, err.column), (6, 17)); // the transport without tcptype
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub const fn strict_candidates(mut self, strict: bool) -> Self {
        self.strict_candidates = strict;
        self
    }

    /// Sets [`ParseOptions::check_values`].
    ///
    /// ```
    /// use floe_sdp::{Mode, ParseOptions, SessionDescription};
    /// let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=setup:sideways\r\n";
    /// // Checked during the parse or on first read: the same warnings.
    /// let eager = SessionDescription::parse_with(input, ParseOptions::new(Mode::Lenient).check_values(true))?;
    /// let lazy = SessionDescription::parse_with(input, Mode::Lenient)?;
    /// assert_eq!(eager.warnings(), lazy.warnings());
    /// assert_eq!(lazy.warnings()[0].line, 5);
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub const fn check_values(mut self, check: bool) -> Self {
        self.check_values = check;
        self
    }
}

/// The default of [`ParseOptions::max_warnings`]: far above what real descriptions produce
/// (a handful), low enough that a hostile one cannot make the warning list dwarf the input.
///
/// ```
/// use floe_sdp::{DEFAULT_MAX_WARNINGS, Mode, ParseOptions};
/// assert_eq!(ParseOptions::new(Mode::Lenient).max_warnings, DEFAULT_MAX_WARNINGS);
/// ```
pub const DEFAULT_MAX_WARNINGS: usize = 10_000;

impl Default for ParseOptions {
    fn default() -> Self {
        Self::new(Mode::Lenient)
    }
}

impl From<Mode> for ParseOptions {
    fn from(mode: Mode) -> Self {
        Self::new(mode)
    }
}

/// Position of a session-level line type in the RFC 8866 §5 order, `None` for unknown types.
fn session_rank(t: char) -> Option<u8> {
    Some(match t {
        'v' => 0,
        'o' => 1,
        's' => 2,
        'i' => 3,
        'u' => 4,
        'e' => 5,
        'p' => 6,
        'c' => 7,
        'b' => 8,
        't' => 9,
        'r' => 10,
        'z' => 11,
        'k' => 12,
        'a' => 13,
        _ => return None,
    })
}

/// Position of a media-level line type in the RFC 8866 §5 order.
fn media_rank(t: char) -> Option<u8> {
    Some(match t {
        'i' => 1,
        'c' => 2,
        'b' => 3,
        'k' => 4,
        'a' => 5,
        _ => return None,
    })
}

/// Line types that appear at most once per level (RFC 8866 §9): `z=` once per time
/// description (the bit is cleared at each `t=`); a media section may have several `c=`
/// (`*connection-field`), the session part one.
fn once_bit(level: Level, t: char) -> u32 {
    match (level, t) {
        (Level::Media, 'c') => 0,
        (_, 'v' | 'o' | 's' | 'i' | 'u' | 'c' | 'z' | 'k') => 1 << (t as u32 - 'a' as u32),
        _ => 0,
    }
}

/// [`Attribute::split`] and the `token` check of the name in one pass over the name.
pub(crate) fn split_attribute(rest: &str) -> (Attribute<'_>, bool) {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] != b':' {
        if !is_token_byte(bytes[i]) {
            return (Attribute::split(rest), false);
        }
        i += 1;
    }
    let attr = match rest.get(i + 1..) {
        Some(value) => Attribute {
            name: &rest[..i],
            value: Some(value),
        },
        None => Attribute {
            name: rest,
            value: None,
        },
    };
    (attr, i > 0)
}

/// 1-based character column of byte offset `at` in `text`.
pub(crate) fn column(text: &str, at: usize) -> u32 {
    let chars = text.get(..at).map_or(at, |s| {
        if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        }
    });
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

struct Checker {
    mode: Mode,
    check_values: bool,
    max_warnings: usize,
    strict_candidates: bool,
    warnings: Vec<Diagnostic>,
    level: Level,
    rank: u8,
    seen: u32,
    seen_types: u32,
    reported_lf: bool,
    /// Scan each line for NUL and bare CR (the slow path; see [`parse`]).
    scan_controls: bool,
    /// CRLF line endings seen.
    crlfs: usize,
}

impl Checker {
    fn push(&mut self, d: Diagnostic, strict_error: bool) -> Result<(), Diagnostic> {
        if strict_error && self.mode == Mode::Strict {
            return Err(d);
        }
        self.record(d);
        Ok(())
    }

    /// Keeps a warning within [`ParseOptions::max_warnings`]. When values are checked during
    /// the parse, the list is final: the first warning past the limit becomes the
    /// [`DiagnosticKind::TooManyWarnings`] marker. Otherwise one warning more is kept, so
    /// [`Parsed::warnings`] can merge in the value checks and then apply the same limit.
    fn record(&mut self, d: Diagnostic) {
        let len = self.warnings.len();
        if len < self.max_warnings || (!self.check_values && len == self.max_warnings) {
            self.warnings.push(d);
        } else if len == self.max_warnings {
            self.warnings.push(too_many(&d, self.max_warnings));
        }
    }

    /// A deviation from the grammar: an error in strict mode, a warning in lenient mode.
    fn deviation(
        &mut self,
        line: u32,
        text: &str,
        at: usize,
        kind: DiagnosticKind,
    ) -> Result<(), Diagnostic> {
        self.push(
            Diagnostic {
                line,
                column: column(text, at),
                kind,
            },
            true,
        )
    }

    /// Something the RFC asks parsers to tolerate: a warning in both modes.
    fn note(&mut self, line: u32, text: &str, at: usize, kind: DiagnosticKind) {
        self.record(Diagnostic {
            line,
            column: column(text, at),
            kind,
        });
    }

    fn check_text(
        &mut self,
        n: u32,
        text: &str,
        ending: LineEnding,
    ) -> Result<Option<char>, Diagnostic> {
        match ending {
            LineEnding::Lf if !self.reported_lf => {
                self.reported_lf = true;
                self.note(n, text, text.len(), DiagnosticKind::LfLineEnding);
            }
            LineEnding::None => self.note(n, text, text.len(), DiagnosticKind::MissingFinalNewline),
            LineEnding::CrLf => self.crlfs += 1,
            _ => {}
        }
        if self.scan_controls
            && let Some(i) = memchr::memchr2(0, b'\r', text.as_bytes())
        {
            self.deviation(n, text, i, DiagnosticKind::ControlCharacter)?;
        }
        let Some(t) = line_type(text) else {
            self.deviation(n, text, 0, DiagnosticKind::MalformedLine)?;
            return Ok(None);
        };
        if matches!(text.as_bytes().last(), Some(b' ' | b'\t')) && !(t == 's' && text == "s= ") {
            let trimmed = text.trim_end_matches([' ', '\t']);
            if t == 'a' {
                self.note(n, text, trimmed.len(), DiagnosticKind::TrailingWhitespace);
            } else {
                self.deviation(n, text, trimmed.len(), DiagnosticKind::TrailingWhitespace)?;
            }
        }
        Ok(Some(t))
    }

    /// Checks the place of a line of type `t` in the §5 order.
    fn check_order(&mut self, n: u32, text: &str, t: char) -> Result<(), Diagnostic> {
        let rank = match self.level {
            Level::Session => session_rank(t),
            Level::Media => media_rank(t),
        };
        let Some(rank) = rank else {
            let kind = if session_rank(t).is_some() {
                DiagnosticKind::OutOfOrder { line_type: t }
            } else {
                DiagnosticKind::UnknownLineType { line_type: t }
            };
            return self.deviation(n, text, 0, kind);
        };
        if t == 't' {
            self.seen &= !once_bit(Level::Session, 'z');
        }
        let bit = once_bit(self.level, t);
        if self.seen & bit != 0 {
            self.deviation(n, text, 0, DiagnosticKind::Duplicate { line_type: t })?;
        }
        self.seen |= bit;
        self.seen_types |= 1 << (t as u32 - 'a' as u32);
        let in_order = match (self.level, t) {
            (Level::Session, 't') => self.rank <= 11,
            (Level::Session, 'r') => (9..=10).contains(&self.rank),
            // `repeat-description = 1*repeat-field [zone-field]` (RFC 8866 §9): after `r=`.
            (Level::Session, 'z') => self.rank == 10,
            _ => rank >= self.rank,
        };
        if in_order {
            self.rank = if t == 't' { 9 } else { rank };
            Ok(())
        } else if self.level == Level::Session
            && matches!(t, 'c' | 'b')
            && (9..=11).contains(&self.rank)
        {
            // `c=`/`b=` right after the time description: common (sdp-transform's fixtures,
            // RTSP servers) and harmless, so a warning in both modes.
            self.note(n, text, 0, DiagnosticKind::OutOfOrder { line_type: t });
            Ok(())
        } else {
            self.deviation(n, text, 0, DiagnosticKind::OutOfOrder { line_type: t })
        }
    }

    /// Reports the required session lines that never came, at line `n`.
    fn check_required(&mut self, n: u32, text: &str, at: usize) -> Result<(), Diagnostic> {
        for t in ['o', 's', 't'] {
            if self.seen_types & (1 << (t as u32 - 'a' as u32)) == 0 {
                self.deviation(n, text, at, DiagnosticKind::MissingLine { line_type: t })?;
            }
        }
        Ok(())
    }

    fn check_value(&mut self, n: u32, text: &str, t: char) -> Result<(), Diagnostic> {
        if t == 'a' {
            return self.check_attribute(n, text);
        }
        if !self.check_values {
            return Ok(());
        }
        match field_diagnostic(n, text, t) {
            Some((d, strict)) => self.push(d, strict),
            None => Ok(()),
        }
    }

    fn check_attribute(&mut self, n: u32, text: &str) -> Result<(), Diagnostic> {
        // Trailing white space was reported by `check_text`; it is not part of the name or value.
        let (attr, name_ok) = split_attribute(trim_end_ws(&text[2..]));
        if !name_ok {
            return self.deviation(n, text, 2, DiagnosticKind::InvalidAttributeName);
        }
        // Placement comes from the registry of every registered name (RFC 8859 §5); an
        // unknown name is accepted at either level. One lookup gives the value check too.
        let Some(position) = index_of(attr.name) else {
            return Ok(());
        };
        if let Some(reg) = REGISTRY.get(position)
            && !reg.placement.allows(self.level)
        {
            self.deviation(
                n,
                text,
                2,
                DiagnosticKind::Placement {
                    name: reg.name,
                    found: self.level,
                },
            )?;
        }
        let Some(known) = typed_at(position) else {
            return Ok(());
        };
        if !self.check_values {
            return Ok(());
        }
        if let Some((d, strict)) = attribute_diagnostic(n, text, attr, known) {
            if strict || (self.strict_candidates && is_candidate_warning(&d)) {
                self.push(d, true)?;
            } else {
                self.record(d);
            }
        }
        Ok(())
    }
}

/// The marker that stands at `first_dropped`, the first warning past `limit`.
pub(crate) const fn too_many(first_dropped: &Diagnostic, limit: usize) -> Diagnostic {
    Diagnostic {
        line: first_dropped.line,
        column: first_dropped.column,
        kind: DiagnosticKind::TooManyWarnings { limit },
    }
}

/// Parses `input` in `mode`. See [`SessionDescription::parse_with`].
///
/// NUL bytes and bare CRs are rare, so the first pass does not look for them line by line: it
/// counts the CRLF endings, and when the input holds a NUL or more CRs than CRLF endings (or
/// the pass failed on an input that has CRs), a second pass scans every line so the problem is
/// reported, in line order, at its exact place.
pub(crate) fn parse(input: &str, options: ParseOptions) -> Result<Parsed<'_>, Diagnostic> {
    let bytes = input.as_bytes();
    let nul = memchr::memchr(0, bytes).is_some();
    let crs = if nul {
        0
    } else {
        memchr::memchr_iter(b'\r', bytes).count()
    };
    match parse_pass(input, options, nul) {
        Ok((parsed, crlfs)) if nul || crs == crlfs => Ok(parsed),
        Err(e) if nul || crs == 0 => Err(e),
        _ => parse_pass(input, options, true).map(|(parsed, _)| parsed),
    }
}

/// One pass over the lines; returns the description and the number of CRLF endings.
fn parse_pass(
    input: &str,
    options: ParseOptions,
    scan_controls: bool,
) -> Result<(Parsed<'_>, usize), Diagnostic> {
    let mut c = Checker {
        mode: options.mode,
        check_values: options.check_values,
        max_warnings: options.max_warnings,
        strict_candidates: options.strict_candidates,
        warnings: Vec::new(),
        level: Level::Session,
        rank: 0,
        seen: 0,
        seen_types: 0,
        reported_lf: false,
        scan_controls,
        crlfs: 0,
    };
    let mut session: Vec<Line<'_>> = Vec::with_capacity(16);
    let mut media: Vec<MediaSection<'_>> = Vec::new();
    let mut n: u32 = 0;
    let mut last = "";
    for (text, ending) in split_lines(input) {
        n = n.saturating_add(1);
        last = text;
        let t = c.check_text(n, text, ending)?;
        if n == 1 && t != Some('v') {
            return Err(Diagnostic {
                line: 1,
                column: 1,
                kind: DiagnosticKind::FirstLineNotVersion,
            });
        }
        if let Some(t) = t {
            if t == 'm' {
                if c.level == Level::Session {
                    c.check_required(n, text, 0)?;
                }
                c.level = Level::Media;
                c.rank = 0;
                c.seen = 0;
                // A few lines' room up front; large sections grow by doubling.
                media.push(MediaSection::from_lines(Vec::with_capacity(8)));
            } else {
                c.check_order(n, text, t)?;
            }
            c.check_value(n, text, t)?;
        }
        let line = Line::with_ending(Cow::Borrowed(text), ending);
        match media.last_mut() {
            Some(m) => m.lines_mut().push(line),
            None => session.push(line),
        }
    }
    if n == 0 {
        return Err(Diagnostic {
            line: 1,
            column: 1,
            kind: DiagnosticKind::FirstLineNotVersion,
        });
    }
    // What is reported from here on is about the whole input, after the last line's own.
    let lines_reported = c.warnings.len();
    if c.level == Level::Session {
        c.check_required(n, last, last.len())?;
    }
    let parsed = Parsed::new(
        SessionDescription::from_parts(session, media),
        c.warnings,
        (!c.check_values).then_some((lines_reported, c.max_warnings)),
    );
    Ok((parsed, c.crlfs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n";

    fn kinds(input: &str) -> Vec<(u32, u32, DiagnosticKind)> {
        parse(input, Mode::Lenient.into())
            .unwrap()
            .warnings()
            .iter()
            .map(|d| (d.line, d.column, d.kind))
            .collect()
    }

    fn strict_error(input: &str) -> (u32, u32, DiagnosticKind) {
        let d = parse(input, Mode::Strict.into()).unwrap_err();
        (d.line, d.column, d.kind)
    }

    #[test]
    fn clean_offer_has_no_warnings_in_either_mode() {
        assert!(
            parse(OFFER, Mode::Strict.into())
                .unwrap()
                .warnings()
                .is_empty()
        );
        let p = parse(OFFER, Mode::Lenient.into()).unwrap();
        assert!(p.warnings().is_empty());
        assert_eq!(p.description().media().len(), 1);
        assert_eq!(p.description().to_string(), OFFER);
    }

    #[test]
    fn first_line_must_be_version_in_both_modes() {
        for mode in [Mode::Strict, Mode::Lenient] {
            assert_eq!(
                parse("m=audio 9 RTP/AVP 0\n", mode.into())
                    .unwrap_err()
                    .kind,
                DiagnosticKind::FirstLineNotVersion
            );
            assert_eq!(parse("", mode.into()).unwrap_err().line, 1);
        }
    }

    #[test]
    fn attributes_before_t_are_out_of_order() {
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-lite\r\nt=0 0\r\n";
        assert_eq!(
            strict_error(input),
            (5, 1, DiagnosticKind::OutOfOrder { line_type: 't' })
        );
        assert_eq!(
            kinds(input),
            [(5, 1, DiagnosticKind::OutOfOrder { line_type: 't' })]
        );
    }

    #[test]
    fn missing_lines() {
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\n";
        assert_eq!(
            strict_error(input),
            (3, 6, DiagnosticKind::MissingLine { line_type: 's' })
        );
        let input = "v=0\no=- 1 2 IN IP4 1.2.3.4\ns=x\nm=audio 0 RTP/AVP 0\n";
        assert_eq!(
            strict_error(input),
            (4, 1, DiagnosticKind::MissingLine { line_type: 't' })
        );
    }

    #[test]
    fn unknown_line_types_and_malformed_lines() {
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nf=x\r\n\r\n";
        assert_eq!(
            strict_error(input),
            (5, 1, DiagnosticKind::UnknownLineType { line_type: 'f' })
        );
        let w = kinds(input);
        assert_eq!(
            w,
            [
                (5, 1, DiagnosticKind::UnknownLineType { line_type: 'f' }),
                (6, 1, DiagnosticKind::MalformedLine)
            ]
        );
        assert_eq!(
            parse(input, Mode::Lenient.into())
                .unwrap()
                .description()
                .to_string(),
            input
        );
    }

    #[test]
    fn trailing_whitespace_and_line_endings() {
        let input = "v=0\no=- 1 2 IN IP4 127.0.0.1 \r\ns= \r\nt=0 0\r\na=x:y ";
        assert_eq!(
            strict_error(input),
            (2, 25, DiagnosticKind::TrailingWhitespace)
        );
        let w = kinds(input);
        assert_eq!(w[0], (1, 4, DiagnosticKind::LfLineEnding));
        assert_eq!(w[1], (2, 25, DiagnosticKind::TrailingWhitespace));
        assert!(matches!(
            w[2],
            (2, 25, DiagnosticKind::InvalidField { line_type: 'o', .. })
        ));
        assert_eq!(w[3], (5, 7, DiagnosticKind::MissingFinalNewline));
        assert_eq!(w[4], (5, 6, DiagnosticKind::TrailingWhitespace));
        assert_eq!(w.len(), 5);
    }

    #[test]
    fn trailing_whitespace_is_not_part_of_an_attribute_name_or_value() {
        use crate::attributes::{Direction, Mid, RtcpMux};
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
                     m=audio 9 RTP/AVP 0\r\na=sendonly \r\na=rtcp-mux\t\r\na=mid:a0 \r\n";
        let parsed = parse(input, Mode::Strict.into()).unwrap();
        assert_eq!(
            parsed
                .warnings()
                .iter()
                .map(|d| (d.line, d.column, d.kind))
                .collect::<Vec<_>>(),
            [
                (6, 11, DiagnosticKind::TrailingWhitespace),
                (7, 11, DiagnosticKind::TrailingWhitespace),
                (8, 9, DiagnosticKind::TrailingWhitespace),
            ]
        );
        let m = &parsed.description().media()[0];
        assert_eq!(m.direction(), Some(Direction::SendOnly));
        assert_eq!(m.get_attribute::<RtcpMux>(), Some(Ok(RtcpMux)));
        assert_eq!(m.get_attribute::<Mid<'_>>(), Some(Ok(Mid("a0"))));
        assert_eq!(parsed.description().to_string(), input);
    }

    #[test]
    fn field_and_attribute_errors_point_at_the_field() {
        let input = "v=0\r\no=- x 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        let (line, col, kind) = strict_error(input);
        assert_eq!((line, col), (2, 5));
        assert!(matches!(
            kind,
            DiagnosticKind::InvalidField { line_type: 'o', .. }
        ));
        let input = OFFER.replace("opus/48000/2", "opus/x/2");
        let (line, col, kind) = strict_error(&input);
        assert_eq!((line, col), (9, 19));
        assert!(matches!(
            kind,
            DiagnosticKind::InvalidAttribute { name: "rtpmap", .. }
        ));
        assert_eq!(kinds(&input).len(), 1);
    }

    #[test]
    fn placement_rules() {
        let input = OFFER.replace("a=mid:0", "a=mid:0\r\na=ice-lite");
        assert_eq!(
            strict_error(&input),
            (
                9,
                3,
                DiagnosticKind::Placement {
                    name: "ice-lite",
                    found: Level::Media
                }
            )
        );
        let input = OFFER.replace("a=group:BUNDLE 0", "a=mid:0");
        assert_eq!(
            strict_error(&input),
            (
                5,
                3,
                DiagnosticKind::Placement {
                    name: "mid",
                    found: Level::Session
                }
            )
        );
    }

    #[test]
    fn media_without_format_and_control_characters() {
        let input = OFFER.replace("SAVPF 111", "SAVPF");
        assert_eq!(strict_error(&input).2, DiagnosticKind::MediaWithoutFormat);
        assert_eq!(kinds(&input).len(), 1);
        let input = OFFER.replace("s=-", "s=\0");
        assert_eq!(
            strict_error(&input),
            (3, 3, DiagnosticKind::ControlCharacter)
        );
    }

    #[test]
    fn bare_carriage_returns_are_found_in_line_order() {
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=a\rb\r\nt=0 0\r\nf=x\r\n";
        assert_eq!(
            strict_error(input),
            (3, 4, DiagnosticKind::ControlCharacter)
        );
        let w = kinds(input);
        assert_eq!(w[0], (3, 4, DiagnosticKind::ControlCharacter));
        assert_eq!(
            w[1],
            (5, 1, DiagnosticKind::UnknownLineType { line_type: 'f' })
        );
        assert_eq!(
            parse(input, Mode::Lenient.into())
                .unwrap()
                .description()
                .to_string(),
            input
        );
        let lf = "v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\rx\nt=0 0\n";
        assert_eq!(strict_error(lf), (3, 4, DiagnosticKind::ControlCharacter));
    }

    #[test]
    fn duplicates_and_time_descriptions() {
        let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\ns=again\r\nt=0 0\r\n";
        assert_eq!(
            strict_error(input),
            (4, 1, DiagnosticKind::Duplicate { line_type: 's' })
        );
        let ok = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=3034423619 3042462419\r\nt=0 0\r\n\
                  r=7d 1h 0\r\nz=2882844526 -1h\r\nt=0 0\r\nr=1d 1h 0\r\nz=2882844526 0\r\nk=prompt\r\n\
                  m=audio 9 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/127\r\nc=IN IP4 224.2.1.2/127\r\n";
        assert!(
            parse(ok, Mode::Strict.into())
                .unwrap()
                .warnings()
                .is_empty()
        );
        let bad = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nr=7d 1h 0\r\nt=0 0\r\n";
        assert_eq!(
            strict_error(bad).2,
            DiagnosticKind::OutOfOrder { line_type: 'r' }
        );
        // `z=` belongs to a repeat description: after `r=`, once per `t=`.
        let head = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        assert_eq!(
            strict_error(&format!("{head}z=2882844526 0\r\n")),
            (5, 1, DiagnosticKind::OutOfOrder { line_type: 'z' })
        );
        assert_eq!(
            strict_error(&format!(
                "{head}r=1d 1h 0\r\nz=2882844526 0\r\nz=2882844526 0\r\n"
            ))
            .2,
            DiagnosticKind::Duplicate { line_type: 'z' }
        );
        // One `c=` at session level; a media section may carry several.
        assert_eq!(
            strict_error(
                "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
            ),
            (5, 1, DiagnosticKind::Duplicate { line_type: 'c' })
        );
    }
}
