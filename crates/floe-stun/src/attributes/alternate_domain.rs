//! ALTERNATE-DOMAIN (RFC 8489 §14.16).

use super::codec::text_attribute;

text_attribute! {
    /// ALTERNATE-DOMAIN (RFC 8489 §14.16): the domain name of the ALTERNATE-SERVER, for certificate checks over (D)TLS; at most 255 bytes.
    ///
    /// ```
    /// use floe_stun::attributes::AlternateDomain;
    /// assert_eq!(AlternateDomain("stun.example.org").0, "stun.example.org");
    /// ```
    AlternateDomain, ALTERNATE_DOMAIN, max = 255, example = "stun.example.org"
}
