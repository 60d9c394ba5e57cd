//! Typed views of the attributes WebRTC and SIP endpoints use.
//!
//! Each attribute is a type implementing [`TypedAttribute`]: its registered name, its RFC
//! section, the level it may appear at, a parser for the value and a `Display` that writes the
//! canonical value. The lines stay untouched in the description; a typed view is computed when
//! asked for, so an attribute that fails its grammar is still there, byte for byte.
//!
//! # Define your own attribute
//!
//! ```
//! use core::fmt;
//! use floe_sdp::{Placement, SessionDescription, TypedAttribute, ValueError};
//!
//! /// `a=x-room:<name>` (made up for this example).
//! #[derive(Debug, PartialEq)]
//! struct Room<'a>(&'a str);
//!
//! impl<'a> TypedAttribute<'a> for Room<'a> {
//!     const NAME: &'static str = "x-room";
//!     const PLACEMENT: Placement = Placement::Session;
//!     fn parse_value(value: &'a str) -> Result<Self, ValueError> {
//!         if value.is_empty() { Err(ValueError::missing(0, "room")) } else { Ok(Room(value)) }
//!     }
//! }
//!
//! impl fmt::Display for Room<'_> {
//!     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.0) }
//! }
//!
//! let sdp = SessionDescription::parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x-room:blue\r\n")?;
//! assert_eq!(sdp.get_attribute::<Room>(), Some(Ok(Room("blue"))));
//! # Ok::<(), floe_sdp::ParseError>(())
//! ```

mod bundle;
mod extmap;
mod ice;
mod registry;
mod rtp;
mod sctp;
mod security;
mod simulcast;
mod streams;

use core::fmt;

pub use bundle::{BundleOnly, Group, Mid};
pub use extmap::{ExtMap, ExtmapAllowMixed};
pub use ice::{
    CandidateAttribute, EndOfCandidates, IceLite, IceOptions, IcePacing, IcePwd, IceUfrag,
};
pub(crate) use registry::{REGISTRY, index_of};
pub use registry::{Registration, registration, registrations};
pub use rtp::{
    Direction, Fmtp, FmtpParameter, Framerate, MaxPtime, Ptime, Rtcp, RtcpFb, RtcpMux, RtcpMuxOnly,
    RtcpRsize, RtpMap,
};
pub use sctp::{MaxMessageSize, SctpMap, SctpPort};
pub use security::{Crypto, Fingerprint, Setup};
pub use simulcast::{Rid, RidDirection, Simulcast, SimulcastId, SimulcastList, SimulcastStream};
pub use streams::{Msid, MsidSemantic, Ssrc, SsrcGroup};

use crate::error::{Level, ValueError, ValueErrorKind};

/// Where an attribute may appear (RFC 8859 §5 and each attribute's own RFC; see
/// [`registration`] for every registered name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Placement {
    /// Only before the first `m=` line.
    Session,
    /// Only inside media sections.
    Media,
    /// Either level.
    Any,
}

impl Placement {
    /// Whether `level` is allowed.
    #[must_use]
    pub const fn allows(self, level: Level) -> bool {
        matches!(
            (self, level),
            (Self::Any, _) | (Self::Session, Level::Session) | (Self::Media, Level::Media)
        )
    }
}

/// A typed view of one attribute (`a=<NAME>[:<value>]`).
///
/// `Display` writes the value after the colon (nothing for a flag), in canonical form.
pub trait TypedAttribute<'a>: Sized + fmt::Display {
    /// The registered attribute name (case-sensitive, RFC 8866 §6).
    const NAME: &'static str;
    /// Where it may appear. For a registered name this must be its [`registration`]'s
    /// placement: the parser checks placement through the registry, not through this constant.
    const PLACEMENT: Placement;
    /// `false` for a flag attribute, whose grammar has no value (`a=rtcp-mux`).
    const HAS_VALUE: bool = true;

    /// Parses the value (the text after the colon; `""` for a flag).
    ///
    /// # Errors
    ///
    /// A [`ValueError`] naming the grammar field that failed and its offset in the value.
    fn parse_value(value: &'a str) -> Result<Self, ValueError>;

    /// A deviation the value was accepted with (e.g. the draft-03 simulcast form): a warning in
    /// lenient mode, an error in strict mode.
    fn deviation(&self) -> Option<ValueError> {
        None
    }

    /// Something worth a warning in both modes that the grammar allows (e.g. an active TCP
    /// candidate whose port is not 9).
    fn advisory(&self) -> Option<ValueError> {
        None
    }

    /// Parses the value of an attribute line (`None` when the line has no colon).
    ///
    /// # Errors
    ///
    /// As [`TypedAttribute::parse_value`]; a flag with a value, or a valued attribute without
    /// one, is also an error.
    fn from_value(value: Option<&'a str>) -> Result<Self, ValueError> {
        match (value, Self::HAS_VALUE) {
            (Some(v), true) => Self::parse_value(v),
            (None, false) => Self::parse_value(""),
            (None, true) => Err(ValueError::missing(0, "att-value")),
            (Some(_), false) => Err(ValueError {
                offset: 0,
                kind: ValueErrorKind::UnexpectedValue,
            }),
        }
    }
}

/// Defines a flag attribute (no value).
macro_rules! flag_attribute {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $placement:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $ty;

        impl crate::attributes::TypedAttribute<'_> for $ty {
            const NAME: &'static str = $name;
            const PLACEMENT: crate::attributes::Placement = crate::attributes::Placement::$placement;
            const HAS_VALUE: bool = false;
            fn parse_value(_: &str) -> Result<Self, crate::error::ValueError> {
                Ok(Self)
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, _: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                Ok(())
            }
        }
    };
}
pub(crate) use flag_attribute;

/// Defines an attribute whose value is one decimal number.
macro_rules! number_attribute {
    ($(#[$doc:meta])* $ty:ident($int:ty), $name:literal, $field:literal, $placement:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $ty(pub $int);

        impl crate::attributes::TypedAttribute<'_> for $ty {
            const NAME: &'static str = $name;
            const PLACEMENT: crate::attributes::Placement = crate::attributes::Placement::$placement;
            fn parse_value(value: &str) -> Result<Self, crate::error::ValueError> {
                crate::grammar::number(value, $field)
                    .map(Self)
                    .map_err(|kind| crate::error::ValueError { offset: 0, kind })
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}
pub(crate) use number_attribute;

/// A typed attribute name found in a description: how the parser checks its value (its
/// placement is in the [`registration`] table, for typed and untyped names alike).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Known {
    pub(crate) name: &'static str,
    /// Parses the value and returns the first problem: an error or accepted deviation
    /// (`true`: rejected in strict mode) or an advisory (`false`: a warning in both modes).
    pub(crate) check: fn(Option<&str>) -> Option<(ValueError, bool)>,
}

pub(crate) fn check<'a, T: TypedAttribute<'a>>(
    value: Option<&'a str>,
) -> Option<(ValueError, bool)> {
    match T::from_value(value) {
        Ok(t) => t
            .deviation()
            .map(|e| (e, true))
            .or_else(|| t.advisory().map(|e| (e, false))),
        Err(e) => Some((e, true)),
    }
}

/// The registry entry of a typed attribute.
macro_rules! known {
    ($ty:ty) => {
        Known {
            name: <$ty as TypedAttribute<'_>>::NAME,
            check: |v| check::<$ty>(v),
        }
    };
}

/// The typed attributes, each with how its value is checked.
const TYPED: &[Known] = &[
    known!(RtpMap<'_>),
    known!(Fmtp<'_>),
    known!(RtcpFb<'_>),
    known!(ExtMap<'_>),
    known!(ExtmapAllowMixed),
    known!(Ssrc<'_>),
    known!(SsrcGroup<'_>),
    known!(Msid<'_>),
    known!(MsidSemantic<'_>),
    known!(Group<'_>),
    known!(Mid<'_>),
    known!(Fingerprint<'_>),
    known!(Setup),
    known!(IceUfrag<'_>),
    known!(IcePwd<'_>),
    known!(IceOptions<'_>),
    known!(IceLite),
    known!(IcePacing),
    Known {
        check: ice::check_candidate,
        ..known!(CandidateAttribute<'_>)
    },
    known!(EndOfCandidates),
    known!(Rid<'_>),
    known!(Simulcast<'_>),
    known!(SctpPort),
    known!(MaxMessageSize),
    known!(SctpMap<'_>),
    known!(Rtcp<'_>),
    known!(RtcpMux),
    known!(RtcpMuxOnly),
    known!(RtcpRsize),
    known!(BundleOnly),
    known!(Ptime),
    known!(MaxPtime),
    known!(Framerate),
    known!(Crypto<'_>),
    flag(Direction::NAMES[0]),
    flag(Direction::NAMES[1]),
    flag(Direction::NAMES[2]),
    flag(Direction::NAMES[3]),
];

/// A direction attribute (RFC 8866 §6.7): a flag without a value.
const fn flag(name: &'static str) -> Known {
    Known {
        name,
        check: check_flag,
    }
}

/// [`TYPED`] by position in the registry of all names, so one lookup of a name
/// ([`registry::index_of`]) gives its placement and its value check.
static TYPED_AT: [Option<Known>; REGISTRY.len()] = {
    let mut at = [None; REGISTRY.len()];
    let mut i = 0;
    while i < TYPED.len() {
        at[registry::position(TYPED[i].name)] = Some(TYPED[i]);
        i += 1;
    }
    at
};

/// The typed attribute at `position` in the registry, if that name is typed.
pub(crate) fn typed_at(position: usize) -> Option<Known> {
    TYPED_AT.get(position).copied().flatten()
}

/// Looks an attribute name up in the registry of typed attributes.
pub(crate) fn lookup(name: &str) -> Option<Known> {
    typed_at(index_of(name)?)
}

fn check_flag(value: Option<&str>) -> Option<(ValueError, bool)> {
    value.map(|_| {
        (
            ValueError {
                offset: 0,
                kind: ValueErrorKind::UnexpectedValue,
            },
            true,
        )
    })
}

/// Every name [`lookup`] knows (for the tests).
#[cfg(test)]
pub(crate) const TYPED_NAMES: &[&str] = &[
    "rtpmap",
    "fmtp",
    "rtcp-fb",
    "extmap",
    "extmap-allow-mixed",
    "ssrc",
    "ssrc-group",
    "msid",
    "msid-semantic",
    "group",
    "mid",
    "fingerprint",
    "setup",
    "ice-ufrag",
    "ice-pwd",
    "ice-options",
    "ice-lite",
    "ice-pacing",
    "candidate",
    "end-of-candidates",
    "rid",
    "simulcast",
    "sctp-port",
    "max-message-size",
    "sctpmap",
    "rtcp",
    "rtcp-mux",
    "rtcp-mux-only",
    "rtcp-rsize",
    "bundle-only",
    "ptime",
    "maxptime",
    "framerate",
    "crypto",
    "sendrecv",
    "sendonly",
    "recvonly",
    "inactive",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_match_the_types() {
        for &name in TYPED_NAMES {
            assert_eq!(lookup(name).map(|k| k.name), Some(name));
        }
        assert!(lookup("x-unknown").is_none());
    }

    #[test]
    fn every_flag_attribute_parses_without_a_value_and_writes_none() {
        fn flag<'a, T: TypedAttribute<'a> + PartialEq + fmt::Debug>(expected: T) {
            assert!(!T::HAS_VALUE, "{}", T::NAME);
            assert_eq!(T::from_value(None), Ok(expected), "{}", T::NAME);
            assert_eq!(
                T::from_value(Some("1")).unwrap_err().kind,
                ValueErrorKind::UnexpectedValue
            );
            assert_eq!(
                crate::Line::typed(&T::from_value(None).unwrap()).text(),
                format!("a={}", T::NAME)
            );
            assert!(lookup(T::NAME).is_some());
        }
        flag(RtcpMux);
        flag(RtcpMuxOnly);
        flag(RtcpRsize);
        flag(ExtmapAllowMixed);
        flag(BundleOnly);
        flag(IceLite);
        flag(EndOfCandidates);
        assert_eq!(
            registration("ice-lite").map(|k| k.placement),
            Some(Placement::Session)
        );
        assert_eq!(
            registration("bundle-only").map(|k| k.placement),
            Some(Placement::Media)
        );
        assert_eq!(
            registration("end-of-candidates").map(|k| k.placement),
            Some(Placement::Any)
        );
        assert_eq!(
            (
                check_flag(None),
                check_flag(Some("x")).map(|(e, _)| e.offset)
            ),
            (None, Some(0))
        );
    }

    #[test]
    fn flags_reject_values_and_valued_attributes_need_one() {
        assert_eq!(RtcpMux::from_value(None), Ok(RtcpMux));
        assert_eq!(
            RtcpMux::from_value(Some("x")).unwrap_err().kind,
            ValueErrorKind::UnexpectedValue
        );
        assert_eq!(
            Mid::from_value(None),
            Err(ValueError::missing(0, "att-value"))
        );
        assert!(Placement::Session.allows(Level::Session));
        assert!(!Placement::Session.allows(Level::Media));
        assert!(Placement::Any.allows(Level::Media));
    }
}
