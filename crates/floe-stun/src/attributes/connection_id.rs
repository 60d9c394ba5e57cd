//! CONNECTION-ID (RFC 6062 §6.2.1).

use super::codec::int_attribute;

int_attribute! {
    /// CONNECTION-ID (RFC 6062 §6.2.1): identifies a TCP peer data connection.
    ///
    /// ```
    /// use floe_stun::attributes::ConnectionId;
    /// assert_eq!(ConnectionId(0xdead_beef).0, 0xdead_beef);
    /// ```
    ConnectionId(u32), CONNECTION_ID
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
            round_trip(&ConnectionId(0xdead_beef), &mut buf),
            ConnectionId(0xdead_beef)
        );
        let raw = RawAttribute {
            typ: ConnectionId::TYPE,
            value: &[1, 2, 3],
            offset: 20,
            ignored: false,
        };
        assert_eq!(
            ConnectionId::decode(raw, &TransactionId::default()),
            Err(raw.invalid_length())
        );
    }
}
