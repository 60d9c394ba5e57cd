//! Extension attributes (RFC 8839 §5.1 `*(SP cand-extension)`): known browser extensions and
//! unknown name/value pairs, kept in their original order without a per-pair allocation.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::error::BuildError;
use crate::grammar::{DIGIT, ICE, VALUE, classes, decimal, is_token};

/// Longest `ufrag` extension value (RFC 8839 §5.4: `ice-ufrag = 4*256ice-char`). Shorter
/// values than the 4 of `a=ice-ufrag` are accepted: the extension is libwebrtc's, not the
/// RFC's, and real stacks send 3-character ones.
///
/// ```
/// let long = format!("candidate:1 1 udp 1 192.0.2.1 9 typ host ufrag {}", "a".repeat(257));
/// assert!(floe_ice_candidate::Candidate::parse(&long).is_err());
/// assert_eq!(floe_ice_candidate::MAX_UFRAG_LEN, 256);
/// ```
pub const MAX_UFRAG_LEN: usize = 256;

/// Which extension a name/value pair is. The known ones have their value checked when parsed.
///
/// ```
/// use floe_ice_candidate::ExtensionKind;
///
/// assert_eq!(ExtensionKind::from_name("network-cost"), ExtensionKind::NetworkCost);
/// assert_eq!(ExtensionKind::from_name("foo"), ExtensionKind::Other);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExtensionKind {
    /// `generation`: the ICE generation (libwebrtc), a decimal `u32`.
    Generation,
    /// `ufrag`: the username fragment the candidate belongs to (trickle ICE), ice-chars.
    Ufrag,
    /// `network-id`: the sender's network interface id (libwebrtc), a decimal `u32`.
    NetworkId,
    /// `network-cost`: the sender's network cost (libwebrtc: 10 Ethernet, 50 Wi-Fi, 900
    /// cellular, 999 unknown), a decimal `u32`.
    NetworkCost,
    /// Any other name; the value is kept as written.
    Other,
}

impl ExtensionKind {
    /// Classifies an extension name (case-sensitive, as libwebrtc does).
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::ExtensionKind::from_name("ufrag"),
    ///            floe_ice_candidate::ExtensionKind::Ufrag);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        match name {
            "generation" => Self::Generation,
            "ufrag" => Self::Ufrag,
            "network-id" => Self::NetworkId,
            "network-cost" => Self::NetworkCost,
            _ => Self::Other,
        }
    }

    /// The extension name, or `"(other)"` for [`ExtensionKind::Other`].
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::ExtensionKind::NetworkId.as_str(), "network-id");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Generation => "generation",
            Self::Ufrag => "ufrag",
            Self::NetworkId => "network-id",
            Self::NetworkCost => "network-cost",
            Self::Other => "(other)",
        }
    }
}

impl core::fmt::Display for ExtensionKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an extension value is well formed for its kind: no control characters or spaces;
/// a decimal `u32` for the numeric extensions; 1 to 256 ice-chars for `ufrag`.
pub(crate) fn check_value(kind: ExtensionKind, value: &str) -> bool {
    let all = classes(value.as_bytes());
    if value.is_empty() || all & VALUE == 0 {
        return false;
    }
    match kind {
        ExtensionKind::Generation | ExtensionKind::NetworkId | ExtensionKind::NetworkCost => {
            all & DIGIT != 0 && decimal(value, 10).is_some()
        }
        ExtensionKind::Ufrag => value.len() <= MAX_UFRAG_LEN && all & ICE != 0,
        ExtensionKind::Other => true,
    }
}

/// Names that are candidate fields, not extensions.
pub(crate) fn is_reserved_name(name: &str) -> bool {
    ["raddr", "rport", "tcptype", "typ"]
        .iter()
        .any(|r| name.eq_ignore_ascii_case(r))
}

/// One extension pair.
///
/// ```
/// use floe_ice_candidate::{Candidate, ExtensionKind};
///
/// let c = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host generation 0 foo bar")?;
/// let e = c.extensions().iter().nth(1).unwrap();
/// assert_eq!((e.name, e.value, e.kind()), ("foo", "bar", ExtensionKind::Other));
/// # Ok::<(), floe_ice_candidate::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Extension<'e> {
    /// `extension-att-name`.
    pub name: &'e str,
    /// `extension-att-value`.
    pub value: &'e str,
}

impl Extension<'_> {
    /// Which extension this is.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host ufrag abcd")?;
    /// assert_eq!(c.extensions().iter().next().unwrap().kind(), floe_ice_candidate::ExtensionKind::Ufrag);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn kind(&self) -> ExtensionKind {
        ExtensionKind::from_name(self.name)
    }
}

/// The extension pairs of a candidate, in order. Stored as the canonical text
/// `name value name value ...` (a slice of the parsed line when it was already canonical), so
/// a parse allocates nothing however many pairs there are.
///
/// ```
/// use floe_ice_candidate::Extensions;
///
/// let mut e = Extensions::new();
/// e.push("generation", "0")?;
/// e.push("x-vendor", "42")?;
/// assert_eq!(e.generation(), Some(0));
/// assert_eq!(e.get("x-vendor"), Some("42"));
/// assert_eq!(e.as_str(), "generation 0 x-vendor 42");
/// assert_eq!(e.len(), 2);
/// # Ok::<(), floe_ice_candidate::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Extensions<'a> {
    raw: Cow<'a, str>,
}

impl<'a> Extensions<'a> {
    /// No extensions.
    ///
    /// ```
    /// assert!(floe_ice_candidate::Extensions::new().is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            raw: Cow::Borrowed(""),
        }
    }

    /// Wraps text the parser has already checked and made canonical.
    pub(crate) const fn from_canonical(raw: Cow<'a, str>) -> Self {
        Self { raw }
    }

    /// Appends a pair after checking it.
    ///
    /// # Errors
    ///
    /// [`BuildError::BadExtensionName`] when the name is not an RFC 3261 token or is `raddr`,
    /// `rport`, `tcptype` or `typ`; [`BuildError::BadExtensionValue`] when the value is empty,
    /// has white space or control characters, or a known extension's value is malformed.
    ///
    /// ```
    /// let mut e = floe_ice_candidate::Extensions::new();
    /// assert!(e.push("generation", "x").is_err());
    /// assert!(e.push("raddr", "1.2.3.4").is_err());
    /// assert!(e.push("a", "b c").is_err());
    /// ```
    pub fn push(&mut self, name: &str, value: &str) -> Result<(), BuildError> {
        if name.is_empty() || !name.bytes().all(is_token) || is_reserved_name(name) {
            return Err(BuildError::BadExtensionName);
        }
        if !check_value(ExtensionKind::from_name(name), value) {
            return Err(BuildError::BadExtensionValue);
        }
        let raw = self.raw.to_mut();
        if !raw.is_empty() {
            raw.push(' ');
        }
        raw.push_str(name);
        raw.push(' ');
        raw.push_str(value);
        Ok(())
    }

    /// The pairs in order.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host a 1 b 2")?;
    /// let names: Vec<_> = c.extensions().iter().map(|e| e.name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter { rest: &self.raw }
    }

    /// The value of the first pair called `name` (case-sensitive).
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host ufrag EsAw")?;
    /// assert_eq!(c.extensions().get("ufrag"), Some("EsAw"));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|e| e.name == name).map(|e| e.value)
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.get(name).and_then(|v| decimal(v, 10)).map(|(n, _)| n)
    }

    /// The `generation` value.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host generation 2")?;
    /// assert_eq!(c.extensions().generation(), Some(2));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn generation(&self) -> Option<u32> {
        self.number("generation")
    }

    /// The `ufrag` value.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Extensions::new().ufrag(), None);
    /// ```
    #[must_use]
    pub fn ufrag(&self) -> Option<&str> {
        self.get("ufrag")
    }

    /// The `network-id` value.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host network-id 3")?;
    /// assert_eq!(c.extensions().network_id(), Some(3));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn network_id(&self) -> Option<u32> {
        self.number("network-id")
    }

    /// The `network-cost` value.
    ///
    /// ```
    /// let c = floe_ice_candidate::Candidate::parse("candidate:1 1 udp 1 192.0.2.1 9 typ host network-cost 999")?;
    /// assert_eq!(c.extensions().network_cost(), Some(999));
    /// # Ok::<(), floe_ice_candidate::ParseError>(())
    /// ```
    #[must_use]
    pub fn network_cost(&self) -> Option<u32> {
        self.number("network-cost")
    }

    /// The number of pairs.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Extensions::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no pairs.
    ///
    /// ```
    /// assert!(floe_ice_candidate::Extensions::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The canonical text: pairs separated by single spaces.
    ///
    /// ```
    /// assert_eq!(floe_ice_candidate::Extensions::new().as_str(), "");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// An owned copy that borrows nothing.
    ///
    /// ```
    /// let e: floe_ice_candidate::Extensions<'static> = floe_ice_candidate::Extensions::new().into_owned();
    /// ```
    #[must_use]
    pub fn into_owned(self) -> Extensions<'static> {
        Extensions {
            raw: Cow::Owned(String::from(self.raw)),
        }
    }
}

impl<'e> IntoIterator for &'e Extensions<'_> {
    type Item = Extension<'e>;
    type IntoIter = Iter<'e>;

    fn into_iter(self) -> Iter<'e> {
        self.iter()
    }
}

/// Iterator over [`Extensions`], from [`Extensions::iter`].
///
/// ```
/// let e = floe_ice_candidate::Extensions::new();
/// let mut it: floe_ice_candidate::ExtensionsIter<'_> = e.iter();
/// assert!(it.next().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Iter<'e> {
    rest: &'e str,
}

impl<'e> Iterator for Iter<'e> {
    type Item = Extension<'e>;

    fn next(&mut self) -> Option<Extension<'e>> {
        let (name, rest) = self.rest.split_once(' ')?;
        let (value, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        self.rest = rest;
        Some(Extension { name, value })
    }
}
