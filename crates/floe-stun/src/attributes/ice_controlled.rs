//! ICE-CONTROLLED (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// ICE-CONTROLLED (RFC 8445 §16.1): the sender is in the controlled role; the value is its tie-breaker.
    ///
    /// ```
    /// use floe_stun::attributes::IceControlled;
    /// assert_eq!(IceControlled(0x932f_f9b1_5126_3b36).0, 0x932f_f9b1_5126_3b36);
    /// ```
    IceControlled(u64), ICE_CONTROLLED
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
            round_trip(&IceControlled(0x932f_f9b1_5126_3b36), &mut buf),
            IceControlled(0x932f_f9b1_5126_3b36)
        );
        let raw = RawAttribute {
            typ: IceControlled::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            IceControlled::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
