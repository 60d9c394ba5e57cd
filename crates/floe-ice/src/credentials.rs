//! Short-term credentials (RFC 8445 §5.3): ice-ufrag and ice-pwd, their grammar (RFC 8839
//! §5.4) and how the agent draws them.

use rand::Rng as _;

use crate::error::IceError;

/// ice-char (RFC 8839 §5.4): ALPHA / DIGIT / "+" / "/".
const ICE_CHARS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Length of a generated ufrag: 8 ice-chars, 48 bits (RFC 8445 §5.3 asks at least 24).
const UFRAG_LEN: usize = 8;
/// Length of a generated password: 24 ice-chars, 144 bits (RFC 8445 §5.3 asks at least 128).
const PWD_LEN: usize = 24;

/// Short-term credentials (RFC 8445 §5.3): ice-ufrag and ice-pwd. Debug never prints the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// ice-ufrag.
    pub ufrag: String,
    /// ice-pwd.
    pub pwd: String,
}

impl core::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Credentials")
            .field("ufrag", &self.ufrag)
            .field("pwd", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    /// Credentials from their two strings.
    ///
    /// ```
    /// let c = floe_ice::Credentials::new("ufrag", "a-password-of-22-chars");
    /// assert!(!format!("{c:?}").contains("password"));
    /// ```
    #[must_use]
    pub fn new(ufrag: &str, pwd: &str) -> Self {
        Self {
            ufrag: ufrag.to_owned(),
            pwd: pwd.to_owned(),
        }
    }

    /// Checks the grammar of RFC 8839 §5.4: an ice-ufrag is 4 to 256 ice-chars, an ice-pwd 22
    /// to 256.
    ///
    /// ```
    /// use floe_ice::{Credentials, IceError};
    /// assert!(Credentials::new("abcd", "0123456789abcdefghijkl").check().is_ok());
    /// assert!(matches!(
    ///     Credentials::new("abc", "0123456789abcdefghijkl").check(),
    ///     Err(IceError::InvalidCredentials { field: "ice-ufrag", .. })
    /// ));
    /// assert!(Credentials::new("abcd", "short pwd").check().is_err());
    /// ```
    ///
    /// # Errors
    /// [`IceError::InvalidCredentials`] naming the field.
    pub fn check(&self) -> Result<(), IceError> {
        let ice_chars = |s: &str, len: core::ops::RangeInclusive<usize>| {
            len.contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        };
        if !ice_chars(&self.ufrag, 4..=256) {
            return Err(IceError::InvalidCredentials {
                field: "ice-ufrag",
                rule: "4 to 256 ice-chars (ALPHA, DIGIT, '+', '/')",
            });
        }
        if !ice_chars(&self.pwd, 22..=256) {
            return Err(IceError::InvalidCredentials {
                field: "ice-pwd",
                rule: "22 to 256 ice-chars (ALPHA, DIGIT, '+', '/')",
            });
        }
        Ok(())
    }

    /// Fresh credentials: each ice-char from 6 random bits (64 ice-chars: no bias), one
    /// allocation per string.
    pub(crate) fn random(rng: &mut crate::rng::AgentRng) -> Self {
        let mut bytes = [0u8; UFRAG_LEN + PWD_LEN];
        rng.fill_bytes(&mut bytes);
        let word = |bytes: &[u8]| {
            let mut s = String::with_capacity(bytes.len());
            s.extend(
                bytes
                    .iter()
                    .map(|b| char::from(ICE_CHARS[usize::from(b & 63)])),
            );
            s
        };
        let (ufrag, pwd) = bytes.split_at(UFRAG_LEN);
        Self {
            ufrag: word(ufrag),
            pwd: word(pwd),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::{Credentials, IceAgent, IceConfig, IceError, Role};

    #[test]
    fn given_credentials_are_the_first_ones_and_a_restart_draws_new_ones() {
        let given = Credentials::new(
            "ufrag+/9",
            "a-password-of-22-chars".replace('-', "/").as_str(),
        );
        given.check().unwrap();
        let mut config = IceConfig::new(Role::Controlled);
        config.rng_seed = Some([7; 32]);
        config.local_credentials = Some(given.clone());
        let now = Instant::now();
        let mut agent = IceAgent::new(config, now);
        assert_eq!(agent.local_credentials(), &given);
        agent.restart(now);
        let fresh = agent.local_credentials().clone();
        assert_ne!(fresh.ufrag, given.ufrag);
        fresh.check().unwrap();
    }

    #[test]
    fn the_grammar_bounds_are_inclusive() {
        let pwd22 = "p".repeat(22);
        for (ufrag, pwd, ok) in [
            ("abcd", pwd22.as_str(), true),
            ("abc", pwd22.as_str(), false),
            (&*"u".repeat(256), pwd22.as_str(), true),
            (&*"u".repeat(257), pwd22.as_str(), false),
            ("abcd", &pwd22[1..], false),
            ("abcd", &*"p".repeat(256), true),
            ("abcd", &*"p".repeat(257), false),
            ("ab-d", pwd22.as_str(), false),
            ("abcd", &*format!("{}=", &pwd22[1..]), false),
        ] {
            let got = Credentials::new(ufrag, pwd).check();
            assert_eq!(got.is_ok(), ok, "{ufrag} {pwd}: {got:?}");
            if let Err(e) = got {
                assert!(matches!(e, IceError::InvalidCredentials { .. }));
            }
        }
    }
}
