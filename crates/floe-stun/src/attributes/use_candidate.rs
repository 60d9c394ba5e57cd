//! USE-CANDIDATE (RFC 8445 §16.1).

use super::codec::flag_attribute;

flag_attribute! {
    /// USE-CANDIDATE (RFC 8445 §16.1): the controlling agent nominates this pair. No value.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, UseCandidate};
    /// assert_eq!(UseCandidate.encoded_len(), 0);
    /// ```
    UseCandidate, USE_CANDIDATE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::Attribute;
    use crate::{RawAttribute, TransactionId};

    #[test]
    fn must_be_empty() {
        let tid = TransactionId::default();
        let raw = RawAttribute {
            typ: UseCandidate::TYPE,
            value: &[],
            offset: 20,
            ignored: false,
        };
        assert_eq!(UseCandidate::decode(raw, &tid), Ok(UseCandidate));
        let raw = RawAttribute {
            value: &[0; 4],
            ..raw
        };
        assert_eq!(UseCandidate::decode(raw, &tid), Err(raw.invalid_length()));
    }
}
