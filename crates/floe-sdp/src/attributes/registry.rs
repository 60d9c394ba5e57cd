//! The level every registered attribute name may appear at: the IANA "att-field" registrations
//! with their usage level, as RFC 8859 §5 tabulates them and as each defining RFC states it.
//!
//! The parser reads this table for every `a=` line, typed or not: an attribute at a level its
//! registration forbids is a [`DiagnosticKind::Placement`](crate::DiagnosticKind::Placement)
//! (an error in strict mode, a warning in lenient mode). A name that is not here is unknown, not
//! misplaced, and is accepted at either level. The typed attributes' [`TypedAttribute::PLACEMENT`]
//! agrees with this table (a unit test checks every one).
//!
//! Source-level attributes (RFC 5576 §6: `cname`, `previous-ssrc`, `fmtp`, and `msid` as
//! libwebrtc writes it) are values of an `a=ssrc` line, not lines of their own, so they are not
//! listed. Only the level is modelled; the RFC 8859 multiplexing category is not.
//!
//! [`TypedAttribute::PLACEMENT`]: crate::TypedAttribute::PLACEMENT

use super::Placement;

/// The registration of one attribute name: where it may appear and where that is defined.
///
/// ```
/// use floe_sdp::{Placement, registration};
/// let candidate = registration("candidate").unwrap();
/// assert_eq!(candidate.placement, Placement::Media);
/// assert_eq!(candidate.reference, "RFC 8839 §5.1");
/// assert_eq!(registration("ice-lite").map(|r| r.placement), Some(Placement::Session));
/// assert!(registration("x-unknown").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Registration {
    /// The attribute name, as registered (case-sensitive, RFC 8866 §6).
    pub name: &'static str,
    /// The levels it may appear at.
    pub placement: Placement,
    /// The document (and section) that defines it.
    pub reference: &'static str,
}

/// Builds the sorted table.
macro_rules! registry {
    ($($name:literal $placement:ident $reference:literal;)*) => {
        /// Every registered attribute, sorted by name (byte order).
        pub(crate) const REGISTRY: &[Registration] = &[$(Registration {
            name: $name,
            placement: Placement::$placement,
            reference: $reference,
        }),*];
    };
}

registry! {
    "acap" Any "RFC 5939";
    "accept-types" Media "RFC 4975";
    "accept-wrapped-types" Media "RFC 4975";
    "altc" Media "RFC 6947";
    "bfcpver" Media "RFC 8856";
    "bundle-only" Media "RFC 9143 §6";
    "candidate" Media "RFC 8839 §5.1";
    "cat" Session "RFC 8866 §6.1";
    "cfw-id" Media "RFC 6230";
    "charset" Session "RFC 8866 §6.10";
    "conf" Media "RFC 3312";
    "confid" Media "RFC 8856";
    "connection" Any "RFC 4145 §5";
    "content" Media "RFC 4796";
    "control" Any "RFC 7826";
    "creq" Any "RFC 5939";
    "crypto" Media "RFC 4568 §9.1";
    "csup" Any "RFC 5939";
    "curr" Media "RFC 3312";
    "dccp-service-code" Media "RFC 5762";
    "des" Media "RFC 3312";
    "end-of-candidates" Any "RFC 8840 §8.2";
    "extmap" Any "RFC 8285";
    "extmap-allow-mixed" Any "RFC 8285";
    "file-date" Media "RFC 5547";
    "file-disposition" Media "RFC 5547";
    "file-icon" Media "RFC 5547";
    "file-range" Media "RFC 5547";
    "file-selector" Media "RFC 5547";
    "file-transfer-id" Media "RFC 5547";
    "fingerprint" Any "RFC 8122 §5";
    "floorctrl" Media "RFC 8856";
    "floorid" Media "RFC 8856";
    "fmtp" Media "RFC 8866 §6.15";
    "framerate" Media "RFC 8866 §6.13";
    "group" Session "RFC 5888 §5";
    "ice-lite" Session "RFC 8839 §5.3";
    "ice-mismatch" Media "RFC 8839 §5.3";
    "ice-options" Any "RFC 8839 §5.6";
    "ice-pacing" Session "RFC 8839 §5.5";
    "ice-pwd" Any "RFC 8839 §5.4";
    "ice-ufrag" Any "RFC 8839 §5.4";
    "imageattr" Media "RFC 6236 §3";
    "inactive" Any "RFC 8866 §6.7.4";
    "key-mgmt" Any "RFC 4567";
    "keywds" Session "RFC 8866 §6.2";
    "label" Media "RFC 4574";
    "lang" Any "RFC 8866 §6.12";
    "max-message-size" Media "RFC 8841 §6";
    "max-size" Media "RFC 4975";
    "maxprate" Any "RFC 3890";
    "maxptime" Media "RFC 8866 §6.5";
    "mediaclk" Any "RFC 7273";
    "mid" Media "RFC 5888 §4";
    "msid" Media "RFC 8830 §2";
    "msid-semantic" Session "draft-ietf-mmusic-msid (not kept in RFC 8830)";
    "msrp-cema" Media "RFC 6714";
    "orient" Media "RFC 8866 §6.8";
    "path" Media "RFC 4975";
    "pcap" Any "RFC 5939";
    "ptime" Media "RFC 8866 §6.4";
    "qos-mech-recv" Any "RFC 5432";
    "qos-mech-send" Any "RFC 5432";
    "quality" Media "RFC 8866 §6.14";
    "recvonly" Any "RFC 8866 §6.7.1";
    "remote-candidates" Media "RFC 8839 §5.2";
    "rid" Media "RFC 8851 §4";
    "rtcp" Media "RFC 3605 §2.1";
    "rtcp-fb" Media "RFC 4585 §4.2";
    "rtcp-idms" Media "RFC 7272";
    "rtcp-mux" Media "RFC 5761 §5.1.1";
    "rtcp-mux-only" Media "RFC 8858 §3";
    "rtcp-rsize" Media "RFC 5506 §5";
    "rtcp-unicast" Media "RFC 5760";
    "rtcp-xr" Any "RFC 3611 §5.1";
    "rtpmap" Media "RFC 8866 §6.6";
    "sctp-port" Media "RFC 8841 §5.1";
    "sctpmap" Media "draft-ietf-mmusic-sctp-sdp-05 §5";
    "sdplang" Any "RFC 8866 §6.11";
    "sendonly" Any "RFC 8866 §6.7.3";
    "sendrecv" Any "RFC 8866 §6.7.2";
    "setup" Any "RFC 4145 §4";
    "simulcast" Media "RFC 8853 §5.1";
    "source-filter" Any "RFC 4570 §3";
    "ssrc" Media "RFC 5576 §4.1";
    "ssrc-group" Media "RFC 5576 §4.2";
    "tcap" Any "RFC 5939";
    "tls-id" Media "RFC 8842";
    "tool" Session "RFC 8866 §6.3";
    "ts-refclk" Any "RFC 7273";
    "type" Session "RFC 8866 §6.9";
    "userid" Media "RFC 8856";
}

/// The registration of an attribute name (case-sensitive), or `None` for a name this crate
/// does not know: unknown attributes are accepted at either level.
///
/// ```
/// use floe_sdp::{Placement, registration};
/// assert_eq!(registration("imageattr").map(|r| r.placement), Some(Placement::Media));
/// assert_eq!(registration("setup").map(|r| r.placement), Some(Placement::Any));
/// assert_eq!(registration("tool").map(|r| r.reference), Some("RFC 8866 §6.3"));
/// ```
#[must_use]
pub fn registration(name: &str) -> Option<Registration> {
    index_of(name).and_then(|i| REGISTRY.get(i)).copied()
}

/// Where `name` is in [`REGISTRY`]: one hash and, on average, 1.3 name comparisons (at most
/// 4), instead of a binary search's seven. The parser asks this for every `a=` line.
pub(crate) fn index_of(name: &str) -> Option<usize> {
    let mut slot = slot(name.as_bytes())?;
    loop {
        let entry = usize::from(*INDEX.get(slot)?);
        let r = REGISTRY.get(entry.checked_sub(1)?)?;
        if r.name == name {
            return Some(entry - 1);
        }
        slot = (slot + 1) % SLOTS;
    }
}

/// Where `name` is in [`REGISTRY`], at compile time: a name that is not registered does not
/// compile.
pub(crate) const fn position(name: &str) -> usize {
    let mut i = 0;
    while i < REGISTRY.len() {
        let (a, b) = (REGISTRY[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a registered attribute name");
}

/// Slots in [`INDEX`]: a power of two, well over twice the registry's size.
const SLOTS: usize = 256;

/// The first slot to look at for a name: its first, second and last bytes and its length,
/// mixed by one multiplication (Fibonacci hashing); `None` for the empty name.
const fn slot(name: &[u8]) -> Option<usize> {
    let [first, ..] = name else {
        return None;
    };
    let second = if name.len() > 1 { name[1] } else { *first };
    let last = name[name.len() - 1];
    let key =
        *first as u32 | (second as u32) << 8 | (last as u32) << 16 | (name.len() as u32) << 24;
    Some((key.wrapping_mul(0x9e37_79b1) >> 24) as usize)
}

/// Open addressing over [`REGISTRY`]: each slot holds an entry's position plus one, or 0 when
/// empty. Built at compile time; a collision moves on to the next slot.
static INDEX: [u8; SLOTS] = {
    assert!(REGISTRY.len() < SLOTS / 2 && REGISTRY.len() < u8::MAX as usize);
    let mut index = [0u8; SLOTS];
    let mut i = 0;
    while i < REGISTRY.len() {
        let Some(mut slot) = slot(REGISTRY[i].name.as_bytes()) else {
            panic!("an empty name in the registry");
        };
        while index[slot] != 0 {
            slot = (slot + 1) % SLOTS;
        }
        index[slot] = i as u8 + 1;
        i += 1;
    }
    index
};

/// Every registration this crate knows, sorted by name.
///
/// ```
/// let names: Vec<_> = floe_sdp::registrations().map(|r| r.name).collect();
/// assert!(names.contains(&"ice-mismatch"));
/// assert!(names.windows(2).all(|w| w[0] < w[1]));
/// ```
pub fn registrations() -> impl ExactSizeIterator<Item = Registration> {
    REGISTRY.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::*;

    #[test]
    fn sorted_unique_and_found() {
        assert!(REGISTRY.windows(2).all(|w| w[0].name < w[1].name));
        for r in REGISTRY {
            assert_eq!(registration(r.name), Some(*r));
            assert!(r.reference.starts_with("RFC ") || r.reference.starts_with("draft-"));
            assert!(
                crate::grammar::is_token(r.name),
                "{} is not an RFC 8866 token",
                r.name
            );
        }
        assert_eq!(registrations().len(), REGISTRY.len());
        // The index finds every name within four probes.
        for r in REGISTRY {
            let (mut slot, mut probes) = (slot(r.name.as_bytes()).unwrap(), 1);
            while usize::from(INDEX[slot]) != index_of(r.name).unwrap() + 1 {
                slot = (slot + 1) % SLOTS;
                probes += 1;
            }
            assert!(probes <= 4, "{}: {probes} probes", r.name);
        }
        for unknown in ["", "x-google-flag", "Candidate", "candidate ", "zzz"] {
            assert!(registration(unknown).is_none(), "{unknown:?}");
        }
    }

    /// The levels the issue names, checked one by one against the RFCs.
    #[test]
    fn levels_of_the_webrtc_attributes() {
        use Placement::{Any, Media, Session};
        for (name, placement) in [
            ("candidate", Media),
            ("remote-candidates", Media),
            ("ice-lite", Session),
            ("ice-mismatch", Media),
            ("ice-ufrag", Any),
            ("ice-pwd", Any),
            ("ice-options", Any),
            ("ice-pacing", Session),
            ("end-of-candidates", Any),
            ("imageattr", Media),
            ("group", Session),
            ("mid", Media),
            ("setup", Any),
            ("fingerprint", Any),
            ("tls-id", Media),
            ("extmap", Any),
            ("rtcp-mux", Media),
            ("msid-semantic", Session),
            ("ssrc", Media),
            ("sctp-port", Media),
            ("tool", Session),
            ("ptime", Media),
            ("label", Media),
            ("rtcp-fb", Media),
        ] {
            assert_eq!(
                registration(name).map(|r| r.placement),
                Some(placement),
                "{name}"
            );
        }
    }

    /// One source of truth: each typed attribute's `NAME` is registered with its `PLACEMENT`,
    /// and every name the typed registry (`lookup`) knows is registered.
    #[test]
    fn typed_attributes_agree_with_the_registry() {
        fn agrees<'a, T: TypedAttribute<'a>>() {
            assert_eq!(
                registration(T::NAME).map(|r| r.placement),
                Some(T::PLACEMENT),
                "{}",
                T::NAME
            );
            assert!(lookup(T::NAME).is_some(), "{}", T::NAME);
        }
        agrees::<RtpMap<'_>>();
        agrees::<Fmtp<'_>>();
        agrees::<RtcpFb<'_>>();
        agrees::<ExtMap<'_>>();
        agrees::<ExtmapAllowMixed>();
        agrees::<Ssrc<'_>>();
        agrees::<SsrcGroup<'_>>();
        agrees::<Msid<'_>>();
        agrees::<MsidSemantic<'_>>();
        agrees::<Group<'_>>();
        agrees::<Mid<'_>>();
        agrees::<Fingerprint<'_>>();
        agrees::<Setup>();
        agrees::<IceUfrag<'_>>();
        agrees::<IcePwd<'_>>();
        agrees::<IceOptions<'_>>();
        agrees::<IceLite>();
        agrees::<IcePacing>();
        agrees::<CandidateAttribute<'_>>();
        agrees::<EndOfCandidates>();
        agrees::<Rid<'_>>();
        agrees::<Simulcast<'_>>();
        agrees::<SctpPort>();
        agrees::<MaxMessageSize>();
        agrees::<SctpMap<'_>>();
        agrees::<Rtcp<'_>>();
        agrees::<RtcpMux>();
        agrees::<RtcpMuxOnly>();
        agrees::<RtcpRsize>();
        agrees::<BundleOnly>();
        agrees::<Ptime>();
        agrees::<MaxPtime>();
        agrees::<Framerate>();
        agrees::<Crypto<'_>>();
        for name in Direction::NAMES {
            assert_eq!(
                registration(name).map(|r| r.placement),
                Some(Placement::Any)
            );
        }
        for name in TYPED_NAMES {
            assert!(
                registration(name).is_some(),
                "{name} is typed but not registered"
            );
        }
    }
}
