//! USERNAME (RFC 8489 §14.3).

use super::codec::text_attribute;

text_attribute! {
    /// USERNAME (RFC 8489 §14.3): the user name and, with ICE, `remote-ufrag:local-ufrag`. At most 513 bytes (RFC 5389; RFC 8489 says fewer than 509); the text is OpaqueString-processed by the caller.
    ///
    /// ```
    /// use floe_stun::attributes::Username;
    /// assert_eq!(Username("evtj:h6vY").0, "evtj:h6vY");
    /// ```
    Username, USERNAME, max = 513, example = "evtj:h6vY"
}
