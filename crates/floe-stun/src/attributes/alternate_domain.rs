//! ALTERNATE-DOMAIN (RFC 8489 §14.16).

use super::codec::text_attribute;

text_attribute! {
    /// ALTERNATE-DOMAIN (RFC 8489 §14.16): the domain name of the ALTERNATE-SERVER, for certificate checks over (D)TLS; at most 255 bytes.
    ///
    /// ```
    /// use floe_stun::attributes::AlternateDomain;
    /// assert_eq!(AlternateDomain("stun.example.org").0, "stun.example.org");
    /// ```
    AlternateDomain, ALTERNATE_DOMAIN, max = 255
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
            round_trip(&AlternateDomain("stun.example.org"), &mut buf),
            AlternateDomain("stun.example.org")
        );
    }

    #[test]
    fn rejects_bad_utf8() {
        let raw = RawAttribute {
            typ: AlternateDomain::TYPE,
            value: b"ab\xff",
            offset: 20,
            ignored: false,
        };
        let err = AlternateDomain::decode(raw, &TransactionId::default()).unwrap_err();
        assert_eq!(
            err,
            AttributeError::InvalidUtf8 {
                typ: AlternateDomain::TYPE,
                offset: 26
            }
        );
    }
}
