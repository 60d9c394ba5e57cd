//! DONT-FRAGMENT (RFC 8656 §18.9).

use super::codec::flag_attribute;

flag_attribute! {
    /// DONT-FRAGMENT (RFC 8656 §18.9): ask the server to set the DF bit on relayed UDP. No value.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, DontFragment};
    /// assert_eq!(DontFragment.encoded_len(), 0);
    /// ```
    DontFragment, DONT_FRAGMENT
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
            typ: DontFragment::TYPE,
            value: &[],
            offset: 20,
            ignored: false,
        };
        assert_eq!(DontFragment::decode(raw, &tid), Ok(DontFragment));
        let raw = RawAttribute {
            value: &[0; 4],
            ..raw
        };
        assert_eq!(DontFragment::decode(raw, &tid), Err(raw.invalid_length()));
    }
}
