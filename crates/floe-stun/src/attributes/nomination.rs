//! NOMINATION (draft-thatcher-ice-renomination §3, IANA 0xC001).

use super::codec::int_attribute;

int_attribute! {
    /// NOMINATION (draft-thatcher-ice-renomination §3, IANA 0xC001): the nomination value for ICE renomination; the highest value wins.
    ///
    /// ```
    /// use floe_stun::attributes::Nomination;
    /// assert_eq!(Nomination(3).0, 3);
    /// ```
    Nomination(u32), NOMINATION
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
        assert_eq!(round_trip(&Nomination(3), &mut buf), Nomination(3));
        let raw = RawAttribute {
            typ: Nomination::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            Nomination::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
