//! USERHASH (RFC 8489 §14.4).

use super::codec::array_attribute;

array_attribute! {
    /// USERHASH (RFC 8489 §14.4): SHA-256(username ":" realm), sent instead of USERNAME for
    /// username anonymity. Compute it with [`crate::integrity::userhash`].
    ///
    /// ```
    /// use floe_stun::attributes::Userhash;
    /// let h = Userhash(floe_stun::integrity::userhash("user", "realm"));
    /// assert_eq!(h.0.len(), 32);
    /// ```
    Userhash, USERHASH, 32
}
