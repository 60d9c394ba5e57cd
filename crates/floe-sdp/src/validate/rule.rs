//! The rules [`validate`](super::validate) checks, and the findings it reports.

use core::fmt;

/// A rule a description breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Rule {
    /// A mid listed in `a=group` names no media section (RFC 5888 §5, RFC 9143 §7.2).
    GroupMidUnknown,
    /// A mid is listed twice in one `a=group` (RFC 5888 §5).
    GroupMidRepeated,
    /// Two media sections carry the same `a=mid` (RFC 5888 §4).
    DuplicateMid,
    /// A payload type in `rtpmap`, `fmtp` or `rtcp-fb` is not in the `m=` format list
    /// (RFC 8866 §6.6 and §6.15, RFC 4585 §4.2).
    PayloadTypeNotInFormats {
        /// The attribute that names it.
        attribute: &'static str,
    },
    /// The fingerprint has the wrong number of bytes for its hash (RFC 8122 §5).
    FingerprintLength {
        /// The hash function.
        hash: &'static str,
        /// Bytes the hash produces.
        expected: usize,
        /// Bytes in the attribute.
        found: usize,
    },
    /// A rid in `a=simulcast` has no `a=rid` line in the section (RFC 8853 §5.1).
    SimulcastRidUnknown,
    /// A rid in the simulcast send list is not a send rid, or a recv one not recv
    /// (RFC 8853 §5.1).
    SimulcastRidDirection,
    /// A rid appears twice in `a=simulcast` (RFC 8853 §5.1).
    SimulcastRidRepeated,
    /// Two `a=rid` lines in one section share an id (RFC 8851 §4).
    DuplicateRid,
    /// An `a=rid` `pt=` names a format that is not in the `m=` line (RFC 8851 §4; RFC 9429
    /// §5.8 discards such rids).
    RidPayloadTypeNotInFormats,
    /// `a=ice-ufrag` breaks the RFC 8839 §5.4 character set or length (4–256 ice-chars).
    IceUfragSyntax,
    /// `a=ice-pwd` breaks the RFC 8839 §5.4 character set or length (22–256 ice-chars).
    IcePwdSyntax,
    /// `a=ice-lite` appears more than once (RFC 8839 §5.3).
    IceLiteRepeated,
    /// `a=ice-lite` inside a media section (RFC 8839 §5.3: session level only).
    IceLiteAtMediaLevel,
    /// `a=bundle-only` on a section whose port is not 0 (RFC 9143 §6, §7.2.1).
    BundleOnlyWithPort,
    /// `a=bundle-only` on a section that is in no BUNDLE group (RFC 9143 §6).
    BundleOnlyOutsideBundle,
    /// The first (tagged) section of a BUNDLE group has port 0 or `a=bundle-only`
    /// (RFC 9143 §7.2.1: the offerer BUNDLE-tag section must be usable on its own).
    BundleTagNotUsable,
    /// A mid is listed in two `a=group:BUNDLE` lines (RFC 9143 §7.1 and §9: a media section
    /// belongs to at most one BUNDLE group).
    MidInTwoBundleGroups,
    /// A media section has more than one `a=simulcast` line (RFC 8853 §5.1: at most one per
    /// media description).
    SimulcastRepeated,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GroupMidUnknown => {
                f.write_str("group names a mid no media section has (RFC 5888 §5)")
            }
            Self::GroupMidRepeated => f.write_str("mid listed twice in a group (RFC 5888 §5)"),
            Self::DuplicateMid => {
                f.write_str("mid already used by another media section (RFC 5888 §4)")
            }
            Self::PayloadTypeNotInFormats { attribute } => {
                write!(
                    f,
                    "a={attribute} payload type is not in the m= format list (RFC 8866 §5.14)"
                )
            }
            Self::FingerprintLength {
                hash,
                expected,
                found,
            } => {
                write!(
                    f,
                    "{hash} fingerprint has {found} bytes, needs {expected} (RFC 8122 §5)"
                )
            }
            Self::SimulcastRidUnknown => {
                f.write_str("simulcast rid has no a=rid line (RFC 8853 §5.1)")
            }
            Self::SimulcastRidDirection => {
                f.write_str("simulcast rid has the other direction (RFC 8853 §5.1)")
            }
            Self::SimulcastRidRepeated => {
                f.write_str("rid listed twice in a=simulcast (RFC 8853 §5.1)")
            }
            Self::DuplicateRid => f.write_str("rid id already used in this section (RFC 8851 §4)"),
            Self::RidPayloadTypeNotInFormats => {
                f.write_str("rid pt= names a format not in m= (RFC 8851 §4)")
            }
            Self::IceUfragSyntax => {
                f.write_str("ice-ufrag must be 4-256 ice-chars (RFC 8839 §5.4)")
            }
            Self::IcePwdSyntax => f.write_str("ice-pwd must be 22-256 ice-chars (RFC 8839 §5.4)"),
            Self::IceLiteRepeated => {
                f.write_str("a=ice-lite appears more than once (RFC 8839 §5.3)")
            }
            Self::IceLiteAtMediaLevel => {
                f.write_str("a=ice-lite is session level only (RFC 8839 §5.3)")
            }
            Self::BundleOnlyWithPort => {
                f.write_str("a=bundle-only section must have port 0 (RFC 9143 §6)")
            }
            Self::BundleOnlyOutsideBundle => {
                f.write_str("a=bundle-only section is in no BUNDLE group (RFC 9143 §6)")
            }
            Self::BundleTagNotUsable => {
                f.write_str("BUNDLE-tagged section has port 0 or a=bundle-only (RFC 9143 §7.2.1)")
            }
            Self::MidInTwoBundleGroups => {
                f.write_str("mid is already in another BUNDLE group (RFC 9143 §7.1, §9)")
            }
            Self::SimulcastRepeated => {
                f.write_str("a=simulcast appears more than once in the section (RFC 8853 §5.1)")
            }
        }
    }
}

/// One rule broken, at a 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("line {line}, column {column}: {rule}")]
pub struct Finding {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// The rule.
    pub rule: Rule,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_render() {
        let f = Finding {
            line: 3,
            column: 4,
            rule: Rule::DuplicateMid,
        };
        assert_eq!(
            f.to_string(),
            "line 3, column 4: mid already used by another media section (RFC 5888 §4)"
        );
        let f = Finding {
            line: 1,
            column: 2,
            rule: Rule::MidInTwoBundleGroups,
        };
        assert!(f.to_string().ends_with("(RFC 9143 §7.1, §9)"));
        assert!(
            Rule::SimulcastRepeated
                .to_string()
                .contains("RFC 8853 §5.1")
        );
    }
}
