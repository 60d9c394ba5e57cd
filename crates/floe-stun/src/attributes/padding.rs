//! PADDING (RFC 5780 §7.4).

use super::codec::bytes_attribute;

bytes_attribute! {
    /// PADDING (RFC 5780 §7.4): bytes that pad a Binding request or response to test fragmentation; the content is meaningless.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, Padding};
    /// assert_eq!(Padding(b"abc").encoded_len(), 3);
    /// ```
    Padding, PADDING
}
