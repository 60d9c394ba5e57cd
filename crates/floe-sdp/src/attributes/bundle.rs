//! Grouping and BUNDLE: `a=group` (RFC 5888), `a=mid` (RFC 5888 §4) and `a=bundle-only`
//! (RFC 9143 §6).

use core::fmt;

use super::{Placement, TypedAttribute, flag_attribute};
use crate::error::ValueError;
use crate::grammar::{ByteSplit, Cursor};

/// `a=group:<semantics> <mid>...` (RFC 5888 §5): `BUNDLE` (RFC 9143), `LS`, `FID`, `DUP`, ...
///
/// ```
/// use floe_sdp::{Group, TypedAttribute};
/// let g = Group::parse_value("BUNDLE 0 1 2")?;
/// assert_eq!(g.semantics, "BUNDLE");
/// assert_eq!(g.mids().collect::<Vec<_>>(), ["0", "1", "2"]);
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Group<'a> {
    /// The semantics token.
    pub semantics: &'a str,
    /// The identification tags, space-separated, as written (may be empty).
    pub mids: &'a str,
}

impl<'a> Group<'a> {
    /// The identification tags in order.
    pub fn mids(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.mids.split_b(b' ').filter(|m| !m.is_empty())
    }

    /// The identification tags with their byte offsets inside the value.
    pub(crate) fn mids_at(&self) -> impl Iterator<Item = (usize, &'a str)> + use<'a> {
        let base = self.semantics.len() + 1;
        self.mids.split_b(b' ').scan(base, |pos, m| {
            let at = *pos;
            *pos += m.len() + 1;
            Some((at, m))
        })
    }
}

impl<'a> TypedAttribute<'a> for Group<'a> {
    const NAME: &'static str = "group";
    const PLACEMENT: Placement = Placement::Session;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let semantics = c.token("semantics")?;
        let at = c.offset();
        while !c.at_end() {
            c.token("identification-tag")?;
        }
        c.finish()?;
        Ok(Self {
            semantics,
            mids: &value[at..],
        })
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.semantics)?;
        self.mids().try_for_each(|m| write!(f, " {m}"))
    }
}

/// `a=mid:<identification-tag>` (RFC 5888 §4).
///
/// RFC 5888 makes the tag a `token`; SMPTE ST 2110 senders write tags such as `secondary;`, so
/// any run of visible characters is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Mid<'a>(pub &'a str);

impl<'a> TypedAttribute<'a> for Mid<'a> {
    const NAME: &'static str = "mid";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        match value
            .bytes()
            .position(|b| !b.is_ascii_graphic() && b < 0x80)
        {
            _ if value.is_empty() => Err(ValueError::invalid(0, "identification-tag")),
            Some(i) => Err(ValueError::invalid(i, "identification-tag")),
            None => Ok(Self(value)),
        }
    }
}

impl fmt::Display for Mid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

flag_attribute!(
    /// `a=bundle-only`: the section is only usable inside a BUNDLE group; sent with port 0
    /// (RFC 9143 §6).
    BundleOnly, "bundle-only", Media
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_and_mid() {
        let g = Group::parse_value("LS 1 2").unwrap();
        assert_eq!(g.to_string(), "LS 1 2");
        assert_eq!(g.mids_at().collect::<Vec<_>>(), [(3, "1"), (5, "2")]);
        assert_eq!(Group::parse_value("BUNDLE").unwrap().mids().count(), 0);
        assert_eq!(
            Group::parse_value("BUNDLE a;b"),
            Err(ValueError::invalid(7, "identification-tag"))
        );
        assert!(Group::parse_value("BUNDLE 0 ").is_err());
        assert_eq!(Mid::parse_value("audio"), Ok(Mid("audio")));
        assert_eq!(Mid::parse_value("secondary;"), Ok(Mid("secondary;")));
        assert_eq!(
            Mid::parse_value("a b"),
            Err(ValueError::invalid(1, "identification-tag"))
        );
        assert_eq!(
            Mid::parse_value(""),
            Err(ValueError::invalid(0, "identification-tag"))
        );
    }
}
