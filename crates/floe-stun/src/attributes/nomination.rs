//! NOMINATION (draft-thatcher-ice-renomination §3, IANA 0xC001).

use super::codec::int_attribute;

int_attribute! {
    /// NOMINATION (draft-thatcher-ice-renomination §3, IANA 0xC001): the nomination value for ICE renomination; the highest value wins.
    ///
    /// ```
    /// use floe_stun::attributes::Nomination;
    /// assert_eq!(Nomination(3).0, 3);
    /// ```
    Nomination(u32), NOMINATION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(&Nomination(3), &[1, 2, 3]);
    }
}
