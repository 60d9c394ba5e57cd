//! SOFTWARE (RFC 8489 §14.14).

use super::codec::text_attribute;

text_attribute! {
    /// SOFTWARE (RFC 8489 §14.14): a description of the agent's software, fewer than 128 characters (763 bytes).
    ///
    /// ```
    /// use floe_stun::attributes::Software;
    /// assert_eq!(Software("STUN test client").0, "STUN test client");
    /// ```
    Software, SOFTWARE, max = 763, example = "STUN test client"
}
