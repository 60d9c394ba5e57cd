//! REALM (RFC 8489 §14.9).

use super::codec::text_attribute;

text_attribute! {
    /// REALM (RFC 8489 §14.9): the authentication realm of the long-term mechanism, fewer than 128 characters (763 bytes).
    ///
    /// ```
    /// use floe_stun::attributes::Realm;
    /// assert_eq!(Realm("example.org").0, "example.org");
    /// ```
    Realm, REALM, max = 763
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::Attribute;
    use crate::attributes::codec::round_trip;
    use crate::{AttributeError, RawAttribute, TransactionId};
    use alloc::vec::Vec;

    #[test]
    fn round_trips() {
        let mut buf = Vec::new();
        assert_eq!(
            round_trip(&Realm("example.org"), &mut buf),
            Realm("example.org")
        );
    }

    #[test]
    fn rejects_bad_utf8() {
        let raw = RawAttribute {
            typ: Realm::TYPE,
            value: b"ab\xff",
            offset: 20,
            ignored: false,
        };
        let err = Realm::decode(raw, &TransactionId::default()).unwrap_err();
        assert_eq!(
            err,
            AttributeError::InvalidUtf8 {
                typ: Realm::TYPE,
                offset: 26
            }
        );
    }
}
