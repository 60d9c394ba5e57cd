//! The description model: the session part and the media sections, each an ordered list of
//! [`Line`]s, with typed accessors computed from those lines.

use core::fmt;
use std::string::String;
use std::vec::Vec;

use crate::attributes::{Direction, Mid, TypedAttribute};
use crate::error::{ParseError, ValueError};
use crate::fields::{
    Bandwidth, Connection, FieldValue, Key, MediaLine, Origin, Repeat, TimeZones, Timing, Version,
};
use crate::line::{Attribute, Line, LineEnding};
use crate::parsed::Parsed;
use crate::parser::{self, Mode, ParseOptions};

/// Typed access shared by the session part and media sections (inherent methods on both).
macro_rules! section_access {
    ($ty:ident, $lines:ident) => {
        impl<'a> $ty<'a> {
            /// The attributes at this level, in order.
            pub fn attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
                self.$lines.iter().filter_map(Line::attribute)
            }

            /// Whether an attribute called `name` is present.
            #[must_use]
            pub fn has_attribute(&self, name: &str) -> bool {
                self.attributes().any(|a| a.name == name)
            }

            /// The value of the first attribute called `name` (`Some(None)` for a flag).
            #[must_use]
            pub fn attribute_value(&self, name: &str) -> Option<Option<&str>> {
                self.attributes().find(|a| a.name == name).map(|a| a.value)
            }

            /// The first `T` attribute at this level, typed. A malformed one yields its error
            /// (the line itself stays in the description).
            #[must_use]
            pub fn get_attribute<'s, T: TypedAttribute<'s>>(
                &'s self,
            ) -> Option<Result<T, ValueError>> {
                self.get_attributes::<T>().next()
            }

            /// Every `T` attribute at this level, typed, in order.
            pub fn get_attributes<'s, T: TypedAttribute<'s>>(
                &'s self,
            ) -> impl Iterator<Item = Result<T, ValueError>> + 's {
                self.attributes()
                    .filter(|a| a.name == T::NAME)
                    .map(|a| T::from_value(a.value))
            }

            /// Appends a typed attribute (after the last line of this level).
            pub fn push_attribute<'t, T: TypedAttribute<'t>>(&mut self, attribute: &T) {
                self.$lines.push(Line::typed(attribute));
            }

            /// Appends `a=<name>[:<value>]`.
            pub fn push_raw_attribute(&mut self, name: &str, value: Option<&str>) {
                self.$lines.push(Line::attribute_line(name, value));
            }

            /// Removes every attribute called `name`; returns how many were removed.
            pub fn remove_attributes(&mut self, name: &str) -> usize {
                let before = self.$lines.len();
                self.$lines
                    .retain(|l| l.attribute().is_none_or(|a| a.name != name));
                before - self.$lines.len()
            }

            /// The typed value of the first `T::TYPE` line at this level.
            #[must_use]
            pub fn field<'s, T: FieldValue<'s> + 's>(&'s self) -> Option<Result<T, ValueError>> {
                self.fields::<T>().next()
            }

            /// Every `T::TYPE` line at this level, typed, in order.
            pub fn fields<'s, T: FieldValue<'s> + 's>(
                &'s self,
            ) -> impl Iterator<Item = Result<T, ValueError>> + 's {
                self.values(T::TYPE).map(T::parse)
            }

            /// The raw values of the lines of type `t` at this level.
            pub fn values(&self, t: char) -> impl Iterator<Item = &str> {
                self.$lines
                    .iter()
                    .filter(move |l| l.line_type() == Some(t))
                    .filter_map(Line::value)
            }

            /// `c=` at this level (RFC 8866 §5.7).
            #[must_use]
            pub fn connection(&self) -> Option<Result<Connection<'_>, ValueError>> {
                self.field()
            }

            /// `b=` lines at this level (RFC 8866 §5.8).
            pub fn bandwidths(&self) -> impl Iterator<Item = Result<Bandwidth<'_>, ValueError>> {
                self.fields()
            }

            /// `i=` at this level (RFC 8866 §5.4).
            #[must_use]
            pub fn information(&self) -> Option<&str> {
                self.values('i').next()
            }

            /// `k=` at this level (RFC 8866 §5.12, obsolete).
            #[must_use]
            pub fn key(&self) -> Option<Result<Key<'_>, ValueError>> {
                self.field()
            }
        }
    };
}

/// An SDP session description (RFC 8866), stored losslessly.
///
/// Parsing borrows the input: each line is a `Cow::Borrowed` slice, so the parse allocates
/// only the line tables. Editing turns touched lines into owned strings; [`Self::into_owned`]
/// detaches the whole description from the input.
///
/// ```
/// use floe_sdp::{Mid, RtpMap, SessionDescription};
/// let input = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
///              m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\na=x-custom\r\n";
/// let sdp = SessionDescription::parse(input)?;
/// assert_eq!(sdp.origin().unwrap()?.session_version, 2);
/// let audio = &sdp.media()[0];
/// assert_eq!(audio.get_attribute::<Mid>(), Some(Ok(Mid("0"))));
/// assert_eq!(audio.get_attribute::<RtpMap>().unwrap()?.encoding, "opus");
/// assert_eq!(sdp.to_string(), input); // lossless, unknown attributes included
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SessionDescription<'a> {
    session: Vec<Line<'a>>,
    media: Vec<MediaSection<'a>>,
}

/// A media section: its `m=` line and every line up to the next `m=`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MediaSection<'a> {
    lines: Vec<Line<'a>>,
}

section_access!(SessionDescription, session);
section_access!(MediaSection, lines);

impl<'a> SessionDescription<'a> {
    /// Parses in lenient mode, dropping the warnings (use [`Self::parse_with`] to see them).
    ///
    /// # Errors
    ///
    /// When the input does not start with `v=` (nothing else is fatal in lenient mode).
    pub fn parse(input: &'a str) -> Result<Self, ParseError> {
        parser::parse(input, ParseOptions::new(Mode::Lenient)).map(Parsed::into_description)
    }

    /// Parses with `options` (a [`Mode`] or [`ParseOptions`]), returning the description and
    /// the warnings.
    ///
    /// ```
    /// use floe_sdp::{DiagnosticKind, Mode, SessionDescription};
    /// let input = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\na=ice-lite\nt=0 0\n";
    /// let lenient = SessionDescription::parse_with(input, Mode::Lenient)?;
    /// assert!(lenient.warnings().iter().any(|w| w.kind == DiagnosticKind::OutOfOrder { line_type: 't' }));
    /// let strict = SessionDescription::parse_with(input, Mode::Strict).unwrap_err();
    /// assert_eq!((strict.line, strict.column), (5, 1));
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first problem the mode rejects, with its line and column.
    pub fn parse_with(
        input: &'a str,
        options: impl Into<ParseOptions>,
    ) -> Result<Parsed<'a>, ParseError> {
        parser::parse(input, options.into())
    }

    pub(crate) fn from_parts(session: Vec<Line<'a>>, media: Vec<MediaSection<'a>>) -> Self {
        Self { session, media }
    }

    /// An empty description (no lines); use [`crate::SdpBuilder`] to write one from scratch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The session-level lines (from `v=` to before the first `m=`).
    #[must_use]
    pub fn session_lines(&self) -> &[Line<'a>] {
        &self.session
    }

    /// The session-level lines, to edit.
    pub fn session_lines_mut(&mut self) -> &mut Vec<Line<'a>> {
        &mut self.session
    }

    /// The media sections in order.
    #[must_use]
    pub fn media(&self) -> &[MediaSection<'a>] {
        &self.media
    }

    /// The media sections, to edit.
    pub fn media_mut(&mut self) -> &mut Vec<MediaSection<'a>> {
        &mut self.media
    }

    /// Every line, in order.
    pub fn lines(&self) -> impl Iterator<Item = &Line<'a>> {
        self.session
            .iter()
            .chain(self.media.iter().flat_map(|m| m.lines.iter()))
    }

    /// `v=` (RFC 8866 §5.1).
    #[must_use]
    pub fn version(&self) -> Option<Result<Version, ValueError>> {
        self.field()
    }

    /// `o=` (RFC 8866 §5.2).
    #[must_use]
    pub fn origin(&self) -> Option<Result<Origin<'_>, ValueError>> {
        self.field()
    }

    /// `s=` (RFC 8866 §5.3).
    #[must_use]
    pub fn session_name(&self) -> Option<&str> {
        self.values('s').next()
    }

    /// `u=` (RFC 8866 §5.5).
    #[must_use]
    pub fn uri(&self) -> Option<&str> {
        self.values('u').next()
    }

    /// `e=` lines (RFC 8866 §5.6).
    pub fn emails(&self) -> impl Iterator<Item = &str> {
        self.values('e')
    }

    /// `p=` lines (RFC 8866 §5.6).
    pub fn phones(&self) -> impl Iterator<Item = &str> {
        self.values('p')
    }

    /// `t=` lines (RFC 8866 §5.9).
    pub fn timings(&self) -> impl Iterator<Item = Result<Timing, ValueError>> + '_ {
        self.fields()
    }

    /// `r=` lines (RFC 8866 §5.10).
    pub fn repeats(&self) -> impl Iterator<Item = Result<Repeat, ValueError>> + '_ {
        self.fields()
    }

    /// `z=` (RFC 8866 §5.11).
    #[must_use]
    pub fn time_zones(&self) -> Option<Result<TimeZones, ValueError>> {
        self.field()
    }

    /// Writes every line with its own ending: byte-identical to the input of an unmodified
    /// parse.
    ///
    /// A line without an ending that is not the last line (possible after editing) is written
    /// with CRLF, so lines never run together.
    pub fn write_to(&self, out: &mut String) {
        out.reserve(self.lines().map(|l| l.text().len() + 2).sum());
        let Ok(()) = self.pieces::<core::convert::Infallible>(|s| {
            out.push_str(s);
            Ok(())
        });
    }

    /// Calls `f` with each line's text and ending, in order.
    fn pieces<E>(&self, mut f: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
        let mut it = self.lines().peekable();
        while let Some(l) = it.next() {
            f(l.text())?;
            let ending = match l.ending() {
                LineEnding::None if it.peek().is_some() => LineEnding::CrLf,
                e => e,
            };
            f(ending.as_str())?;
        }
        Ok(())
    }

    /// Writes the canonical form: every line ends in CRLF and loses trailing spaces and tabs,
    /// except that a session name of only white space becomes `s= `, the form RFC 8866 §5.3
    /// asks for when there is no name. Nothing else changes: unknown lines and attributes stay,
    /// in order.
    pub fn write_canonical(&self, out: &mut String) {
        for l in self.lines() {
            let text = l.text().trim_end_matches([' ', '\t']);
            out.push_str(if text == "s=" && l.text() != "s=" {
                "s= "
            } else {
                text
            });
            out.push_str(LineEnding::CrLf.as_str());
        }
    }

    /// [`Self::write_canonical`] into a new string.
    #[must_use]
    pub fn to_canonical_string(&self) -> String {
        let mut s = String::new();
        self.write_canonical(&mut s);
        s
    }

    /// [`crate::validate`]: the cross-line rules this description breaks, in line order.
    #[must_use]
    pub fn validate(&self) -> Vec<crate::Finding> {
        crate::validate(self)
    }

    /// A copy that owns all its text (`'static`).
    #[must_use]
    pub fn into_owned(self) -> SessionDescription<'static> {
        SessionDescription {
            session: self.session.into_iter().map(Line::into_owned).collect(),
            media: self
                .media
                .into_iter()
                .map(MediaSection::into_owned)
                .collect(),
        }
    }
}

impl fmt::Display for SessionDescription<'_> {
    /// One write of the whole text, built with [`write_to`](SessionDescription::write_to) in a
    /// buffer sized once: `to_string()` then allocates its own buffer once too, instead of
    /// growing it line by line (10 allocations for a browser offer), and the formatter is
    /// called once instead of twice per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_to(&mut text);
        f.write_str(&text)
    }
}

impl<'a> MediaSection<'a> {
    /// A section from its lines (the first should be the `m=` line).
    #[must_use]
    pub fn from_lines(lines: Vec<Line<'a>>) -> Self {
        Self { lines }
    }

    /// A section holding just an `m=` line.
    #[must_use]
    pub fn new(media: &MediaLine<'_>) -> MediaSection<'static> {
        MediaSection {
            lines: vec![Line::field('m', &media.to_string())],
        }
    }

    /// The lines, starting with `m=`.
    #[must_use]
    pub fn lines(&self) -> &[Line<'a>] {
        &self.lines
    }

    /// The lines, to edit.
    pub fn lines_mut(&mut self) -> &mut Vec<Line<'a>> {
        &mut self.lines
    }

    /// The `m=` line, typed (RFC 8866 §5.14). An `m=` line without formats (a lenient
    /// deviation) is returned with an empty format list.
    #[must_use]
    pub fn media_line(&self) -> Option<Result<MediaLine<'_>, ValueError>> {
        self.values('m')
            .next()
            .map(|v| MediaLine::parse_inner(v, false))
    }

    /// `a=mid` (RFC 5888 §4).
    #[must_use]
    pub fn mid(&self) -> Option<&str> {
        self.get_attribute::<Mid<'_>>()
            .and_then(Result::ok)
            .map(|m| m.0)
    }

    /// The direction attribute of the section (RFC 8866 §6.7), if any.
    #[must_use]
    pub fn direction(&self) -> Option<Direction> {
        self.attributes()
            .find_map(|a| Direction::from_name(a.name).filter(|_| a.value.is_none()))
    }

    /// A copy that owns all its text.
    #[must_use]
    pub fn into_owned(self) -> MediaSection<'static> {
        MediaSection {
            lines: self.lines.into_iter().map(Line::into_owned).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{IceUfrag, RtcpMux, RtpMap};

    const INPUT: &str = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=ice-ufrag:abcd\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111 0\nb=AS:64\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU\r\na=sendonly\r\na=rtcp-mux";

    #[test]
    fn round_trips_mixed_endings_and_missing_final_newline() {
        let sdp = SessionDescription::parse(INPUT).unwrap();
        assert_eq!(sdp.to_string(), INPUT);
        let mut s = String::new();
        sdp.write_to(&mut s);
        assert_eq!(s, INPUT);
        assert_eq!(sdp.clone().into_owned(), sdp);
        assert_eq!(sdp.lines().count(), 12);
    }

    #[test]
    fn typed_views() {
        let sdp = SessionDescription::parse(INPUT).unwrap();
        assert_eq!(sdp.version(), Some(Ok(Version(0))));
        assert_eq!(sdp.session_name(), Some("-"));
        assert_eq!(sdp.connection().unwrap().unwrap().address, "0.0.0.0");
        assert_eq!(sdp.timings().next(), Some(Ok(Timing { start: 0, stop: 0 })));
        assert_eq!(
            sdp.get_attribute::<IceUfrag<'_>>(),
            Some(Ok(IceUfrag("abcd")))
        );
        let m = &sdp.media()[0];
        assert_eq!(m.media_line().unwrap().unwrap().port, 9);
        assert_eq!(m.bandwidths().next().unwrap().unwrap().bandwidth, 64);
        let maps: Vec<_> = m.get_attributes::<RtpMap<'_>>().collect();
        assert_eq!(maps.len(), 2);
        assert!(
            maps[1].is_err(),
            "malformed rtpmap is reported, not dropped"
        );
        assert_eq!(m.direction(), Some(Direction::SendOnly));
        assert_eq!(m.get_attribute::<RtcpMux>(), Some(Ok(RtcpMux)));
        assert!(m.has_attribute("rtcp-mux"));
        assert_eq!(m.attribute_value("sendonly"), Some(None));
        assert_eq!(m.mid(), None);
    }

    #[test]
    fn editing() {
        let mut sdp = SessionDescription::parse(INPUT).unwrap();
        sdp.media_mut()[0].push_attribute(&Mid("a0"));
        assert_eq!(sdp.media()[0].mid(), Some("a0"));
        assert_eq!(sdp.media_mut()[0].remove_attributes("rtpmap"), 2);
        sdp.push_raw_attribute("x-flag", None);
        let owned: SessionDescription<'static> = sdp.into_owned();
        let text = owned.to_string();
        assert!(text.contains("a=rtcp-mux\r\na=mid:a0\r\n"));
        assert!(text.contains("a=x-flag\r\n"));
        assert!(!text.contains("rtpmap"));
    }

    #[test]
    fn canonical_form() {
        let sdp =
            SessionDescription::parse("v=0\no=- 1 1 IN IP4 0.0.0.0 \ns=-\nt=0 0\na=x  ").unwrap();
        assert_eq!(
            sdp.to_canonical_string(),
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x\r\n"
        );
        // `s= ` is RFC 8866 §5.3's empty session name: kept, so strict mode stays clean.
        let sdp = SessionDescription::parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns= \t\nt=0 0\n").unwrap();
        let canonical = sdp.to_canonical_string();
        assert_eq!(
            canonical,
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns= \r\nt=0 0\r\n"
        );
        let strict = SessionDescription::parse_with(&canonical, Mode::Strict).unwrap();
        assert!(strict.warnings().is_empty());
    }
}
