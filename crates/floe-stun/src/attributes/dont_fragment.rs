//! DONT-FRAGMENT (RFC 8656 §18.9).

use super::codec::flag_attribute;

flag_attribute! {
    /// DONT-FRAGMENT (RFC 8656 §18.9): ask the server to set the DF bit on relayed UDP. No value.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, DontFragment};
    /// assert_eq!(DontFragment.encoded_len(), 0);
    /// ```
    DontFragment, DONT_FRAGMENT
}
