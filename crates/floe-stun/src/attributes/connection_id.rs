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

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(&ConnectionId(0xdead_beef), &[1, 2, 3]);
    }
}
