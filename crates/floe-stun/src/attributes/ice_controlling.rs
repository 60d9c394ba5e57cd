//! ICE-CONTROLLING (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// ICE-CONTROLLING (RFC 8445 §16.1): the sender is in the controlling role; the value is its tie-breaker.
    ///
    /// ```
    /// use floe_stun::attributes::IceControlling;
    /// assert_eq!(IceControlling(0x527a_d2e0_d912_0891).0, 0x527a_d2e0_d912_0891);
    /// ```
    IceControlling(u64), ICE_CONTROLLING
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::Attribute;
    use crate::attributes::codec::round_trip;
    use crate::{RawAttribute, TransactionId};
    use alloc::vec::Vec;

    #[test]
    fn round_trips_and_checks_length() {
        let mut buf = Vec::new();
        assert_eq!(
            round_trip(&IceControlling(0x527a_d2e0_d912_0891), &mut buf),
            IceControlling(0x527a_d2e0_d912_0891)
        );
        let raw = RawAttribute {
            typ: IceControlling::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            IceControlling::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
