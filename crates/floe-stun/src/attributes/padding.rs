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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::codec::round_trip;
    use alloc::vec::Vec;

    #[test]
    fn round_trips() {
        let mut buf = Vec::new();
        let payload = [1u8, 2, 3, 4, 5];
        assert_eq!(
            round_trip(&Padding(&payload), &mut buf),
            Padding(&payload[..])
        );
    }
}
