//! USERNAME (RFC 8489 §14.3).

use super::codec::text_attribute;

text_attribute! {
    /// USERNAME (RFC 8489 §14.3): the user name and, with ICE, `remote-ufrag:local-ufrag`. At most 513 bytes (RFC 5389; RFC 8489 says fewer than 509); the text is OpaqueString-processed by the caller.
    ///
    /// ```
    /// use floe_stun::attributes::Username;
    /// assert_eq!(Username("evtj:h6vY").0, "evtj:h6vY");
    /// ```
    Username, USERNAME, max = 513
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
            round_trip(&Username("evtj:h6vY"), &mut buf),
            Username("evtj:h6vY")
        );
    }

    #[test]
    fn rejects_bad_utf8() {
        let raw = RawAttribute {
            typ: Username::TYPE,
            value: b"ab\xff",
            offset: 20,
            ignored: false,
        };
        let err = Username::decode(raw, &TransactionId::default()).unwrap_err();
        assert_eq!(
            err,
            AttributeError::InvalidUtf8 {
                typ: Username::TYPE,
                offset: 26
            }
        );
    }
}
