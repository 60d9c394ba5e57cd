//! LIFETIME (RFC 8656 §18.2).

use super::codec::int_attribute;

int_attribute! {
    /// LIFETIME (RFC 8656 §18.2): the seconds the allocation lives without a refresh.
    ///
    /// ```
    /// use floe_stun::attributes::Lifetime;
    /// assert_eq!(Lifetime(600).0, 600);
    /// ```
    Lifetime(u32), LIFETIME
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
        assert_eq!(round_trip(&Lifetime(600), &mut buf), Lifetime(600));
        let raw = RawAttribute {
            typ: Lifetime::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            Lifetime::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
