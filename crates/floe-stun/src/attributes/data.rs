//! DATA (RFC 8656 §18.4).

use super::codec::bytes_attribute;

bytes_attribute! {
    /// DATA (RFC 8656 §18.4): the application data of a Send or Data indication, borrowed from the message.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, Data};
    /// assert_eq!(Data(b"abc").encoded_len(), 3);
    /// ```
    Data, DATA
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
        assert_eq!(round_trip(&Data(&payload), &mut buf), Data(&payload[..]));
    }
}
