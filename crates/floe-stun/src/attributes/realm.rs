//! REALM (RFC 8489 §14.9).

use super::codec::text_attribute;

text_attribute! {
    /// REALM (RFC 8489 §14.9): the authentication realm of the long-term mechanism, fewer than 128 characters (763 bytes).
    ///
    /// ```
    /// use floe_stun::attributes::Realm;
    /// assert_eq!(Realm("example.org").0, "example.org");
    /// ```
    Realm, REALM, max = 763, example = "example.org"
}
