//! SOFTWARE (RFC 8489 §14.14).

use super::codec::text_attribute;

text_attribute! {
    /// SOFTWARE (RFC 8489 §14.14): a description of the agent's software, fewer than 128 characters (763 bytes).
    ///
    /// ```
    /// use floe_stun::attributes::Software;
    /// assert_eq!(Software("STUN test client").0, "STUN test client");
    /// ```
    Software, SOFTWARE, max = 763
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
            round_trip(&Software("STUN test client"), &mut buf),
            Software("STUN test client")
        );
    }

    #[test]
    fn rejects_bad_utf8() {
        let raw = RawAttribute {
            typ: Software::TYPE,
            value: b"ab\xff",
            offset: 20,
            ignored: false,
        };
        let err = Software::decode(raw, &TransactionId::default()).unwrap_err();
        assert_eq!(
            err,
            AttributeError::InvalidUtf8 {
                typ: Software::TYPE,
                offset: 26
            }
        );
    }
}
