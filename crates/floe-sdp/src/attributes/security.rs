//! DTLS and SDES: `a=fingerprint` (RFC 8122), `a=setup` (RFC 4145, RFC 8842) and the legacy
//! `a=crypto` (RFC 4568).

use core::fmt;
use std::vec::Vec;

use super::{Placement, TypedAttribute};
use crate::error::{ValueError, ValueErrorKind};

use crate::grammar::{ByteSplit, Cursor, is_token, number};

/// Digest sizes of the hash functions in the RFC 8122 §5 / IANA "Hash Function Textual Names"
/// registry, by their registered (lower-case) names.
const HASH_SIZES: &[(&str, usize)] = &[
    ("md2", 16),
    ("md5", 16),
    ("sha-1", 20),
    ("sha-224", 28),
    ("sha-256", 32),
    ("sha-384", 48),
    ("sha-512", 64),
];

/// `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): colon-separated hex bytes.
///
/// ```
/// use floe_sdp::{Fingerprint, TypedAttribute};
/// let f = Fingerprint::parse_value("sha-1 42:89:c5:c6:55:9d:6e:c8:e8:83:55:2a:39:f9:b6:eb:e9:a3:a9:e7")?;
/// assert_eq!(f.bytes()[0], 0x42);
/// assert!(f.check_length().is_ok());
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Fingerprint<'a> {
    /// The hash function, as written (compare case-insensitively).
    pub hash: &'a str,
    /// The hex bytes with their colons, as written.
    pub fingerprint: &'a str,
}

impl Fingerprint<'_> {
    /// The fingerprint bytes.
    #[must_use]
    pub fn bytes(&self) -> Vec<u8> {
        self.fingerprint
            .split_b(b':')
            .filter_map(|h| u8::from_str_radix(h, 16).ok())
            .collect()
    }

    /// The digest size of the hash function, when it is registered.
    #[must_use]
    pub fn expected_len(&self) -> Option<(&'static str, usize)> {
        HASH_SIZES
            .iter()
            .copied()
            .find(|(n, _)| n.eq_ignore_ascii_case(self.hash))
    }

    /// Checks the byte count against the hash function (RFC 8122 §5). Unregistered hash
    /// functions pass.
    ///
    /// # Errors
    ///
    /// [`ValueErrorKind::FingerprintLength`] at the offset of the fingerprint.
    pub fn check_length(&self) -> Result<(), ValueError> {
        let Some((hash, expected)) = self.expected_len() else {
            return Ok(());
        };
        let found = self.fingerprint.split_b(b':').count();
        if found == expected {
            Ok(())
        } else {
            Err(ValueError {
                offset: self.hash.len() + 1,
                kind: ValueErrorKind::FingerprintLength {
                    hash,
                    expected,
                    found,
                },
            })
        }
    }
}

impl<'a> TypedAttribute<'a> for Fingerprint<'a> {
    const NAME: &'static str = "fingerprint";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let hash = c.token("hash-func")?;
        let at = c.offset();
        let fingerprint = c.field("fingerprint")?;
        c.finish()?;
        // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX); lower case accepted (browsers send it).
        let b = fingerprint.as_bytes();
        // Pairs of hex digits, each but the last followed by ':'; an error points at the pair.
        let mut pos = 0;
        while pos + 2 <= b.len() && b[pos].is_ascii_hexdigit() && b[pos + 1].is_ascii_hexdigit() {
            match b.get(pos + 2) {
                None => return Ok(Self { hash, fingerprint }),
                Some(b':') => pos += 3,
                Some(_) => return Err(ValueError::invalid(at + pos + 2, "fingerprint")),
            }
        }
        Err(ValueError::invalid(at + pos, "fingerprint"))
    }
}

impl fmt::Display for Fingerprint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.hash, self.fingerprint)
    }
}

/// `a=setup:<role>` (RFC 4145 §4; DTLS use in RFC 8842 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Setup {
    /// `active`: the endpoint initiates.
    Active,
    /// `passive`: the endpoint accepts.
    Passive,
    /// `actpass`: either (offers).
    ActPass,
    /// `holdconn`: no connection for now.
    HoldConn,
}

impl TypedAttribute<'_> for Setup {
    const NAME: &'static str = "setup";
    const PLACEMENT: Placement = Placement::Any;
    fn parse_value(value: &str) -> Result<Self, ValueError> {
        Ok(match value {
            "active" => Self::Active,
            "passive" => Self::Passive,
            "actpass" => Self::ActPass,
            "holdconn" => Self::HoldConn,
            _ => return Err(ValueError::invalid(0, "role")),
        })
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Active => "active",
            Self::Passive => "passive",
            Self::ActPass => "actpass",
            Self::HoldConn => "holdconn",
        })
    }
}

/// `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 §9.1). Legacy
/// SDES keying: parsed so it survives and can be inspected, never required. `Debug` redacts
/// the key parameters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Crypto<'a> {
    /// Tag (1–9 digits).
    pub tag: u32,
    /// Crypto suite, e.g. `AES_CM_128_HMAC_SHA1_80`.
    pub suite: &'a str,
    /// Key parameters (`inline:<key||salt>[|lifetime][|MKI:length]`), a secret.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub key_params: &'a str,
    /// Session parameters, as written.
    pub session_params: Option<&'a str>,
}

impl fmt::Debug for Crypto<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crypto")
            .field("tag", &self.tag)
            .field("suite", &self.suite)
            .field("key_params", &"<redacted>")
            .field("session_params", &self.session_params)
            .finish()
    }
}

impl<'a> TypedAttribute<'a> for Crypto<'a> {
    const NAME: &'static str = "crypto";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let tag = c.field_with("tag", |w| {
            if w.len() > 9 {
                Err(ValueErrorKind::OutOfRange { field: "tag" })
            } else {
                number(w, "tag")
            }
        })?;
        let suite = c.field_with("crypto-suite", |w| {
            if is_token(w) {
                Ok(w)
            } else {
                Err(ValueErrorKind::Invalid {
                    field: "crypto-suite",
                })
            }
        })?;
        let at = c.offset();
        let key_params = c.field("key-params")?;
        if !key_params
            .split_b(b';')
            .all(|k| k.split_once_b(b':').is_some_and(|(m, _)| is_token(m)))
        {
            return Err(ValueError::invalid(at, "key-params"));
        }
        let session_params = if c.at_end() {
            c.finish()?;
            None
        } else {
            Some(c.take_rest("session-param")?.0)
        };
        Ok(Self {
            tag,
            suite,
            key_params,
            session_params,
        })
    }
}

impl fmt::Display for Crypto<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.tag, self.suite, self.key_params)?;
        self.session_params.map_or(Ok(()), |s| write!(f, " {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_grammar_and_lengths() {
        let f = Fingerprint::parse_value("sha-256 AB:cd").unwrap();
        assert_eq!(f.bytes(), [0xab, 0xcd]);
        assert_eq!(
            f.check_length().unwrap_err().kind,
            ValueErrorKind::FingerprintLength {
                hash: "sha-256",
                expected: 32,
                found: 2
            }
        );
        assert!(
            Fingerprint::parse_value("x-new AB")
                .unwrap()
                .check_length()
                .is_ok()
        );
        assert_eq!(
            Fingerprint::parse_value("sha-1 AB:C"),
            Err(ValueError::invalid(9, "fingerprint"))
        );
        assert_eq!(
            Fingerprint::parse_value("sha-1 AB:GG"),
            Err(ValueError::invalid(9, "fingerprint"))
        );
        assert_eq!(
            Fingerprint::parse_value("sha-1"),
            Err(ValueError::missing(5, "fingerprint"))
        );
        let sha1 = ["00"; 20].join(":");
        assert!(
            Fingerprint::parse_value(&format!("SHA-1 {sha1}"))
                .unwrap()
                .check_length()
                .is_ok()
        );
    }

    #[test]
    fn setup_roles() {
        for role in ["active", "passive", "actpass", "holdconn"] {
            assert_eq!(Setup::parse_value(role).unwrap().to_string(), role);
        }
        assert_eq!(
            Setup::parse_value("Active"),
            Err(ValueError::invalid(0, "role"))
        );
    }

    #[test]
    fn crypto_parses_and_redacts() {
        let v =
            "1 AES_CM_128_HMAC_SHA1_80 inline:8QVQSHJ2AM8gIumHpYRRdWHyZ5NkLhaTD1AENOWx|2^20|1:32";
        let c = Crypto::parse_value(v).unwrap();
        assert_eq!(
            (c.tag, c.suite, c.session_params),
            (1, "AES_CM_128_HMAC_SHA1_80", None)
        );
        assert_eq!(c.to_string(), v);
        assert!(!format!("{c:?}").contains("8QVQ"));
        assert!(
            Crypto::parse_value("1 AES_CM_128_HMAC_SHA1_80 inline:x KDR=1")
                .unwrap()
                .session_params
                .is_some()
        );
        assert_eq!(
            Crypto::parse_value("1 AES nokey"),
            Err(ValueError::invalid(6, "key-params"))
        );
        assert_eq!(
            Crypto::parse_value("1234567890 A inline:x")
                .unwrap_err()
                .kind,
            ValueErrorKind::OutOfRange { field: "tag" }
        );
    }
}
