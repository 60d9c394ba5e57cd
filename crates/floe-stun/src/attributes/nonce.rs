//! NONCE (RFC 8489 §14.10), with the security-feature cookie of RFC 8489 §9.2.

use super::codec::text_attribute;

text_attribute! {
    /// NONCE (RFC 8489 §14.10): the server's nonce for the long-term mechanism, fewer than 128
    /// characters (763 bytes). A nonce that starts with the cookie `obMatJos2` carries 24 bits of
    /// security features in the next four base64 characters (RFC 8489 §9.2).
    ///
    /// ```
    /// use floe_stun::attributes::Nonce;
    /// let n = Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA");
    /// assert_eq!(n.security_features(), Some(0x000002));
    /// assert_eq!(Nonce("f//499k954d6OL34oL9FSTvy64sA").security_features(), None);
    /// ```
    Nonce, NONCE, max = 763, example = "f//499k954d6OL34oL9FSTvy64sA"
}

impl Nonce<'_> {
    /// The nonce cookie that announces security features (RFC 8489 §9.2).
    pub const COOKIE: &'static str = "obMatJos2";
    /// Security feature "Password algorithms": bit 0, the most significant of the 24
    /// (RFC 8489 §18.1; RFC figures number bits from the most significant).
    pub const FEATURE_PASSWORD_ALGORITHMS: u32 = 0x80_0000;
    /// Security feature "Username anonymity": bit 1 (RFC 8489 §18.1).
    pub const FEATURE_USERNAME_ANONYMITY: u32 = 0x40_0000;

    /// The 24 security-feature bits when the nonce starts with [`Self::COOKIE`] followed by
    /// four valid base64 characters.
    #[must_use]
    pub fn security_features(&self) -> Option<u32> {
        let rest = self.0.strip_prefix(Self::COOKIE)?;
        let chars = rest.as_bytes().get(..4)?;
        chars
            .iter()
            .try_fold(0u32, |acc, &c| Some((acc << 6) | base64_value(c)?))
    }
}

/// The value of one base64 character (RFC 4648 §4).
const fn base64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => (c - b'A') as u32,
        b'a'..=b'z' => (c - b'a') as u32 + 26,
        b'0'..=b'9' => (c - b'0') as u32 + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features() {
        assert_eq!(
            Nonce("obMatJos2gAAA").security_features(),
            Some(Nonce::FEATURE_PASSWORD_ALGORITHMS)
        );
        assert_eq!(
            Nonce("obMatJos2QAAAxyz").security_features(),
            Some(Nonce::FEATURE_USERNAME_ANONYMITY)
        );
        assert_eq!(Nonce("obMatJos2A!AA").security_features(), None);
        assert_eq!(Nonce("obMatJos2AA").security_features(), None);
    }
}
