//! Media stream identification: `a=ssrc`, `a=ssrc-group` (RFC 5576), `a=msid` (RFC 8830) and
//! the legacy `a=msid-semantic`.

use core::fmt;

use super::{Placement, TypedAttribute};
use crate::error::ValueError;
use crate::grammar::{ByteSplit, Cursor, is_token, is_token_char};

/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1).
///
/// ```
/// use floe_sdp::{Ssrc, TypedAttribute};
/// let s = Ssrc::parse_value("2754920552 cname:t9YU8M1UxTF8Y1A1")?;
/// assert_eq!((s.ssrc, s.attribute, s.value), (2754920552, "cname", Some("t9YU8M1UxTF8Y1A1")));
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Ssrc<'a> {
    /// The synchronization source.
    pub ssrc: u32,
    /// The source attribute name (`cname`, `msid`, `mslabel`, `label`, ...).
    pub attribute: &'a str,
    /// Its value, as written.
    pub value: Option<&'a str>,
}

impl<'a> TypedAttribute<'a> for Ssrc<'a> {
    const NAME: &'static str = "ssrc";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let ssrc = c.number("ssrc-id")?;
        let (rest, at) = c.take_rest("attribute")?;
        let (attribute, value) = match rest.split_once_b(b':') {
            Some((a, v)) => (a, Some(v)),
            None => (rest, None),
        };
        if !is_token(attribute) {
            return Err(ValueError::invalid(at, "attribute"));
        }
        Ok(Self {
            ssrc,
            attribute,
            value,
        })
    }
}

impl fmt::Display for Ssrc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.ssrc, self.attribute)?;
        self.value.map_or(Ok(()), |v| write!(f, ":{v}"))
    }
}

/// `a=ssrc-group:<semantics> <ssrc-id> ...` (RFC 5576 §4.2): `FID`, `FEC`, `FEC-FR`, `SIM`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsrcGroup<'a> {
    /// The grouping semantics.
    pub semantics: &'a str,
    /// The SSRCs, space-separated, as written (checked to be numbers).
    pub ssrcs: &'a str,
}

impl<'a> SsrcGroup<'a> {
    /// The SSRCs in order.
    pub fn ssrcs(&self) -> impl Iterator<Item = u32> + use<'a> {
        self.ssrcs.split_b(b' ').filter_map(|s| s.parse().ok())
    }
}

impl<'a> TypedAttribute<'a> for SsrcGroup<'a> {
    const NAME: &'static str = "ssrc-group";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let semantics = c.token("semantics")?;
        let at = c.offset();
        while !c.at_end() {
            c.number::<u32>("ssrc-id")?;
        }
        c.finish()?;
        Ok(Self {
            semantics,
            ssrcs: &value[at..],
        })
    }
}

impl fmt::Display for SsrcGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.semantics)?;
        self.ssrcs().try_for_each(|s| write!(f, " {s}"))
    }
}

/// RFC 8830 §2 `msid-id = 1*64token-char`.
fn msid_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_token_char)
}

/// `a=msid:<stream id> [<track id>]` (RFC 8830 §2; Chrome writes `-` for no stream).
///
/// ```
/// use floe_sdp::{Msid, TypedAttribute};
/// let m = Msid::parse_value("stream1 track1")?;
/// assert_eq!((m.stream, m.track), ("stream1", Some("track1")));
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Msid<'a> {
    /// `msid-id`: the MediaStream id.
    pub stream: &'a str,
    /// `msid-appdata`: the track id.
    pub track: Option<&'a str>,
}

impl<'a> TypedAttribute<'a> for Msid<'a> {
    const NAME: &'static str = "msid";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let stream = c.field("msid-id")?;
        if !msid_id(stream) {
            return Err(ValueError::invalid(0, "msid-id"));
        }
        let track = if c.at_end() {
            None
        } else {
            let at = c.offset();
            let t = c.field("msid-appdata")?;
            if !msid_id(t) {
                return Err(ValueError::invalid(at, "msid-appdata"));
            }
            Some(t)
        };
        c.finish()?;
        Ok(Self { stream, track })
    }
}

impl fmt::Display for Msid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stream)?;
        self.track.map_or(Ok(()), |t| write!(f, " {t}"))
    }
}

/// `a=msid-semantic:<semantic> <id>...` (draft-ietf-mmusic-msid before RFC 8830, still sent by
/// libwebrtc as `a=msid-semantic: WMS`, with a leading and sometimes a trailing space).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MsidSemantic<'a> {
    /// The semantic (`WMS`).
    pub semantic: &'a str,
    /// The stream ids (or `*`), space-separated, as written.
    pub ids: &'a str,
}

impl<'a> MsidSemantic<'a> {
    /// The ids in order.
    pub fn ids(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.ids.split_b(b' ').filter(|s| !s.is_empty())
    }
}

impl<'a> TypedAttribute<'a> for MsidSemantic<'a> {
    const NAME: &'static str = "msid-semantic";
    const PLACEMENT: Placement = Placement::Session;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let trimmed = value.trim_start_matches(' ');
        let at = value.len() - trimmed.len();
        let (semantic, ids) = trimmed.split_once_b(b' ').unwrap_or((trimmed, ""));
        if !is_token(semantic) {
            return Err(ValueError::invalid(at, "msid-semantic"));
        }
        Ok(Self { semantic, ids })
    }
}

impl fmt::Display for MsidSemantic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.semantic)?;
        self.ids().try_for_each(|s| write!(f, " {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssrc() {
        let s = Ssrc::parse_value("10 msid:data_channel data_channeld0").unwrap();
        assert_eq!(s.value, Some("data_channel data_channeld0"));
        assert_eq!(s.to_string(), "10 msid:data_channel data_channeld0");
        assert_eq!(
            Ssrc::parse_value("x cname:a"),
            Err(ValueError::invalid(0, "ssrc-id"))
        );
        assert_eq!(
            Ssrc::parse_value("1"),
            Err(ValueError::missing(1, "attribute"))
        );
        assert_eq!(
            Ssrc::parse_value("99999999999 cname:a").unwrap_err().offset,
            0
        );
    }

    #[test]
    fn ssrc_group() {
        let g = SsrcGroup::parse_value("FID 1 2").unwrap();
        assert_eq!(g.ssrcs().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(g.to_string(), "FID 1 2");
        assert_eq!(
            SsrcGroup::parse_value("SIM 1 x"),
            Err(ValueError::invalid(6, "ssrc-id"))
        );
        assert!(SsrcGroup::parse_value("FID 1 ").is_err());
    }

    #[test]
    fn msid() {
        let m = Msid::parse_value("{dee771c7-671a-451e-b847-f86f8e87c7d8} {12692dea}").unwrap();
        assert_eq!(m.track, Some("{12692dea}"));
        assert_eq!(Msid::parse_value("- t").unwrap().stream, "-");
        let long = "x".repeat(65);
        assert_eq!(
            Msid::parse_value(&long),
            Err(ValueError::invalid(0, "msid-id"))
        );
        assert_eq!(
            Msid::parse_value("a b c"),
            Err(ValueError {
                offset: 4,
                kind: crate::ValueErrorKind::TrailingData
            })
        );
    }

    #[test]
    fn msid_semantic_tolerates_chrome_spacing() {
        let m = MsidSemantic::parse_value(" WMS ").unwrap();
        assert_eq!((m.semantic, m.ids().count()), ("WMS", 0));
        let m = MsidSemantic::parse_value("WMS a b").unwrap();
        assert_eq!(m.ids().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.to_string(), "WMS a b");
        assert_eq!(
            MsidSemantic::parse_value(" "),
            Err(ValueError::invalid(1, "msid-semantic"))
        );
    }
}
