//! PRIORITY (RFC 8445 §16.1).

use super::codec::int_attribute;

int_attribute! {
    /// PRIORITY (RFC 8445 §16.1): the priority the peer-reflexive candidate would get.
    ///
    /// ```
    /// use floe_stun::attributes::Priority;
    /// assert_eq!(Priority(1845494271).0, 1845494271);
    /// ```
    Priority(u32), PRIORITY
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
            round_trip(&Priority(1845494271), &mut buf),
            Priority(1845494271)
        );
        let raw = RawAttribute {
            typ: Priority::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            Priority::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
