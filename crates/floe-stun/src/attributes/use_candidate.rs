//! USE-CANDIDATE (RFC 8445 §16.1).

use super::codec::flag_attribute;

flag_attribute! {
    /// USE-CANDIDATE (RFC 8445 §16.1): the controlling agent nominates this pair. No value.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, UseCandidate};
    /// assert_eq!(UseCandidate.encoded_len(), 0);
    /// ```
    UseCandidate, USE_CANDIDATE
}
