//! `a=extmap` and `a=extmap-allow-mixed` (RFC 8285).

use core::fmt;

use super::{Direction, Placement, TypedAttribute, flag_attribute};
use crate::error::{ValueError, ValueErrorKind};
use crate::grammar::{ByteSplit, Cursor, number};

/// `a=extmap:<id>[/<direction>] <URI> [<extension attributes>]` (RFC 8285 §7).
///
/// ```
/// use floe_sdp::{Direction, ExtMap, TypedAttribute};
/// let e = ExtMap::parse_value("4/recvonly urn:ietf:params:rtp-hdrext:encrypt URI-gps-string")?;
/// assert_eq!((e.id, e.direction, e.uri), (4, Some(Direction::RecvOnly), "urn:ietf:params:rtp-hdrext:encrypt"));
/// assert_eq!(e.attributes, Some("URI-gps-string"));
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ExtMap<'a> {
    /// Local identifier: 1–14 one-byte, 1–255 two-byte, 4096–4351 for negotiation (§7).
    pub id: u16,
    /// Direction, when given.
    pub direction: Option<Direction>,
    /// The extension URI.
    pub uri: &'a str,
    /// Extension attributes after the URI, as written.
    pub attributes: Option<&'a str>,
}

impl<'a> TypedAttribute<'a> for ExtMap<'a> {
    const NAME: &'static str = "extmap";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let (id, direction) = c.field_with("extmap-id", |w| {
            let (id, dir) = match w.split_once_b(b'/') {
                Some((id, d)) => (
                    id,
                    Some(
                        Direction::from_name(d)
                            .ok_or(ValueErrorKind::Invalid { field: "direction" })?,
                    ),
                ),
                None => (w, None),
            };
            let id = number::<u16>(id, "extmap-id")?;
            if id == 0 || (256..4096).contains(&id) || id > 4351 {
                return Err(ValueErrorKind::OutOfRange { field: "extmap-id" });
            }
            Ok((id, dir))
        })?;
        let uri = c.field("URI")?;
        let attributes = if c.at_end() {
            c.finish()?;
            None
        } else {
            Some(c.take_rest("extensionattributes")?.0)
        };
        Ok(Self {
            id,
            direction,
            uri,
            attributes,
        })
    }
}

impl fmt::Display for ExtMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id)?;
        if let Some(d) = self.direction {
            write!(f, "/{d}")?;
        }
        write!(f, " {}", self.uri)?;
        self.attributes.map_or(Ok(()), |a| write!(f, " {a}"))
    }
}

flag_attribute!(
    /// `a=extmap-allow-mixed`: one-byte and two-byte header extensions may be mixed
    /// (RFC 8285 §6).
    ExtmapAllowMixed, "extmap-allow-mixed", Any
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extmap_grammar() {
        let e = ExtMap::parse_value("3 urn:ietf:params:rtp-hdrext:sdes:mid").unwrap();
        assert_eq!((e.id, e.direction, e.attributes), (3, None, None));
        assert_eq!(e.to_string(), "3 urn:ietf:params:rtp-hdrext:sdes:mid");
        let e = ExtMap::parse_value("1/sendonly URI-toffset").unwrap();
        assert_eq!(e.to_string(), "1/sendonly URI-toffset");
        assert_eq!(
            ExtMap::parse_value("0 x").unwrap_err().kind,
            ValueErrorKind::OutOfRange { field: "extmap-id" }
        );
        assert_eq!(
            ExtMap::parse_value("1/up x"),
            Err(ValueError::invalid(0, "direction"))
        );
        assert_eq!(ExtMap::parse_value("1"), Err(ValueError::missing(1, "URI")));
        assert!(ExtMap::parse_value("4096 urn:x").is_ok());
    }
}
